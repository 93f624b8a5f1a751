"""Part III's measured claims (Gabella 2019) for a run scored on a held-out split at every snapshot:
the accuracy plateau and its jumps, the branches of every layer, how branching lines up with the jumps,
and, under zero initialisation, how many hidden units are bitwise distinct."""
from __future__ import annotations

import numpy as np

from . import branches, plateaus, symmetry
from .learning_cloud import layer_count, layer_key, weights

# The page quotes up to this many jumps. Every run reports them all, so placeholders always resolve: a jump
# that did not happen is reported as a jump of zero height at the last snapshot (jump_count says how many
# were found). Likewise a split that never happened is reported at the last step.
JUMPS_REPORTED = 2


def learning_claims(run: dict, spec: dict, seed: int = 0) -> dict:
    steps = np.asarray(run["snapshot_steps"])
    test, train = run["test_accuracy"][:, seed], run["train_accuracy"][:, seed]
    confusion = run["test_confusion"][:, seed]          # (T, true, predicted)
    opts = spec["train"]
    train_images = len(run["y"])
    claims = {
        "steps": int(opts["steps"]), "snapshots": int(len(steps)),
        "snapshot_interval": int(steps[1] - steps[0]) if len(steps) > 1 else 0,
        "train_images": int(train_images), "test_images": int(confusion[0].sum()),
        "epochs": float(opts["steps"] * (opts["batch_size"] or train_images) / train_images),
        "learning_rate": float(opts["learning_rate"]),
        "final_test_accuracy": float(test[-1]), "final_train_accuracy": float(train[-1]),
        "best_test_accuracy": float(test.max()), "chance": 1.0 / confusion.shape[-1],
    }
    found = plateaus.jumps(test)
    end, level = plateaus.plateau(test, found)
    predicted = confusion[:end + 1].sum(1)                 # (t, predicted class) over the plateau
    top = int(predicted.sum(0).argmax())
    claims |= {"plateau_accuracy": level, "plateau_end_step": int(steps[end]), "plateau_end_snapshot": int(end),
               "plateau_top_class": top, "plateau_top_class_share": float(predicted[:, top].sum() / predicted.sum()),
               "jump_count": len(found)}
    last = len(steps) - 1
    flat = plateaus.Jump(last, last, float(plateaus.smooth(test)[-1]), float(plateaus.smooth(test)[-1]))
    for k, jump in enumerate(found + [flat] * max(0, JUMPS_REPORTED - len(found)), start=1):
        claims |= {f"jump{k}_start_step": int(steps[jump.start]), f"jump{k}_end_step": int(steps[jump.end]),
                   f"jump{k}_from": jump.before, f"jump{k}_to": jump.after}
    claims |= branch_claims(run, found, seed)
    if spec["model"]["init"] == "zeros":
        claims |= symmetry_claims(run, seed)
    return claims


def branch_claims(run: dict, found: list, seed: int = 0) -> dict:
    layers = layer_count(run)
    counts = branches.all_branch_counts(run, seed)
    claims = {"branches_eps_fraction": branches.EPS_FRACTION}
    events = []
    for layer, count in counts.items():
        name = layer_key(layer, layers)
        claims[f"branches_{name}_final"] = int(count[-1])
        claims[f"branches_{name}_max"] = int(count.max())
        events.append(branches.branching_events(count))
    every = np.unique(np.concatenate(events)) if events else np.array([], int)
    gaps = [branches.nearest_gap(every, jump.start) for jump in found]
    for k, gap in enumerate(gaps, start=1):
        if gap is not None:
            claims[f"jump{k}_branching_gap"] = gap
    known = [g for g in gaps if g is not None]
    # in snapshots; with no jump or no branching at all, the run's whole length
    claims["branching_gap_max"] = int(max(known)) if known else int(len(run["snapshot_steps"]))
    claims["branching_events"] = int(len(every))
    return claims


def symmetry_claims(run: dict, seed: int = 0) -> dict:
    """Bitwise-distinct units of the first hidden layer, and a float64 probe of the same network."""
    W = weights(run, 0, seed)
    counts = symmetry.distinct_units(W)
    steps = np.asarray(run["snapshot_steps"])
    split = symmetry.first_split(counts)
    groups = symmetry.group_sizes(W[-1])
    claims = {"distinct_hidden_final": int(counts[-1]), "distinct_hidden_max": int(counts.max()),
              "distinct_hidden_group_large": int(groups[0]), "distinct_hidden_group_small": int(groups[-1]),
              "hidden_width": int(W.shape[1])}
    claims["distinct_hidden_split_step"] = int(steps[split if split is not None else -1])
    # the same zero-initialised network in float64 for a few steps: where (and how) does it split?
    probe = symmetry.train_zero_init(run["X"], run["y"], W.shape[1], 20, dtype="float64")
    probe_split = symmetry.first_split(np.array(probe))
    claims["float64_distinct_after_20"] = int(probe[-1])
    claims["float64_split_step"] = probe_split + 1 if probe_split is not None else len(probe)
    return claims
