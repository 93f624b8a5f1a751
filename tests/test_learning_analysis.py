"""Part III's analysis: zero-initialisation symmetry, learning clouds, Mapper graphs, branch counts,
plateau and jump detection, the claims dispatch and the learning-graph figures."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from generator import config, frames, train
from generator.analysis import branches, mapper_graph, plateaus, symmetry
from generator.analysis.claims import experiment_claims
from generator.analysis import learning_claims as learning
from generator.analysis.learning_claims import group_gap_claims, learning_claims, path_probe, symmetry_claims
from generator.analysis.learning_cloud import cloud, layer_count
from generator.models import BatchedMLP

ROOT = Path(__file__).resolve().parent.parent


def small_data(n=200, d=16, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, d)).astype(np.float32)
    y = rng.integers(0, classes, n)
    return X, y


# --- symmetry under zero initialisation -------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_zero_init_hidden_units_stay_identical_under_identical_arithmetic(dtype):
    X, y = small_data()
    counts = symmetry.train_zero_init(X, y, 7, 40, symmetry.Training(lr=0.5, batch=32, dtype=dtype, unitwise=True))
    assert counts == [1] * 40


def test_a_random_output_layer_breaks_the_symmetry():
    # the control: the same unit-by-unit arithmetic, but output weights that differ per hidden unit
    X, y = small_data()
    counts = symmetry.train_zero_init(X, y, 7, 3, symmetry.Training(lr=0.5, batch=32, unitwise=True, output_init_std=0.1))
    assert counts[-1] == 7


def test_zero_init_output_units_separate_after_one_step():
    X, y = small_data()
    model = BatchedMLP([16, 5, 4], "sigmoid", [0], "zeros", 0.0, False)
    logits = model(torch.from_numpy(X))
    loss = F.cross_entropy(logits.transpose(1, 2), torch.from_numpy(y).expand(1, -1))
    loss.backward()
    with torch.no_grad():
        for w in model.weights:
            w -= 0.5 * w.grad
    out = model.weights[1][0].detach().numpy()
    assert len(np.unique(out, axis=0)) == 4            # each output unit moved by its own class's error
    assert len(np.unique(model.weights[0][0].detach().numpy(), axis=0)) == 1  # hidden units got one gradient


def test_distinct_units_and_groups():
    w = np.zeros((3, 5, 2))
    w[1, 3:] = 1e-30           # two units differ in the last bits
    w[2] = w[1]
    w[2, 4] = 2.0
    assert symmetry.distinct_units(w).tolist() == [1, 2, 3]
    assert symmetry.group_sizes(w[1]) == [3, 2]
    assert symmetry.first_split(symmetry.distinct_units(w)) == 1


def test_distinct_units_count_as_numpy_unique_does():
    rng = np.random.default_rng(3)
    W = rng.integers(0, 3, size=(40, 12, 5)).astype(np.float64)
    W[rng.random(W.shape) < 0.3] = -0.0                      # -0.0 and 0.0 are one value, as for np.unique
    assert symmetry.distinct_units(W).tolist() == [len(np.unique(w, axis=0)) for w in W]


def test_group_gap_grows_from_the_split():
    # 6 units, split at snapshot 2 into 4 + 2 whose gap then grows tenfold a snapshot: 2e-6, 2e-5, ...
    T = 10
    W = np.ones((T, 6, 3))
    gap = np.where(np.arange(T) >= 2, 2 * 10.0 ** (np.arange(T) - 8), 0.0)
    W[:, 4:, 1] += gap[:, None]
    steps = np.arange(T) * 100
    assert symmetry.group_gap(W, 2) == pytest.approx(gap, rel=1e-9)
    claims = group_gap_claims(W, 2, steps)
    assert claims["group_gap_at_split"] == pytest.approx(2e-6, rel=1e-6) and claims["group_gap_final"] == pytest.approx(20.0)
    assert (claims["group_gap_step_micro"], claims["group_gap_step_milli"], claims["group_gap_step_deci"]) == (200, 500, 700)
    early = group_gap_claims(W[:7], 2, steps[:7])        # stopped before the gap reached 0.1
    assert "group_gap_step_milli" in early and "group_gap_step_deci" not in early


# --- learning clouds, Mapper and branches on synthetic trees ------------------------------------------

def rays_run(rays: int, neurons_per_ray=6, snapshots=60, dims=30, noise=0.003, seed=0):
    """A fake run whose layer-0 neurons leave one point along `rays` directions, one ray per group."""
    rng = np.random.default_rng(seed)
    directions = np.linalg.qr(rng.normal(size=(dims, rays)))[0].T     # orthonormal ray directions
    t = np.linspace(0, 1, snapshots)
    group = np.repeat(np.arange(rays), neurons_per_ray)
    W = t[:, None, None] * directions[group][None] + noise * rng.normal(size=(snapshots, len(group), dims))
    W[0] = 0.0
    return {"W0": W[:, None].astype(np.float32), "snapshot_steps": np.arange(snapshots) * 10}


@pytest.mark.parametrize("rays", [2, 3])
def test_mapper_graph_of_rays_has_one_tip_per_ray(rays):
    run = rays_run(rays)
    cl = cloud(run, 0)
    assert cl.points.shape == (60 * 6 * rays, 30)
    graph = mapper_graph.learning_graph(cl, mapper_graph.MapperParams(n_cubes=10, perc_overlap=0.5, eps=0.05))
    assert mapper_graph.leaves(graph) == rays
    assert mapper_graph.components(graph) == 1
    steps = [n["mean_step"] for n in graph.nodes]
    assert steps == sorted(steps) and graph.nodes[0]["mean_step"] < 50   # the root is the earliest node
    assert sum(n["size"] for n in graph.nodes) >= len(cl.points)      # every point in some node
    pos = mapper_graph.layout(graph)
    assert pos.shape == (len(graph.nodes), 2) and np.abs(pos).max() <= 1.0 + 1e-9


@pytest.mark.parametrize("rays", [2, 3])
def test_branch_counts_of_rays(rays):
    counts = branches.branch_counts(rays_run(rays), 0)
    assert counts[0] == 1 and counts[-1] == rays
    assert len(branches.branching_events(counts)) >= 1


def test_branching_events_and_gaps():
    counts = np.array([1, 1, 2, 2, 1, 2, 3, 3])
    assert branches.branching_events(counts).tolist() == [2, 6]   # the dip and recovery is not a new branch
    assert branches.nearest_gap(np.array([2, 6]), 5) == 1
    assert branches.nearest_gap(np.array([], int), 5) is None


@pytest.mark.parametrize("fraction", [0.03, 0.1, 0.3])
def test_branch_counts_agree_with_dbscan(fraction):
    """The batched count is DBSCAN's (min_samples 1) at every snapshot, on rays and on a random walk."""
    rng = np.random.default_rng(4)
    walk = np.cumsum(rng.normal(size=(25, 30, 40)) * rng.random((1, 30, 1)), 0)
    for run in (rays_run(3), {"W0": walk[:, None], "snapshot_steps": np.arange(25)}):
        W = run["W0"][:, 0].astype(np.float64)
        eps = branches.layer_eps(W, fraction)
        expected = [len(np.unique(branches.branch_labels(w, eps))) for w in W]
        assert branches.branch_counts(run, 0, fraction=fraction).tolist() == expected


