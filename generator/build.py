"""The build, stage by stage: gather (read and check everything), compute (train, measure, draw),
write (render into a staging folder and swap it in only when everything succeeded)."""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import time
from pathlib import Path

from . import (citation, claim_names, claims_table, config, content, decisions, derive, embed, figures, lock, numeric,
               pages, prose, publish, render, replicate, runs, stamp, xref)
from .ahead import Ahead, draw
from .progress import Plain
from .analysis.spread import summary
from .cache import CorruptEntry, Store, remembering
from .errors import BuildError, Problem
from .heap import keep_freed_memory
from .prose import fill
from .site import SiteWriter
from .stamp import ROOT, VEGA_RUNTIME
from .threads import one_thread

LAST_BUILD = "last-build-{profile}.json"  # in the cache folder: the report with this build's own timings and statuses
MEASURED = "measured-{profile}.json"  # in the cache folder: the claims of the last build that got as far as measuring


@remembering()  # each generator source read once and each code hash made once per build
def build(content_dir: Path, out: Path, jobs: int = 2, profile: str = "full", cache_dir: Path | None = None,
          log=print, progress: Plain | None = None, wait: float = 0, force: bool = False,
          scheduler: str | None = None, draft: bool = False, replica: bool = False) -> dict:
    """Gather, compute, write. `progress` shows the compute stage as it goes (default: plain lines to `log`);
    `scheduler`: a Dask scheduler's address (tcp://host:port): missing runs train on that cluster (runs.py);
    `wait`: seconds to wait for another build using the same cache or output folder (0: refuse at once).
    Unless `force`d, a build whose inputs and site match the last one's stamp stops there (generator/stamp.py).
    A `draft` (and the quick profile) lists false checks, and checks that read the drawn network alone, in the
    report instead of stopping: for an author mid-edit, or a reader's own look at a build its checks refuse.
    A `replica` trains every experiment on the seeds after its own (generator/replicate.py)."""
    progress = progress or Plain(log)
    log = progress.log
    started = time.perf_counter()
    content_dir = Path(content_dir)
    store = Store(cache_dir or ROOT / ".cache", warn=log)
    inputs, last = stamp.unchanged(store.root, content_dir, out, profile)
    if last is not None and not force:
        return current_report(last, out, time.perf_counter() - started, log)

    # gather: every problem in the content is found and reported before anything runs
    site = config.load_site(content_dir / "site.toml")
    experiments = config.load_experiments(content_dir / "experiments", profile)
    if replica:
        experiments = replicate.shifted(experiments)
    groups = config.groups(experiments)
    sections, problems = content.load_sections(content_dir, experiments | dict.fromkeys(groups), figures.KINDS,
                                               site["references"])
    deferred = [] if draft else None
    problems += gather_checks(sections, experiments, groups, site, content_dir / "site.toml", deferred)
    if problems:
        raise BuildError(problems)
    if not VEGA_RUNTIME.exists():
        raise BuildError([Problem(VEGA_RUNTIME, "Vega's runtime is missing: run `make setup` (npm ci in templates/vendor)")])

    gathered = time.perf_counter()
    keep_freed_memory()  # drawing reuses its freed pages too (generator/heap.py)
    # one build at a time (a killed build's leftovers are swept); this process's native libraries on one thread
    with lock.exclusive(store.root, out, wait, log), one_thread(), progress:
        # compute: train what the cache lacks, then measure and draw; a cache entry found damaged when read
        # has been removed by then (cache.CorruptEntry), so computing again rebuilds just that entry
        clock = {"gather": gathered - started, "lock_wait": time.perf_counter() - gathered}
        training = {}  # each worker's idle share, the figures drawn while runs trained (the bench reads them)
        for attempt in range(1, 4):
            try:
                run_status, claims, outputs, published = _compute(store, site, sections, experiments, groups, jobs,
                                                                  profile, progress, problems, clock, scheduler,
                                                                  training)
                break
            except CorruptEntry:
                if attempt == 3:
                    raise
        # the measurements, written even if the prose then fails its checks: `recheck` reads them (no training)
        (store.root / MEASURED.format(profile=profile)).write_text(json.dumps(
            {"experiments": {name: {"claims": summary(c)} for name, c in claims.items()},
             "figures": {fid: {"claims": summary(o.claims)} for fid, o in outputs.items()}}, sort_keys=True))

        # write: everything into a staging folder, swapped into place at the end
        written = time.perf_counter()
        writer = SiteWriter(out)
        try:
            # a false check stops a full or large build; the quick profile (too short for the results) reports them
            failed_checks = None if profile != "quick" and not draft else list(deferred or [])
            report = _write(writer, site, sections, experiments, claims, outputs, published, run_status, profile,
                            problems, failed_checks)
            report["checks_failed"] = [str(p) for p in failed_checks or []]
            report["machine"] = numeric.describe()
            if problems:
                raise BuildError(problems)
            report["seconds"] = round(time.perf_counter() - started, 3)
            report["training"] = training
            report["stages"] = {stage: round(t, 3) for stage, t in (clock | {"write": time.perf_counter() - written}).items()}
            writer.json("build-report.json", published_report(report))
            (store.root / LAST_BUILD.format(profile=profile)).write_text(json.dumps(report, indent=1, sort_keys=True))
            stamp.forget(store.root, out, profile)
            writer.finish()
            stamp.seal(store.root, out, inputs, profile, report, writer.digests)
        except BaseException:
            writer.abandon()
            raise
        log(closest_checks(report["sentences"]))
        shares = ", ".join(f"{stage} {100 * t / max(report['seconds'], 1e-9):.0f}%" for stage, t in report["stages"].items())
        log(f"built {out} in {report['seconds']:.1f} s ({shares}); first view {report['page_weight']['first_view_gzip'] / 1024:.0f} KB gzipped")
        return report


