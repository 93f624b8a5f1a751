"""Every kind that draws a run's classes draws all K of them (issue 24, item 2): Olah's red and blue and the legend
"class A / class B" for two classes, spiralNet's colour-blind-safe palettes for three to seven; a kind refuses a K
it cannot draw while the content is gathered, before anything trains, naming the file and line.

The runs are tiny (30 points a class, 200 steps, 2 seeds), trained here from experiment files written beside the
test: K = 3 spirals (k-spirals) through the networks each kind draws, and Olah's two curves for K = 2."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from generator import config, content, figures, frames, train
from generator.figures import boundary, plane, style
from tests.test_content import HEAD, REFS, figure_block

THREE = """[data]
kind = "k-spirals"
classes = 3
points_per_class = 30
scale = 20.0

[model]
MODEL

[train]
optimizer = "adam"
learning_rate = 0.03
steps = 200
seeds = 2
snapshots = 5
"""
TWO = THREE.replace('kind = "k-spirals"\nclasses = 3\n', 'kind = "two-curves"\n').replace("scale = 20.0\n", "")
MLP = 'hidden = HIDDEN\nactivation = "tanh"'
FIELD = 'kind = "vector-field"\nhidden = [2, 2]\nanchors_per_side = 4\nanchor_reach = 1.2\nbump_width = 0.35'

# kind -> (the network it draws, its options): the target's [3, 2] network where a kind can draw it
DRAWN = {
    "dataset": ("[3, 2]", {}),
    "decision-regions": ("[3, 2]", {}),
    "hidden-representation": ("[3, 2]", {"layer": 2}),
    "stretch-map": ("[3, 2]", {}),
    "layer-morph": ("[2, 2]", {}),
    "weight-playground": ("[2]", {}),
    "training-motion": ("[2]", {"circles": False}),
    "rotatable-3d": ("[3]", {"circles": False}),
    "field-morph": ("field", {}),
}
REGIONS = {"decision-regions", "hidden-representation"}


def model(network: str) -> str:
    return FIELD if network == "field" else MLP.replace("HIDDEN", network)


def _train(tmp_path_factory, text: str):
    folder = tmp_path_factory.mktemp("experiments")
    (folder / "run.toml").write_text(text)
    spec = config.load_experiments(folder)["run"].spec
    return spec, train.train("run", spec)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(K, network) -> (spec, run): K = 3 through every network of DRAWN, K = 2 through the same ones."""
    out = {}
    for network in sorted({network for network, _ in DRAWN.values()}):
        out[3, network] = _train(tmp_path_factory, THREE.replace("MODEL", model(network)))
        out[2, network] = _train(tmp_path_factory, TWO.replace("MODEL", model(network)))
    return out


def draw(runs, kind: str, K: int):
    network, options = DRAWN[kind]
    spec, run = runs[K, network]
    return figures.builder(kind)(figures.resolve_options(kind, options), run, spec, {})


def colour_scales(node) -> list[dict]:
    """Every colour channel the spec colours by k (the classes' scale), wherever it sits in the layers."""
    found = []
    if isinstance(node, dict):
        colour = node.get("color")
        if isinstance(colour, dict) and colour.get("field") == "k":
            found.append(colour)
        for value in node.values():
            found += colour_scales(value)
    elif isinstance(node, list):
        for value in node:
            found += colour_scales(value)
    return found


def class_points(files: dict) -> dict[int, int]:
    """k -> how many points of that kind the figure's packed points hold (every row: a layer, or the one plane)."""
    counted: dict[int, int] = {}
    for row in json.loads(files["points.json"]):
        for x, k in zip(row["x"], row["k"]):
            if x is not None:
                counted[k] = counted.get(k, 0) + 1
    return counted


def region_colours(png: bytes) -> set[tuple[int, int, int]]:
    return {rgb for _, rgb in Image.open(io.BytesIO(png)).convert("RGB").getcolors()}


@pytest.mark.parametrize("kind", sorted(DRAWN))
def test_three_classes_are_drawn_every_one_in_its_own_colour(runs, kind):
    drawn = draw(runs, kind, 3)
    scales = colour_scales(drawn.spec)
    assert scales, "the classes are coloured by k"
    for colour in scales:  # one scale, the same in every layer (Vega-Lite merges them)
        assert colour["scale"]["domain"][:4] == [0, 1, 12, plane.GRID]
        assert colour["scale"]["range"][:3] == style.SPIRAL_COLOURS[:3]
    legends = [c["legend"] for c in scales if c.get("legend")]
    if kind != "rotatable-3d":  # the turned view names no classes
        assert legends and all(legend["values"] == [0, 1, 12] for legend in legends)
        assert all("'class C'" in legend["labelExpr"] for legend in legends)
    counted = class_points(drawn.files)
    layers = len(json.loads(drawn.files["points.json"]))
    assert {k: counted.get(k) for k in (0, 1, 12)} == {k: 30 * layers for k in (0, 1, 12)}, counted
    assert not set(counted) & {13, 14, 15, 16}
    assert plane.class_filter(3) in json.dumps(drawn.spec)


@pytest.mark.parametrize("kind", sorted(REGIONS))
def test_three_regions_are_drawn_in_spiralnets_pale_colours_and_none_black(runs, kind):
    seen = region_colours(draw(runs, kind, 3).files["regions.png"])
    assert seen == set(style.region_colours(3)), seen
    assert (0, 0, 0) not in seen


