"""Training figures for `make bench`: Part I's cold build with and without O15, and batched training
against a per-seed loop on the same experiment (issue: batched at least 4x faster per seed)."""
from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
O15 = ("mnist-knn.toml", "09-neighbours.md")
# Parts II and III, and the closing section that quotes every part: not Part I
LATER_PARTS = ("spiralnet.toml", "mnist-zero-init.toml", "mnist-tiny-init.toml", "10-*.md", "11-*.md", "12-*.md",
               "13-*.md")
LOOPED = ("curves-one-layer", "spirals-4x2", "annulus-2")


def cold_without_o15(tmp: Path) -> dict:
    """Cold build (empty cache) of Part I's content without O15's experiment and section; wall seconds."""
    content = tmp / "content-part1"
    shutil.copytree(ROOT / "content", content)
    for name in O15 + LATER_PARTS:
        for path in content.rglob(name):
            path.unlink()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out",
                           str(tmp / "site-part1"), "--cache", str(tmp / "cache-part1")], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the Part I build failed:\n{done.stderr}{done.stdout}")
    return {"seconds": round(time.perf_counter() - started, 2)}


def o15_training() -> dict:
    """O15's training alone (both networks and the three scores), timed in this process."""
    from generator import config, train
    exp = config.load_experiments(ROOT / "content" / "experiments")["mnist-knn"]
    started = time.perf_counter()
    run = train.train(exp.id, exp.spec)
    return {"seconds": round(time.perf_counter() - started, 2), "softmax_error": float(run["softmax_error"].mean())}


def batched_vs_loop(steps: int = 400) -> dict:
    """Per-seed training time: all seeds in one batched model against one model per seed, same steps."""
    from generator import config, train
    experiments = config.load_experiments(ROOT / "content" / "experiments")
    out = {}
    warm = copy.deepcopy(experiments[LOOPED[0]].spec)
    warm["train"] |= {"steps": 5, "seeds": 2}
    train.train("warm-up", warm)  # first use of torch pays for its start-up; keep it out of the timings
    for name in LOOPED:
        spec = copy.deepcopy(experiments[name].spec)
        spec["train"]["steps"] = steps
        seeds = spec["train"]["seeds"]
        started = time.perf_counter()
        train.train(name, spec)
        batched = (time.perf_counter() - started) / seeds
        started = time.perf_counter()
        for k in range(seeds):
            alone = copy.deepcopy(spec)
            alone["train"] |= {"seeds": 1, "first_seed": spec["train"]["first_seed"] + k}
            train.train(name, alone)
        looped = (time.perf_counter() - started) / seeds
        out[name] = {"seeds": seeds, "steps": steps, "batched_ms_per_seed": round(batched * 1000, 1),
                     "loop_ms_per_seed": round(looped * 1000, 1), "speedup": round(looped / batched, 1)}
    return out


SEED_COST = ("spiralnet-7-tanh", "spiralnet-7-relu", "mnist-tiny-init", "mnist-zero-init")


def seed_cost(steps: int = 300) -> dict:
    """What the seeds cost: ms per step of one seed against the experiment's own seeds (batched, or one by one
    where its file says batch_seeds = false), same steps, few snapshots; tanh against ReLU shows denormals."""
    from generator import config, train
    experiments = config.load_experiments(ROOT / "content" / "experiments")
    out = {}
    for name in SEED_COST:
        spec = copy.deepcopy(experiments[name].spec)
        spec["train"] |= {"steps": steps, "snapshots": 2}
        train.train("warm-up", spec | {"train": spec["train"] | {"steps": 3, "seeds": 1}})  # torch, data loaded
        timings = {}
        for seeds in (1, spec["train"]["seeds"]):
            took = {}
            for count in (1, steps):  # the difference leaves out setup (data, model): milliseconds per step
                started = time.perf_counter()
                train.train(name, spec | {"train": spec["train"] | {"seeds": seeds, "steps": count}})
                took[count] = time.perf_counter() - started
            timings[seeds] = (took[steps] - took[1]) * 1000 / (steps - 1)
        one, many = timings[1], timings[max(timings)]
        out[name] = {"seeds": max(timings), "batched": spec["train"]["batch_seeds"],
                     "ms_per_step_1_seed": round(one, 2), "ms_per_step_all_seeds": round(many, 2),
                     "cost_of_seeds": round(many / one, 2)}
    return out
