"""spiralNet's figures (Ranlot 2017), drawn from every run of a sweep over K and the activation.

The reader picks K (and, where the columns do not show both, the activation) with the figure's own
controls; each choice's files load only when picked (see choices.py).
"""
from __future__ import annotations

import json

import altair as alt

from ..analysis import packing
from . import choices, encode, style
from .output import FigureOutput
from .spiral_data import ACTIVATIONS, OUTLINE_LEVELS, QUANT, Choice, choice_files, choice_key, direction_files

PANEL = 165   # px: two columns fit a 375 px phone
ARROW_SIZE = 130  # px², the direction field's arrows: about 11 px long
DOT = round(2 * (6 / 3.14159) ** 0.5, 2)   # px: an input point's diameter (the circle of area 6 it replaced)
CELLS = 32    # spiral-directions' hidden layer's decision regions: CELLS x CELLS rectangles
# each cell reaches a quarter cell into the next ones, which are drawn over it: a cell's edge falls between pixels, and
# two antialiased edges side by side let the background through, a grid of seams (dark ones on the dark page); the
# last row and column's excess is clipped
OVERLAP = 1.25
NAMES = {"tanh": "tanh", "relu": "ReLU"}


def by_choice(variants) -> dict[tuple[int, str], Choice]:
    out = {}
    for v in variants:
        key = (int(v.values["data.classes"]), str(v.values["model.activation"]))
        out[key] = Choice(key[0], key[1], v)
    return out


def spiral_training(options, variants) -> FigureOutput:
    """Figures (1), (3) and (4) of spiralNet for every K, tanh and ReLU side by side: the input plane's
    decision regions with the data, the last hidden layer through training with its own decision regions,
    and the loss with the scrubbed snapshot marked. One slider scrubs both columns."""
    runs = by_choice(variants)
    ks = sorted({k for k, _ in runs})
    default_k = options["k"] if options["k"] is not None else 4 if 4 in ks else ks[0]
    files, claims, counts, extents = {}, {}, set(), {}
    for (K, act), choice in runs.items():
        built = choice_files(choice)
        files |= built.files
        claims |= {f"{name}_{act}_k{K}": value for name, value in built.claims.items()}
        counts.add(built.claims["frames"])
        shown = json.loads(built.files[f"frames-{choice_key(K, act)}.json"])  # step 0 included (a symlog axis)
        extents[K, act] = ([0, max(r["step"] for r in shown)],
                           [min(r["loss"] for r in shown), max(r["loss"] for r in shown)])
    if len(counts) != 1:
        raise ValueError(f"every run needs the same snapshot schedule, got {sorted(counts)} snapshots")
    frames = counts.pop()
    k_param = alt.param(name="K", value=default_k, bind=alt.binding_radio(options=ks, name="K "))
    frame = alt.param(name="frame", value=frames - 1,
                      bind=alt.binding_range(min=0, max=frames - 1, step=1, name="snapshot "))
    acts = [act for act in ACTIVATIONS if (default_k, act) in runs]
    domains = {act: {K: extents[K, act] for K, a in runs if a == act} for act in acts}
    chart = alt.hconcat(*[_training_column(act, default_k, domains[act]) for act in acts],
                        spacing=14).add_params(k_param, frame)
    templates = {}
    for act in acts:
        for stem, ext in (("frames", "json"), ("points", "json")):
            templates[f"{stem}-{choice_key(default_k, act)}.{ext}"] = f"'{stem}-' + K + '-{act}.{ext}'"
    spec = choices.spec(chart.configure(**style.CONFIG), files, templates, pickers=("K",))
    claims |= {"snapshots": frames, "choices": len(runs)}
    return FigureOutput(spec, files, claims, frames=frames)


def panel_title(text: str, state: str):
    """A panel's title, and under it which state of the network it shows (the trained one, or the scrubbed step),
    short enough to stay within the 165 px panel."""
    return alt.TitleParams(text, subtitle=state, fontSize=12, subtitleFontSize=11, subtitleColor="#555",
                           anchor="start")


def _colour_expression(palette: list[str]) -> str:
    return "[" + ", ".join(f"'{c}'" for c in palette) + "][datum.c]"


