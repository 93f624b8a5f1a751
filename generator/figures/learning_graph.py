"""Learning graphs (Gabella 2019): Mapper graphs of a layer's weights through training, and the number of
branches per layer beside the accuracy.

mapper-graph    one layer's Mapper graph (lens: the weight norm, or the distance from the mean in PCA space),
                nodes coloured by mean training step and sized by how many (snapshot, neuron) points they hold;
                the output layer's branch tips are labelled with their digits
mapper-surface  the first hidden layer with a three-dimensional PCA lens: the learning surface as a grid
branch-count    branches per layer through training above train and test accuracy, sharing the step axis
"""
from __future__ import annotations

import dataclasses

import altair as alt
import numpy as np

from .. import frames
from ..analysis import branches, mapper_graph, plateaus
from ..analysis.learning_cloud import cloud, layer_count, layer_name
from . import encode, style
from .output import FigureOutput

EDGE_COLOUR = "#9aa0a8"
VIEW = 1.12   # the graph's view spans [-VIEW, VIEW] on both axes, SIZE px wide
NODE_AREA = (12, 260)   # px²: a node's area, from none to the most points a node holds (a linear scale from zero)
# digit labels: a label starts LABEL_OFFSET px right of its node's edge, at most CHAR_PX a character wide; labels whose
# boxes would meet sit at least LABEL_GAP px apart (13 px bold digits), joined to their node by a thin leader line
LABEL_OFFSET, LABEL_GAP, CHAR_PX = 4, 16, 9
LAYER_COLOURS = style.LAYER_COLOURS  # distinct under colour-vision deficiency (tests/test_palettes.py)


def mapper_figure(options, run, spec, claims) -> FigureOutput:
    layers = layer_count(run)
    layer = options["layer"] % layers
    lens = options["lens"]
    if lens not in ("norm", "mean-distance"):
        raise ValueError("mapper-graph lens must be 'norm' or 'mean-distance'")
    params = _tuned(options, mapper_graph.default_params(layer, layers, lens))
    lens_text = "weight norm" if lens == "norm" else "distance from the mean (PCA space)"
    return _graph_output(run, layer, layers, params, lens_text)


def mapper_surface(options, run, spec, claims) -> FigureOutput:
    layers = layer_count(run)
    layer = options["layer"] % layers
    return _graph_output(run, layer, layers, _tuned(options, mapper_graph.default_params(layer, layers, "pca3")),
                         "first three principal components")


def _tuned(options, params: mapper_graph.MapperParams) -> mapper_graph.MapperParams:
    """The directive's own cover and clustering settings (`intervals`, `overlap`, `eps`) over the defaults."""
    given = {"n_cubes": options["intervals"], "perc_overlap": options["overlap"], "eps": options["eps"]}
    return dataclasses.replace(params, **{k: v for k, v in given.items() if v is not None})


def _graph_output(run, layer: int, layers: int, params, lens_text: str) -> FigureOutput:
    cl = cloud(run, layer, frames.best_seed(run))  # the seed the claims call shown_seed
    graph = mapper_graph.learning_graph(cl, params)
    pos = mapper_graph.layout(graph)
    nodes = [{"x": round(float(x), 4), "y": round(float(y), 4), "step": round(node["mean_step"]),
              "size": node["size"], "neurons": int(len(np.unique(cl.neuron[node["members"]]))),
              "from": int(cl.step[node["members"]].min()), "to": int(cl.step[node["members"]].max())}
             for node, (x, y) in zip(graph.nodes, pos)]
    edges = [{"x": nodes[a]["x"], "y": nodes[a]["y"], "x2": nodes[b]["x"], "y2": nodes[b]["y"]}
             for a, b in graph.edges]
    labels = _digit_labels(graph, cl, pos, max(node["size"] for node in nodes)) if layer == layers - 1 else []
    files = {"nodes.json": encode.json_file(nodes), "edges.json": encode.json_file(edges or [{}]),
             "labels.json": encode.json_file(labels or [{}])}
    p = graph.params
    cubes = f"{p.n_cubes}³ cubes" if p.lens == "pca3" else f"{p.n_cubes} intervals"
    subtitle = [f"lens: {lens_text}", f"{cubes}, overlap {p.perc_overlap:g}",  # short lines: fits a phone
                f"DBSCAN eps {p.eps:g} × radius, min_samples {p.min_samples}"]
    chart = _graph_chart(f"Learning graph, {layer_name(layer, layers)}", subtitle, bool(labels), int(cl.steps[-1]))
    out_claims = {f"graph_{k}": v for k, v in graph.summary().items() if k != "lens"}
    out_claims |= {"graph_leaves": mapper_graph.leaves(graph), "graph_pieces": mapper_graph.components(graph),
                   "graph_layer": layer + 1}
    return FigureOutput(chart.configure(**style.CONFIG).to_dict(), files, out_claims)


