"""Shared fixtures: the real content built once under the quick profile (sharing .cache with `make site`),
served on 127.0.0.1, and Debian's Chromium driven by Playwright. A missing browser fails, never skips.

The quick site is one folder (.site-test/) for every pytest-xdist worker: the first worker starts its build in
the background as soon as it has collected, the tests that need it run last, and each worker's fixture waits for
that build and finds the site current (generator/stamp.py) instead of building it again."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
QUICK_SITE = ROOT / ".site-test"
SITE_FIXTURES = {"built_site", "site_url"}
_background: list[subprocess.Popen] = []


def needs_site(item) -> bool:
    return bool(SITE_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Tests that need the quick site after the rest (a stable sort: every worker collects the same order), and
    the site's build started at once, in the first worker only, while the others run."""
    items.sort(key=needs_site)
    if any(map(needs_site, items)) and os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0":
        log = open(ROOT / ".site-test.log", "w")  # noqa: SIM115 - the build writes it until it ends
        _background.append(subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--profile", "quick", "--jobs", "2", "--wait", "1800",
             "--out", str(QUICK_SITE), "--cache", str(ROOT / ".cache")],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))


def pytest_sessionfinish(session):  # (pytest's hook: the end of the test run)
    for build in _background:  # every site test has waited for it; a run cut short ends it (the site and
        if build.poll() is None:  # the cache stay whole: generator/site.py swaps a finished folder in)
            build.terminate()
            build.wait(60)


@pytest.fixture(scope="session")
def built_site():
    """(site folder, build report) of the real content under the quick profile."""
    from generator.build import build
    report = build(ROOT / "content", QUICK_SITE, jobs=2, profile="quick", cache_dir=ROOT / ".cache",
                   log=lambda *a: None, wait=1800)  # the background build, or make site, may hold the cache
    return QUICK_SITE, report


@pytest.fixture(scope="session")
def site_url(built_site):
    from generator.serve import make_server
    server = make_server(built_site[0])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield launched
        launched.close()


def watched_page(context):
    """A new page of the context that records console errors and page errors in page.problems."""
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(m.text))
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    return pg


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield watched_page(context)
    context.close()


@pytest.fixture
def phone(browser):
    """A phone-sized touch page (375 px wide, as the article must read on a phone)."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    yield watched_page(context)
    context.close()
