"""Where a training step goes (issue 14): for one spiralNet run and one MNIST run, the time per step split into
forward (model, loss, penalties), backward (zero_grad and autograd), optimiser and snapshot recording, with the
step's achieved float32 GFLOP/s against the one-thread matrix-product peak measured in the same run, and the
operators that take the most time (torch.profiler).

    .venv/bin/python -m tests.bench.step_profile [--steps 400]

Each run is the experiment's own spec (its seeds batched, one thread, denormals flushed, as the build trains
it), cut to `steps` steps with its snapshots at the same rate, so the shares are the full run's.
"""
from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = ("spiralnet-7-tanh", "spiralnet-7-relu", "mnist-tiny-init")
PHASES = ("forward", "backward", "optimiser", "snapshots")


def _flops_per_step(spec: dict, inputs: int, points: int) -> float:
    """6 x weights x examples in the step x seeds (forward 2, backward 4 per weight and example; biases,
    activations and the optimiser's O(parameters) work left out)."""
    sizes = [inputs, *spec["model"]["hidden"], spec["data"].get("classes", 10)]
    return 6.0 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) * points * spec["train"]["seeds"]


def profile(name: str, spec: dict, steps: int) -> dict:
    """The training loop of generator.train, step by step with a clock around each phase."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    from generator import datasets, train
    from generator.heap import keep_freed_memory
    keep_freed_memory()  # as the build's workers train (generator/runs.py)
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    opts, full_steps = spec["train"], spec["train"]["steps"]
    X_np, y_np = datasets.make(spec["data"])
    X, y = torch.from_numpy(X_np), torch.from_numpy(y_np)
    held_out = datasets.held_out(spec["data"])
    seeds = np.arange(opts["first_seed"], opts["first_seed"] + opts["seeds"])
    model = train._model(spec["model"], X.shape[1], int(y_np.max()) + 1, seeds)
    optimiser = train._optimiser(model, opts)
    batches = [torch.Generator().manual_seed(int(s)) for s in seeds]
    every = max(1, round(full_steps / max(opts["snapshots"], 1)))  # the full run's snapshot rate
    spent = dict.fromkeys(PHASES, 0.0)
    recorded = 0

    def step(clock: bool) -> None:
        nonlocal recorded
        t0 = time.perf_counter()
        if opts["batch_size"]:
            pick = torch.stack([torch.randint(len(X), (opts["batch_size"],), generator=g) for g in batches])
            rows = pick.ravel()  # gathered as generator/train.py gathers them
            xb, yb = X.index_select(0, rows).view(*pick.shape, -1), y.index_select(0, rows).view(pick.shape)
        else:
            xb, yb = X, y.expand(len(seeds), -1)
        logits = model(xb)
        per_seed = F.cross_entropy(logits.transpose(1, 2), yb, reduction="none").mean(1)
        loss = per_seed + train._penalty(model, opts)
        t1 = time.perf_counter()
        optimiser.zero_grad()
        loss.sum().backward()
        t2 = time.perf_counter()
        optimiser.step()
        t3 = time.perf_counter()
        if clock and recorded * every <= step.count:
            train._snapshot(model)  # the weights, and where the data has a test split, both scores (train.record)
            if held_out:
                with torch.no_grad():
                    (model(X).argmax(-1) == y).float().mean(1)
                    model(torch.from_numpy(held_out[0])).argmax(-1)
            recorded += 1
        t4 = time.perf_counter()
        if clock:
            for phase, seconds in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                spent[phase] += seconds
            step.count += 1

    step.count = 0
    for _ in range(20):  # warm-up: first calls allocate
        step(False)
    started = time.perf_counter()
    for _ in range(steps):
        step(True)
    wall = time.perf_counter() - started
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(20):
            step(False)
    top = [(e.key, round(e.self_cpu_time_total / 20 / 1000, 3)) for e in
           sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)[:6]]
    examples = opts["batch_size"] or len(X_np)
    flops = _flops_per_step(spec, X_np.shape[1], examples)
    return {"steps": steps, "seeds": int(opts["seeds"]), "ms_per_step": round(1000 * wall / steps, 3),
            "phases_ms": {p: round(1000 * s / steps, 3) for p, s in spent.items()},
            "gflops": round(flops * steps / wall / 1e9, 2), "top_ops_ms_per_step": top}


def activation_costs(shape=(4, 1400, 120), repeats: int = 200) -> dict:
    """ns an element of each element-wise activation on spiralnet-7's widest activations (4 seeds x 1,400
    points x 120 units), one thread, and of tanh rewritten as 2 sigmoid(2u) - 1: the faster formula training uses
    (generator/models.py), which rounds coarser; the replication (make replicate) holds the article's checks against
    that rounding. With the largest absolute error of each tanh against float64's over [-12, 12]."""
    import torch

    from generator.heap import keep_freed_memory
    keep_freed_memory()
    torch.set_num_threads(1)
    u = torch.randn(*shape, generator=torch.Generator().manual_seed(0)) * 2

    def via_sigmoid(v):
        y = torch.mul(v, 2)
        y.sigmoid_()
        return y.mul_(2).sub_(1)

    kinds = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "tanh as 2 sigmoid(2u) - 1": via_sigmoid}
    ns = {}
    for name, fn in kinds.items():
        for _ in range(10):
            fn(u)
        started = time.perf_counter()
        for _ in range(repeats):
            fn(u)
        ns[name] = round(1e9 * (time.perf_counter() - started) / repeats / u.numel(), 3)
    line = torch.linspace(-12, 12, 240_001)
    exact = torch.tanh(line.double())
    error = {name: float((kinds[name](line).double() - exact).abs().max()) for name in ("tanh", "tanh as 2 sigmoid(2u) - 1")}
    return {"ns_per_element": ns, "tanh_max_abs_error": error}


