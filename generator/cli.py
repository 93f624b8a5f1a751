"""Command line: flags -> build(), serve(), clean(). Nothing else."""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path

from .errors import BuildError, TrainingError
from .stamp import ROOT


FAILED_CHECKS_HELP = """
A failed check is a sentence the networks this machine trained do not bear out. What to do:
- an author: a sentence about the drawn network is worded with {{pick: ...}} and placeholders, never checked;
  a sentence about what such networks do reads claims over every seed with room to spare. Edit the prose, then
  `python -m generator recheck` (no training) and `make replicate` (docs/writing.md, Checks).
- a reader rebuilding the article: the published site is the one its checks passed on. To look at this
  machine's build anyway, `python -m generator build --draft` lists these checks and writes the site; compare it
  with the published one with `python -m generator diff site/build-report.json PUBLISHED/build-report.json`."""


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log = logging.getLogger("generator").info
    command = "watch" if args.command == "serve" and args.watch else args.command
    return COMMANDS[command](args, log)


def parser() -> argparse.ArgumentParser:
    """Every command and its flags."""
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    _build_flags(commands)
    _serve_flags(commands)
    _other_flags(commands)
    return parser


def _build_flags(commands) -> None:
    b = commands.add_parser("build", help="train what changed and write the site")
    b.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (default: content/)")
    b.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    b.add_argument("--jobs", type=int, default=2, help="experiments trained in parallel (default: 2)")
    b.add_argument("--profile", choices=("full", "quick", "large"), default="full",
                   help="quick: fewer steps and seeds, from each experiment's [quick] table (tests use it); large: "
                        "more seeds, data and steps, from each [large] table (for a cluster)")
    b.add_argument("--scheduler", default=os.environ.get("DASK_SCHEDULER_ADDRESS") or None, metavar="tcp://HOST:PORT",
                   help="train missing runs on this Dask cluster (default: $DASK_SCHEDULER_ADDRESS; unset: here)")
    b.add_argument("--cache", type=Path, default=ROOT / ".cache", help="cache folder (default: .cache/)")
    b.add_argument("--wait", type=float, default=600, metavar="SECONDS",
                   help="wait this long for another build using the same cache or site (default: 600; 0: refuse)")
    b.add_argument("--force", action="store_true",
                   help="build even if nothing changed since the last build (re-reads and verifies every cache entry)")
    b.add_argument("--replicate", nargs="?", const="both", choices=("both", "seeds", "path"), metavar="MODE",
                   help="train every experiment again (both: other seeds on another numeric path of this processor; "
                        "seeds; path) into .cache-replicate/ and .site-replicate-MODE/, and check every sentence there "
                        "(fails if a check does)")
    b.add_argument("--draft", action="store_true",
                   help="list false checks, and checks that read the drawn network alone, instead of stopping (for "
                        "an author mid-edit, or a look at a build on a machine whose networks ended elsewhere)")


def _serve_flags(commands) -> None:
    s = commands.add_parser("serve", help="serve the built site on 127.0.0.1 (gzip, like a real host)")
    s.add_argument("--dir", type=Path, default=ROOT / "site", help="the site folder (default: site/)")
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0: any free port)")
    s.add_argument("--watch", action="store_true",
                   help="live preview: build, rebuild into --dir on every save in content/, templates/ or generator/, "
                        "and reload open pages (a failed build shows its errors over the page)")
    s.add_argument("--content", type=Path, default=ROOT / "content", help="with --watch: content folder")
    s.add_argument("--profile", choices=("full", "quick", "large"), default="full", help="with --watch: build profile")
    s.add_argument("--cache", type=Path, default=ROOT / ".cache", help="with --watch: cache folder")
    s.add_argument("--jobs", type=int, default=2, help="with --watch: experiments trained in parallel")
    s.add_argument("--scheduler", default=os.environ.get("DASK_SCHEDULER_ADDRESS") or None, metavar="tcp://HOST:PORT",
                   help="with --watch: train missing runs on this Dask cluster (default: $DASK_SCHEDULER_ADDRESS)")


