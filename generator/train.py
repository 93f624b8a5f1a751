"""One training loop for every experiment: seeds batched into one model, snapshots recorded on a schedule.

Returns plain numpy arrays (the run), which the cache stores as .npz. torch stops here.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from . import datasets
from .errors import TrainingError
from .models import BatchedMLP, BatchedVectorFieldNet, anchor_grid
from .schedule import snapshot_steps


def train(name: str, spec: dict, tick=None) -> dict[str, np.ndarray]:
    """The run of one experiment; `tick(done, total)`, if given, hears of every step (the progress display)."""
    tick = tick or _quiet
    torch.set_num_threads(1)  # deterministic sums; parallelism comes from one process per experiment
    torch.set_flush_denormal(True)  # subnormal floats made ReLU runs 5-10x slower on Intel CPUs
    if spec["model"]["kind"] == "convnet-knn":
        from .knn import train_knn
        return train_knn(name, spec, tick)
    data, opts = spec["data"], spec["train"]
    if not opts["batch_seeds"] and opts["seeds"] > 1:
        return _one_by_one(name, spec, tick)
    X_np, y_np = datasets.make(data)
    X, y = torch.from_numpy(X_np), torch.from_numpy(y_np)
    seeds = np.arange(opts["first_seed"], opts["first_seed"] + opts["seeds"])
    model = _model(spec["model"], X.shape[1], int(y_np.max()) + 1, seeds)
    optimiser = _optimiser(model, opts)
    # each seed draws its own minibatches: seeds of a zero-initialised network differ only by their order
    batches = [torch.Generator().manual_seed(int(seed)) for seed in seeds]
    schedule = snapshot_steps(opts["steps"], opts["snapshots"], opts.get("snapshot_spacing", "linear"))
    recorder = _Recorder(model, X, y, datasets.held_out(data))
    losses = np.zeros((opts["steps"], len(seeds)), np.float32)
    for step in range(1, opts["steps"] + 1):
        losses[step - 1] = _step(model, optimiser, opts, _batch(X, y, batches, opts["batch_size"]))
        if not np.isfinite(losses[step - 1]).all():
            raise TrainingError(f"experiment '{name}': loss became NaN or infinite at step {step}")
        if step in schedule:
            recorder.record()
        tick(step, opts["steps"])

    with torch.no_grad():
        accuracy = (model(X).argmax(-1) == y).float().mean(1).numpy()
    run = recorder.arrays()
    if isinstance(model, BatchedVectorFieldNet):
        run["anchors"] = model.anchors.numpy().copy()
    return run | {"X": X_np, "y": y_np, "seeds": seeds, "snapshot_steps": schedule, "loss": losses,
                  "accuracy": accuracy.astype(np.float64)}


def _batch(X, y, generators: list, size: int):
    """This step's inputs and labels for every seed: (S, B, inputs), (S, B), each seed's minibatch drawn with
    its own generator; full batch (X shared, y expanded) when size is 0."""
    if not size:
        return X, y.expand(len(generators), -1)
    pick = torch.stack([torch.randint(len(X), (size,), generator=g) for g in generators])
    # X[pick] and y[pick], gathered by index_select, which took a fifth of an MNIST step less (advanced
    # indexing also copied the batch once more)
    rows = pick.ravel()
    return X.index_select(0, rows).view(*pick.shape, -1), y.index_select(0, rows).view(pick.shape)


def _step(model, optimiser, opts: dict, batch) -> np.ndarray:
    """One update of every seed; returns each seed's mean cross-entropy before it, (S,)."""
    xb, yb = batch
    logits = model(xb)  # (S, N, classes)
    per_seed = F.cross_entropy(logits.transpose(1, 2), yb, reduction="none").mean(1)
    loss = per_seed + _penalty(model, opts)
    if opts["contractive"] and isinstance(model, BatchedMLP):
        loss = loss + opts["contractive"] * (model.hidden_jacobian(xb) ** 2).sum((2, 3)).mean(1)
    # backward: seeds are independent, so the sum's gradient is each seed's own
    optimiser.zero_grad()
    loss.sum().backward()
    optimiser.step()
    return per_seed.detach().numpy()


