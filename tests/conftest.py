"""Shared fixtures: the real content built once under the quick profile (sharing .cache with `make site`),
served on 127.0.0.1, and Debian's Chromium driven by Playwright. A missing browser fails, never skips."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """(site folder, build report) of the real content under the quick profile."""
    from generator.build import build
    out = tmp_path_factory.mktemp("built") / "site"
    report = build(ROOT / "content", out, jobs=2, profile="quick", cache_dir=ROOT / ".cache", log=lambda *a: None,
                   wait=1800)  # a build beside the tests (make site) may hold the shared cache
    return out, report


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
