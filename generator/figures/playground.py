"""O8: the reader drags W and b of one tanh layer and watches the plane deform, computed in the browser."""
from __future__ import annotations

import numpy as np

from .. import frames
from . import encode, plane
from .output import FigureOutput


def weight_playground(options, run, spec, claims) -> FigureOutput:
    alt = plane.alt
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    (W, b), *_ = frames.layers(run, frames.best_seed(run))
    if W.shape != (2, 2):
        raise ValueError(f"weight-playground needs a 2→2 first layer; this one is {W.shape[1]}→{W.shape[0]}")
    reach = float(max(1.0, np.ceil(np.abs(X).max() * 4) / 4))
    grid_xy, grid_ids, border = frames.grid_lines(-reach, reach)
    parts = plane.classes(X, y, K) + [(grid_xy[~border], grid_ids[~border] + 10, plane.GRID),
                                   (grid_xy[border], grid_ids[border] + 10, plane.BORDER)]
    limit = float(max(3.0, np.ceil(np.abs(np.concatenate([W.ravel(), b])).max())))
    names = {"w11": W[0, 0], "w12": W[0, 1], "w21": W[1, 0], "w22": W[1, 1], "b1": b[0], "b2": b[1]}
    sliders = [alt.param(name=n, value=round(float(v), 2),
                         bind=alt.binding_range(min=-limit, max=limit, step=0.01, name=f"{n} "))
               for n, v in names.items()]
    tanh = "(1 - 2 / (exp(2 * U) + 1))"
    moved = lambda chart: plane.unpack(chart).transform_calculate(
        px=tanh.replace("U", "(w11 * datum.x + w12 * datum.y + b1)"),
        py=tanh.replace("U", "(w21 * datum.x + w22 * datum.y + b2)"))
    det = alt.Chart(alt.Data(url=encode.url("points.json"), format=alt.DataFormat(type="json"))).transform_aggregate(
        n="count()").transform_calculate(
        label="'det W = ' + format(w11 * w22 - w12 * w21, '.2f')").mark_text(  # above the plot, never under the data
        align="left", baseline="bottom", fontSize=12, dy=-6).encode(text="label:N", x=alt.value(0), y=alt.value(0))
    points = plane.drawn(encode.url("points.json"), -1.05, 1.05, classes=K, prepare=moved,
                         look=plane.Look(("h₁", "h₂")))
    chart = plane.sized(alt.layer(points, det).add_params(*sliders))
    files = {"points.json": encode.json_file(plane.pack(parts))}
    # what the figure opens on: the sliders' values, the trained weights to two decimals (the step of a slider)
    shown = np.array([[round(float(v), 2) for v in row] for row in W])
    return FigureOutput(plane.spec(chart), files, {"det_w_start": float(np.linalg.det(shown)), "slider_limit": limit})
