"""Trained runs: keyed by a hash of spec, code and library versions; trained in a process pool when missing."""
from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.managers import SyncManager

from .cache import FORMAT, Store, code_hash, digest, versions
from .config import Experiment
from .errors import BuildError, Problem, TrainingError, key_line

KIND = "runs"
ENTRY = "train"  # the training code: its key covers every generator module it imports (cache.code_hash)


def run_key(experiment: Experiment) -> str:
    """Spec, the source of every module training imports (datasets, models, ...), library versions."""
    return digest("run", FORMAT, experiment.spec, code_hash(ENTRY), versions("torch", "numpy"))


def _die_with_parent() -> None:
    """Runs in each worker: if the build is killed (even by kill -9), the kernel ends the worker too (Linux)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass  # not Linux: workers finish their current run and exit when they find the pool gone


def _train_one(name: str, spec: dict, heard=None):
    from .train import train  # torch is imported here, in the worker, only when something trains
    start = last = time.perf_counter()

    def tick(done: int, total: int) -> None:  # to the build's display, at most four times a second
        nonlocal last
        if heard is not None and (time.perf_counter() - last > 0.25 or done == total):
            last = time.perf_counter()
            heard.put((name, done, total))

    arrays = train(name, spec, tick)
    return arrays, time.perf_counter() - start


def _relay(heard, progress, stop: threading.Event) -> None:
    """In the build process: the workers' step counts to the display, until stop is set."""
    while not stop.is_set():
        try:
            name, done, total = heard.get(timeout=0.2)
        except queue.Empty:
            continue
        except (EOFError, OSError):
            return
        progress.update(name, done, total)


def _cost(spec: dict) -> float:
    """A rough training cost, only to order the queue: steps x seeds x points x widths."""
    data, train = spec["data"], spec["train"]
    points = data.get("points_per_class", 1000) * data.get("classes", 2)
    return train["steps"] * train["seeds"] * points * (1 + sum(spec["model"].get("hidden", [])))


def ensure_runs(experiments: dict[str, Experiment], store: Store, jobs: int, progress) -> dict[str, dict]:
    """Every experiment's run key, status and training seconds; trains what the cache lacks, each run's steps
    shown by `progress` (generator.progress) as they happen."""
    log = progress.log
    status = {}
    missing = []
    for name, experiment in experiments.items():
        key = run_key(experiment)
        if store.has(KIND, key):
            status[name] = {"key": key, "status": "cached", "seconds": store.meta(KIND, key)["seconds"]}
            log(f"  {name:<28} cached   (trained in {status[name]['seconds']:.1f} s)")
        else:
            missing.append((name, key))
    if not missing:
        return status
    missing.sort(key=lambda item: -_cost(experiments[item[0]].spec))  # longest first: the pool ends together
    context = multiprocessing.get_context("spawn")  # fresh workers: no torch state inherited
    manager = SyncManager(ctx=context)  # carries the workers' step counts; it too ends with the build
    manager.start(_die_with_parent)
    with manager, ProcessPoolExecutor(max_workers=max(1, min(jobs, len(missing))), mp_context=context,
                                      initializer=_die_with_parent) as pool:
        heard, stop = manager.Queue(), threading.Event()
        relay = threading.Thread(target=_relay, args=(heard, progress, stop), daemon=True)
        relay.start()
        futures = {name: (key, pool.submit(_train_one, name, experiments[name].spec, heard)) for name, key in missing}
        try:
            _collect(futures, experiments, store, status, progress)
        finally:
            stop.set()
            relay.join()
    return status


def _collect(futures, experiments, store, status, progress) -> None:
    """Each finished run into the cache, in submission order (the longest first)."""
    for name, (key, future) in futures.items():
        try:
            arrays, seconds = future.result()
        except TrainingError as err:  # name the file and the key an author would change
            path = experiments[name].path
            raise BuildError([Problem(path, f"{err}; try a smaller learning rate",
                                      line=key_line(experiments[name].source, "train.learning_rate"),
                                      key="train.learning_rate")]) from None
        store.put(KIND, key, {"experiment": name, "spec": experiments[name].spec, "seconds": seconds,
                              "code": code_hash(ENTRY), "versions": versions("torch", "numpy")}, arrays=arrays)
        status[name] = {"key": key, "status": "trained", "seconds": seconds}
        progress.finish(name, f"trained  in {seconds:.1f} s")
