"""Gabella 2019, read from the run's records through training: accuracy (1), weight norms per neuron (2),
how test images of one digit are classified (6) and the final confusion matrix (7).

Every builder reads seed frames.best_seed(run) (MNIST runs have one seed) and ships only what it draws:
accuracies, norms, counts; never the weights themselves.
"""
from __future__ import annotations

import re

import altair as alt
import numpy as np

from .. import frames
from ..analysis.learning_cloud import layer_count, layer_key, layer_name, weights
from . import encode, style
from .output import FigureOutput

WIDTH = 320          # px: the plot area; with its axes the figure fits a 375 px phone at a small reduction
CHANCE = 0.1         # ten classes
TRAIN_COLOUR, TEST_COLOUR = "#8a8f98", "#2c6fbb"
JUMP_COLOUR = "#d1352b"
# Ten colours for ten digits, distinct under colour-vision deficiency (style.CATEGORICAL; the paper's matplotlib
# figures used tableau10, whose red and green bands collapse for deuteranopes).
DIGIT_COLOURS = style.DIGIT_COLOURS


def accuracy_curve(options, run, spec, claims) -> FigureOutput:
    """Train and test accuracy at every snapshot, a rule at chance, and the accuracy jumps the
    experiment's claims name (if any) as pale bands."""
    seed = frames.best_seed(run)
    steps = np.asarray(run["snapshot_steps"])
    train, test = _accuracies(run, seed)
    rows = [{"s": int(s), "train": round(float(a), 4), "test": round(float(b), 4)} for s, a, b in zip(steps, train, test)]
    jumps = jump_spans(claims)
    x = alt.X("s:Q", title="training step", scale=alt.Scale(domain=[0, int(steps[-1])], nice=False))
    y = alt.Y("accuracy:Q", title="accuracy", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    base = alt.Chart(alt.Data(url=encode.url("accuracy.json"), format=alt.DataFormat(type="json")))
    lines = base.transform_fold(["train", "test"], as_=["split", "accuracy"]).mark_line(strokeWidth=1.6).encode(
        x=x, y=y, color=alt.Color("split:N", title=None, scale=alt.Scale(domain=["train", "test"],
                                                                          range=[TRAIN_COLOUR, TEST_COLOUR]),
                                  legend=alt.Legend(orient="top-left", direction="horizontal")))
    chance = (alt.Chart(alt.Data(values=[{"y": CHANCE, "label": "chance"}]))
              .encode(y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 1])))).mark_rule(
        color="#555", strokeDash=[4, 3], strokeWidth=1)
    chance_label = (alt.Chart(alt.Data(values=[{"y": CHANCE, "label": "chance (10%)"}]))
                    .mark_text(align="right", baseline="top", dy=3, dx=-2, fontSize=10, color="#555")
                    .encode(y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 1])), x=alt.value("width"), text="label:N"))  # the plot's right edge, however wide
    layers = [chance, chance_label, lines]
    if jumps:
        layers.insert(0, _jump_marks(jumps, x))
    chart = alt.layer(*layers).properties(width=WIDTH, height=200)
    figure_claims = {
        "final_train_accuracy": float(train[-1]), "final_test_accuracy": float(test[-1]),
        "best_test_accuracy": float(test.max()), "best_test_step": int(steps[int(test.argmax())]),
        "chance_level": CHANCE, "snapshots": int(len(steps)), "last_step": int(steps[-1]), "jumps_marked": len(jumps),
    }
    return FigureOutput(_spec(chart), {"accuracy.json": encode.json_file(rows)}, figure_claims)


