"""How the page loads, themes and prints, in headless Chromium: the first view fetches no Vega runtime and no
figure (they come when a figure nears the viewport); dark mode follows the system and the toggle (which
remembers the choice), for the page and for the figures; print media shows every figure's still and hides
every control."""
from __future__ import annotations

import re

import pytest

from .figure_checks import CANVAS_STATS, READY_MS, assert_draws, wait_ready

pytestmark = pytest.mark.browser

# what only a figure needs: Vega's runtime, a figure's compiled spec, its data, its stills
FIGURE_ONLY = re.compile(r"/assets/vega\.[0-9a-f]+\.js|/specs/|/data/|/still\.(png|svg)")
FIRST = "document.querySelector('figure.fig[data-figure]').dataset.figure"
# the colour of a figure's canvas one pixel in from its top-left corner (the view's background there)
CORNER = """(el) => { const c = el.querySelector('.fig-view canvas');
  return [...c.getContext('2d').getImageData(1, 1, 1, 1).data].slice(0, 3); }"""
BODY_BG = "getComputedStyle(document.body).backgroundColor"


def rgb(css: str) -> tuple[int, ...]:
    """rgb(...) as getComputedStyle writes it, #rgb / #rrggbb and white or black as a Vega spec may."""
    css = {"white": "#ffffff", "black": "#000000"}.get(css.strip().lower(), css.strip())
    if css.startswith("#"):
        digits = css[1:] if len(css) == 7 else "".join(c * 2 for c in css[1:4])
        return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return tuple(int(v) for v in re.findall(r"\d+", css)[:3])


def dark(colour) -> bool:
    colour = rgb(colour) if isinstance(colour, str) else tuple(colour)
    return sum(colour) < 3 * 70


def light(colour) -> bool:
    colour = rgb(colour) if isinstance(colour, str) else tuple(colour)
    return sum(colour) > 3 * 220


def view_background(page, fid):
    """The background the figure's current view draws (a CSS colour), and its canvas corner."""
    page.wait_for_function("(id) => window.figures[id] && window.figures[id].theme === "
                           "(document.documentElement.dataset.theme || (matchMedia('(prefers-color-scheme: dark)')"
                           ".matches ? 'dark' : 'light'))", arg=fid, timeout=READY_MS)
    page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", fid)
    background = page.evaluate("(id) => window.figures[id].view.background()", fid)
    corner = page.locator(f'figure[data-figure="{fid}"]').evaluate(CORNER)
    return background, corner


def start_first(page):
    fid = page.evaluate(FIRST)
    page.locator(f'figure[data-figure="{fid}"]').scroll_into_view_if_needed()
    wait_ready(page, [fid], page.problems)
    return fid


def test_the_first_view_holds_no_vega_spec_or_data(built_site):
    """What the first view fetches: the page, its style, the player and the icon, never Vega, a spec or data. Its
    weight against the 60 KB target is a figure `make bench` prints, not an assertion here."""
    _, report = built_site
    weight = report["page_weight"]
    assert set(weight["first_view_parts_gzip"]) >= {"index.html"}
    assert weight["first_view_gzip"] == sum(weight["first_view_parts_gzip"].values())
    assert not any("vega" in name or name.startswith(("specs/", "data/")) for name in weight["first_view_parts_gzip"])


@pytest.mark.parametrize("viewport", [(1280, 800), (375, 812)], ids=["desktop", "phone"])
def test_the_first_view_fetches_no_vega_until_a_figure_nears(browser, site_url, viewport):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url, wait_until="load")
    page.wait_for_function("typeof window.startAllFigures === 'function'")
    page.wait_for_timeout(500)
    # the premise: the first figure is out of the player's reach (300 px beyond the viewport) at first
    top = page.evaluate("document.querySelector('figure.fig[data-figure]').getBoundingClientRect().top")
    assert top > viewport[1] + 300, f"the first figure is within 300 px of the first view (top {top})"
    early = [url for url in requests if FIGURE_ONLY.search(url)]
    assert early == [], f"fetched before any figure was near: {early}"
    assert page.evaluate("typeof window.vega") == "undefined"
    # a reader scrolls to the first figure: the runtime comes, once, and the figure starts and draws
    fid = page.evaluate(FIRST)
    page.locator(f'figure[data-figure="{fid}"]').scroll_into_view_if_needed()
    page.wait_for_function("(id) => window.figures && window.figures[id]", arg=fid, timeout=READY_MS)
    runtime = [url for url in requests if "/assets/vega." in url]
    assert len(runtime) == 1, runtime
    assert_draws(page.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS), fid)
    assert not any("/still.png" in url for url in requests), "a print still was fetched on screen"
    # the running figure keeps its description (Vega would name it after the spec)
    label = page.locator(f'figure[data-figure="{fid}"] .fig-view').get_attribute("aria-label")
    assert label and label != "Vega visualization", label
    context.close()


