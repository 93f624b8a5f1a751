"""Gabella 2019, figure (3): each layer's learning cloud (every neuron's incoming weights at every snapshot)
projected on its first two principal components, growing snapshot by snapshot under the scrubber.

The page gets only the projection: per neuron, its track as integers in units of `u` (1/QUANT of the layer's
largest coordinate), sent as the first value then differences (tracks are smooth, so differences are short)
and summed back by the page once when the data loads.
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np

from .. import frames
from ..analysis import learning_cloud
from . import encode, style
from .learning_curves import stride_subsample
from .output import FigureOutput

PANEL = 250     # px: one square panel per layer, stacked; with its axes it fits a 375 px phone
TRAIL_SIDE = round(7 ** 0.5, 2)   # px: a trail dot's side (the square symbol of area 7 it replaced)
QUANT = 500     # a layer's largest |coordinate| becomes 500 units: finer than a pixel of the panel
TRAIL_OPACITY = 0.55  # the trail's dots: overlapping dots show where a neuron lingered


@dataclass(frozen=True)
class Cloud:
    """One layer's projected cloud as its panel draws it: the layer (from 0), its name, its neurons, the share of
    variance on each principal component, and the panel's extent ((x0, x1), (y0, y1))."""
    layer: int
    name: str
    neurons: int
    ratio: np.ndarray
    extent: list[tuple[float, float]]


@dataclass(frozen=True)
class Shared:
    """What every panel reads: the tracks and the frames (alt.Data), the colouring ("step" or "neuron") and the
    last step shown (the top of the step colour scale)."""
    points: alt.Data
    frames: alt.Data
    colour: str
    last_step: int


def weight_trajectories(options, run, spec, claims) -> FigureOutput:
    """One `layer` or every layer; `colour` by step or by neuron (ranked by its last position along PC1); every
    k-th snapshot, k the smallest stride that keeps at most `max_frames` (options: figures.KINDS)."""
    seed = frames.best_seed(run)
    count = learning_cloud.layer_count(run)
    shown_layers = [options["layer"] - 1] if options["layer"] is not None else list(range(count))
    for layer in shown_layers:
        if not 0 <= layer < count:
            raise ValueError(f"layer must be 1..{count}, got {layer + 1}")
    colour = options["colour"]
    if colour not in ("step", "neuron"):
        raise ValueError(f"colour must be step or neuron, got {colour!r}")
    steps = np.asarray(run["snapshot_steps"])
    kept = stride_subsample(len(steps), options["max_frames"])
    rows, figure_claims, titles = [], {"frames": int(len(kept)), "snapshots": int(len(steps))}, []
    for layer in shown_layers:
        W = learning_cloud.weights(run, layer, seed)                      # (T, neurons, fan_in)
        T, N, _ = W.shape
        coords, ratio = project(W.reshape(T * N, -1))                      # fitted on every snapshot
        tracks = coords.reshape(T, N, 2)[kept]                            # (frames, neurons, 2)
        unit = max(float(np.abs(tracks).max()), 1e-12) / QUANT
        ints = np.round(tracks / unit).astype(np.int64)
        deltas = np.concatenate([ints[:1], np.diff(ints, axis=0)])        # first value, then differences
        rank = np.argsort(np.argsort(tracks[-1, :, 0], kind="stable"), kind="stable")
        for n in range(N):
            rows.append({"L": layer, "n": n, "r": int(rank[n]), "u": float(f"{unit:.4g}"),
                         "x": deltas[:, n, 0].tolist(), "y": deltas[:, n, 1].tolist()})
        key = learning_cloud.layer_key(layer, count)
        figure_claims |= {f"{key}_neurons": N, f"{key}_pc1_share": float(ratio[0]), f"{key}_pc2_share": float(ratio[1])}
        lo, hi = ints.min((0, 1)) * unit, ints.max((0, 1)) * unit
        pad = np.maximum(hi - lo, 1e-12) * 0.04
        titles.append(Cloud(layer, learning_cloud.layer_name(layer, count), N, ratio,
                            [(float(f"{a:.4g}"), float(f"{b:.4g}")) for a, b in zip(lo - pad, hi + pad)]))
    frame_rows = [{"i": i, "s": int(steps[t]), "label": f"step {int(steps[t]):,} of {int(steps[-1]):,}"}
                  for i, t in enumerate(kept)]
    # opens on the last snapshot, the whole story; play starts again from the first
    frame = alt.param(name="frame", value=len(kept) - 1, bind=alt.binding_range(min=0, max=len(kept) - 1, step=1,
                                                                     name="snapshot "))
    points = alt.Data(url=encode.url("tracks.json"), format=alt.DataFormat(type="json"))
    frames_data = alt.Data(url=encode.url("frames.json"), format=alt.DataFormat(type="json"))
    shared = Shared(points, frames_data, colour, int(steps[kept[-1]]))
    panels = [_panel(cloud, shared, first=i == 0, output=cloud.layer == count - 1 and cloud.neurons == 10,
                     legend=i == len(titles) - 1)
              for i, cloud in enumerate(titles)]
    chart = (alt.vconcat(*panels, spacing=16) if len(panels) > 1 else panels[0]).add_params(frame)
    # one colour scale, one legend (under the bottom panel): "independent" keeps Vega-Lite from merging it with the
    # legends the other panels and the trails leave off, into none
    spec_out = (chart.resolve_scale(color="shared").resolve_legend(color="independent")
                .configure(**style.CONFIG).to_dict())
    files = {"tracks.json": encode.json_file(rows), "frames.json": encode.json_file(frame_rows)}
    return FigureOutput(spec_out, files, figure_claims, frames=len(kept))


