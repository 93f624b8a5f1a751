"""The Nu HTML checker (vnu.jar from npm, tests/vnu; run by Debian's Java) on the built article and every
standalone figure page: zero errors. Warnings are allowed, and printed. A missing Java or vnu.jar fails, never
skips: `make checker` (a step of `make test`) installs both."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "tests" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def where(message: dict, site: Path) -> str:
    url = message.get("url", "").removeprefix("file:")
    try:
        url = str(Path(url).relative_to(site))
    except ValueError:
        pass
    line = message.get("lastLine", "?")
    return f"{url}:{line}: {message.get('message', '')} [{message.get('extract', '').strip()[:120]}]"


def test_article_and_figure_pages_have_no_html_errors(built_site):
    site, report = built_site
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java not found: run `make checker` (apt-get install default-jre-headless)")
    if not VNU.is_file():
        pytest.fail(f"{VNU.relative_to(ROOT)} not found: run `make checker` (npm ci in tests/vnu)")
    pages = [site / "index.html"] + sorted(site.glob("figures/*/index.html"))
    assert len(pages) == 1 + len(report["figures"]), "a figure page is missing"
    run = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, pages)],
                         capture_output=True, text=True, timeout=900)
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (json.JSONDecodeError, KeyError) as err:
        raise AssertionError(f"vnu said something that is not its JSON report: {run.stdout} {run.stderr}") from err
    errors = [m for m in messages if m.get("type") != "info"]  # "error", and "non-document-error" (unreadable)
    warnings = [m for m in messages if m.get("type") == "info" and m.get("subType") == "warning"]
    for message in warnings:
        print("vnu warning:", where(message, site))
    print(f"vnu: {len(pages)} pages, {len(errors)} errors, {len(warnings)} warnings")
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(where(m, site) for m in errors[:40])
