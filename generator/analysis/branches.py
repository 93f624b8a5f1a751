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
    """(T,) number of branches of one layer at every snapshot: branch_labels' count, computed for all
    snapshots at once (one batched distance computation, then connected components of the within-eps graph;
    DBSCAN per snapshot cost ~10 ms each, a minute for 4 seeds of a three-layer run)."""
    return _branch_counts(weights(run, layer, seed), fraction)


def _branch_counts(W: np.ndarray, fraction: float = EPS_FRACTION, chunk: int = 32) -> np.ndarray:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components
    from threadpoolctl import threadpool_limits
    eps = layer_eps(W, fraction)
    if eps <= 0:
        return np.array([len(np.unique(w, axis=0)) for w in W])
    counts = []
    # one BLAS thread: claims are measured while other experiments train, and OpenBLAS's threads on busy
    # cores made these products ~50x slower (measured)
    with threadpool_limits(limits=1, user_api="blas"):
        for at in range(0, len(W), chunk):
            w = W[at:at + chunk]
            square = np.einsum("tij,tij->ti", w, w)
            # squared distances as sklearn's euclidean_distances computes them (DBSCAN's neighbours: <= eps)
            close = square[:, :, None] + square[:, None, :] - 2 * (w @ w.transpose(0, 2, 1)) <= eps * eps
            counts += [connected_components(csr_matrix(c), directed=False)[0] for c in close]
    return np.array(counts)


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


def snapshot_gaps(events: np.ndarray, length: int) -> np.ndarray:
    """(length,) snapshots from every snapshot 0 .. length-1 to the nearest event (length where there is
    no event at all: farther than any gap a run can have)."""
    events = np.asarray(events, int)
    if len(events) == 0:
        return np.full(length, length)
    return np.abs(np.arange(length)[:, None] - events[None]).min(1)


def chance_share(events: np.ndarray, gap: int, length: int) -> float:
    """Share of the `length` snapshots that lie within `gap` snapshots of an event: how often a snapshot
    drawn uniformly at random would come as close to one as a jump `gap` snapshots away from it did (the
    chance baseline of a jump-to-branching gap). 0 when there is no event."""
    if length <= 0:
        return 0.0
    return float((snapshot_gaps(events, length) <= gap).mean())