def test_chance_share_of_branching_events():
    # events at 10 and 50 in 100 snapshots: 8..12 and 48..52 lie within 2 of one, 10 snapshots of 100
    assert branches.chance_share(np.array([10, 50]), 2, 100) == pytest.approx(0.10)
    assert branches.chance_share(np.array([10, 50]), 0, 100) == pytest.approx(0.02)
    assert branches.chance_share(np.array([0, 99]), 3, 100) == pytest.approx(0.08)   # cut by the ends
    assert branches.chance_share(np.array([10, 12]), 2, 100) == pytest.approx(0.07)  # 8..14, overlap once
    assert branches.chance_share(np.array([], int), 5, 100) == 0.0
    assert branches.snapshot_gaps(np.array([3]), 6).tolist() == [3, 2, 1, 0, 1, 2]


# --- plateaus and jumps ---------------------------------------------------------------------------------

def stepped_curve(seed=0):
    rng = np.random.default_rng(seed)
    curve = np.full(200, 0.1)
    curve[60:] = np.linspace(0.1, 0.4, 8).tolist() + [0.4] * 132
    curve[130:] = np.linspace(0.4, 0.8, 10).tolist() + [0.8] * 60
    return curve + rng.choice([-0.015, 0.0, 0.015], 200)   # the flicker of a one-class plateau