def _other_flags(commands) -> None:
    r = commands.add_parser("recheck", help="check the prose against the last build's claims (no training)")
    r.add_argument("--content", type=Path, default=ROOT / "content")
    r.add_argument("--report", type=Path, default=ROOT / ".cache" / "measured-full.json",
                   help="claims to check against (default: those the last full build measured, even if its prose "
                        "failed; .cache/measured-quick.json for the quick profile)")
    d = commands.add_parser("diff", help="compare two builds: claims that moved (in spreads), checks and picks that "
                                         "decided otherwise")
    d.add_argument("a", type=Path, help="a site folder or its build-report.json (e.g. the published one)")
    d.add_argument("b", type=Path, help="another (e.g. your site/)")
    d.add_argument("--top", type=int, default=15, help="claims listed, largest move first (default: 15)")
    c = commands.add_parser("claims", help="list an experiment's or figure's measured claims by name, with value, "
                                           "seeds and spread (from the last build, no training)")
    c.add_argument("scope", help="an experiment id (spiralnet-4-tanh) or a figure id")
    c.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (for the settings)")
    c.add_argument("--report", type=Path, default=ROOT / ".cache" / "measured-full.json",
                   help="the measurements to read (default: the last full build's)")
    k = commands.add_parser("kinds", help="print the tables of figure kinds and options (from figures.KINDS) that docs/content.md holds")
    k.add_argument("--readme", action="store_true", help="rewrite them in docs/content.md between the kinds markers")
    commands.add_parser("clean", help="remove site/ and the cache")


def _build(args, log) -> int:
    started = time.perf_counter()
    if not args.force and not args.replicate:  # asked before importing the build (numpy, jinja2, ...): a
        # no-change rebuild ends here; a replication always replicates, whatever the site's stamp says
        from .stamp import said, unchanged
        if unchanged(args.cache, args.content, args.out, args.profile)[1] is not None:
            log(said(args.out, time.perf_counter() - started))
            return 0
    if args.replicate:
        from .build import BuildOptions
        from .progress import for_terminal
        from .replicate import replicate
        try:
            return replicate(BuildOptions(args.content, args.out, jobs=args.jobs, scheduler=args.scheduler), log,
                             for_terminal(log), args.replicate)
        except (BuildError, TrainingError) as err:
            print(f"replication failed:\n{err}", file=sys.stderr)
            return 1
    try:
        from .build import BuildOptions, run
        from .progress import for_terminal
        report = run(BuildOptions(args.content, args.out, jobs=args.jobs, profile=args.profile, cache_dir=args.cache,
                                  wait=args.wait, force=args.force, scheduler=args.scheduler, draft=args.draft),
                     for_terminal(log))
    except BuildError as err:
        print(f"build failed; {args.out} and the cache are unchanged:\n{err}", file=sys.stderr)
        if any(p.message.startswith("check failed") for p in err.problems):
            print(FAILED_CHECKS_HELP, file=sys.stderr)
        return 1
    except TrainingError as err:
        print(f"build failed while training; {args.out} and the cache are unchanged:\n{err}", file=sys.stderr)
        return 1
    for failed in report.get("checks_failed", []):
        print(failed, file=sys.stderr)
    return 0


def _recheck(args, log) -> int:
    from .recheck import recheck
    try:
        problems, failed = recheck(args.content, args.report)
    except BuildError as err:
        print(err, file=sys.stderr)
        return 1
    for found in problems + failed:
        print(found, file=sys.stderr)
    print(f"{len(problems)} problems, {len(failed)} failed checks against {args.report}")
    return 1 if problems or failed else 0


def _diff(args, log) -> int:
    from .compare import compare, load
    try:
        result = compare(load(args.a), load(args.b))
    except (FileNotFoundError, ValueError) as err:
        print(err, file=sys.stderr)
        return 2
    print("\n".join(result.lines(args.top)))
    return 1 if result.newly_failed else 0


def _claims(args, log) -> int:
    from .claims_list import listing
    try:
        print(listing(args.scope, args.report, args.content))
    except LookupError as err:
        print(err, file=sys.stderr)
        return 2
    return 0


def _kinds(args, log) -> int:
    from . import kinds_table
    if args.readme:
        changed = kinds_table.write_readme(ROOT / kinds_table.DOC)
        print(f"{kinds_table.DOC}: kinds tables " + ("rewritten" if changed else "already current"))
    else:
        print(kinds_table.markdown(), end="")
    return 0


def _watch(args, log) -> int:
    from .build import BuildOptions
    from .preview import run
    run(BuildOptions(args.content, args.dir, jobs=args.jobs, profile=args.profile, cache_dir=args.cache,
                     scheduler=args.scheduler), port=args.port, log=log)
    return 0


def _serve(args, log) -> int:
    from .serve import serve
    serve(args.dir, args.port)
    return 0


def _clean(args, log) -> int:
    for path in (ROOT / "site", ROOT / ".cache"):
        shutil.rmtree(path, ignore_errors=True)
    return 0


COMMANDS = {"build": _build, "recheck": _recheck, "diff": _diff, "claims": _claims, "kinds": _kinds, "watch": _watch,
            "serve": _serve, "clean": _clean}