def _region_areas(frames_data):
    """The last hidden layer's decision regions at the scrubbed snapshot, exact: each class's convex polygon in the
    snapshot's window (spiral_data.region_outlines), an area through its vertices' spans, in the class's pale
    colour. An area mark a class (a class the run does not have draws nothing), not one area grouped by class: a
    grouped area is a facet, and Vega runs a facet's subflows again at every frame. A picture under the points (aria
    off: the data panel lists the points, not the regions)."""
    unit = alt.Scale(domain=[0, 1], nice=False, zero=False)
    pale = ["#%02x%02x%02x" % rgb for rgb in style.spiral_backgrounds()]
    # the position is the parent's, which every area inherits: the spec stays small (tests/test_figures.py)
    areas = [alt.Chart().transform_filter(f"datum.rc == {k}").mark_area(clip=True, aria=False, color=colour)
             for k, colour in enumerate(pale)]
    return (alt.layer(*areas, data=frames_data).transform_filter("datum.i == frame")
            .transform_flatten(["rc", "rx", "ry", "ry2"])
            .transform_calculate(u=f"datum.rx / {OUTLINE_LEVELS}", v=f"datum.ry / {OUTLINE_LEVELS}",
                                 v2=f"datum.ry2 / {OUTLINE_LEVELS}")
            .encode(x=alt.X("u:Q", scale=unit, axis=None), y=alt.Y("v:Q", scale=unit, axis=None), y2="v2:Q"))


def _by_k(values: dict[int, list]) -> str:
    """An expression of the picked K's value (a list), e.g. K == 2 ? [1, 2] : [3, 4]."""
    *rest, last = sorted(values)
    return "".join(f"K == {k} ? {json.dumps(values[k])} : " for k in rest) + json.dumps(values[last])


def _input_dots(points_data):
    """The data in the input plane, one path per class built once when the data loads: each point a tiny segment
    stroked with round caps (a canvas drops zero-length ones), a DOT px disc whatever the panel's size. The path
    is in the panel's unit box ([-1, 1] on both axes, y up); a custom symbol at the panel's centre scales it by
    sqrt(size) / 2, half the panel's width (the panel is square, childWidth the width of every panel). The whole
    figure is drawn again at every frame (Vega's dirty region spans the hidden layer's sprite sheet), and 7 paths
    draw in a tenth of the time of 800 circles."""
    return (alt.Chart(points_data)
            .transform_calculate(seg="'M' + datum.ix / 1000 + ',' + -datum.iy / 1000 + 'h0.0001'")
            .transform_aggregate(segs="values(seg)", groupby=["c"])
            .transform_calculate(d="join(pluck(datum.segs, 'seg'), '')", colour=_colour_expression(style.SPIRAL_COLOURS))
            .mark_point(filled=False, opacity=0.9, strokeWidth=DOT, strokeCap="round", aria=False, clip=True,
                        size=alt.ExprRef("childWidth * childWidth"), x=alt.ExprRef("childWidth / 2"),
                        y=alt.ExprRef("childWidth / 2"))
            .encode(shape=alt.Shape("d:N", scale=None), stroke=alt.Stroke("colour:N", scale=None)))


def _training_column(act: str, K: int, domains: dict[int, tuple[list, list]]):
    tag = choice_key(K, act)
    frames_data = alt.Data(url=encode.url(f"frames-{tag}.json"), format=alt.DataFormat(type="json"))
    points_data = alt.Data(url=encode.url(f"points-{tag}.json"), format=alt.DataFormat(type="json"))

    return alt.vconcat(_input_panel(act, points_data), _hidden_panel(act, frames_data, points_data),
                       _loss_panel(frames_data, domains), spacing=16)


def _input_panel(act: str, points_data):
    colour = alt.Color("colour:N", scale=None)
    centred = alt.Scale(domain=[-1, 1], nice=False, zero=False)
    # (1) the input plane: the trained network's decision regions (an image per choice) and the data
    image = (alt.Chart(alt.Data(values=[{"lo": -1, "hi": 1}]))
             .transform_calculate(src=f"files['input-' + K + '-{act}.png']")
             .mark_image(aspect=False).encode(url="src:N", x=alt.X("lo:Q", scale=centred, axis=None), x2="hi:Q",
                                              y=alt.Y("lo:Q", scale=centred, axis=None), y2="hi:Q"))
    # the points as data for the figure's text (its data panel) and its tooltips (each a hover target a little
    # larger than the dot), drawn by _input_dots
    data = (alt.Chart(points_data)
            .transform_calculate(u="datum.ix / 1000", v="datum.iy / 1000",
                                 colour=_colour_expression(style.SPIRAL_COLOURS), name=class_name())
            .mark_circle(size=30, opacity=0).encode(x=alt.X("u:Q", scale=centred, axis=None),
                                                    y=alt.Y("v:Q", scale=centred, axis=None), color=colour,
                                                    tooltip=[alt.Tooltip("name:N", title="class")]))
    # the trained network's regions whatever the scrubbed step: the title says so
    inputs = alt.layer(image, _input_dots(points_data), data).properties(width=PANEL, height=PANEL,
                                               title=panel_title(f"{NAMES[act]}: input plane", "the trained network"))
    return inputs


