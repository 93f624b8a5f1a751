"""Live preview: seconds from saving a prose edit to the reloaded page showing it (Chromium), median of `runs` saves.

    .venv/bin/python -m tests.bench.preview_reload [--profile full] [--cache .cache] [--runs 5]

The real content is copied to a scratch folder (content/ is never edited) and previewed into a temporary folder
with the given cache; with a warm cache nothing trains. Each save appends a sentence to the first section."""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tests.conftest import CHROMIUM, ROOT
from tests.test_preview import running_preview, wait_for_new_page


def measure(profile: str = "full", cache: Path = ROOT / ".cache", runs: int = 5) -> dict:
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
        tmp = Path(tmp)
        content = Path(shutil.copytree(ROOT / "content", tmp / "content"))
        section = sorted(content.glob("[0-9]*.md"))[0]
        original = section.read_text()
        with running_preview(content, tmp / "site", cache, profile) as (url, _), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(url)
            page.wait_for_load_state("load")
            seconds = []
            for i in range(runs):
                sentence = f"Preview reload sentence {i}."
                page.evaluate("window.__oldPage = true")
                section.write_text(original + f"\n{sentence}\n")
                seconds.append(wait_for_new_page(page, f"document.body.innerText.includes({json.dumps(sentence)})"))
                time.sleep(0.5)  # the reloaded page settles (figures start) before the next save
            browser.close()
    return {"median_s": round(statistics.median(seconds), 3), "runs_s": [round(s, 3) for s in seconds],
            "profile": profile}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.preview_reload", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=("full", "quick"), default="full")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    result = measure(args.profile, args.cache, args.runs)
    print(f"preview: save -> reloaded page {result['median_s']:.2f} s median "
          f"({', '.join(f'{s:.2f}' for s in result['runs_s'])}; profile {result['profile']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
