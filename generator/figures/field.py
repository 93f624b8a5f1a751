"""Vector-field layers (O14): x -> x + F(x), a layer that pushes points along a smooth field.

field-arrows: one field as arrows over a window, with the grid it deforms (a trained layer, or fixed
bumps given in the directive, e.g. `bumps: -1,0,0.9,0.6; 2,1,-0.8,0.5`).
field-morph: a trained network of such layers as one continuous motion, p = x + t F(x) per layer.
"""
from __future__ import annotations

import numpy as np

from .. import frames
from . import boundary, encode, plane, style
from .motion import following_zoom, layer_expression, moving_frames
from .output import FigureOutput


def field_arrows(options, run, spec, claims) -> FigureOutput:
    alt = plane.alt
    if options["bumps"] is not None:
        table = np.array([[float(v) for v in bump.split(",")] for bump in options["bumps"].split(";")])
        if table.ndim != 2 or table.shape[1] != 4:
            raise ValueError("bumps: give 'x,y,vx,vy' for each bump, separated by ';'")
        anchors, vectors = table[:, :2], table[:, 2:]
        width = options["bump_width"]
        reach = float(options["window"] if options["window"] is not None else 3.0)
    else:
        if spec["model"]["kind"] != "vector-field":
            raise ValueError("field-arrows shows a vector-field network, or fixed 'bumps'")
        seed = frames.best_seed(run)
        anchors = run["anchors"].astype(np.float64)
        vectors = frames.field_layers(run, seed)[options["layer"] - 1]
        width = spec["model"]["bump_width"]
        reach = float(options["window"] if options["window"] is not None
                      else max(1.0, np.ceil(np.abs(run["X"]).max() * 4) / 4))
    move = lambda p: p + frames.field(p, vectors, anchors, width)
    lines = options["lines"]
    grid_xy, ids, border = frames.grid_lines(-reach, reach, lines=lines + 1, points=61)
    ticks = np.linspace(-reach, reach, 15)
    starts = np.stack(np.meshgrid(ticks, ticks), -1).reshape(-1, 2)
    push = frames.field(starts, vectors, anchors, width)
    arrows = [{"x": encode.rounded(starts[:, 0]), "y": encode.rounded(starts[:, 1]),
               "dx": encode.rounded(push[:, 0]), "dy": encode.rounded(push[:, 1])}]
    moved = move(grid_xy)
    parts = [(moved[~border], ids[~border], plane.GRID), (moved[border], ids[border], plane.BORDER)]
    lo, hi = -reach * 1.1, reach * 1.1
    x, y = plane.axes(lo, hi)
    arrow_data = alt.Data(url=encode.url("arrows.json"), format=alt.DataFormat(type="json"))
    shafts = alt.Chart(arrow_data).transform_flatten(["x", "y", "dx", "dy"]).transform_calculate(
        px="datum.x", py="datum.y", px2="datum.x + datum.dx", py2="datum.y + datum.dy",
        angle="90 - atan2(datum.dy, datum.dx) * 180 / PI")
    arrows_layer = alt.layer(
        shafts.mark_rule(color=style.CLASS_COLOURS[1], strokeWidth=1.2).encode(x=x, y=y, x2="px2:Q", y2="py2:Q"),
        shafts.mark_point(shape="triangle-up", filled=True, size=18, color=style.CLASS_COLOURS[1], opacity=1).encode(
            x=alt.X("px2:Q", scale=x.to_dict()["scale"]), y=alt.Y("py2:Q", scale=y.to_dict()["scale"]),
            angle=alt.Angle("angle:Q", scale=None)))
    # the grid holds no class points: the two-class colours are never drawn
    grid = plane.drawn(encode.url("grid.json"), lo, hi, classes=2, look=plane.Look(legend=False))
    chart = plane.sized(alt.layer(grid, arrows_layer))
    files = {"arrows.json": encode.json_file(arrows), "grid.json": encode.json_file(plane.pack(parts))}
    return FigureOutput(plane.spec(chart), files, {"max_push": float(np.linalg.norm(push, axis=1).max()),
                                                    "bumps": int(len(anchors))})


