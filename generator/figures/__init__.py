"""The figure library: each kind turns a run into a Vega-Lite spec, data files and claims.

KINDS maps a directive's `kind` to its builder, the extra directive keys it accepts (with types), and the
modules whose source keys its cache entries.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    builder: str          # "module:function" inside generator.figures, imported only when needed
    options: dict         # extra directive key -> type
    sources: tuple        # modules whose source changes invalidate this kind's cache
    sweep: bool = False   # True: drawn from every variant of a [sweep] file, builder(options, variants)


def flag(text: str) -> bool:
    """A directive's yes/no value."""
    if text.lower() not in ("true", "false", "yes", "no"):
        raise ValueError(f"expected true or false, got {text!r}")
    return text.lower() in ("true", "yes")


_PLANE = ("frames", "figures/plane", "figures/encode", "figures/style", "figures/output")
_SPIRAL = ("frames", "analysis/packing", "figures/spiralnet", "figures/spiral_data", "figures/choices",
           "figures/encode", "figures/style", "figures/plane", "figures/output")
# Mapper's cover and clustering, settable per figure: intervals per lens dimension, their overlap, DBSCAN eps
_COVER = {"intervals": int, "overlap": float, "eps": float}

KINDS = {
    "dataset": Kind("regions:dataset", {}, _PLANE + ("figures/regions",)),
    "decision-regions": Kind("regions:decision_regions", {}, _PLANE + ("figures/regions",)),
    "hidden-representation": Kind("regions:hidden_representation", {"layer": int}, _PLANE + ("figures/regions",)),
    "layer-morph": Kind("morph:layer_morph", {"frames_per_stage": int, "grid": float}, _PLANE + ("figures/morph",)),
    "training-motion": Kind("training:training_motion", {"circles": flag, "circle_count": int},
                            _PLANE + ("figures/morph", "figures/training")),
    "rotatable-3d": Kind("space:rotatable_3d", {"space": str, "circles": flag, "circle_count": int},
                         _PLANE + ("figures/training", "figures/space")),
    "stretch-map": Kind("stretch:stretch_map", {}, _PLANE + ("figures/stretch",)),
    "field-arrows": Kind("field:field_arrows", {"bumps": str, "bump_width": float, "window": float, "lines": int,
                                                "layer": int}, _PLANE + ("figures/morph", "figures/field")),
    "field-morph": Kind("field:field_morph", {"frames_per_layer": int, "grid": float},
                        _PLANE + ("figures/morph", "figures/field")),
    "weight-playground": Kind("playground:weight_playground", {}, _PLANE + ("figures/playground",)),
    "spiral-training": Kind("spiralnet:spiral_training", {"k": int}, _SPIRAL, sweep=True),
    "spiral-directions": Kind("spiralnet:spiral_directions", {"k": int, "activation": str, "angle_grid": int,
                                                              "arrows": int}, _SPIRAL, sweep=True),
    "spiral-packing": Kind("spiralnet:spiral_packing", {}, _SPIRAL, sweep=True),
    # Gabella 2019 through training: accuracy, norms, one digit's fate, confusion; PCA trajectories; weight images
    **{kind: Kind(f"learning_curves:{kind.replace('-', '_')}", options,
                  ("frames", "figures/learning_curves", "figures/encode", "figures/style", "figures/output",
                   "analysis/claims", "analysis/learning_claims", "analysis/plateaus", "analysis/learning_cloud"))
       for kind, options in (("accuracy-curve", {}), ("weight-norms", {"scale": str, "max_points": int}),
                             ("digit-fate", {"digit": int}),
                             ("confusion-matrix", {"snapshot": int}))},
    **{kind: Kind(f"{module}:{kind.replace('-', '_')}", options,
                  ("frames", "analysis/learning_cloud", "figures/learning_curves", "figures/weight_cloud",
                   f"figures/{module}", "figures/encode", "figures/style", "figures/output"))
       for kind, module, options in (
           ("weight-trajectories", "weight_cloud", {"layer": int, "colour": str, "max_frames": int}),
           ("learning-surface", "weight_images", {"rows": int, "columns": int, "first_step": int,
                                                  "last_step": int, "reference_step": int}),
           ("weight-images", "weight_images", {"neurons": int, "max_frames": int, "levels": int}))},
    # Gabella 2019: Mapper learning graphs and branch counts
    **{kind: Kind(f"learning_graph:{function}", options,
                  ("figures/learning_graph", "analysis/mapper_graph", "analysis/learning_cloud", "analysis/branches",
                   "analysis/plateaus", "figures/style", "figures/encode", "figures/output"))
       for kind, function, options in (("mapper-graph", "mapper_figure", {"layer": int, "lens": str, **_COVER}),
                                       ("mapper-surface", "mapper_surface", {"layer": int, **_COVER}),
                                       ("branch-count", "branch_count", {}))},
}


def builder(kind: str):
    from importlib import import_module
    module, function = KINDS[kind].builder.split(":")
    return getattr(import_module(f"generator.figures.{module}"), function)
