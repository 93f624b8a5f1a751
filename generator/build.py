"""The build, stage by stage: gather (read and check everything), compute (train, measure, draw),
write (render into a staging folder and swap it in only when everything succeeded)."""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import time
from pathlib import Path

from . import (apparatus, citation, claim_names, claims_table, config, content, decisions, derive, embed, figures, lock,
               numeric, pages, prose, publish, render, runs, stamp, xref)
from .ahead import Ahead, draw
from .progress import Plain
from .analysis.spread import summary
from .cache import CorruptEntry, Store, remembering
from .errors import BuildError, Problem
from .heap import keep_freed_memory
from .prose import Passage, fill
from .site import SiteWriter
from .stamp import ROOT, VEGA_RUNTIME
from .threads import one_thread

LAST_BUILD = "last-build-{profile}.json"  # in the cache folder: the report with this build's own timings and statuses
MEASURED = "measured-{profile}.json"  # in the cache folder: the claims of the last build that got as far as measuring


@dataclasses.dataclass(frozen=True)
class BuildOptions:
    """What the build is asked for (the command line's flags). `scheduler`: a Dask scheduler's address
    (tcp://host:port): missing runs train on that cluster (runs.py); `wait`: seconds to wait for another build
    using the same cache or output folder (0: refuse at once). Unless `force`d, a build whose inputs and site
    match the last one's stamp stops there (generator/stamp.py). A `draft` (and the quick profile) lists false
    checks, and checks that read the drawn network alone, in the report instead of stopping: for an author
    mid-edit, or a reader's own look at a build its checks refuse. A `replica` trains every experiment on the
    seeds after its own (generator/replicate.py)."""
    content_dir: Path
    out: Path
    jobs: int = 2
    profile: str = "full"
    cache_dir: Path | None = None
    wait: float = 0
    force: bool = False
    scheduler: str | None = None
    draft: bool = False
    replica: bool = False


@dataclasses.dataclass(frozen=True)
class Gathered:
    """What gathering found: the site's settings, the experiments (and their sweeps' stems), the sections with
    their figures, the checks a draft puts off to the report, and the inputs as the stamp digests them."""
    site: dict
    experiments: dict
    groups: dict
    sections: list
    deferred: list[Problem] | None  # None: a check put off is a problem (not a draft)
    inputs: str


@dataclasses.dataclass(frozen=True)
class Computed:
    """What computing produced: each run's status, each experiment's claims, each figure's output and the files it
    publishes; each compute stage's seconds, and each worker's idle share and the work done ahead (the bench)."""
    run_status: dict
    claims: dict
    outputs: dict
    published: dict
    seconds: dict[str, float]
    training: dict


def build(content_dir: Path, out: Path, *, log=print, progress: Plain | None = None, **options) -> dict:
    """Gather, compute, write: `options` are BuildOptions' fields. `progress` shows the compute stage as it goes
    (default: plain lines to `log`)."""
    return run(BuildOptions(Path(content_dir), Path(out), **options), progress or Plain(log))


