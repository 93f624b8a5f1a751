"""A layer's learning cloud (Gabella 2019): every neuron's vector of incoming weights at every snapshot,
i.e. (snapshots x neurons) points in fan-in dimensions, read from a run's W{i} arrays."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Cloud:
    points: np.ndarray    # (T * N, fan_in): snapshot-major, neuron-minor
    snapshot: np.ndarray  # (T * N,) snapshot index of each point
    neuron: np.ndarray    # (T * N,) neuron index of each point
    steps: np.ndarray     # (T,) training step of each snapshot

    @property
    def step(self) -> np.ndarray:
        """Training step of each point."""
        return self.steps[self.snapshot]


def layer_count(run: dict) -> int:
    """How many weight layers the run recorded (W0 .. W{n-1}, the output layer last)."""
    return sum(1 for key in run if key[0] == "W" and key[1:].isdigit())


def layer_name(layer: int, layers: int) -> str:
    return "output layer" if layer == layers - 1 else f"hidden layer {layer + 1}"


def layer_key(layer: int, layers: int) -> str:
    """The layer's name inside claim names: hidden1, hidden2, ..., output."""
    return "output" if layer == layers - 1 else f"hidden{layer + 1}"


def weights(run: dict, layer: int, seed: int = 0) -> np.ndarray:
    """(T, neurons, fan_in) incoming weights of one layer's neurons at every snapshot, as float64."""
    layers = layer_count(run)
    if not -layers <= layer < layers:
        raise ValueError(f"layer {layer} does not exist: the network has {layers} weight layers")
    return np.asarray(run[f"W{layer % layers}"][:, seed], np.float64)


def cloud(run: dict, layer: int, seed: int = 0) -> Cloud:
    W = weights(run, layer, seed)
    T, N, _ = W.shape
    return Cloud(W.reshape(T * N, -1), np.repeat(np.arange(T), N), np.tile(np.arange(N), T),
                 np.asarray(run["snapshot_steps"]))


def pca(points: np.ndarray, components: int) -> tuple[np.ndarray, np.ndarray]:
    """Projection on the first principal components (sklearn's covariance eigensolver: exact and
    deterministic, and for many points in a few hundred dimensions much faster than a full SVD) and the share
    of variance each explains. Fewer components come back when the cloud has fewer independent directions;
    a cloud with no spread at all projects to zeros."""
    from sklearn.decomposition import PCA
    centred = points - points.mean(0)
    rank = int(min(components, *points.shape))
    if rank == 0 or not np.any(centred):
        return np.zeros((len(points), max(rank, 1))), np.zeros(max(rank, 1))
    model = PCA(n_components=rank, svd_solver="covariance_eigh").fit(points)
    return model.transform(points), model.explained_variance_ratio_  # signs fixed by sklearn's svd_flip