def tanh_units_per_step(spec: dict) -> int:
    """The tanh values one full-batch spiralNet step computes: every hidden unit of every point of every seed."""
    return sum(spec["model"]["hidden"]) * spec["data"]["points_per_class"] * spec["data"]["classes"] * spec["train"]["seeds"]


def measure(steps: int = 400) -> dict:
    from generator import config

    from .mnist_training import matmul_peak
    experiments = config.load_experiments(ROOT / "content" / "experiments")
    out = {name: profile(name, copy.deepcopy(experiments[name].spec), steps) for name in RUNS}
    peak = matmul_peak()
    for result in out.values():
        result["share_of_1_thread_peak"] = round(result["gflops"] / peak["gflops_1_thread"], 4)
    costs = activation_costs()
    if "spiralnet-7-tanh" in out:
        units = tanh_units_per_step(experiments["spiralnet-7-tanh"].spec)
        costs["tanh_share_of_step"] = round(units * costs["ns_per_element"]["tanh"] / 1e6 / out["spiralnet-7-tanh"]["ms_per_step"], 4)
    return {"runs": out, "peak": peak, "activations": costs}


def lines(result: dict) -> list[str]:
    said = [f"one-thread float32 matmul peak {result['peak']['gflops_1_thread']} GFLOP/s "
            f"(two threads {result['peak']['gflops_2_thread']})"]
    for name, r in result["runs"].items():
        phases = ", ".join(f"{p} {ms:.3f}" for p, ms in r["phases_ms"].items())
        said.append(f"{name} ({r['seeds']} seeds batched): {r['ms_per_step']:.3f} ms/step = {phases} ms; "
                    f"{r['gflops']} GFLOP/s, {r['share_of_1_thread_peak']:.1%} of one thread's peak")
        said.append("    most time: " + ", ".join(f"{op} {ms} ms" for op, ms in r["top_ops_ms_per_step"]))
    if "activations" in result:
        costs = result["activations"]
        said.append("activations, one thread, ns an element: " + ", ".join(f"{k} {v:.2f}" for k, v in costs["ns_per_element"].items())
                    + "; largest tanh error against float64: " + ", ".join(f"{k} {v:.1e}" for k, v in costs["tanh_max_abs_error"].items()))
        if "tanh_share_of_step" in costs:
            said.append(f"    the forward tanh alone is {costs['tanh_share_of_step']:.0%} of a spiralnet-7-tanh step")
    return said


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.step_profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = measure(args.steps)
    print(json.dumps(result, indent=1) if args.json else "\n".join(lines(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