def test_jumps_found_where_they_are():
    found = plateaus.jumps(stepped_curve())
    assert len(found) == 2
    assert abs(found[0].start - 60) <= 3 and abs(found[1].start - 130) <= 3
    assert found[0].after == pytest.approx(0.4, abs=0.03) and found[1].after == pytest.approx(0.8, abs=0.03)
    end, level = plateaus.plateau(stepped_curve(), found)
    assert abs(end - 60) <= 3 and level == pytest.approx(0.1, abs=0.01)


def test_flat_or_slow_curves_have_no_jumps():
    rng = np.random.default_rng(1)
    assert plateaus.jumps(0.1 + rng.choice([-0.015, 0.015], 200)) == []
    assert plateaus.jumps(np.linspace(0.4, 0.45, 200)) == []   # a slow drift is not a jump


# --- claims and figures on a short real run -------------------------------------------------------------

@pytest.fixture(scope="module")
def short_run():
    exp = config.load_experiments(ROOT / "content" / "experiments", "quick")["mnist-zero-init"]
    spec = copy.deepcopy(exp.spec)
    spec["train"] |= {"steps": 60, "snapshots": 7}
    return train.train(exp.id, spec), spec


def test_runs_with_a_test_split_get_learning_claims(short_run):
    run, spec = short_run
    claims = experiment_claims(run, spec)
    jumps = [f"jump{k}_{field}" for k in range(1, claims["jump_count"] + 1) for field in ("to", "start_step")]
    assert not any(name.startswith(f"jump{claims['jump_count'] + 1}_") for name in claims)  # no padded jumps
    for name in (*jumps, "accuracy_mean", "final_test_accuracy", "plateau_accuracy", "plateau_end_step",
                 "branches_output_final", "branches_hidden1_final", "branching_gap_max",
                 "distinct_hidden_final", "distinct_hidden_split", "float64_split", "float64_probe_steps",
                 "shown_seed", "shown_seed_index", "seeds_plateau_end_step_n", "seeds_final_test_accuracy_sd",
                 "seeds_branches_hidden1_final", "seeds_distinct_hidden_final", "seeds_distinct_hidden_split_lo"):
        assert name in claims
    best = frames.best_seed(run)
    assert claims["shown_seed_index"] == best and claims["shown_seed"] == int(run["seeds"][best])
    assert claims["final_test_accuracy"] == pytest.approx(float(run["test_accuracy"][-1, best]))
    assert claims["distinct_hidden_final"] == len(np.unique(run["W0"][-1, best], axis=0))
    assert claims["seeds_final_test_accuracy"] == pytest.approx(float(run["test_accuracy"][-1].mean()))
    assert claims["seeds_final_test_accuracy_n"] == len(run["seeds"])
    # a split is stated only when it happened
    assert ("distinct_hidden_split_step" in claims) == (claims["distinct_hidden_split"] == 1)
    assert ("float64_split_step" in claims) == (claims["float64_split"] == 1)
    json.dumps(claims)  # the cache stores them as JSON


def test_a_probe_that_cannot_split_states_no_split_step(short_run):
    # after one SGD step from zero the hidden weights are still all zero (their gradient goes through the
    # zero output weights), so a probe capped at one step cannot split, on any path; the probe runs in a
    # process of its own with the float64 path's environment
    run, spec = short_run
    probe = path_probe(run, spec, 0, probe_steps=1, settle=1, paths=("float64",))   # run["seeds"][0] is 0
    assert probe == {"probe_seed": 0, "probe_steps": 1, "probe_settle": 1, "probe_paths": 1, "probe_split_paths": 0,
                     "probe_float64_split": 0, "float64_split": 0, "float64_probe_steps": 1, "float64_probe_seed": 0}