def _digit_labels(graph, cl, pos, most: int) -> list[dict]:
    """Each output neuron's digit, at the latest node holding its last-snapshot point."""
    last = np.flatnonzero(cl.snapshot == cl.snapshot.max())
    holders: dict[int, list[int]] = {}
    for point in last:
        found = [n["id"] for n in graph.nodes if point in set(n["members"].tolist())]
        if found:
            best = max(found, key=lambda i: graph.nodes[i]["mean_step"])
            holders.setdefault(best, []).append(int(cl.neuron[point]))
    radius = lambda i: float(np.sqrt((NODE_AREA[0] + (NODE_AREA[1] - NODE_AREA[0]) * graph.nodes[i]["size"] / most)
                                     / np.pi))
    return placed_labels([{"x": round(float(pos[i][0]), 4), "y": round(float(pos[i][1]), 4), "r": round(radius(i), 1),
                           "digit": " ".join(str(d) for d in sorted(digits))} for i, digits in sorted(holders.items())])


def placed_labels(labels: list[dict], size: float = style.SIZE) -> list[dict]:
    """Each label with where it is written (lx, ly: its left end, its middle), in the view's units: LABEL_OFFSET px
    right of its node's edge (r: the node's radius in px), and moved up or down only as far as it takes to keep LABEL_GAP px from every label whose box
    it shares a column with (the output layer's chain holds its tips one under another), within the view. A run of
    crowded labels keeps its order and is centred on its nodes."""
    px = 2 * VIEW / size   # the view's units per pixel
    width = lambda label: (len(label["digit"]) * CHAR_PX) * px
    out = [dict(label, lx=round(label["x"] + (label.get("r", 0) + LABEL_OFFSET) * px, 4), ly=label["y"]) for label in labels]
    gap, top = LABEL_GAP * px, VIEW - LABEL_GAP * px / 2
    # labels that share a column (their boxes overlap side to side), a component at a time, bottom to top
    beside = lambda a, b: a["lx"] < b["lx"] + width(b) and b["lx"] < a["lx"] + width(a)
    unplaced = list(range(len(out)))
    while unplaced:
        group, grow = [unplaced.pop(0)], True
        while grow:
            grow = False
            for i in list(unplaced):
                if any(beside(out[i], out[j]) for j in group):
                    group.append(i)
                    unplaced.remove(i)
                    grow = True
        group.sort(key=lambda i: out[i]["y"])
        # runs: neighbours closer than the gap are one run, spread evenly around their mean and kept inside the
        # view; merge until no two runs meet
        runs = [[i] for i in group]

        def spread(run):
            ys = [sum(out[i]["y"] for i in run) / len(run) + (n - (len(run) - 1) / 2) * gap for n in range(len(run))]
            shift = max(0.0, -top - ys[0]) - max(0.0, ys[-1] - top)
            return [y + shift for y in ys]
        merged = True
        while merged:
            merged = False
            for n in range(len(runs) - 1):
                if spread(runs[n])[-1] + gap > spread(runs[n + 1])[0] + 1e-9:
                    runs[n:n + 2] = [runs[n] + runs[n + 1]]
                    merged = True
                    break
        for run in runs:
            for i, y in zip(run, spread(run)):
                out[i]["ly"] = round(y, 4)
    return out


