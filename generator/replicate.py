"""Replication: do the article's checks hold on networks it did not train?

`python -m generator build --replicate` (`make replicate`) trains every experiment again on a disjoint set of
seeds (each run's seeds follow the last of the published build's) and on another numeric path of this processor
(numeric.ALTERNATE: torch's scalar kernels, MKL's compatible matrix products, oneDNN without AVX, which round
differently from the pinned AVX2 path), into a scratch cache and site (.cache-replicate/, .site-replicate/). It
then reads every check and pick against those claims and compares them with the built site (generator/compare.py):

- the checks that fail there: claims that do not generalise (the replication fails);
- the picks whose wording changed: sentences about the drawn network, as they should move;
- each claim's move in units of its spread.

The published site and its cache are left alone."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from . import compare, numeric
from .errors import BuildError, Problem
from .stamp import ROOT

CACHE = ROOT / ".cache-replicate"
OUT = ROOT / ".site-replicate"


def shifted(experiments: dict) -> dict:
    """Every experiment on the seeds after its own: seeds first_seed + n .. first_seed + 2n - 1."""
    out = {}
    for name, experiment in experiments.items():
        train = experiment.spec["train"]
        spec = experiment.spec | {"train": train | {"first_seed": train["first_seed"] + train["seeds"]}}
        out[name] = dataclasses.replace(experiment, spec=spec)
    return out


def replicate(content: Path, published: Path, jobs: int, log, progress=None, scheduler=None) -> int:
    """Build the replica and compare it with the published build's report; 0 if every check holds there."""
    from .build import build
    try:
        main = compare.load(published)
    except FileNotFoundError as err:
        raise BuildError([Problem(published, f"{err}: build the site first (make site)")]) from None
    saved = {name: os.environ.get(name) for name in numeric.ALTERNATE}
    os.environ.update(numeric.ALTERNATE)  # the training workers start with these (numeric.training_environment)
    try:
        log(f"replicating on other seeds and the numeric path {numeric.path()} into {OUT.name}/")
        report = build(content, OUT, jobs=jobs, profile="full", cache_dir=CACHE, log=log, progress=progress,
                       force=True, scheduler=scheduler, draft=True, replica=True)
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    result = compare.compare(main, report)
    for line in result.lines():
        log(line)
    unreadable = [p for p in report.get("checks_failed", []) if "check failed" not in p]
    for problem in unreadable:  # a claim the replica did not produce, a check refused while gathering
        log(f"  {problem}")
    verdict = "passes" if not result.failed and not unreadable else "FAILS"
    log(f"replication {verdict}: {len(result.failed)} checks fail on seeds the article did not train, "
        f"{len(unreadable)} cannot be read; {len(result.picks)} picks chose other wording")
    return 0 if verdict == "passes" else 1
