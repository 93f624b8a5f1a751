"""The figure library: each kind turns a run into a Vega-Lite spec, data files and claims.

KINDS declares every kind in one place: its builder ("module:function" inside generator.figures, imported only
when drawn), what it draws, whether it draws a whole sweep, its directive options (type, default, meaning) and
the claims its builder returns. Builders receive options merged with the declared defaults (resolve_options);
the table of kinds in docs/content.md is generated from KINDS (`python -m generator kinds`, see generator/kinds_table.py).
A kind's cache entries are keyed by the source of every module its builder's module imports (code_key).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from .style import MOST_CLASSES


def flag(text: str) -> bool:
    """A directive's yes/no value."""
    if text.lower() not in ("true", "false", "yes", "no"):
        raise ValueError(f"expected true or false, got {text!r}")
    return text.lower() in ("true", "yes")


# how each option type reads in an error message and in the kinds table (docs/content.md)
TYPE_NAMES = {int: "a whole number", float: "a number", str: "text", flag: "true or false"}


@dataclass(frozen=True)
class Option:
    type: Callable[[str], object]  # parses the directive's text: int, float, str or flag
    default: object                # None: worked out from the run, as `otherwise` says
    description: str               # one line: what the option sets
    choices: tuple = ()            # the only values allowed, where there are a few
    otherwise: str = ""            # what a None default means ("the last hidden layer")
    # the range a number must lie in, checked while gathering (content.option_value): a count of frames, lines or
    # points is at least 1 (2 where a motion needs two) and capped, so a typo fails at once, not hours into drawing
    least: float | None = None     # smallest allowed
    most: float | None = None      # largest allowed
    above: float | None = None     # must be greater (a width, a scale: above 0)
    below: float | None = None     # must be smaller (a share: below 1)
    odd: bool = False


