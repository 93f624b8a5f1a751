"""The moving view shared by the kinds that play a network frame by frame (layer-morph, field-morph,
training-motion): a window that follows the points, and the chart a `frame` slider drives."""
from __future__ import annotations

import numpy as np

from . import encode, plane


def following_zoom(drawn: list[np.ndarray]) -> np.ndarray:
    """Half-width of the window each frame is drawn in: follows the points (98th percentile of their
    extent), smoothed over neighbouring frames so the camera glides instead of jumping."""
    reach = np.array([max(0.25, float(np.percentile(np.abs(p), 98))) * 1.1 for p in drawn])
    kernel = np.ones(7) / 7
    padded = np.pad(reach, 3, mode="edge")
    return np.maximum(np.convolve(padded, kernel, mode="valid"), reach * 0.8)


def moving_frames(frame, frames_data, moved):
    """Points placed by `moved` in the window [-1, 1]^2 (positions already divided by the frame's z),
    the current frame's decision line where it has one, and its label; the slider `frame` drives them."""
    alt = plane.alt
    scale = alt.Scale(domain=[-1, 1], nice=False, zero=False)
    current = alt.Chart(frames_data).transform_filter("datum.i == frame")
    boundary = current.transform_filter("isValid(datum.bx0)").mark_rule(
        color="#111", strokeDash=[5, 3], strokeWidth=1.5, clip=True).encode(
        x=alt.X("bx0:Q", scale=scale), y=alt.Y("by0:Q", scale=scale), x2="bx1:Q", y2="by1:Q")
    label = current.mark_text(align="left", baseline="top", fontSize=11, color="#333", dx=4, dy=4).encode(
        text="label:N", x=alt.value(0), y=alt.value(0))
    points = plane.drawn(encode.url("points.json"), -1, 1, names=None, prepare=moved)
    return plane.sized(alt.layer(points, boundary, label).add_params(frame))