def closest_checks(found: list[dict], count: int = 10) -> str:
    """The `count` checks nearest their thresholds, each margin in spreads (generator/checks.py)."""
    margins = [d for d in found if d["kind"] == "check" and isinstance(d["margin"], (int, float))]
    margins.sort(key=lambda d: d["margin"])
    lines = [f"  {d['margin']:6.2f}  {d['file']}:{d['line']}  {prose.shorten(d['expression'], 100)}"
             for d in margins[:count]]
    return (f"the {len(lines)} checks closest to their thresholds (margin in spreads; "
            f"{len(margins)} of {sum(d['kind'] == 'check' for d in found)} checks have a finite margin):\n"
            + "\n".join(lines))


def current_report(last: dict, out: Path, seconds: float, log) -> dict:
    """A build that found nothing changed: the last build's report, with this check's time."""
    log(stamp.said(out, seconds))
    return last | {"unchanged": True, "seconds": round(seconds, 3), "stages": {"unchanged": round(seconds, 3)}}


def published_report(report: dict) -> dict:
    """The report the site publishes: what was built and measured, never how this one build went (its time,
    its stages, each run trained or cached and in how many seconds), so one commit gives a byte-identical
    site however the build went, resumed or not, on any checkout."""
    kept = {k: v for k, v in report.items() if k not in ("seconds", "stages", "training")}
    return kept | {"experiments": {name: {k: v for k, v in e.items() if k not in ("status", "seconds", "timing")}
                                   for name, e in report["experiments"].items()}}


def workers(run_status: dict, span: float) -> dict:
    """Each worker's busy seconds and idle share over the training stage (`span` seconds), from the runs it
    trained (runs.py times each); the bench prints them, the build's last line too."""
    busy: dict[str, float] = {}
    for status in run_status.values():
        if "timing" in status:
            timing = status["timing"]
            busy[timing["worker"]] = busy.get(timing["worker"], 0.0) + timing["ended"] - timing["began"]
    return {"workers": {worker: {"busy_seconds": round(seconds, 1), "idle_share": round(max(0.0, 1 - seconds / span), 3)}
                        for worker, seconds in sorted(busy.items())} if span > 0 else {}}


def _compute(store, site, sections, experiments, groups, jobs, profile, progress, problems, clock, scheduler=None,
             training=None):
    """Runs, claims, figure outputs and the files each figure publishes, all from the cache where it has them;
    each stage's seconds into `clock`; into `training`, each worker's idle share and the work done ahead."""
    training = {} if training is None else training
    log = progress.log
    log(f"experiments ({len(experiments)}, profile '{profile}'):")
    mark = time.perf_counter()
    every_figure = [fig for section in sections for fig in section.figures]
    ahead = Ahead(store, experiments, groups, every_figure, site["base_url"])  # measures and draws as runs land
    run_status = runs.ensure_runs(experiments, store, jobs, progress, scheduler, filed=ahead.filed)
    clock["train"], mark = time.perf_counter() - mark, time.perf_counter()
    training.update(workers(run_status, clock["train"]), ahead_seconds=round(ahead.seconds, 3),
                    ahead_figures=len(ahead.done))
    if ahead.done:
        log(f"  drawn while training: {len(ahead.done)} of {len(every_figure)} figures ({ahead.seconds:.0f} s); "
            + ", ".join(f"worker {w} idle {v['idle_share']:.0%}" for w, v in training["workers"].items()))
    progress.track("claims", len(experiments), "experiments")
    claims = {}
    for name, exp in experiments.items():
        progress.update("claims", len(claims))
        claims[name] = derive.experiment_claims(store, run_status[name]["key"], exp.spec)
    progress.finish("claims", f"measured for {len(claims)} experiments")
    clock["claims"], mark = time.perf_counter() - mark, time.perf_counter()
    outputs = {}
    keys = {name: status["key"] for name, status in run_status.items()}
    progress.track("figures", len(every_figure), "figures")
    for fig in every_figure:
        progress.update("figures", len(outputs))
        try:
            outputs[fig.id] = draw(store, fig, experiments, groups, claims, keys)
        except ValueError as err:
            problems.append(Problem(fig.path, f"figure '{fig.id}' ({fig.kind}): {err}", line=fig.line))
    problems += claim_names.audit_measured(experiments, claims, every_figure, outputs)
    if problems:
        raise BuildError(problems)
    progress.finish("figures", f"{len(outputs)} drawn")
    clock["figures"], mark = time.perf_counter() - mark, time.perf_counter()
    # the files each figure publishes (data under hashed names, compiled specs, stills), before writing
    progress.track("specs and stills", len(outputs), "figures")
    published = {}
    for fig in every_figure:
        progress.update("specs and stills", len(published))
        try:
            published[fig.id] = publish.figure_files(store, fig.id, outputs[fig.id], site["base_url"], fig.still)
        except ValueError as err:  # a still frame the figure does not have (its frames are known once drawn)
            problems.append(Problem(fig.path, f"figure '{fig.id}' ({fig.kind}): {err}", line=fig.line, key="still"))
    if problems:
        raise BuildError(problems)
    progress.finish("specs and stills", f"{len(published)} figures compiled and rendered")
    clock["specs_and_stills"] = time.perf_counter() - mark
    return run_status, claims, outputs, published


