"""Claims over seeds carry their count and spread: accuracy and held-out scores, the singular values of a
2 x 2 first layer (and the area it keeps, |det J|), and O15's k-NN gain."""
import numpy as np
import pytest

from generator.analysis import claims
from generator.analysis.spread import summary, wilson
from tests.test_claims import SPEC, hand_made_run


def rotation(angle):
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def square_run(Ws, accuracy, X=None):
    """A 2 -> 2 -> 2 tanh network per seed with the given first-layer W (snapshot axis of one)."""
    seeds = len(Ws)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (40, 2)) if X is None else X
    return {"W0": np.array(Ws, float)[None], "b0": np.zeros((1, seeds, 2)),
            "W1": np.tile(np.eye(2), (1, seeds, 1, 1)), "b1": np.zeros((1, seeds, 2)),
            "X": X, "y": np.arange(len(X)) % 2, "seeds": np.arange(seeds),
            "loss": np.zeros((3, seeds)), "accuracy": np.asarray(accuracy, float)}


TWO_CURVES = {"data": {"kind": "two-curves"}, "model": {"kind": "mlp", "activation": "tanh"}, "train": {"steps": 3}}


def test_accuracy_and_share_perfect_keep_their_values_and_gain_companions():
    run = square_run([np.eye(2)] * 4, [1.0, 0.9, 1.0, 0.8])
    measured = claims.experiment_claims(run, TWO_CURVES)
    assert measured["accuracy_mean"] == pytest.approx(0.925) and measured["accuracy_mean_n"] == 4
    assert measured["accuracy_mean_sd"] == pytest.approx(np.std([1.0, 0.9, 1.0, 0.8], ddof=1))
    assert measured["accuracy_mean_min"] == measured["accuracy_worst"] == 0.8
    assert measured["accuracy_mean_max"] == measured["accuracy_best"] == 1.0
    assert measured["accuracy_best_n"] == measured["accuracy_worst_n"] == 4  # extremes over four seeds
    assert measured["share_perfect"] == 0.5 and measured["share_perfect_n"] == 4
    assert measured["share_perfect_count"] == 2  # "2 of 4 seeds", printable without arithmetic
    assert (measured["share_perfect_lo"], measured["share_perfect_hi"]) == pytest.approx(wilson(2, 4))
    folded = summary(measured)
    assert folded["accuracy_mean"]["n"] == 4 and folded["share_perfect"]["interval"] == pytest.approx(list(wilson(2, 4)))
    assert folded["share_perfect"]["count"] == 2 and "count" not in folded["accuracy_mean"]
    # `recheck` unfolds the report again: every companion comes back
    from generator.recheck import scopes_from_report
    assert scopes_from_report({"experiments": {"e": {"claims": folded}}})["e"] == pytest.approx(measured)


def test_heldout_claims_over_seeds():
    measured = claims.experiment_claims(hand_made_run(), SPEC)
    assert {"heldout_points", "heldout_accuracy_mean", "heldout_accuracy_best", "heldout_share_perfect"} <= set(measured)
    assert measured["heldout_accuracy_mean"] == 1.0 and measured["heldout_accuracy_mean_n"] == 1
    assert measured["heldout_share_perfect"] == 1.0 and measured["heldout_share_perfect_n"] == 1
    assert measured["heldout_accuracy_best_n"] == 1
    assert measured["heldout_share_perfect_lo"] == pytest.approx(wilson(1, 1)[0])
    assert "seeds_sigma_max" not in measured  # a 1 -> 2 first layer is not square


def test_singular_values_of_a_square_first_layer_over_seeds():
    # W = R D R'^T with known singular values: (3, 0.06), (2, 1), (1.5, 1.5); seed 1 is the shown (best) one
    Ws = [rotation(0.3) @ np.diag([3.0, 0.06]) @ rotation(-1.1).T,
          rotation(2.0) @ np.diag([2.0, 1.0]) @ rotation(0.4).T,
          rotation(-0.7) @ np.diag([1.5, 1.5])]
    measured = claims.experiment_claims(square_run(Ws, [0.9, 1.0, 0.95]), TWO_CURVES)
    assert measured["seeds_sigma_max"] == pytest.approx((3 + 2 + 1.5) / 3) and measured["seeds_sigma_max_n"] == 3
    assert measured["seeds_sigma_min_min"] == pytest.approx(0.06) and measured["seeds_sigma_min_max"] == pytest.approx(1.5)
    assert measured["seeds_sigma_ratio"] == pytest.approx((0.02 + 0.5 + 1.0) / 3)
    assert measured["seeds_sigma_ratio_min"] == pytest.approx(0.02)
    assert measured["sigma_ratio_median"] == pytest.approx(0.5) and measured["sigma_ratio_median_n"] == 3
    assert measured["sigma_max"] == pytest.approx(2.0) and measured["sigma_min"] == pytest.approx(1.0)
    assert measured["sigma_ratio"] == pytest.approx(0.5)


