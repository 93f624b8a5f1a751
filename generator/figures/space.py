"""A rotatable 3-D view (O10, O12): the reader turns it by dragging it, or with two sliders; Vega expressions
project it.

Shows either a 3-D input (space: input) or the last hidden layer when it has 3 units (space: hidden),
with the output's separating plane drawn as a translucent face with a dark outline and a sparse grid inside the cube
[-1, 1]^3 (for K classes, each pair's piece of plane where that pair leads the others). A box around the data, with
its three axes named at their ends, shows how the view is turned. The depth cue: points and the sheet's lines
(drawn as short segments) further away are drawn first, smaller or thinner and fainter; with two classes, whatever
lies behind the plane, seen from where the reader looks, is drawn before its face and shows through it dimmed, what
lies in front is drawn over it. The window holds the box's bounding sphere, so nothing is clipped at any turn.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .. import frames
from . import boundary, encode, plane, turn
from .output import FigureOutput
from .training import base_parts



def project(x: str = "datum.x", y: str = "datum.y", z: str = "datum.z") -> tuple[str, str, str]:
    """(px, py, near) of a point: turned by azimuth about the vertical axis, then tilted by elevation; the screen
    shows (x', z'), and near is the third rotated coordinate, towards the reader ((px, py, near) is a rotation of
    (x, y, z), never a mirror)."""
    az, el = "az * PI / 180", "el * PI / 180"
    return (f"cos({az}) * {x} - sin({az}) * {y}",
            f"cos({el}) * {z} - sin({el}) * (sin({az}) * {x} + cos({az}) * {y})",
            f"-(sin({el}) * {z} + cos({el}) * (sin({az}) * {x} + cos({az}) * {y}))")


PROJECT_X, PROJECT_Y, PROJECT_NEAR = project()
# The direction towards the reader, whose dot product with a point is its nearness (PROJECT_NEAR)
TOWARDS_READER = ("-cos(el * PI / 180) * sin(az * PI / 180)", "-cos(el * PI / 180) * cos(az * PI / 180)",
                  "-sin(el * PI / 180)")
BOX, AXIS, LABEL = 7, 8, 9   # kinds (plane's k) of the box's edges, its three axes and their names
FACE = 11   # k of the outline of the separating plane's face (filled): free between class B's 1 and class C's 12
SHEET = (plane.GRID, plane.BORDER, plane.CURVE_A, plane.CURVE_B)   # the sheet's lines, drawn as segments
PLANE_INK = "#333333"   # the face's fill (faint) and grid; its outline is darker (the dark theme swaps both)


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
    separates = len(head) == 1 and head[0][0].shape[1] == 3
    drawn = parts + _plane_grid(*head[0]) + _plane_faces(*head[0]) if separates else parts
    half = float(np.abs(np.concatenate([p[0] for p in parts])).max()) * 1.05
    frame_parts = _box(half)
    rows = [_pack3(frame_parts + drawn)]
    accuracy = float((frames.forward(head, points, activation)[-1].argmax(1) == y).mean())
    # every point drawn (box corners, axis names included) lies within this radius, whichever way it is turned
    radius = float(np.linalg.norm(np.concatenate([p[0] for p in frame_parts + drawn]), axis=1).max())
    names = ("h₁", "h₂", "h₃") if space == "hidden" else ("x₁", "x₂", "x₃")
    kinds = {k for _, _, k in parts}
    chart = _chart(View(radius * 1.04, K, names=names, depth=half, tie=_tie(*head[0]) if separates and K == 2 else None,
                        sheet=bool(kinds & set(SHEET)), dots=bool(kinds & {plane.class_kind(c) for c in range(K)})))
    spec = plane.spec(chart)
    spec["usermeta"] = spec.get("usermeta", {}) | turn.usermeta("az", "el")
    return FigureOutput(spec, {"points.json": encode.json_file(rows)}, {"shown_accuracy": accuracy, "space": space})


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


def _tie(W_out, b_out) -> tuple[np.ndarray, float]:
    """Two classes' separating plane as (n, c), n a unit normal: n . p + c is a point's signed distance from it."""
    w, c = W_out[1] - W_out[0], b_out[1] - b_out[0]
    length = float(np.linalg.norm(w))
    return w / length, float(c) / length


def _clipped(polygon: np.ndarray, a: np.ndarray, d: float) -> np.ndarray:
    """The part of a convex polygon (M, 3) where a . p + d >= 0 (one step of Sutherland and Hodgman's clipping)."""
    out = []
    for p, q in zip(polygon, np.roll(polygon, -1, axis=0)):
        fp, fq = float(a @ p + d), float(a @ q + d)
        if fp >= 0:
            out.append(p)
        if (fp >= 0) != (fq >= 0):
            out.append(p + (q - p) * fp / (fp - fq))
    return np.array(out).reshape(-1, 3)


def _plane_faces(W_out, b_out, reach: float = 1.0):
    """Each pair's piece of the plane where their two scores tie, inside the cube [-reach, reach]^3 and where that
    pair scores at least as high as every other class: a convex polygon, closed (its first corner repeated), one
    line (g from 6000) of kind FACE each."""
    parts = []
    for n, (i, j) in enumerate(itertools.combinations(range(len(W_out)), 2)):
        origin, u, v = _tie_plane(W_out, b_out, i, j)
        # a square in the plane around the point nearest the centre: it covers the cube's section (within
        # sqrt(3) * reach of that point)
        face = origin + 2 * reach * np.array([u + v, v - u, -u - v, u - v])
        for axis in range(3):
            for sign in (1.0, -1.0):
                face = _clipped(face, -sign * np.eye(3)[axis], reach)
        for other in set(range(len(W_out))) - {i, j}:
            face = _clipped(face, W_out[i] - W_out[other], float(b_out[i] - b_out[other]))
        if len(face) >= 3:
            closed = np.vstack([face, face[:1]])
            parts.append((closed, np.full(len(closed), 6000 + n), FACE))
    return parts


def _tie_plane(W_out, b_out, i: int, j: int):
    """The plane where classes i and j score alike: its point nearest the origin and two unit vectors along it."""
    w, c = W_out[j] - W_out[i], b_out[j] - b_out[i]
    n = w / np.linalg.norm(w)
    u = np.cross(n, [1.0, 0.0, 0.0] if abs(n[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    return -c * w / (w @ w), u, np.cross(n, u)


def _plane_grid(W_out, b_out, lines: int = 4, reach: float = 1.0):
    """Grid lines on the planes where two output scores tie, kept inside the cube [-reach, reach]^3: for two
    classes their one plane; for more, each pair's plane where that pair scores above every other class."""
    parts, line_id = [], 5000
    for i, j in itertools.combinations(range(len(W_out)), 2):
        origin, u, v = _tie_plane(W_out, b_out, i, j)
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


@dataclass(frozen=True)
class View:
    """What a turned view draws: K classes in the window [-half, half]^2; the depth cue spans nearness -depth..depth
    (the box's half-width: the data's own spread), clamped beyond. tie: two classes' plane (n, c), whose face parts
    what lies behind it from what lies in front; sheet: the data has lines (circles, a grid) to draw as segments;
    dots: it has class points."""
    half: float
    classes: int
    names: tuple = ("x₁", "x₂", "x₃")
    depth: float | None = None
    tie: tuple | None = None
    sheet: bool = False
    dots: bool = True


def _chart(view: View):
    """The view, turned by the sliders `az` and `el` (and by dragging, figures/turn.py)."""
    alt = plane.alt
    az = alt.param(name="az", value=30, bind=alt.binding_range(min=0, max=360, step=1, name="turn "))
    el = alt.param(name="el", value=20, bind=alt.binding_range(min=-90, max=90, step=1, name="tilt "))
    params = [az, el]
    marks = _Marks(view)
    box, axes, labels, face, grid = marks.frame()
    if view.tie is not None:
        # seen from the reader, a point lies behind the plane when the plane crosses the way from it to the reader
        n, c = (round(float(v), 5) for v in view.tie[0]), round(view.tie[1], 5)
        params.append(alt.param(name="facing", expr=" + ".join(f"{k} * {t}" for k, t in zip(n, TOWARDS_READER))))
        behind = "datum.side * facing < 0"
        layers = [box, axes, *marks.drawn(behind, "behind"), face, grid, *marks.drawn(f"!({behind})", "front"), labels]
    else:
        layers = [box, axes, face, grid, *marks.drawn(None, "front"), labels]
    shown = alt.layer(*layers, data=alt.Data(url=encode.url("points.json"), format=alt.DataFormat(type="json")))
    return plane.sized(_turned(shown.transform_flatten(["x", "y", "z", "g", "k"]), view).add_params(*params))


def _turned(shown, view: View):
    """The transforms that place every row as the view is turned. On the parent, they run once per turn for every
    layer; those that read no angle run once."""
    if view.sheet:  # each line's next point: its segment's far end
        shown = shown.transform_window(qx0="lead(x)", qy0="lead(y)", qz0="lead(z)", groupby=["g", "k"])
    once = {"class": plane.CLASS_NAME}
    if view.tie is not None:
        (n1, n2, n3), c = (round(float(v), 5) for v in view.tie[0]), round(view.tie[1], 5)
        once["side"] = f"{n1} * datum.x + {n2} * datum.y + {n3} * datum.z + {c}"
    shown = shown.transform_calculate(**once)
    turned = dict(px=PROJECT_X, py=PROJECT_Y, near=PROJECT_NEAR)   # (one calculate each, in this order)
    if view.sheet:  # the segment's far end, and its middle's nearness
        qx, qy, qnear = project("datum.qx0", "datum.qy0", "datum.qz0")
        turned |= dict(qx=f"datum.qx0 == null ? null : {qx}", qy=qy, mid=f"(datum.near + ({qnear})) / 2")
    return shown.transform_calculate(**turned)


class _Marks:
    """The marks of a turned view, all on the projected position (px, py)."""

    def __init__(self, view: View):
        alt = plane.alt
        self.view, self.base = view, alt.Chart()
        scale = alt.Scale(domain=[-view.half, view.half], nice=False, zero=False)
        self.x, self.y = alt.X("px:Q", scale=scale, axis=None), alt.Y("py:Q", scale=scale, axis=None)

    def frame(self) -> list:
        """Box, axes, axis names, and the separating plane: a faint face, a sparse grid that shows how it is turned,
        and a dark outline. The frame is what the view is turned in, not data (no text for the figure's data panel)."""
        base, x, yy = self.base, self.x, self.y
        frame = dict(**plane.IN_DATA_ORDER, aria=False)
        box = base.transform_filter(f"datum.k == {BOX}").mark_line(
            **frame, color="#999", strokeWidth=0.8, opacity=0.8).encode(x=x, y=yy, detail="g:N")
        axes = base.transform_filter(f"datum.k == {AXIS}").mark_line(
            **frame, color="#555", strokeWidth=1.4).encode(x=x, y=yy, detail="g:N")
        labels = base.transform_filter(f"datum.k == {LABEL}").transform_calculate(
            name=f"{list(self.view.names)!r}[datum.g]").mark_text(fontSize=12, color="#333", fontStyle="italic").encode(
            x=x, y=yy, text="name:N")
        face = base.transform_filter(f"datum.k == {FACE}").mark_line(
            **frame, fill=PLANE_INK, fillOpacity=0.18, stroke="#111111", strokeWidth=1.6, strokeJoin="round").encode(
            x=x, y=yy, detail="g:N").properties(name="plane_face")
        grid = base.transform_filter(f"datum.k == {plane.BOUNDARY}").mark_line(
            **frame, color=PLANE_INK, strokeWidth=0.7, opacity=0.45).encode(x=x, y=yy, detail="g:N")
        return [box, axes, labels, face, grid]

    def cue(self, lo, hi):
        """The depth cue: far first (order by nearness), smaller or thinner and fainter; near ones larger, opaque."""
        reach = self.view.depth or self.view.half
        return plane.alt.Scale(domain=[-reach, reach], range=[lo, hi], zero=False, nice=False, clamp=True)

    def segments(self, where: str | None, name: str):
        alt = plane.alt
        chart = self.base.transform_filter(" || ".join(f"datum.k == {k}" for k in SHEET)).transform_filter(
            "datum.qx != null")
        chart = chart.transform_filter(where) if where else chart
        return chart.mark_rule(strokeCap="butt", aria=False).encode(
            x=self.x, y=self.y, x2="qx:Q", y2="qy:Q", color=plane.kind_colour(self.view.classes),
            order=alt.Order("mid:Q", sort="ascending"), size=alt.Size("mid:Q", scale=self.cue(0.6, 2.4), legend=None),
            opacity=alt.Opacity("mid:Q", scale=self.cue(0.25, 1.0), legend=None)).properties(name=name)

    def points(self, where: str | None, name: str):
        alt = plane.alt
        chart = self.base.transform_filter(plane.class_filter(self.view.classes))
        chart = chart.transform_filter(where) if where else chart
        return chart.mark_circle().encode(
            x=self.x, y=self.y, color=plane.kind_colour(self.view.classes), order=alt.Order("near:Q", sort="ascending"),
            size=alt.Size("near:Q", scale=self.cue(4, 30), legend=None),
            opacity=alt.Opacity("near:Q", scale=self.cue(0.3, 1.0), legend=None),
            tooltip=[alt.Tooltip("class:N")] + [alt.Tooltip(f"{axis}:Q", title=label, format=".2f")
                                                for axis, label in zip("xyz", self.view.names)]).properties(name=name)

    def drawn(self, where: str | None, side: str) -> list:
        return (([self.segments(where, f"sheet_{side}")] if self.view.sheet else [])
                + ([self.points(where, f"points_{side}")] if self.view.dots else []))