def weight_norms(options, run, spec, claims) -> FigureOutput:
    """The norm of every neuron's incoming weight vector through training, one panel per layer, a thin
    line per neuron; red rules at the accuracy jumps the claims name. Options: `scale` linear | log,
    `max_points` (most snapshots drawn per line, every k-th)."""
    seed = frames.best_seed(run)
    all_steps = np.asarray(run["snapshot_steps"])
    shown = stride_subsample(len(all_steps), options["max_points"])
    steps = all_steps[shown]
    count = layer_count(run)
    scale_type = options["scale"]
    if scale_type not in ("linear", "log"):
        raise ValueError(f"scale must be linear or log, got {scale_type!r}")
    rows, figure_claims = [], {}
    for layer in range(count):
        norms = np.linalg.norm(weights(run, layer, seed), axis=2)  # (T, neurons)
        name = layer_key(layer, count)
        figure_claims |= {f"{name}_neurons": int(norms.shape[1]),
                          f"{name}_norm_start": float(norms[0].mean()), f"{name}_norm_end": float(norms[-1].mean()),
                          f"{name}_norm_max": float(norms.max())}
        # linear: integers in thousandths of the layer's largest norm (u); log: three significant digits
        unit = max(float(norms.max()), 1e-12) / 1000 if scale_type == "linear" else 1.0
        for t, step in zip(shown, steps):
            values = (np.round(norms[t] / unit).astype(int).tolist() if scale_type == "linear"
                      else [_significant(max(v, 1e-12)) for v in norms[t]])
            rows.append({"L": layer, "s": int(step), "u": _significant(unit, 4), "v": values})
    jumps = jump_spans(claims)
    figure_claims |= {"jumps_marked": len(jumps), "layers": count, "points_per_line": int(len(shown))}
    x = alt.X("s:Q", title="training step", scale=alt.Scale(domain=[0, int(steps[-1])], nice=False))
    data = alt.Data(url=encode.url("norms.json"), format=alt.DataFormat(type="json"))
    panels = []
    for layer in range(count):
        lines = (alt.Chart(data).transform_filter(f"datum.L == {layer}")
                 .transform_flatten(["v"]).transform_window(n="row_number()", groupby=["s"])
                 .transform_calculate(norm="datum.v * datum.u")
                 .mark_line(strokeWidth=0.6, opacity=0.45, color=TEST_COLOUR)
                 .encode(x=x if layer == count - 1 else x.axis(title=None),
                         y=alt.Y("norm:Q", title="‖w‖", scale=alt.Scale(type=scale_type, zero=scale_type == "linear")),
                         detail="n:O"))
        layers = [_jump_marks(jumps, x), lines] if jumps else [lines]
        neurons = figure_claims[layer_key(layer, count) + "_neurons"]
        title = alt.TitleParams(f"{layer_name(layer, count)} ({neurons} neurons)", fontSize=12, anchor="start")
        panels.append(alt.layer(*layers).properties(width=WIDTH, height=120, title=title))
    chart = alt.vconcat(*panels, spacing=10).resolve_scale(y="independent")
    return FigureOutput(_spec(chart), {"norms.json": encode.json_file(rows)}, figure_claims)


