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
# The path probe (path_probe) retrains the seed shown on each numeric path until its hidden units split or
# PROBE_STEPS, then PROBE_SETTLE steps more to see whether training grows the split. Measured on 2026-12-07 (AMD
# EPYC, both cores busy): 46 s of CPU for the four paths with 500 steps to settle (two paths split early, two ran the
# whole 3,000), about 3 s of it each process's start and torch's import; a split grew some 30-fold every 500 steps,
# so 1,000 steps show it growing by three orders of magnitude. On an Intel Xeon (2026-11, before the numeric path
# was pinned) a network split near step 1,200.
PROBE_STEPS = 3000
PROBE_SETTLE = 1000
# group_gap_step_<name>: the first snapshot at which the two groups of hidden units are this far apart
GROUP_GAP_LEVELS = {"micro": 1e-6, "milli": 1e-3, "deci": 1e-1}
# measured on every seed and reported over seeds as seeds_<name> (jumps: over the seeds that have them)
OVER_SEEDS = ("plateau_end_step", "plateau_accuracy", "jump_count", "final_test_accuracy",
              "plateau_single_answer_share", "plateau_answer_switch_share")
# A snapshot gives "one answer" when at least this share of the test images get the same digit
ONE_ANSWER = 0.99


def learning_claims(run: dict, spec: dict, seed: int | None = None) -> dict:
    """The claims of the shown seed (or of `seed`), plus seeds_* over every seed of the run."""
    shown = frames.best_seed(run) if seed is None else int(seed)
    zero = spec["model"]["init"] == "zeros"
    per_seed = [seed_claims(run, spec, s) for s in range(len(run["seeds"]))]
    claims = dict(per_seed[shown][0])
    claims |= {"shown_seed": int(run["seeds"][shown]), "shown_seed_index": shown}
    if zero:
        claims |= path_probe(run, spec, shown)
    return claims | seeds_claims(per_seed, zero)


# A measured family of names: one per jump found, however many the measurement finds.
JUMP = "jump[1-9]*"


def learning_claims_declared(spec: dict) -> dict[str, str]:
    """The names learning_claims produces for any run of this spec (a run scored on a test split)."""
    zero = spec["model"]["init"] == "zeros"
    out = merge(seed_claims_declared(spec), required("shown_seed", "shown_seed_index"),
                seeds_claims_declared(spec, zero))
    return merge(out, path_probe_declared()) if zero else out


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
    if found:
        claims["jump1_span_share"] = jump_span_share(steps, found[0])
    claims |= one_answer_claims(confusion[:end + 1])
    branch, near = branch_claims(run, found, seed, with_near=True)
    claims |= branch | plateau_norm_claims(run, seed, end)
    if spec["model"]["init"] == "zeros":
        claims |= symmetry_claims(run, seed)
    else:
        claims |= norm_growth_claims(run, seed)
    return claims, near


def seed_claims_declared(spec: dict) -> dict[str, str]:
    out = required("steps", "snapshots", "snapshot_interval", "train_images", "test_images", "epochs",
                   "learning_rate", "final_test_accuracy", "final_train_accuracy", "best_test_accuracy", "chance",
                   "plateau_accuracy", "plateau_end_step", "plateau_end_snapshot", "plateau_top_class",
                   "plateau_top_class_share", "jump_count")
    out |= optional(f"{JUMP}_{name}" for name in ("start_step", "end_step", "from", "to"))  # only jumps found
    out |= optional("jump1_span_share") | one_answer_claims_declared()
    out |= branch_claims_declared(spec)
    out |= plateau_norm_claims_declared(spec)
    if spec["model"]["init"] == "zeros":
        out |= symmetry_claims_declared()
    else:
        out |= norm_growth_claims_declared()
    return out


def jump_span_share(steps: np.ndarray, jump) -> float:
    """How long a jump takes, in steps, as a share of the steps before it starts (the wait at chance, for the
    first jump): small when the rise is abrupt. 1.0 for a jump that starts at step 0."""
    start, end = int(steps[jump.start]), int(steps[jump.end])
    return float((end - start) / start) if start > 0 else 1.0


