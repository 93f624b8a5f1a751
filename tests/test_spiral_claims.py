"""spiralNet's claims (Part II) on hand-made runs whose 2-unit last hidden layer puts the class centres at
known places: corners, edges and inside for tanh, the origin and the axes for ReLU, over seeds."""
import numpy as np
import pytest

from generator.analysis import claims, spiral_claims
from generator.analysis.spread import wilson

OFFSETS = np.array([[0.02, 0.0], [-0.02, 0.0], [0.0, 0.03], [0.0, -0.03]])  # mean zero: centres exact


def spiral_run(centres, weights, activation="tanh", accuracy=None):
    """A 2 -> 2 -> K network whose hidden layer act(W x) puts class k's points around centres[k] when W = I
    (the inputs are act^-1 of the wanted positions; ReLU's origin class comes from negative inputs).
    `weights` holds each seed's W; snapshot 0 has W = 0 (every point at the origin), the final one W."""
    centres = np.asarray(centres, float)
    H = np.concatenate([c + OFFSETS for c in centres])
    if activation == "tanh":
        X = np.arctanh(H)
    else:
        X = np.where(np.all(np.abs(np.repeat(centres, len(OFFSETS), 0)) < 1e-12, 1, keepdims=True), -1.0 + H, H)
    K, seeds = len(centres), len(weights)
    W0 = np.stack([np.zeros((seeds, 2, 2)), np.array(weights, float)])
    return {"W0": W0, "b0": np.zeros((2, seeds, 2)), "W1": np.zeros((2, seeds, K, 2)), "b1": np.zeros((2, seeds, K)),
            "X": X.astype(np.float32), "y": np.repeat(np.arange(K), len(OFFSETS)), "seeds": np.arange(seeds) + 10,
            "loss": np.zeros((5, seeds)),
            "accuracy": np.ones(seeds) if accuracy is None else np.asarray(accuracy, float)}


def spec(K, activation="tanh"):
    return {"data": {"kind": "k-spirals", "classes": K}, "model": {"kind": "mlp", "activation": activation},
            "train": {"steps": 5}}


I = np.eye(2)
FLIP_X = np.diag([-1.0, 1.0])
CORNERS = [[0.9, 0.9], [-0.9, 0.9], [-0.9, -0.9], [0.9, -0.9]]


def test_tanh_places_by_threshold():
    place, t = spiral_claims.tanh_place, spiral_claims.CORNER
    assert place([0.7, 0.8]) == "corner top-right" and place([-0.7, -0.65]) == "corner bottom-left"
    assert place([t + 0.01, -(t - 0.01)]) == "edge right" and place([0.1, -0.95]) == "edge bottom"
    assert place([-0.95, 0.0]) == "edge left" and place([0.3, 0.95]) == "edge top"
    assert place([t - 0.01, -(t - 0.01)]) == "inside" and place([0.0, 0.0]) == "inside"
    assert place([-(t + 0.01), t + 0.01]) == "corner top-left"


def test_four_corners_on_every_seed():
    run = spiral_run(CORNERS, [I, FLIP_X, I])  # flipping a unit maps the corners onto the corners
    measured = claims.experiment_claims(run, spec(4))
    assert [measured[f"class_{k}_place"] for k in range(4)] == [
        "corner top-right", "corner top-left", "corner bottom-left", "corner bottom-right"]
    assert measured["corners_occupied"] == 4 and measured["classes_at_corners"] == 4
    assert measured["classes_at_edges"] == 0 and measured["classes_inside"] == 0
    assert measured["seeds_all_at_distinct_corners"] == 1.0 and measured["seeds_all_at_distinct_corners_n"] == 3
    assert measured["seeds_all_at_distinct_corners_lo"] == pytest.approx(wilson(3, 3)[0])
    assert measured["packing_angle"] == pytest.approx(1.0) and measured["seeds_packing_angle_n"] == 3
    assert measured["packing_distance"] == pytest.approx(0.9)  # smallest gap 1.8 of the best 2
    assert measured["seeds_packing_distance"] == pytest.approx(0.9) and measured["seeds_packing_distance_sd"] < 1e-9
    assert measured["centroid_1_x"] == pytest.approx(-0.9) and measured["centroid_1_y"] == pytest.approx(0.9)
    assert "centroid_angle" not in measured and "classes_on_axes" not in measured


def test_claims_read_the_final_snapshot_of_the_figures_seed_not_the_best():
    # seed 0 (drawn by the figures) collapses two classes onto one corner; seed 1, the best, does not
    collapse = np.array([[1.0, 0.0], [1.0, 0.0]])  # h = (tanh x1, tanh x1): every class on the diagonal
    run = spiral_run(CORNERS, [collapse, I], accuracy=[0.9, 1.0])
    measured = claims.experiment_claims(run, spec(4))
    assert measured["shown_seed"] == 11 and measured["figure_seed"] == 10
    assert measured["corners_occupied"] == 2 and measured["classes_at_corners"] == 4
    assert measured["packing_angle"] == pytest.approx(0.0, abs=1e-6)
    assert measured["seeds_all_at_distinct_corners"] == 0.5
    assert measured["seeds_packing_angle_min"] == pytest.approx(0.0, abs=1e-6)
    assert measured["seeds_packing_angle_max"] == pytest.approx(1.0)
    assert measured["seeds_corners_occupied"] == pytest.approx(3.0)


