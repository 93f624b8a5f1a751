"""Work done ahead while runs train: as each trained run reaches the cache, its claims are measured and every
figure it completes is drawn and published, so the claims, figures and stills stages after training find most
of their work in the cache instead of starting when the last run ends.

Only the cache is written here. The stages after training still compute (read back) everything in their usual
order and are the ones that report problems, so a problem met ahead is left for them to report."""
from __future__ import annotations

import time

from . import derive, figures, publish, runs


def draw(store, fig, experiments: dict, groups: dict, claims: dict, keys: dict):
    """A figure's output: one experiment's run, or every variant of a sweep (`keys`: experiment -> run key)."""
    if fig.experiment in groups:
        variants = [derive.Variant(name, experiments[name].variant, experiments[name].spec, claims[name], keys[name])
                    for name in groups[fig.experiment]]
        return derive.sweep_figure_output(store, fig, variants)
    others = {name: experiments[name].spec for name in figures.named(fig.kind, fig.options) if name in experiments}
    return derive.figure_output(store, fig, keys[fig.experiment], experiments[fig.experiment].spec,
                                claims[fig.experiment], others)


class Ahead:
    """`filed` is runs.ensure_runs' callback; `seconds` is the time spent here, inside the training stage."""

    def __init__(self, store, experiments: dict, groups: dict, figures: list, base_url: str):
        self.store, self.experiments, self.groups, self.base_url = store, experiments, groups, base_url
        self.waiting = list(figures)
        self.claims: dict[str, dict] = {}
        self.seconds = 0.0
        self.done: list[str] = []

    def filed(self, name: str, key: str) -> None:
        started = time.perf_counter()
        try:
            self._measure(name, key)
        except Exception:  # noqa: BLE001 - the stages after training measure it again and report it there
            pass
        for fig in list(self.waiting):
            needs = self.groups.get(fig.experiment, [fig.experiment])
            keys = {n: runs.run_key(self.experiments[n]) for n in needs}
            if not all(self.store.has(runs.KIND, k) for k in keys.values()):
                continue  # a run it draws is still training
            self.waiting.remove(fig)
            try:
                for n in needs:
                    self._measure(n, keys[n])
                output = draw(self.store, fig, self.experiments, self.groups, self.claims, keys)
                publish.figure_files(self.store, fig.id, output, self.base_url, fig.still)
                self.done.append(fig.id)
            except Exception:  # noqa: BLE001 - the same: drawn again after training, and reported there
                pass
        self.seconds += time.perf_counter() - started

    def _measure(self, name: str, key: str) -> None:
        if name not in self.claims:
            self.claims[name] = derive.experiment_claims(self.store, key, self.experiments[name].spec)
