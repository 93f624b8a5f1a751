"""Lighthouse alone against the built site: each run's scores and metrics, then the main-thread diagnostics.

    .venv/bin/python -m tests.bench.lh_only [--runs 3] [--site site] [--out folder] [--page index.html]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from .bench import BENCH, CHROME_FLAGS, CHROMIUM, LIGHTHOUSE, ROOT, serve

METRICS = {"total-blocking-time": "TBT", "largest-contentful-paint": "LCP", "first-contentful-paint": "FCP",
           "speed-index": "SI", "cumulative-layout-shift": "CLS"}


def run(url: str, path: Path) -> dict:
    env = os.environ | {"CHROME_PATH": CHROMIUM}
    subprocess.run([str(LIGHTHOUSE), url, f"--chrome-flags={CHROME_FLAGS}",
                    "--only-categories=performance,accessibility,best-practices,seo", "--output=json",
                    f"--output-path={path}", "--quiet"], cwd=BENCH, env=env, check=True, capture_output=True)
    return json.loads(path.read_text())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.lh_only")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--out", default=None, help="keep the JSON reports here")
    parser.add_argument("--page", default="index.html")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="lh-"))
    out.mkdir(parents=True, exist_ok=True)
    server, url = serve(Path(args.site))
    try:
        reports = []
        for i in range(args.runs):
            r = run(url + args.page, out / f"lighthouse-{i + 1}.json")
            reports.append(r)
            cats = {c: round(r["categories"][c]["score"] * 100) for c in
                    ("performance", "accessibility", "best-practices", "seo")}
            metrics = " ".join(f"{short} {r['audits'][a]['numericValue']:.0f}" if short != "CLS" else
                               f"CLS {r['audits'][a]['numericValue']:.3f}" for a, short in METRICS.items())
            print(f"run {i + 1}: perf {cats['performance']} a11y {cats['accessibility']} "
                  f"bp {cats['best-practices']} seo {cats['seo']} | {metrics}", flush=True)
        perf = sorted(r["categories"]["performance"]["score"] * 100 for r in reports)
        print(f"median performance {perf[len(perf) // 2]:.0f}  (reports in {out})")
        last = reports[-1]["audits"]
        for audit in ("mainthread-work-breakdown", "bootup-time"):
            items = (last[audit].get("details") or {}).get("items") or []
            print(f"{audit}: {last[audit].get('displayValue', '')}")
            for it in items[:8]:
                print("   ", {k: (round(v) if isinstance(v, float) else v) for k, v in it.items()})
        items = (last["long-tasks"].get("details") or {}).get("items") or []
        print("long-tasks:", [(it.get("url", "")[-40:], round(it["startTime"]), round(it["duration"])) for it in items])
        print("dom-size:", last["dom-size"].get("displayValue", ""))
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