def test_two_classes_at_adjacent_or_opposite_corners():
    diagonal = np.array([[1.0, 0.0], [1.0, 0.0]])  # (-0.9, 0.9), (0.9, 0.9) -> (-0.9, -0.9), (0.9, 0.9)
    run = spiral_run([[-0.9, 0.9], [0.9, 0.9]], [I, diagonal, I])
    measured = claims.experiment_claims(run, spec(2))
    assert measured["class_0_place"] == "corner top-left" and measured["class_1_place"] == "corner top-right"
    assert measured["centroid_angle"] == pytest.approx(90.0)
    assert measured["opposite_corners"] == 0
    assert measured["seeds_opposite_corners"] == pytest.approx(1 / 3) and measured["seeds_opposite_corners_n"] == 3
    assert (measured["seeds_opposite_corners_lo"], measured["seeds_opposite_corners_hi"]) == pytest.approx(wilson(1, 3))
    assert measured["packing_angle"] == pytest.approx(0.5)  # 90 of the best 180 degrees
    opposite = claims.experiment_claims(spiral_run([[-0.9, 0.9], [0.9, -0.9]], [I]), spec(2))
    assert opposite["opposite_corners"] == 1 and opposite["centroid_angle"] == pytest.approx(180.0)
    # toward opposite corners though not at them (the places say so): still opposite, by quadrant
    pulled_in = claims.experiment_claims(spiral_run([[0.3, 0.4], [-0.2, -0.45]], [I]), spec(2))
    assert pulled_in["opposite_corners"] == 1 and pulled_in["class_0_place"] == "inside"
    assert pulled_in["seeds_all_at_distinct_corners"] == 0.0


def test_seven_classes_four_corners_and_two_sharing_the_bottom_edge():
    centres = CORNERS + [[0.95, 0.1], [0.0, -0.9], [-0.3, -0.85]]
    measured = claims.experiment_claims(spiral_run(centres, [I]), spec(7))
    assert measured["class_4_place"] == "edge right"
    assert measured["class_5_place"] == measured["class_6_place"] == "edge bottom"
    assert measured["corners_occupied"] == 4 and measured["classes_at_edges"] == 3
    assert measured["centroid_6_x"] == pytest.approx(-0.3) and measured["centroid_6_y"] == pytest.approx(-0.85)
    assert "seeds_all_at_distinct_corners" not in measured  # seven classes cannot have four corners each
    assert measured["seeds_classes_at_edges"] == 3.0 and measured["seeds_classes_at_edges_n"] == 1


def test_crowded_corner_and_a_class_inside():
    centres = [[0.9, 0.9], [0.8, 0.95], [-0.9, -0.9], [0.1, 0.2]]
    measured = claims.experiment_claims(spiral_run(centres, [I]), spec(4))
    assert measured["corners_occupied"] == 2 and measured["classes_at_corners"] == 3
    assert measured["classes_inside"] == 1 and measured["class_3_place"] == "inside"
    assert measured["seeds_all_at_distinct_corners"] == 0.0


def test_relu_origin_axes_and_inside():
    # class 0 at the origin, 1 on the h1 axis, 2 four degrees off the h2 axis, 3 six degrees off the h1 axis
    four, six = np.radians(4.0), np.radians(6.0)
    centres = [[0.0, 0.0], [2.0, 0.0], [3 * np.sin(four), 3 * np.cos(four)], [2 * np.cos(six), 2 * np.sin(six)]]
    run = spiral_run(centres, [I, I], "relu")
    measured = claims.experiment_claims(run, spec(4, "relu"))
    assert [measured[f"class_{k}_place"] for k in range(4)] == ["corner bottom-left", "edge bottom", "edge left", "inside"]
    assert measured["classes_on_axes"] == 2 and measured["classes_at_origin"] == 1
    assert measured["seeds_classes_on_axes"] == 2.0 and measured["seeds_classes_on_axes_n"] == 2
    # the class at the origin has no direction: the angle share is that of the other three (about 6 of 45
    # degrees; ReLU zeroes class 1's point below the axis, lifting its centre by 0.03 / 4)
    assert measured["packing_angle"] == pytest.approx((6.0 - np.degrees(np.arctan2(0.0075, 2.0))) / 45.0)
    assert "packing_distance" not in measured and "corners_occupied" not in measured


def test_the_last_hidden_layer_must_have_two_units():
    run = spiral_run(CORNERS, [I])
    run["W0"] = np.zeros((2, 1, 3, 2))
    run["b0"] = np.zeros((2, 1, 3))
    run["W1"] = np.zeros((2, 1, 4, 3))
    with pytest.raises(ValueError, match="2"):
        spiral_claims.spiral_claims(run, spec(4))


def test_relu_origin_is_a_share_of_the_farthest_centre():
    o = spiral_claims.ORIGIN
    centres = np.array([[10.0, 0.0], [0.0, 10 * (o - 0.005)], [10 * (o + 0.005), 0.0], [0.0, 4.0]])
    assert spiral_claims.relu_places(centres) == ["edge bottom", "corner bottom-left", "edge bottom", "edge left"]
    assert spiral_claims.relu_places(centres * 250.0) == spiral_claims.relu_places(centres)  # scale-free
