"""Each dataset's defining inequalities, shapes and classes."""
import numpy as np

from generator import datasets


def test_annulus_points_lie_in_their_sets():
    X, y = datasets.annulus(points_per_class=500, seed=3)
    r = np.linalg.norm(X, axis=1)
    assert X.shape == (1000, 2) and (y == 0).sum() == 500
    assert r[y == 0].max() < 1 / 3 and r[y == 1].min() > 2 / 3 and r[y == 1].max() < 1.0
    # uniform by area: about a quarter of the disk's points fall inside half its radius
    assert 0.18 < (r[y == 0] < 1 / 6).mean() < 0.32


def test_interval_1d_sets():
    X, y = datasets.interval_1d(points_per_class=400, seed=1)
    assert X.shape == (800, 1)
    assert np.abs(X[y == 0]).max() <= 1 / 3 and np.abs(X[y == 1]).min() >= 2 / 3 and np.abs(X).max() <= 1
    assert (X[y == 1] < 0).any() and (X[y == 1] > 0).any()


def test_spirals_second_class_is_the_first_rotated_by_pi():
    X, y = datasets.spirals(points_per_class=50)
    assert np.allclose(X[y == 1], -X[y == 0])
    r = np.linalg.norm(X[y == 0], axis=1)
    theta = np.linspace(0, 1.5 * np.pi, 50)
    assert np.allclose(r, 0.2 + 0.2114 * theta, atol=1e-5)


def test_same_seed_same_points_other_seed_other_points():
    a, _ = datasets.annulus(seed=0)
    b, _ = datasets.annulus(seed=0)
    c, _ = datasets.annulus(seed=1)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_tori_are_solid_rings_linked_or_side_by_side():
    X, y = datasets.tori(points_per_class=500)
    A, B = X[y == 0], X[y == 1]
    # distance from each ring's core circle: A around the origin in the xy-plane, B around (1, 0, 0) in xz
    from_a = np.hypot(np.hypot(A[:, 0], A[:, 1]) - 1, A[:, 2])
    from_b = np.hypot(np.hypot(B[:, 0] - 1, B[:, 2]) - 1, B[:, 1])
    assert from_a.max() <= 0.25 + 1e-6 and from_b.max() <= 0.25 + 1e-6
    # linked: B's core passes through A's hole (the origin) and A's core passes through B's hole (1, 0, 0)
    assert np.linalg.norm(B, axis=1).min() < 0.3 and np.linalg.norm(A - [1, 0, 0], axis=1).min() < 0.3
    far = datasets.tori(points_per_class=500, b_centre_x=2.6)[0]
    assert far[500:, 0].min() > 1.25  # unlinked: B sits beside A, clear of its hole
