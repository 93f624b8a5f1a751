"""Part III's measured claims (Gabella 2019) for a run scored on a held-out split at every snapshot:
the accuracy plateau and its jumps, the branches of every layer, how branching lines up with the jumps,
and, under zero initialisation, how many hidden units are bitwise distinct.

The plain names (plateau_end_step, jump1_to, ...) are measured on the seed the figures show
(frames.best_seed: shown_seed, shown_seed_index); the names prefixed seeds_ are the same measures over every
seed, with their number of seeds and spread (spread.over_seeds, spread.share)."""
from __future__ import annotations

import numpy as np

from .. import frames
from . import branches, spread, symmetry
from .declare import merge, optional, required
from .learning_cloud import layer_count, layer_key, weights
from .spread import over_seeds_names, share_names

# plateaus (scipy) is imported where it measures: the build imports this module for its declarations while
# gathering, before anything trains, and that must stay quick

# Only jumps that happened are reported (jump_count says how many; prose picks its wording from it), and the
# aggregates over seeds cover up to this many. A split that never happened is not reported either:
# distinct_hidden_split and float64_split say 0.
JUMPS_REPORTED = 2
# A layer's branching is "near" a jump when its nearest branching event is at most this many snapshots from
# the jump's start; the pooled claims set the share of (seed, jump) pairs that are near against chance.
NEAR_JUMP_WINDOW = 3
# The float64 probe trains until the hidden units split or this many steps: 2.5x the steps the float32 run
# takes to split. Measured with both cores busy: 3.4 ms a step, 10 s (plus torch's import) when it never splits.
FLOAT64_PROBE_STEPS = 3000
# group_gap_step_<name>: the first snapshot at which the two groups of hidden units are this far apart
GROUP_GAP_LEVELS = {"micro": 1e-6, "milli": 1e-3, "deci": 1e-1}
# The float64 probe draws its minibatches as training seed 0 does (the same generator, seeded alike)
FLOAT64_PROBE_SEED = 0
# measured on every seed and reported over seeds as seeds_<name> (jumps: over the seeds that have them)
OVER_SEEDS = ("plateau_end_step", "plateau_accuracy", "jump_count", "final_test_accuracy")


def learning_claims(run: dict, spec: dict, seed: int | None = None) -> dict:
    """The claims of the shown seed (or of `seed`), plus seeds_* over every seed of the run."""
    shown = frames.best_seed(run) if seed is None else int(seed)
    zero = spec["model"]["init"] == "zeros"
    per_seed = [seed_claims(run, spec, s) for s in range(len(run["seeds"]))]
    claims = dict(per_seed[shown][0])
    claims |= {"shown_seed": int(run["seeds"][shown]), "shown_seed_index": shown}
    if zero:
        claims |= float64_probe(run, spec)
    return claims | seeds_claims(per_seed, zero)


# A measured family of names: one per jump found, however many the measurement finds.
JUMP = "jump[1-9]*"


def learning_claims_declared(spec: dict) -> dict[str, str]:
    """The names learning_claims produces for any run of this spec (a run scored on a test split)."""
    zero = spec["model"]["init"] == "zeros"
    out = merge(seed_claims_declared(spec), required("shown_seed", "shown_seed_index"),
                seeds_claims_declared(spec, zero))
    return merge(out, float64_probe_declared()) if zero else out


def layer_keys(spec: dict) -> list[str]:
    """hidden1, ..., output: the layers' names in claim names (learning_cloud.layer_key), from the spec."""
    layers = len(spec["model"]["hidden"]) + 1
    return [layer_key(layer, layers) for layer in range(layers)]


