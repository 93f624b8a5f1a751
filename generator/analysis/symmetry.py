"""Zero initialisation and the symmetry of hidden units (Gabella 2019, section 3.1, investigated).

With every weight zero and no biases, all hidden units compute the same value and receive the same
gradient, so in exact arithmetic they stay identical for ever: the hidden layer acts as one unit. The
output units do separate (each one's gradient depends on its own class). Any separation of hidden units
therefore comes from the arithmetic: if the matrix products sum some units' terms in a different order
(BLAS kernels handle output columns in blocks, and a leftover block may take another code path), those
units round differently and, once apart, the difference grows.

`distinct_units` counts bitwise-distinct units in a recorded run; `train_zero_init` trains a small
zero-initialised network either with the project's batched model (BLAS products) or unit by unit (every
hidden unit computed by literally the same operations), so the two can be compared.
"""
from __future__ import annotations

import numpy as np


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


def train_zero_init(X: np.ndarray, y: np.ndarray, width: int, steps: int, *, lr: float = 0.05, batch: int = 100,
                    dtype: str = "float32", threads: int = 1, unitwise: bool = False, seed: int = 0,
                    output_init_std: float = 0.0, until_split: bool = False, min_steps: int = 0) -> list[int]:
    """Distinct hidden units after each SGD step of an input -> width (sigmoid) -> classes network without
    biases, all weights zero (output weights N(0, output_init_std) when that is positive: a control that
    must break the symmetry). unitwise: every hidden unit computed by its own, identical, operations
    (matrix-vector products, one unit at a time); otherwise the project's BatchedMLP (batched BLAS).
    until_split: stop after the first step that leaves more than one distinct unit (but not before
    `min_steps`), so `steps` is a cap and a list shorter than it means the units split."""
    import torch
    import torch.nn.functional as F

    from ..models import BatchedMLP

    torch.set_num_threads(threads)
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
    optimiser = torch.optim.SGD(params, lr=lr)
    batches = torch.Generator().manual_seed(seed)
    counts = []
    for _ in range(steps):
        pick = torch.randint(len(X_t), (batch,), generator=batches)
        xb, yb = X_t[pick], y_t[pick]
        if unitwise:
            W1, W2 = model.weights[0][0], model.weights[1][0]
            # one matrix-vector product per unit, so autograd's backward is per unit too
            hidden = torch.stack([torch.sigmoid(xb @ W1[j]) for j in range(width)], 1)   # (batch, width)
            logits = torch.stack([hidden @ W2[k] for k in range(classes)], 1)           # (batch, classes)
            loss = F.cross_entropy(logits, yb)
        else:
            logits = model(xb)
            loss = F.cross_entropy(logits.transpose(1, 2), yb.expand(1, -1), reduction="none").mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        counts.append(_distinct(model.weights[0][0].detach().numpy()))
        if until_split and counts[-1] > 1 and len(counts) >= min_steps:
            break
    return counts


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