def _hidden_panel(act: str, frames_data, points_data):
    colour = alt.Color("colour:N", scale=None)
    unit = alt.Scale(domain=[0, 1], nice=False, zero=False)
    # (3) the last hidden layer at the scrubbed snapshot, over that layer's own decision regions
    regions = _region_areas(frames_data)
    moving = (alt.Chart(points_data)
              .transform_calculate(name=class_name())   # once, when the data loads: it names the hovered point
              .transform_calculate(fk="frame")
              .transform_lookup(lookup="fk", from_=alt.LookupData(data=frames_data, key="i", fields=["j", "t"]))
              # keyframes j and j + 1 blended with weight t (see spiral_data)
              .transform_calculate(u=f"((1 - datum.t) * datum.x[datum.j] + datum.t * datum.x[datum.j + 1]) / {QUANT}",
                                   v=f"((1 - datum.t) * datum.y[datum.j] + datum.t * datum.y[datum.j + 1]) / {QUANT}",
                                   colour=_colour_expression(style.SPIRAL_COLOURS))
              # the point in words for the figure's text, without Vega-Lite's format() per point and frame
              .transform_calculate(text="'u: ' + round(datum.u * 10000) / 10000 + '; v: ' + round(datum.v * 10000) / 10000"
                                        " + '; colour: ' + datum.colour")
              # positions are clamped to the window (see spiral_data), and the mark clips: never outside the panel
              # 800 points move at every frame: squares draw faster than circles on a canvas, alike at this size
              .mark_square(size=6, opacity=0.9, clip=True).encode(x=alt.X("u:Q", scale=unit, axis=None),
                                                                  y=alt.Y("v:Q", scale=unit, axis=None), color=colour,
                                                                  description="text:N",
                                                                  tooltip=[alt.Tooltip("name:N", title="class")]))
    label = (alt.Chart(frames_data).transform_filter("datum.i == frame")
             .mark_text(align="left", baseline="top", fontSize=10, color="#222", dy=3)
             .encode(text="label:N", x=alt.value(0), y=alt.value("height")))  # under the panel, however tall
    hidden = alt.layer(regions, moving, label).properties(
        width=PANEL, height=PANEL, title=panel_title(f"{NAMES[act]}: last hidden layer", "at the step below"))
    return hidden


def _loss_panel(frames_data, domains: dict[int, tuple[list, list]]):
    # (4) the loss at every snapshot, with the scrubbed one marked. The scales' domains are the curve's extent, given
    # per K: a domain drawn from the data would include the marked snapshot's, so every frame would compute the
    # scales, axes and layout again
    # steps on a symlog axis: logarithmic from step 10 on, as the snapshots are spaced, and step 0 (the untrained
    # network) on it too, with its loss and, at the first snapshot, the dot
    loss = alt.Chart(frames_data)
    x = alt.X("step:Q", scale=alt.Scale(type="symlog", nice=False, domain=alt.ExprRef(_by_k({k: d[0] for k, d in domains.items()}))),
              # (a symlog axis formats "~s" at the precision of its largest tick: 0k, 0k, 0k, 1k, 10k)
              title="step", axis=alt.Axis(values=[0, 1, 10, 100, 1000, 10000],
                                          labelExpr="datum.value >= 1000 ? datum.value / 1000 + 'k' : datum.value"))
    y = alt.Y("loss:Q", scale=alt.Scale(type="log", nice=True, domain=alt.ExprRef(_by_k({k: d[1] for k, d in domains.items()}))),
              title="loss")
    curve = alt.layer(
        loss.mark_line(color="#333", strokeWidth=1.3).encode(x=x, y=y),
        loss.transform_filter("datum.i == frame").mark_point(color="#d1352b", size=40, filled=True).encode(x=x, y=y),
    ).properties(width=PANEL, height=80)
    return curve