def _graph_chart(title: str, subtitle: list[str], labelled: bool, last_step: int):
    scale = alt.Scale(domain=[-VIEW, VIEW], nice=False, zero=False)
    x, y = alt.X("x:Q", scale=scale, axis=None), alt.Y("y:Q", scale=scale, axis=None)
    edges = alt.Chart(alt.Data(url=encode.url("edges.json"))).mark_rule(
        color=EDGE_COLOUR, strokeWidth=1.2).encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    # a dark outline: the latest nodes are viridis's yellow, which alone nearly vanishes on white
    nodes = alt.Chart(alt.Data(url=encode.url("nodes.json"))).mark_circle(
        opacity=0.95, stroke="#333333", strokeWidth=0.7).encode(
        x=x, y=y,
        color=alt.Color("step:Q", scale=alt.Scale(scheme="viridis", domain=[0, last_step]),
                        legend=alt.Legend(title="mean step", orient="bottom", gradientLength=180,
                                          format="~s")),
        size=alt.Size("size:Q", scale=alt.Scale(range=list(NODE_AREA), zero=True), legend=None),
        tooltip=[alt.Tooltip("step:Q", title="mean training step"),
                 alt.Tooltip("from:Q", title="from step"), alt.Tooltip("to:Q", title="to step"),
                 alt.Tooltip("size:Q", title="points (snapshot × neuron)"),
                 alt.Tooltip("neurons:Q", title="distinct neurons")])
    layers = [edges, nodes]
    if labelled:  # each tip's digits beside it, moved apart where they would meet (placed_labels), with a leader
        labels = alt.Chart(alt.Data(url=encode.url("labels.json")))
        leaders = labels.transform_filter(f"abs(datum.ly - datum.y) > {2 * VIEW / style.SIZE * 2}").mark_rule(
            color="#555", strokeWidth=0.8, aria=False).encode(x=x, y=y, x2="lx:Q", y2="ly:Q")
        layers += [leaders, labels.mark_text(align="left", baseline="middle", dx=2, fontSize=13, fontWeight="bold",
                                             color="#222").encode(x=alt.X("lx:Q", scale=scale, axis=None),
                                                                  y=alt.Y("ly:Q", scale=scale, axis=None),
                                                                  text="digit:N")]
    return alt.layer(*layers).properties(
        width=style.SIZE, height=style.SIZE,
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=13, subtitleFontSize=11,
                              subtitleColor="#555"))


def branch_count(options, run, spec, claims) -> FigureOutput:
    layers = layer_count(run)
    steps = np.asarray(run["snapshot_steps"])
    seed = frames.best_seed(run)  # the seed the claims call shown_seed
    counts = branches.all_branch_counts(run, seed)
    rows = [{"step": int(s), "layer": layer_name(layer, layers), "branches": int(c)}
            for layer, count in counts.items() for s, c in zip(steps, count)]
    accuracy = [{"step": int(s), "split": split, "accuracy": round(float(a), 4)}
                for split, key in (("train", "train_accuracy"), ("test", "test_accuracy"))
                for s, a in zip(steps, run[key][:, seed])]
    found = plateaus.jumps(run["test_accuracy"][:, seed])
    jumps = [{"step": int(steps[j.start])} for j in found]
    files = {"branches.json": encode.json_file(rows), "accuracy.json": encode.json_file(accuracy),
             "jumps.json": encode.json_file(jumps or [{}])}
    names = [layer_name(layer, layers) for layer in range(layers)]
    x = alt.X("step:Q", title="training step", scale=alt.Scale(domain=[0, int(steps[-1])], nice=False),
              axis=alt.Axis(format="~s"))
    marks = alt.Chart(alt.Data(url=encode.url("jumps.json"))).mark_rule(
        color="#888", strokeDash=[4, 3], strokeWidth=1).encode(x=x)
    top = alt.layer(marks, alt.Chart(alt.Data(url=encode.url("branches.json"))).mark_line(
        strokeWidth=1.8, interpolate="step-after").encode(
        x=alt.X("step:Q", title=None, scale=alt.Scale(domain=[0, int(steps[-1])], nice=False),
                axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("branches:Q", title="branches", scale=alt.Scale(type="log", domainMin=1)),
        color=alt.Color("layer:N", scale=alt.Scale(domain=names, range=LAYER_COLOURS[:len(names)]),
                        legend=alt.Legend(title=None, orient="top", columns=2)),  # two columns: fits a phone
        tooltip=["layer:N", "step:Q", "branches:Q"])).properties(width=style.SIZE, height=150)
    bottom = alt.layer(marks, alt.Chart(alt.Data(url=encode.url("accuracy.json"))).mark_line(strokeWidth=1.6).encode(
        x=x, y=alt.Y("accuracy:Q", title="accuracy", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("split:N", scale=alt.Scale(domain=["train", "test"], range=["#8a8f98", "#111111"]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=["split:N", "step:Q", alt.Tooltip("accuracy:Q", format=".1%")])).properties(
        width=style.SIZE, height=150)
    chart = alt.vconcat(top, bottom, spacing=8).resolve_scale(color="independent")
    out_claims = {"branch_eps_fraction": branches.EPS_FRACTION, "branch_jumps_marked": len(found)}
    for layer, count in counts.items():
        out_claims[f"branches_final_layer{layer + 1}"] = int(count[-1])
    return FigureOutput(chart.configure(**style.CONFIG).to_dict(), files, out_claims)