@remembering()  # each generator source read once and each code hash made once per build
def run(options: BuildOptions, progress: Plain) -> dict:
    """The build's stages over typed results: gather (every problem in the content found and reported before
    anything runs), compute (train what the cache lacks, measure, draw), write (a staging folder swapped in)."""
    log = progress.log
    started = time.perf_counter()
    store = Store(options.cache_dir or ROOT / ".cache", warn=log)
    inputs, last = stamp.unchanged(store.root, options.content_dir, options.out, options.profile)
    if last is not None and not options.force:
        return current_report(last, options.out, time.perf_counter() - started, log)
    gathered = gather(options, inputs)
    clock = {"gather": time.perf_counter() - started}
    keep_freed_memory()  # drawing reuses its freed pages too (generator/heap.py)
    # one build at a time (a killed build's leftovers are swept); this process's native libraries on one thread
    with lock.exclusive(store.root, options.out, options.wait, log), one_thread(), progress:
        clock["lock_wait"] = time.perf_counter() - started - clock["gather"]
        if not options.force and (last := stamp.current(store.root, options.out, inputs, options.profile)):
            return current_report(last, options.out, time.perf_counter() - started, log)  # built while we waited
        computed = compute(store, options, gathered, progress)
        # the measurements, written even if the prose then fails its checks: `recheck` reads them (no training)
        (store.root / MEASURED.format(profile=options.profile)).write_text(json.dumps(
            {"experiments": {name: {"claims": summary(c)} for name, c in computed.claims.items()},
             "figures": {fid: {"claims": summary(o.claims)} for fid, o in computed.outputs.items()}}, sort_keys=True))
        report = write(store, options, gathered, computed, clock | computed.seconds, started)
        log(closest_checks(report["sentences"]))
        shares = ", ".join(f"{stage} {100 * t / max(report['seconds'], 1e-9):.0f}%" for stage, t in report["stages"].items())
        log(f"built {options.out} in {report['seconds']:.1f} s ({shares}); first view "
            f"{report['page_weight']['first_view_gzip'] / 1024:.0f} KB gzipped")
        return report


def gather(options: BuildOptions, inputs: str) -> Gathered:
    """Every input read and checked; a BuildError with every problem found before anything trains."""
    content_dir = options.content_dir
    site = config.load_site(content_dir / "site.toml")
    experiments = config.load_experiments(content_dir / "experiments", options.profile)
    if options.replica:
        experiments = config.shifted(experiments)
    groups = config.groups(experiments)
    sections, problems = content.load_sections(content_dir, experiments | dict.fromkeys(groups), figures.KINDS,
                                               site["references"])
    deferred = [] if options.draft else None
    problems += gather_checks(sections, experiments, groups, site, content_dir / "site.toml", deferred)
    if problems:
        raise BuildError(problems)
    if not VEGA_RUNTIME.exists():
        raise BuildError([Problem(VEGA_RUNTIME, "Vega's runtime is missing: run `make setup` (npm ci in templates/vendor)")])
    return Gathered(site, experiments, groups, sections, deferred, inputs)


def compute(store: Store, options: BuildOptions, gathered: Gathered, progress: Plain) -> Computed:
    """Train what the cache lacks, then measure and draw; a cache entry found damaged when read has been removed
    by then (cache.CorruptEntry), so computing again rebuilds just that entry."""
    for attempt in range(1, 4):
        try:
            return _compute(store, options, gathered, progress)
        except CorruptEntry:
            if attempt == 3:
                raise
    raise AssertionError("unreachable")


def write(store: Store, options: BuildOptions, gathered: Gathered, computed: Computed, clock: dict[str, float],
          started: float) -> dict:
    """Everything into a staging folder, swapped into place at the end; the report, published and kept in the
    cache (with this build's own timings: `clock`, each stage's seconds, and the build's start)."""
    written = time.perf_counter()
    writer = SiteWriter(options.out)
    try:
        # a false check stops a full or large build; the quick profile (too short for the results) reports them
        failed_checks = None if options.profile != "quick" and not options.draft else list(gathered.deferred or [])
        report, problems = _write(writer, gathered, computed, options.profile, failed_checks)
        report["checks_failed"] = [str(p) for p in failed_checks or []]
        report["machine"] = numeric.describe()
        if problems:
            raise BuildError(problems)
        report["seconds"] = round(time.perf_counter() - started, 3)
        report["training"] = computed.training
        report["stages"] = {stage: round(t, 3) for stage, t in (clock | {"write": time.perf_counter() - written}).items()}
        writer.json("build-report.json", published_report(report))
        (store.root / LAST_BUILD.format(profile=options.profile)).write_text(json.dumps(report, indent=1, sort_keys=True))
        stamp.forget(store.root, options.out, options.profile)
        writer.finish()
        stamp.seal(store.root, options.out, gathered.inputs, options.profile, report, writer.digests)
    except BaseException:
        writer.abandon()
        raise
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