def _scores(classes: int = 7) -> dict[str, str]:
    """Each class's score s_k = w_k . h + b_k at the cell's centre; each frame's w holds (w_k1, w_k2, b_k)
    per class, and classes beyond the run's K score -1e30."""
    return {f"s{k}": f"length(datum.w) > {3 * k} ? datum.w[{3 * k}] * datum.hx + datum.w[{3 * k + 1}] * datum.hy "
                     f"+ datum.w[{3 * k + 2}] : -1e30" for k in range(classes)}


def _argmax_expression(classes: int = 7) -> str:
    """The class with the largest score."""
    scores = ", ".join(f"datum.s{k}" for k in range(classes))
    return f"indexof([{scores}], max({scores}))"


def _region_cells(data, frame_expr: str):
    """The 2-unit layer's decision regions as CELLS x CELLS rectangles over its window (x0, y0, z), each
    coloured by the output layer's argmax at its centre; w and the window come from the row of `data`
    whose i equals frame_expr."""
    step = 1 / CELLS
    unit = alt.Scale(domain=[0, 1], nice=False, zero=False)
    return (alt.Chart(alt.sequence(0, CELLS * CELLS, as_="n"))
            .transform_calculate(fk=frame_expr)
            .transform_lookup(lookup="fk", from_=alt.LookupData(data=data, key="i", fields=["w", "z", "x0", "y0"]))
            .transform_calculate(cx=f"(datum.n % {CELLS}) * {step}", cy=f"floor(datum.n / {CELLS}) * {step}")
            .transform_calculate(hx=f"datum.x0 + (datum.cx + {step / 2}) * datum.z",
                                 hy=f"datum.y0 + (datum.cy + {step / 2}) * datum.z",
                                 cx2=f"datum.cx + {step * OVERLAP}", cy2=f"datum.cy + {step * OVERLAP}")
            .transform_calculate(**_scores())
            .transform_calculate(c=_argmax_expression())
            .transform_calculate(colour=_colour_expression(["#%02x%02x%02x" % rgb for rgb in style.spiral_backgrounds()]))
            .mark_rect(strokeWidth=0, clip=True).encode(x=alt.X("cx:Q", scale=unit, axis=None), x2="cx2:Q",
                                             y=alt.Y("cy:Q", scale=unit, axis=None), y2="cy2:Q",
                                             color=alt.Color("colour:N", scale=None)))


# The original's circular means of the direction angle (degrees), read from its published plots.
ORIGINAL_MEANS = {(2, "tanh"): [41.4, 221.7], (2, "relu"): [13.4, 75.6],
                  (4, "tanh"): [43.5, 136.5, 222.8, 316.1], (4, "relu"): [4.2, 37.1, 77.4, 84.2]}


def spiral_directions(options, variants) -> FigureOutput:
    """Figures (2), (5) and (6) for a picked K and activation: the trained last hidden layer with its own
    decision regions; unit arrows showing the direction of h(x) over the input plane's regions; and
    histograms of that direction by predicted class, with circular means (and the original's, where it
    published them)."""
    runs = by_choice(variants)
    ks = sorted({k for k, _ in runs})
    default_k = options["k"] if options["k"] is not None else 4 if 4 in ks else ks[0]
    default_act = options["activation"]
    grid, arrows = options["angle_grid"], options["arrows"]
    files, claims = {}, {}
    for (K, act), choice in runs.items():
        built = direction_files(choice, grid, arrows)
        files |= built.files
        claims |= {f"{name}_{act}_k{K}": value for name, value in built.claims.items() if name not in ("grid_points", "bins")}
        for k, value in enumerate(ORIGINAL_MEANS.get((K, act), [])):
            claims[f"original_angle_mean_{k}_{act}_k{K}"] = value
    claims |= {"angle_grid_points": grid * grid, "arrows": arrows * arrows}
    k_param = alt.param(name="K", value=default_k, bind=alt.binding_radio(options=ks, name="K "))
    act_param = alt.param(name="act", value=default_act, bind=alt.binding_radio(
        options=list(ACTIVATIONS), labels=[NAMES[a] for a in ACTIVATIONS], name="activation "))
    tag = choice_key(default_k, default_act)
    data = {stem: alt.Data(url=encode.url(f"{stem}-{tag}.json"), format=alt.DataFormat(type="json"))
            for stem in ("final", "arrows", "hist", "angles")}
    originals = [{"K": K, "act": act, "c": k, "mean": m} for (K, act), means in ORIGINAL_MEANS.items()
                 for k, m in enumerate(means)]
    chart = alt.vconcat(alt.hconcat(_final_panel(data["final"]), _arrow_panel(data["arrows"]), spacing=14),
                        _histogram_panel(data["hist"], data["angles"], originals),
                        spacing=14).add_params(k_param, act_param)
    templates = {f"{stem}-{tag}.json": f"'{stem}-' + K + '-' + act + '.json'" for stem in data}
    return FigureOutput(choices.spec(chart.configure(**style.CONFIG), files, templates, pickers=("K", "act")),
                        files, claims)


