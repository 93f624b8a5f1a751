"""Layers shared by every figure drawn in a plane: region image, warped grid, border, classes, boundary.

Points travel packed: one row {"x": [...], "y": [...], "g": [...], "k": [...]} per file, unpacked with
flatten. k says what a point is: 0 class A, 1 class B, 2 grid line, 3 border, 4 decision boundary,
5 and 6 a curve drawn in class A's or class B's colour (e.g. the circles of the disk and the ring), and from
class C on 12, 13, ... (class_kind); g numbers the line a point belongs to. The classes' colours and names are
style.class_colours and style.class_labels of the run's K (class_count).
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np

from . import encode, style

CLASS_A, CLASS_B, GRID, BORDER, BOUNDARY, CURVE_A, CURVE_B = 0, 1, 2, 3, 4, 5, 6
# Vega-Lite sorts a line's points by x unless the line mark's `order` is null (keep the data's order); numbering
# the points with a window transform instead would cost a pass over every point per frame. (The mark property is
# valid Vega-Lite and compiles to the same Vega as the encoding `order: {"value": null}`, which the schema rejects.)
IN_DATA_ORDER = {"order": None}   # mark properties: mark_line(**IN_DATA_ORDER, ...)
# k of class C and after: 10 + the class (12, 13, ...), past the kinds above and space.py's box (7..9), so that a
# two-class figure's files and specs stay as they were drawn before there were more classes
MORE_CLASSES = 10


def class_kind(c: int) -> int:
    """k of class c's points (0 = class A)."""
    return c if c <= CLASS_B else MORE_CLASSES + c


def class_filter(classes: int) -> str:
    """A Vega filter keeping the class points of a figure of K classes."""
    two = f"datum.k <= {CLASS_B}"
    return two if classes <= 2 else f"{two} || datum.k >= {class_kind(2)}"


def class_count(run: dict) -> int:
    """K, the classes the run's network tells apart: the width of its output layer (the last b)."""
    return int(run[f"b{sum(1 for name in run if name.startswith('W')) - 1}"].shape[-1])


def kind_colour(classes: int, legend: bool = False) -> alt.Color:
    """Colour by k, for a figure of K classes. Every layer of a chart must use this one scale: Vega-Lite merges the
    colour scales of layers, so two layers with different domains would recolour each other's classes."""
    kinds = [class_kind(c) for c in range(classes)]
    colours = style.class_colours(classes)
    scale = alt.Scale(domain=[*kinds, GRID, CURVE_A, CURVE_B], range=[*colours, style.GRID_COLOUR, *colours[:2]])
    if not legend:
        return alt.Color("k:N", scale=scale, legend=None)
    labels = style.class_labels(classes)
    named = f"'{labels[-1]}'"
    for kind, label in zip(reversed(kinds[:-1]), reversed(labels[:-1])):
        named = f"datum.label == '{kind}' ? '{label}' : {named}"
    return alt.Color("k:N", scale=scale, legend=alt.Legend(
        title=None, orient="bottom", values=kinds, symbolOpacity=1, labelExpr=named))


def spec(chart) -> dict:
    """The chart's Vega-Lite spec."""
    return chart.to_dict()


BREAK = -1   # g of a break between two lines of one kind: x and y null, so a line mark lifts its pen there
LINES = (GRID, BORDER, BOUNDARY, CURVE_A, CURVE_B)   # kinds drawn as one path each (classes: a line per class)


def pack(parts: list[tuple[np.ndarray, np.ndarray, int]], extra: dict[str, np.ndarray] | None = None) -> list[dict]:
    """[(xy (M, 2), line ids (M,), kind)] -> one packed row; `extra`: more numbers per point (e.g. a push dx), in
    the same order. Within a kind of LINES, a break row (g = BREAK, x, y and extras null) sits between two lines,
    so each kind draws as one path instead of a path per line (drawn())."""
    xy = np.concatenate([p[0] for p in parts])
    g = np.concatenate([p[1] for p in parts]).astype(int)
    k = np.concatenate([np.full(len(p[0]), p[2]) for p in parts]).astype(int)
    columns = {"x": encode.rounded(xy[:, 0]), "y": encode.rounded(xy[:, 1])}
    columns |= {name: encode.rounded(values) for name, values in (extra or {}).items()}
    if any(len(v) != len(g) for v in columns.values()):
        raise ValueError("every extra needs a number per point")
    breaks = [i for i in range(1, len(g)) if k[i] == k[i - 1] and g[i] != g[i - 1] and k[i] in LINES]
    out = {name: list(values) for name, values in columns.items()} | {"g": g.tolist(), "k": k.tolist()}
    for i in reversed(breaks):
        for name in columns:
            out[name].insert(i, None)
        out["g"].insert(i, BREAK)
        out["k"].insert(i, int(k[i]))
    return [out]


def classes(X: np.ndarray, y: np.ndarray, count: int, line_offset: int = 0):
    """The points of each of `count` classes as pack() parts; each class is also one line (its defining curve)."""
    return [(X[y == c], np.full((y == c).sum(), line_offset + c), class_kind(c)) for c in range(count)]


# A point's class by its letter (A, B, ...) from its k, for tooltips ("class A")
CLASS_NAME = "substring('ABCDEFG', datum.k <= 1 ? datum.k : datum.k - 10, (datum.k <= 1 ? datum.k : datum.k - 10) + 1)"


def unpack(chart, extra: tuple = ()):
    """Packed rows -> one row per point, each with its class's name (computed once, when the data loads, before
    anything a frame or a slider moves); lines are drawn in this order (see IN_DATA_ORDER)."""
    return chart.transform_flatten(["x", "y", "g", "k", *extra]).transform_calculate(**{"class": CLASS_NAME})