class _Recorder:
    """The snapshots of a run: the weights (_snapshot) at step 0 and at every scheduled step, and for data sets
    with a test split (datasets.held_out) the train and test accuracy and the test confusion matrix."""

    def __init__(self, model, X, y, held_out):
        self.model, self.X, self.y, self.held_out = model, X, y, held_out
        self.snaps = {name: [] for name in _snapshot(model)}
        self.scores = {"train_accuracy": [], "test_accuracy": [], "test_confusion": []} if held_out else {}
        self.record()

    def record(self) -> None:
        for name, value in _snapshot(self.model).items():
            self.snaps[name].append(value)
        if self.held_out:
            self._score()

    def _score(self) -> None:
        with torch.no_grad():
            self.scores["train_accuracy"].append((self.model(self.X).argmax(-1) == self.y).float().mean(1).numpy())
            predicted = self.model(torch.from_numpy(self.held_out[0])).argmax(-1).numpy()  # (S, N_test)
        truth = self.held_out[1]
        self.scores["test_accuracy"].append((predicted == truth).mean(1))
        # confusion[s, true, predicted]: how many test images of each class went to each class
        seeds, classes = predicted.shape[0], int(self.y.max()) + 1
        confusion = np.zeros((seeds, classes, classes), np.int32)
        for s in range(seeds):
            np.add.at(confusion[s], (truth, predicted[s]), 1)
        self.scores["test_confusion"].append(confusion)

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.stack(v) for k, v in (self.snaps | self.scores).items()}


SHARED = ("X", "y", "snapshot_steps", "anchors")   # the same for every seed
SEED_FIRST = ("seeds", "accuracy")                  # seed axis first; every other array has it second


def _quiet(done: int, total: int) -> None:
    pass


def _one_by_one(name: str, spec: dict, tick) -> dict[str, np.ndarray]:
    """Each seed trained alone (its own model, so its own matrix products), stacked on the seed axis as if
    batched. Batched products sum every unit in the same order; alone, a leftover block of units may round
    differently, and where rounding is the subject (zero initialisation) that difference is the result."""
    opts = spec["train"]
    steps, seeds = opts["steps"], opts["seeds"]
    runs = [train(name, spec | {"train": opts | {"seeds": 1, "first_seed": opts["first_seed"] + i}},
                  lambda done, _, before=i * steps: tick(before + done, seeds * steps))
            for i in range(seeds)]
    return {k: runs[0][k] if k in SHARED else np.concatenate([r[k] for r in runs], axis=0 if k in SEED_FIRST else 1)
            for k in runs[0]}


def _optimiser(model, opts: dict):
    """Adam (fused kernel) or SGD. The weight penalty opts["weight_decay"] * sum ||W||^2 / 2 over weight
    matrices is the optimiser's own L2 weight decay on a parameter group of the matrices (same gradient,
    wd * W, without building the penalty in autograd); biases are a group without it."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": trainable}]
    if isinstance(model, BatchedMLP) and opts["weight_decay"]:
        matrices = {id(w) for w in model.weights}
        groups = [{"params": [p for p in trainable if id(p) in matrices], "weight_decay": opts["weight_decay"]},
                  {"params": [p for p in trainable if id(p) not in matrices], "weight_decay": 0.0}]
    if opts["optimizer"] == "adam":
        return torch.optim.Adam(groups, lr=opts["learning_rate"], fused=True)
    return torch.optim.SGD(groups, lr=opts["learning_rate"])


def _model(spec: dict, inputs: int, classes: int, seeds):
    if spec["kind"] == "vector-field":
        if any(w != inputs for w in spec["hidden"]):
            raise ValueError("vector-field layers keep the input's width: every hidden width must equal it")
        anchors = anchor_grid(spec["anchors_per_side"], spec["anchor_reach"])
        return BatchedVectorFieldNet(len(spec["hidden"]), classes, seeds, anchors, spec["bump_width"])
    sizes = [inputs, *spec["hidden"], classes]
    return BatchedMLP(sizes, spec["activation"], seeds, spec["init"], spec["init_std"], spec["bias"])


def _snapshot(model) -> dict[str, np.ndarray]:
    """Copies of the weights: W{i}, b{i} per linear layer (the output layer last); V{l} per field layer."""
    if isinstance(model, BatchedVectorFieldNet):
        fields = {f"V{l}": model.fields[:, l].detach().numpy().copy() for l in range(model.fields.shape[1])}
        return fields | {"W0": model.out_w.detach().numpy().copy(), "b0": model.out_b.detach().numpy().copy()}
    return {**{f"W{i}": w.detach().numpy().copy() for i, w in enumerate(model.weights)},
            **{f"b{i}": b.detach().numpy().copy() for i, b in enumerate(model.biases)}}


def _penalty(model, opts: dict):
    if not isinstance(model, BatchedMLP):
        return 0.0
    total = 0.0  # the weight_decay penalty is applied by the optimiser (see _optimiser)
    if opts["identity_pull"]:
        square = [w for w in model.weights if w.shape[1] == w.shape[2]]
        eye = [torch.eye(w.shape[1]) for w in square]
        total = total + opts["identity_pull"] * sum(((w - e) ** 2).sum((1, 2)) for w, e in zip(square, eye))
    return total