def class_name(field: str = "c") -> str:
    """A spiralNet class by its letter and colour, as the text names them ("A (gold)", ...), for tooltips."""
    colours = "[" + ", ".join(f"'{name}'" for name in style.SPIRAL_COLOUR_NAMES) + "]"
    return f"substring('ABCDEFG', datum.{field}, datum.{field} + 1) + ' (' + {colours}[datum.{field}] + ')'"


def _final_panel(final):
    unit = alt.Scale(domain=[0, 1], nice=False, zero=False)
    points = (alt.Chart(final).transform_flatten(["points"])
              .transform_calculate(u=f"datum.points.u / {QUANT}", v=f"datum.points.v / {QUANT}", c="datum.points.c")
              # where the point lies in the layer: the window's corner (x0, y0) plus its share u, v of the side z
              .transform_calculate(colour=_colour_expression(style.SPIRAL_COLOURS), name=class_name(),
                                   h1="datum.x0 + datum.u * datum.z", h2="datum.y0 + datum.v * datum.z")
              .mark_circle(size=6, opacity=0.9, clip=True).encode(x=alt.X("u:Q", scale=unit, axis=None),
                                                       y=alt.Y("v:Q", scale=unit, axis=None),
                                                       color=alt.Color("colour:N", scale=None),
                                                       tooltip=[alt.Tooltip("name:N", title="class"),
                                                                alt.Tooltip("h1:Q", title="h₁", format=".2f"),
                                                                alt.Tooltip("h2:Q", title="h₂", format=".2f")]))
    return alt.layer(_region_cells(final, "0"), points).properties(
        width=PANEL, height=PANEL, title=panel_title("last hidden layer", "the trained network"))


def _arrow_panel(arrows):
    """Unit arrows pointing where x -> h(x) points, on the input plane's decision regions."""
    centred = alt.Scale(domain=[-1, 1], nice=False, zero=False)
    image = (alt.Chart(alt.Data(values=[{"lo": -1, "hi": 1}]))
             .transform_calculate(src="files['input-' + K + '-' + act + '.png']")
             .mark_image(aspect=False).encode(url="src:N", x=alt.X("lo:Q", scale=centred, axis=None), x2="hi:Q",
                                              y=alt.Y("lo:Q", scale=centred, axis=None), y2="hi:Q"))
    field = (alt.Chart(arrows).transform_calculate(turn="90 - datum.deg")
             .mark_point(**style.ON_PICTURE, shape="arrow", filled=True, size=ARROW_SIZE, color="#222",
                         opacity=0.85)
             .encode(x=alt.X("ax:Q", scale=centred, axis=None), y=alt.Y("ay:Q", scale=centred, axis=None),
                     angle=alt.Angle("turn:Q", scale=None)))
    return alt.layer(image, field).properties(width=PANEL, height=PANEL,
                                              title=panel_title("direction of h(x)", "the trained network"))


