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


def annulus(points_per_class: int = 300, inner: float = 1 / 3, ring_from: float = 2 / 3, ring_to: float = 1.0,
            seed: int = 0):
    """Olah's O9: class A fills the disk ||x|| < inner, class B the ring ring_from < ||x|| < ring_to.

    Points are uniform by area: r = sqrt(U) scaled to each band.
    """
    rng = np.random.default_rng(seed)

    def band(lo, hi):
        r = np.sqrt(rng.uniform(lo ** 2, hi ** 2, points_per_class))
        angle = rng.uniform(0, 2 * np.pi, points_per_class)
        return np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)

    X = np.concatenate([band(0.0, inner), band(ring_from, ring_to)])
    y = np.repeat([0, 1], points_per_class)
    return X.astype(np.float32), y.astype(np.int64)


def interval_1d(points_per_class: int = 200, inner: float = 1 / 3, outer_from: float = 2 / 3, seed: int = 0):
    """Olah's O11: class A on [-inner, inner], class B on [-1, -outer_from] and [outer_from, 1]; uniform."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-inner, inner, points_per_class)
    b = rng.uniform(outer_from, 1.0, points_per_class) * rng.choice([-1.0, 1.0], points_per_class)
    X = np.concatenate([a, b])[:, None]
    y = np.repeat([0, 1], points_per_class)
    return X.astype(np.float32), y.astype(np.int64)


def tori(points_per_class: int = 400, tube: float = 0.25, b_centre_x: float = 1.0, seed: int = 0):
    """Olah's O12: two solid tori of core radius 1. A lies in the xy-plane around the origin; B in the
    xz-plane around (b_centre_x, 0, 0). With b_centre_x = 1, B's core passes through A's hole (a link);
    with b_centre_x > 2 + 2 * tube the two sit side by side (an unlink)."""
    rng = np.random.default_rng(seed)

    def solid_torus(radial, normal, centre):
        t = rng.uniform(0, 2 * np.pi, points_per_class)
        phi = rng.uniform(0, 2 * np.pi, points_per_class)
        r = tube * np.sqrt(rng.uniform(0, 1, points_per_class))
        out = radial(t)  # unit vectors from the core circle's centre
        return centre + out + r[:, None] * (np.cos(phi)[:, None] * out + np.sin(phi)[:, None] * normal)

    zeros = lambda t: np.zeros_like(t)
    A = solid_torus(lambda t: np.stack([np.cos(t), np.sin(t), zeros(t)], 1), np.array([0.0, 0.0, 1.0]), np.zeros(3))
    B = solid_torus(lambda t: np.stack([np.cos(t), zeros(t), np.sin(t)], 1), np.array([0.0, 1.0, 0.0]),
                    np.array([b_centre_x, 0.0, 0.0]))
    X = np.concatenate([A, B])
    y = np.repeat([0, 1], points_per_class)
    return X.astype(np.float32), y.astype(np.int64)


def mnist(split: str = "train", idx_dir: str = "", train_count: int = 4000, seed: int = 0):
    """MNIST digits as (X (n, 784) in [0, 1], y): the shipped 5,000-image subset split train/test, or the
    full set from IDX files in idx_dir. split: 'train' or 'test'."""
    from . import mnist as source
    X_train, y_train, X_test, y_test = source.load(idx_dir, seed, train_count)
    return (X_train, y_train) if split == "train" else (X_test, y_test)


def k_spirals(classes: int = 3, points_per_class: int = 200, r_from: float = 2.0, r_to: float = 20.0,
              noise: float = 0.17, noise_from: float = 1.0, noise_to: float = 1.5, scale: float = 1.0, seed: int = 0):
    """spiralNet's K interleaved spirals: for class k, r = linspace(r_from, r_to, n) and
    theta = linspace(2 pi k/K, 2 pi (k+4)/K, n) + noise * U(-1, 1) * linspace(noise_from, noise_to, n):
    angular noise that grows outward. Coordinates are divided by `scale` (1: the original's units)."""
    rng = np.random.default_rng(seed)
    r = np.linspace(r_from, r_to, points_per_class)
    growth = np.linspace(noise_from, noise_to, points_per_class)
    parts = []
    for k in range(classes):
        theta = np.linspace(2 * np.pi * k / classes, 2 * np.pi * (k + 4) / classes, points_per_class)
        theta = theta + noise * rng.uniform(-1.0, 1.0, points_per_class) * growth
        parts.append(np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1))
    X = np.concatenate(parts) / scale
    y = np.repeat(np.arange(classes), points_per_class)
    return X.astype(np.float32), y.astype(np.int64)


# Datasets whose points are random draws from continuous sets: claims also score a dense fresh sample.
SAMPLED = {"annulus", "interval-1d", "tori"}

KINDS = {
    "annulus": annulus,
    "interval-1d": interval_1d,
    "two-curves": two_curves,
    "spirals": spirals,
    "k-spirals": k_spirals,
    "tori": tori,
    "mnist": mnist,
}


def held_out(spec: dict):
    """The test split (X, y) of a dataset that has one (a `split` parameter), else None."""
    if "split" not in spec or spec["split"] == "test":
        return None
    return make(spec | {"split": "test"})


def make(spec: dict):
    """The dataset an experiment's [data] table describes."""
    params = {k: v for k, v in spec.items() if k != "kind"}
    return KINDS[spec["kind"]](**params)
