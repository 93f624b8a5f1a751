"""Claims measured from a run: thresholds of 1-D units, dense held-out accuracy, det W per layer."""
import numpy as np

from generator.analysis import claims

SPEC = {"data": {"kind": "interval-1d", "points_per_class": 50, "inner": 1 / 3, "outer_from": 2 / 3, "seed": 0},
        "model": {"kind": "mlp", "activation": "tanh"}, "train": {"steps": 10}}


def hand_made_run():
    """A 1 -> 2 -> 2 network that cuts at x = -0.5 and x = +0.5: class A between the cuts."""
    from generator import datasets
    X, y = datasets.interval_1d(points_per_class=50)
    W0 = np.array([[[10.0], [-10.0]]])            # unit 1: x > -0.5 ; unit 2: x < 0.5
    b0 = np.array([[5.0, 5.0]])
    W1 = np.array([[[1.0, 1.0], [-1.0, -1.0]]])    # both units high -> class A
    b1 = np.array([[-1.0, 1.0]])
    return {"W0": W0[None], "b0": b0[None], "W1": W1[None], "b1": b1[None], "X": X, "y": y,
            "seeds": np.array([0]), "loss": np.zeros((1, 1)), "accuracy": np.array([1.0])}


def test_thresholds_are_minus_b_over_w():
    measured = claims.experiment_claims(hand_made_run(), SPEC)
    assert np.isclose(measured["threshold1"], -0.5) and np.isclose(measured["threshold2"], 0.5)


def test_heldout_accuracy_scores_a_dense_fresh_sample():
    measured = claims.experiment_claims(hand_made_run(), SPEC)
    assert measured["heldout_points"] == 2 * claims.HELDOUT_POINTS
    assert measured["heldout_accuracy_best"] == 1.0 and measured["heldout_share_perfect"] == 1.0


def test_det_w_of_each_square_layer():
    run = hand_made_run()
    run["W0"] = np.array([[[[2.0, 0.0], [0.0, 3.0]]]])
    run["b0"] = np.zeros((1, 1, 2))
    run["X"] = np.zeros((4, 2))
    run["y"] = np.array([0, 1, 0, 1])
    spec = {"data": {"kind": "two-curves"}, "model": {"activation": "tanh"}, "train": {"steps": 1}}
    measured = claims.experiment_claims(run, spec)
    assert np.isclose(measured["det_w1"], 6.0) and measured["det_w"] == measured["det_w1"]