def gather_checks(sections, experiments, groups, site=None, site_path=None, deferred=None) -> list[Problem]:
    """Before any training: each figure suits its experiment (one run, or every variant of a sweep), and every
    placeholder, check and pick of the prose, captions and alt text is well formed, names a known scope and a
    claim that scope's code declares (or a setting), as do the [[compare]] rows of the claims table; every
    cross-reference names a figure, section or labelled equation, and footnotes have their text (xref.check)."""
    problems: list[Problem] = xref.check(sections)
    if site is not None:
        problems += citation.check(site, sections, site_path)
    known = set(experiments) | {fig.id for s in sections for fig in s.figures}
    names = claim_names.body_scopes(sections, experiments)  # scope -> the claim names it can produce
    for section in sections:
        prose.lint(section.body.replace(claims_table.MARKER, ""), known, None, section.path, section.body_line,
                   problems, names, deferred)
        for fig in section.figures:
            if figures.KINDS[fig.kind].sweep != (fig.experiment in groups):
                problems.append(Problem(fig.path, f"figure '{fig.id}' ({fig.kind}): " + (
                    "this kind draws one experiment" if fig.experiment in groups else
                    "this kind draws every variant of a file with a [sweep] table"), line=fig.line))
            local = claim_names.caption_scopes(fig, names)
            for text in (fig.caption, fig.alt):  # bare names: the figure's experiment (or sweep) and its own claims
                prose.lint(text, known | {fig.experiment}, fig.experiment, fig.path, fig.line, problems, local,
                           deferred)
    return problems + claim_names.compare_problems(experiments, names)