def numerical_abs_det(W, b, x, eps=1e-6):
    """|det J| of x -> tanh(Wx + b) by central differences, one point at a time."""
    f = lambda p: np.tanh(W @ p + b)
    out = []
    for p in x:
        J = np.column_stack([(f(p + eps * e) - f(p - eps * e)) / (2 * eps) for e in np.eye(2)])
        out.append(abs(np.linalg.det(J)))
    return np.array(out)


def test_det_jacobian_matches_finite_differences():
    rng = np.random.default_rng(3)
    W, b, x = rng.normal(size=(2, 2)) * 2, rng.normal(size=2), rng.uniform(-1, 1, (25, 2))
    assert claims.abs_det_jacobian(W, b, x, "tanh") == pytest.approx(numerical_abs_det(W, b, x), rel=1e-5)


def test_det_jacobian_median_over_the_input_square():
    W = np.array([[1.5, 0.5], [-0.5, 2.0]])
    X = np.array([[-0.8, 0.2], [0.5, -0.5], [0.1, 0.1]])  # the square around the data is [-0.8, 0.8]^2
    measured = claims.experiment_claims(square_run([W], [1.0], X=X), TWO_CURVES)
    ticks = np.linspace(-0.8, 0.8, claims.JACOBIAN_GRID)
    grid = np.stack(np.meshgrid(ticks, ticks), -1).reshape(-1, 2)
    assert measured["det_jacobian_median"] == pytest.approx(np.median(numerical_abs_det(W, np.zeros(2), grid)), rel=1e-5)
    assert measured["det_jacobian_median_data"] == pytest.approx(np.median(numerical_abs_det(W, np.zeros(2), X)), rel=1e-5)
    flat = claims.experiment_claims(square_run([[[1.0, 2.0], [2.0, 4.0]]], [1.0], X=X), TWO_CURVES)  # rank 1
    assert flat["sigma_min"] == pytest.approx(0.0, abs=1e-12) and flat["det_jacobian_median"] == pytest.approx(0.0, abs=1e-12)


KNN_SPEC = {"data": {"kind": "mnist"}, "model": {"kind": "convnet-knn"}, "train": {"steps": 10, "knn_k": 10}}


def knn_run():
    return {"softmax_error": np.array([0.020, 0.030, 0.025, 0.020]), "knn_error": np.array([0.018, 0.031, 0.020, 0.020]),
            "knn_trained_error": np.array([0.03, 0.04, 0.05, 0.06]), "seeds": np.arange(4),
            "loss": np.zeros((10, 4)), "accuracy": 1 - np.array([0.020, 0.030, 0.025, 0.020]),
            "train_count": np.array(4000), "test_count": np.array(1000)}


def test_knn_claims_over_seeds():
    run = knn_run()
    measured = claims.experiment_claims(run, KNN_SPEC)
    assert measured["softmax_error"] == pytest.approx(0.02375) and measured["softmax_error_n"] == 4
    assert measured["knn_error_sd"] == pytest.approx(np.std(run["knn_error"], ddof=1))
    assert measured["knn_trained_error_min"] == measured["knn_trained_error_best"] == 0.03
    assert measured["knn_trained_error_max"] == 0.06 and measured["knn_trained_error_best_n"] == 4
    assert measured["knn_gain"] == pytest.approx(run["softmax_error"].mean() - run["knn_error"].mean())
    assert measured["knn_gain_min"] == pytest.approx(-0.001) and measured["knn_gain_max"] == pytest.approx(0.005)
    # per seed in images of 1,000: +2, -1, +5, 0
    assert measured["knn_gain_images"] == pytest.approx(1.5) and measured["knn_gain_images_n"] == 4
    assert measured["knn_gain_images_min"] == -1.0 and measured["knn_gain_images_max"] == 5.0
    assert measured["seeds_knn_beats_softmax"] == 0.5  # a tie is not a win
    assert (measured["seeds_knn_beats_softmax_lo"], measured["seeds_knn_beats_softmax_hi"]) == pytest.approx(wilson(2, 4))