def test_the_probe_trains_as_the_build_trains(short_run):
    """The probe's network is the build's, bit for bit: the same seed's minibatches, products and loss give the
    same hidden weights as train.py's run of that seed alone (so the pinned path's probe repeats the run)."""
    run, spec = short_run
    steps = int(run["snapshot_steps"][-1])
    for index in (0, 1):
        training = symmetry.Training(seed=int(run["seeds"][index]), lr=spec["train"]["learning_rate"],
                                     batch=spec["train"]["batch_size"])
        *_, hidden = symmetry.zero_init_steps(run["X"], run["y"], run["W0"].shape[2], steps, training)
        assert np.array_equal(hidden, run["W0"][-1, index])
        assert np.any(hidden != 0)                            # it moved: the comparison is not of zeros


def test_probe_reports_the_split_and_its_growth():
    X, y = small_data()
    # identical arithmetic for every unit: no split in the whole budget, one group of them all
    never = symmetry.probe(X, y, symmetry.Probe(7, 30, 10, symmetry.Training(lr=0.5, batch=32, unitwise=True)))
    assert never == {"steps_run": 30, "split_step": None, "groups_at_split": None, "groups_at_end": [7],
                     "gap_at_split": 0.0, "gap_at_end": 0.0}
    # random output weights: every unit differs after the first step, and the probe stops `settle` steps later
    training = symmetry.Training(lr=0.5, batch=32, unitwise=True, output_init_std=0.1)
    control = symmetry.probe(X, y, symmetry.Probe(7, 30, 4, training))
    assert control["split_step"] == 1 and control["steps_run"] == 5
    assert control["groups_at_split"] == [1] * 7 and control["groups_at_end"] == [1] * 7
    # the gap is group_gap's, on the groups of the split kept to the end: with every group one unit, the
    # "largest" is the first in np.unique's order at the split, and the rest are its others
    W = np.stack([w.copy() for w in symmetry.zero_init_steps(X, y, 7, 5, training)]).astype(np.float64)
    first = np.unique(W[0], axis=0, return_inverse=True)[1].ravel() == 0
    assert control["gap_at_split"] == pytest.approx(np.abs(W[0, first].mean(0) - W[0, ~first].mean(0)).max(), rel=1e-12)
    assert control["gap_at_end"] == pytest.approx(np.abs(W[-1, first].mean(0) - W[-1, ~first].mean(0)).max(), rel=1e-12)
    assert control["gap_at_end"] == pytest.approx(symmetry.group_gap(W, 0)[-1], rel=1e-12)


def test_each_path_runs_in_its_own_process_with_its_environment():
    # torch reads its capability when it loads: the probe's process must have it set before, so "default" takes
    # the plain kernels whatever the parent process uses; "pinned" takes AVX2 where the processor has it
    from generator import numeric
    X, y = small_data()
    found = symmetry.probe_paths(X, y, symmetry.Probe(7, 3, 1, symmetry.Training(lr=0.5, batch=32)), ("pinned", "default"))
    assert found["default"]["capability"] == "default"
    assert found["pinned"]["capability"] == min("avx2", numeric.supported(numeric.cpu()[1]), key=numeric.ORDER.index)
    assert found["pinned"]["steps_run"] >= 3 and set(found["pinned"]) >= {"split_step", "groups_at_end", "gap_at_end"}
    env = symmetry.path_environment("compatible", {"MKL_CBWR": "AVX", "HOME": "/x"})
    assert env["MKL_CBWR"] == "COMPATIBLE" and env["ATEN_CPU_CAPABILITY"] == "avx2" and env["HOME"] == "/x"


