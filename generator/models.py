"""Networks, with many seeds batched into one model: every weight has a leading seed axis S."""
from __future__ import annotations

import math

import torch
from torch import nn



class _Tanh(torch.autograd.Function):
    """tanh(u) computed as 2 sigmoid(2u) - 1: float32 still, about a third of torch.tanh's time an element, with
    an absolute error under 2e-7 (torch's: 3e-8); its gradient is tanh's own, 1 - t^2, from the output kept.
    A spiralNet tanh step took 0.83x the time of one with torch.tanh (docs/benchmarks.md, 2026-12-07). The
    replication (make replicate) holds every check of the article against the rounding this changes."""

    @staticmethod
    def forward(ctx, u):
        t = torch.sigmoid(u * 2).mul_(2).sub_(1)
        ctx.save_for_backward(t)
        return t

    @staticmethod
    def backward(ctx, grad):
        (t,) = ctx.saved_tensors
        return torch.ops.aten.tanh_backward(grad, t)


def tanh(u: torch.Tensor) -> torch.Tensor:
    return _Tanh.apply(u)


ACTIVATIONS = {"tanh": tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}
# each activation's slope from its output h and input u, for the contractive penalty's Jacobian
SLOPES = {"tanh": lambda h, u: 1 - h ** 2, "relu": lambda h, u: (u > 0).to(u.dtype), "sigmoid": lambda h, u: h * (1 - h)}


class BatchedMLP(nn.Module):
    """S independent MLPs of the same shape, evaluated together with batched matrix products.

    sizes = [in, hidden..., classes]; layer i maps sizes[i] -> sizes[i+1].
    weights[i]: (S, out, in); biases[i]: (S, out). Each seed's initial weights depend only on its own seed,
    so a seed trains to the same numbers whether it is batched with others or alone.
    """

    def __init__(self, sizes, activation, seeds, init="glorot-uniform", init_std=1e-6, bias=True):
        super().__init__()
        self.sizes = list(sizes)
        self.act, self.slope = ACTIVATIONS[activation], SLOPES[activation]
        self.has_bias = bias
        weights = [[] for _ in sizes[1:]]
        for seed in seeds:
            gen = torch.Generator().manual_seed(int(seed))
            for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
                if init == "glorot-uniform":
                    limit = math.sqrt(6.0 / (fan_in + fan_out))
                    w = (torch.rand(fan_out, fan_in, generator=gen) * 2 - 1) * limit
                elif init == "zeros":
                    w = torch.zeros(fan_out, fan_in)
                else:
                    w = torch.randn(fan_out, fan_in, generator=gen) * init_std
                weights[i].append(w)
        self.weights = nn.ParameterList([nn.Parameter(torch.stack(ws)) for ws in weights])
        self.biases = nn.ParameterList(
            [nn.Parameter(torch.zeros(len(seeds), out), requires_grad=bias) for out in sizes[1:]])

    def hidden_jacobian(self, x):
        """d(last hidden layer)/d(input) at each point, by the chain rule: (S, N, width, inputs)."""
        h = x.expand(self.weights[0].shape[0], *x.shape) if x.dim() == 2 else x
        J = torch.eye(h.shape[-1]).expand(*h.shape[:2], -1, -1)
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            u = torch.baddbmm(b.unsqueeze(1), h, w.transpose(1, 2))
            h = self.act(u)
            J = self.slope(h, u).unsqueeze(-1) * torch.einsum("soi,snij->snoj", w, J)
        return J

    def forward(self, x):
        # x: (N, in) shared by every seed, or (S, N, in)
        h = x.expand(self.weights[0].shape[0], *x.shape) if x.dim() == 2 else x
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(b.unsqueeze(1), h, w.transpose(1, 2))  # (S, N, out)
            if i < last:
                h = self.act(h)
        return h  # logits (S, N, classes)


def anchor_grid(per_side: int, reach: float) -> torch.Tensor:
    """The bumps' centres: an n-by-n grid over [-reach, reach]^2, shape (n*n, 2)."""
    ticks = torch.linspace(-reach, reach, per_side)
    return torch.stack(torch.meshgrid(ticks, ticks, indexing="xy"), -1).reshape(-1, 2)


class BatchedVectorFieldNet(nn.Module):
    """Olah's vector-field layers, S seeds batched: each layer moves every point by
    F(x) = sum_i v_i f_i(x) / (1 + sum_i f_i(x)), f_i a Gaussian bump around anchor a_i, v_i learned;
    then a linear classifier. fields[l]: (S, anchors, 2); out_w: (S, classes, 2); out_b: (S, classes).
    """

    def __init__(self, layers, classes, seeds, anchors, width, init_std=0.01):
        super().__init__()
        self.register_buffer("anchors", anchors)
        self.width = width
        fields, weights = [], []
        for seed in seeds:
            gen = torch.Generator().manual_seed(int(seed))
            fields.append(torch.randn(layers, len(anchors), 2, generator=gen) * init_std)
            weights.append((torch.rand(classes, 2, generator=gen) * 2 - 1) * math.sqrt(6.0 / (2 + classes)))
        self.fields = nn.Parameter(torch.stack(fields))            # (S, layers, anchors, 2)
        self.out_w = nn.Parameter(torch.stack(weights))            # (S, classes, 2)
        self.out_b = nn.Parameter(torch.zeros(len(seeds), classes))

    def field(self, h, layer):
        # h: (S, N, 2) -> displacement (S, N, 2)
        bumps = torch.exp(-((h.unsqueeze(2) - self.anchors) ** 2).sum(-1) / (2 * self.width ** 2))  # (S, N, A)
        return torch.bmm(bumps, self.fields[:, layer]) / (1 + bumps.sum(-1, keepdim=True))

    def forward(self, x):
        h = x.expand(self.fields.shape[0], *x.shape) if x.dim() == 2 else x
        for layer in range(self.fields.shape[1]):
            h = h + self.field(h, layer)
        return torch.baddbmm(self.out_b.unsqueeze(1), h, self.out_w.transpose(1, 2))