def test_det_jacobian_of_a_saturated_layer_is_small_not_zero():
    # at u = 30, 1 - tanh(u)^2 rounds to 0 in float64; the area kept is 4 e^-60 per unit, still measurable
    W, b = np.eye(2), np.array([30.0, 0.0])
    kept = claims.abs_det_jacobian(W, b, np.zeros((1, 2)), "tanh")[0]
    assert kept > 0 and kept == pytest.approx(1 / np.cosh(30.0) ** 2, rel=1e-12)


def test_thresholds_over_seeds_and_the_share_with_one_in_each_gap():
    from tests.test_claims import SPEC, hand_made_run
    run = hand_made_run()  # seed 0 cuts at -0.5 and +0.5; seed 1 at -0.5 and +0.9 (past the right gap)
    run["W0"] = np.array([[[[10.0], [-10.0]], [[10.0], [-10.0]]]])
    run["b0"] = np.array([[[5.0, 5.0], [5.0, 9.0]]])
    run["W1"], run["b1"] = np.repeat(run["W1"], 2, axis=1), np.repeat(run["b1"], 2, axis=1)
    run["seeds"], run["loss"], run["accuracy"] = np.arange(2), np.zeros((1, 2)), np.array([1.0, 0.9])
    measured = claims.experiment_claims(run, SPEC)
    assert measured["seeds_threshold1"] == pytest.approx(-0.5) and measured["seeds_threshold1_sd"] == pytest.approx(0)
    assert measured["seeds_threshold2"] == pytest.approx(0.7) and measured["seeds_threshold2_n"] == 2
    assert measured["seeds_threshold2_max"] == pytest.approx(0.9)
    assert measured["seeds_threshold_in_each_gap"] == 0.5 and measured["seeds_threshold_in_each_gap_n"] == 2
    required, _ = claims.declared_claims(SPEC | {"model": SPEC["model"] | {"hidden": [2]}})
    assert {"seeds_threshold2_sd", "seeds_threshold_in_each_gap_lo"} <= required


def test_area_kept_at_the_data_over_seeds():
    Ws = [np.eye(2) * 3, np.diag([2.0, 0.5])]
    X = np.zeros((4, 2))  # at the origin tanh's slope is 1: |det J| = |det W|
    measured = claims.experiment_claims(square_run(Ws, [1.0, 1.0], X), TWO_CURVES)
    assert measured["seeds_det_jacobian_median_data"] == pytest.approx((9 + 1) / 2)
    assert measured["seeds_det_jacobian_median_data_min"] == pytest.approx(1.0)
    assert measured["seeds_det_jacobian_median_data_n"] == 2


def test_share_of_seeds_whose_first_layer_mirrors_the_plane():
    Ws = [np.eye(2), np.diag([1.0, -1.0]), [[0.0, 1.0], [1.0, 0.0]], np.diag([2.0, 3.0])]  # det 1, -1, -1, 6
    measured = claims.experiment_claims(square_run(Ws, [1.0] * 4), TWO_CURVES)
    assert measured["seeds_det_w_negative"] == 0.5 and measured["seeds_det_w_negative_count"] == 2
    assert measured["seeds_det_w_negative_n"] == 4
    assert (measured["seeds_det_w_negative_lo"], measured["seeds_det_w_negative_hi"]) == pytest.approx(wilson(2, 4))


def test_share_of_the_data_at_a_corner_of_the_hidden_square():
    # tanh(Wx) with W = 10 I: a point with both |x_i| >= artanh(0.95) / 10 lands within 0.05 of a corner
    edge = np.arctanh(1 - claims.CORNER_DISTANCE) / 10
    X = np.array([[0.3, 0.3], [-0.3, 0.4], [0.3, 0.0], [0.0, 0.0], [edge * 1.01, -edge * 1.01], [edge * 0.99, 0.3]])
    Ws = [np.eye(2) * 10, np.eye(2) * 0.5]  # seed 0: 3 of 6 points at a corner; seed 1: none
    measured = claims.experiment_claims(square_run(Ws, [1.0, 0.5], X=X), TWO_CURVES)
    assert measured["corner_distance"] == claims.CORNER_DISTANCE
    assert measured["corner_share"] == pytest.approx(0.5)  # seed 0 is shown (the more accurate)
    assert measured["seeds_corner_share"] == pytest.approx(0.25) and measured["seeds_corner_share_n"] == 2
    assert measured["seeds_corner_share_min"] == 0 and measured["seeds_corner_share_max"] == pytest.approx(0.5)
    assert measured["seeds_half_at_corners"] == 0.5 and measured["seeds_half_at_corners_count"] == 1


