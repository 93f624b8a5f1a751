"""Zero initialisation and the symmetry of hidden units (Gabella 2019, section 3.1, investigated).

With every weight zero and no biases, all hidden units compute the same value and receive the same
gradient, so in exact arithmetic they stay identical for ever: the hidden layer acts as one unit. The
output units do separate (each one's gradient depends on its own class). Any separation of hidden units
therefore comes from the arithmetic: if the matrix products sum some units' terms in a different order
(BLAS kernels handle output columns in blocks, and a leftover block may take another code path), those
units round differently and, once apart, the difference grows.

`distinct_units` counts bitwise-distinct units in a recorded run; `train_zero_init` trains a small
zero-initialised network either with the project's batched model (BLAS products) or unit by unit (every
hidden unit computed by literally the same operations), so the two can be compared. `probe_paths` retrains the
network on each numeric path this processor offers (PATHS), each in a process of its own, and says whether and
when its hidden units split, into which groups, and how far training pulls the groups apart.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Training:
    """How the zero-initialised network trains: SGD's learning rate and minibatch size, the float type, the
    threads, unit by unit (`unitwise`: every hidden unit by its own identical operations) or with the project's
    BatchedMLP, the seed (its minibatches), and the output weights' N(0, output_init_std) start when positive (a
    control that must break the symmetry; else zeros)."""
    lr: float = 0.05
    batch: int = 100
    dtype: str = "float32"
    threads: int = 1
    unitwise: bool = False
    seed: int = 0
    output_init_std: float = 0.0


@dataclass(frozen=True)
class Probe:
    """A probe (probe, probe_paths): an input -> `width` -> classes network trained from zero until its hidden
    units split or `steps`, then `settle` steps more, as `training` says."""
    width: int
    steps: int
    settle: int
    training: Training = field(default_factory=Training)


def distinct_units(W: np.ndarray) -> np.ndarray:
    """(T,) number of bitwise-distinct rows (units) of a layer's (T, units, fan_in) weights."""
    return np.array([_distinct(w) for w in W])


def group_sizes(w: np.ndarray) -> list[int]:
    """Sizes of the groups of bitwise-identical units at one snapshot, largest first."""
    return sorted(np.unique(w, axis=0, return_counts=True)[1].tolist(), reverse=True)


def first_split(counts: np.ndarray) -> int | None:
    """Index of the first snapshot with more than one distinct unit (None if they never separate)."""
    found = np.flatnonzero(counts > 1)
    return int(found[0]) if len(found) else None


def train_zero_init(X: np.ndarray, y: np.ndarray, width: int, steps: int, training: Training = Training(),
                    until_split: int | None = None) -> list[int]:
    """Distinct hidden units after each SGD step of an input -> width (sigmoid) -> classes network without
    biases, all weights zero, trained as `training` says: unit by unit (matrix-vector products, one unit at a
    time), or the project's BatchedMLP, trained as train.py trains one seed alone (the same minibatches,
    products and loss, so the same numbers bit for bit). until_split: stop after the first step that leaves more
    than one distinct unit, once at least that many steps ran (None: never), so `steps` is a cap and a list
    shorter than it means the units split."""
    counts = []
    for hidden in zero_init_steps(X, y, width, steps, training):
        counts.append(_distinct(hidden))
        if until_split is not None and counts[-1] > 1 and len(counts) >= until_split:
            break
    return counts