def seed_claims(run: dict, spec: dict, seed: int) -> tuple[dict, dict]:
    """One seed's claims, and for each layer its (gap <= NEAR_JUMP_WINDOW, chance share) per jump."""
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
    from . import plateaus
    found = plateaus.jumps(test)
    end, level = plateaus.plateau(test, found)
    predicted = confusion[:end + 1].sum(1)                 # (t, predicted class) over the plateau
    top = int(predicted.sum(0).argmax())
    claims |= {"plateau_accuracy": level, "plateau_end_step": int(steps[end]), "plateau_end_snapshot": int(end),
               "plateau_top_class": top, "plateau_top_class_share": float(predicted[:, top].sum() / predicted.sum()),
               "jump_count": len(found)}
    for k, jump in enumerate(found, start=1):
        claims |= {f"jump{k}_start_step": int(steps[jump.start]), f"jump{k}_end_step": int(steps[jump.end]),
                   f"jump{k}_from": jump.before, f"jump{k}_to": jump.after}
    branch, near = branch_claims(run, found, seed, with_near=True)
    claims |= branch | plateau_norm_claims(run, seed, end)
    if spec["model"]["init"] == "zeros":
        claims |= symmetry_claims(run, seed, probe_steps=0)
    return claims, near


def seed_claims_declared(spec: dict) -> dict[str, str]:
    out = required("steps", "snapshots", "snapshot_interval", "train_images", "test_images", "epochs",
                   "learning_rate", "final_test_accuracy", "final_train_accuracy", "best_test_accuracy", "chance",
                   "plateau_accuracy", "plateau_end_step", "plateau_end_snapshot", "plateau_top_class",
                   "plateau_top_class_share", "jump_count")
    out |= optional(f"{JUMP}_{name}" for name in ("start_step", "end_step", "from", "to"))  # only jumps found
    out |= branch_claims_declared(spec)
    out |= plateau_norm_claims_declared(spec)
    if spec["model"]["init"] == "zeros":
        out |= symmetry_claims_declared(probe_steps=0)
    return out


def plateau_norm_claims(run: dict, seed: int, end: int) -> dict:
    """plateau_norm_share_<layer>: how far each layer's weights have grown by the plateau's last snapshot, as
    its neurons' mean weight-vector length there over the same mean at the last snapshot (0 if that is 0).
    Gabella saw the second hidden layer grow through the plateau while the other layers barely moved."""
    layers = layer_count(run)
    claims = {}
    for layer in range(layers):
        norms = np.linalg.norm(weights(run, layer, seed), axis=2).mean(1)      # (T,)
        share = norms[end] / norms[-1] if norms[-1] > 0 else 0.0
        claims[f"plateau_norm_share_{layer_key(layer, layers)}"] = float(share)
    return claims


def plateau_norm_claims_declared(spec: dict) -> dict[str, str]:
    return required(f"plateau_norm_share_{name}" for name in layer_keys(spec))


def branch_claims(run: dict, found: list, seed: int = 0, with_near: bool = False):
    """Branch counts of every layer, and for each layer and jump the gap (in snapshots) from the jump's start
    to the layer's nearest branching event beside its chance baseline: the share of all snapshots that lie
    at least as close to one of that layer's events."""
    layers = layer_count(run)
    length = len(run["snapshot_steps"])
    counts = branches.all_branch_counts(run, seed)
    claims = {"branches_eps_fraction": branches.EPS_FRACTION, "branching_window": NEAR_JUMP_WINDOW}
    events, near = [], {}
    for layer, count in counts.items():
        name = layer_key(layer, layers)
        claims[f"branches_{name}_final"] = int(count[-1])
        claims[f"branches_{name}_max"] = int(count.max())
        mine = branches.branching_events(count)
        events.append(mine)
        claims[f"branching_events_{name}"] = int(len(mine))
        window_chance = branches.chance_share(mine, NEAR_JUMP_WINDOW, length)
        near[name] = []
        for k, jump in enumerate(found, start=1):
            gap = branches.nearest_gap(mine, jump.start)
            near[name].append((gap is not None and gap <= NEAR_JUMP_WINDOW, window_chance))
            if gap is not None:
                claims[f"jump{k}_branching_gap_{name}"] = gap
                claims[f"jump{k}_branching_chance_{name}"] = branches.chance_share(mine, gap, length)
    # pooled over layers (the old measure, which the prose still quotes): with 50-odd events over all layers
    # most snapshots are near one, so the per-layer gaps and their chance shares above are the test
    every = np.unique(np.concatenate(events)) if events else np.array([], int)
    known = [g for g in (branches.nearest_gap(every, jump.start) for jump in found) if g is not None]
    # in snapshots; with no jump or no branching at all, the run's whole length
    claims["branching_gap_max"] = int(max(known)) if known else int(length)
    return (claims, near) if with_near else claims


