"""A hidden layer through training (O9, O11): the input drawn through the layer at every snapshot, with
the output's decision line moving along. The page computes positions from each snapshot's W and b.

2-D inputs are drawn as concentric circles of radius k/20 (coloured as in the original: k = 1..6 red,
7..13 grey, 14..19 blue, 20.. grey) or as the warped grid with the data; 1-D inputs as the input line.
"""
from __future__ import annotations

import numpy as np

from .. import frames
from . import boundary, encode, plane
from .morph import moving_chart
from .motion import following_inset, inset_fields
from .output import FigureOutput

CIRCLE_BANDS = [(range(1, 7), plane.CURVE_A), (range(7, 14), plane.GRID), (range(14, 20), plane.CURVE_B)]


def training_motion(options, run, spec, claims) -> FigureOutput:
    """`inset`: a second panel follows class A (red: the disk, the middle of the line) frame by frame, where the
    layer squeezes it into a corner of the square (the disk through training: a red L two pixels wide there)."""
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    activation = spec["model"]["activation"]
    seed = frames.best_seed(run)
    first = frames.layers(run, seed)[0][0]
    if first.shape[0] != 2 or len(frames.layers(run, seed)) != 2:
        raise ValueError("training-motion needs one hidden layer of 2 units")
    parts = base_parts(options, X, y, K)
    snapshots = run["snapshot_steps"]
    rows, accuracy = [], []
    zoom = 1.05
    if options["inset"]:
        followed = np.concatenate([xy for xy, _, kind in parts if kind in (plane.CLASS_A, plane.CURVE_A)])
        windows = following_inset([hidden(frames.layers(run, seed, i)[0], followed, activation)
                                   for i in range(len(snapshots))], zoom)
    for i, step in enumerate(snapshots):
        (W, b), (W_out, b_out) = frames.layers(run, seed, i)
        M = W if W.shape[1] == 2 else np.hstack([W, np.zeros((2, 1))])  # 1-D input drawn as (x, 0)
        accuracy.append(float((frames.forward(frames.layers(run, seed, i), X, activation)[-1].argmax(1) == y).mean()))
        row = {"i": i, "L": 0, "a": M[0, 0], "b": M[0, 1], "c": M[1, 0], "d": M[1, 1], "e": b[0], "f": b[1], "s": 1,
               "z": zoom, "label": f"step {int(step):,} of {int(snapshots[-1]):,} · accuracy {accuracy[-1]:.1%}"}
        row = {k: round(float(v), 5) if not isinstance(v, str) else v for k, v in row.items()}
        rows.append(row | boundary.frame_fields(boundary.segments(W_out, b_out, -zoom, zoom), zoom, K))
        if options["inset"]:
            rows[-1] |= inset_fields(windows[i], W_out, b_out, K, zoom,
                                     "the red disk" if options["circles"] and X.shape[1] == 2 else "the red")
    files = {"points.json": encode.json_file([{"layer": 0} | plane.pack(parts)[0]]),
             "frames.json": encode.json_file(rows)}
    accuracy = np.array(accuracy)
    claims_out = {"frames": len(rows), "final_accuracy": float(accuracy[-1]), "start_accuracy": float(accuracy[0]),
                  "best_snapshot_accuracy": float(accuracy.max())}
    chart = moving_chart(len(rows), activation, K, inset=options["inset"])
    return FigureOutput(plane.spec(chart), files, claims_out, frames=len(rows))


def hidden(layer, xy: np.ndarray, activation: str) -> np.ndarray:
    """Where the layer (W, b) puts input points (a 1-D input's points are (x, 0): its x alone enters)."""
    W, b = layer
    return frames.forward([(W, b)], xy[:, :W.shape[1]], activation, logits=False)[-1]


def base_parts(options, X, y, classes: int):
    """(xy, line id, kind) parts in the input plane, the points of K classes; 1-D inputs become points (x, 0)."""
    if X.shape[1] == 1:
        line = np.linspace(-1.0, 1.0, 201)
        return plane.classes(np.stack([X[:, 0], np.zeros(len(X))], 1), y, classes) + [
            (np.stack([line, np.zeros_like(line)], 1), np.full(201, 9), plane.GRID)]
    if options["circles"]:
        angles = np.linspace(0, 2 * np.pi, 73)
        parts = []
        for k in range(1, options["circle_count"] + 1):
            kind = next((code for band, code in CIRCLE_BANDS if k in band), plane.GRID)
            circle = np.stack([np.cos(angles), np.sin(angles)], 1) * k / 20
            parts.append((circle, np.full(len(angles), 100 + k), kind))
        return parts
    grid_xy, ids, border = frames.grid_lines(-1.0, 1.0)
    return plane.classes(X, y, classes) + [(grid_xy[~border], ids[~border] + 10, plane.GRID),
                                  (grid_xy[border], ids[border] + 10, plane.BORDER)]