def test_path_probe_claims_from_known_results(monkeypatch):
    # the claims say what each path's probe found, and only what it found
    results = {"pinned": {"steps_run": 3000, "split_step": None, "groups_at_split": None, "groups_at_end": [100],
                          "gap_at_split": 0.0, "gap_at_end": 0.0, "capability": "avx2"},
               "float64": {"steps_run": 1002, "split_step": 2, "groups_at_split": [96, 4], "groups_at_end": [90, 6, 4],
                           "gap_at_split": 1e-20, "gap_at_end": 3e-17, "capability": "avx2"}}
    asked = {}

    def fake(X, y, job, paths):
        asked.update(job=job, paths=paths)
        return {name: results[name] for name in paths}
    monkeypatch.setattr(symmetry, "probe_paths", fake)
    W0 = np.zeros((4, 2, 100, 3))                    # snapshots at steps 0, 1000, 2000, 3000 of seeds 7 and 2
    run = {"X": np.zeros((5, 3)), "y": np.zeros(5, int), "W0": W0, "seeds": np.array([7, 2]),
           "snapshot_steps": np.array([0, 1000, 2000, 3000])}
    spec = {"train": {"steps": 30000, "learning_rate": 0.05, "batch_size": 100}}
    claims = path_probe(run, spec, 1, paths=("pinned", "float64"))
    assert asked == {"job": symmetry.Probe(100, learning.PROBE_STEPS, learning.PROBE_SETTLE,
                                           symmetry.Training(seed=2, lr=0.05, batch=100)),
                     "paths": ("pinned", "float64")}
    assert claims["probe_paths"] == 2 and claims["probe_split_paths"] == 1 and claims["probe_seed"] == 2
    assert claims["probe_pinned_split"] == 0 and not any(n.startswith("probe_pinned_split_") for n in claims)
    assert (claims["probe_float64_split_step"], claims["probe_float64_split_groups"]) == (2, 2)
    assert (claims["probe_float64_split_large"], claims["probe_float64_split_small"]) == (96, 4)
    assert claims["probe_float64_groups_end"] == 3
    assert claims["probe_float64_gap_growth"] == pytest.approx(3000)
    assert (claims["float64_split"], claims["float64_split_step"], claims["float64_probe_seed"]) == (1, 2, 2)
    # the pinned probe repeats the run: it agrees with a run that never splits, not with one split by step 2,000
    assert claims["probe_pinned_agrees"] == 1
    W0[2:, 1, :50] = 1.0
    assert path_probe(run, spec, 1, paths=("pinned",))["probe_pinned_agrees"] == 0
    results["pinned"] |= {"split_step": 1500, "groups_at_split": [50, 50]}
    assert path_probe(run, spec, 1, paths=("pinned",))["probe_pinned_agrees"] == 1
    results["pinned"] |= {"split_step": 800}            # split before the run's snapshot at 1,000: it was not
    assert path_probe(run, spec, 1, paths=("pinned",))["probe_pinned_agrees"] == 0
    # a short run probes no longer than it trained
    path_probe(run, {"train": {"steps": 60}}, 0, paths=("float64",))
    assert (asked["job"].steps, asked["job"].settle) == (60, 60)
    declared = learning.path_probe_declared()
    assert all(name in declared for name in claims)
    missing = {n for n, how in declared.items() if how == "required" and n not in claims}
    assert missing == {"probe_default_split", "probe_compatible_split"}     # the paths this test left out


def stepped_run(plateau_ends, second_jumps, seeds=(5, 6, 7), T=150, classes=4):
    """A fake Part III run: seed i sits at chance until snapshot plateau_ends[i], rises to 0.5 over 5
    snapshots, and (when second_jumps[i]) rises again to 0.9 at that snapshot; two weight layers whose
    first layer branches into two rays."""
    S = len(seeds)
    acc = np.full((T, S), 0.25)
    for s, (end, second) in enumerate(zip(plateau_ends, second_jumps)):
        acc[end:end + 6, s] = 0.25 + 0.05 * np.arange(6)
        acc[end + 6:, s] = 0.5
        if second:
            acc[second:second + 6, s] = 0.5 + 0.08 * np.arange(6)
            acc[second + 6:, s] = 0.9
    rays = rays_run(2, snapshots=T)["W0"]                              # (T, 1, 12, 30)
    rng = np.random.default_rng(0)
    confusion = np.zeros((T, S, classes, classes))
    confusion[..., 0] = 25                                             # everything predicted as class 0
    return {"W0": np.repeat(rays, S, 1), "W1": rng.normal(size=(T, S, classes, 12)).astype(np.float32),
            "snapshot_steps": np.arange(T) * 20, "seeds": np.array(seeds), "y": np.zeros(400, int),
            "test_accuracy": acc, "train_accuracy": acc, "test_confusion": confusion,
            "accuracy": np.array([0.5, 0.6, 0.9][:S]), "loss": np.ones((10, S))}