def branch_claims_declared(spec: dict) -> dict[str, str]:
    out = required("branches_eps_fraction", "branching_window", "branching_gap_max")
    for name in layer_keys(spec):
        out |= required(f"branches_{name}_final", f"branches_{name}_max", f"branching_events_{name}")
        # per jump found, and only where the layer branched at all
        out |= optional(f"{JUMP}_branching_gap_{name}", f"{JUMP}_branching_chance_{name}")
    return out


def seeds_claims(per_seed: list[tuple[dict, dict]], zero: bool) -> dict:
    """seeds_<claim> over every seed (spread.over_seeds), or over the seeds where the claim exists; shares of
    seeds or of (seed, jump) pairs with spread.share."""
    every = [c for c, _ in per_seed]
    out = {}
    names = list(OVER_SEEDS) + [n for n in every[0] if n.startswith("branches_") and n.endswith("_final")]
    names += [n for n in every[0] if n.startswith("plateau_norm_share_")]
    for name in names:
        out |= spread.over_seeds(f"seeds_{name}", [c[name] for c in every])
    for k in range(1, JUMPS_REPORTED + 1):
        had = [c for c in every if c["jump_count"] >= k]     # only seeds with a k-th jump
        if had:
            out |= spread.over_seeds(f"seeds_jump{k}_to", [c[f"jump{k}_to"] for c in had])
            out |= spread.over_seeds(f"seeds_jump{k}_start_step", [c[f"jump{k}_start_step"] for c in had])
    for layer in per_seed[0][1]:
        pairs = [pair for _, near in per_seed for pair in near[layer]]   # one per (seed, jump)
        if pairs:
            out |= spread.share(f"seeds_branching_near_jump_{layer}", [flag for flag, _ in pairs])
            out |= spread.over_seeds(f"seeds_branching_chance_{layer}", [chance for _, chance in pairs])
    if zero:
        out |= spread.over_seeds("seeds_distinct_hidden_final", [c["distinct_hidden_final"] for c in every])
        out |= spread.share("seeds_distinct_hidden_split", [c["distinct_hidden_split"] for c in every])
        split = [c["distinct_hidden_split_step"] for c in every if c["distinct_hidden_split"]]
        if split:
            out |= spread.over_seeds("seeds_distinct_hidden_split_step", split)
    return out


def seeds_claims_declared(spec: dict, zero: bool) -> dict[str, str]:
    out = required(*(over_seeds_names(f"seeds_{name}") for name in OVER_SEEDS),
                   *(over_seeds_names(f"seeds_branches_{layer}_final") for layer in layer_keys(spec)),
                   *(over_seeds_names(f"seeds_plateau_norm_share_{layer}") for layer in layer_keys(spec)))
    for k in range(1, JUMPS_REPORTED + 1):  # only when some seed had a k-th jump
        out |= optional(over_seeds_names(f"seeds_jump{k}_to"), over_seeds_names(f"seeds_jump{k}_start_step"))
    for layer in layer_keys(spec):          # only when some seed had a jump
        out |= optional(share_names(f"seeds_branching_near_jump_{layer}"),
                        over_seeds_names(f"seeds_branching_chance_{layer}"))
    if zero:
        out |= required(over_seeds_names("seeds_distinct_hidden_final"), share_names("seeds_distinct_hidden_split"))
        out |= optional(over_seeds_names("seeds_distinct_hidden_split_step"))  # only when some seed split
    return out


