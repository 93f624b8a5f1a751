"""The numeric path: pinned in training processes, lowered to what the processor has, named in every run's key,
and what torch really dispatches to."""
import json
import os
import subprocess
import sys
from pathlib import Path

from generator import numeric, replicate, runs
from generator.config import load_experiments

ROOT = Path(__file__).resolve().parent.parent


def test_the_pins_stand_unless_the_environment_sets_a_variable():
    assert numeric.training_environment({}) == numeric.PINS
    chosen = numeric.training_environment({"MKL_CBWR": "COMPATIBLE"})
    assert chosen["MKL_CBWR"] == "COMPATIBLE" and chosen["ATEN_CPU_CAPABILITY"] == "avx2"


def test_the_capability_is_lowered_to_what_the_processor_supports(monkeypatch):
    monkeypatch.setattr(numeric, "cpu", lambda: ("old", frozenset({"sse2"})))
    assert numeric.path({})["torch_capability"] == "default"
    monkeypatch.setattr(numeric, "cpu", lambda: ("new", frozenset({"avx2", "fma"} | numeric.AVX512)))
    assert numeric.path({})["torch_capability"] == "avx2"  # the pin lowers AVX-512 to AVX2
    assert numeric.path({"ATEN_CPU_CAPABILITY": "default"})["torch_capability"] == "default"


def test_a_run_key_follows_the_numeric_path(monkeypatch):
    experiment = load_experiments(ROOT / "content" / "experiments")["curves-line"]
    pinned = runs.run_key(experiment)
    monkeypatch.setenv("MKL_CBWR", "COMPATIBLE")
    assert runs.run_key(experiment) != pinned


def test_torch_dispatches_to_the_path_the_key_names():
    """In a fresh process, as a training worker starts: pinned, then torch loads (the worker checks the same)."""
    code = ("from generator import numeric; numeric.pin(); import json; "
            "print(json.dumps([numeric.dispatched(), numeric.path()['torch_capability']]))")
    for extra in ({}, {"ATEN_CPU_CAPABILITY": "default"}):
        env = {k: v for k, v in os.environ.items() if k not in numeric.VARIABLES} | extra
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        dispatched, named = json.loads(out.stdout)
        assert dispatched == named, extra


def test_describe_names_the_processor_the_path_and_the_libraries():
    found = numeric.describe()
    assert found["cpu"] and found["numeric_path"]["mkl_cbwr"] and found["torch"] != "not installed"
    assert found["threads_per_process"] == 1


def test_the_replica_trains_on_seeds_disjoint_from_the_builds():
    experiments = load_experiments(ROOT / "content" / "experiments")
    shifted = replicate.shifted(experiments)
    for name, experiment in experiments.items():
        train, moved = experiment.spec["train"], shifted[name].spec["train"]
        before = set(range(train["first_seed"], train["first_seed"] + train["seeds"]))
        after = set(range(moved["first_seed"], moved["first_seed"] + moved["seeds"]))
        assert len(after) == len(before) and not before & after, name