def digit_fate(options, run, spec, claims) -> FigureOutput:
    """How the test images of one digit (option `digit`) are classified at every snapshot:
    the share predicted as each of the ten classes, stacked to 1."""
    digit = options["digit"]
    if not 0 <= digit <= 9:
        raise ValueError(f"digit must be 0..9, got {digit}")
    seed = frames.best_seed(run)
    steps = np.asarray(run["snapshot_steps"])
    counts = np.asarray(run["test_confusion"][:, seed, digit], np.int64)  # (T, predicted)
    total = int(counts[0].sum())
    if total == 0:
        raise ValueError(f"the test split has no image of the digit {digit}")
    shares = counts / counts.sum(1, keepdims=True)
    rows = [{"s": int(s), "f": encode.rounded(f, 4)} for s, f in zip(steps, shares)]
    x = alt.X("s:Q", title="training step", scale=alt.Scale(domain=[0, int(steps[-1])], nice=False))
    chart = (alt.Chart(alt.Data(url=encode.url("fate.json"), format=alt.DataFormat(type="json")))
             .transform_flatten(["f"]).transform_window(rank="row_number()", groupby=["s"])
             .transform_calculate(p="datum.rank - 1", below=f"datum.rank - 1 == {digit} ? -1 : datum.rank - 1")
             .mark_area(interpolate="step-after" if len(steps) < 40 else "linear")
             .encode(x=x,
                     y=alt.Y("f:Q", stack="normalize", title=f"share of the test {digit}s", axis=alt.Axis(format="%")),
                     color=alt.Color("p:O", title="classified as", scale=alt.Scale(domain=list(range(10)),
                                                                                   range=DIGIT_COLOURS),
                                     legend=alt.Legend(orient="bottom", direction="horizontal", columns=5,  # fits a phone
                                                       symbolType="square", columnPadding=6)),
                     order=alt.Order("below:Q", sort="ascending"),  # the digit itself at the bottom
                     tooltip=[alt.Tooltip("s:Q", title="step"), alt.Tooltip("p:O", title="classified as"),
                              alt.Tooltip("f:Q", title="share", format=".1%")])
             .properties(width=WIDTH, height=200))
    # the snapshots at which the network sends (nearly) every test image to one class, and how often
    # that class changes between them
    predicted = np.asarray(run["test_confusion"][:, seed], np.int64).sum(1)  # (T, predicted class)
    single = predicted.max(1) >= 0.99 * predicted.sum(1)
    single_classes = predicted.argmax(1)[single]
    # once the first rise is over: the wrong class that takes the most of this digit
    after = np.arange(_first_rise_end(run, seed, claims), len(steps))
    after = after if len(after) else np.arange(len(steps))
    wrong = np.delete(shares[after], digit, axis=1).mean(0)
    main_wrong = int(np.delete(np.arange(10), digit)[wrong.argmax()])
    figure_claims = {
        "digit": digit, "digit_count": total,
        "final_correct": float(shares[-1, digit]), "best_correct_after_rise": float(shares[after, digit].max()),
        "main_wrong": main_wrong, "main_wrong_peak_share": float(shares[after, main_wrong].max()),
        "main_wrong_peak_step": int(steps[after[int(shares[after, main_wrong].argmax())]]),
        "main_wrong_final_share": float(shares[-1, main_wrong]),
        "single_class_snapshots": int(single.sum()),
        "single_class_switches": int((np.diff(single_classes) != 0).sum()) if len(single_classes) else 0,
        "single_class_distinct": int(len(set(single_classes.tolist()))),
    }
    return FigureOutput(_spec(chart), {"fate.json": encode.json_file(rows)}, figure_claims)


