"""Part III's training for `make bench`: the two Gabella runs (full profile), each timed in its own process
as the build trains them, and the machine's float32 matrix-product peak, to see how much of it training
reaches (each through the pool worker's entry, worker.train_one). FLOPs of one SGD step: about 6 x parameters x batch (forward 2, backward 4 per weight and image)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = ("mnist-zero-init", "mnist-tiny-init")

_TRAIN_ONE = """
import json, sys, time
from pathlib import Path
from generator import config, worker
spec = config.load_experiments(Path(sys.argv[1]))[sys.argv[2]].spec
run, seconds, _ = worker.train_one(sys.argv[2], spec)  # as a build's pool worker trains it
print(json.dumps({"seconds": seconds, "test_accuracy": float(run["test_accuracy"][-1, 0])}))
"""


def matmul_peak(size: int = 2048, repeats: int = 5) -> dict:
    """Best-of-`repeats` float32 GFLOP/s of torch.mm on size x size matrices, with 1 and 2 threads."""
    import torch
    a, b = torch.randn(size, size), torch.randn(size, size)
    out = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        torch.mm(a, b)  # warm-up
        best = min(_timed(torch.mm, a, b) for _ in range(repeats))
        out[f"gflops_{threads}_thread"] = round(2 * size ** 3 / best / 1e9, 1)
    torch.set_num_threads(1)
    return out


def _timed(f, *args) -> float:
    started = time.perf_counter()
    f(*args)
    return time.perf_counter() - started


def step_flops(spec: dict) -> float:
    """Forward + backward FLOPs of one SGD step of every seed: 6 x weights x batch x seeds (no biases)."""
    sizes = [784, *spec["model"]["hidden"], 10]
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return 6.0 * weights * spec["train"]["batch_size"] * spec["train"]["seeds"]


def measure() -> dict:
    """Train both runs in parallel (one process each, as the build does), then time the matmul peak."""
    from generator import config
    experiments = config.load_experiments(ROOT / "content" / "experiments")
    started = time.perf_counter()
    procs = {name: subprocess.Popen([sys.executable, "-c", _TRAIN_ONE, str(ROOT / "content" / "experiments"), name],
                                    cwd=ROOT, stdout=subprocess.PIPE, text=True) for name in RUNS}
    results = {}
    for name, proc in procs.items():
        out, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"training {name} failed")
        results[name] = json.loads(out.strip().splitlines()[-1])
    wall = time.perf_counter() - started
    peak = matmul_peak()
    report = {"parallel_wall_seconds": round(wall, 1), **peak}
    for name in RUNS:
        spec = experiments[name].spec
        seconds = results[name]["seconds"]
        achieved = step_flops(spec) * spec["train"]["steps"] / seconds / 1e9
        report[name] = {"seconds": round(seconds, 1), "steps": spec["train"]["steps"],
                        "ms_per_step": round(1000 * seconds / spec["train"]["steps"], 3),
                        "achieved_gflops": round(achieved, 2),
                        "share_of_1_thread_peak": round(achieved / peak["gflops_1_thread"], 3),
                        "final_test_accuracy": results[name]["test_accuracy"]}
    total = sum(step_flops(experiments[n].spec) * experiments[n].spec["train"]["steps"] for n in RUNS)
    report["achieved_gflops"] = round(total / wall / 1e9, 2)  # both runs together, over the parallel wall time
    report["share_of_2_thread_peak"] = round(report["achieved_gflops"] / peak["gflops_2_thread"], 3)
    return report


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
