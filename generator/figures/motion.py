"""The moving view shared by the kinds that play a network frame by frame (layer-morph, field-morph,
training-motion): a window that follows the points, and the chart a `frame` slider drives; for a class the layer
squeezes into a corner (the disk through training), a second panel whose window follows that class alone."""
from __future__ import annotations

import numpy as np

from . import boundary, encode, plane


def following_zoom(drawn: list[np.ndarray]) -> np.ndarray:
    """Half-width of the window each frame is drawn in: follows everything drawn (the data and the grid with its
    border square), so nothing is clipped at any frame; smoothed so the camera glides instead of jumping: each
    frame takes the largest extent within 3 frames of it, then a 7-frame mean, which stays at or above every
    frame's own extent."""
    return glide(np.array([max(0.25, float(np.abs(p).max())) * 1.05 for p in drawn]))


def glide(reach: np.ndarray) -> np.ndarray:
    """A window's half-width per frame that glides: each frame takes the largest reach within 3 frames of it, then
    a 7-frame mean, which stays at or above every frame's own reach."""
    padded = np.pad(reach, 3, mode="edge")
    widest = np.array([padded[i:i + 7].max() for i in range(len(reach))])
    return np.convolve(np.pad(widest, 3, mode="edge"), np.ones(7) / 7, mode="valid")


INSET_MARGIN = 1.25  # the inset's window: the followed points' extent and a quarter more on each side
INSET_LEAST = 0.02   # its smallest half-width (a 50x magnification of the [-1, 1] square)


def following_inset(followed: list[np.ndarray], widest: float) -> np.ndarray:
    """(frames, 3): the centre (x, y) and half-width of a square window around the followed points at each frame,
    so that they fill it wherever the layer squeezes them: centres a 7-frame mean of each frame's box's centre, then
    half-widths that reach every point from that centre (glide), at most `widest` (the main view's)."""
    boxes = np.array([[p[:, 0].min(), p[:, 0].max(), p[:, 1].min(), p[:, 1].max()] for p in followed])
    middles = np.stack([boxes[:, :2].mean(1), boxes[:, 2:].mean(1)], 1)
    centres = np.stack([np.convolve(np.pad(middles[:, k], 3, mode="edge"), np.ones(7) / 7, mode="valid")
                        for k in range(2)], 1)
    reach = np.array([max(INSET_LEAST, float(np.abs(p - c).max()) * INSET_MARGIN) for p, c in zip(followed, centres)])
    return np.column_stack([centres, np.minimum(glide(reach), widest)])


def layer_expression(layers: list[int]) -> str:
    """The layer frame i plays, as a Vega expression of `frame` (frames play the layers in order)."""
    starts = [i for i in range(1, len(layers)) if layers[i] != layers[i - 1]]
    if sorted(layers) != list(layers):
        raise ValueError("frames must play the layers in order")
    expression = str(layers[-1])
    for start in reversed(starts):
        expression = f"(frame < {start} ? {layers[start - 1]} : {expression})"
    return expression


def moving_frames(frame, frames_data, moved, classes: int, inset=None):
    """Points of K classes placed by `moved` in the window [-1, 1]^2 (positions already divided by the frame's z),
    the current frame's decision boundary where it has one (boundary.frame_fields: one line for two classes, a list
    of segments for more), and its label above the plot; the slider `frame` drives them.

    `inset`: a second `moved` placing the points in the frame's inset window (inset_fields), drawn in a panel beside
    the first, with that window's boundary and label; the first panel outlines where the inset looks."""
    alt = plane.alt
    scale = alt.Scale(domain=[-1, 1], nice=False, zero=False)
    current = alt.Chart(frames_data).transform_filter("datum.i == frame")

    def decision(prefix: str = ""):
        lines = current.transform_filter(f"isValid(datum.{prefix}bx0)")
        ends = [f"{prefix}{name}" for name in ("bx0", "by0", "bx1", "by1")]
        if classes > 2:
            lines = lines.transform_flatten(ends)
        return lines.mark_rule(color="#111", strokeDash=[5, 3], strokeWidth=1.5, clip=True).encode(
            x=alt.X(f"{ends[0]}:Q", scale=scale), y=alt.Y(f"{ends[1]}:Q", scale=scale), x2=f"{ends[2]}:Q",
            y2=f"{ends[3]}:Q")

    def label(field: str):  # the frame's label sits above the plotting area, never under the data
        return current.mark_text(align="left", baseline="bottom", fontSize=11, color="#333", dy=-6).encode(
            text=f"{field}:N", x=alt.value(0), y=alt.value(0))

    points = plane.drawn(encode.url("points.json"), -1, 1, classes=classes, prepare=moved, look=plane.Look(None))
    if inset is None:
        return plane.sized(alt.layer(points, decision(), label("label")).add_params(frame))
    # where the inset looks, outlined in the first panel (its window in the first panel's units)
    outline = (current.transform_calculate(ox0="(datum.ix - datum.iz) / datum.z", ox1="(datum.ix + datum.iz) / datum.z",
                                           oy0="(datum.iy - datum.iz) / datum.z", oy1="(datum.iy + datum.iz) / datum.z")
               .mark_rect(filled=False, color="#555", strokeWidth=1, clip=True)
               .encode(x=alt.X("ox0:Q", scale=scale), x2="ox1:Q", y=alt.Y("oy0:Q", scale=scale), y2="oy1:Q"))
    close = plane.drawn(encode.url("points.json"), -1, 1, classes=classes, prepare=inset, look=plane.Look(None, legend=False))
    return alt.hconcat(plane.sized(alt.layer(points, outline, decision(), label("label"))),
                       plane.sized(alt.layer(close, decision("i"), label("ilabel"))), spacing=16).add_params(frame)


def inset_fields(window, W_out: np.ndarray, b_out: np.ndarray, classes: int, zoom: float, followed: str) -> dict:
    """A frame row's inset: its window (ix, iy: the centre, iz: the half-width), the output's decision boundary in it
    (ibx0, iby0, ibx1, iby1, in the inset's [-1, 1] units) and its label: what it follows ("the red disk") and how
    much larger than in the main view's window of half-width zoom."""
    cx, cy, half = (float(v) for v in window)
    # in the inset's units q, h = c + half q: the scores W (c + half q) + b are affine in q
    found = boundary.segments(W_out * half, W_out @ np.array([cx, cy]) + b_out, -1.0, 1.0)
    fields = {f"i{name}": value for name, value in boundary.frame_fields(found, 1.0, classes).items()}
    return {"ix": round(cx, 5), "iy": round(cy, 5), "iz": round(half, 5),
            "ilabel": _inset_label(followed, zoom / half)} | fields


def _inset_label(followed: str, larger: float) -> str:
    """"around the red disk, 8× larger"; at the main view's own scale (the disk still fills it) no "1× larger"."""
    return f"around {followed}, {larger:.0f}× larger" if larger >= 1.5 else f"around {followed}, at the same scale"