def confusion_matrix(options, run, spec, claims) -> FigureOutput:
    """The test confusion matrix at one snapshot (option `snapshot`): rows true digit,
    columns predicted, counts written in the cells."""
    seed = frames.best_seed(run)
    steps = np.asarray(run["snapshot_steps"])
    at = options["snapshot"]
    matrix = np.asarray(run["test_confusion"][at, seed], np.int64)
    rows = [{"t": t, "p": p, "n": int(matrix[t, p])} for t in range(10) for p in range(10)]
    top = int(matrix.max())
    base = alt.Chart(alt.Data(url=encode.url("confusion.json"), format=alt.DataFormat(type="json")))
    digits = list(range(10))
    x = alt.X("p:O", title="predicted digit", scale=alt.Scale(domain=digits), axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y("t:O", title="true digit", scale=alt.Scale(domain=digits))
    cells = base.transform_filter("datum.n > 0").mark_rect(stroke="#fff", strokeWidth=0.5).encode(
        x=x, y=y, color=alt.Color("n:Q", title="images", scale=alt.Scale(scheme="blues", domain=[0, max(top, 1)]),
                                  legend=alt.Legend(orient="bottom", gradientLength=160)),
        tooltip=[alt.Tooltip("t:O", title="true"), alt.Tooltip("p:O", title="predicted"), alt.Tooltip("n:Q", title="images")])
    text = base.transform_filter("datum.n > 0").mark_text(fontSize=10).encode(
        x=x, y=y, text="n:Q",
        color=alt.condition(f"datum.n > {top / 2}", alt.value("#fff"), alt.value("#222")))
    grid = base.mark_rect(fill="#fff", stroke="#e3e3e3", strokeWidth=0.5).encode(x=x, y=y)
    chart = alt.layer(grid, cells, text).properties(width=WIDTH, height=WIDTH)
    off = matrix.copy()
    np.fill_diagonal(off, -1)
    true, predicted = np.unravel_index(int(off.argmax()), off.shape)
    figure_claims = {"test_count": int(matrix.sum()), "accuracy": float(np.trace(matrix) / max(matrix.sum(), 1)),
                     "step": int(steps[at]), "top_confusion_true": int(true), "top_confusion_predicted": int(predicted),
                     "top_confusion_count": int(matrix[true, predicted]),
                     "best_digit": int(np.argmax(np.diag(matrix) / np.maximum(matrix.sum(1), 1))),
                     "worst_digit": int(np.argmin(np.diag(matrix) / np.maximum(matrix.sum(1), 1)))}
    return FigureOutput(_spec(chart), {"confusion.json": encode.json_file(rows)}, figure_claims)


def jump_spans(claims: dict) -> list[tuple[int, int]]:
    """(first step, last step) of every accuracy jump the experiment's claims name (jump1_start_step,
    jump1_end_step, ...); a jump with only a start step is a single step. None named: []."""
    spans = []
    for key, value in claims.items():
        found = re.fullmatch(r"jump(\d+)_start_step", key)
        if found and isinstance(value, (int, float)):
            end = claims.get(f"jump{found.group(1)}_end_step", value)
            spans.append((int(found.group(1)), int(value), int(end if isinstance(end, (int, float)) else value)))
    return [(start, end) for _, start, end in sorted(spans)]


def stride_subsample(count: int, most: int) -> np.ndarray:
    """Every k-th index of range(count), k the smallest stride that keeps at most `most` indices; the last
    index is always kept (it may shorten the final stride)."""
    stride = max(1, -(-(count - 1) // max(most - 1, 1)))
    picked = np.arange(0, count, stride)
    if picked[-1] != count - 1:
        picked = np.append(picked, count - 1) if len(picked) < most else np.append(picked[:-1], count - 1)
    return picked


def _jump_marks(spans: list[tuple[int, int]], x) -> alt.LayerChart:
    """A pale band over each jump and a dashed rule where it starts."""
    data = alt.Data(values=[{"s": start, "e": end} for start, end in spans])
    band = alt.Chart(data).mark_rect(color=JUMP_COLOUR, opacity=0.12).encode(x=x, x2="e:Q")
    rule = alt.Chart(data).mark_rule(color=JUMP_COLOUR, strokeDash=[3, 3], strokeWidth=1, opacity=0.8).encode(x=x)
    return alt.layer(band, rule)


def _first_rise_end(run: dict, seed: int, claims: dict) -> int:
    """The snapshot where the accuracy's first rise out of the plateau ends: the experiment's jump1_end_step
    if its claims have one, otherwise the first snapshot whose test accuracy reaches twice chance."""
    steps = np.asarray(run["snapshot_steps"])
    if isinstance(claims.get("jump1_end_step"), (int, float)):
        return int(np.abs(steps - claims["jump1_end_step"]).argmin())
    reached = np.flatnonzero(np.asarray(run["test_accuracy"][:, seed]) >= 2 * CHANCE)
    return int(reached[0]) if len(reached) else len(steps) - 1


def _accuracies(run: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if "test_accuracy" not in run:
        raise ValueError("this figure needs a run with a test split (train_accuracy, test_accuracy)")
    return (np.asarray(run["train_accuracy"][:, seed], np.float64), np.asarray(run["test_accuracy"][:, seed], np.float64))


def _significant(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


def _spec(chart) -> dict:
    return chart.configure(**style.CONFIG).to_dict()
