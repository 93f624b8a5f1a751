"""Datasets, batched models and the training loop."""
import copy
from pathlib import Path

import numpy as np
import pytest
import torch

from generator import config, datasets, train
from generator.errors import TrainingError
from generator.models import BatchedMLP

ROOT = Path(__file__).resolve().parent.parent
SPEC = {"data": {"kind": "two-curves", "points_per_class": 21, "noise": 0.0, "seed": 0},
        "model": {"kind": "mlp", "hidden": [2], "activation": "tanh", "init": "glorot-uniform", "init_std": 1e-6,
                  "bias": True, "anchors_per_side": 3, "anchor_reach": 1.0, "bump_width": 0.4},
        "train": {"optimizer": "adam", "learning_rate": 0.05, "steps": 40, "batch_size": 0, "seeds": 3,
                  "first_seed": 0, "snapshots": 5, "weight_decay": 0.0, "identity_pull": 0.0,
                  "contractive": 0.0, "batch_seeds": True}}


def test_two_curves_lie_on_their_curves():
    X, y = datasets.two_curves(points_per_class=101)
    assert X.shape == (202, 2) and set(y) == {0, 1} and (y == 0).sum() == 101
    a, b = X[y == 0], X[y == 1]
    assert np.allclose(a[:, 1], -0.4 - 0.5 * np.cos(np.pi * a[:, 0]), atol=1e-6)
    assert np.allclose(b[:, 1] - a[:, 1], 0.8, atol=1e-6)
    assert np.isclose(a[:, 1].max(), 0.1, atol=1e-6) and np.isclose(b[:, 1].min(), -0.1, atol=1e-6)


def test_batched_model_shapes_and_seed_independence():
    together = BatchedMLP([2, 3, 2], "tanh", seeds=[5, 6, 7])
    alone = BatchedMLP([2, 3, 2], "tanh", seeds=[6])
    assert together.weights[0].shape == (3, 3, 2) and together.biases[1].shape == (3, 2)
    assert torch.equal(together.weights[0][1], alone.weights[0][0])
    assert together(torch.zeros(4, 2)).shape == (3, 4, 2)


def test_a_seed_trains_to_the_same_weights_batched_or_alone():
    batched = train.train("t", SPEC)
    single = copy.deepcopy(SPEC)
    single["train"] |= {"seeds": 1, "first_seed": 2}
    alone = train.train("t", single)
    assert np.allclose(batched["W0"][-1, 2], alone["W0"][-1, 0], atol=1e-5)
    assert batched["loss"].shape == (40, 3) and batched["loss"][-1].mean() < batched["loss"][0].mean()


def test_seeds_trained_one_by_one_stack_like_a_batch_and_each_equals_its_run_alone():
    spec = copy.deepcopy(SPEC)
    spec["train"] |= {"batch_seeds": False, "batch_size": 8}
    stacked = train.train("t", spec)
    batched = train.train("t", spec | {"train": spec["train"] | {"batch_seeds": True}})
    assert {k: v.shape for k, v in stacked.items()} == {k: v.shape for k, v in batched.items()}
    single = copy.deepcopy(spec)
    single["train"] |= {"seeds": 1, "first_seed": 1}
    alone = train.train("t", single)
    for key in ("W0", "b1", "loss"):
        assert np.array_equal(stacked[key][:, 1], alone[key][:, 0])
    assert stacked["seeds"].tolist() == [0, 1, 2] and stacked["accuracy"][1] == alone["accuracy"][0]
    assert not np.array_equal(stacked["W0"][:, 0], stacked["W0"][:, 1])  # each seed its own minibatches


def test_snapshots_follow_the_schedule():
    assert train.snapshot_steps(10, 3).tolist() == [0, 5, 10]
    assert train.snapshot_steps(3, 50).tolist() == [0, 1, 2, 3]
    run = train.train("t", SPEC)
    assert run["snapshot_steps"].tolist() == [0, 10, 20, 30, 40] and run["W0"].shape == (5, 3, 2, 2)


