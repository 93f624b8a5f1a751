"""What a worker does: train one run, in the build's process pool or on a Dask worker alike (generator/runs.py,
generator/cluster.py), and say which data files a run needs that this machine lacks."""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from . import numeric
from .config import Experiment
from .errors import Problem, TrainingError, key_line
from .heap import keep_freed_memory
from .mnist import IDX_FILES

ENTRY = "train"  # the training code: its key covers every generator module it imports (cache.code_hash)
ROOT = Path(__file__).resolve().parent.parent  # a relative data.idx_dir is read from here, on every machine


def train_one(name: str, spec: dict, heard=None):
    """One run, in a pool worker or a Dask worker alike: train() sets one thread and flushed denormals itself,
    so a run's arrays do not depend on where it trained. `heard.put((name, done, total))` hears its steps."""
    numeric.pin()  # the kernels every machine with AVX2 shares, set before torch loads (generator/numeric.py)
    from .train import train  # torch is imported here, in the worker, only when something trains
    keep_freed_memory()  # the same numbers, without a step's page faults (generator/heap.py)
    start = last = time.perf_counter()

    def tick(done: int, total: int) -> None:  # to the build's display, at most four times a second
        nonlocal last
        if heard is not None and (time.perf_counter() - last > 0.25 or done == total):
            last = time.perf_counter()
            heard.put((name, done, total))

    began = time.time()
    arrays = train(name, _here(spec), tick)
    expected = numeric.path()["torch_capability"]
    if numeric.dispatched() != expected:  # the key names a path this process did not take: never file it
        raise TrainingError(f"experiment '{name}': torch dispatched to {numeric.dispatched()}, not {expected} as "
                            "the run's key says; was torch imported before generator.numeric.pin()?")
    # where and when it trained: the build reports each worker's idle share (never part of the run or its key)
    return arrays, time.perf_counter() - start, {"worker": f"{socket.gethostname()}:{os.getpid()}",
                                                  "began": began, "ended": time.time()}


def _here(spec: dict) -> dict:
    """The spec with a relative data.idx_dir read from this machine's checkout (the key keeps it relative)."""
    idx_dir = spec["data"].get("idx_dir")
    if not idx_dir or Path(idx_dir).is_absolute():
        return spec
    return spec | {"data": spec["data"] | {"idx_dir": str(ROOT / idx_dir)}}


def missing_data(spec: dict) -> str | None:
    """The first data file a run needs that this machine lacks (the full MNIST's IDX files), else None."""
    idx_dir = _here(spec)["data"].get("idx_dir")
    for name in (n for pair in IDX_FILES.values() for n in pair) if idx_dir else ():
        if not any((Path(idx_dir) / f).exists() for f in (name, f"{name}.gz")):
            return str(Path(idx_dir) / name)
    return None


def data_problem(experiment: Experiment, text: str) -> Problem:
    """An error naming the experiment file's idx_dir line, the missing path and where the files go."""
    key = "large.data.idx_dir" if key_line(experiment.source, "large.data.idx_dir") else "data.idx_dir"
    return Problem(experiment.path, f"{text}; the full MNIST is the four IDX files of its standard distribution "
                                    f"({', '.join(n for pair in IDX_FILES.values() for n in pair)}, plain or .gz): "
                                    f"put them in that folder (a relative idx_dir is read from the checkout, {ROOT})",
                   line=key_line(experiment.source, key), key=key)
