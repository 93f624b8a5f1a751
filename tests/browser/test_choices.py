"""Sweep figures on a phone: tapping K or the activation loads that choice's files (and only those) and
changes the drawing; the scrubber still works after switching."""
from __future__ import annotations

import pytest

from .figure_checks import CANVAS_STATS, assert_draws, wait_ready

pytestmark = pytest.mark.browser


def sweep_figures(built_site, kind):
    _, report = built_site
    found = [fid for fid, info in report["figures"].items() if info["kind"] == kind]
    assert found, f"the article has no {kind} figure"
    return found


def open_figure(page, site_url, fid):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{site_url}figures/{fid}/", wait_until="load")
    wait_ready(page, [fid], page.problems)
    page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", fid)
    return requested


def drawing(page, fid):
    return page.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS)


def tap_option(page, fid, value):
    """Tap the radio button of a bound input whose label reads `value`, as a reader would."""
    radio = page.locator(f'figure[data-figure="{fid}"] .fig-bind input[type=radio][value="{value}"]').first
    radio.scroll_into_view_if_needed()
    radio.tap()


def settle(page, fid, wanted):
    page.wait_for_function("""([id, wanted]) => {
        const v = window.figures[id].view; return Object.entries(wanted).every(([k, x]) => String(v.signal(k)) === x); }""",
                           arg=[fid, wanted], timeout=5_000)
    page.wait_for_timeout(600)  # the new files load, then the view redraws
    page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", fid)


def test_switching_k_on_a_phone_loads_that_k_and_redraws(phone, site_url, built_site):
    for fid in sweep_figures(built_site, "spiral-training"):
        requested = open_figure(phone, site_url, fid)
        assert not [u for u in requested if "-7-tanh" in u or "-7-relu" in u], "K = 7 loaded before it was picked"
        before = drawing(phone, fid)
        tap_option(phone, fid, "7")
        settle(phone, fid, {"K": "7"})
        loaded = [u for u in requested if "-7-" in u]
        assert any("frames-7-tanh" in u for u in loaded) and any("points-7-relu" in u for u in loaded), loaded
        after = drawing(phone, fid)
        assert_draws(after, f"{fid} at K = 7")
        assert after["hash"] != before["hash"], "picking K = 7 did not change the drawing"
        # the scrubber still moves the new choice's points
        phone.evaluate("(id) => window.figures[id].setFrame(0).then(() => null)", fid)
        phone.wait_for_timeout(300)
        first = drawing(phone, fid)
        assert first["hash"] != after["hash"], "scrubbing after switching K did not change the drawing"
        assert phone.problems == []


def test_switching_the_activation_loads_its_files_and_redraws(phone, site_url, built_site):
    for fid in sweep_figures(built_site, "spiral-directions"):
        requested = open_figure(phone, site_url, fid)
        act = phone.evaluate("(id) => window.figures[id].view.signal('act')", fid)
        other = "relu" if act == "tanh" else "tanh"
        k = phone.evaluate("(id) => window.figures[id].view.signal('K')", fid)
        before = drawing(phone, fid)
        tap_option(phone, fid, other)
        settle(phone, fid, {"act": other})
        assert any(f"hist-{k}-{other}" in u for u in requested), requested
        after = drawing(phone, fid)
        assert_draws(after, f"{fid} with {other}")
        assert after["hash"] != before["hash"], "switching the activation did not change the drawing"
        assert phone.problems == []
