"""The live trainer (figure kind live-training) in the built quick site, as a reader uses it: scrolled to, it loads
(never before: the first view does not fetch it), trains when play is pressed (the loss falls, the share of points
classed right rises), works from the keyboard, says its state politely, keeps its settings in the address fragment
(read back on load, written as they change, carried into the embed snippet), and draws in dark mode."""
from __future__ import annotations

import re

import pytest

from ..conftest import watched_page

pytestmark = pytest.mark.browser

FIGURE = "spirals-live"
SEL = f"#fig-{FIGURE}"
LIVE = f"(window.liveFigures && window.liveFigures['{FIGURE}'])"


def live_figures(report) -> list[str]:
    return [fid for fid, fig in report["figures"].items() if fig["kind"] == "live-training"]


def opened(browser, site_url, fragment="", **context):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, **context)
    page = watched_page(ctx)
    page.goto(site_url + fragment, wait_until="load")
    return ctx, page


def mounted(page):
    page.locator(SEL).scroll_into_view_if_needed()
    page.wait_for_function(f"{LIVE} && {LIVE}.last", timeout=20_000)


def state(page) -> dict:
    return page.evaluate(f"(() => {{ const l = {LIVE}; return {{step: l.last.step, accuracy: l.last.accuracy, "
                         f"curve: l.curve.map((c) => c[1]), playing: !!l.playing, settings: l.settings}}; }})()")


def test_the_article_places_live_figures(built_site):
    assert FIGURE in live_figures(built_site[1])
    assert len(live_figures(built_site[1])) >= 2


def test_not_loaded_before_it_nears_the_screen(browser, site_url):
    ctx, page = opened(browser, site_url)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.wait_for_timeout(1500)
    assert not any(re.search(r"/assets/live(-worker)?\.", url) for url in fetched), fetched
    assert page.evaluate("!window.liveFigures")
    mounted(page)
    assert page.evaluate("performance.getEntriesByType('resource').some((e) => /assets\\/live-worker\\./.test(e.name))")
    assert page.problems == []
    ctx.close()


def test_play_trains(browser, site_url):
    ctx, page = opened(browser, site_url)
    mounted(page)
    start = state(page)
    assert start["step"] == 0
    page.click(f"{SEL} .live-play")
    page.wait_for_function(f"{LIVE}.last.step >= 1500", timeout=30_000)
    page.click(f"{SEL} .live-play")  # pause
    try:
        page.wait_for_function(f"!{LIVE}.playing && {LIVE}.last.playing === false", timeout=10_000)
    except Exception:
        raise AssertionError(page.evaluate(f"[{LIVE}.playing, {LIVE}.last.playing, {LIVE}.last.step, "
                                           f"document.querySelector('{SEL} .live-play').textContent]"))
    end = state(page)
    losses = [v for v in end["curve"] if v is not None]
    assert losses[-1] < 0.5 * losses[0], f"loss {losses[0]:.4f} -> {losses[-1]:.4f}"
    assert end["accuracy"] > start["accuracy"], f"accuracy {start['accuracy']:.3f} -> {end['accuracy']:.3f}"
    # the three panels drew something coloured, and the morph slider shows when paused (every layer has 2 units)
    for canvas in ("live-input", "live-hidden-view", "live-curves"):
        colours = page.evaluate(f"""(() => {{ const c = document.querySelector('{SEL} .{canvas}');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();
          for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
          return seen.size; }})()""")
        assert colours >= 3, f"{canvas} looks blank ({colours} colours)"
    assert page.is_visible(f"{SEL} .live-morph-t")
    # the polite status speaks the step, loss and accuracy once paused
    status = page.inner_text(f"{SEL} .live-status")
    assert re.search(r"Step [\d,]+, loss (\d\.\d{3}|\d\.\de-\d+), accuracy [\d.]+%, paused", status), status
    assert page.get_attribute(f"{SEL} .live-status", "aria-live") == "polite"
    assert page.problems == []
    ctx.close()


def test_keyboard(browser, site_url):
    ctx, page = opened(browser, site_url)
    mounted(page)
    page.focus(f"{SEL} .live-step")
    page.keyboard.press("Enter")
    page.wait_for_function(f"{LIVE}.last.step === 1", timeout=5_000)
    page.keyboard.press("Shift+Tab")  # back to play
    assert page.evaluate("document.activeElement.classList.contains('live-play')")
    page.keyboard.press("Space")
    page.wait_for_function(f"{LIVE}.last.step > 50", timeout=10_000)
    assert page.get_attribute(f"{SEL} .live-play", "aria-pressed") == "true"
    page.keyboard.press("Space")
    page.wait_for_function(f"!{LIVE}.playing", timeout=5_000)
    assert page.get_attribute(f"{SEL} .live-play", "aria-pressed") == "false"
    # a setting changed from the keyboard resets the run and lands in the address
    page.focus(f"{SEL} .live-act")
    page.keyboard.press("ArrowDown")  # tanh -> ReLU
    page.wait_for_function(f"{LIVE}.settings.activation === 'relu' && {LIVE}.last.step === 0", timeout=5_000)
    assert "act=relu" in page.evaluate("decodeURIComponent(location.hash)")
    assert page.problems == []
    ctx.close()