def _compute(store: Store, options: BuildOptions, gathered: Gathered, progress: Plain) -> Computed:
    """Runs, claims, figure outputs and the files each figure publishes, all from the cache where it has them."""
    experiments, every_figure, log = gathered.experiments, _figures(gathered), progress.log
    log(f"experiments ({len(experiments)}, profile '{options.profile}'):")
    mark = time.perf_counter()
    # measures and draws as runs land
    ahead = Ahead(store, experiments, gathered.groups, every_figure, gathered.site["base_url"], options.jobs)
    try:
        run_status = runs.ensure_runs(experiments, store, options.jobs, progress, options.scheduler, filed=ahead.filed)
    except BaseException:
        ahead.abandon()
        raise
    ahead.finish()
    seconds = {"train": time.perf_counter() - mark}
    mark = time.perf_counter()
    training = workers(run_status, seconds["train"]) | {"ahead_seconds": round(ahead.seconds, 3),
                                                        "ahead_figures": len(ahead.done)}
    if ahead.done:
        log(f"  drawn while training: {len(ahead.done)} of {len(every_figure)} figures ({ahead.seconds:.0f} s); "
            + ", ".join(f"worker {w} idle {v['idle_share']:.0%}" for w, v in training["workers"].items()))
    progress.track("claims", len(experiments), "experiments")
    claims = {}
    for name, exp in experiments.items():
        progress.update("claims", len(claims))
        claims[name] = derive.experiment_claims(store, run_status[name]["key"], exp.spec)
    progress.finish("claims", f"measured for {len(claims)} experiments")
    seconds["claims"], mark = time.perf_counter() - mark, time.perf_counter()
    outputs = _draw(store, gathered, claims, {name: status["key"] for name, status in run_status.items()}, progress)
    seconds["figures"], mark = time.perf_counter() - mark, time.perf_counter()
    published = _publish(store, gathered, outputs, progress)
    seconds["specs_and_stills"] = time.perf_counter() - mark
    return Computed(run_status, claims, outputs, published, seconds, training)


def _figures(gathered: Gathered) -> list:
    """Every figure directive, in page order."""
    return [fig for section in gathered.sections for fig in section.figures]


def _draw(store: Store, gathered: Gathered, claims: dict, keys: dict, progress: Plain) -> dict:
    """Each figure's output (figures.Output) by id, from the runs (`keys`: experiment -> run key) and claims;
    a BuildError with every figure that cannot be drawn, and every claim name the prose reads but none made."""
    every_figure, outputs, problems = _figures(gathered), {}, []
    progress.track("figures", len(every_figure), "figures")
    for fig in every_figure:
        progress.update("figures", len(outputs))
        try:
            outputs[fig.id] = draw(store, fig, gathered.experiments, gathered.groups, claims, keys)
        except ValueError as err:
            problems.append(Problem(fig.path, f"figure '{fig.id}' ({fig.kind}): {err}", line=fig.line))
    problems += claim_names.audit_measured(gathered.experiments, claims, every_figure, outputs)
    if problems:
        raise BuildError(problems)
    progress.finish("figures", f"{len(outputs)} drawn")
    return outputs


def _publish(store: Store, gathered: Gathered, outputs: dict, progress: Plain) -> dict:
    """The files each figure publishes (data under hashed names, compiled specs, stills), before writing."""
    progress.track("specs and stills", len(outputs), "figures")
    published, problems = {}, []
    for fig in _figures(gathered):
        progress.update("specs and stills", len(published))
        try:
            published[fig.id] = publish.figure_files(store, fig.id, outputs[fig.id], gathered.site["base_url"],
                                                     fig.still)
        except ValueError as err:  # a still frame the figure does not have (its frames are known once drawn)
            problems.append(Problem(fig.path, f"figure '{fig.id}' ({fig.kind}): {err}", line=fig.line, key="still"))
    if problems:
        raise BuildError(problems)
    progress.finish("specs and stills", f"{len(published)} figures compiled and rendered")
    return published


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
        prose.lint(Passage(section.body.replace(claims_table.MARKER, ""), section.path, section.body_line), known,
                   problems, names, deferred)
        for fig in section.figures:
            if figures.KINDS[fig.kind].sweep != (fig.experiment in groups):
                problems.append(Problem(fig.path, f"figure '{fig.id}' ({fig.kind}): " + (
                    "this kind draws one experiment" if fig.experiment in groups else
                    "this kind draws every variant of a file with a [sweep] table"), line=fig.line))
            local = claim_names.caption_scopes(fig, names)
            for text in (fig.caption, fig.alt):  # bare names: the figure's experiment (or sweep) and its own claims
                prose.lint(Passage(text, fig.path, fig.line, fig.experiment), known | {fig.experiment}, problems,
                           local, deferred)
    return problems + claim_names.compare_problems(experiments, names)


