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