def _histogram_panel(hist, angles, originals):
    """Histograms of the direction's angle by predicted class (spiral_data.DIRECTION_BINS bins), stacked; ticks at
    circular means (ours, coloured; the original's, black, where published)."""
    # ReLU's directions lie in its quadrant, 0-90 degrees: its axis spans that, tanh's the full turn
    x = alt.X("b0:Q", title="angle of h(x) (degrees)",
              scale=alt.Scale(domain={"expr": "act == 'relu' ? [0, 90] : [0, 360]"}, nice=False, zero=True),
              axis=alt.Axis(values={"expr": "act == 'relu' ? sequence(0, 91, 15) : sequence(0, 361, 45)"}))
    # each class's colour through a scale (not a colour computed per datum), which the dark theme draws in its
    # dark twins on the dark ground (figure.js, DARK_TWINS)
    colour = alt.Color("c:N", title="class", legend=None,
                       scale=alt.Scale(domain=list(range(len(style.SPIRAL_COLOURS))), range=style.SPIRAL_COLOURS))
    bars = (alt.Chart(hist).transform_calculate(name=class_name())
            .mark_bar(stroke="#fff", strokeWidth=0.5).encode(x=x, x2="b1:Q", y=alt.Y("sum(n):Q", title="grid points"),
                                                               color=colour, order=alt.Order("c:Q"),
                                                               tooltip=[alt.Tooltip("name:N", title="class"),
                                                                        alt.Tooltip("b0:Q", title="from (°)"),
                                                                        alt.Tooltip("b1:Q", title="to (°)"),
                                                                        alt.Tooltip("sum(n):Q", title="grid points",
                                                                                    format=",")]))
    means = (alt.Chart(angles).transform_calculate(name=class_name())
             .mark_tick(orient="vertical", thickness=3, size=18).encode(
                 x=alt.X("mean:Q"), y=alt.value(-12), color=colour,
                 tooltip=[alt.Tooltip("name:N", title="class"), alt.Tooltip("mean:Q", title="circular mean"),
                          alt.Tooltip("std:Q", title="circular std")]))
    # mean ± one circular std as a bar through the tick; for tanh a bar crossing 0° or 360° wraps to the other
    # end, for ReLU it stops at the quadrant's edges
    spread = (alt.Chart(angles).transform_calculate(lo="datum.mean - datum.std", hi="datum.mean + datum.std")
              .transform_calculate(pieces="act == 'relu' ? [[max(0, datum.lo), min(90, datum.hi)]] : "
                                          "datum.lo < 0 ? [[0, datum.hi], [360 + datum.lo, 360]] : "
                                          "datum.hi > 360 ? [[datum.lo, 360], [0, datum.hi - 360]] : [[datum.lo, datum.hi]]")
              .transform_flatten(["pieces"])
              .transform_calculate(from_="datum.pieces[0]", to="datum.pieces[1]")
              .mark_rule(strokeWidth=2, opacity=0.8).encode(x=alt.X("from_:Q"), x2="to:Q", y=alt.value(-12),
                                                            color=colour))
    theirs = (alt.Chart(alt.Data(values=originals)).transform_filter("datum.K == K && datum.act == act")
              .mark_point(shape="triangle-down", filled=True, size=50, color="#000").encode(
                  x=alt.X("mean:Q"), y=alt.value(-26), tooltip=[alt.Tooltip("mean:Q", title="original's mean")]))
    return alt.layer(bars, spread, means, theirs).properties(width=2 * PANEL - 40, height=120, title=alt.TitleParams(
        ["direction by predicted class:", "circular mean ± std (▼ the original's mean)"],  # two lines: fits a phone
        fontSize=12, anchor="start"))


def spiral_packing(options, variants) -> FigureOutput:
    """The packing claim through training for every K: the smallest angle between class-centroid
    directions over the best the activation's range allows, and for tanh the smallest centroid distance
    over the best for K points in the square; 1 means packed as far apart as possible."""
    rows, claims = [], {}
    for (K, act), choice in sorted(by_choice(variants).items()):
        built = choice_files(choice)
        claims |= {f"{name}_{act}_k{K}": value for name, value in built.claims.items()
                   if name in ("packing_angle", "packing_distance", "final_loss", "accuracy")}
        trace = packing_trace(choice)
        if act == "tanh":  # the last snapshot at which two class centres still crowd one place (packing.CROWDED)
            last = packing.last_crowded([step for step, _, _ in trace], [dist for _, _, dist in trace])
            claims |= {f"crowded_until_snapshot_tanh_k{K}": last, f"crowded_until_step_tanh_k{K}": trace[last][0]}
        rows += [{"K": K, "act": act, "step": int(s), "angle": round(a, 3)} | ({"dist": round(d, 3)} if d is not None else {})
                 for s, a, d in trace if s > 0]
    for act in ACTIVATIONS:
        finals = [v for k, v in claims.items() if k.startswith(f"packing_angle_{act}_k")]
        if finals:
            claims[f"packing_angle_mean_{act}"] = float(sum(finals) / len(finals))
            claims[f"packing_angle_min_{act}"] = float(min(finals))
    data = alt.Data(url=encode.url("packing.json"), format=alt.DataFormat(type="json"))
    ks = sorted({row["K"] for row in rows})
    steps = [row["step"] for row in rows]
    long = [{"K": row["K"], "p": p, "step": row["step"], "v": row[field]}
            for row in rows for p, (act, field) in enumerate(PACKING_PANELS) if row["act"] == act and field in row]
    long += [{"K": K, "p": PACKING_PANELS.index(("tanh", "dist")), "crowded": claims[f"crowded_until_step_tanh_k{K}"]}
             for K in ks if claims.get(f"crowded_until_snapshot_tanh_k{K}", 0) > 0]
    chart = _packing_chart(data, ks, [min(steps), max(steps)]).configure(**style.CONFIG)
    return FigureOutput(chart.to_dict(), {"packing.json": encode.json_file(long)}, claims)