def test_claims_over_seeds_on_known_plateaus():
    ends, seconds = [40, 60, 80], [100, 120, None]
    run = stepped_run(ends, seconds)
    spec = {"train": {"steps": 3000, "batch_size": 100, "learning_rate": 0.1}, "model": {"init": "normal"}}
    claims = learning_claims(run, spec)
    steps = run["snapshot_steps"]
    # the figures show the seed with the best training accuracy, the third: its plateau ends at snapshot 80
    assert claims["shown_seed"] == 7 and claims["shown_seed_index"] == 2
    assert claims["plateau_end_step"] == steps[80] and claims["jump_count"] == 1
    known = steps[ends].astype(float)
    assert claims["seeds_plateau_end_step"] == pytest.approx(known.mean())
    assert claims["seeds_plateau_end_step_sd"] == pytest.approx(known.std(ddof=1))
    assert claims["seeds_plateau_end_step_n"] == 3
    assert (claims["seeds_plateau_end_step_min"], claims["seeds_plateau_end_step_max"]) == (known.min(), known.max())
    assert claims["seeds_jump1_to_n"] == 3 and claims["seeds_jump1_to"] == pytest.approx(0.5, abs=0.01)
    assert claims["seeds_jump2_to_n"] == 2 and claims["seeds_jump2_to"] == pytest.approx(0.9, abs=0.01)
    assert claims["seeds_jump_count"] == pytest.approx(5 / 3)
    assert claims["seeds_plateau_accuracy"] == pytest.approx(0.25)
    # every seed has the same two rays: one branching event in the first layer; 5 (seed, jump) pairs
    assert claims["branches_hidden1_final"] == 2 and claims["seeds_branches_hidden1_final_sd"] == 0
    assert claims["seeds_branching_near_jump_hidden1_n"] == 5
    event = branches.branching_events(branches.branch_counts(run, 0)).tolist()
    assert len(event) == 1
    assert claims["jump1_branching_gap_hidden1"] == abs(event[0] - 80)
    assert claims["seeds_branching_chance_hidden1"] == pytest.approx(7 / 150)   # 3 either side of one event
    json.dumps(claims)


def test_plateau_norm_shares_read_each_layer_at_the_plateau_end():
    # seed i's plateau ends at snapshot ends[i]; scale the second layer so its mean length at the plateau's end
    # is a known share of its last one, and check the per-seed and over-seeds claims
    ends = [40, 60, 80]
    run = stepped_run(ends, [None] * 3)
    W1 = np.ones_like(run["W1"])                          # every neuron's vector has length sqrt(12)
    growth = np.linspace(0.0, 1.0, len(run["snapshot_steps"]))
    run["W1"] = (W1 * growth[:, None, None, None]).astype(np.float32)
    spec = {"train": {"steps": 3000, "batch_size": 100, "learning_rate": 0.1}, "model": {"init": "normal",
                                                                                         "hidden": [12]}}
    claims = learning_claims(run, spec)
    T = len(growth)
    assert claims["plateau_end_snapshot"] == 80
    assert claims["plateau_norm_share_output"] == pytest.approx(growth[80] / growth[-1])
    norms = np.linalg.norm(run["W0"][:, 2].astype(np.float64), axis=2).mean(1)
    assert claims["plateau_norm_share_hidden1"] == pytest.approx(norms[80] / norms[-1])
    shares = [e / (T - 1) for e in ends]
    assert claims["seeds_plateau_norm_share_output"] == pytest.approx(np.mean(shares), rel=1e-5)
    assert claims["seeds_plateau_norm_share_output_n"] == 3
    assert claims["seeds_plateau_norm_share_output_min"] == pytest.approx(min(shares), rel=1e-5)
    # declared from the spec alone, for every layer
    from generator.analysis.learning_claims import learning_claims_declared
    declared = learning_claims_declared(spec)
    for name in ("plateau_norm_share_hidden1", "plateau_norm_share_output", "seeds_plateau_norm_share_output_sd"):
        assert name in declared and name in claims