@pytest.mark.parametrize("kind", sorted(DRAWN))
def test_two_classes_keep_olahs_red_and_blue_and_legend(runs, kind):
    drawn = draw(runs, kind, 2)
    for colour in colour_scales(drawn.spec):
        assert colour["scale"] == {"domain": [0, 1, 2, 5, 6],
                                   "range": ["#d1352b", "#2c6fbb", "#8a8f98", "#d1352b", "#2c6fbb"]}
        if colour.get("legend"):
            assert colour["legend"]["values"] == [0, 1]
            assert colour["legend"]["labelExpr"] == "datum.label == '0' ? 'class A' : 'class B'"
    counted = class_points(drawn.files)
    assert counted[0] == counted[1] > 0 and not set(counted) & {12, 13, 14, 15, 16}
    assert '"datum.k <= 1"' in json.dumps(drawn.spec)
    if kind in REGIONS:
        assert region_colours(drawn.files["regions.png"]) <= {(246, 205, 200), (203, 222, 242)}


def test_the_class_palettes_are_olahs_for_two_and_spiralnets_for_more():
    assert style.class_colours(2) == ["#d1352b", "#2c6fbb"] == style.CLASS_COLOURS
    assert style.region_colours(2) == [(246, 205, 200), (203, 222, 242)]
    assert style.class_labels(2) == ["class A", "class B"]
    for K in range(3, style.MOST_CLASSES + 1):
        assert style.class_colours(K) == style.SPIRAL_COLOURS[:K]
        assert style.region_colours(K) == style.spiral_backgrounds()[:K]
    assert style.class_labels(7)[-1] == "class G"
    for K in (1, style.MOST_CLASSES + 1):
        with pytest.raises(ValueError, match="2 to 7"):
            style.class_colours(K)


def test_a_moving_figures_boundary_of_three_classes_is_its_pieces(runs):
    """layer-morph and training-motion draw the output's boundary between each pair of classes, where that pair
    leads (a line's worth of numbers per piece, flattened by the chart), not the line of classes A and B alone."""
    for kind in ("layer-morph", "training-motion"):
        drawn = draw(runs, kind, 3)
        last = json.loads(drawn.files["frames.json"])[-1]
        assert all(isinstance(last[name], list) for name in ("bx0", "by0", "bx1", "by1"))
        assert 1 <= len(last["bx0"]) <= 3
        assert '{"flatten": ["bx0", "by0", "bx1", "by1"]}' in json.dumps(drawn.spec)


def test_three_classes_part_along_three_half_lines_where_each_pair_leads():
    # scores of three classes pointing 120° apart: the regions are three sectors meeting at the origin
    angles = np.deg2rad([90, 210, 330])
    W, b = np.stack([np.cos(angles), np.sin(angles)], 1), np.zeros(3)
    found = boundary.segments(W, b, -1.0, 1.0)
    assert len(found) == 3
    for (x0, y0), (x1, y1) in found:
        assert min(np.hypot(x0, y0), np.hypot(x1, y1)) < 1e-9  # each piece starts at the meeting point
        middle = np.array([[(x0 + x1) / 2, (y0 + y1) / 2]])
        scores = np.sort((middle @ W.T + b)[0])
        assert abs(scores[2] - scores[1]) < 1e-9 and scores[1] > scores[0]  # two classes tie, above the third
    # two classes: the one line frames.linear_boundary draws
    assert boundary.segments(W[:2], b[:2], -1.0, 1.0) == [frames.linear_boundary(W[:2], b[:2], -1.0, 1.0)]


def test_the_network_and_the_spec_agree_on_k(runs):
    from generator.analysis.claims import weight_shapes
    for spec, run in runs.values():
        assert plane.class_count(run) == figures.class_count(spec) == weight_shapes(spec)[-1][0]


EIGHT = THREE.replace("classes = 3", "classes = 8")


def _gather(tmp_path, experiments: dict[str, str], kind: str, experiment: str, options: str = ""):
    (tmp_path / "experiments").mkdir()
    for name, text in experiments.items():
        (tmp_path / "experiments" / f"{name}.toml").write_text(text)
    found = config.load_experiments(tmp_path / "experiments")
    stems = {e.group: None for e in found.values() if e.group}
    (tmp_path / "01-a.md").write_text(HEAD + figure_block(kind, options, experiment))
    return content.load_sections(tmp_path, found | stems, figures.KINDS, REFS)[1]


@pytest.mark.parametrize("kind", sorted(DRAWN))
def test_more_classes_than_the_palette_tells_apart_are_refused_while_gathering(tmp_path, kind):
    network, options = DRAWN[kind]
    written = "".join(f"{name}: {str(value).lower()}\n" for name, value in options.items())
    (problem,) = _gather(tmp_path, {"eight": EIGHT.replace("MODEL", model(network))}, kind, "eight", written)
    assert problem.path.name == "01-a.md" and problem.line == 8 and problem.key == "experiment", str(problem)
    assert "draws 2 to 7 classes (a colour-blind-safe colour each); its data has 8 classes" in problem.message


def test_three_classes_are_not_refused(tmp_path):
    three = THREE.replace("MODEL", model("[3, 2]"))
    assert _gather(tmp_path, {"three": three}, "hidden-representation", "three", "layer: 2\n") == []


def test_a_sweep_kind_refuses_a_variant_of_more_classes(tmp_path):
    sweep = '[sweep]\n"data.classes" = [3, 8]\n\n' + EIGHT.replace("classes = 8\n", "").replace("MODEL", model("[2]"))
    (problem,) = _gather(tmp_path, {"sp": sweep}, "spiral-training", "sp")
    assert problem.line == 8 and "draws 2 to 7 classes" in problem.message and "K = 8" in problem.message


def test_the_digit_kinds_refuse_what_is_not_ten_digits(tmp_path):
    (problem,) = _gather(tmp_path, {"three": THREE.replace("MODEL", model("[2]"))},
                         "digit-fate", "three")
    assert problem.line == 8 and "draws 10 classes (MNIST's ten digits, 0 to 9); its data has 3" in problem.message