# spiral-packing's columns, left to right: (activation, measure); its rows are K
PACKING_PANELS = (("tanh", "angle"), ("relu", "angle"), ("tanh", "dist"))
PACKING_HEADERS = [["tanh", "angle"], ["ReLU", "angle"], ["tanh", "distance"]]   # two lines: fits a phone's panels


def _packing_chart(data, ks: list[int], span: list[int]):
    """Small multiples: a row per K, a column per measure (PACKING_PANELS), one line each, so that no panel
    tangles six lines (ReLU's angles jump between snapshots); a dashed rule where the distance column's two class
    centres last crowd one place."""
    x_scale = alt.Scale(type="log", domain=span, nice=False)
    x = alt.X("step:Q", scale=x_scale, title=None, axis=alt.Axis(values=[1, 100, 10000], format="~s"))
    # one colour per K, distinct under colour-vision deficiency; the rows name K, so no legend
    colour = alt.Color("K:O", scale=alt.Scale(domain=ks, range=style.CATEGORICAL[:len(ks)]), legend=None)
    line = alt.Chart().transform_filter("isValid(datum.v)").mark_line(strokeWidth=1.5).encode(
        x=x, y=alt.Y("v:Q", scale=alt.Scale(domain=[0, 1.05], nice=False), title=None,
                     axis=alt.Axis(values=[0, 0.5, 1], format="~g", labelExpr="datum.value == 0.5 ? '' : datum.label")),
        color=colour, tooltip=[alt.Tooltip("K:O"), alt.Tooltip("step:Q", format=","),
                               alt.Tooltip("v:Q", title="share of the best", format=".2f")])
    crowded = alt.Chart().transform_filter("isValid(datum.crowded)").mark_rule(
        color="#555", strokeDash=[3, 2], strokeWidth=1.2).encode(
        x=alt.X("crowded:Q", scale=x_scale), tooltip=[alt.Tooltip("crowded:Q", title="last crowded at step",
                                                                  format=",")])
    names = json.dumps(PACKING_HEADERS).replace('"', "'") + "[datum.value]"
    return (alt.layer(line, crowded).properties(width=140, height=42)
            .facet(data=data, spacing={"row": 9, "column": 12},
                   row=alt.Row("K:O", header=alt.Header(title=None, labelExpr="'K = ' + datum.value", labelAngle=0,
                                                        labelAlign="right", labelFontSize=11)),
                   column=alt.Column("p:O", header=alt.Header(title=None, labelExpr=names, labelFontSize=11,
                                                              labelFontWeight="bold")))
            .properties(title=alt.TitleParams(
                "Packing through training, as a share of the best", fontSize=12, anchor="start", subtitleFontSize=11,
                subtitleColor="#555",
                subtitle=["over training steps, on a log scale",                   # short lines: fits a phone
                          "angle: the smallest angle between class directions",
                          "distance: the smallest distance between class centres",
                          "dashed: the last step two centres crowd one place"])))


def packing_trace(choice):
    """(step, angle ratio, distance ratio or None) at every snapshot of one run."""
    from .spiral_data import hidden_through_training
    run = choice.variant.run()
    H = hidden_through_training(run, choice.act)
    out = []
    for step, h in zip(run["snapshot_steps"], H):
        angle = packing.angle_ratio(h, run["y"], choice.K, choice.act)
        dist = packing.distance_ratio(h, run["y"], choice.K) if choice.act == "tanh" else None
        out.append((int(step), angle, dist))
    return out
