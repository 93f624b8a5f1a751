"""Every dataset of EXPERIMENTS.md, generated in code and seeded. Each returns (X, y) as numpy arrays.

A dataset is a function whose keyword defaults are its parameters: experiment files may set exactly those.
"""
from __future__ import annotations

import numpy as np


def two_curves(points_per_class: int = 200, noise: float = 0.0, seed: int = 0):
    """Olah's O1: class 0 (A, red) on y = -0.4 - 0.5 cos(pi x), class 1 (B, blue) on y = 0.4 - 0.5 cos(pi x)."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-1.0, 1.0, points_per_class)
    a = np.stack([x, -0.4 - 0.5 * np.cos(np.pi * x)], axis=1)
    b = np.stack([x, 0.4 - 0.5 * np.cos(np.pi * x)], axis=1)
    X = np.concatenate([a, b]) + noise * rng.standard_normal((2 * points_per_class, 2))
    y = np.repeat([0, 1], points_per_class)
    return X.astype(np.float32), y.astype(np.int64)


def spirals(points_per_class: int = 100, a: float = 0.2, b: float = 0.2114, turns: float = 0.75,
            noise: float = 0.0, seed: int = 0):
    """Olah's O6/O7: class A on r = a + b*theta, theta in [0, 2*pi*turns]; class B is A rotated by pi."""
    rng = np.random.default_rng(seed)
    theta = np.linspace(0.0, 2 * np.pi * turns, points_per_class)
    r = a + b * theta
    A = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    X = np.concatenate([A, -A]) + noise * rng.standard_normal((2 * points_per_class, 2))
    y = np.repeat([0, 1], points_per_class)
    return X.astype(np.float32), y.astype(np.int64)


KINDS = {
    "two-curves": two_curves,
    "spirals": spirals,
}


def make(spec: dict):
    """The dataset an experiment's [data] table describes."""
    params = {k: v for k, v in spec.items() if k != "kind"}
    return KINDS[spec["kind"]](**params)
