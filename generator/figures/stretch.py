"""O13, the easy way out: how much the network stretches the input plane, as a heat map.

Stretch at a point is the largest singular value of the Jacobian of the last hidden layer with respect
to the input: how far apart two nearby inputs end up, per unit of distance. Drawn on a log scale, from the map's
own range, or from `scale_min` to `scale_max` where several maps share one scale to be compared.
"""
from __future__ import annotations

import numpy as np

from .. import frames
from . import encode, plane, style
from .output import FigureOutput


def stretch_map(options, run, spec, claims) -> FigureOutput:
    alt = plane.alt
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    if X.shape[1] != 2:
        raise ValueError("stretch-map needs a 2-D input")
    activation = spec["model"]["activation"]
    params = frames.layers(run, frames.best_seed(run))
    lo, hi = plane.square_extent(X)
    field = frames.class_image(lambda p: frames.stretch(params, p, activation), lo, hi, resolution=160)
    at_data = frames.stretch(params, X, activation)
    low = float(options["scale_min"] if options["scale_min"] is not None else np.percentile(field, 1))
    high = float(options["scale_max"] if options["scale_max"] is not None else field.max())
    if not 0 < low < high:
        raise ValueError(f"stretch-map needs 0 < scale_min < scale_max, got {low:g} and {high:g}")
    levels = np.clip((np.log(field) - np.log(low)) / (np.log(high) - np.log(low)), 0, 1) * 255
    legend_rows = [{"s": float(f"{low:.3g}")}, {"s": float(f"{high:.3g}")}]
    # the image's legend: it keeps the image's colours in the dark theme, as the image does (style.ON_PICTURE)
    key = alt.Chart(alt.Data(values=legend_rows)).mark_point(**style.ON_PICTURE, opacity=0).encode(
        color=alt.Color("s:Q", scale=alt.Scale(type="log", domain=[low, high], scheme="viridis"),
                        legend=alt.Legend(title="stretch (largest singular value)", orient="bottom",
                                          titleOrient="top", gradientLength=140, titleLimit=300)))
    points = plane.drawn(encode.url("points.json"), lo, hi, classes=K, look=plane.Look(on_picture=True))
    chart = plane.sized(alt.layer(plane.region_layer(encode.url("stretch.png"), lo, hi), points, key)
                        .resolve_scale(color="independent"))
    files = {"stretch.png": encode.class_png(levels.round().astype(np.uint8), style.viridis()),
             "points.json": encode.json_file(plane.pack(plane.classes(X, y, K)))}
    figure_claims = {"stretch_max": float(field.max()), "stretch_median_data": float(np.median(at_data)),
                     "stretch_max_data": float(at_data.max())}
    return FigureOutput(plane.spec(chart), files, figure_claims)
