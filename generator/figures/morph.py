"""A trained network as one continuous motion through every hidden layer (O5, O6, O7).

Each layer tanh(Wx + b) plays in three stages: x -> P(t)x along a path of positive-determinant matrices,
x -> x + tb, x -> (1-t)x + t tanh(x). The page computes positions with Vega expressions from the points
entering each layer and 8 numbers per frame, so the data stays small and every frame is exact.
"""
from __future__ import annotations

import numpy as np

from .. import frames
from . import boundary, encode, plane
from .motion import following_zoom, layer_expression, moving_frames
from .output import FigureOutput

# The activation in Vega's expression language (which has exp but no tanh); U is the pre-activation.
VEGA_ACTIVATIONS = {"tanh": "(1 - 2 / (exp(2 * U) + 1))", "relu": "max(U, 0)", "sigmoid": "1 / (1 + exp(-U))"}
STAGES = {1: "linear map P(t)", 2: "add bias t·b", 3: "squash"}


def layer_morph(options, run, spec, claims) -> FigureOutput:
    X, y = run["X"], run["y"]
    K = plane.class_count(run)
    activation = spec["model"]["activation"]
    params, swapped = frames.positive_determinants(frames.layers(run, frames.best_seed(run)))
    for i, (W, _) in enumerate(params[:-1]):
        if W.shape != (2, 2):
            raise ValueError(f"layer-morph needs 2-unit layers of a 2-D input; layer {i + 1} is {W.shape[1]}→{W.shape[0]}")
    path = frames.morph_frames(params, options["frames_per_stage"])
    reach = float(options["grid"] if options["grid"] is not None else max(1.0, np.ceil(np.abs(X).max() * 4) / 4))
    grid_xy, grid_ids, border = frames.grid_lines(-reach, reach)
    reps_X = frames.forward(params, X, activation)
    reps_grid = frames.forward(params, grid_xy, activation)

    rows = []
    for layer in range(len(params) - 1):
        grid = reps_grid[layer]
        parts = plane.classes(reps_X[layer], y, K) + [
            (grid[~border], grid_ids[~border] + 10, plane.GRID), (grid[border], grid_ids[border] + 10, plane.BORDER)]
        rows += [{"layer": layer} | plane.pack(parts)[0]]

    drawn = [frames.apply_frame(f, np.concatenate([reps_X[f["layer"]], reps_grid[f["layer"]]]), activation) for f in path]
    zoom = following_zoom(drawn)
    dets = [float(np.linalg.det(f["M"])) for f in path]
    frame_rows = [_frame_row(i, f, len(params) - 1, z) for i, (f, z) in enumerate(zip(path, zoom))]
    frame_rows[-1] |= boundary.frame_fields(boundary.segments(*params[-1], -zoom[-1], zoom[-1]), zoom[-1], K)

    chart = moving_chart(len(path), activation, K, [f["layer"] for f in path])
    files = {"points.json": encode.json_file(rows), "frames.json": encode.json_file(frame_rows)}
    figure_claims = {"frames": len(path), "min_det_path": min(dets), "swapped_units": bool(swapped),
                     "layers": len(params) - 1}
    # which hidden layers the movie plays with their two units swapped (1) or as trained (0), layer 1 first
    figure_claims |= {f"swapped_layer_{i + 1}": int(i in swapped) for i in range(len(params) - 1)}
    return FigureOutput(plane.spec(chart), files, figure_claims, frames=len(path))


def _frame_row(i, f, layers, zoom):
    (a, b), (c, d) = f["M"]
    label = (f"layer {f['layer'] + 1} of {layers} · stage {f['stage']} of 3: {STAGES[f['stage']]}, "
             f"t = {f['t']:.2f} · window ±{zoom:.2f}")
    return {"i": i, "L": f["layer"], "a": round(a, 5), "b": round(b, 5), "c": round(c, 5), "d": round(d, 5),
            "e": round(float(f["c"][0]), 5), "f": round(float(f["c"][1]), 5), "s": round(f["s"], 5), "z": round(float(zoom), 4),
            "label": label}


def moving_chart(count, activation, classes: int, layers=None, inset: bool = False):
    """Points of K classes entering frame i's layer, moved by frame i's M, c, s and drawn in its window z; a slider
    and, where a frame has one, its decision boundary (bx0, by0)-(bx1, by1) and its label. `layers`: the layer each
    frame plays (default: all the first). `inset`: a second panel draws them in frame i's inset window (ix, iy, iz:
    motion.inset_fields)."""
    alt = plane.alt
    frame = alt.param(name="frame", value=0, bind=alt.binding_range(min=0, max=count - 1, step=1, name="frame "))
    playing = layer_expression(list(layers) if layers else [0] * count)
    frames_data = alt.Data(url=encode.url("frames.json"), format=alt.DataFormat(type="json"))
    squash = VEGA_ACTIVATIONS[activation]

    def moved(chart, more=()):
        # unpack once; per frame, each point looks up the frame's numbers and is moved in place, so
        # Vega updates existing marks instead of rebuilding them (measured faster than unpacking per frame)
        # only the points entering the frame's layer are moved: the other layers' are filtered out first (the
        # filter's result changes only when the scrubber crosses into another layer)
        return (plane.unpack(chart).transform_filter(f"datum.layer == {playing}")
                .transform_calculate(fk="frame")
                .transform_lookup(lookup="fk", from_=alt.LookupData(
                    data=frames_data, key="i", fields=["a", "b", "c", "d", "e", "f", "s", "z", *more]))
                .transform_calculate(u="datum.a * datum.x + datum.b * datum.y + datum.e",
                                     v="datum.c * datum.x + datum.d * datum.y + datum.f")
                .transform_calculate(px=f"((1 - datum.s) * datum.u + datum.s * {squash.replace('U', 'datum.u')}) / datum.z",
                                     py=f"((1 - datum.s) * datum.v + datum.s * {squash.replace('U', 'datum.v')}) / datum.z"))

    def closer(chart):  # the same points in the inset's window: its centre and half-width in the layer's units
        return moved(chart, ("ix", "iy", "iz")).transform_calculate(
            px="(datum.px * datum.z - datum.ix) / datum.iz", py="(datum.py * datum.z - datum.iy) / datum.iz")
    return moving_frames(frame, frames_data, moved, classes, inset=closer if inset else None)