def one_answer_claims(confusion: np.ndarray) -> dict:
    """Of a stretch of snapshots' (T, true, predicted) test confusions: plateau_single_answer_share, the share of
    its snapshots at which the network gives one answer (ONE_ANSWER of the test images get the same digit);
    plateau_answer_switches, how often that answer changes from one such snapshot to the next, and
    plateau_answer_switch_share, the same over the pairs of consecutive such snapshots (0 with fewer than two);
    plateau_answer_digits, how many digits it gives in turn."""
    predicted = np.asarray(confusion, np.int64).sum(1)                  # (T, predicted class)
    single = predicted.max(1) >= ONE_ANSWER * predicted.sum(1)
    answers = predicted.argmax(1)[single]
    switches = int((np.diff(answers) != 0).sum())
    return {"plateau_single_answer_share": float(single.mean()), "plateau_answer_switches": switches,
            "plateau_answer_switch_share": float(switches / (len(answers) - 1)) if len(answers) > 1 else 0.0,
            "plateau_answer_digits": int(len(set(answers.tolist())))}


def one_answer_claims_declared() -> dict[str, str]:
    return required("plateau_single_answer_share", "plateau_answer_switches", "plateau_answer_switch_share",
                    "plateau_answer_digits")


def norm_growth_claims(run: dict, seed: int) -> dict:
    """How far the weights grow from a small random start, in powers of ten, the least over the layers:
    norm_growth_decades, log10 of a layer's mean weight-vector length at the end over its mean at the start;
    norm_reach_decades, log10 of the longest any of its neurons' vectors gets over that mean start."""
    growth, reach = [], []
    for layer in range(layer_count(run)):
        norms = np.linalg.norm(weights(run, layer, seed), axis=2)        # (T, neurons)
        start = norms[0].mean()
        growth.append(np.log10(norms[-1].mean() / start) if start > 0 else np.inf)
        reach.append(np.log10(norms.max() / start) if start > 0 else np.inf)
    return {"norm_growth_decades": float(min(growth)), "norm_reach_decades": float(min(reach))}


def norm_growth_claims_declared() -> dict[str, str]:
    return required("norm_growth_decades", "norm_reach_decades")


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
    names += [n for n in ("norm_growth_decades", "norm_reach_decades", "output_line_share") if n in every[0]]
    for name in names:
        out |= spread.over_seeds(f"seeds_{name}", [c[name] for c in every])
    out |= spread.share("seeds_branches_fewer_each_layer", [fewer_each_layer(c) for c in every])
    for k in range(1, JUMPS_REPORTED + 1):
        had = [c for c in every if c["jump_count"] >= k]     # only seeds with a k-th jump
        if had:
            out |= spread.over_seeds(f"seeds_jump{k}_to", [c[f"jump{k}_to"] for c in had])
            out |= spread.over_seeds(f"seeds_jump{k}_start_step", [c[f"jump{k}_start_step"] for c in had])
    had = [c["jump1_span_share"] for c in every if "jump1_span_share" in c]
    if had:
        out |= spread.over_seeds("seeds_jump1_span_share", had)
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


def fewer_each_layer(claims: dict) -> bool:
    """One seed's final branch counts fall strictly from the first hidden layer to the output layer."""
    layers = [name[len("branches_"):-len("_final")] for name in claims
              if name.startswith("branches_") and name.endswith("_final")]
    order = sorted(layers, key=lambda layer: int(layer[len("hidden"):]) if layer.startswith("hidden") else 1 << 30)
    counts = [claims[f"branches_{layer}_final"] for layer in order]
    return all(a > b for a, b in zip(counts, counts[1:]))


