"""Replication: do the article's checks hold on networks it did not train?

`python -m generator build --replicate` (`make replicate`) trains every experiment again, into a scratch cache
and site (.cache-replicate/, .site-replicate-MODE/), then reads every check and pick against those claims and
compares them with the built site (generator/compare.py):

- the checks that fail there: claims that do not generalise (the replication fails);
- the picks whose wording changed: sentences about the drawn network, as they should move;
- each claim's move in units of its spread.

What is trained again (MODE):
- `seeds`: every run on a disjoint set of seeds, the ones after its own (seeds 4..7 where the build trains 0..3);
- `path`: the same seeds on another numeric path of this processor (numeric.ALTERNATE: torch's scalar kernels
  and oneDNN without AVX, which round differently from the pinned AVX2 path); it also
  counts the runs whose arrays came out different at all, bit for bit;
- `both` (the default): other seeds on the other path, one build that tests both at once.

The published site and its cache are left alone."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import compare, config, numeric, runs
from .cache import Store
from .config import shifted  # noqa: F401 (the experiments a replica trains; build reads it from config)
from .progress import Plain
from .stamp import ROOT

if TYPE_CHECKING:
    from .build import BuildOptions

CACHE = ROOT / ".cache-replicate"
MAIN_CACHE = ROOT / ".cache"  # the build's own, which `path` compares with bit for bit
MODES = ("both", "seeds", "path")


def out_folder(mode: str) -> Path:
    return CACHE.parent / f".site-replicate-{mode}"


def replicate(options: BuildOptions, log, progress=None, mode: str = "both") -> int:
    """Build the replica of the build `options` describe (its content, jobs and scheduler) and compare it with
    that build's published report (in `options.out`); 0 if every check holds there."""
    from .build import run
    content, published = options.content_dir, options.out
    try:
        main = compare.load(published)
    except FileNotFoundError as err:  # the replica's checks still decide; there is just nothing to compare with
        log(f"{err}: nothing to compare with (make site first); the replica's own checks still decide")
        main = {}
    alternate = mode in ("both", "path")
    with _environment(numeric.ALTERNATE if alternate else {}):
        log(f"replicating ({mode}: {'other seeds' if mode != 'path' else 'the same seeds'} on the numeric path "
            f"{numeric.path()}) into {out_folder(mode).name}/")
        report = run(dataclasses.replace(options, out=out_folder(mode), profile="full", cache_dir=CACHE, force=True,
                                         draft=True, replica=mode != "path"), progress or Plain(log))
    result = compare.compare(main, report)
    for line in result.lines():
        log(line)
    if mode == "path":
        differ, total = bitwise_differences(content)
        log(f"runs that came out different on the other path, bit for bit: {differ} of {total}")
    unreadable = [p for p in report.get("checks_failed", []) if "check failed" not in p]
    for problem in unreadable:  # a claim the replica did not produce, a check refused while gathering
        log(f"  {problem}")
    verdict = "passes" if not result.failed and not unreadable else "FAILS"
    log(f"replication ({mode}) {verdict}: {len(result.failed)} checks fail on networks the article did not train, "
        f"{len(unreadable)} cannot be read; {len(result.picks)} picks chose other wording")
    return 0 if verdict == "passes" else 1


def bitwise_differences(content: Path) -> tuple[int, int]:
    """(runs whose arrays differ, runs compared) between the build's cache (the pinned path) and the path
    replica's (the alternate path, the same seeds): does the other path really change the rounding?"""
    experiments = config.load_experiments(Path(content) / "experiments")
    main, replica = Store(MAIN_CACHE), Store(CACHE)
    differ = total = 0
    for experiment in experiments.values():
        with _environment({}):
            pinned = runs.run_key(experiment)
        with _environment(numeric.ALTERNATE):
            other = runs.run_key(experiment)
        if not (main.has(runs.KIND, pinned) and replica.has(runs.KIND, other)):
            continue
        a, b = main.arrays(runs.KIND, pinned), replica.arrays(runs.KIND, other)
        total += 1
        differ += any(a[k].tobytes() != b[k].tobytes() for k in a if k in b)
    return differ, total


class _environment:
    """Within: the numeric path's variables set as given (the others unset), restored on leaving."""

    def __init__(self, values: dict):
        self.values = values

    def __enter__(self):
        self.saved = {name: os.environ.get(name) for name in numeric.VARIABLES}
        for name in numeric.VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(self.values)

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
