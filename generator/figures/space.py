"""A rotatable 3-D view (O10, O12): the reader turns it with two sliders; Vega expressions project it.

Shows either a 3-D input (space: input) or the last hidden layer when it has 3 units (space: hidden),
with the output's separating plane drawn as a grid inside the cube [-1, 1]^3 (for K classes, each pair's plane where
that pair leads the others). A box around the data, with its
three axes named at their ends, shows how the view is turned; points further away are drawn first, smaller and
fainter (the depth cue); the window holds the box's bounding sphere, so nothing is clipped at any turn.
"""
from __future__ import annotations

import itertools

import numpy as np

from .. import frames
from . import boundary, encode, plane
from .output import FigureOutput
from .training import base_parts

# Turn by azimuth about the vertical axis, then tilt by elevation; the screen shows (x', z').
PROJECT_X = "cos(az * PI / 180) * datum.x - sin(az * PI / 180) * datum.y"
PROJECT_Y = ("cos(el * PI / 180) * datum.z - sin(el * PI / 180) * "
             "(sin(az * PI / 180) * datum.x + cos(az * PI / 180) * datum.y)")
# The third rotated coordinate, towards the reader: (px, py, near) is a rotation of (x, y, z), never a mirror.
PROJECT_NEAR = ("-(sin(el * PI / 180) * datum.z + cos(el * PI / 180) * "
                "(sin(az * PI / 180) * datum.x + cos(az * PI / 180) * datum.y))")
BOX, AXIS, LABEL = 7, 8, 9   # kinds (plane's k) of the box's edges, its three axes and their names


def rotatable_3d(options, run, spec, claims) -> FigureOutput:
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    activation = spec["model"]["activation"]
    params = frames.layers(run, frames.best_seed(run))
    space = options["space"]
    if space == "input":
        if X.shape[1] != 3:
            raise ValueError("space: input needs 3-D data")
        parts = plane.classes(X, y, K)
        points, head = X, params
    else:
        if len(params) < 2 or params[-2][0].shape[0] != 3:
            raise ValueError("space: hidden needs a last hidden layer of 3 units")
        parts = plane.classes(X, y, K) if X.shape[1] == 3 else base_parts(options, X, y, K)
        through = lambda p: frames.forward(params[:-1], p, activation, logits=False)[-1]
        parts = [(through(xy), g, k) for xy, g, k in parts]
        points, head = through(X), params[-1:]
    drawn = parts + _plane_grid(*head[0]) if len(head) == 1 and head[0][0].shape[1] == 3 else parts
    half = float(np.abs(np.concatenate([p[0] for p in parts])).max()) * 1.05
    frame_parts = _box(half)
    rows = [_pack3(frame_parts + drawn)]
    accuracy = float((frames.forward(head, points, activation)[-1].argmax(1) == y).mean())
    # every point drawn (box corners, axis names included) lies within this radius, whichever way it is turned
    radius = float(np.linalg.norm(np.concatenate([p[0] for p in frame_parts + drawn]), axis=1).max())
    names = ("h₁", "h₂", "h₃") if space == "hidden" else ("x₁", "x₂", "x₃")
    chart = _chart(radius * 1.04, K, names=names, depth=half)
    return FigureOutput(plane.spec(chart), {"points.json": encode.json_file(rows)},
                        {"shown_accuracy": accuracy, "space": space})


def _pack3(parts):
    xyz = np.concatenate([p[0] for p in parts])
    g = np.concatenate([p[1] for p in parts])
    k = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    return {"x": encode.rounded(xyz[:, 0]), "y": encode.rounded(xyz[:, 1]), "z": encode.rounded(xyz[:, 2]),
            "g": g.astype(int).tolist(), "k": k.astype(int).tolist()}


def _box(half: float):
    """The cube [-half, half]^3 as 12 edges (lines 1..12), its three axes from the corner (-half, -half, -half)
    along x, y and z (lines 20..22), and a point past each axis's end where its name is written (g = 0, 1, 2)."""
    corners = np.array([[i, j, k] for i in (-1, 1) for j in (-1, 1) for k in (-1, 1)], float) * half
    edges = [(a, b) for a in range(8) for b in range(a + 1, 8) if np.sum(corners[a] != corners[b]) == 1]
    parts = [(corners[[a, b]], np.full(2, 1 + n), BOX) for n, (a, b) in enumerate(edges)]
    origin = corners[0]
    for axis in range(3):
        tip = origin.copy()
        tip[axis] = half
        parts.append((np.stack([origin, tip]), np.full(2, 20 + axis), AXIS))
        name_at = tip.copy()
        name_at[axis] = half * 1.22
        parts.append((name_at[None], np.full(1, axis), LABEL))
    return parts