def seeds_claims_declared(spec: dict, zero: bool) -> dict[str, str]:
    out = required(*(over_seeds_names(f"seeds_{name}") for name in OVER_SEEDS),
                   share_names("seeds_branches_fewer_each_layer"),
                   *(over_seeds_names(f"seeds_branches_{layer}_final") for layer in layer_keys(spec)),
                   *(over_seeds_names(f"seeds_plateau_norm_share_{layer}") for layer in layer_keys(spec)))
    for k in range(1, JUMPS_REPORTED + 1):  # only when some seed had a k-th jump
        out |= optional(over_seeds_names(f"seeds_jump{k}_to"), over_seeds_names(f"seeds_jump{k}_start_step"))
    out |= optional(over_seeds_names("seeds_jump1_span_share"))
    measured = ("output_line_share",) if zero else ("norm_growth_decades", "norm_reach_decades")
    out |= required(*(over_seeds_names(f"seeds_{name}") for name in measured))
    for layer in layer_keys(spec):          # only when some seed had a jump
        out |= optional(share_names(f"seeds_branching_near_jump_{layer}"),
                        over_seeds_names(f"seeds_branching_chance_{layer}"))
    if zero:
        out |= required(over_seeds_names("seeds_distinct_hidden_final"), share_names("seeds_distinct_hidden_split"))
        out |= optional(over_seeds_names("seeds_distinct_hidden_split_step"))  # only when some seed split
    return out


def symmetry_claims(run: dict, seed: int = 0) -> dict:
    """Bitwise-distinct units of the first hidden layer of one seed, and how far apart its two groups grow."""
    W = weights(run, 0, seed)
    counts = symmetry.distinct_units(W)
    steps = np.asarray(run["snapshot_steps"])
    split = symmetry.first_split(counts)
    groups = symmetry.group_sizes(W[-1])
    claims = {"distinct_hidden_final": int(counts[-1]), "distinct_hidden_max": int(counts.max()),
              "distinct_hidden_group_large": int(groups[0]), "distinct_hidden_group_small": int(groups[-1]),
              "hidden_width": int(W.shape[1]), "distinct_hidden_split": int(split is not None),
              "output_line_share": output_line_share(run, seed)}
    if split is not None:
        claims["distinct_hidden_split_step"] = int(steps[split])
        claims |= group_gap_claims(W, split, steps)
    return claims


def symmetry_claims_declared() -> dict[str, str]:
    out = required("distinct_hidden_final", "distinct_hidden_max", "distinct_hidden_group_large",
                   "distinct_hidden_group_small", "hidden_width", "distinct_hidden_split", "output_line_share")
    out |= optional("distinct_hidden_split_step")  # only when the units split
    out |= group_gap_claims_declared()
    return out


def output_line_share(run: dict, seed: int) -> float:
    """The share of the output layer's learning cloud's variance (every neuron at every snapshot) along its first
    principal direction: 1 when every output neuron moves on one line through the origin, as it must while the
    hidden units are identical (each output neuron's weights to them then stay equal). 1.0 for a cloud with no
    spread."""
    from .learning_cloud import pca
    W = weights(run, -1, seed)
    share = pca(W.reshape(-1, W.shape[-1]), 1)[1]
    return float(share[0]) if share[0] > 0 else 1.0


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


