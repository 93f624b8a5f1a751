"""A rotatable 3-D view (O10, O12): the reader turns it with two sliders; Vega expressions project it.

Shows either a 3-D input (space: input) or the last hidden layer when it has 3 units (space: hidden),
with the output's separating plane drawn as a grid inside the cube [-1, 1]^3.
"""
from __future__ import annotations

import numpy as np

from .. import frames
from . import encode, plane
from .output import FigureOutput
from .training import base_parts

# Turn by azimuth about the vertical axis, then tilt by elevation; the screen shows (x', z').
PROJECT_X = "cos(az * PI / 180) * datum.x - sin(az * PI / 180) * datum.y"
PROJECT_Y = ("cos(el * PI / 180) * datum.z - sin(el * PI / 180) * "
             "(sin(az * PI / 180) * datum.x + cos(az * PI / 180) * datum.y)")


def rotatable_3d(options, run, spec, claims) -> FigureOutput:
    X, y = run["X"], run["y"]
    activation = spec["model"]["activation"]
    params = frames.layers(run, frames.best_seed(run))
    space = options["space"]
    if space == "input":
        if X.shape[1] != 3:
            raise ValueError("space: input needs 3-D data")
        parts = plane.classes(X, y)
        points, head = X, params
    else:
        if len(params) < 2 or params[-2][0].shape[0] != 3:
            raise ValueError("space: hidden needs a last hidden layer of 3 units")
        parts = plane.classes(X, y) if X.shape[1] == 3 else base_parts(options, X, y)
        through = lambda p: frames.forward(params[:-1], p, activation, logits=False)[-1]
        parts = [(through(xy), g, k) for xy, g, k in parts]
        points, head = through(X), params[-1:]
    rows = [_pack3(parts + _plane_grid(*head[0]) if len(head) == 1 and head[0][0].shape[1] == 3 else parts)]
    accuracy = float((frames.forward(head, points, activation)[-1].argmax(1) == y).mean())
    half = float(np.abs(np.concatenate([p[0] for p in parts])).max()) * 1.05
    chart = _chart(half)
    return FigureOutput(plane.spec(chart), {"points.json": encode.json_file(rows)},
                        {"shown_accuracy": accuracy, "space": space})


def _pack3(parts):
    xyz = np.concatenate([p[0] for p in parts])
    g = np.concatenate([p[1] for p in parts])
    k = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    return {"x": encode.rounded(xyz[:, 0]), "y": encode.rounded(xyz[:, 1]), "z": encode.rounded(xyz[:, 2]),
            "g": g.astype(int).tolist(), "k": k.astype(int).tolist()}


def _plane_grid(W_out, b_out, lines: int = 9, reach: float = 1.0):
    """Grid lines on the plane where the two output scores tie, kept inside the cube [-reach, reach]^3."""
    w, c = W_out[1] - W_out[0], b_out[1] - b_out[0]
    n = w / np.linalg.norm(w)
    origin = -c * w / (w @ w)
    u = np.cross(n, [1.0, 0.0, 0.0] if abs(n[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(n, u)
    span = np.linspace(-2 * reach, 2 * reach, 81)
    parts, line_id = [], 5000
    for a in np.linspace(-2 * reach, 2 * reach, lines * 2 + 1):
        for d1, d2 in ((u, v), (v, u)):
            pts = origin + a * d1 + span[:, None] * d2
            inside = np.all(np.abs(pts) <= reach, axis=1)
            # split into runs of consecutive inside points, one line each
            edges = np.flatnonzero(np.diff(np.concatenate([[0], inside.astype(int), [0]])))
            for start, stop in zip(edges[::2], edges[1::2]):
                if stop - start >= 2:
                    parts.append((pts[start:stop], np.full(stop - start, line_id), plane.BOUNDARY))
                    line_id += 1
    return parts


def _chart(half: float):
    alt = plane.alt
    az = alt.param(name="az", value=30, bind=alt.binding_range(min=0, max=360, step=1, name="turn "))
    el = alt.param(name="el", value=20, bind=alt.binding_range(min=-90, max=90, step=1, name="tilt "))
    base = alt.Chart()
    scale = alt.Scale(domain=[-half * 1.45, half * 1.45], nice=False, zero=False)
    x, yy = alt.X("px:Q", scale=scale, axis=None), alt.Y("py:Q", scale=scale, axis=None)
    sep = base.transform_filter(f"datum.k == {plane.BOUNDARY}").mark_line(
        **plane.IN_DATA_ORDER, color="#222", strokeWidth=0.8, opacity=0.7).encode(x=x, y=yy, detail="g:N")
    curves = base.transform_filter(f"datum.k >= {plane.CURVE_A} || datum.k == {plane.GRID}").mark_line(
        **plane.IN_DATA_ORDER, strokeWidth=1.2).encode(x=x, y=yy, detail="g:N", color=plane.kind_colour())
    points = base.transform_filter(f"datum.k <= {plane.CLASS_B}").mark_circle(size=12, opacity=0.8).encode(
        x=x, y=yy, color=plane.kind_colour())
    shown = (alt.layer(sep, curves, points, data=alt.Data(url=encode.url("points.json"), format=alt.DataFormat(type="json")))
             .transform_flatten(["x", "y", "z", "g", "k"])
             .transform_calculate(px=PROJECT_X, py=PROJECT_Y))  # on the parent: computed once per turn
    return plane.sized(shown.add_params(az, el))
