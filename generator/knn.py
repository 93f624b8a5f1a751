"""O15, k-nearest-neighbour layers: a small convolutional network on MNIST, scored three ways.

(a) its own softmax; (b) k-NN (1/distance weights) on its last representation, neighbours drawn from the
training set; (c) the same k-NN on a network trained for it: each minibatch element is classified by the
other elements of its batch, weighted by 1/distance.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import datasets
from .errors import TrainingError


class SmallConvNet(nn.Module):
    """28x28 -> conv(c1) -> pool -> conv(c2) -> pool -> linear(rep) -> linear(10)."""

    def __init__(self, c1: int, c2: int, rep: int, classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1)   # (B, c1, 28, 28) -> pool -> 14x14
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)  # (B, c2, 14, 14) -> pool -> 7x7
        self.rep = nn.Linear(c2 * 49, rep)
        self.head = nn.Linear(rep, classes)
        # channels-last images: oneDNN's convolutions and the pooling run 2.3x faster a step on one thread
        self.to(memory_format=torch.channels_last)

    def represent(self, x):
        # pool, then ReLU: the same values as ReLU then pool (ReLU keeps order), on a quarter of the elements
        h = x.view(-1, 1, 28, 28).contiguous(memory_format=torch.channels_last)
        h = F.relu(F.max_pool2d(self.conv1(h), 2))
        h = F.relu(F.max_pool2d(self.conv2(h), 2))
        return self.rep(h.flatten(1))                  # the last representation, (B, rep)

    def forward(self, x):
        return self.head(F.relu(self.represent(x)))


def knn_scores(query, keys, key_labels, k: int, classes: int = 10, exclude_self: bool = False):
    """Class scores of each query from its k nearest keys, each weighted by 1/distance."""
    dist = torch.cdist(query, keys)
    if exclude_self:
        dist = dist + torch.eye(len(query)) * 1e9
    near, index = dist.topk(min(k, keys.shape[0] - int(exclude_self)), largest=False)
    weights = 1.0 / (near + 1e-6)
    votes = torch.zeros(len(query), classes).scatter_add_(1, key_labels[index], weights)
    return votes / votes.sum(1, keepdim=True)


def train_knn(name: str, spec: dict, tick) -> dict[str, np.ndarray]:
    """Two networks per seed (softmax, then trained for k-NN); tick(done, total) counts the steps of all."""
    torch.set_num_threads(1)
    X_train, y_train = map(torch.from_numpy, datasets.make(spec["data"] | {"split": "train"}))
    X_test, y_test = map(torch.from_numpy, datasets.make(spec["data"] | {"split": "test"}))
    opts = spec["train"]
    c1, c2, rep = spec["model"]["hidden"]
    seeds = np.arange(opts["first_seed"], opts["first_seed"] + opts["seeds"])
    out = {k: [] for k in ("softmax_error", "knn_error", "knn_trained_error")}
    losses = np.zeros((opts["steps"], len(seeds)), np.float32)
    steps, total = opts["steps"], 2 * opts["steps"] * len(seeds)
    for s, seed in enumerate(seeds):
        softmax_net = _fit(name, SmallConvNet(c1, c2, rep), X_train, y_train, opts, int(seed), "softmax", losses[:, s],
                           lambda done, before=2 * s * steps: tick(before + done, total))
        knn_net = _fit(name, SmallConvNet(c1, c2, rep), X_train, y_train, opts, int(seed), "knn", None,
                       lambda done, before=(2 * s + 1) * steps: tick(before + done, total))
        with torch.no_grad():
            out["softmax_error"].append(float((softmax_net(X_test).argmax(1) != y_test).float().mean()))
            out["knn_error"].append(_knn_error(softmax_net, X_train, y_train, X_test, y_test, opts["knn_k"]))
            out["knn_trained_error"].append(_knn_error(knn_net, X_train, y_train, X_test, y_test, opts["knn_k"]))
    arrays = {k: np.array(v) for k, v in out.items()}
    return arrays | {"seeds": seeds, "loss": losses, "accuracy": 1 - arrays["softmax_error"],
                     "train_count": np.array(len(y_train)), "test_count": np.array(len(y_test))}


def _fit(name, net, X, y, opts, seed, objective, loss_log, tick):
    torch.manual_seed(seed)
    net.apply(lambda m: m.reset_parameters() if hasattr(m, "reset_parameters") else None)
    optimiser = torch.optim.Adam(net.parameters(), lr=opts["learning_rate"])
    batches = torch.Generator().manual_seed(seed)
    for step in range(opts["steps"]):
        pick = torch.randint(len(X), (opts["batch_size"] or 100,), generator=batches)
        xb, yb = X[pick], y[pick]
        # forward
        if objective == "softmax":
            loss = F.cross_entropy(net(xb), yb)
        else:  # each element classified by the others in its batch, 1/distance weighted
            z = net.represent(xb)
            loss = F.nll_loss(torch.log(knn_scores(z, z, yb, len(xb), exclude_self=True) + 1e-9), yb)
        # backward
        optimiser.zero_grad()
        loss.backward()
        # update
        optimiser.step()
        if not torch.isfinite(loss):
            raise TrainingError(f"experiment '{name}': {objective} loss became NaN at step {step + 1}")
        if loss_log is not None:
            loss_log[step] = float(loss.detach())
        tick(step + 1)
    return net.eval()


def _knn_error(net, X_train, y_train, X_test, y_test, k: int) -> float:
    keys, queries = net.represent(X_train), net.represent(X_test)
    return float((knn_scores(queries, keys, y_train, k).argmax(1) != y_test).float().mean())
