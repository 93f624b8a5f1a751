"""Frames against the model evaluated directly (the oracle), and the theorem-level checks of the morph."""
import numpy as np
import pytest

from generator import frames

RNG = np.random.default_rng(0)


def random_params(layers=2, det_sign=-1):
    params = []
    for _ in range(layers):
        W = RNG.normal(size=(2, 2))
        if np.sign(np.linalg.det(W)) != det_sign:
            W[[0, 1]] = W[[1, 0]]
        params.append((W, RNG.normal(size=2)))
    return params + [(RNG.normal(size=(2, 2)), RNG.normal(size=2))]


def test_swapping_units_makes_det_positive_and_keeps_the_function():
    params = random_params(det_sign=-1)
    fixed, swapped = frames.positive_determinants(params)
    x = RNG.uniform(-1, 1, (50, 2))
    assert swapped and swapped[0] == 0  # a swap in layer 1 also permutes layer 2's columns
    assert all(np.linalg.det(W) > 0 for W, _ in fixed[:-1])
    assert np.allclose(frames.forward(params, x)[-1], frames.forward(fixed, x)[-1])


@pytest.mark.parametrize("seed", range(20))
def test_matrix_path_keeps_det_positive_and_ends_at_w(seed):
    W = np.random.default_rng(seed).normal(size=(2, 2)) * 3
    if np.linalg.det(W) < 0:
        W[[0, 1]] = W[[1, 0]]
    ts = np.linspace(0, 1, 101)
    dets = [np.linalg.det(frames.matrix_path(W, t)) for t in ts]
    assert min(dets) > 0
    assert np.allclose(frames.matrix_path(W, 0.0), np.eye(2)) and np.allclose(frames.matrix_path(W, 1.0), W)


def test_matrix_path_of_minus_identity_avoids_the_singular_midpoint():
    path = [frames.matrix_path(-np.eye(2), t) for t in np.linspace(0, 1, 11)]
    assert min(np.linalg.det(P) for P in path) > 0.99  # a rotation by pi, never through zero


def test_last_morph_frame_is_the_network_representation():
    params, _ = frames.positive_determinants(random_params(layers=3, det_sign=1))
    x = RNG.uniform(-1, 1, (30, 2))
    path = frames.morph_frames(params, per_stage=4)
    reps = frames.forward(params, x, logits=True)
    assert len(path) == 1 + 3 * 4 * 3
    for layer in range(3):
        end = [f for f in path if f["layer"] == layer][-1]
        assert np.allclose(frames.apply_frame(end, reps[layer]), reps[layer + 1])
    first = path[0]
    assert np.allclose(frames.apply_frame(first, x), x)


def test_grid_lines_and_boundary():
    xy, ids, border = frames.grid_lines(-1, 1, lines=21, points=5)
    assert xy.shape == (2 * 21 * 5, 2) and len(set(ids.tolist())) == 42
    assert np.all(np.isclose(np.abs(xy[border]).max(1), 1.0))
    ends = frames.linear_boundary(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0.0, 0.0]), -1, 1)
    assert ends is not None and all(abs(a + b) < 1e-9 for a, b in ends)


def test_class_image_matches_the_classifier():
    image = frames.class_image(lambda p: (p[:, 0] > 0).astype(int), -1, 1, resolution=10)
    assert image[:, :5].sum() == 0 and image[:, 5:].min() == 1


def test_stretch_matches_finite_differences():
    params = random_params(layers=2, det_sign=1)
    x = RNG.uniform(-1, 1, (20, 2))
    eps = 1e-6
    hidden = lambda p: frames.forward(params[:-1], p, logits=False)[-1]
    J = np.stack([(hidden(x + eps * e) - hidden(x - eps * e)) / (2 * eps) for e in np.eye(2)], axis=2)
    assert np.allclose(frames.stretch(params, x), np.linalg.svd(J, compute_uv=False)[:, 0], rtol=1e-5)


def test_a_field_layer_folds_where_its_jacobian_determinant_turns_negative():
    anchors = np.array([[0.0, 0.0]])
    points = frames.mesh(-2, 2, 40)
    still = frames.field_jacobian_det(points, np.zeros((1, 2)), anchors, 0.5)
    assert np.allclose(still, 1.0)                                   # no arrows: the identity
    gentle = frames.field_jacobian_det(points, np.array([[0.1, 0.0]]), anchors, 0.5)
    strong = frames.field_jacobian_det(points, np.array([[3.0, 0.0]]), anchors, 0.5)
    assert (gentle > 0).all()                                        # a push smaller than the bump's width
    assert (strong < 0).any() and (strong > 0).any()                 # a long arrow: points overtake their neighbours
    # the fold is real: the bump's centre overtakes a point ahead of it on the x axis
    a, b = np.array([[0.0, 0.0]]), np.array([[0.9, 0.0]])
    move = lambda p: p + frames.field(p, np.array([[3.0, 0.0]]), anchors, 0.5)
    assert move(a)[0, 0] > move(b)[0, 0]
    # against the exact determinant of one bump: J = I + c v u^T, so det = 1 + c u.v, with u = x - a and
    # c = -f / (w^2 (1 + f)^2); off-axis points and a slanted arrow, so the cross terms count
    a, v, w = np.array([0.2, -0.1]), np.array([2.0, 1.5]), 0.5
    x = np.random.default_rng(0).uniform(-2, 2, (1000, 2))
    u = x - a
    f = np.exp(-(u ** 2).sum(1) / (2 * w ** 2))
    exact = 1 - f * (u @ v) / (w ** 2 * (1 + f) ** 2)
    assert np.allclose(frames.field_jacobian_det(x, v[None], a[None], w), exact, atol=1e-8)