def test_fragment_round_trip(browser, site_url):
    fragment = f"#{FIGURE}:data=annulus-2;hidden=3-2;act=sigmoid;lr=0.03;seed=7"
    ctx, page = opened(browser, site_url, fragment)
    mounted(page)
    s = state(page)["settings"]
    assert s == {"data": "annulus-2", "hidden": [3, 2], "activation": "sigmoid", "learning_rate": 0.03, "seed": 7}
    assert page.input_value(f"{SEL} .live-hidden") == "3-2"
    assert page.input_value(f"{SEL} .live-data") == "annulus-2"
    assert page.input_value(f"{SEL} .live-seed") == "7"
    # the second layer is the only 2-unit one: drawn
    assert page.input_value(f"{SEL} .live-layer") == "2"
    # changed, the address follows without a new history entry; and the embed snippet carries it
    length = page.evaluate("history.length")
    page.fill(f"{SEL} .live-seed", "11")
    page.dispatch_event(f"{SEL} .live-seed", "change")
    expected = f"#{FIGURE}:data=annulus-2;hidden=3-2;act=sigmoid;lr=0.03;seed=11"
    page.wait_for_function("(h) => decodeURIComponent(location.hash) === h", arg=expected, timeout=5_000)
    assert page.evaluate("history.length") == length
    page.click(f'details.fig-embed[data-embed="{FIGURE}"] summary')
    page.wait_for_function(f"""(h) => [...document.querySelectorAll('details.fig-embed[data-embed="{FIGURE}"] code')]
        .some((c) => c.textContent.includes('/{FIGURE}/' + h + '"'))""", arg=expected,
                           timeout=10_000)
    # the address read back on a fresh load gives the same settings
    ctx2, page2 = opened(browser, site_url, expected)
    mounted(page2)
    assert state(page2)["settings"]["seed"] == 11
    # a bad fragment falls back to the defaults, with no error
    ctx3, page3 = opened(browser, site_url, f"#{FIGURE}:hidden=9-9;act=swish;seed=x")
    mounted(page3)
    s3 = state(page3)["settings"]
    assert s3["activation"] == "tanh" and s3["hidden"] == [2, 2, 2, 2]
    for c, p in ((ctx, page), (ctx2, page2), (ctx3, page3)):
        assert p.problems == []
        c.close()


def test_phone_and_dark(browser, site_url):
    """At 375 px nothing of the trainer is wider than the screen; in dark mode its text keeps its colour."""
    ctx, page = opened(browser, site_url, color_scheme="dark")
    page.set_viewport_size({"width": 375, "height": 800})
    mounted(page)
    wide = page.evaluate(f"""[...document.querySelectorAll('{SEL} .live-mount *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => e.className || e.tagName)""")
    assert wide == []
    ink = page.evaluate(f"getComputedStyle(document.querySelector('{SEL} .live-state')).color")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert ink != background
    # the curves panel's background is the dark page's, not white
    corner = page.evaluate(f"""(() => {{ const c = document.querySelector('{SEL} .live-curves');
        return [...c.getContext('2d').getImageData(2, 2, 1, 1).data].slice(0, 3); }})()""")
    assert sum(corner) < 150, corner
    assert page.problems == []
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_the_trainer(browser, site_url, scheme):
    """axe-core on the mounted trainer, paused after training (the morph slider shown), in both themes."""
    from .test_accessibility import AXE, TAGS
    if not AXE.is_file():
        pytest.fail(f"{AXE} not found: run `make axe` (npm ci in tests/axe)")
    ctx, page = opened(browser, site_url, color_scheme=scheme)
    mounted(page)
    page.click(f"{SEL} .live-step")
    page.wait_for_function(f"{LIVE}.last.step === 1 && !{LIVE}.el.morph.hidden", timeout=10_000)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""([sel, tags]) => axe.run(document.querySelector(sel + ' .live-mount'),
        {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
        .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))""",
                          [SEL, TAGS])
    assert found == []
    assert page.problems == []
    ctx.close()
