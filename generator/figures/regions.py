"""Static figures of one plane: the dataset (O1), decision regions over the input (O2, O3), and the
hidden representation with its warped grid and the output's boundary there (O4). Every class of the run is
drawn, in style.class_colours and style.region_colours of its K."""
from __future__ import annotations

import numpy as np

from .. import frames
from . import boundary, encode, plane, style
from .output import FigureOutput


def dataset(options, run, spec, claims) -> FigureOutput:
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    lo, hi = plane.square_extent(X)
    chart = plane.sized(plane.drawn(encode.url("points.json"), lo, hi, classes=K, look=plane.Look(class_lines=True)))
    return FigureOutput(plane.spec(chart), {"points.json": encode.json_file(plane.pack(plane.classes(X, y, K)))}, {})


def decision_regions(options, run, spec, claims) -> FigureOutput:
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    lo, hi = plane.square_extent(X)
    seed = frames.best_seed(run)
    image = frames.class_image(lambda p: frames.predict(run, seed, p, spec["model"]), lo, hi)
    points = plane.drawn(encode.url("points.json"), lo, hi, classes=K, look=plane.Look(on_picture=True))
    chart = plane.sized(plane.alt.layer(plane.region_layer(encode.url("regions.png"), lo, hi), points))
    files = {"points.json": encode.json_file(plane.pack(plane.classes(X, y, K))),
             "regions.png": encode.class_png(image, style.region_colours(K))}
    accuracy = float((frames.predict(run, seed, X, spec["model"]) == y).mean())
    return FigureOutput(plane.spec(chart), files, {"shown_accuracy": accuracy})


def hidden_representation(options, run, spec, claims) -> FigureOutput:
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    activation = spec["model"]["activation"]
    params = frames.layers(run, frames.best_seed(run))
    layer = options["layer"] if options["layer"] is not None else len(params) - 1
    if params[layer - 1][0].shape[0] != 2:
        raise ValueError(f"hidden-representation needs a 2-unit layer; layer {layer} has {params[layer - 1][0].shape[0]}")
    head = params[layer:]
    grid_xy, grid_ids, border = frames.grid_lines(-1.0, 1.0)
    through = lambda p: frames.forward(params[:layer], p, activation, logits=False)[-1]
    hidden_points, hidden_grid = through(X), through(grid_xy)
    lo, hi = plane.square_extent(np.concatenate([hidden_points, hidden_grid]), pad=0.05)
    image = frames.class_image(lambda h: frames.forward(head, h, activation)[-1].argmax(1), lo, hi)
    parts = plane.classes(hidden_points, y, K) + [
        (hidden_grid[~border], grid_ids[~border] + 10, plane.GRID), (hidden_grid[border], grid_ids[border] + 10, plane.BORDER)]
    hidden_accuracy = float((frames.forward(head, hidden_points, activation)[-1].argmax(1) == y).mean())
    # the output's boundary is straight only where the output layer follows this one directly
    for n, ends in enumerate(boundary.segments(*head[0], lo, hi) if len(head) == 1 else []):
        parts.append((np.array(ends), np.array([1 + n, 1 + n]), plane.BOUNDARY))
    chart = plane.sized(plane.alt.layer(
        plane.region_layer(encode.url("regions.png"), lo, hi),
        plane.drawn(encode.url("points.json"), lo, hi, classes=K,
                    look=plane.Look(("h₁", "h₂"), on_picture=True))))
    files = {"points.json": encode.json_file(plane.pack(parts)),
             "regions.png": encode.class_png(image, style.region_colours(K))}
    return FigureOutput(plane.spec(chart), files, {"hidden_accuracy": hidden_accuracy, "layer": layer})
