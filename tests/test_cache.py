"""Cache keys change with spec or code and nothing else; entries are written atomically, without pickle."""
import dataclasses
from pathlib import Path

import numpy as np

from generator import cache, config, runs

ROOT = Path(__file__).resolve().parent.parent


def experiment():
    return config.load_experiments(ROOT / "content" / "experiments")["curves-one-layer"]


def test_run_key_is_stable_and_follows_the_spec():
    exp = experiment()
    assert runs.run_key(exp) == runs.run_key(experiment())
    changed = dataclasses.replace(exp, spec=exp.spec | {"train": exp.spec["train"] | {"steps": 7}})
    assert runs.run_key(changed) != runs.run_key(exp)
    comment_only = dataclasses.replace(exp, source=exp.source + "\n# a comment\n")
    assert runs.run_key(comment_only) == runs.run_key(exp)


def test_run_key_follows_the_training_code(monkeypatch):
    exp = experiment()
    before = runs.run_key(exp)
    real = cache.source_hash
    monkeypatch.setattr(runs, "source_hash", lambda *m: real(*m) + "edited")
    assert runs.run_key(exp) != before


def test_store_round_trip_and_atomic_replace(tmp_path):
    store = cache.Store(tmp_path)
    key = cache.digest("x", 1)
    assert not store.has("runs", key)
    store.put("runs", key, {"why": "test"}, arrays={"a": np.arange(3)}, files={"f.txt": b"hi"})
    store.put("runs", key, {"why": "again"}, arrays={"a": np.arange(4)})
    assert store.meta("runs", key)["why"] == "again" and store.arrays("runs", key)["a"].tolist() == [0, 1, 2, 3]
    leftovers = [p for p in store.path("runs", key).parent.iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []
    np.load(store.path("runs", key) / "arrays.npz", allow_pickle=False)["a"]


def test_digest_ignores_dict_order():
    assert cache.digest({"a": 1, "b": 2}) == cache.digest({"b": 2, "a": 1})


def test_run_key_follows_only_its_own_dataset_function(monkeypatch):
    from generator import datasets
    exp = experiment()
    before = runs.run_key(exp)
    monkeypatch.setitem(datasets.KINDS, "spirals", lambda points_per_class=3: None)  # another dataset edited
    assert runs.run_key(exp) == before
    monkeypatch.setitem(datasets.KINDS, "two-curves", lambda points_per_class=3: None)  # its own
    assert runs.run_key(exp) != before


def test_a_figure_is_redrawn_when_its_claims_change(tmp_path, monkeypatch):
    """Figures may draw measured claims (the accuracy jumps): new claims on the same run redraw the figure."""
    from types import SimpleNamespace

    from generator import derive, figures
    from generator.content import Directive

    store = cache.Store(tmp_path)
    run = cache.digest("a run")
    store.put("runs", run, {}, arrays={"loss": np.ones(3)})
    drawn = []

    def builder(options, arrays, spec, claims):
        drawn.append(claims)
        return SimpleNamespace(spec={"mark": "point"}, claims={}, frames=0, files={})

    monkeypatch.setattr(figures, "builder", lambda kind: builder)
    directive = Directive("f", "accuracy-curve", "e", "", "", {}, tmp_path / "s.md", 1)
    derive.figure_output(store, directive, run, {}, {"jump": 1})
    derive.figure_output(store, directive, run, {}, {"jump": 1})
    derive.figure_output(store, directive, run, {}, {"jump": 2})
    assert drawn == [{"jump": 1}, {"jump": 2}]
