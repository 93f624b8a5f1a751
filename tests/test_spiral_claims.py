"""spiralNet's claims (Part II) on hand-made runs whose 2-unit last hidden layer puts the class centres at
known places: corners, edges and inside for tanh, the origin and the axes for ReLU, over seeds."""
import numpy as np
import pytest

from generator.analysis import claims, spiral_claims
from generator.analysis.spread import wilson

OFFSETS = np.array([[0.02, 0.0], [-0.02, 0.0], [0.0, 0.03], [0.0, -0.03]])  # mean zero: centres exact


def spiral_run(centres, weights, activation="tanh", accuracy=None, between=(), loss=None):
    """A 2 -> 2 -> K network whose hidden layer act(W x) puts class k's points around centres[k] when W = I
    (the inputs are act^-1 of the wanted positions; ReLU's origin class comes from negative inputs).
    `weights` holds each seed's W; snapshot 0 (step 0) has W = 0 (every point at the origin), the final one
    (step 5) W. `between`: more snapshots in between, each a list of every seed's W, at steps 1, 2, ...
    `loss`: each seed's final loss."""
    centres = np.asarray(centres, float)
    H = np.concatenate([c + OFFSETS for c in centres])
    if activation == "tanh":
        X = np.arctanh(H)
    else:
        X = np.where(np.all(np.abs(np.repeat(centres, len(OFFSETS), 0)) < 1e-12, 1, keepdims=True), -1.0 + H, H)
    K, seeds = len(centres), len(weights)
    W0 = np.stack([np.zeros((seeds, 2, 2)), *(np.array(w, float) for w in between), np.array(weights, float)])
    count = len(W0)
    losses = np.zeros((6, seeds))
    if loss is not None:
        losses[-1] = loss
    return {"W0": W0, "b0": np.zeros((count, seeds, 2)), "W1": np.zeros((count, seeds, K, 2)),
            "b1": np.zeros((count, seeds, K)), "X": X.astype(np.float32), "y": np.repeat(np.arange(K), len(OFFSETS)),
            "seeds": np.arange(seeds) + 10, "loss": losses,
            "snapshot_steps": np.array([0, *range(1, len(between) + 1), 5]),
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


FIVE = CORNERS + [[0.95, 0.05]]  # the four corners and the right edge's midpoint
SWAP = np.array([[0.0, 1.0], [1.0, 0.0]])  # swaps the units: (0.95, 0.05) -> (0.05, 0.95), the top edge's midpoint


def test_the_eight_places_are_the_corners_and_the_edge_midpoints():
    place = spiral_claims.rim_place
    assert place([0.9, -0.8]) == "corner bottom-right" and place([-0.97, 0.1]) == "edge left"
    m = spiral_claims.MIDPOINT
    assert place([0.95, m - 0.01]) == "edge right" and place([0.95, m + 0.01]) is None  # part-way to a corner
    assert place([0.2, 0.3]) is None  # inside
    assert spiral_claims.keeps_to_eight_places(np.array(FIVE))
    assert not spiral_claims.keeps_to_eight_places(np.array(CORNERS + [[0.95, 0.45]]))  # part-way along the edge
    assert not spiral_claims.keeps_to_eight_places(np.array(CORNERS + [[0.9, 0.9]]))    # two in one corner
    assert not spiral_claims.keeps_to_eight_places(np.array([[0.95, 0.0], [0.9, -0.1], [-0.9, -0.9]]))  # one midpoint


def test_places_over_seeds_count_the_seeds_that_keep_to_the_eight_places():
    run = spiral_run(FIVE, [I, SWAP, I], loss=[0.1, 0.2, 0.6])  # seed 1's fifth class on the top edge instead
    measured = claims.experiment_claims(run, spec(5))
    assert measured["eight_places"] == 1 and measured["seeds_eight_places"] == 1.0
    assert measured["seeds_eight_places_count"] == 3 and measured["seeds_none_inside"] == 1.0
    assert measured["seeds_smallest_coordinate"] == pytest.approx(0.05) and measured["seeds_smallest_coordinate_n"] == 3
    assert measured["seeds_final_loss"] == pytest.approx(0.3) and measured["seeds_final_loss_max"] == pytest.approx(0.6)
    assert measured["seeds_final_loss_sd"] == pytest.approx(np.std([0.1, 0.2, 0.6], ddof=1))
    off = claims.experiment_claims(spiral_run(CORNERS + [[0.95, 0.45]], [I, I]), spec(5))  # part-way to a corner
    assert off["class_4_place"] == "edge right" and off["eight_places"] == 0
    assert off["seeds_eight_places"] == 0.0 and off["seeds_none_inside"] == 1.0
    inside = claims.experiment_claims(spiral_run(CORNERS + [[0.1, 0.2]], [I, I]), spec(5))
    assert inside["seeds_none_inside_count"] == 0 and inside["seeds_eight_places_count"] == 0
    assert inside["seeds_smallest_coordinate"] == pytest.approx(0.1)


def test_four_corners_have_a_large_smallest_coordinate():
    measured = claims.experiment_claims(spiral_run([[0.9, 0.8], [-0.85, 0.9], [-0.9, -0.9], [0.9, -0.95]], [I, SWAP]),
                                        spec(4))
    assert measured["seeds_smallest_coordinate"] == pytest.approx(0.8)
    assert measured["seeds_smallest_coordinate_min"] == pytest.approx(0.8)
    assert "seeds_crowded_until_step" not in measured  # four corners for four classes: no crowding measured


def test_crowding_over_seeds_reads_every_snapshot():
    """Five classes, three seeds, snapshots at steps 0 (all at the origin), 1, 2 and 5 (the end of a 5-step run):
    `collapse` puts every class on the diagonal (both units read x1), the corners' classes two by two on one
    place. Seed 0 stays collapsed until step 2 and spreads out at the end; seed 1 spreads out at once; seed 2
    spreads out and then collapses again, crowded at the end."""
    collapse = np.array([[1.0, 0.0], [1.0, 0.0]])
    between = [[collapse, I, I], [collapse, I, I]]
    run = spiral_run(FIVE, [I, I, collapse], between=between)
    measured = claims.experiment_claims(run, spec(5))
    assert [spiral_claims.crowding(run, s, 5) for s in range(3)] == [(2, False), (0, False), (5, True)]
    assert [spiral_claims.crowding(run, s, 5, chunk=1) for s in range(3)] == [(2, False), (0, False), (5, True)]
    assert measured["seeds_crowded_until_step"] == pytest.approx(7 / 3)
    assert measured["seeds_crowded_until_step_max"] == 5 and measured["seeds_crowded_until_step_min"] == 0
    # long: past a quarter of the 5 steps, 1.25
    assert measured["seeds_long_crowded_count"] == 2 and measured["seeds_long_crowded_n"] == 3
    assert measured["seeds_crowded_at_end_count"] == 1
    assert (measured["seeds_crowded_at_end_lo"], measured["seeds_crowded_at_end_hi"]) == pytest.approx(wilson(1, 3))


def test_crowding_agrees_with_the_packing_figures_trace():
    """The same last crowded step as packing.last_crowded over a forward pass at every snapshot."""
    from generator import frames
    from generator.analysis import packing
    collapse = np.array([[1.0, 0.0], [1.0, 0.0]])
    run = spiral_run(FIVE, [I, collapse], between=[[collapse, I], [I, collapse], [collapse, I]])
    for seed in range(2):
        trace = [packing.distance_ratio(frames.forward(frames.layers(run, seed, t), run["X"], "tanh")[-2], run["y"], 5)
                 for t in range(len(run["snapshot_steps"]))]
        last = packing.last_crowded(run["snapshot_steps"], trace)
        assert spiral_claims.crowding(run, seed, 5, chunk=2)[0] == run["snapshot_steps"][last]
        hidden = spiral_claims.last_hidden_at(run, seed, "tanh", range(len(run["snapshot_steps"])))
        for t in range(len(run["snapshot_steps"])):
            assert np.array_equal(hidden[t], frames.forward(frames.layers(run, seed, t), run["X"], "tanh")[-2])


def test_relu_two_classes_on_one_axis():
    shared = [[0.0, 0.0], [2.0, 0.0], [5.0, 0.0], [0.0, 3.0]]   # two on the h1 axis (the bottom edge)
    apart = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 3.0]]    # one per axis
    assert spiral_claims.axis_shared(spiral_claims.relu_places(np.array(shared)))
    assert not spiral_claims.axis_shared(spiral_claims.relu_places(np.array(apart)))
    measured = claims.experiment_claims(spiral_run(shared, [I, I], "relu", loss=[0.01, 0.03]), spec(4, "relu"))
    assert measured["seeds_axis_shared_count"] == 2 and measured["seeds_axis_shared"] == 1.0
    assert measured["seeds_final_loss"] == pytest.approx(0.02)
    assert "seeds_eight_places" not in measured and "seeds_crowded_until_step" not in measured
    left = claims.experiment_claims(spiral_run(apart, [I, SWAP], "relu"), spec(4, "relu"))
    assert left["seeds_axis_shared_count"] == 0