def test_nan_names_the_experiment():
    bad = copy.deepcopy(SPEC)
    bad["model"]["hidden"] = []  # a linear model: nothing saturates, so a huge step overflows
    bad["train"] |= {"learning_rate": 1e38, "optimizer": "sgd"}
    with pytest.raises(TrainingError, match="'exploding'"):
        train.train("exploding", bad)


@pytest.mark.parametrize("path", sorted((ROOT / "content" / "experiments").glob("*.toml")), ids=lambda p: p.stem)
def test_every_content_experiment_trains_a_few_steps(path):
    problems = []
    variants = config.load_variants(path, "quick", problems)
    assert problems == [] and variants
    exp = variants[-1]  # a sweep's last variant (its largest values, when they grow)
    spec = copy.deepcopy(exp.spec)
    spec["train"] |= {"steps": 3, "seeds": 2, "snapshots": 2}
    run = train.train(exp.id, spec)
    assert np.isfinite(run["loss"]).all() and run["accuracy"].shape == (2,)


def test_hidden_jacobian_matches_autograd_and_the_contractive_penalty_shrinks_it():
    model = BatchedMLP([2, 3, 2, 2], "tanh", seeds=[1, 2])
    x = torch.rand(5, 2)
    J = model.hidden_jacobian(x)
    for s in range(2):
        for n in range(5):
            def hidden(p, s=s):
                h = p
                for w, b in zip(model.weights[:-1], model.biases[:-1]):
                    h = torch.tanh(h @ w[s].T + b[s])
                return h
            assert torch.allclose(J[s, n], torch.autograd.functional.jacobian(hidden, x[n]), atol=1e-5)
    plain = train.train("t", SPEC)
    pulled = copy.deepcopy(SPEC)
    pulled["train"]["contractive"] = 1.0
    contracted = train.train("t", pulled)
    from generator import frames
    X = plain["X"]
    stretch = lambda run: np.mean([frames.stretch(frames.layers(run, s), X).mean() for s in range(3)])
    assert stretch(contracted) < stretch(plain)


def test_vector_field_layer_is_invertible_for_small_fields_and_trains():
    from generator.models import BatchedVectorFieldNet, anchor_grid
    net = BatchedVectorFieldNet(2, 2, seeds=[0], anchors=anchor_grid(3, 1.0), width=0.5, init_std=0.05)
    x = torch.rand(200, 2) * 2 - 1
    h = x.expand(1, *x.shape)
    moved = h + net.field(h, 0)
    # small fields: the map x -> x + F(x) is a contraction-perturbed identity, so it cannot fold:
    # no two distinct points land on the same spot, and a fixed-point iteration recovers every input
    back = moved.clone()
    for _ in range(50):
        back = moved - net.field(back, 0)
    assert torch.allclose(back, h, atol=1e-5)
    spec = copy.deepcopy(SPEC)
    spec["model"] |= {"kind": "vector-field", "hidden": [2, 2]}
    run = train.train("vf", spec)
    assert run["V0"].shape == (5, 3, 9, 2) and run["W0"].shape == (5, 3, 2, 2) and run["anchors"].shape == (9, 2)
    assert run["loss"][-1].mean() < run["loss"][0].mean()


def test_weight_decay_in_the_optimiser_is_the_gradient_of_the_matrices_penalty():
    """The optimiser's decay group must equal adding wd * sum ||W||^2 / 2 (matrices only) to the loss."""
    wd = 0.3
    opts = {"optimizer": "sgd", "learning_rate": 0.1, "weight_decay": wd}
    X, y = datasets.two_curves(points_per_class=11)
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    decayed, explicit = (BatchedMLP([2, 3, 2], "tanh", [4]) for _ in range(2))
    with torch.no_grad():  # biases away from zero, so decaying them would show
        for b1, b2 in zip(decayed.biases, explicit.biases):
            b1.fill_(0.5), b2.fill_(0.5)

    def ce(model):
        return torch.nn.functional.cross_entropy(model(X)[0], y)

    opt = train._optimiser(decayed, opts)
    opt.zero_grad(), ce(decayed).backward(), opt.step()
    plain = torch.optim.SGD(explicit.parameters(), lr=0.1)
    penalty = wd * sum((w ** 2).sum() for w in explicit.weights) / 2
    plain.zero_grad(), (ce(explicit) + penalty).backward(), plain.step()
    for a, b in zip(list(decayed.parameters()), list(explicit.parameters())):
        assert torch.allclose(a, b, atol=1e-6)
    assert not torch.equal(decayed.weights[0], BatchedMLP([2, 3, 2], "tanh", [4]).weights[0])


