"""The moving view shared by the kinds that play a network frame by frame (layer-morph, field-morph,
training-motion): a window that follows the points, and the chart a `frame` slider drives."""
from __future__ import annotations

import numpy as np

from . import encode, plane


def following_zoom(drawn: list[np.ndarray]) -> np.ndarray:
    """Half-width of the window each frame is drawn in: follows everything drawn (the data and the grid with its
    border square), so nothing is clipped at any frame; smoothed so the camera glides instead of jumping: each
    frame takes the largest extent within 3 frames of it, then a 7-frame mean, which stays at or above every
    frame's own extent."""
    reach = np.array([max(0.25, float(np.abs(p).max())) * 1.05 for p in drawn])
    padded = np.pad(reach, 3, mode="edge")
    widest = np.array([padded[i:i + 7].max() for i in range(len(reach))])
    return np.convolve(np.pad(widest, 3, mode="edge"), np.ones(7) / 7, mode="valid")


def layer_expression(layers: list[int]) -> str:
    """The layer frame i plays, as a Vega expression of `frame` (frames play the layers in order)."""
    starts = [i for i in range(1, len(layers)) if layers[i] != layers[i - 1]]
    if sorted(layers) != list(layers):
        raise ValueError("frames must play the layers in order")
    expression = str(layers[-1])
    for start in reversed(starts):
        expression = f"(frame < {start} ? {layers[start - 1]} : {expression})"
    return expression


def moving_frames(frame, frames_data, moved, classes: int):
    """Points of K classes placed by `moved` in the window [-1, 1]^2 (positions already divided by the frame's z),
    the current frame's decision boundary where it has one (boundary.frame_fields: one line for two classes, a list
    of segments for more), and its label above the plot; the slider `frame` drives them."""
    alt = plane.alt
    scale = alt.Scale(domain=[-1, 1], nice=False, zero=False)
    current = alt.Chart(frames_data).transform_filter("datum.i == frame")
    lines = current.transform_filter("isValid(datum.bx0)")
    if classes > 2:
        lines = lines.transform_flatten(["bx0", "by0", "bx1", "by1"])
    boundary = lines.mark_rule(
        color="#111", strokeDash=[5, 3], strokeWidth=1.5, clip=True).encode(
        x=alt.X("bx0:Q", scale=scale), y=alt.Y("by0:Q", scale=scale), x2="bx1:Q", y2="by1:Q")
    # the frame's label sits above the plotting area, never under the data
    label = current.mark_text(align="left", baseline="bottom", fontSize=11, color="#333", dy=-6).encode(
        text="label:N", x=alt.value(0), y=alt.value(0))
    points = plane.drawn(encode.url("points.json"), -1, 1, classes=classes, prepare=moved, look=plane.Look(None))
    return plane.sized(alt.layer(points, boundary, label).add_params(frame))
