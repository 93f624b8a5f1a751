"""Trained runs: keyed by a hash of spec, code and library versions; trained where the build says when missing.

The local process pool is the default; a Dask scheduler's address sends the runs to that cluster instead
(generator/cluster.py, imported only then). Both hand back each run's arrays, and this module orders the runs
(longest first), files them in the cache and names the experiment when one fails."""
from __future__ import annotations

import multiprocessing
import queue
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from multiprocessing.managers import SyncManager

from . import numeric
from .cache import FORMAT, Store, code_hash, digest, versions
from .config import Experiment
from .errors import BuildError, Problem, TrainingError, key_line
from .mnist import MnistError
from .worker import ENTRY, data_problem, missing_data, train_one

KIND = "runs"


def run_key(experiment: Experiment) -> str:
    """Spec, the source of every module training imports (datasets, models, ...), library versions, and the
    numeric path the workers take (numeric.path: torch's kernels, MKL's and oneDNN's), so runs from another
    path never mix with these."""
    return digest("run", FORMAT, experiment.spec, code_hash(ENTRY), versions("torch", "numpy"), numeric.path())


def die_with_parent() -> None:
    """Runs in each worker: if the build is killed (even by kill -9), the kernel ends the worker too (Linux)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass  # not Linux: workers finish their current run and exit when they find the pool gone


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


def ensure_runs(experiments: dict[str, Experiment], store: Store, jobs: int, progress,
                scheduler: str | None = None, filed=None) -> dict[str, dict]:
    """Every experiment's run key, status and training seconds; trains what the cache lacks, each run's steps
    shown by `progress` (generator.progress) as they happen: in a local pool of `jobs` processes, or on the
    Dask cluster whose scheduler is at `scheduler` (tcp://host:port). `filed(name, key)`, if given, is called
    as each trained run reaches the cache, in the order they finish, while the others still train. A trained
    run's status carries `timing`: the worker it trained on, and when (wall clock) it began and ended."""
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
    missing.sort(key=lambda item: -_cost(experiments[item[0]].spec))  # longest first: the workers end together
    if scheduler:
        from .cluster import on_cluster  # Dask is imported only here, when a scheduler is given
        backend = on_cluster(scheduler, missing, experiments, progress)
    else:
        problems = [data_problem(experiments[name], f"experiment '{name}': {found}: missing") for name, _ in missing
                    if (found := missing_data(experiments[name].spec))]
        if problems:
            raise BuildError(problems)
        backend = _local_pool(missing, experiments, jobs, progress)
    with backend as finished:
        _collect(finished, experiments, store, status, progress, filed)
    return status


@contextmanager
def _local_pool(missing, experiments, jobs: int, progress):
    """The runs in a pool of fresh processes, submitted longest first: yields (name, key, result) as they
    finish, where result() gives the run's (arrays, seconds, timing)."""
    context = multiprocessing.get_context("spawn")  # fresh workers: no torch state inherited
    manager = SyncManager(ctx=context)  # carries the workers' step counts; it too ends with the build
    manager.start(die_with_parent)
    with manager, ProcessPoolExecutor(max_workers=max(1, min(jobs, len(missing))), mp_context=context,
                                      initializer=die_with_parent) as pool:
        heard, stop = manager.Queue(), threading.Event()
        relay = threading.Thread(target=_relay, args=(heard, progress, stop), daemon=True)
        relay.start()
        futures = {pool.submit(train_one, name, experiments[name].spec, heard): (name, key) for name, key in missing}
        try:
            yield ((*futures[future], future.result) for future in as_completed(futures))
        finally:
            stop.set()
            relay.join()


def _collect(finished, experiments, store, status, progress, filed=None) -> None:
    """Each finished run into the cache, in the order the backend hands them over (as they finish)."""
    for name, key, result in finished:
        try:
            arrays, seconds, timing = result()
        except TrainingError as err:  # name the file and the key an author would change
            path = experiments[name].path
            raise BuildError([Problem(path, f"{err}; try a smaller learning rate",
                                      line=key_line(experiments[name].source, "train.learning_rate"),
                                      key="train.learning_rate")]) from None
        except MnistError as err:  # the full MNIST's files are missing or damaged where the run trained
            raise BuildError([data_problem(experiments[name], f"experiment '{name}': {err}")]) from None
        store.put(KIND, key, {"experiment": name, "spec": experiments[name].spec, "seconds": seconds,
                              "code": code_hash(ENTRY), "versions": versions("torch", "numpy")}, arrays=arrays)
        status[name] = {"key": key, "status": "trained", "seconds": seconds, "timing": timing}
        progress.finish(name, f"trained  in {seconds:.1f} s")
        if filed is not None:
            filed(name, key)