def out_of_range(option: Option, value) -> str | None:
    """Why a parsed option value is outside the option's declared range ("must be at least 1"), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if option.least is not None and value < option.least:
        return f"must be at least {option.least:,}"
    if option.most is not None and value > option.most:
        return f"must be at most {option.most:,}"
    if option.above is not None and value <= option.above:
        return f"must be greater than {option.above:g}"
    if option.below is not None and value >= option.below:
        return f"must be less than {option.below:g}"
    if option.odd and value % 2 == 0:
        return "must be odd"
    return None


FRAMES = 1_000       # the most frames a count of frames may ask for (per stage, per layer, shown)
LINES = 1_000        # the most circles, grid lines, rows and columns


@dataclass(frozen=True)
class Claims:
    """Claim names a builder returns; fnmatch globs ("branches_final_layer*") where names depend on the run."""
    required: tuple[str, ...] = ()  # always returned (a glob: at least one name matching it)
    optional: tuple[str, ...] = ()  # returned only when the measurement produces them


@dataclass(frozen=True)
class Classes:
    """How many classes a kind draws, each in a colour of its own: an experiment of another K (for a sweep kind,
    any variant's) is refused while gathering, naming the figure's file and line and this."""
    least: int
    most: int
    why: str  # what limits it, in the refusal and the kinds table ("a colour-blind-safe colour each")

    def allows(self, classes: int) -> bool:
        return self.least <= classes <= self.most

    def text(self) -> str:
        """'2 to 7' or '10'."""
        return str(self.least) if self.least == self.most else f"{self.least} to {self.most}"


@dataclass(frozen=True)
class Kind:
    builder: str                                  # "module:function" inside generator.figures
    description: str                              # one line: what the figure draws
    options: dict[str, Option] = field(default_factory=dict)
    claims: Claims | Callable[[dict], Claims] = Claims()  # or a function of the resolved options
    sweep: bool = False                           # True: builder(options, variants) draws every variant of a [sweep]
    classes: Classes | None = None                # the classes it draws, each in its own colour; None: it draws none
    others: str = ""                              # the option naming other experiments it reads (`a, b`): the
                                                  # builder gets their specs there, by name, and they key its drawing


def named(kind: str, options: dict) -> list[str]:
    """The other experiments a figure of this kind reads (Kind.others), by name, from its resolved options."""
    text = options.get(KINDS[kind].others) if KINDS[kind].others else None
    return [n.strip() for n in text.split(",") if n.strip()] if isinstance(text, str) else []


def class_count(spec: dict) -> int:
    """K, the classes an experiment's data holds, from its normalised spec: the dataset's `classes` where it has
    one, else 10 for MNIST's digits and 2 (analysis.claims.weight_shapes sizes the output layer alike; a test
    holds the two together)."""
    data = spec["data"]
    return int(data.get("classes", 10 if data["kind"] == "mnist" else 2))


# The kinds that draw a run's classes in the plane (or in 3-D): style.class_colours, Olah's red and blue for two,
# spiralNet's colour-blind-safe palette for three to seven (tests/test_palettes.py), nothing beyond.
_PLANE_CLASSES = Classes(2, MOST_CLASSES, "a colour-blind-safe colour each")
_DIGITS = Classes(10, 10, "MNIST's ten digits, 0 to 9")


# Mapper's cover and clustering, settable per figure (None: analysis/mapper_graph.py's defaults for the layer)
_COVER = {
    "intervals": Option(int, None, "intervals the cover lays along each lens dimension",
                        otherwise="per layer, set in analysis/mapper_graph.py", least=1, most=LINES),
    "overlap": Option(float, None, "share by which neighbouring intervals overlap",
                      otherwise="per layer, set in analysis/mapper_graph.py", above=0, below=1),
    "eps": Option(float, None, "DBSCAN radius, as a share of the cloud's radius",
                  otherwise="per layer, set in analysis/mapper_graph.py", above=0),
}
_GRAPH_CLAIMS = Claims(tuple(f"graph_{name}" for name in (
    "n_cubes", "perc_overlap", "eps", "min_samples", "pca_components", "eps_absolute", "nodes", "edges",
    "variance_explained", "leaves", "pieces", "layer")))
_CIRCLES = {
    "circles": Option(flag, True, "draw the input as concentric circles; false: the warped grid and the data"),
    "circle_count": Option(int, 40, "circles drawn, of radius k/20 for k = 1..count", least=1, most=LINES),
}
_SPIRAL_CLAIMS = ("frames", "keyframes", "drawn_error", "accuracy", "final_loss", "packing_angle", "packing_angle_best")
_DATA_EXTENT = "the data's extent, rounded up to a quarter, at least 1"


def _trajectory_claims(options: dict) -> Claims:
    """Per layer shown: {layer}_neurons, _pc1_share, _pc2_share (hidden1, hidden2, ..., output)."""
    names = ("neurons", "pc1_share", "pc2_share")
    if options["layer"] is None:  # every layer: the output layer always, hidden layers where the network has them
        return Claims(("frames", "snapshots", *(f"output_{n}" for n in names)), tuple(f"hidden*_{n}" for n in names))
    # one layer: hidden{layer}, or output if it is the last (known only from the run)
    return Claims(("frames", "snapshots"), tuple(f"{key}_{n}" for key in (f"hidden{options['layer']}", "output")
                                                 for n in names))


KINDS = {
    # Olah 2014: one run, drawn in the plane (or in 3-D)
    "dataset": Kind("regions:dataset", "The training data in the input plane.", classes=_PLANE_CLASSES),
    "decision-regions": Kind("regions:decision_regions", "The trained network's decision regions over the input plane, "
                             "with the data.", claims=Claims(("shown_accuracy",)), classes=_PLANE_CLASSES),
    "hidden-representation": Kind(
        "regions:hidden_representation", "The data and the warped grid in a 2-unit hidden layer, with that layer's "
        "decision regions and the output's straight boundary there.",
        {"layer": Option(int, None, "the hidden layer drawn, 1 = the first; it must have 2 units",
                         otherwise="the last hidden layer", least=1)},
        Claims(("hidden_accuracy", "layer")), classes=_PLANE_CLASSES),
    "layer-morph": Kind(
        "morph:layer_morph", "Every 2-unit layer as one continuous motion: linear map, bias, squash, with the "
        "decision boundary at the end.",
        {"frames_per_stage": Option(int, 16, "frames in each of a layer's three stages", least=1, most=FRAMES),
         "grid": Option(float, None, "half-width of the grid drawn over the input", otherwise=_DATA_EXTENT,
                        above=0)},
        Claims(("frames", "min_det_path", "swapped_units", "layers", "swapped_layer_*")), classes=_PLANE_CLASSES),
    "live-training": Kind(
        "live:live_training", "A network the reader trains in the page (a Web Worker, the build's data, initial weights "
        "and optimiser): decision regions, a 2-unit hidden layer's view with its warped grid, loss and accuracy, the "
        "layer-by-layer morph when paused; the still shows the build's trained network.",
        {"datasets": Option(str, None, "other experiments whose data sets the reader may pick, `a, b`",
                            otherwise="the experiment's own data only")},
        Claims(("shown_accuracy", "live_seed", "data_sets")), classes=_PLANE_CLASSES, others="datasets"),
    "weight-playground": Kind(
        "playground:weight_playground", "Sliders for W and b of the first 2→2 tanh layer; the plane deforms in the "
        "browser.", claims=Claims(("det_w_start", "slider_limit")), classes=_PLANE_CLASSES),
    "training-motion": Kind(
        "training:training_motion", "A 2-unit hidden layer through training, with the output's decision boundary "
        "moving along.",
        {**_CIRCLES, "inset": Option(flag, False, "a second panel whose window follows class A (the red) frame by "
                                     "frame, for a class the layer squeezes into a corner")},
        Claims(("frames", "final_accuracy", "start_accuracy", "best_snapshot_accuracy")),
        classes=_PLANE_CLASSES),
    "rotatable-3d": Kind(
        "space:rotatable_3d", "A 3-D input, or a 3-unit last hidden layer with the output's separating plane (a "
        "see-through face), turned by dragging it or with two sliders; nearer points and lines drawn larger.",
        {"space": Option(str, "hidden", "what is drawn: the input, or the last hidden layer", ("input", "hidden")),
         **_CIRCLES},
        Claims(("shown_accuracy", "space")), classes=_PLANE_CLASSES),
    "stretch-map": Kind(
        "stretch:stretch_map", "How much the network stretches the input plane: the largest singular value of the "
        "last hidden layer's Jacobian, as a heat map.",
        # maps meant to be compared give the same scale, so one colour means one stretch in all of them
        {"scale_min": Option(float, None, "the stretch at the bottom of the log colour scale (lower: its first "
                             "colour)", otherwise="the map's 1st percentile", above=0),
         "scale_max": Option(float, None, "the stretch at the top of the log colour scale (higher: its last colour)",
                             otherwise="the map's largest stretch", above=0)},
        Claims(("stretch_max", "stretch_median_data", "stretch_max_data")), classes=_PLANE_CLASSES),
    "field-arrows": Kind(
        "field:field_arrows", "One vector-field layer x → x + F(x) as arrows over the grid it deforms: a trained "
        "layer, or fixed bumps.",
        {"bumps": Option(str, None, "fixed bumps `x,y,vx,vy; ...` instead of a trained layer",
                         otherwise="the trained layer"),
         "bump_width": Option(float, 0.7, "width of the fixed bumps (with `bumps` only)", above=0),
         "window": Option(float, None, "half-width of the window drawn",
                          otherwise=f"3 with `bumps`, else {_DATA_EXTENT}", above=0),
         "lines": Option(int, 30, "grid lines across the window", least=1, most=LINES),
         "layer": Option(int, 1, "the trained layer drawn, 1 = the first (without `bumps`)", least=1)},
        Claims(("max_push", "bumps"))),
    "field-morph": Kind(
        "field:field_morph", "A trained vector-field network as one continuous motion, p = x + t F(x) layer by "
        "layer.",
        {"frames_per_layer": Option(int, 20, "frames for each layer's push", least=1, most=FRAMES),
         "grid": Option(float, None, "half-width of the grid drawn over the input", otherwise=_DATA_EXTENT,
                        above=0)},
        Claims(("frames", "layers", "shown_accuracy", "folded_share", "folded_share_data", "seeds_folded_share_min", "seeds_folded_any_share_min",
                "folded_share_layer_*")), classes=_PLANE_CLASSES),
    # Ranlot 2017 (spiralNet): every variant of a [sweep] over K and the activation
    "spiral-training": Kind(
        "spiralnet:spiral_training", "K picked on the figure; tanh and ReLU columns: input regions, the 2-unit last "
        "hidden layer scrubbed through training with its own regions, the loss.",
        {"k": Option(int, None, "the K shown first", otherwise="4 if the sweep has it, else the smallest", least=2)},
        Claims(("snapshots", "choices", *(f"{name}_*_k*" for name in _SPIRAL_CLAIMS)),
               ("packing_distance_tanh_k*",)),  # tanh runs only
        sweep=True, classes=_PLANE_CLASSES),
    "spiral-directions": Kind(
        "spiralnet:spiral_directions", "K and activation picked: the trained last layer, unit arrows of x → h(x), "
        "angle histograms with circular means beside the original's.",
        {"k": Option(int, None, "the K shown first", otherwise="4 if the sweep has it, else the smallest", least=2),
         "activation": Option(str, "tanh", "the activation shown first", ("tanh", "relu")),
         "angle_grid": Option(int, 500, "points per side of the input grid the angle histograms count", least=2,
                              most=2_000),
         "arrows": Option(int, 12, "arrows per side of the direction field", least=1, most=200)},
        # a class that no grid point is predicted as has no angle; the original published K = 2 and 4 only
        Claims(("angle_grid_points", "arrows", "angle_mean_*_*_k*", "angle_std_*_*_k*"),
               ("original_angle_mean_*_*_k*",)),
        sweep=True, classes=_PLANE_CLASSES),
    "spiral-packing": Kind(
        "spiralnet:spiral_packing", "The packing measure through training, a panel for each K and measure: smallest "
        "angle between class directions, and for tanh smallest distance between class centres.",
        claims=Claims(("packing_angle_*_k*", "final_loss_*_k*", "accuracy_*_k*", "packing_angle_mean_*",
                       "packing_angle_min_*"),
                      ("packing_distance_tanh_k*", "crowded_until_snapshot_tanh_k*", "crowded_until_step_tanh_k*")),
        sweep=True),
    # Gabella 2019: an MNIST run's records and weight snapshots through training
    "accuracy-curve": Kind(
        "learning_curves:accuracy_curve", "Training and test accuracy at every snapshot, the measured jumps shaded.",
        claims=Claims(("final_train_accuracy", "final_test_accuracy", "best_test_accuracy", "best_test_step",
                       "chance_level", "snapshots", "last_step", "jumps_marked"))),
    "weight-norms": Kind(
        "learning_curves:weight_norms", "Each neuron's weight-vector length through training, a panel per layer.",
        {"scale": Option(str, "linear", "the norm axis's scale", ("linear", "log")),
         "max_points": Option(int, 101, "most snapshots drawn per line (every k-th)", least=2, most=10_000)},
        Claims(("jumps_marked", "layers", "points_per_line",
                *(f"output_{n}" for n in ("neurons", "norm_start", "norm_end", "norm_max"))),
               tuple(f"hidden*_{n}" for n in ("neurons", "norm_start", "norm_end", "norm_max")))),
    "digit-fate": Kind(
        "learning_curves:digit_fate", "How the test images of one digit are classified at each snapshot, as stacked "
        "shares.",
        {"digit": Option(int, 9, "the digit followed, 0..9", least=0, most=9)},
        Claims(("digit", "digit_count", "final_correct", "best_correct_after_rise", "main_wrong",
                "main_wrong_peak_share", "main_wrong_peak_step", "main_wrong_final_share", "single_class_snapshots",
                "single_class_switches", "single_class_distinct")), classes=_DIGITS),
    "confusion-matrix": Kind(
        "learning_curves:confusion_matrix", "The test confusion matrix at one snapshot, counts in the cells.",
        {"snapshot": Option(int, -1, "the snapshot, counted from 0 (negative: from the last)")},
        Claims(("test_count", "accuracy", "step", "top_confusion_true", "top_confusion_predicted",
                "top_confusion_count", "best_digit", "worst_digit")), classes=_DIGITS),
    "weight-trajectories": Kind(
        "weight_cloud:weight_trajectories", "Each layer's neurons' weights on the layer's 2-D PCA, grown snapshot by "
        "snapshot under the scrubber.",
        {"layer": Option(int, None, "the layer drawn, 1 = the first hidden layer, the last = the output layer",
                         otherwise="every layer", least=1),
         "colour": Option(str, "step", "colour by training step, or by neuron (ranked along PC1 at the end)",
                          ("step", "neuron")),
         "max_frames": Option(int, 200, "most snapshots shown (every k-th)", least=2, most=FRAMES)},
        _trajectory_claims),
    "weight-images": Kind(
        "weight_images:weight_images", "First-layer neurons as 28×28 images through training, one sprite sheet under "
        "the scrubber.",
        {"neurons": Option(int, None, "neurons shown, sampled evenly along PC1 at the last snapshot",
                           otherwise="16, or all if fewer", least=1, most=10_000),
         "max_frames": Option(int, 101, "most snapshots shown (every k-th)", least=2, most=FRAMES),
         "levels": Option(int, 15, "colours of the diverging palette: odd, 3..15", least=3, most=15, odd=True)},
        # growth: largest |w| at the end over at the start, absent when the start's weights are all zero
        Claims(("neurons_shown", "frames", "levels", "largest_start", "largest_end"), ("growth",))),
    "learning-surface": Kind(
        "weight_images:learning_surface", "Differences of neighbouring first-layer neurons along the learning "
        "surface, a row per snapshot.",
        {"rows": Option(int, 8, "snapshots shown, one row each", least=1, most=LINES),
         "columns": Option(int, 8, "differences per row", least=1, most=LINES),
         "first_step": Option(int, None, "the first row's step (the nearest snapshot)",
                              otherwise="the first snapshot after step 0", least=0),
         "last_step": Option(int, None, "the last row's step (the nearest snapshot)", otherwise="the last snapshot",
                             least=0),
         "reference_step": Option(int, None, "the step whose first principal direction orders the neurons",
                                  otherwise="the last row's", least=0)},
        Claims(("rows", "columns", "neurons_sampled", "reference_step", "reference_pc1_share", "reference_pc2_share",
                "first_row_step", "last_row_step"))),
    "mapper-graph": Kind(
        "learning_graph:mapper_figure", "KeplerMapper learning graph of one layer's weights through training, its "
        "settings printed under it.",
        {"layer": Option(int, -1, "the layer, counted from 0 (negative: from the output layer)"),
         "lens": Option(str, "norm", "the lens: the weight norm, or the distance from the mean in PCA space",
                        ("norm", "mean-distance")),
         **_COVER},
        _GRAPH_CLAIMS),
    "mapper-surface": Kind(
        "learning_graph:mapper_surface", "A layer's learning graph with a 3-D PCA lens: the learning surface as a grid.",
        {"layer": Option(int, 0, "the layer, counted from 0 (negative: from the output layer)"), **_COVER},
        _GRAPH_CLAIMS),
    "branch-count": Kind(
        "learning_graph:branch_count", "Branches per layer through training, above training and test accuracy.",
        claims=Claims(("branch_eps_fraction", "branch_jumps_marked", "branches_final_layer*"))),
}


def resolve_options(kind: str, options: dict) -> dict:
    """The directive's options over the kind's declared defaults: every declared option is present (None where
    the builder works the default out from the run). Builders receive exactly this; an undeclared key is an error."""
    declared = KINDS[kind].options
    unknown = set(options) - set(declared)
    if unknown:
        raise ValueError(f"figure kind '{kind}' has no option {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(declared)) or '(none)'}")
    return {name: option.default for name, option in declared.items()} | dict(options)


def option_problems(kind: str, options: dict) -> list[tuple[str, str]]:
    """What the directive's options get wrong together, or in a text's form, as (option, message): read while
    gathering, before anything trains (each option's own type and range: content.option_value)."""
    found = []
    low, high = options.get("scale_min"), options.get("scale_max")
    if low is not None and high is not None and low >= high:
        found.append(("scale_max", f"must be greater than scale_min ({low:g}), got {high:g}"))
    if options.get("bumps") is not None:
        try:
            rows = [[float(v) for v in bump.split(",")] for bump in options["bumps"].split(";")]
        except ValueError:
            rows = []
        if not rows or any(len(row) != 4 or not all(math.isfinite(v) for v in row) for row in rows):
            found.append(("bumps", f"are written x,y,vx,vy; x,y,vx,vy; ... (four finite numbers per bump), got "
                                   f"{options['bumps']!r}"))
    return found


def requirements(kind: str, options: dict, specs: list[dict], known: dict | None = None) -> list[tuple[str, str]]:
    """What a figure needs of the experiment it draws (specs: its spec, or every variant's for a sweep kind), known
    from the experiment files before anything trains: as many classes as the kind draws (Kind.classes), a hidden
    layer to draw, a layer or snapshot the network has, a K the sweep trains, other experiments it names that exist
    (`known`: every experiment's spec by name) with data in the plane. Each problem as (the option it concerns, or
    "experiment", message)."""
    options = resolve_options(kind, options)
    found: list[tuple[str, str]] = _other_problems(kind, options, known or {})
    drawn = KINDS[kind].classes
    refused = sorted({K for K in map(class_count, specs) if not drawn.allows(K)}) if drawn else []
    if refused:
        has = (f"its variants have K = {', '.join(map(str, refused))}" if KINDS[kind].sweep
               else f"its data has {refused[0]} classes")
        found.append(("experiment", f"this kind draws {drawn.text()} classes ({drawn.why}); {has}"))
    if KINDS[kind].sweep:
        ks = sorted({spec["data"].get("classes") for spec in specs if isinstance(spec["data"].get("classes"), int)})
        if options.get("k") is not None and ks and options["k"] not in ks:
            found.append(("k", f"must be a K the sweep trains: {', '.join(map(str, ks))}; got {options['k']}"))
        return found
    (spec,) = specs
    hidden = list(spec["model"].get("hidden", []))
    found += _shape_problems(kind, options, spec["model"], hidden)
    if spec["model"].get("kind") != "mlp":
        return found  # the layers and snapshots below are an mlp's (W0 .. the output layer, train.py's schedule)
    return found + _layer_problems(kind, options, spec, hidden)


def _other_problems(kind: str, options: dict, known: dict) -> list[tuple[str, str]]:
    """requirements: the other experiments a kind reads (Kind.others) exist, each with 2-D inputs (the kinds that
    read others draw their data in the plane)."""
    from ..config import input_width
    found = []
    for name in named(kind, options):
        if name not in known:
            found.append((KINDS[kind].others, f"no experiment named {name!r}; known: {', '.join(sorted(known))}"))
        elif input_width(known[name]["data"]) != 2:
            found.append((KINDS[kind].others, f"{name}'s data is not in the plane (inputs of 2 numbers)"))
    return found


def _shape_problems(kind: str, options: dict, model: dict, hidden: list[int]) -> list[tuple[str, str]]:
    """requirements: the network's shape a kind draws (a 2-unit layer, a vector-field layer, ...)."""
    found: list[tuple[str, str]] = []
    described = f"hidden = {hidden}"
    mlp = model.get("kind") == "mlp"
    if kind == "hidden-representation":
        if not mlp:
            found.append(("experiment", f"draws a hidden layer of an mlp; this experiment's model is {model['kind']}"))
        elif not hidden:
            found.append(("experiment", "the experiment's network has no hidden layer (hidden = []): there is no "
                                        "hidden representation to draw"))
        else:
            layer = len(hidden) if options["layer"] is None else options["layer"]
            if not 1 <= layer <= len(hidden):
                found.append(("layer", f"must be 1..{len(hidden)}, a hidden layer of the experiment's network "
                                       f"({described}), got {layer}"))
            elif hidden[layer - 1] != 2:
                found.append(("layer" if options["layer"] is not None else "experiment",
                              f"hidden layer {layer} has {hidden[layer - 1]} units ({described}); this kind draws a "
                              "2-unit layer"))
    elif kind == "layer-morph" and mlp and (not hidden or any(width != 2 for width in hidden)):
        found.append(("experiment", f"plays 2-unit hidden layers; the experiment's network has {described}"))
    elif kind == "training-motion" and mlp and hidden != [2]:
        found.append(("experiment", f"draws one hidden layer of 2 units; the experiment's network has {described}"))
    elif kind == "weight-playground" and mlp and (not hidden or hidden[0] != 2):
        found.append(("experiment", f"needs a 2→2 first layer; the experiment's network has {described}"))
    elif kind == "stretch-map" and mlp and not hidden:
        found.append(("experiment", "draws the last hidden layer's stretch; the experiment's network has no hidden "
                                    "layer (hidden = [])"))
    elif kind == "rotatable-3d" and mlp and options["space"] == "hidden" and (not hidden or hidden[-1] != 3):
        found.append(("experiment", f"space: hidden draws a last hidden layer of 3 units; the experiment's network has "
                                    f"{described}"))
    elif kind in ("field-arrows", "field-morph") and (kind == "field-morph" or options["bumps"] is None):
        if model.get("kind") != "vector-field":
            bumps = " (or give `bumps`)" if kind == "field-arrows" else ""
            found.append(("experiment", f"draws a trained vector-field layer; this experiment's model is "
                                        f"{model.get('kind')}{bumps}"))
        elif kind == "field-arrows" and not 1 <= options["layer"] <= len(hidden):
            found.append(("layer", f"must be 1..{len(hidden)}, a layer of the experiment's network ({described}), "
                                   f"got {options['layer']}"))
    return found


def _layer_problems(kind: str, options: dict, spec: dict, hidden: list[int]) -> list[tuple[str, str]]:
    """requirements: a layer, a neuron or a snapshot an mlp's options name that its network has."""
    found: list[tuple[str, str]] = []
    described = f"hidden = {hidden}"
    layers = len(hidden) + 1  # weight layers, the output layer last
    counted = f"{layers} weight layer{'s' if layers > 1 else ''} ({described}, then the output layer)"
    if kind == "weight-trajectories" and options["layer"] is not None and not 1 <= options["layer"] <= layers:
        found.append(("layer", f"must be 1..{layers}: the experiment's network has {counted}, got "
                               f"{options['layer']}"))
    if kind in ("mapper-graph", "mapper-surface") and not -layers <= options["layer"] < layers:
        found.append(("layer", f"must be {-layers}..{layers - 1}: the experiment's network has {counted}, "
                               f"counted from 0, or from the output layer with -1; got {options['layer']}"))
    if kind == "weight-images" and hidden and options["neurons"] is not None and options["neurons"] > hidden[0]:
        found.append(("neurons", f"must be at most {hidden[0]}, the first layer's width ({described}), got "
                                 f"{options['neurons']}"))
    if kind == "confusion-matrix":
        count = snapshot_count(spec["train"])
        if not -count <= options["snapshot"] < count:
            found.append(("snapshot", f"must be {-count}..{count - 1}: the experiment records {count} snapshots "
                                      f"(train.snapshots), got {options['snapshot']}"))
    return found


def snapshot_count(train: dict) -> int:
    """How many snapshots a run records (generator/schedule.py, which training records on)."""
    from ..schedule import snapshot_steps
    return len(snapshot_steps(train["steps"], train["snapshots"], train.get("snapshot_spacing", "linear")))


def declared_claims(kind: str, options: dict) -> tuple[set[str], set[str]]:
    """(required, optional) claim names a figure of this kind with these directive options returns.

    Names may be fnmatch globs (`fnmatch.fnmatchcase`): `branches_final_layer*`, `accuracy_*_k*`, where a name
    depends on the run (its layers, a sweep's values). A required name is always returned; a required glob
    matches at least one returned name. An optional name or glob may match nothing: the measurement did not
    produce it (an absent jump, a class no point is predicted as). Every returned name matches one or the other.
    """
    claims = KINDS[kind].claims
    if callable(claims):
        claims = claims(resolve_options(kind, options))
    return set(claims.required), set(claims.optional)


def code_key(kind: str) -> str:
    """Hash of the builder's module and everything it imports (found from the code, never listed by hand)."""
    from ..cache import code_hash
    return code_hash("figures/" + KINDS[kind].builder.split(":")[0])


def builder(kind: str):
    """The kind's builder function; call it with resolve_options(kind, options)."""
    from importlib import import_module
    module, function = KINDS[kind].builder.split(":")
    return getattr(import_module(f"generator.figures.{module}"), function)
