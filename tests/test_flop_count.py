"""The bench's FLOP limit counts the conv net's multiply-adds by formula; torch's own FLOP counter agrees."""
import torch
from torch.utils.flop_counter import FlopCounterMode

from generator.knn import SmallConvNet
from tests.bench.flops import _conv_multiply_adds


def test_conv_net_multiply_adds_match_torch_flop_counter():
    net = SmallConvNet(8, 16, 32)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net(torch.rand(3, 784))
    assert counter.get_total_flops() == 2 * 3 * _conv_multiply_adds(8, 16, 32)


def test_the_bench_measures_each_activation_and_the_rewritten_tanh_rounds_worse():
    from tests.bench import step_profile
    costs = step_profile.activation_costs(shape=(2, 50, 8), repeats=3)
    assert set(costs["ns_per_element"]) == {"tanh", "sigmoid", "relu", "tanh as 2 sigmoid(2u) - 1"}
    error = costs["tanh_max_abs_error"]
    # the cost of the faster formula training uses: coarser rounding, within float32's 2e-7 of tanh
    assert 3 * error["tanh"] < error["tanh as 2 sigmoid(2u) - 1"] < 2e-7
    said = step_profile.lines({"peak": {"gflops_1_thread": 1, "gflops_2_thread": 2}, "runs": {}, "activations": costs})
    assert any(f"tanh {costs['ns_per_element']['tanh']:.2f}" in line for line in said)


def test_the_tanh_units_the_bench_counts_are_the_ones_a_spiralnet_step_computes():
    import copy

    import numpy as np

    from generator import config, datasets, train
    from tests.bench import step_profile
    spec = copy.deepcopy(config.load_experiments(step_profile.ROOT / "content" / "experiments")["spiralnet-7-tanh"].spec)
    X, y = datasets.make(spec["data"])
    model = train._model(spec["model"], X.shape[1], int(y.max()) + 1, np.arange(spec["train"]["seeds"]))
    counted = []
    tanh = model.act
    model.act = lambda u: counted.append(u.numel()) or tanh(u)
    model(torch.from_numpy(X))
    assert sum(counted) == step_profile.tanh_units_per_step(spec)