def field_morph(options, run, spec, claims) -> FigureOutput:
    alt = plane.alt
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    model = spec["model"]
    if model["kind"] != "vector-field":
        raise ValueError("field-morph needs a vector-field network")
    seed = frames.best_seed(run)
    reach = float(options["grid"] if options["grid"] is not None else max(1.0, np.ceil(np.abs(X).max() * 4) / 4))
    grid_xy, ids, border = frames.grid_lines(-reach, reach)
    reps = frames.field_forward(run, seed, np.concatenate([X, grid_xy]), model["bump_width"])
    n = len(X)
    rows = []
    for layer in range(len(reps) - 1):
        here, push = reps[layer], reps[layer + 1] - reps[layer]
        parts = plane.classes(here[:n], y, K) + [(here[n:][~border], ids[~border] + 10, plane.GRID),
                                                 (here[n:][border], ids[border] + 10, plane.BORDER)]
        pushes = np.concatenate([*(push[:n][y == c] for c in range(K)), push[n:][~border], push[n:][border]])
        rows.append({"layer": layer} | plane.pack(parts, extra={"dx": pushes[:, 0], "dy": pushes[:, 1]})[0])
    steps = options["frames_per_layer"]
    path = [(layer, t) for layer in range(len(reps) - 1)
            for t in np.linspace(0, 1, steps + 1)[(0 if layer == 0 else 1):]]
    drawn = [reps[layer] + t * (reps[layer + 1] - reps[layer]) for layer, t in path]
    zoom = following_zoom(drawn)
    frame_rows = [{"i": i, "L": layer, "t": round(float(t), 4), "z": round(float(z), 4),
                   "label": f"layer {layer + 1} of {len(reps) - 1}: x + t·F(x), t = {t:.2f} · window ±{z:.2f}"}
                  for i, ((layer, t), z) in enumerate(zip(path, zoom))]
    W_out, b_out = frames.layers(run, seed)[-1]
    frame_rows[-1] |= boundary.frame_fields(boundary.segments(W_out, b_out, -zoom[-1], zoom[-1]), zoom[-1], K)

    frame = alt.param(name="frame", value=0, bind=alt.binding_range(min=0, max=len(path) - 1, step=1, name="frame "))
    frames_data = alt.Data(url=encode.url("frames.json"), format=alt.DataFormat(type="json"))
    playing = layer_expression([layer for layer, _ in path])

    def moved(chart):
        # the frame's layer only: the other layers' points are filtered out before any per-frame work
        return (plane.unpack(chart, ("dx", "dy")).transform_filter(f"datum.layer == {playing}")
                .transform_calculate(fk="frame")
                .transform_lookup(lookup="fk", from_=alt.LookupData(data=frames_data, key="i", fields=["t", "z"]))
                .transform_calculate(px="(datum.x + datum.t * datum.dx) / datum.z",
                                     py="(datum.y + datum.t * datum.dy) / datum.z"))
    chart = moving_frames(frame, frames_data, moved, K)
    files = {"points.json": encode.json_file(rows), "frames.json": encode.json_file(frame_rows)}
    accuracy = float((frames.predict(run, seed, X, model) == y).mean())
    figure_claims = {"frames": len(path), "layers": len(reps) - 1, "shown_accuracy": accuracy} | _folds(run, seed, model, reach)
    return FigureOutput(plane.spec(chart), files, figure_claims, frames=len(path))


FOLD_MESH = 100  # cells along each side of the mesh whose vertices sample the drawn square for folds


def _folds(run, seed, model, reach) -> dict:
    """Where the trained layers fold the plane: the share of the drawn square (sampled at the vertices of a
    FOLD_MESH x FOLD_MESH mesh) that each layer turns inside out, measured where the square has arrived by then
    (folded_share_layer_N), the share the layers together leave inside out (folded_share: the sign of the
    product of the layers' determinants), and the same at the training points (folded_share_data); then, over
    every seed, the least of folded_share (seeds_folded_share_min) and the least share folded by at least one
    layer (seeds_folded_any_share_min: two folds over the same place leave it the right way round overall)."""
    anchors, width = run["anchors"].astype(np.float64), model["bump_width"]
    square = frames.mesh(-reach, reach, FOLD_MESH)

    def shares(s, points):
        arrived = frames.field_forward(run, s, points, width)  # where the points are as each layer meets them
        dets = [frames.field_jacobian_det(at, vectors, anchors, width)
                for at, vectors in zip(arrived, frames.field_layers(run, s))]
        orientation = np.prod([np.sign(det) for det in dets], axis=0)
        anywhere = np.logical_or.reduce([det < 0 for det in dets])
        return [float((det < 0).mean()) for det in dets], float((orientation < 0).mean()), float(anywhere.mean())

    every_seed = [shares(s, square) for s in range(len(run["seeds"]))]
    per_layer, overall, _ = every_seed[seed]
    claims = {f"folded_share_layer_{i + 1}": share for i, share in enumerate(per_layer)}
    return claims | {"folded_share": overall, "folded_share_data": shares(seed, run["X"].astype(np.float64))[1],
                     "seeds_folded_share_min": min(s[1] for s in every_seed),
                     "seeds_folded_any_share_min": min(s[2] for s in every_seed)}
