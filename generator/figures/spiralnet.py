"""spiralNet's figures (Ranlot 2017), drawn from every run of a sweep over K and the activation.

The reader picks K (and, where the columns do not show both, the activation) with the figure's own
controls; each choice's files load only when picked (see choices.py).
"""
from __future__ import annotations

import altair as alt

from . import choices, encode, style
from .output import FigureOutput
from .spiral_data import ACTIVATIONS, Choice, choice_files, choice_key

PANEL = 165   # px: two columns fit a 375 px phone
CELLS = 32    # the hidden layer's decision regions: CELLS x CELLS rectangles, recoloured every snapshot
NAMES = {"tanh": "tanh", "relu": "ReLU"}


def by_choice(variants) -> dict[tuple[int, str], Choice]:
    out = {}
    for v in variants:
        key = (int(v.values["data.classes"]), str(v.values["model.activation"]))
        out[key] = Choice(key[0], key[1], v)
    return out


def spiral_training(directive, variants) -> FigureOutput:
    """Figures (1), (3) and (4) of spiralNet for every K, tanh and ReLU side by side: the input plane's
    decision regions with the data, the last hidden layer through training with its own decision regions,
    and the loss with the scrubbed snapshot marked. One slider scrubs both columns."""
    runs = by_choice(variants)
    ks = sorted({k for k, _ in runs})
    default_k = int(directive.get("k", 4 if 4 in ks else ks[0]))
    files, claims, counts = {}, {}, set()
    for (K, act), choice in runs.items():
        built = choice_files(choice, angle_grid=0)
        files |= built.files
        claims |= {f"{name}_{act}_k{K}": value for name, value in built.claims.items()}
        counts.add(built.claims["frames"])
    if len(counts) != 1:
        raise ValueError(f"every run needs the same snapshot schedule, got {sorted(counts)} snapshots")
    frames = counts.pop()
    k_param = alt.param(name="K", value=default_k, bind=alt.binding_radio(options=ks, name="K "))
    frame = alt.param(name="frame", value=frames - 1,
                      bind=alt.binding_range(min=0, max=frames - 1, step=1, name="snapshot "))
    acts = [act for act in ACTIVATIONS if (default_k, act) in runs]
    chart = alt.hconcat(*[_training_column(act, default_k) for act in acts], spacing=14).add_params(k_param, frame)
    templates = {}
    for act in acts:
        for stem, ext in (("frames", "json"), ("points", "json")):
            templates[f"{stem}-{choice_key(default_k, act)}.{ext}"] = f"'{stem}-' + K + '-{act}.{ext}'"
    spec = choices.spec(chart.configure(**style.CONFIG), files, templates)
    claims |= {"snapshots": frames, "choices": len(runs)}
    return FigureOutput(spec, files, claims, frames=frames)


def _colour_expression(palette: list[str]) -> str:
    return "[" + ", ".join(f"'{c}'" for c in palette) + "][datum.c]"