def symmetry_claims(run: dict, seed: int = 0, probe_steps: int = FLOAT64_PROBE_STEPS) -> dict:
    """Bitwise-distinct units of the first hidden layer, how far apart its two groups grow, and (unless
    probe_steps is 0) a float64 probe of the same network."""
    W = weights(run, 0, seed)
    counts = symmetry.distinct_units(W)
    steps = np.asarray(run["snapshot_steps"])
    split = symmetry.first_split(counts)
    groups = symmetry.group_sizes(W[-1])
    claims = {"distinct_hidden_final": int(counts[-1]), "distinct_hidden_max": int(counts.max()),
              "distinct_hidden_group_large": int(groups[0]), "distinct_hidden_group_small": int(groups[-1]),
              "hidden_width": int(W.shape[1]), "distinct_hidden_split": int(split is not None)}
    if split is not None:
        claims["distinct_hidden_split_step"] = int(steps[split])
        claims |= group_gap_claims(W, split, steps)
    if probe_steps:
        claims |= float64_probe(run, {}, probe_steps, W.shape[1])
    return claims


def symmetry_claims_declared(probe_steps: int = FLOAT64_PROBE_STEPS) -> dict[str, str]:
    out = required("distinct_hidden_final", "distinct_hidden_max", "distinct_hidden_group_large",
                   "distinct_hidden_group_small", "hidden_width", "distinct_hidden_split")
    out |= optional("distinct_hidden_split_step")  # only when the units split
    out |= group_gap_claims_declared()
    return merge(out, float64_probe_declared()) if probe_steps else out


def group_gap_claims(W: np.ndarray, split: int, steps: np.ndarray) -> dict:
    """The two groups of hidden units from the first snapshot where they differ: their gap there, at the end,
    and the step where it first exceeds each of GROUP_GAP_LEVELS (absent if it never does)."""
    gap = symmetry.group_gap(W, split)
    claims = {"group_gap_at_split": float(gap[split]), "group_gap_final": float(gap[-1])}
    for name, level in GROUP_GAP_LEVELS.items():
        above = np.flatnonzero(gap > level)
        if len(above):
            claims[f"group_gap_step_{name}"] = int(steps[above[0]])
    return claims


def group_gap_claims_declared() -> dict[str, str]:
    """All optional: measured only from a split, and each level only once the gap reaches it."""
    return optional("group_gap_at_split", "group_gap_final", (f"group_gap_step_{name}" for name in GROUP_GAP_LEVELS))


def float64_probe(run: dict, spec: dict, probe_steps: int = FLOAT64_PROBE_STEPS, width: int | None = None) -> dict:
    """The same zero-initialised network trained in float64 until its hidden units split or `probe_steps`:
    float64_split 1/0, float64_split_step only when it split (the step, counted from 1)."""
    opts = spec.get("train", {})
    width = width or int(run["W0"].shape[2])
    kwargs = {"lr": float(opts["learning_rate"])} if "learning_rate" in opts else {}
    if opts.get("batch_size"):
        kwargs["batch"] = int(opts["batch_size"])
    probe = symmetry.train_zero_init(run["X"], run["y"], width, probe_steps, dtype="float64", until_split=True,
                                     min_steps=min(20, probe_steps), seed=FLOAT64_PROBE_SEED, **kwargs)
    probe_split = symmetry.first_split(np.array(probe))
    claims = {"float64_split": int(probe_split is not None), "float64_probe_steps": int(probe_steps),
              "float64_probe_seed": FLOAT64_PROBE_SEED}
    if len(probe) >= 20:
        claims["float64_distinct_after_20"] = int(probe[19])
    if probe_split is not None:
        claims["float64_split_step"] = probe_split + 1
    return claims


def float64_probe_declared() -> dict[str, str]:
    return required("float64_split", "float64_probe_steps", "float64_probe_seed") | optional("float64_distinct_after_20",
                                                                       "float64_split_step")