def test_one_answer_claims_count_single_answer_snapshots_and_their_changes():
    # five snapshots of 100 test images: one answer (3, 3, 5) at three of them, a split vote at one, and 99 of 100
    # on digit 1 at the last (ONE_ANSWER: still one answer)
    confusion = np.zeros((5, 10, 10), int)
    for t, digit in zip((0, 1, 2), (3, 3, 5)):
        confusion[t, :, digit] = 10
    confusion[3, :, 2], confusion[3, :, 4] = 5, 5
    confusion[4, :, 1] = 10
    confusion[4, 0, 1], confusion[4, 0, 7] = 9, 1
    claims = learning.one_answer_claims(confusion)
    assert claims["plateau_single_answer_share"] == pytest.approx(4 / 5)
    assert claims["plateau_answer_switches"] == 2                        # 3 -> 5 -> 1 (the split vote skipped)
    assert claims["plateau_answer_switch_share"] == pytest.approx(2 / 3)
    assert claims["plateau_answer_digits"] == 3
    assert learning.one_answer_claims(confusion[3:4])["plateau_answer_switch_share"] == 0.0


def test_first_jump_span_share_over_seeds():
    # seeds' plateaus end at snapshots 40, 60, 80 and each rise takes 5 snapshots (stepped_run): its span over
    # the wait, in steps, is 5 / 40 etc., up to the smoothing's trimming of a snapshot or two
    run = stepped_run([40, 60, 80], [None] * 3)
    spec = {"train": {"steps": 3000, "batch_size": 100, "learning_rate": 0.1}, "model": {"init": "normal"}}
    claims = learning_claims(run, spec)
    steps = run["snapshot_steps"]
    assert claims["jump1_span_share"] == pytest.approx((claims["jump1_end_step"] - claims["jump1_start_step"])
                                                       / claims["jump1_start_step"])
    assert claims["seeds_jump1_span_share_n"] == 3
    assert claims["seeds_jump1_span_share_max"] == pytest.approx(5 / 40, abs=2 / 40)
    assert claims["seeds_jump1_span_share_min"] == pytest.approx(5 / 80, abs=2 / 80)
    # a flat seed has no first jump: the share is over the seeds that jump
    flat = stepped_run([40, 60, 80], [None] * 3)
    flat["test_accuracy"][:, 0] = 0.25
    assert learning_claims(flat, spec)["seeds_jump1_span_share_n"] == 2
    assert learning.jump_span_share(steps, plateaus.Jump(0, 3, 0.1, 0.5)) == 1.0


def test_norm_growth_decades_take_the_least_grown_layer():
    # layer 0: mean length 1e-5 -> 1 (5 decades), one neuron 100 long at snapshot 2 (7 decades);
    # layer 1: 1e-3 -> 1 (3 decades), never longer than 1 (3 decades)
    T = 4
    W0 = np.ones((T, 1, 3, 4)) * np.array([1e-5, 1e-2, 10.0, 1.0])[:, None, None, None] / 2   # |w| = the scale
    W0[2, 0, 0] *= 10.0
    W1 = np.ones((T, 1, 2, 3)) * np.array([1e-3, 0.1, 0.5, 1.0])[:, None, None, None] / np.sqrt(3)
    claims = learning.norm_growth_claims({"W0": W0, "W1": W1}, 0)
    assert claims["norm_growth_decades"] == pytest.approx(3.0)
    assert claims["norm_reach_decades"] == pytest.approx(3.0)
    W1[1, 0, 0] *= 1e4                          # one neuron of layer 1 1,000 long: 6 decades, now below layer 0's 7
    claims = learning.norm_growth_claims({"W0": W0, "W1": W1}, 0)
    assert claims["norm_reach_decades"] == pytest.approx(6.0)
    assert claims["norm_growth_decades"] == pytest.approx(3.0)