def _training_column(act: str, K: int):
    tag = choice_key(K, act)
    frames_data = alt.Data(url=encode.url(f"frames-{tag}.json"), format=alt.DataFormat(type="json"))
    points_data = alt.Data(url=encode.url(f"points-{tag}.json"), format=alt.DataFormat(type="json"))
    colour = alt.Color("colour:N", scale=None)
    unit = alt.Scale(domain=[0, 1], nice=False, zero=False)
    centred = alt.Scale(domain=[-1, 1], nice=False, zero=False)
    title = lambda text: alt.TitleParams(text, fontSize=12, anchor="start")  # noqa: E731

    # (1) the input plane: the trained network's decision regions (an image per choice) and the data
    image = (alt.Chart(alt.Data(values=[{"lo": -1, "hi": 1}]))
             .transform_calculate(src=f"files['input-' + K + '-{act}.png']")
             .mark_image(aspect=False).encode(url="src:N", x=alt.X("lo:Q", scale=centred, axis=None), x2="hi:Q",
                                              y=alt.Y("lo:Q", scale=centred, axis=None), y2="hi:Q"))
    data = (alt.Chart(points_data)
            .transform_calculate(u="datum.ix / 1000", v="datum.iy / 1000",
                                 colour=_colour_expression(style.SPIRAL_COLOURS))
            .mark_circle(size=6, opacity=0.9).encode(x=alt.X("u:Q", scale=centred, axis=None),
                                                     y=alt.Y("v:Q", scale=centred, axis=None), color=colour))
    inputs = alt.layer(image, data).properties(width=PANEL, height=PANEL, title=title(f"{NAMES[act]}: input plane"))

    # (3) the last hidden layer at the scrubbed snapshot, over that layer's own decision regions
    step = 1 / CELLS
    cells = (alt.Chart(alt.sequence(0, CELLS * CELLS, as_="n"))
             .transform_calculate(fk="frame")
             .transform_lookup(lookup="fk", from_=alt.LookupData(data=frames_data, key="i",
                                                                 fields=["w", "z", "x0", "y0"]))
             .transform_calculate(cx=f"(datum.n % {CELLS}) * {step}", cy=f"floor(datum.n / {CELLS}) * {step}")
             .transform_calculate(hx=f"datum.x0 + (datum.cx + {step / 2}) * datum.z",
                                  hy=f"datum.y0 + (datum.cy + {step / 2}) * datum.z",
                                  cx2=f"datum.cx + {step * 1.04}", cy2=f"datum.cy + {step * 1.04}")
             .transform_calculate(c=_argmax_expression())
             .transform_calculate(colour=_colour_expression(
                 ["#%02x%02x%02x" % rgb for rgb in style.spiral_backgrounds()]))
             .mark_rect(strokeWidth=0).encode(x=alt.X("cx:Q", scale=unit, axis=None), x2="cx2:Q",
                                 y=alt.Y("cy:Q", scale=unit, axis=None), y2="cy2:Q", color=colour))
    moving = (alt.Chart(points_data)
              .transform_calculate(fk="frame")
              .transform_lookup(lookup="fk", from_=alt.LookupData(data=frames_data, key="i", fields=["j"]))
              .transform_calculate(u=f"datum.x[datum.j] / {_quant()}", v=f"datum.y[datum.j] / {_quant()}",
                                   colour=_colour_expression(style.SPIRAL_COLOURS))
              .mark_circle(size=6, opacity=0.9).encode(x=alt.X("u:Q", scale=unit, axis=None),
                                                       y=alt.Y("v:Q", scale=unit, axis=None), color=colour))
    label = (alt.Chart(frames_data).transform_filter("datum.i == frame")
             .mark_text(align="left", baseline="top", fontSize=10, color="#222")
             .encode(text="label:N", x=alt.value(0), y=alt.value(PANEL + 3)))
    hidden = alt.layer(cells, moving, label).properties(
        width=PANEL, height=PANEL, title=title(f"{NAMES[act]}: last hidden layer"))

    # (4) the loss at every snapshot, with the scrubbed one marked
    loss = alt.Chart(frames_data).transform_filter("datum.step > 0")
    x = alt.X("step:Q", scale=alt.Scale(type="log"), title="step")
    y = alt.Y("loss:Q", scale=alt.Scale(type="log"), title="loss")
    curve = alt.layer(
        loss.mark_line(color="#333", strokeWidth=1.3).encode(x=x, y=y),
        loss.transform_filter("datum.i == frame").mark_point(color="#d1352b", size=40, filled=True).encode(x=x, y=y),
    ).properties(width=PANEL, height=80)
    return alt.vconcat(inputs, hidden, curve, spacing=16)


def _quant() -> int:
    from .spiral_data import QUANT
    return QUANT


def _argmax_expression(classes: int = 7) -> str:
    """The class whose score w_k . h + b_k is largest; each frame's w holds (w_k1, w_k2, b_k) per class."""
    scores = [f"(length(datum.w) > {3 * k} ? datum.w[{3 * k}] * datum.hx + datum.w[{3 * k + 1}] * datum.hy "
              f"+ datum.w[{3 * k + 2}] : -1e30)" for k in range(classes)]
    return f"indexof([{', '.join(scores)}], max({', '.join(scores)}))"
