"""The FLOP limit of a cold build (issue 14): the float32 work its training needs, over the machine's measured
two-thread matrix-product peak: the time no schedule could beat.

Counted: every MLP run, 6 x weights x examples per step x seeds x steps (forward 2, backward 4 per weight and
example; biases, activations, the optimiser and snapshots left out, so the limit is a lower bound); mnist-knn's
conv net the same way, with each convolution's multiply-adds per image in place of its weights, for both networks
of each seed (the k-NN scoring and the test passes left out). The vector-field net is left out and named (its
bumps are exponentials, not multiply-adds)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def training_flops(experiments: dict) -> dict:
    from generator import datasets
    counted, left_out, total = [], [], 0.0
    for name, exp in experiments.items():
        spec = exp.spec
        if spec["model"]["kind"] == "convnet-knn":
            total += 6.0 * _conv_multiply_adds(*spec["model"]["hidden"]) * spec["train"]["batch_size"] \
                * spec["train"]["seeds"] * spec["train"]["steps"] * 2   # a softmax net and a k-NN net a seed
            counted.append(name)
            continue
        if spec["model"]["kind"] != "mlp":
            left_out.append(name)
            continue
        X, y = datasets.make(spec["data"])
        sizes = [X.shape[1], *spec["model"]["hidden"], int(y.max()) + 1]
        weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        examples = spec["train"]["batch_size"] or len(X)
        total += 6.0 * weights * examples * spec["train"]["seeds"] * spec["train"]["steps"]
        counted.append(name)
    return {"flops": total, "counted": counted, "left_out": left_out}


def _conv_multiply_adds(c1: int, c2: int, rep: int, classes: int = 10) -> int:
    """Multiply-adds per 28x28 image of generator.knn.SmallConvNet: 3x3 convolutions at 28x28 and 14x14, then
    the two linear layers."""
    return 28 * 28 * c1 * 9 + 14 * 14 * c2 * 9 * c1 + 7 * 7 * c2 * rep + rep * classes


def limit(peak_gflops_2_thread: float) -> dict:
    from generator import config
    found = training_flops(config.load_experiments(ROOT / "content" / "experiments"))
    return found | {"tflop": round(found["flops"] / 1e12, 2),
                    "limit_seconds": round(found["flops"] / (peak_gflops_2_thread * 1e9), 1)}