def test_dark_mode_follows_the_system_for_page_and_figures(page, site_url):
    page.emulate_media(color_scheme="dark")
    page.goto(site_url, wait_until="load")
    assert dark(page.evaluate(BODY_BG)), page.evaluate(BODY_BG)
    assert page.locator(".masthead .theme-toggle").get_attribute("aria-pressed") == "true"
    fid = start_first(page)
    background, corner = view_background(page, fid)
    assert dark(background) and dark(corner), (background, corner)
    assert_draws(page.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS), f"dark {fid}")
    # the system turns light: page and running figure follow, without a reload
    page.emulate_media(color_scheme="light")
    assert light(page.evaluate(BODY_BG)), page.evaluate(BODY_BG)
    background, corner = view_background(page, fid)
    assert light(background) and light(corner), (background, corner)
    assert page.problems == []


def test_the_toggle_flips_the_theme_keeps_figure_state_and_remembers(page, site_url, built_site):
    _, report = built_site
    page.emulate_media(color_scheme="light")
    page.goto(site_url, wait_until="load")
    toggle = page.locator(".masthead .theme-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    assert light(page.evaluate(BODY_BG))
    moving = next(fid for fid, info in report["figures"].items() if info["frames"] > 2)
    page.locator(f'figure[data-figure="{moving}"]').scroll_into_view_if_needed()
    wait_ready(page, [moving], page.problems)
    page.evaluate("(id) => window.figures[id].setFrame(2).then(() => null)", moving)
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert dark(page.evaluate(BODY_BG))
    background, corner = view_background(page, moving)
    assert dark(background) and dark(corner), (background, corner)
    # the re-drawn figure is where the reader left it, and still draws its data
    assert page.evaluate("(id) => window.figures[id].view.signal('frame')", moving) == 2
    assert_draws(page.locator(f'figure[data-figure="{moving}"]').evaluate(CANVAS_STATS), f"toggled {moving}")
    assert page.locator(f'figure[data-figure="{moving}"] .fig-view canvas').count() == 1
    # remembered: a reload opens dark, already at DOMContentLoaded (the head script, before first paint)
    page.reload(wait_until="domcontentloaded")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert dark(page.evaluate(BODY_BG))
    page.wait_for_load_state("load")
    assert page.locator(".masthead .theme-toggle").get_attribute("aria-pressed") == "true"
    # the choice outranks the system's preference, both ways
    page.emulate_media(color_scheme="dark")
    page.locator(".masthead .theme-toggle").click()
    assert light(page.evaluate(BODY_BG))
    page.reload(wait_until="load")
    assert page.evaluate("localStorage.getItem('theme')") == "light" and light(page.evaluate(BODY_BG))
    assert page.problems == []


def test_figure_pages_have_the_toggle_too(page, site_url, built_site):
    _, report = built_site
    fid = next(iter(report["figures"]))
    page.emulate_media(color_scheme="light")
    page.goto(f"{site_url}figures/{fid}/", wait_until="load")
    wait_ready(page, [fid], page.problems)
    toggle = page.locator(".theme-toggle")
    assert toggle.count() == 1 and toggle.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true" and dark(page.evaluate(BODY_BG))
    background, corner = view_background(page, fid)
    assert dark(background) and dark(corner), (background, corner)
    assert page.problems == []


def test_print_shows_every_still_and_no_controls(page, site_url, built_site):
    _, report = built_site
    page.goto(site_url, wait_until="load")
    page.wait_for_function("typeof window.startAllFigures === 'function'")
    # one figure started on screen, the others never scrolled to: all must print as stills
    start_first(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [...document.querySelectorAll(
        '.fig-controls, .fig-embed, .toc, .theme-toggle, button, .fig-view, .skip')]
        .filter((el) => el.getClientRects().length > 0).map((el) => el.tagName + '.' + el.className)""")
    assert hidden == [], f"shown in print: {hidden[:10]}"
    page.wait_for_function("""() => [...document.querySelectorAll('img.fig-still')]
        .every((img) => img.complete && img.naturalWidth > 0)""", timeout=READY_MS)
    stills = page.evaluate("""() => [...document.querySelectorAll('figure.fig')].map((fig) => {
        const img = fig.querySelector('img.fig-still'); const box = img.getBoundingClientRect();
        return {id: fig.dataset.figure, natural: img.naturalWidth, width: box.width, height: box.height,
                declared: [img.getAttribute('width'), img.getAttribute('height')], alt: img.getAttribute('alt')}; })""")
    assert sorted(s["id"] for s in stills) == sorted(report["figures"])
    for still in stills:
        assert still["natural"] > 0 and still["width"] > 150 and still["height"] > 150, still
        assert all(still["declared"]) and still["alt"] == "", still
    # references print their addresses
    after = page.evaluate("""() => { const a = document.querySelector('main a[href^="http"]');
        return [a.getAttribute('href'), getComputedStyle(a, '::after').content]; }""")
    assert after[0] in after[1], after
    assert page.problems == []