def test_log_snapshots_are_spiralnets_249_distinct_steps_plus_the_start_and_the_end():
    steps = train.snapshot_steps(10000, 350, "log")
    assert steps[0] == 0 and len(steps) == 251 and len(set(steps.tolist())) == 251
    assert steps[1:-1].tolist() == sorted(set(np.logspace(0, np.log10(9999), 350).astype(int).tolist()))
    assert steps[-2] == 9998 and steps[-1] == 10000 and np.all(np.diff(steps) > 0)
    for spacing in ("log", "linear"):
        for total, count in ((300, 60), (10, 3), (3, 50)):
            assert train.snapshot_steps(total, count, spacing)[-1] == total


def test_k_spirals_counts_radii_and_noise_bounds():
    for K in (2, 5, 7):
        X, y = datasets.k_spirals(classes=K, points_per_class=200, seed=3)
        assert X.shape == (200 * K, 2) and np.bincount(y).tolist() == [200] * K
        r = np.hypot(X[:, 0], X[:, 1])
        assert np.allclose(r[y == 0], np.linspace(2, 20, 200), atol=1e-4)
        for k in range(K):
            theta = np.arctan2(X[y == k, 1], X[y == k, 0])
            clean = np.linspace(2 * np.pi * k / K, 2 * np.pi * (k + 4) / K, 200)
            off = np.angle(np.exp(1j * (theta - clean)))  # wrapped difference from the noiseless spiral
            bound = 0.17 * np.linspace(1, 1.5, 200)
            assert np.all(np.abs(off) <= bound + 1e-5) and np.abs(off).max() > 0.5 * bound.max()
    X1, _ = datasets.k_spirals(classes=3, seed=1)
    assert not np.allclose(X1, datasets.k_spirals(classes=3, seed=2)[0])
    assert np.array_equal(X1, datasets.k_spirals(classes=3, seed=1)[0])


def test_the_models_tanh_is_tanh_to_float32_rounding_with_tanhs_gradient():
    from generator.models import ACTIVATIONS
    u = torch.linspace(-12, 12, 24_001, dtype=torch.float32, requires_grad=True)
    t = ACTIVATIONS["tanh"](u)
    exact = torch.tanh(u.detach().double())
    assert float((t.detach().double() - exact).abs().max()) < 2e-7
    assert t.detach().abs().max() <= 1 and torch.equal(t.detach()[[0, -1]], torch.tensor([-1.0, 1.0]))
    t.backward(torch.ones_like(t))
    assert torch.allclose(u.grad.double(), 1 - exact ** 2, atol=5e-7)


def test_the_contractive_penalty_uses_each_activations_own_slope():
    """hidden_jacobian against autograd's Jacobian of the last hidden layer, for every activation."""
    x = torch.tensor([[0.3, -0.2], [1.1, 0.4]])
    for act in ("tanh", "relu", "sigmoid"):
        model = BatchedMLP([2, 3, 2, 2], act, seeds=[1])
        J = model.hidden_jacobian(x)[0]  # (N, width, inputs)

        def hidden(point, model=model):
            h = point.view(1, 1, 2)
            for w, b in zip(model.weights[:-1], model.biases[:-1]):
                h = model.act(torch.baddbmm(b.unsqueeze(1), h, w.transpose(1, 2)))
            return h.view(-1)
        for n in range(len(x)):
            assert torch.allclose(J[n], torch.autograd.functional.jacobian(hidden, x[n]), atol=1e-6), act
