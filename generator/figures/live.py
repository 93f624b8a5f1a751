"""The live trainer (kind live-training): the page trains a network itself, in a Web Worker, with the build's data,
initialisation, optimiser and loss (templates/static/trainer.js; its parity with torch: tests/test_live_trainer.py).

The build ships what the page cannot make: the data sets it offers, each exactly as training made it (float64 text of
the float32 points, so that the page trains on the same numbers), and the experiment's settings as the defaults.
The spec is the trained network's decision regions (regions.decision_regions): the still shown without scripts, in
print and in the embed's exported specs.
"""
from __future__ import annotations

import json

import numpy as np

from .. import datasets, frames
from . import regions, style
from .output import FigureOutput

ACTIVATIONS = ("tanh", "relu", "sigmoid")
MOST_LAYERS, MOST_UNITS = 4, 4   # what the page lets a reader set: 1 to 4 hidden layers of 1 to 4 units
TRAINED = ("optimizer", "learning_rate", "weight_decay", "identity_pull")  # the [train] settings the page uses


def live_training(options, run, spec, claims) -> FigureOutput:
    still = regions.decision_regions(options, run, spec, claims)
    offered = list((options["datasets"] or {}).items())  # each named experiment's spec (derive.figure_output)
    own = next((name for name, other in offered if other["data"] == spec["data"]), None)
    sets = [_data_set(own or "data", spec, run["X"], run["y"])]
    for name, other in offered:
        if name != own:
            X, y = datasets.make(other["data"])
            sets.append(_data_set(name, other, X, y))
    model, train = spec["model"], spec["train"]
    hidden = list(model["hidden"])
    if model.get("kind", "mlp") != "mlp" or not 1 <= len(hidden) <= MOST_LAYERS or max(hidden) > MOST_UNITS:
        raise ValueError(f"live-training trains an mlp of 1 to {MOST_LAYERS} hidden layers of 1 to {MOST_UNITS} units; "
                         f"the experiment has {model.get('kind', 'mlp')} hidden = {hidden}")
    if model["activation"] not in ACTIVATIONS or train["batch_size"] or train["contractive"]:
        raise ValueError("live-training trains full-batch tanh, ReLU or sigmoid networks without a contractive penalty; "
                         f"the experiment has activation {model['activation']!r}, batch_size {train['batch_size']}, "
                         f"contractive {train['contractive']}")
    seed = int(run["seeds"][frames.best_seed(run)])
    live = {"defaults": {"data": sets[0]["key"], "hidden": hidden, "activation": model["activation"],
                         "learning_rate": train["learning_rate"], "seed": seed},
            "train": {key: train[key] for key in TRAINED},
            "steps": train["steps"],
            "data": sets}
    files = still.files | {"live.json": json.dumps(live, separators=(",", ":")).encode()}
    return FigureOutput(still.spec, files, still.claims | {"live_seed": seed, "data_sets": len(sets)})


def _data_set(key: str, spec: dict, X, y) -> dict:
    X, y = np.asarray(X), np.asarray(y)
    K = int(y.max()) + 1
    # the points as training saw them: float32 values written exactly (repr of the float64 they widen to)
    points = [float(v) for v in np.asarray(X, dtype=np.float32).astype(np.float64).ravel()]
    return {"key": key, "label": _label(spec["data"], K), "classes": K, "X": points, "y": [int(v) for v in y],
            "colours": style.class_colours(K), "regions": ["#%02x%02x%02x" % c for c in style.region_colours(K)],
            "names": style.class_labels(K)}


def _label(data: dict, K: int) -> str:
    """How the data-set picker names a data set."""
    kind = data["kind"]
    if kind == "spirals":
        turns = data.get("turns", 0.75)
        return f"two spirals, {turns:g} turn{'s' if turns != 1 else ''}"
    return {"two-curves": "two curves", "annulus": "disk and ring", "k-spirals": f"{K} spirals"}.get(kind, kind)