def test_stretch_at_the_data_over_seeds():
    # at x = 0 with b = 0 tanh's slope is 1, so the stretch of a 2 -> 2 -> 2 network is W's larger singular value
    Ws = [np.diag([3.0, 1.0]), np.diag([0.05, 0.02]), rotation(0.4) @ np.diag([0.5, 0.2])]
    measured = claims.experiment_claims(square_run(Ws, [1.0] * 3, X=np.zeros((5, 2))), TWO_CURVES)
    assert measured["seeds_stretch_median_data"] == pytest.approx((3 + 0.05 + 0.5) / 3)
    assert measured["seeds_stretch_median_data_min"] == pytest.approx(0.05)
    assert measured["seeds_stretch_max_data_max"] == pytest.approx(3.0) and measured["seeds_stretch_max_data_n"] == 3
    assert measured["crushed_below"] == claims.CRUSHED_BELOW
    assert measured["seeds_crushed_count"] == 1 and measured["seeds_crushed_n"] == 3  # only 0.05 is below 0.1
    # away from the origin the slopes shrink the stretch: tanh'(3 * 1) = 1 - tanh(3)^2
    far = claims.experiment_claims(square_run([np.diag([3.0, 1.0])], [1.0], X=np.array([[1.0, 0.0]] * 3)), TWO_CURVES)
    assert far["seeds_stretch_median_data"] == pytest.approx(max(3 * (1 - np.tanh(3.0) ** 2), 1.0))


def field_run(vectors_per_seed, X):
    """A vector-field network per seed: one field layer over a single anchor at the origin, then a 2 -> 2 output."""
    seeds = len(vectors_per_seed)
    return {"V0": np.array(vectors_per_seed, float).reshape(1, seeds, 1, 2), "anchors": np.zeros((1, 2)),
            "W0": np.tile(np.eye(2), (1, seeds, 1, 1)), "b0": np.zeros((1, seeds, 2)), "X": X,
            "y": np.arange(len(X)) % 2, "seeds": np.arange(seeds), "loss": np.zeros((2, seeds)),
            "accuracy": np.ones(seeds)}


FIELD = {"data": {"kind": "spirals"}, "model": {"kind": "vector-field", "bump_width": 0.2, "activation": "tanh"},
         "train": {"steps": 1}}


def test_folds_of_field_layers_over_seeds():
    X = np.array([[-0.9, 0.0], [0.9, 0.5]])  # the square drawn is [-1, 1]^2
    gentle, abrupt = [0.0, 0.0], [3.0, 0.0]  # no push at all; a push steep enough to overtake its neighbours
    measured = claims.experiment_claims(field_run([gentle, abrupt, abrupt], X), FIELD)
    assert measured["fold_mesh"] == claims.FOLD_MESH
    assert measured["seeds_folding"] == pytest.approx(2 / 3) and measured["seeds_folding_count"] == 2
    assert measured["seeds_inside_out_count"] == 2 and measured["seeds_folded_share_min"] == 0
    folded = measured["seeds_folded_share_max"]
    assert 0 < folded < 0.5 and measured["seeds_folded_share"] == pytest.approx(2 * folded / 3)
    # one layer: left inside out anywhere is left inside out overall
    assert measured["seeds_folded_any_share_max"] == pytest.approx(folded)
    # by hand: x + F(x) turns the plane inside out where 1 + dF_x/dx < 0 (F has no y part, so det J = 1 + dF_x/dx)
    square = np.stack(np.meshgrid(*[np.linspace(-1, 1, claims.FOLD_MESH + 1)] * 2), -1).reshape(-1, 2)
    f = np.exp(-(square ** 2).sum(1) / (2 * 0.2 ** 2))
    slope = 3.0 * (-square[:, 0] / 0.2 ** 2) * f / (1 + f) ** 2
    assert folded == pytest.approx(float((1 + slope < 0).mean()), abs=2 / len(square))


def test_folds_over_seeds_match_the_figure():
    from generator.figures.field import _folds
    X = np.array([[-0.9, 0.0], [0.9, 0.5]])
    run = field_run([[0.0, 0.0], [3.0, 0.0], [2.0, 1.0]], X)
    measured = claims.experiment_claims(run, FIELD)
    drawn = _folds(run, 0, FIELD["model"], 1.0)
    assert measured["seeds_folded_share_min"] == pytest.approx(drawn["seeds_folded_share_min"])
    assert measured["seeds_folded_any_share_min"] == pytest.approx(drawn["seeds_folded_any_share_min"])
