"""Runs on a Dask cluster: the build's missing runs sent to a `distributed` scheduler, their arrays brought back.

Imported only when the build is given a scheduler (--scheduler or DASK_SCHEDULER_ADDRESS). Each run is one task, the
longest first; a task trains with worker.train_one (generator/worker.py) as a pool worker does (one thread,
denormals flushed), so its arrays are the same bits, and the builder files them in its own cache (workers need no
shared disk). Before anything is sent, every worker is asked for its torch and numpy versions and the hash of its
training code, and a worker that differs is refused; each task asks again where it runs, for workers that join
later. A worker that dies has its task rescheduled by Dask (a task that kills `allowed-failures` workers stops the
build)."""
from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager

from .worker import ENTRY, data_problem, missing_data, train_one
from .cache import code_hash, versions
from .errors import BuildError, Problem

CONNECT_SECONDS = 4  # a scheduler that does not answer by then is an error, not a hang
IDENTITY = ("torch", "numpy")


class AtScheduler(Problem):
    """A problem whose place is the scheduler's address (tcp://host:port), printed as given, not as a path."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class WorkerMismatch(Exception):
    """A worker whose libraries or training code differ from the builder's: its runs would be filed under keys
    that do not describe them."""


def identity() -> dict:
    """What a run's cache key says about the machine that trained it: torch and numpy versions, training code."""
    return {**versions(*IDENTITY), "training code": code_hash(ENTRY)[:12]}


def mismatch(worker: str, found: dict, expected: dict) -> str | None:
    """'worker tcp://...: torch 2.12.0 there, 2.13.0 here; ...' or None when they agree."""
    differ = [f"{what} {found.get(what)} there, {value} here" for what, value in expected.items()
              if found.get(what) != value]
    if not differ:
        return None
    return (f"worker {worker} refused: {'; '.join(differ)} (the cache key includes them, so its runs would be "
            f"filed under the wrong key); install this checkout there with `make setup` and restart the worker")


def _check_worker(needs: list[tuple[str, dict]]) -> dict:
    """On each worker (client.run): its identity, and the data files the runs in `needs` lack there."""
    return {"identity": identity(), "missing": [(name, found) for name, spec in needs
                                                if (found := missing_data(spec))]}


class _Steps:
    """On a worker: a run's step counts, as train_one's `heard.put`, sent to the builder as Dask events."""

    def __init__(self, worker, topic: str):
        self.worker, self.topic = worker, topic

    def put(self, item) -> None:
        name, done, total = item
        self.worker.log_event(self.topic, {"name": name, "done": int(done), "total": int(total)})


def train_task(name: str, spec: dict, expected: dict, topic: str):
    """One run on a Dask worker: refused if the worker differs from the builder; (arrays, seconds, timing) back."""
    from distributed import get_worker
    worker = get_worker()
    refused = mismatch(worker.address, identity(), expected)
    if refused:
        raise WorkerMismatch(refused)
    worker.log_event(topic, {"name": name, "on": worker.address})
    return train_one(name, spec, _Steps(worker, topic))


def connect(address: str):
    """A client of the scheduler at `address`; one clear line if it cannot be reached in CONNECT_SECONDS."""
    import logging
    from distributed import Client
    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # its retries and tracebacks: the error says it
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except Exception as err:  # OSError, TimeoutError, ValueError (a malformed address), ...
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise BuildError([AtScheduler(address, f"cannot reach the Dask scheduler: {reason}; "
                                           "start one with `dask scheduler`, or build without --scheduler "
                                           "(and without DASK_SCHEDULER_ADDRESS) to train here")]) from None


@contextmanager
def on_cluster(address: str, missing: list[tuple[str, str]], experiments: dict, progress):
    """runs.ensure_runs' backend: yields (name, key, result) as runs finish, result() giving (arrays, seconds,
    timing)."""
    client = connect(address)
    futures = []
    try:
        expected = identity()
        _refuse_workers(client, address, expected, missing, experiments, progress)
        topic, done, lock = f"bending-space-{uuid.uuid4().hex}", set(), threading.Lock()

        def heard(event) -> None:  # on the client's thread: a run's start and steps, as the local pool shows them
            message = event[1]
            with lock:
                if message["name"] in done:
                    return
                if "on" in message:
                    progress.log(f"  {message['name']:<28} training on {message['on']}")
                else:
                    progress.update(message["name"], message["done"], message["total"])

        client.subscribe_topic(topic, heard)
        build = uuid.uuid4().hex[:8]
        for rank, (name, key) in enumerate(missing):  # the longest first: the highest priority
            future = client.submit(train_task, name, experiments[name].spec, expected, topic, pure=False,
                                   key=f"train-{name}-{key[:12]}-{build}", priority=len(missing) - rank)
            futures.append((future, name, key))
        progress.log(f"  {len(futures)} runs sent to {address} "
                     f"({len(client.scheduler_info().get('workers', {}))} workers now)")
        by_future = {f.key: (name, key) for f, name, key in futures}

        def finished():
            from distributed import as_completed
            for future in as_completed([f for f, _, _ in futures], loop=client.loop):
                name, key = by_future[future.key]
                yield name, key, lambda future=future, name=name: _result(future, name, address, experiments, done,
                                                                          lock)

        yield finished()
    finally:
        for future, _, _ in futures:
            future.cancel()
        client.close(timeout=CONNECT_SECONDS)


def _refuse_workers(client, address, expected, missing, experiments, progress) -> None:
    """Every worker now connected agrees with the builder and has the data files its runs may need."""
    needs = [(name, experiments[name].spec) for name, _ in missing if experiments[name].spec["data"].get("idx_dir")]
    reports = client.run(_check_worker, needs)
    if not reports:
        progress.log(f"  no worker is connected to {address} yet: the runs wait for one (`dask worker {address} "
                     "--nthreads 1`)")
    problems = [AtScheduler(address, text) for worker, report in sorted(reports.items())
                if (text := mismatch(worker, report["identity"], expected))]
    problems += [data_problem(experiments[name], f"experiment '{name}': on worker {worker}, {path}: missing")
                 for worker, report in sorted(reports.items()) for name, path in report["missing"]]
    if problems:
        raise BuildError(problems)


def _result(future, name: str, address: str, experiments: dict, done: set, lock) -> tuple:
    """A run's (arrays, seconds, timing); a refused worker or one killed run after another become one clear error."""
    from distributed import KilledWorker
    try:
        result = future.result()
    except WorkerMismatch as err:
        raise BuildError([AtScheduler(address, str(err))]) from None
    except KilledWorker as err:
        raise BuildError([Problem(experiments[name].path, f"experiment '{name}': the workers training it died, "
                                                          f"again and again ({err}); is it out of memory?")]) from None
    with lock:
        done.add(name)
    return result
