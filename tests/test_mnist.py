"""MNIST without network access: the shipped subset, IDX files, and errors that name the path."""
import gzip

import numpy as np
import pytest
import torch

from generator import datasets, mnist
from generator.knn import SmallConvNet, knn_scores


def test_shipped_subset_is_shuffled_split_and_scaled():
    X_train, y_train, X_test, y_test = mnist.load()
    assert X_train.shape == (4000, 784) and X_test.shape == (1000, 784)
    assert 0.0 <= X_train.min() and X_train.max() == 1.0
    assert set(y_test.tolist()) == set(range(10))      # the file is sorted by class: a split without a
    assert len(set(y_train[:100].tolist())) == 10      # shuffle would give the test split two digits only
    again = mnist.load()
    assert np.array_equal(again[1], y_train)           # a fixed seed: the same split every build


def write_idx(path, array, gz=False):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    blob = header + array.astype(np.uint8).tobytes()
    (gzip.open if gz else open)(path, "wb").write(blob)


def test_idx_round_trip_plain_and_gzipped(tmp_path):
    rng = np.random.default_rng(0)
    for split, (images, labels) in mnist.IDX_FILES.items():
        write_idx(tmp_path / images, rng.integers(0, 256, (7, 28, 28)))
        write_idx(tmp_path / f"{labels}.gz", rng.integers(0, 10, 7), gz=True)
    X, y = datasets.mnist(split="test", idx_dir=str(tmp_path))
    assert X.shape == (7, 784) and y.shape == (7,) and X.max() <= 1.0
    raw = mnist.read_idx(tmp_path / "t10k-images-idx3-ubyte")
    assert np.allclose(raw.reshape(7, -1) / 255.0, X)


def test_missing_and_malformed_files_name_the_path(tmp_path):
    with pytest.raises(mnist.MnistError, match="train-images-idx3-ubyte"):
        mnist.load(idx_dir=str(tmp_path))
    bad = tmp_path / "train-images-idx3-ubyte"
    bad.write_bytes(b"\x00\x00\x0d\x03" + b"\x00" * 12)
    with pytest.raises(mnist.MnistError, match="bad magic"):
        mnist.read_idx(bad)
    write_idx(bad, np.zeros((2, 28, 28)))
    bad.write_bytes(bad.read_bytes()[:-5])
    with pytest.raises(mnist.MnistError, match="holds"):
        mnist.read_idx(bad)


def test_knn_vote_weights_neighbours_by_inverse_distance():
    keys = torch.tensor([[0.0], [1.0], [10.0]])
    labels = torch.tensor([0, 1, 1])
    scores = knn_scores(torch.tensor([[0.1]]), keys, labels, k=2, classes=2)
    # neighbours at distance 0.1 (class 0) and 0.9 (class 1): weights 10 and 1.11
    assert torch.allclose(scores, torch.tensor([[10 / (10 + 1 / 0.9), (1 / 0.9) / (10 + 1 / 0.9)]]), atol=1e-4)
    self_excluded = knn_scores(keys, keys, labels, k=1, classes=2, exclude_self=True)
    assert self_excluded.argmax(1).tolist() == [1, 0, 1]


def test_conv_net_shapes():
    net = SmallConvNet(8, 16, 32)
    x = torch.rand(5, 784)
    assert net.represent(x).shape == (5, 32) and net(x).shape == (5, 10)


def test_conv_net_pools_before_relu_in_channels_last_with_the_same_representation():
    """The fast layout (channels-last, pool then ReLU) computes what the textbook order does: conv, ReLU, pool."""
    import torch.nn.functional as F
    torch.manual_seed(3)
    net = SmallConvNet(4, 6, 5)
    assert net.conv1.weight.is_contiguous(memory_format=torch.channels_last)
    x = torch.rand(7, 784)
    reference = x.view(-1, 1, 28, 28)
    weights = [(m.weight.contiguous(), m.bias) for m in (net.conv1, net.conv2)]
    for w, b in weights:
        reference = F.max_pool2d(F.relu(F.conv2d(reference, w, b, padding=1)), 2)
    reference = net.rep(reference.flatten(1))
    with torch.no_grad():
        assert torch.allclose(net.represent(x), reference, atol=1e-5)
        assert net(x).shape == (7, 10)
