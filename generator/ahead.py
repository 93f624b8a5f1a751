"""Work done ahead while runs train: as each trained run reaches the cache, its claims are measured and every
figure it completes is drawn and published, so the claims, figures and stills stages after training find most
of their work in the cache instead of starting when the last run ends. With more than one job the drawing runs in
a pool of that many processes, a task per experiment (its figures share what they read of its run); after
training, the figures of runs that were already in the cache are drawn there too if the cache lacks them.

Only the cache is written here. The stages after training still compute (read back) everything in their usual
order and are the ones that report problems, so a problem met ahead is left for them to report."""
from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import Future, ProcessPoolExecutor, wait
from pathlib import Path

from . import derive, figures, publish, runs
from .cache import Store, remembering


def draw(store, fig, experiments: dict, groups: dict, claims: dict, keys: dict):
    """A figure's output: one experiment's run, or every variant of a sweep (`keys`: experiment -> run key)."""
    if fig.experiment in groups:
        return derive.sweep_figure_output(store, fig, _variants(fig, experiments, groups, claims, keys))
    return derive.figure_output(store, fig, keys[fig.experiment], experiments[fig.experiment].spec,
                                claims[fig.experiment], _others(fig, experiments))


def is_drawn(store, fig, experiments: dict, groups: dict, keys: dict) -> bool:
    """Whether the cache holds the figure's output and every claim it is drawn from (nothing is computed)."""
    needs = groups.get(fig.experiment, [fig.experiment])
    claim_keys = {n: derive.claims_key(keys[n]) for n in needs}
    if not all(store.has("claims", k) for k in claim_keys.values()):
        return False
    claims = {n: store.meta("claims", k)["claims"] for n, k in claim_keys.items()}
    if fig.experiment in groups:
        key, _ = derive.sweep_figure_key(fig, _variants(fig, experiments, groups, claims, keys))
    else:
        key, _ = derive.figure_key(fig, keys[fig.experiment], claims[fig.experiment], _others(fig, experiments))
    return store.has("figures", key)


def _variants(fig, experiments: dict, groups: dict, claims: dict, keys: dict) -> list:
    return [derive.Variant(name, experiments[name].variant, experiments[name].spec, claims[name], keys[name])
            for name in groups[fig.experiment]]


def _others(fig, experiments: dict) -> dict:
    return {name: experiments[name].spec for name in figures.named(fig.kind, fig.options) if name in experiments}


class Ahead:
    """`filed` is runs.ensure_runs' callback, `finish` follows training; `seconds` is the time spent here."""

    def __init__(self, store, experiments: dict, groups: dict, figures: list, base_url: str, jobs: int = 1):
        self.store, self.experiments, self.groups, self.base_url = store, experiments, groups, base_url
        self.waiting = list(figures)
        self.claims: dict[str, dict] = {}
        self.seconds = 0.0
        self.done: list[str] = []
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._tasks: list[Future] = []

    def filed(self, name: str, key: str) -> None:
        started = time.perf_counter()
        ready = [fig for fig in self.waiting if all(self.store.has(runs.KIND, k) for k in self._keys(fig).values())]
        self._start(ready, measure=name)
        self.seconds += time.perf_counter() - started

    def finish(self) -> None:
        """After training: the figures of runs that were in the cache already, drawn now where the cache lacks
        them (none is drawn twice), then every drawing waited for."""
        started = time.perf_counter()
        ready = [fig for fig in self.waiting if all(self.store.has(runs.KIND, k) for k in self._keys(fig).values())]
        self.waiting = [fig for fig in self.waiting if fig not in ready]
        self._start([fig for fig in ready
                     if not is_drawn(self.store, fig, self.experiments, self.groups, self._keys(fig))])
        if self._pool is not None:
            wait(self._tasks)
            for task in self._tasks:
                if not task.exception():
                    drawn, warned = task.result()
                    self.done += drawn
                    for line in warned:  # a damaged entry a worker met, removed and computed again
                        self.store.warn(line)
            self._pool.shutdown()
            self._pool, self._tasks = None, []
        self.seconds += time.perf_counter() - started

    def abandon(self) -> None:
        """Training failed: no drawing is started, and none is waited for (what is being drawn still lands)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool, self._tasks = None, []

    def _keys(self, fig) -> dict:
        return {n: runs.run_key(self.experiments[n]) for n in self.groups.get(fig.experiment, [fig.experiment])}

    def _start(self, ready: list, measure: str | None = None) -> None:
        """Measure the claims of the experiment `measure` and draw `ready`: here (one job), or in the pool, one
        task per experiment."""
        self.waiting = [fig for fig in self.waiting if fig not in ready]
        if self.jobs <= 1:
            _work(self, [measure] if measure else [], ready)
            return
        by_experiment: dict[str, list] = {measure: []} if measure else {}
        for fig in ready:
            by_experiment.setdefault(fig.experiment, []).append(fig)
        for name, group in by_experiment.items():
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=runs.die_with_parent)
            self._tasks.append(self._pool.submit(_in_worker, Path(self.store.root), [name] if name == measure else [],
                                                 group, self.experiments, self.groups, self.base_url))

    def measure(self, name: str, key: str) -> None:
        if name not in self.claims:
            self.claims[name] = derive.experiment_claims(self.store, key, self.experiments[name].spec)

    def draw_one(self, fig) -> None:
        keys = self._keys(fig)
        for n, key in keys.items():
            self.measure(n, key)
        output = draw(self.store, fig, self.experiments, self.groups, self.claims, keys)
        publish.figure_files(self.store, fig.id, output, self.base_url, fig.still)
        self.done.append(fig.id)


def _work(ahead: Ahead, measure: list[str], group: list) -> list[str]:
    """The claims of the experiments `measure`, then `group`'s figures, into the cache; the ids of those drawn."""
    try:
        for name in measure:
            ahead.measure(name, runs.run_key(ahead.experiments[name]))
    except Exception:  # noqa: BLE001 - the stages after training measure it again and report it there
        pass
    for fig in group:
        try:
            ahead.draw_one(fig)
        except Exception:  # noqa: BLE001 - the same: drawn again after training, and reported there
            pass
    return ahead.done


def _in_worker(root: Path, measure: list[str], group: list, experiments: dict, groups: dict,
               base_url: str) -> tuple[list[str], list[str]]:
    """A pool worker's task (_work), in a build of its own (each source read once, each run's arrays once): the ids
    drawn, and the lines the cache would have said of damaged entries (the build says them)."""
    warned: list[str] = []
    with remembering():
        ahead = Ahead(Store(root, warn=warned.append), experiments, groups, group, base_url)
        return _work(ahead, measure, group), warned