def zero_init_steps(X: np.ndarray, y: np.ndarray, width: int, steps: int, training: Training = Training()):
    """The hidden layer's (width, inputs) weights after each of `steps` SGD steps (see train_zero_init); each
    array is the live weights' view, valid until the next step."""
    import torch
    import torch.nn.functional as F

    from ..models import BatchedMLP

    lr, batch, seed, unitwise = training.lr, training.batch, training.seed, training.unitwise
    dtype, output_init_std = training.dtype, training.output_init_std
    torch.set_num_threads(training.threads)
    torch.set_flush_denormal(True)  # as in training: the probe must do the same arithmetic
    kind = getattr(torch, dtype)
    # copies (torch.tensor): the runs a build shares are read-only
    X_t, y_t = torch.tensor(np.asarray(X), dtype=kind), torch.tensor(np.asarray(y), dtype=torch.long)
    classes = int(y_t.max()) + 1
    model = BatchedMLP([X_t.shape[1], width, classes], "sigmoid", [seed], "zeros", 0.0, False).to(kind)
    if output_init_std > 0:
        gen = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            model.weights[1].copy_(torch.randn(model.weights[1].shape, generator=gen).to(kind) * output_init_std)
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.SGD([{"params": params}], lr=lr)
    batches = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        # as train.py draws and gathers one seed's minibatch
        rows = torch.randint(len(X_t), (batch,), generator=batches)
        xb, yb = X_t.index_select(0, rows).view(1, batch, -1), y_t.index_select(0, rows).view(1, batch)
        if unitwise:
            W1, W2 = model.weights[0][0], model.weights[1][0]
            # one matrix-vector product per unit, so autograd's backward is per unit too
            hidden = torch.stack([torch.sigmoid(xb[0] @ W1[j]) for j in range(width)], 1)   # (batch, width)
            logits = torch.stack([hidden @ W2[k] for k in range(classes)], 1)              # (batch, classes)
            loss = F.cross_entropy(logits, yb[0])
        else:
            logits = model(xb)                                                             # (1, batch, classes)
            loss = F.cross_entropy(logits.transpose(1, 2), yb, reduction="none").mean(1).sum()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        yield model.weights[0][0].detach().numpy()


def _distinct(w: np.ndarray) -> int:
    """Distinct rows of w (as np.unique(w, axis=0) counts them: 0.0 and -0.0 alike), each row compared as one
    block of bytes, ~50x faster than np.unique's field-by-field sort of 784-column rows."""
    if not (w != w[0]).any():
        return 1
    rows = np.ascontiguousarray(w + 0.0)           # -0.0 + 0.0 is 0.0
    return len(np.unique(rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel()))


def group_gap(W: np.ndarray, at: int) -> np.ndarray:
    """(T,) how far apart two groups of units are at every snapshot of a layer's (T, units, fan_in)
    weights: the largest absolute difference between the mean weight vector of the largest bitwise group at
    snapshot `at` and the mean weight vector of all the other units (the two groups when there are two).
    0 where all units are in one group at `at`."""
    labels = np.unique(W[at], axis=0, return_inverse=True)[1].ravel()
    largest = labels == np.bincount(labels).argmax()
    if largest.all():
        return np.zeros(len(W))
    W = np.asarray(W, np.float64)
    return np.abs(W[:, largest].mean(1) - W[:, ~largest].mean(1)).max(1)


# --- the same network on each numeric path this processor offers ----------------------------------------------
# Whether the units split is decided by how the sums round, and that is fixed when torch, MKL and oneDNN load:
# each path is a process of its own, started with its variables set (numeric.py explains them). The training
# pins (numeric.PINS) with one of them changed, or the pinned path in float64. A path this processor lacks
# gives way to what it has (on a processor without AVX2, "pinned" and "default" take the same kernels).
PATHS = {
    "pinned": ({}, "float32"),                                  # the path every training run takes
    "default": ({"ATEN_CPU_CAPABILITY": "default"}, "float32"),  # torch's kernels without AVX2
    "compatible": ({"MKL_CBWR": "COMPATIBLE"}, "float32"),      # MKL's products without AVX2
    "float64": ({}, "float64"),                                 # the pinned path in double precision
}


