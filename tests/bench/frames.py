"""Frame change after a scrubber move, for every animated figure of a built site, in headless Chromium: the time
of `await figures[id].setFrame(i)` (Vega's dataflow run and the canvas redraw), median and p90 per figure, and the
slowest figure's. Measures and prints; never asserts.

    .venv/bin/python -m tests.bench.frames [--site site] [--moves 40] [--only ID,ID]

`make bench` (tests/bench/bench.py) calls frame_change() on the site it builds.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MORPH = "curves-layer-morph"

FRAME_TIMING = """async ([id, moves]) => {
  const deadline = performance.now() + 30000;
  while (!(window.figures && window.figures[id])) {
    if (performance.now() > deadline) throw new Error('figure ' + id + ' never became ready');
    await new Promise((r) => setTimeout(r, 20));
  }
  const fig = window.figures[id];
  const order = [];
  for (let k = 0; order.length < moves + 5; k++) {
    const i = (k * 7 + 3) % fig.frames;
    if (i !== (order.at(-1) ?? 0)) order.push(i);
  }
  const times = [];
  for (const [n, i] of order.entries()) {
    const t0 = performance.now();
    await fig.setFrame(i);
    const ms = performance.now() - t0;
    if (n >= 5) times.push(ms);  // the first moves warm the JIT up
  }
  return {frames: fig.frames, times};
}"""


def say(*args):
    print(*args, file=sys.stderr, flush=True)


def animated_figures(site: Path) -> list[str]:
    report = json.loads((site / "build-report.json").read_text())
    return [fid for fid, info in report["figures"].items() if info.get("frames", 0) > 0]


def frame_change(url: str, moves: int, animated: list[str]) -> dict:
    """Median and p90 ms per scrubber move for every figure with frames; the layer morph's (the headline of
    earlier benches) at the top level, the slowest figure's (by median, and by p90) beside it."""
    say(f"(d) frame change: {moves} scrubber moves per animated figure in headless Chromium ...")
    from playwright.sync_api import sync_playwright
    per_figure = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, wait_until="load")
        page.wait_for_function("typeof window.startAllFigures === 'function'")
        page.evaluate("window.startAllFigures().then(() => null)")
        order = ([MORPH] if MORPH in animated else []) + [f for f in animated if f != MORPH]
        for fid in order:
            page.locator(f'figure[data-figure="{fid}"]').scroll_into_view_if_needed()
            result = page.evaluate(FRAME_TIMING, [fid, moves])
            times = sorted(result["times"])
            per_figure[fid] = {"median_ms": round(statistics.median(times), 2),
                               "p90_ms": round(times[int(0.9 * (len(times) - 1))], 2),
                               "max_ms": round(times[-1], 2), "moves": len(times), "frames": result["frames"]}
        version = browser.version
        browser.close()
    slowest = max(per_figure, key=lambda f: per_figure[f]["median_ms"])
    slowest_p90 = max(per_figure, key=lambda f: per_figure[f]["p90_ms"])
    head = per_figure.get(MORPH) or per_figure[slowest]
    return head | {"figure": MORPH if MORPH in per_figure else slowest, "chromium": version, "console_errors": errors,
                   "per_figure": per_figure,
                   "slowest": {"figure": slowest, **per_figure[slowest]},
                   "slowest_p90": {"figure": slowest_p90, **per_figure[slowest_p90]}}


def lines(fc: dict) -> list[str]:
    """The printed report: the slowest figure first, then every figure, slowest first."""
    s, s90 = fc["slowest"], fc["slowest_p90"]
    out = [f"frame change, slowest figure: {s['figure']} median {s['median_ms']} ms, p90 {s['p90_ms']} ms"
           + (f"; highest p90 {s90['figure']} {s90['p90_ms']} ms" if s90["figure"] != s["figure"] else "")
           + f" (targets: median < 16 ms, p90 < 25 ms; {fc['chromium']})"]
    for fid, t in sorted(fc["per_figure"].items(), key=lambda kv: -kv[1]["median_ms"]):
        out.append(f"  {fid}: median {t['median_ms']} ms, p90 {t['p90_ms']} ms, max {t['max_ms']} ms "
                   f"({t['moves']} moves of {t['frames']} frames)")
    if fc["console_errors"]:
        out.append(f"  console errors: {fc['console_errors']}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.frames", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="a built site (default: site/)")
    parser.add_argument("--moves", type=int, default=40, help="scrubber moves timed per figure (default: 40)")
    parser.add_argument("--only", default="", help="comma-separated figure ids (default: every animated figure)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    from generator.serve import make_server
    animated = animated_figures(args.site)
    if args.only:
        wanted = args.only.split(",")
        animated = [f for f in animated if f in wanted]
    server = make_server(args.site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fc = frame_change(f"http://127.0.0.1:{server.server_address[1]}/", args.moves, animated)
    finally:
        server.shutdown()
        server.server_close()
    print("\n".join(lines(fc)))
    if args.json:
        args.json.write_text(json.dumps(fc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