def project(points: np.ndarray, components: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """learning_cloud.pca with exactly `components` columns: a cloud with fewer directions gets zero columns."""
    found, share = learning_cloud.pca(np.asarray(points, np.float64), components)
    coords, ratio = np.zeros((len(points), components)), np.zeros(components)
    coords[:, :found.shape[1]], ratio[:len(share)] = found, share
    return coords, ratio


def _colouring(colour: str, last_step: int, legend: bool) -> tuple[str, alt.Scale, alt.Color]:
    """The field a panel's trail is coloured by, its scale, and the colour channel (with its legend, where shown)."""
    if colour == "step":
        field, scale = "s", alt.Scale(scheme="viridis", domain=[0, last_step])
        colour_channel = alt.Color("s:Q", title="training step", scale=scale,
                                   legend=alt.Legend(orient="bottom", gradientLength=200, format="~s") if legend else None)
    else:
        field, scale = "rank", alt.Scale(scheme="turbo", domain=[0, 1])
        colour_channel = alt.Color("rank:Q", title="neuron, by where it ends on PC1", scale=scale,
                                   legend=alt.Legend(orient="bottom", gradientLength=200, values=[0, 1],
                                                     labelExpr="datum.value ? 'last' : 'first'") if legend else None)
    return field, scale, colour_channel


def _panel(cloud: Cloud, shared: Shared, first: bool, output: bool, legend: bool):
    """One layer's panel: its trail up to the scrubbed snapshot, its neurons there; the step named in the `first`
    panel, the digits beside an `output` layer's neurons, the colour legend under the `legend` one."""
    points, frames_data, colour, last_step = shared.points, shared.frames, shared.colour, shared.last_step
    layer, name, neurons, ratio, extent = cloud.layer, cloud.name, cloud.neurons, cloud.ratio, cloud.extent
    field, scale, colour_channel = _colouring(colour, last_step, legend)
    x = alt.X("px:Q", title=f"PC1 ({ratio[0]:.0%} of variance)", scale=alt.Scale(domain=list(extent[0]), nice=False),
              axis=alt.Axis(labels=False, ticks=False))
    y = alt.Y("py:Q", title=f"PC2 ({ratio[1]:.0%})", scale=alt.Scale(domain=list(extent[1]), nice=False),
              axis=alt.Axis(labels=False, ticks=False))
    # once, when the data loads: unpack this layer's tracks, sum the differences, look up each snapshot's step
    base = (alt.Chart(points).transform_filter(f"datum.L == {layer}")
            .transform_flatten(["x", "y"]).transform_window(t="row_number()", groupby=["n"])
            .transform_window(sx="sum(x)", sy="sum(y)", groupby=["n"], sort=[alt.SortField("t")])
            .transform_calculate(px="datum.sx * datum.u", py="datum.sy * datum.u", i="datum.t - 1",
                                 rank=f"datum.r / {max(neurons - 1, 1)}")
            .transform_lookup(lookup="i", from_=alt.LookupData(data=frames_data, key="i", fields=["s"])))
    # the trail: every neuron's position at every snapshot up to the scrubbed one, coloured by its step. Drawn as
    # one path per snapshot (all of a layer's neurons at that step, built once when the data loads), so a frame
    # draws at most a few hundred paths instead of tens of thousands of dots: each dot a tiny segment (a canvas
    # drops zero-length ones) stroked with square caps, a TRAIL_SIDE px square whatever the panel's width. The path is in the panel's unit
    # box ([-1, 1] on both axes, y up); a custom symbol at the panel's centre scales it by sqrt(size) / 2 = half
    # the panel's width (the panel is square, and may be redrawn narrower on a phone).
    (x0, x1), (y0, y1) = extent
    cx, hx, cy, hy = (x0 + x1) / 2, (x1 - x0) / 2, (y0 + y1) / 2, (y1 - y0) / 2
    at = lambda value: f"round({value} * 10000) / 10000"
    trail = (base.transform_calculate(seg=f"'M' + {at(f'(datum.px - {cx:.6g}) / {hx:.6g}')} + ',' + "
                                          f"{at(f'({cy:.6g} - datum.py) / {hy:.6g}')} + 'h0.0001'")
             .transform_aggregate(segs="values(seg)", groupby=["i", "s"] + (["rank"] if colour == "neuron" else []))
             .transform_calculate(d="join(pluck(datum.segs, 'seg'), '')", trail=f"datum.{field}")
             .transform_filter("datum.i <= frame")
             .mark_point(filled=False, opacity=TRAIL_OPACITY, strokeWidth=TRAIL_SIDE, strokeCap="square", aria=False,
                         size=alt.ExprRef("width * width"), x=alt.ExprRef("width / 2"), y=alt.ExprRef("width / 2"))
             .encode(shape=alt.Shape("d:N", scale=None), order=alt.Order("i:Q"),
                     # its own stroke scale (the colour scale's twin, on a field of its own so that Vega-Lite does
                     # not merge the two legends), with no legend: the ringed dots' legend stays a gradient
                     stroke=alt.Stroke("trail", type="quantitative", scale=scale, legend=None)))
    # the neurons at the scrubbed snapshot: a row per neuron holding its whole track (built once when the data loads,
    # in snapshot order), so a frame picks each neuron's point instead of filtering every neuron's every snapshot
    # (a filter over the whole cloud at every frame was a third of a frame's time)
    current = (base.transform_aggregate(track="values(px)", groupby=["n"] + (["rank"] if colour == "neuron" else []))
               .transform_calculate(px="datum.track[frame].px", py="datum.track[frame].py", s="datum.track[frame].s",
                                    i="frame"))
    # a hovered neuron (or its digit's label) says which it is, the step and where it lies
    tooltip = [alt.Tooltip("n:N", title="digit" if output else "neuron"), alt.Tooltip("s:Q", title="step", format=","),
               alt.Tooltip("px:Q", title="PC1", format=".3f"), alt.Tooltip("py:Q", title="PC2", format=".3f")]
    now = current.mark_circle(size=36, opacity=1, stroke="#111", strokeWidth=0.8).encode(
        x=x, y=y, color=colour_channel, tooltip=tooltip)
    label = (alt.Chart(frames_data).transform_filter("datum.i == frame")
             .mark_text(align="left", baseline="top", dx=4, dy=4, fontSize=11, color="#222")
             .encode(text="label:N", x=alt.value(0), y=alt.value(0)))
    title = alt.TitleParams(f"{name} ({neurons} neurons)", fontSize=12, anchor="start")
    layers = [trail, now, label] if first else [trail, now]    # the step is named once, in the top panel
    if output:  # an output neuron stands for a digit: name it beside its current position
        layers.append(current.mark_text(dx=8, dy=-7, fontSize=11, fontWeight="bold", color="#222").encode(
            x=x, y=y, text="n:N", tooltip=tooltip))
    return alt.layer(*layers).properties(width=PANEL, height=PANEL, title=title)