def _write(writer: SiteWriter, gathered: Gathered, computed: Computed, profile: str,
           failed_checks: list[Problem] | None) -> tuple[dict, list[Problem]]:
    """The article and each figure's page into `writer`; the build report, and the problems found rendering."""
    env, site, sections = render.environment(), gathered.site, gathered.sections
    assets = pages.write_assets(writer, ROOT / "templates", VEGA_RUNTIME.read_bytes())
    notes = apparatus.Notes(site["references"], xref.targets(sections))  # citation numbers and the apparatus
    # placeholders read the measured claims, and each experiment's settings (config.settings) beside them
    every = ({name: config.settings(exp.spec) | computed.claims[name] for name, exp in gathered.experiments.items()}
             | {fid: out.claims for fid, out in computed.outputs.items()})
    figure_ctx, problems = _figure_pages(writer, gathered, computed, every, notes, failed_checks)
    table, found = _claims_table(gathered, every, figure_ctx)
    problems += found
    macro = env.get_template("_figure.html").module.figure_block
    figure_html = {fid: str(macro(ctx, "")) for fid, ctx in figure_ctx.items()}
    rendered = [{"slug": s.slug, "title": s.title, "part": s.part, "number": number,
                 "html": render.section_html(s, every, notes, problems, failed_checks,
                                             render.Inserts(figure_html, claims_table.markdown(table)))}
                for number, s in enumerate(sections, start=1)]
    references = apparatus.reference_list(site["references"], notes.numbers,
                                          [(f"section {r['number']}, {r['title']}", r["html"]) for r in rendered])
    # one commit builds one page: the date is the commit's (or SOURCE_DATE_EPOCH's), not the clock's
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    built_on = (datetime.date.fromtimestamp(int(epoch)) if epoch else site["source"]["date"]
                or datetime.date.fromtimestamp(time.time())).isoformat()
    image = figure_ctx.get(site.get("image")) or next(iter(figure_ctx.values()), None)
    cite = {"bibtex": citation.bibtex(site), "plain": citation.plain(site)}
    writer.write("index.html", apparatus.finish(env.get_template("article.html").render(
        site=site, root="", assets=assets, parts=render.parts(rendered), references=references, built_on=built_on,
        machine=numeric.describe(),
        meta=citation.head(site, references, image, ""), cite=cite), notes))
    for fid, ctx in figure_ctx.items():
        plain = dict(ctx, caption_text=notes.plain(ctx["caption_text"]))  # for the title and the metadata
        writer.write(f"figures/{fid}/index.html", apparatus.finish(env.get_template("figure.html").render(
            site=site, root="../../", assets=assets, meta=citation.figure_head(site, plain, "../../"),
            fig=dict(ctx, snippet=embed.snippet(site["base_url"], fid, plain["alt"] or plain["caption_text"]),
                     snippet_relative=not site["base_url"]),
            credit=citation.figure_credit(site, plain)), notes, base="../../"))
    return _report(writer, assets, figure_ctx, gathered.experiments, computed, profile) | {
        "claims_table": [{k: v for k, v in row.items() if k != "section"} for row in table],
        "sentences": [d.as_dict() for d in sentences(sections, every, computed.outputs)]}, problems