def _plane_grid(W_out, b_out, lines: int = 9, reach: float = 1.0):
    """Grid lines on the planes where two output scores tie, kept inside the cube [-reach, reach]^3: for two
    classes their one plane; for more, each pair's plane where that pair scores above every other class."""
    parts, line_id = [], 5000
    for i, j in itertools.combinations(range(len(W_out)), 2):
        w, c = W_out[j] - W_out[i], b_out[j] - b_out[i]
        n = w / np.linalg.norm(w)
        origin = -c * w / (w @ w)
        u = np.cross(n, [1.0, 0.0, 0.0] if abs(n[0]) < 0.9 else [0.0, 1.0, 0.0])
        u /= np.linalg.norm(u)
        v = np.cross(n, u)
        span = np.linspace(-2 * reach, 2 * reach, 81)
        for a in np.linspace(-2 * reach, 2 * reach, lines * 2 + 1):
            for d1, d2 in ((u, v), (v, u)):
                pts = origin + a * d1 + span[:, None] * d2
                inside = np.all(np.abs(pts) <= reach, axis=1) & boundary.leads(W_out, b_out, (i, j), pts)
                # split into runs of consecutive inside points, one line each
                edges = np.flatnonzero(np.diff(np.concatenate([[0], inside.astype(int), [0]])))
                for start, stop in zip(edges[::2], edges[1::2]):
                    if stop - start >= 2:
                        parts.append((pts[start:stop], np.full(stop - start, line_id), plane.BOUNDARY))
                        line_id += 1
    return parts


def _chart(half: float, classes: int, names=("x₁", "x₂", "x₃"), depth: float | None = None):
    """The turned view of K classes in the window [-half, half]^2; the depth cue spans nearness -depth..depth (the
    box's half-width: the data's own spread), clamped beyond."""
    alt = plane.alt
    az = alt.param(name="az", value=30, bind=alt.binding_range(min=0, max=360, step=1, name="turn "))
    el = alt.param(name="el", value=20, bind=alt.binding_range(min=-90, max=90, step=1, name="tilt "))
    base = alt.Chart()
    scale = alt.Scale(domain=[-half, half], nice=False, zero=False)
    x, yy = alt.X("px:Q", scale=scale, axis=None), alt.Y("py:Q", scale=scale, axis=None)
    box = base.transform_filter(f"datum.k == {BOX}").mark_line(
        **plane.IN_DATA_ORDER, color="#999", strokeWidth=0.8, opacity=0.8).encode(x=x, y=yy, detail="g:N")
    axes = base.transform_filter(f"datum.k == {AXIS}").mark_line(
        **plane.IN_DATA_ORDER, color="#555", strokeWidth=1.4).encode(x=x, y=yy, detail="g:N")
    labels = base.transform_filter(f"datum.k == {LABEL}").transform_calculate(
        name=f"{list(names)!r}[datum.g]").mark_text(fontSize=12, color="#333", fontStyle="italic").encode(
        x=x, y=yy, text="name:N")
    sep = base.transform_filter(f"datum.k == {plane.BOUNDARY}").mark_line(
        **plane.IN_DATA_ORDER, color="#222", strokeWidth=0.8, opacity=0.7).encode(x=x, y=yy, detail="g:N")
    curves = base.transform_filter(f"datum.k >= {plane.CURVE_A} && datum.k <= {plane.CURVE_B} || "
                                   f"datum.k == {plane.GRID}").mark_line(
        **plane.IN_DATA_ORDER, strokeWidth=1.2).encode(x=x, y=yy, detail="g:N", color=plane.kind_colour(classes))
    # the depth cue: far points first (order by nearness), smaller and fainter; near ones larger, opaque
    reach = depth or half

    def cue(lo, hi):
        return alt.Scale(domain=[-reach, reach], range=[lo, hi], zero=False, nice=False, clamp=True)
    points = base.transform_filter(plane.class_filter(classes)).mark_circle().encode(
        x=x, y=yy, color=plane.kind_colour(classes), order=alt.Order("near:Q", sort="ascending"),
        size=alt.Size("near:Q", scale=cue(4, 30), legend=None),
        opacity=alt.Opacity("near:Q", scale=cue(0.3, 1.0), legend=None))
    shown = (alt.layer(box, sep, curves, points, axes, labels,
                       data=alt.Data(url=encode.url("points.json"), format=alt.DataFormat(type="json")))
             .transform_flatten(["x", "y", "z", "g", "k"])
             .transform_calculate(px=PROJECT_X, py=PROJECT_Y, near=PROJECT_NEAR))  # on the parent: once per turn
    return plane.sized(shown.add_params(az, el))
