"""Branches of a layer through training: at each snapshot, the layer's neurons grouped by where their
weight vectors are. Two neurons share a branch when a chain of neurons, each within eps of the next,
joins them (DBSCAN with min_samples 1, i.e. single linkage cut at eps), so every neuron is in exactly one
branch and a lone neuron is a branch of its own.

eps is scale-aware: a fixed fraction of the layer's extent over the whole run (the largest norm any of its
weight vectors reaches). A fraction of each snapshot's own spread would not do: at a tiny random start
every neuron is already far from the others relative to that spread, though all still sit at the origin
on the scale of the training to come."""
from __future__ import annotations

import numpy as np

from .learning_cloud import layer_count, weights

EPS_FRACTION = 0.03


def layer_eps(W: np.ndarray, fraction: float = EPS_FRACTION) -> float:
    """eps for a layer's (T, neurons, fan_in) weights: `fraction` of the largest weight-vector norm."""
    return fraction * float(np.linalg.norm(W, axis=2).max())


def branch_labels(vectors: np.ndarray, eps: float) -> np.ndarray:
    """Branch index of each neuron's weight vector (neurons, fan_in) at one snapshot."""
    from sklearn.cluster import DBSCAN
    if eps <= 0:
        return np.unique(vectors, axis=0, return_inverse=True)[1].ravel()
    return DBSCAN(eps=eps, min_samples=1).fit_predict(vectors)


def branch_counts(run: dict, layer: int, seed: int = 0, fraction: float = EPS_FRACTION) -> np.ndarray:
    """(T,) number of branches of one layer at every snapshot."""
    W = weights(run, layer, seed)
    eps = layer_eps(W, fraction)
    return np.array([len(np.unique(branch_labels(W[t], eps))) for t in range(len(W))])


def all_branch_counts(run: dict, seed: int = 0, fraction: float = EPS_FRACTION) -> dict[int, np.ndarray]:
    return {layer: branch_counts(run, layer, seed, fraction) for layer in range(layer_count(run))}


def branching_events(counts: np.ndarray) -> np.ndarray:
    """Snapshot indices where the branch count rises above every earlier count (a new branch appears;
    a count that dips and recovers does not count twice)."""
    best = np.maximum.accumulate(counts)
    return np.flatnonzero(np.diff(best) > 0) + 1


def nearest_gap(events: np.ndarray, at: int) -> int | None:
    """Snapshots between `at` and the nearest event (None when there is no event)."""
    if len(events) == 0:
        return None
    return int(np.abs(events - at).min())
