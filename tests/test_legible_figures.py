"""Figures a reader can read (issue 26): 3-D views that turn by dragging, with a separating plane drawn as a face
that parts what lies behind it from what lies in front; direction histograms fine enough for seven classes; the
packing figure's lines one to a panel; the learning graph's digit labels apart. The browser's side of these (a
drag, a hover, what the canvas draws) is in tests/browser/test_reading_figures.py."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from generator.figures import learning_graph, space, spiral_data, style, turn

COMPILED = {"signals": [{"name": "az", "value": 30, "bind": {"input": "range"}},
                        {"name": "el", "value": 20, "bind": {"input": "range"}}]}


def test_a_drag_drives_the_angles_of_a_turned_view():
    vega = turn.patch(json.loads(json.dumps(COMPILED)), {"usermeta": turn.usermeta("az", "el")})
    signals = {s["name"]: s for s in vega["signals"]}
    assert signals["az"]["bind"] == {"input": "range"}, "the sliders stay bound"
    for name in ("az", "el"):
        (handler,) = signals[name]["on"]
        assert handler["events"] == turn.DRAG and turn.FROM in handler["update"]
    assert "x()" in signals["az"]["on"][0]["update"] and "y()" in signals["el"]["on"][0]["update"]
    assert "clamp(" in signals["el"]["on"][0]["update"], "the tilt stays within -90..90"
    assert [h["events"] for h in signals[turn.FROM]["on"]] == ["pointerdown", "window:pointerup"]
    assert signals["cursor"]["value"] == "grab"


def test_a_spec_that_names_no_turn_is_left_as_it_is_and_a_wrong_name_is_refused():
    assert turn.patch(json.loads(json.dumps(COMPILED)), {"usermeta": {"choices": []}}) == COMPILED
    with pytest.raises(ValueError, match="usermeta.turn names tilt"):
        turn.patch(json.loads(json.dumps(COMPILED)), {"usermeta": turn.usermeta("az", "tilt")})


def _evaluate(expression: str, az: float, el: float, **datum) -> float:
    """A Vega expression of the projection, read as Python (cos, sin, PI, datum.x ...)."""
    names = {"cos": np.cos, "sin": np.sin, "PI": np.pi, "az": az, "el": el}
    return eval(expression.replace("datum.", ""), names, datum)


@pytest.mark.parametrize("az, el", [(30, 20), (135, -35), (250, 80)])
def test_the_turn_is_a_rotation_and_facing_is_the_readers_direction(az, el):
    """(px, py, near) is a rotation of (x, y, z), and TOWARDS_READER is the unit vector whose dot product with a point
    is its nearness: what decides which side of the plane the reader sees."""
    basis = np.eye(3)
    turned = np.array([[_evaluate(e, az, el, x=p[0], y=p[1], z=p[2]) for e in space.project()] for p in basis])
    assert np.allclose(turned @ turned.T, np.eye(3)) and np.linalg.det(turned) > 0
    towards = np.array([_evaluate(e, az, el) for e in space.TOWARDS_READER])
    assert np.allclose(towards, turned[:, 2])


def test_the_plane_is_a_face_within_the_cube_where_its_pair_leads():
    W = np.array([[1.0, -2.0, 0.5], [-1.0, 1.0, 1.5]])
    b = np.array([0.2, -0.1])
    (face, ids, kind), = space._plane_faces(W, b)
    assert kind == space.FACE and len(set(ids)) == 1 and np.allclose(face[0], face[-1]), "one closed outline"
    assert len(face) >= 4 and np.all(np.abs(face) <= 1 + 1e-9), "corners inside the cube"
    n, c = space._tie(W, b)
    assert np.allclose(face @ n + c, 0, atol=1e-9), "corners on the plane where the two scores tie"
    # a plane that misses the cube draws no face
    assert space._plane_faces(W, np.array([10.0, -10.0])) == []
    # three classes: each pair's piece only where that pair leads
    W3 = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    faces = space._plane_faces(W3, np.zeros(3))
    assert len(faces) == 3
    for (face, _, _), (i, j) in zip(faces, itertools.combinations(range(3), 2)):
        scores = face @ W3.T
        other = 3 - i - j
        assert np.all(scores[:, i] >= scores[:, other] - 1e-9) and np.allclose(scores[:, i], scores[:, j])


@pytest.mark.parametrize("K", range(2, style.MOST_CLASSES + 1))
def test_direction_bins_part_the_best_spaced_classes(K):
    """At every K, the best-spaced class directions (360°/K for tanh, 90°/(K - 1) across ReLU's quadrant) lie at
    least three bins apart: 45° bins put K = 5's tanh classes 1.6 bins apart."""
    for span, spacing in ((360, 360 / K), (90, 90 / (K - 1))):
        assert spacing / (span / spiral_data.DIRECTION_BINS) >= 3 - 1e-9, (K, span)
    assert 360 / spiral_data.DIRECTION_BINS * 3 % 45 == 0 and 90 / spiral_data.DIRECTION_BINS * 4 % 15 == 0, \
        "the axis ticks (every 45° and 15°) fall on bin edges"


def _boxes(labels, size=style.SIZE):
    """Each label's box on the screen, in px: (left, right, bottom, top), y up."""
    px = 2 * learning_graph.VIEW / size
    return [(label["lx"] / px, label["lx"] / px + len(label["digit"]) * learning_graph.CHAR_PX,
             label["ly"] / px - 7, label["ly"] / px + 7) for label in labels]


def test_digit_labels_of_a_chain_move_apart_and_stay_in_the_view():
    """Figure 32's chain held the tips of 2 and 8, 3 and 5 a few px apart, one under another: their labels overlapped."""
    tips = [(0.95, "7"), (0.92, "9"), (0.86, "4"), (0.7, "1"), (0.31, "5"), (0.26, "3"), (0.19, "2 8"), (-0.2, "6"),
            (-1.1, "0"), (-1.08, "x")]
    labels = learning_graph.placed_labels([{"x": 0.01 * i, "y": y, "r": 4.0, "digit": d}
                                           for i, (y, d) in enumerate(tips)])
    boxes = _boxes(labels)
    for (a, la), (b, lb) in itertools.combinations(zip(boxes, labels), 2):
        apart = a[1] <= b[0] or b[1] <= a[0] or abs(la["ly"] - lb["ly"]) * style.SIZE / (2 * learning_graph.VIEW) \
            >= learning_graph.LABEL_GAP - 0.1  # (positions are rounded to 1e-4 of the view)
        assert apart, f"{la['digit']!r} and {lb['digit']!r} overlap: {la}, {lb}"
    assert all(abs(label["ly"]) < learning_graph.VIEW for label in labels)
    # the order along the chain is kept, and a label with room stays level with its node
    assert [label["digit"] for label in sorted(labels, key=lambda l: -l["ly"])] == [d for _, d in sorted(tips, reverse=True)]
    assert next(label for label in labels if label["digit"] == "6")["ly"] == -0.2
    # a node's label starts right of its edge
    assert all(label["lx"] > label["x"] + 4.0 * 2 * learning_graph.VIEW / style.SIZE for label in labels)


def test_the_inset_says_how_much_larger_only_when_it_is():
    from generator.figures import motion
    assert motion._inset_label("the red disk", 8.2) == "around the red disk, 8× larger"
    assert motion._inset_label("the red disk", 1.1) == "around the red disk, at the same scale"