def as_drawn(chart):
    """The default: points are drawn where they are (px, py = x, y)."""
    return unpack(chart).transform_calculate(px="datum.x", py="datum.y")


def axes(lo: float, hi: float, names=("x₁", "x₂")):
    """Position channels over [lo, hi]; names=None draws no axes (e.g. a view that zooms)."""
    scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    if names is None:
        return alt.X("px:Q", scale=scale, axis=None), alt.Y("py:Q", scale=scale, axis=None)
    return (alt.X("px:Q", scale=scale, title=names[0]), alt.Y("py:Q", scale=scale, title=names[1]))


def region_layer(src: str, lo: float, hi: float) -> alt.Chart:
    """A region image covering [lo, hi]^2 (its URL resolved by the site writer)."""
    row = [{"src": src, "x0": lo, "x1": hi, "y0": lo, "y1": hi}]
    scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    return alt.Chart(alt.Data(values=row)).mark_image(aspect=False).encode(
        url="src:N", x=alt.X("x0:Q", scale=scale), x2="x1:Q", y=alt.Y("y0:Q", scale=scale), y2="y1:Q")


@dataclass(frozen=True)
class Look:
    """How drawn() draws the plane: its axes' names (None: no axes), a line through each class's points in data
    order, the class colours' legend, and `on_picture`: every mark is drawn on the figure's region image, so keeps
    its colours in the dark theme (style.ON_PICTURE)."""
    names: tuple[str, str] | None = ("x₁", "x₂")
    class_lines: bool = False
    legend: bool = True
    on_picture: bool = False


def drawn(url: str, lo: float, hi: float, *, classes: int, prepare=as_drawn, look: Look = Look()) -> alt.LayerChart:
    """Grid, border, curves, boundary and the points of K classes from one packed file, drawn as `look` says.

    `prepare` adds the transforms that place each point (px, py); they sit on the parent layer, so
    Vega runs them once per update however many marks share them.
    """
    names, class_lines, legend = look.names, look.class_lines, look.legend
    look = style.ON_PICTURE if look.on_picture else {}
    x, y = axes(lo, hi, names)
    c = alt.Chart()
    line = dict(detail="g:N", x=x, y=y)
    # each kind of LINES is one path, its lines parted by break rows (pack()): a path per line made Vega run a
    # facet per line at every frame of a morph, a third of a frame's time. These marks are the picture's frame, not
    # its data: no text for the figure's data panel (aria off), only the class points say what they are.
    path = dict(x=x, y=y)
    lines = dict(**IN_DATA_ORDER, clip=True, aria=False, **look)
    layers = [
        c.transform_filter(f"datum.k == {GRID}").mark_line(
            **lines, color=style.GRID_COLOUR, strokeWidth=0.6, opacity=0.8).encode(**path),
        c.transform_filter(f"datum.k == {BORDER}").mark_line(
            **lines, color=style.BORDER_COLOUR, strokeWidth=1.6).encode(**path),
        # class B's curves, then class A's over them on a white halo: where a layer crushes the disk's circles
        # into the ring's (the annulus through training), the minority stays visible on top
        c.transform_filter(f"datum.k == {CURVE_B}").mark_line(**lines, strokeWidth=1.4).encode(
            **path, color=kind_colour(classes, legend=legend)),
        c.transform_filter(f"datum.k == {CURVE_A}").mark_line(
            **lines, color="#ffffff", strokeWidth=3.4, opacity=0.9).encode(**path),
        c.transform_filter(f"datum.k == {CURVE_A}").mark_line(**lines, strokeWidth=1.6).encode(
            **path, color=kind_colour(classes, legend=legend)),
        c.transform_filter(f"datum.k == {BOUNDARY}").mark_line(
            **lines, color=style.BORDER_COLOUR, strokeDash=[5, 3], strokeWidth=1.5).encode(**path),
    ]
    if class_lines:
        layers.append(c.transform_filter(class_filter(classes)).mark_line(
            **IN_DATA_ORDER, **look, strokeWidth=1, opacity=0.5, clip=True).encode(
            **line, color=kind_colour(classes, legend=legend)))
    # a hovered point says its class and, where the plot's coordinates are the figure's own, where it lies: a
    # still plane's points where they are (x, y); a moved one's where it is moved to (px, py) when the plot has named
    # axes; in a moving window (names None: positions scaled by each frame's zoom) its class alone
    where = ([] if names is None else [alt.Tooltip(f"{field}:Q", title=name, format=".2f") for field, name in
                                       zip(("x", "y") if prepare is as_drawn else ("px", "py"), names)])
    layers.append(c.transform_filter(class_filter(classes)).mark_circle(**look, size=14, opacity=0.9, clip=True).encode(
        x=x, y=y, color=kind_colour(classes, legend=legend), tooltip=[alt.Tooltip("class:N"), *where]))
    # a break row is placed wherever `prepare` puts it (null times a number is a number): lift the pen there
    return prepare(alt.layer(*layers, data=alt.Data(url=url, format=alt.DataFormat(type="json")))).transform_calculate(
        px=f"datum.g == {BREAK} ? null : datum.px")


def sized(chart, title: str | None = None):
    chart = chart.properties(width=style.SIZE, height=style.SIZE)
    return chart.properties(title=title) if title else chart


def square_extent(X: np.ndarray, pad: float = 0.15) -> tuple[float, float]:
    """A square window around the data, padded, symmetric about 0."""
    half = float(np.abs(X).max()) * (1 + pad)
    return -round(half, 2), round(half, 2)