def _figure_pages(writer: SiteWriter, gathered: Gathered, computed: Computed, every: dict, notes: apparatus.Notes,
                  failed_checks: list[Problem] | None) -> tuple[dict[str, dict], list[Problem]]:
    """Each figure's page context (pages.write_figure), numbered in page order, with its caption and alt text
    filled; the problems found filling them."""
    figure_ctx, number, problems = {}, 0, []
    for section in gathered.sections:
        for fig in section.figures:
            number += 1
            # a caption reads its figure's experiment and own claims by bare name, and any other by scope
            scopes = every | {fig.experiment: every.get(fig.experiment, {}) | computed.outputs[fig.id].claims}
            caption = render.caption_html(Passage(fig.caption, fig.path, fig.line, fig.experiment), scopes, notes,
                                          problems, failed_checks)
            notes.figure(fig.id, caption)  # what a reference to this figure previews
            # alt text is a sentence about the result too: placeholders, checks and picks, as plain text
            alt = fill(Passage(fig.alt, fig.path, fig.line, fig.experiment), scopes, problems, failed_checks)
            figure_ctx[fig.id] = pages.write_figure(writer, dataclasses.replace(fig, alt=alt), computed.outputs[fig.id],
                                                    computed.published[fig.id], number, caption)
    return figure_ctx, problems


def _claims_table(gathered: Gathered, every: dict, figure_ctx: dict[str, dict]) -> tuple[list[dict], list[Problem]]:
    """The claims table's rows (claims_table.rows), each placed after the figures of the section that first
    names its experiment when it has no figure of its own; the problems found."""
    sections, experiments, problems = gathered.sections, gathered.experiments, []
    placed = {fig.id: (s.slug, s.title, figure_ctx[fig.id]["number"]) for s in sections for fig in s.figures}
    names = set(experiments) | set(config.groups(experiments))
    mentioned, last = {}, 0.5
    for s in sections:
        last = max([last] + [placed[f.id][2] + 0.5 for f in s.figures])
        for name in names - set(mentioned):
            if f"{{{{{name}." in s.body or any(f.experiment == name for f in s.figures):
                mentioned[name] = last
    table = claims_table.rows(experiments, every, placed, gathered.site["references"], problems, mentioned)
    return table, problems


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


def _report(writer: SiteWriter, assets: dict, figure_ctx: dict[str, dict], experiments: dict, computed: Computed,
            profile: str) -> dict:
    """Each claim as {"value", "n"} (n seeds; one for the shown seed or a setting), with its spread where n > 1."""
    # the first view is what loads before any figure nears the viewport: Vega's runtime and the first figure's
    # spec and data come when the reader scrolls near it (player.js), and are counted apart
    first = next(iter(figure_ctx.values()), None)
    first_files = [assets[a] for a in ("css", "player", "icon")]
    figure_files = [assets["vega"], assets["figure"], assets["extras"]] + ([first["vega_url"]] + [url for _, url in first["data_links"]] if first else [])
    parts = {"index.html": writer.gzipped_size("index.html")} | {f: writer.gzipped_size(f) for f in first_files}
    first_figure = {f: writer.gzipped_size(f) for f in figure_files}
    return {
        "profile": profile,
        "experiments": {name: computed.run_status[name] | {"claims": summary(computed.claims[name]),
                                                            "file": f"{exp.path.parent.name}/{exp.path.name}"}
                        for name, exp in experiments.items()},
        "figures": {fid: {"kind": ctx["kind"], "experiment": ctx["experiment"], "frames": ctx["frames"],
                          "claims": summary(computed.outputs[fid].claims), "data_bytes": ctx["data_bytes"]}
                    for fid, ctx in figure_ctx.items()},
        "page_weight": {"first_view_gzip": sum(parts.values()), "first_view_parts_gzip": parts,
                        "first_figure_gzip": sum(first_figure.values()), "first_figure_parts_gzip": first_figure,
                        "site_bytes": sum(writer.written.values())},
    }
