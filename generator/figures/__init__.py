"""The figure library: each kind turns a run into a Vega-Lite spec, data files and claims.

KINDS maps a directive's `kind` to its builder and the extra directive keys it accepts (with types); a kind's
cache entries are keyed by the source of every module its builder's module imports (code_key).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    builder: str          # "module:function" inside generator.figures, imported only when needed
    options: dict         # extra directive key -> type
    sweep: bool = False   # True: drawn from every variant of a [sweep] file, builder(options, variants)


def flag(text: str) -> bool:
    """A directive's yes/no value."""
    if text.lower() not in ("true", "false", "yes", "no"):
        raise ValueError(f"expected true or false, got {text!r}")
    return text.lower() in ("true", "yes")


# Mapper's cover and clustering, settable per figure: intervals per lens dimension, their overlap, DBSCAN eps
_COVER = {"intervals": int, "overlap": float, "eps": float}

KINDS = {
    "dataset": Kind("regions:dataset", {}),
    "decision-regions": Kind("regions:decision_regions", {}),
    "hidden-representation": Kind("regions:hidden_representation", {"layer": int}),
    "layer-morph": Kind("morph:layer_morph", {"frames_per_stage": int, "grid": float}),
    "training-motion": Kind("training:training_motion", {"circles": flag, "circle_count": int}),
    "rotatable-3d": Kind("space:rotatable_3d", {"space": str, "circles": flag, "circle_count": int}),
    "stretch-map": Kind("stretch:stretch_map", {}),
    "field-arrows": Kind("field:field_arrows", {"bumps": str, "bump_width": float, "window": float, "lines": int,
                                                "layer": int}),
    "field-morph": Kind("field:field_morph", {"frames_per_layer": int, "grid": float}),
    "weight-playground": Kind("playground:weight_playground", {}),
    "spiral-training": Kind("spiralnet:spiral_training", {"k": int}, sweep=True),
    "spiral-directions": Kind("spiralnet:spiral_directions", {"k": int, "activation": str, "angle_grid": int,
                                                              "arrows": int}, sweep=True),
    "spiral-packing": Kind("spiralnet:spiral_packing", {}, sweep=True),
    # Gabella 2019 through training: accuracy, norms, one digit's fate, confusion; PCA trajectories; weight images
    **{kind: Kind(f"learning_curves:{kind.replace('-', '_')}", options)
       for kind, options in (("accuracy-curve", {}), ("weight-norms", {"scale": str, "max_points": int}),
                             ("digit-fate", {"digit": int}),
                             ("confusion-matrix", {"snapshot": int}))},
    **{kind: Kind(f"{module}:{kind.replace('-', '_')}", options)
       for kind, module, options in (
           ("weight-trajectories", "weight_cloud", {"layer": int, "colour": str, "max_frames": int}),
           ("learning-surface", "weight_images", {"rows": int, "columns": int, "first_step": int,
                                                  "last_step": int, "reference_step": int}),
           ("weight-images", "weight_images", {"neurons": int, "max_frames": int, "levels": int}))},
    # Gabella 2019: Mapper learning graphs and branch counts
    **{kind: Kind(f"learning_graph:{function}", options)
       for kind, function, options in (("mapper-graph", "mapper_figure", {"layer": int, "lens": str, **_COVER}),
                                       ("mapper-surface", "mapper_surface", {"layer": int, **_COVER}),
                                       ("branch-count", "branch_count", {}))},
}


def code_key(kind: str) -> str:
    """Hash of the builder's module and everything it imports (found from the code, never listed by hand)."""
    from ..cache import code_hash
    return code_hash("figures/" + KINDS[kind].builder.split(":")[0])


def builder(kind: str):
    from importlib import import_module
    module, function = KINDS[kind].builder.split(":")
    return getattr(import_module(f"generator.figures.{module}"), function)