def test_output_line_share_is_one_on_a_line_and_less_off_it():
    rng = np.random.default_rng(2)
    T, N, D = 6, 10, 8
    line = rng.normal(size=(T, N, 1)) * np.ones(D)                     # every vector c * (1, ..., 1)
    run = {"W0": np.zeros((T, 1, 5, D)), "W1": line[:, None]}
    assert learning.output_line_share(run, 0) == pytest.approx(1.0, abs=1e-12)
    run["W1"] = rng.normal(size=(T, 1, N, D))
    assert learning.output_line_share(run, 0) < 0.5
    run["W1"] = np.zeros((T, 1, N, D))                                   # no spread at all: on a line, trivially
    assert learning.output_line_share(run, 0) == 1.0


def test_runs_without_a_test_split_keep_generic_claims():
    exp = config.load_experiments(ROOT / "content" / "experiments", "quick")["curves-line"]
    claims = experiment_claims(train.train(exp.id, exp.spec), exp.spec)
    assert "accuracy_mean" in claims and "plateau_accuracy" not in claims


@pytest.mark.parametrize("kind, options, files", [
    ("mapper-graph", {"layer": -1}, {"nodes.json": {"x", "y", "step", "size"}, "edges.json": set()}),
    # (the hidden layer of so short a zero-init run has no spread yet: its graph may be empty)
    ("mapper-graph", {"layer": 1, "lens": "mean-distance"}, {"nodes.json": {"x", "y", "step", "size"}}),
    ("mapper-surface", {"layer": 1}, {"nodes.json": {"x", "y", "step", "size"}}),
    ("branch-count", {}, {"branches.json": {"step", "layer", "branches"}, "accuracy.json": {"step", "split", "accuracy"}}),
])
def test_learning_graph_figures(short_run, kind, options, files):
    import vl_convert

    from generator import figures
    run, spec = short_run
    out = figures.builder(kind)(figures.resolve_options(kind, options), run, spec, {})
    text = json.dumps(out.spec)
    assert out.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    for name, fields in files.items():
        assert f"@data/{name}" in text
        rows = json.loads(out.files[name])
        assert rows and all(fields <= set(row) for row in rows)
    assert "W0" not in text and len(text) < 20_000
    assert vl_convert.vegalite_to_vega(out.spec)["$schema"].startswith("https://vega.github.io/schema/vega/")
    if kind.startswith("mapper"):
        assert {"graph_n_cubes", "graph_perc_overlap", "graph_eps", "graph_nodes"} <= set(out.claims)
    assert layer_count(run) == 2


def test_a_figure_sets_its_own_cover_and_clustering(short_run):
    """`intervals`, `overlap` and `eps` on a directive reach Mapper, and the printed settings follow them."""
    from generator import figures
    run, spec = short_run
    draw = lambda options: figures.builder("mapper-graph")(figures.resolve_options("mapper-graph", options), run, spec, {})
    default = draw({"layer": -1})
    tuned = draw({"layer": -1, "intervals": 7, "overlap": 0.25, "eps": 0.3})
    assert (tuned.claims["graph_n_cubes"], tuned.claims["graph_perc_overlap"], tuned.claims["graph_eps"]) == (7, 0.25, 0.3)
    assert default.claims["graph_n_cubes"] != 7
    printed = json.dumps(tuned.spec, ensure_ascii=False)  # the settings subtitle, one line a setting
    assert '"7 intervals, overlap 0.25"' in printed and '"DBSCAN eps 0.3 × radius' in printed


def test_fewer_branches_each_layer_reads_the_layers_in_order():
    from generator.analysis.learning_claims import fewer_each_layer
    assert fewer_each_layer({"branches_output_final": 3, "branches_hidden2_final": 5, "branches_hidden1_final": 9})
    assert not fewer_each_layer({"branches_hidden1_final": 9, "branches_hidden2_final": 9, "branches_output_final": 3})
    assert not fewer_each_layer({"branches_hidden1_final": 4, "branches_hidden2_final": 5, "branches_output_final": 3})
    assert fewer_each_layer({f"branches_hidden{k}_final": 20 - k for k in range(1, 12)} | {"branches_output_final": 1})