def path_probe(run: dict, spec: dict, index: int, probe_steps: int | None = None, settle: int | None = None,
               paths=tuple(symmetry.PATHS)) -> dict:
    """The zero-initialised network retrained on each numeric path (symmetry.PATHS), from the minibatches of
    the run's seed number `index` (the seed shown), until its hidden units split or `probe_steps`, then `settle` steps
    more (by default PROBE_STEPS and PROBE_SETTLE, at most the run's own steps each: a short profile probes
    briefly). One run per path, not a spread over seeds, so prose picks its wording from these and checks none.

    probe_seed, probe_steps, probe_settle; probe_paths (how many paths), probe_split_paths (how many split);
    per path p: probe_<p>_split 1/0 and, only when it split, probe_<p>_split_step (counted from 1),
    probe_<p>_split_groups (groups of bitwise-identical units at that step), probe_<p>_split_large and
    probe_<p>_split_small (the largest and smallest group's units), probe_<p>_groups_end (groups `settle` steps
    later), probe_<p>_gap_split and probe_<p>_gap_end (the largest difference between the mean weights of the
    split's largest group and the other units', at the split and `settle` steps later: symmetry.probe) and
    probe_<p>_gap_growth (their ratio: how much training grew the split). probe_pinned_agrees: 1 if the pinned
    path's probe splits by each of the run's snapshots that it covers exactly when the run's own seed does (the
    probe repeats the build's training, so anything else is a fault of the probe). float64_split,
    float64_split_step, float64_probe_steps and float64_probe_seed repeat the float64 path's."""
    opts = spec.get("train", {})
    longest = int(opts.get("steps", PROBE_STEPS))
    probe_steps = min(PROBE_STEPS, longest) if probe_steps is None else probe_steps
    settle = min(PROBE_SETTLE, longest) if settle is None else settle
    kwargs = {"lr": float(opts["learning_rate"])} if "learning_rate" in opts else {}
    if opts.get("batch_size"):
        kwargs["batch"] = int(opts["batch_size"])
    width = int(run["W0"].shape[2])
    seed = int(run["seeds"][index])
    job = symmetry.Probe(width, int(probe_steps), int(settle), symmetry.Training(seed=seed, **kwargs))
    found = symmetry.probe_paths(run["X"], run["y"], job, paths)
    claims = {"probe_seed": int(seed), "probe_steps": int(probe_steps), "probe_settle": int(settle),
              "probe_paths": len(found), "probe_split_paths": sum(r["split_step"] is not None for r in found.values())}
    for name, result in found.items():
        claims[f"probe_{name}_split"] = int(result["split_step"] is not None)
        if result["split_step"] is not None:
            groups = result["groups_at_split"]
            claims |= {f"probe_{name}_split_step": int(result["split_step"]),
                       f"probe_{name}_split_groups": len(groups), f"probe_{name}_split_large": int(groups[0]),
                       f"probe_{name}_split_small": int(groups[-1]),
                       f"probe_{name}_groups_end": len(result["groups_at_end"]),
                       f"probe_{name}_gap_split": float(result["gap_at_split"]),
                       f"probe_{name}_gap_end": float(result["gap_at_end"])}
            if result["gap_at_split"] > 0:
                claims[f"probe_{name}_gap_growth"] = float(result["gap_at_end"] / result["gap_at_split"])
    if "pinned" in found:
        claims["probe_pinned_agrees"] = int(probe_agrees(run, index, found["pinned"]))
    if "float64" in found:
        claims |= {"float64_split": claims["probe_float64_split"], "float64_probe_steps": int(probe_steps),
                   "float64_probe_seed": int(seed)}
        if claims["float64_split"]:
            claims["float64_split_step"] = claims["probe_float64_split_step"]
    return claims


def probe_agrees(run: dict, index: int, result: dict) -> bool:
    """Whether a probe's result (symmetry.probe) and the run's seed number `index` agree at every snapshot after
    the start that the probe reached: the units have split by then in both or in neither."""
    counts = symmetry.distinct_units(weights(run, 0, index))
    steps = np.asarray(run["snapshot_steps"])
    covered = (steps > 0) & (steps <= result["steps_run"])
    split = result["split_step"]
    probe_split = np.zeros(len(steps), bool) if split is None else steps >= split
    return bool(np.array_equal((counts > 1)[covered], probe_split[covered]))


def path_probe_declared() -> dict[str, str]:
    out = required("probe_seed", "probe_steps", "probe_settle", "probe_paths", "probe_split_paths", "probe_pinned_agrees",
                   "float64_split", "float64_probe_steps", "float64_probe_seed",
                   (f"probe_{name}_split" for name in symmetry.PATHS))
    # only for a path whose units split
    return out | optional("float64_split_step", (f"probe_{name}_{what}" for name in symmetry.PATHS for what in
                                                 ("split_step", "split_groups", "split_large", "split_small",
                                                  "groups_end", "gap_split", "gap_end", "gap_growth")))