def _write(writer, site, sections, experiments, claims, outputs, published, run_status, profile, problems,
           failed_checks) -> dict:
    env = render.environment()
    assets = pages.write_assets(writer, ROOT / "templates", VEGA_RUNTIME.read_bytes())
    numbers = render.Notes(site["references"], xref.targets(sections))  # citation numbers and the apparatus
    figure_ctx, number = {}, 0
    # placeholders read the measured claims, and each experiment's settings (config.settings) beside them
    every = ({name: config.settings(exp.spec) | claims[name] for name, exp in experiments.items()}
             | {fid: out.claims for fid, out in outputs.items()})
    for section in sections:
        for fig in section.figures:
            number += 1
            # a caption reads its figure's experiment and own claims by bare name, and any other by scope
            scopes = every | {fig.experiment: every.get(fig.experiment, {}) | outputs[fig.id].claims}
            caption = render.caption_html(fig.caption, scopes, fig.experiment, fig.path, fig.line, numbers, problems,
                                          failed_checks)
            numbers.figure(fig.id, caption)  # what a reference to this figure previews
            # alt text is a sentence about the result too: placeholders, checks and picks, as plain text
            alt = fill(fig.alt, scopes, fig.experiment, fig.path, fig.line, problems, failed_checks)
            figure_ctx[fig.id] = pages.write_figure(writer, dataclasses.replace(fig, alt=alt), outputs[fig.id],
                                                    published[fig.id], number, caption)
    scopes = every
    placed = {fig.id: (s.slug, s.title, figure_ctx[fig.id]["number"]) for s in sections for fig in s.figures}
    # rows without a figure sit after the figures of the section that first names their experiment
    names = set(experiments) | set(config.groups(experiments))
    mentioned, last = {}, 0.5
    for s in sections:
        last = max([last] + [placed[f.id][2] + 0.5 for f in s.figures])
        for name in names - set(mentioned):
            if f"{{{{{name}." in s.body or any(f.experiment == name for f in s.figures):
                mentioned[name] = last
    table = claims_table.rows(experiments, scopes, placed, site["references"], problems, mentioned)
    figure_html = {}
    macro = env.get_template("_figure.html").module.figure_block
    for fid, ctx in figure_ctx.items():
        figure_html[fid] = str(macro(ctx, ""))
    rendered = [{"slug": s.slug, "title": s.title, "part": s.part, "number": number,
                 "html": render.section_html(s, scopes, figure_html, numbers, problems, failed_checks,
                                             claims_table.markdown(table))}
                for number, s in enumerate(sections, start=1)]
    references = render.reference_list(site["references"], numbers,
                                       [(f"section {r['number']}, {r['title']}", r["html"]) for r in rendered])
    # one commit builds one page: the date is the commit's (or SOURCE_DATE_EPOCH's), not the clock's
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    built_on = (datetime.date.fromtimestamp(int(epoch)) if epoch else site["source"]["date"]
                or datetime.date.fromtimestamp(time.time())).isoformat()
    image = figure_ctx.get(site.get("image")) or next(iter(figure_ctx.values()), None)
    cite = {"bibtex": citation.bibtex(site), "plain": citation.plain(site)}
    writer.write("index.html", render.finish(env.get_template("article.html").render(
        site=site, root="", assets=assets, parts=render.parts(rendered), references=references, built_on=built_on,
        machine=numeric.describe(),
        meta=citation.head(site, references, image, ""), cite=cite), numbers))
    for fid, ctx in figure_ctx.items():
        plain = dict(ctx, caption_text=numbers.plain(ctx["caption_text"]))  # for the title and the metadata
        writer.write(f"figures/{fid}/index.html", render.finish(env.get_template("figure.html").render(
            site=site, root="../../", assets=assets, meta=citation.figure_head(site, plain, "../../"),
            fig=dict(ctx, snippet=embed.snippet(site["base_url"], fid, plain["alt"] or plain["caption_text"]),
                     snippet_relative=not site["base_url"]),
            credit=citation.figure_credit(site, plain)), numbers, base="../../"))
    return _report(writer, assets, figure_ctx, experiments, claims, outputs, run_status, profile) | {
        "claims_table": [{k: v for k, v in row.items() if k != "section"} for row in table],
        "sentences": [d.as_dict() for d in sentences(sections, every, outputs)]}


def sentences(sections, every: dict, outputs: dict) -> list[decisions.Decision]:
    """What every check and pick decided, in page order, read with the scopes _write fills them with."""
    found = []
    for section in sections:
        found += decisions.decide(section.body.replace(claims_table.MARKER, ""), every, None, section.path,
                                  section.body_line)
        for fig in section.figures:
            scopes = every | {fig.experiment: every.get(fig.experiment, {}) | outputs[fig.id].claims}
            for text in (fig.caption, fig.alt):
                found += decisions.decide(text, scopes, fig.experiment, fig.path, fig.line)
    return found


def _report(writer, assets, figure_ctx, experiments, claims, outputs, run_status, profile) -> dict:
    """Each claim as {"value", "n"} (n seeds; one for the shown seed or a setting), with its spread where n > 1."""
    # the first view is what loads before any figure nears the viewport: Vega's runtime and the first figure's
    # spec and data come when the reader scrolls near it (player.js), and are counted apart
    first = next(iter(figure_ctx.values()), None)
    first_files = [assets[a] for a in ("css", "player", "icon")]
    figure_files = [assets["vega"], assets["extras"]] + ([first["vega_url"]] + [url for _, url in first["data_links"]] if first else [])
    parts = {"index.html": writer.gzipped_size("index.html")} | {f: writer.gzipped_size(f) for f in first_files}
    first_figure = {f: writer.gzipped_size(f) for f in figure_files}
    return {
        "profile": profile,
        "experiments": {name: run_status[name] | {"claims": summary(claims[name]),
                                                   "file": f"{exp.path.parent.name}/{exp.path.name}"}
                        for name, exp in experiments.items()},
        "figures": {fid: {"kind": ctx["kind"], "experiment": ctx["experiment"], "frames": ctx["frames"],
                          "claims": summary(outputs[fid].claims), "data_bytes": ctx["data_bytes"]}
                    for fid, ctx in figure_ctx.items()},
        "page_weight": {"first_view_gzip": sum(parts.values()), "first_view_parts_gzip": parts,
                        "first_figure_gzip": sum(first_figure.values()), "first_figure_parts_gzip": first_figure,
                        "site_bytes": sum(writer.written.values())},
    }
