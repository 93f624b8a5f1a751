"""Performance figures of the real (full-profile) site, printed beside their targets and written to
bench-results/bench.json. Benchmarks measure and print; they never assert.

    .venv/bin/python -m tests.bench.bench [--skip-cold] [--skip-lighthouse] [--runs 3] [--moves 40]

(a) cold build: full profile, empty temporary cache, temporary out folder, as a subprocess
(b) rebuild with nothing changed: full profile, the project .cache, median of 3 subprocess runs
    (`python -m generator build`, so interpreter start-up and imports count); checks nothing trained
(b2) live preview: seconds from saving a prose edit (a scratch copy of content/) to the reloaded page showing it,
    median of --runs saves, full profile, the project .cache (tests/bench/preview_reload.py)
(c) first page view, gzipped bytes, from the build's build-report.json
(d) frame change after a scrubber move: median and p90 ms of `await figures[id].setFrame(i)` in headless Chromium,
    every animated figure, the slowest printed (tests/bench/frames.py, which runs alone on a built site)
(d2) the live trainer (tests/bench/live_training.py): steps/s of a 2-2-2 tanh network on 400 points in its Web
    Worker, frames/s and the longest main-thread task while playing, seconds to 100% with the CPU throttled 4x
(e) Lighthouse 12 (tests/bench/package.json), mobile, median of 3 runs against the gzip server
(f) the article printed to PDF (make pdf's generator.pdf, headless Chromium): pages and size
(g) the stills of the built site (figures/<id>/still.png, still.svg): total and largest bytes of each
(h) the Dask engine's overhead: the quick profile's 12 spiralNet runs through a local 2-worker cluster against
    the process pool, as a ratio, and the bytes each run sends back (tests/bench/cluster_training.py)
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import frames as frame_bench
from . import cluster_training, flops, live_training, mnist_training, preview_reload, spiralnet_training, step_profile, training

ROOT = Path(__file__).resolve().parents[2]
BENCH = Path(__file__).resolve().parent
RESULTS = ROOT / "bench-results"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
MORPH = "curves-layer-morph"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"

TARGETS = {  # name: (label, unit, target text, passes(value))
    # the whole site: Part I (< 180 s) plus O15 (< 120 s); the opening issue's own content alone was to build in < 60 s
    "cold_build_s": ("cold build, whole site, empty cache", "s", "< 660 s", lambda v: v < 660),
    "cold_flop_ratio": ("cold build / its FLOP limit (2-thread peak)", "x", "<= 3x", lambda v: v <= 3),
    "cold_part1_s": ("cold build, Part I without O15", "s", "< 180 s", lambda v: v < 180),
    "o15_train_s": ("O15 training (MNIST k-NN)", "s", "< 120 s", lambda v: v < 120),
    "batched_speedup": ("batched vs per-seed loop (worst)", "x", ">= 4x", lambda v: v >= 4),
    "spiralnet_train_s": ("Part II: 12 spiralNet runs, 2 cores", "s", "< 240 s", lambda v: v < 240),
    "spiralnet_gflops": ("Part II: achieved float32 GFLOP/s", "GFLOP/s", "report (peak ~85-90)", lambda v: True),
    "spiral_choice_gzip_kb": ("Part II: one (K, activation) choice", "KB", "< 300 KB", lambda v: v < 300),
    "mnist_train_s": ("Part III: MNIST training, 2 cores", "s", "< 120 s", lambda v: v < 120),
    "mnist_gflops": ("Part III: achieved float32 GFLOP/s", "GFLOP/s", "report", lambda v: True),
    "rebuild_s": ("rebuild, nothing changed (median, wall)", "s", "< 1 s", lambda v: v < 1),
    # the live trainer (tests/bench/live_training.py): in the worker, while playing, and the CPU throttled 4x
    "live_steps_per_s": ("live trainer: 2-2-2 tanh, 400 points", "steps/s", ">= 2,000", lambda v: v >= 2000),
    "live_fps": ("live trainer: panels redrawn while playing", "frames/s", ">= 30", lambda v: v >= 30),
    "live_longest_task_ms": ("live trainer: longest main-thread task", "ms", "<= 50 ms", lambda v: v <= 50),
    "live_throttled_s": ("live trainer: defaults to 100%, CPU 4x slower", "s", "< 30 s", lambda v: v < 30),
    "step_peak_share": ("training step: lowest share of the 1-thread peak", "%", ">= 35%", lambda v: v >= 35),
    "process_peak_share": ("training process (spiralNet, MNIST): lowest share of the 1-thread peak", "%", ">= 35%",
                           lambda v: v >= 35),
    "preview_reload_seconds": ("live preview: save to reloaded page (median)", "s", "< 2 s", lambda v: v < 2),
    "first_view_gzip_kb": ("first view, gzipped (no Vega, no figure)", "KB", "< 60 KB", lambda v: v < 60),
    "first_figure_gzip_kb": ("Vega and the first figure, near it", "KB", "report", lambda v: True),
    "frame_change_ms": ("frame change after scrub (median, layer morph)", "ms", "< 16 ms", lambda v: v < 16),
    "frame_change_slowest_ms": ("frame change, slowest figure (median)", "ms", "< 16 ms", lambda v: v < 16),
    "frame_change_slowest_p90_ms": ("frame change, slowest figure (p90)", "ms", "< 25 ms", lambda v: v < 25),
    "lighthouse_performance": ("Lighthouse performance (mobile)", "", ">= 98", lambda v: v >= 98),
    "lighthouse_accessibility": ("Lighthouse accessibility", "", "100", lambda v: v >= 100),
    "lighthouse_best_practices": ("Lighthouse best practices", "", "100", lambda v: v >= 100),
    "lighthouse_seo": ("Lighthouse SEO", "", "100", lambda v: v >= 100),
    "pdf_pages": ("article as PDF (A4): pages", "", "report", lambda v: True),
    "pdf_mb": ("article as PDF: size", "MB", "report", lambda v: True),
    "stills_png_total_kb": ("PNG stills: total", "KB", "report", lambda v: True),
    "stills_png_max_kb": ("PNG stills: largest", "KB", "<= 200 KB", lambda v: v <= 200_000 / 1024),
    "stills_svg_total_kb": ("SVG stills: total", "KB", "report", lambda v: True),
    "stills_svg_max_kb": ("SVG stills: largest", "KB", "< 1 MB", lambda v: v < 1_000_000 / 1024),
    "dask_ratio": ("Dask, 2 local workers / process pool (quick spiralNet)", "x", "report", lambda v: True),
}


def say(*args):
    print(*args, file=sys.stderr, flush=True)


def build(out: Path, cache: Path, profile: str = "full") -> dict:
    """One `python -m generator build` as a subprocess; wall time, and what each experiment did."""
    command = [sys.executable, "-m", "generator", "build", "--profile", profile, "--out", str(out), "--cache", str(cache)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"build failed ({' '.join(command)}):\n{log}")
    statuses = dict(re.findall(r"^\s+(\S+)\s+(cached|trained)\b", log, flags=re.M))
    report = json.loads((cache / f"last-build-{profile}.json").read_text())  # the site's copy leaves timings out
    current = re.search(r"is current: .*\(checked in ([\d.]+) s", log)  # nothing changed: stamp.py stopped it
    return {"seconds": round(seconds, 3), "build_seconds": float(current.group(1)) if current else report["seconds"],
            "current": bool(current), "statuses": statuses,
            "trained": sorted(n for n, s in statuses.items() if s == "trained"),
            "report_statuses": {n: e["status"] for n, e in report["experiments"].items()}, "report": report}


def cold_build(tmp: Path) -> dict:
    say("(a) cold build: full profile, empty cache ...")
    result = build(tmp / "cold-site", tmp / "cold-cache")
    result["training_seconds"] = {n: round(e["seconds"], 2) for n, e in result["report"]["experiments"].items()}
    result["training"] = result["report"].get("training", {})  # each worker's idle share, figures drawn meanwhile
    result["stages"] = result["report"].get("stages", {})
    del result["report"]
    return result


def rebuilds(out: Path, runs: int = 3) -> tuple[dict, dict]:
    say("(b) rebuild with nothing changed: warm-up run (fills the project .cache if it lacks the full profile) ...")
    warm = build(out, ROOT / ".cache")
    timed = []
    for i in range(runs):
        say(f"    rebuild {i + 1}/{runs} ...")
        timed.append(build(out, ROOT / ".cache"))
    report = timed[-1].pop("report")
    for run in timed:
        run.pop("report", None)
    trained = sorted({n for run in timed for n in run["trained"]} |
                     {n for run in timed for n, s in run["report_statuses"].items() if s != "cached"})
    return {"median_s": statistics.median(r["seconds"] for r in timed), "runs_s": [r["seconds"] for r in timed],
            "in_build_s": [r["build_seconds"] for r in timed], "warmup_trained": warm["trained"],
            "statuses": timed[-1]["statuses"], "trained_during_timed_runs": trained,
            "nothing_trained": not trained and all(r["current"] or r["statuses"] for r in timed),
            "stopped_as_current": sum(r["current"] for r in timed)}, report


def stills(site: Path) -> dict:
    """(g) Bytes of the stills a built site publishes: per kind, the count, total and largest (with its figure),
    and the figures without an SVG still (left out over 1 MB)."""
    figures = sorted(p for p in (site / "figures").iterdir() if p.is_dir())
    result = {}
    for kind in ("png", "svg"):
        sizes = {p.name: (p / f"still.{kind}").stat().st_size for p in figures if (p / f"still.{kind}").exists()}
        largest = max(sizes, key=sizes.get) if sizes else None
        result[kind] = {"count": len(sizes), "total": sum(sizes.values()), "largest": sizes.get(largest, 0),
                        "largest_figure": largest}
    result["without_svg"] = [p.name for p in figures if not (p / "still.svg").exists()]
    return result


def serve(folder: Path):
    from generator.serve import make_server
    server = make_server(folder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def lighthouse(url: str, runs: int, folder: Path) -> dict:
    if not LIGHTHOUSE.exists():
        say("(e) Lighthouse missing: run `cd tests/bench && npm ci` (or `make bench`); skipped")
        return {"skipped": "lighthouse not installed in tests/bench/node_modules"}
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    env = os.environ | {"CHROME_PATH": CHROMIUM}
    reports = []
    for i in range(runs):
        say(f"(e) Lighthouse {version} run {i + 1}/{runs} (mobile) ...")
        path = folder / f"lighthouse-{i + 1}.json"
        done = subprocess.run([str(LIGHTHOUSE), url, f"--chrome-flags={CHROME_FLAGS}",
                               "--only-categories=performance,accessibility,best-practices,seo", "--output=json",
                               f"--output-path={path}", "--quiet"], cwd=BENCH, env=env, capture_output=True, text=True)
        if done.returncode != 0 or not path.exists():
            say(f"    Lighthouse failed ({done.returncode}): {done.stderr[-2000:]}")
            continue
        reports.append(json.loads(path.read_text()))
    if not reports:
        return {"skipped": "every Lighthouse run failed", "version": version}

    def med(values):
        values = [v for v in values if v is not None]
        return round(statistics.median(values), 1) if values else None

    score = lambda r, c: None if r["categories"][c]["score"] is None else r["categories"][c]["score"] * 100
    metrics = {}
    for audit in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                  "cumulative-layout-shift", "speed-index"):
        metrics[audit] = med(r["audits"][audit].get("numericValue") for r in reports)
    failing = {}
    for r in reports:
        for ref in [ref for c in ("accessibility", "best-practices", "seo") for ref in r["categories"][c]["auditRefs"]]:
            audit = r["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in ("manual", "notApplicable", "informative") or audit["score"] is None:
                continue
            if audit["score"] < 1:
                items = (audit.get("details") or {}).get("items") or []
                failing.setdefault(ref["id"], {
                    "title": audit["title"], "weight": ref["weight"],
                    "nodes": [(it.get("node") or {}).get("selector") or (it.get("node") or {}).get("snippet")
                              for it in items][:8],
                    "explanation": ((items[0].get("node") or {}).get("explanation") if items else "") or ""})
    warnings = sorted({w for r in reports for w in r.get("runWarnings", [])})
    return {"version": version, "runs": len(reports),
            "performance": med(score(r, "performance") for r in reports),
            "accessibility": med(score(r, "accessibility") for r in reports),
            "best-practices": med(score(r, "best-practices") for r in reports),
            "seo": med(score(r, "seo") for r in reports),
            "performance_runs": [score(r, "performance") for r in reports],
            "accessibility_runs": [score(r, "accessibility") for r in reports],
            "metrics_ms": metrics, "failing_accessibility_audits": failing, "warnings": warnings}


def table(values: dict) -> str:
    rows = [("measure", "value", "target", "")]
    for key, (label, unit, target, passes) in TARGETS.items():
        value = values.get(key)
        if value is None:
            rows.append((label, "skipped", target, ""))
            continue
        shown = f"{value:.1f}" if unit == "x" else f"{value:.0f}" if unit in ("", "KB") else f"{value:.2f}" if unit == "ms" else f"{value:.1f}"
        rows.append((label, f"{shown} {unit}".strip(), target, "ok" if passes(value) else "MISSED"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    line = lambda r: "  ".join(c.ljust(w) if i != 1 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    return "\n".join([line(rows[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in rows[1:]])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold build (about a minute)")
    parser.add_argument("--skip-lighthouse", action="store_true", help="skip the Lighthouse runs")
    parser.add_argument("--runs", type=int, default=3, help="rebuild and Lighthouse runs (default: 3)")
    parser.add_argument("--moves", type=int, default=40, help="scrubber moves timed (default: 40)")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    results: dict = {"when": datetime.datetime.now().isoformat(timespec="seconds"), "profile": "full",
                     "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()}}
    try:
        results["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                           text=True).stdout.strip() or None
    except OSError:
        results["commit"] = None
    values: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp = Path(tmp)
        if not args.skip_cold:
            results["cold_build"] = cold_build(tmp)
            values["cold_build_s"] = results["cold_build"]["seconds"]
            say("(a2) cold build of Part I without O15, and O15's training alone ...")
            results["cold_part1"] = training.cold_without_o15(tmp)
            values["cold_part1_s"] = results["cold_part1"]["seconds"]
            results["o15"] = training.o15_training()
            values["o15_train_s"] = results["o15"]["seconds"]
        say("(a3) batched training against a per-seed loop ...")
        results["batched"] = training.batched_vs_loop()
        values["batched_speedup"] = min(r["speedup"] for r in results["batched"].values())
        say("(a3b) what the seeds cost per step, tanh against ReLU ...")
        results["seed_cost"] = training.seed_cost()
        say("(a4) Part II: the 12 spiralNet runs into an empty cache ...")
        results["spiralnet"] = spiralnet_training.measure()
        values["spiralnet_train_s"] = results["spiralnet"]["wall_s"]
        values["spiralnet_gflops"] = results["spiralnet"]["achieved_gflops"]
        say("(h) the quick spiralNet runs: process pool, then a local 2-worker Dask cluster ...")
        results["cluster"] = cluster_training.measure()
        values["dask_ratio"] = results["cluster"]["ratio"]
        say("(a4b) where a training step goes: one spiralNet and one MNIST run, phase by phase ...")
        results["step_profile"] = step_profile.measure()
        values["step_peak_share"] = 100 * min(r["share_of_1_thread_peak"] for r in results["step_profile"]["runs"].values())
        results["flop_limit"] = flops.limit(results["spiralnet"]["peak"]["gflops_2_thread"])
        if "cold_build" in results:
            values["cold_flop_ratio"] = results["cold_build"]["seconds"] / results["flop_limit"]["limit_seconds"]
        say("(a5) Part III: the two MNIST runs ...")
        results["mnist"] = mnist_training.measure()
        values["mnist_train_s"] = results["mnist"]["parallel_wall_seconds"]
        values["mnist_gflops"] = results["mnist"]["achieved_gflops"]
        values["process_peak_share"] = 100 * min(
            [*results["spiralnet"]["per_run_share_of_1_thread_peak"].values()]
            + [results["mnist"][n]["share_of_1_thread_peak"] for n in mnist_training.RUNS])
        results["rebuild"], report = rebuilds(tmp / "site", args.runs)
        results["spiral_choice_bytes"] = spiralnet_training.choice_bytes(tmp / "site")
        if results["spiral_choice_bytes"]:
            values["spiral_choice_gzip_kb"] = max(results["spiral_choice_bytes"].values()) / 1024
        values["rebuild_s"] = results["rebuild"]["median_s"]
        say("(b2) live preview: a prose edit saved, until the reloaded page shows it ...")
        results["preview_reload"] = preview_reload.measure("full", ROOT / ".cache", args.runs)
        values["preview_reload_seconds"] = results["preview_reload"]["median_s"]
        weight = report["page_weight"]
        results["page_weight"] = weight
        values["first_view_gzip_kb"] = weight["first_view_gzip"] / 1024
        if "first_figure_gzip" in weight:
            values["first_figure_gzip_kb"] = weight["first_figure_gzip"] / 1024
        say("(g) the stills' bytes ...")
        results["stills"] = stills(tmp / "site")
        for kind in ("png", "svg"):
            values[f"stills_{kind}_total_kb"] = results["stills"][kind]["total"] / 1024
            values[f"stills_{kind}_max_kb"] = results["stills"][kind]["largest"] / 1024
        say("(f) the article printed to PDF ...")
        from generator.pdf import write_pdf
        pages, size = write_pdf(tmp / "site", RESULTS / "article.pdf")
        results["pdf"] = {"pages": pages, "bytes": size, "path": "bench-results/article.pdf"}
        values["pdf_pages"], values["pdf_mb"] = pages, size / 1024 / 1024
        server, url = serve(tmp / "site")
        try:
            animated = [fid for fid, info in report["figures"].items() if info["frames"] > 0]
            results["frame_change"] = frame_bench.frame_change(url, args.moves, animated)
            values["frame_change_ms"] = results["frame_change"]["median_ms"]
            values["frame_change_slowest_ms"] = results["frame_change"]["slowest"]["median_ms"]
            values["frame_change_slowest_p90_ms"] = results["frame_change"]["slowest_p90"]["p90_ms"]
            live = [fid for fid, info in report["figures"].items() if info["kind"] == "live-training"]
            if live:
                say("(d2) the live trainer: steps/s in its worker, frames/s and long tasks while playing ...")
                m = results["live_training"] = live_training.measure(tmp / "site", live[0])
                live_training.report(m)
                values["live_steps_per_s"], values["live_fps"] = m["steps_per_second"], m["fps"]
                values["live_longest_task_ms"] = m["longest"]  # 0: no task over 50 ms was reported
                if m["throttled_4x"]["accuracy"] >= 1:
                    values["live_throttled_s"] = m["throttled_4x"]["seconds"]
            if not args.skip_lighthouse:
                results["lighthouse"] = lighthouse(url, args.runs, RESULTS)
                values["lighthouse_performance"] = results["lighthouse"].get("performance")
                values["lighthouse_accessibility"] = results["lighthouse"].get("accessibility")
                values["lighthouse_best_practices"] = results["lighthouse"].get("best-practices")
                values["lighthouse_seo"] = results["lighthouse"].get("seo")
        finally:
            server.shutdown()
            server.server_close()
    results["values"] = values
    results["targets"] = {k: {"target": t[2], "met": None if values.get(k) is None else bool(t[3](values[k]))}
                          for k, t in TARGETS.items()}
    (RESULTS / "bench.json").write_text(json.dumps(results, indent=1, sort_keys=True))

    print(table(values))
    print()
    if "cold_build" in results:
        cold = results["cold_build"]
        print(f"cold build: {cold['seconds']:.1f} s wall ({cold['build_seconds']:.1f} s inside build()); "
              f"trained {', '.join(cold['trained']) or 'nothing'}")
        fl = results["flop_limit"]
        print(f"FLOP limit: {fl['tflop']} TFLOP of training at the measured 2-thread peak is {fl['limit_seconds']} s "
              f"(a lower bound: {len(fl['counted'])} runs; {', '.join(fl['left_out'])} left out); the cold build "
              f"took {cold['seconds'] / fl['limit_seconds']:.1f}x that")
        stages = ", ".join(f"{stage} {seconds:.0f} s" for stage, seconds in cold["stages"].items())
        tr = cold["training"]
        print(f"cold build stages: {stages}; while training, {tr.get('ahead_figures', 0)} figures drawn and "
              f"published ahead ({tr.get('ahead_seconds', 0):.0f} s); workers idle: "
              + ", ".join(f"{w} {v['idle_share']:.0%} ({v['busy_seconds']:.0f} s busy)"
                          for w, v in tr.get("workers", {}).items()))
    for name, r in results["batched"].items():
        print(f"batched {name}: {r['batched_ms_per_seed']} ms per seed batched, {r['loop_ms_per_seed']} ms in a "
              f"per-seed loop ({r['seeds']} seeds, {r['steps']} steps): {r['speedup']}x")
    for name, r in results["seed_cost"].items():
        print(f"seeds {name}: {r['ms_per_step_1_seed']} ms/step with 1 seed, {r['ms_per_step_all_seeds']} with "
              f"{r['seeds']} ({'batched' if r['batched'] else 'one by one'}): the seeds cost {r['cost_of_seeds']}x")
    sn = results["spiralnet"]
    print(f"Part II: {sn['runs']} runs in {sn['wall_s']} s wall ({sn['tflop']} TFLOP: {sn['achieved_gflops']} GFLOP/s, "
          f"{sn['share_of_2_thread_peak']:.0%} of the measured 2-thread matmul peak {sn['peak']['gflops_2_thread']} "
          f"GFLOP/s; 1 thread {sn['peak']['gflops_1_thread']}); per run: "
          + ", ".join(f"{k.removeprefix('spiralnet-')} {v}" for k, v in sn["per_run_s"].items()))
    print("Part II each process's share of the 1-thread peak: "
          + ", ".join(f"{k.removeprefix('spiralnet-')} {v:.0%}" for k, v in sn["per_run_share_of_1_thread_peak"].items()))
    steps = {k.removeprefix("spiralnet-"): v for k, v in sn["ms_per_step"].items()}
    print("Part II ms per step (all seeds): " + ", ".join(f"{k} {v}" for k, v in steps.items())
          + "; ReLU/tanh: " + ", ".join(f"K={K} {steps[f'{K}-relu'] / steps[f'{K}-tanh']:.2f}"
                                       for K in range(2, 8) if f"{K}-relu" in steps and f"{K}-tanh" in steps))
    print("Part II bytes per choice (KB gzipped): "
          + ", ".join(f"{k} {v / 1024:.0f}" for k, v in results["spiral_choice_bytes"].items()))
    cl = results["cluster"]
    print(f"Dask: the {cl['runs']} spiralNet runs of the {cl['profile']} profile ({', '.join(map(str, cl['steps']))} "
          f"steps; the full ones take ~30 min) in {cl['dask_s']} s on a local 2-worker cluster against {cl['pool_s']} s "
          f"in the process pool: {cl['ratio']}x (the runs' own seconds summed: {cl['dask_run_s']} against "
          f"{cl['pool_run_s']}; load {', '.join(map(str, cl['load_before_pool_after_pool_after_dask']))}); "
          f"back per run {cl['bytes_back_mean'] / 1024:.0f} KB on average "
          f"(largest {cl['bytes_back_max'] / 1024:.0f} KB; {cl['npz_bytes_mean'] / 1024:.0f} KB compressed in the "
          f"cache); arrays {'identical to' if cl['identical_to_pool'] else 'DIFFERENT from'} the pool's")
    mn = results["mnist"]
    print(f"Part III: both runs in {mn['parallel_wall_seconds']} s wall, {mn['achieved_gflops']} GFLOP/s together "
          f"({mn['share_of_2_thread_peak']:.0%} of the 2-thread peak); "
          + "; ".join(f"{n}: {mn[n]['seconds']} s, {mn[n]['ms_per_step']} ms/step, {mn[n]['achieved_gflops']} GFLOP/s "
                      f"({mn[n]['share_of_1_thread_peak']:.0%} of 1 thread), test {mn[n]['final_test_accuracy']:.1%}"
                      for n in mnist_training.RUNS))
    print("where a training step goes (ms per step):")
    for line in step_profile.lines(results["step_profile"]):
        print("  " + line)
    rb = results["rebuild"]
    print(f"rebuild runs ({rb['stopped_as_current']} of {len(rb['runs_s'])} found the site current): "
          f"{', '.join(f'{s:.2f}' for s in rb['runs_s'])} s wall "
          f"({', '.join(f'{s:.2f}' for s in rb['in_build_s'])} s inside build()); "
          + ("nothing trained" if rb["nothing_trained"] else f"TRAINED: {rb['trained_during_timed_runs'] or 'unknown'}")
          + (f"; warm-up trained {', '.join(rb['warmup_trained'])}" if rb["warmup_trained"] else ""))
    parts = ", ".join(f"{Path(k).name} {v / 1024:.1f}" for k, v in
                      sorted(results["page_weight"]["first_view_parts_gzip"].items(), key=lambda kv: -kv[1]))
    print(f"first view parts (KB gzipped): {parts}")
    fc = results["frame_change"]
    print(f"frame change, layer morph: median {fc['median_ms']} ms, p90 {fc['p90_ms']} ms, max {fc['max_ms']} ms over "
          f"{fc['moves']} moves of {fc['frames']} frames")
    print("\n".join(frame_bench.lines(fc)))
    lh = results.get("lighthouse")
    if lh and "skipped" not in lh:
        m = lh["metrics_ms"]
        print(f"Lighthouse {lh['version']} x{lh['runs']}: performance {lh['performance_runs']}, accessibility "
              f"{lh['accessibility_runs']}, best practices {lh['best-practices']}, SEO {lh['seo']} (medians); median FCP {m['first-contentful-paint']:.0f} ms, LCP "
              f"{m['largest-contentful-paint']:.0f} ms, TBT {m['total-blocking-time']:.0f} ms, CLS "
              f"{m['cumulative-layout-shift']}, SI {m['speed-index']:.0f} ms")
        for warning in lh["warnings"]:
            print(f"  warning: {warning}")
        if lh["failing_accessibility_audits"]:
            print("failing audits (accessibility, best practices, SEO):")
            for audit_id, audit in lh["failing_accessibility_audits"].items():
                print(f"  {audit_id} (weight {audit['weight']}): {audit['title']}")
                for node in audit["nodes"]:
                    print(f"    - {node}")
                if audit["explanation"]:
                    print("      " + audit["explanation"].replace("\n", "\n      "))
    elif lh:
        print(f"Lighthouse: {lh['skipped']}")
    st = results["stills"]
    print("stills: " + "; ".join(f"{k.upper()} {st[k]['count']} files, total {st[k]['total']:,} bytes, largest "
                                 f"{st[k]['largest']:,} ({st[k]['largest_figure']})" for k in ("png", "svg"))
          + (f"; no SVG (over 1 MB) for {', '.join(st['without_svg'])}" if st["without_svg"] else ""))
    print(f"\nwritten {RESULTS / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