def probe(X: np.ndarray, y: np.ndarray, job: Probe) -> dict:
    """Train the zero-initialised network (zero_init_steps) until its hidden units split or `job.steps`, then
    `job.settle` steps more. {"steps_run", "split_step" (the step, counted from 1, of
    the first difference; None if none), "groups_at_split" and "groups_at_end" (group_sizes, largest first),
    "gap_at_split" and "gap_at_end" (group_gap: how far the mean weights of the largest group at the split are
    from the other units', there and at the last step; 0 without a split)}."""
    width, steps, settle = job.width, job.steps, job.settle
    split, at_split, gap_at_split, labels, hidden, run = None, None, 0.0, None, None, 0
    for run, hidden in enumerate(zero_init_steps(X, y, width, steps + settle, job.training), start=1):
        if split is None and _distinct(hidden) > 1:
            split, at_split = run, group_sizes(hidden)
            labels = np.unique(hidden, axis=0, return_inverse=True)[1].ravel()
            gap_at_split = _gap(hidden, labels)
        if (split is None and run >= steps) or (split is not None and run >= split + settle):
            break
    last = np.zeros((width, 1)) if hidden is None else np.array(hidden)
    return {"steps_run": run, "split_step": split, "groups_at_split": at_split, "groups_at_end": group_sizes(last),
            "gap_at_split": gap_at_split, "gap_at_end": _gap(last, labels) if labels is not None else 0.0}


def _gap(w: np.ndarray, labels: np.ndarray) -> float:
    """group_gap of one snapshot's (units, fan_in) weights, the groups given by labels (from the split)."""
    largest = labels == np.bincount(labels).argmax()
    w = np.asarray(w, np.float64)
    return float(np.abs(w[largest].mean(0) - w[~largest].mean(0)).max()) if not largest.all() else 0.0


def path_environment(name: str, environ=None) -> dict[str, str]:
    """The environment of a probe on path `name`: this one, with the training pins, the path's change, and one
    thread for every library."""
    from .. import numeric
    from ..threads import VARIABLES, THREADS
    environ = dict(os.environ if environ is None else environ)
    return environ | numeric.PINS | PATHS[name][0] | dict.fromkeys(VARIABLES, str(THREADS))


def probe_paths(X: np.ndarray, y: np.ndarray, job: Probe, paths=tuple(PATHS)) -> dict[str, dict]:
    """probe() on each path, each in a fresh process whose environment (path_environment) is set before torch
    loads, all paths at once (each process on one thread): {path: probe's result, with "capability", what torch
    dispatched to there}."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        np.save(Path(folder) / "X.npy", np.asarray(X))
        np.save(Path(folder) / "y.npy", np.asarray(y))
        started = {name: _start_probe(name, folder, job) for name in paths}
        out = {}
        try:
            for name, process in started.items():
                stdout, stderr = process.communicate()
                if process.returncode:
                    raise RuntimeError(f"the zero-start probe on the {name} path failed:\n{stderr[-2000:]}")
                out[name] = json.loads(stdout.strip().splitlines()[-1])
        finally:
            for process in started.values():  # after a failure, the others end with it
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return out


def _start_probe(name: str, folder: str, job: Probe):
    """The probe's process on path `name`, its job written to a file in `folder` beside the data."""
    import subprocess
    root = Path(__file__).resolve().parents[2]
    on_path = replace(job, training=replace(job.training, dtype=PATHS[name][1]))
    env = path_environment(name) | {"PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get(
        "PYTHONPATH")]))}
    job = Path(folder) / f"{name}.json"
    job.write_text(json.dumps({"folder": folder, "probe": asdict(on_path)}))
    return subprocess.Popen([sys.executable, "-m", "generator.analysis.symmetry", str(job)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=root,
                            text=True)


def _probe_process() -> None:
    """A probe's process (probe_paths): the job in the JSON file named by its argument, the result as JSON on the
    last line of stdout."""
    from .. import numeric
    job = json.loads(Path(sys.argv[1]).read_text())
    folder, asked = Path(job["folder"]), job["probe"]
    X, y = np.load(folder / "X.npy"), np.load(folder / "y.npy")
    result = probe(X, y, Probe(asked["width"], asked["steps"], asked["settle"], Training(**asked["training"])))
    print(json.dumps(result | {"capability": numeric.dispatched()}))


if __name__ == "__main__":
    _probe_process()
