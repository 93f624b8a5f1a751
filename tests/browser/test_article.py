"""The article in headless Chromium: it loads cleanly, every figure starts and draws, figures start lazily
as the reader scrolls, the embed snippet works from another origin, and the page fits a phone."""
from __future__ import annotations

import http.server
import functools
import threading
import time

import pytest

from .figure_checks import CANVAS_STATS, READY_MS, assert_draws, wait_ready

pytestmark = pytest.mark.browser


def open_article(page, site_url, start_all=True):
    page.goto(site_url, wait_until="load")
    page.wait_for_function("typeof window.startAllFigures === 'function'")
    if start_all:
        page.evaluate("window.startAllFigures().then(() => null)")


def test_article_loads_without_console_errors(page, site_url, built_site):
    _, report = built_site
    response = page.goto(site_url, wait_until="load")
    assert response.status == 200
    assert page.title() == "How Neural Networks Bend Space"
    page.wait_for_function("typeof window.startAllFigures === 'function'")
    page.evaluate("window.startAllFigures().then(() => null)")
    wait_ready(page, report["figures"], page.problems)
    page.wait_for_timeout(200)  # let late errors (image loads, deferred renders) surface
    assert page.problems == []
    assert page.locator(".fig-error").count() == 0
    assert page.locator("figure.fig.has-error").count() == 0
    # the page holds exactly the figures the build report lists, each once
    on_page = page.eval_on_selector_all("figure.fig[data-figure]", "(els) => els.map((e) => e.dataset.figure)")
    assert sorted(on_page) == sorted(report["figures"])


def test_every_figure_becomes_ready_and_draws(page, site_url, built_site):
    _, report = built_site
    open_article(page, site_url)
    wait_ready(page, report["figures"], page.problems)
    for fid, info in report["figures"].items():
        fig = page.locator(f'figure.fig[data-figure="{fid}"]')
        assert "is-live" in fig.get_attribute("class"), fid
        assert_draws(fig.evaluate(CANVAS_STATS), fid)
        # the player's record agrees with the page and the build report
        entry = page.evaluate("(id) => { const f = window.figures[id]; return {id: f.id, frames: f.frames, "
                              "hasView: typeof f.view.signal === 'function'}; }", fid)
        assert entry == {"id": fid, "frames": info["frames"], "hasView": True}
        # the Vega view itself exports a non-blank picture: decode view.toImageURL('png') and look at it
        exported = page.evaluate("""async (id) => {
            const url = await window.figures[id].view.toImageURL('png');
            const img = new Image(); img.src = url; await img.decode();
            const holder = document.createElement('div');
            holder.innerHTML = '<div class="fig-view"><canvas></canvas></div>';
            const c = holder.querySelector('canvas');
            c.width = img.naturalWidth; c.height = img.naturalHeight; c.getContext('2d').drawImage(img, 0, 0);
            document.body.appendChild(holder);
            try { return (%s)(holder); } finally { holder.remove(); } }""" % CANVAS_STATS, fid)
        assert_draws(exported, f"{fid} view.toImageURL")
        # the play button exists exactly when the figure has frames
        assert fig.locator("button.play").count() == (1 if info["frames"] else 0), fid


def test_figures_start_lazily_when_scrolled_into_view(page, site_url):
    page.goto(site_url, wait_until="load")
    page.wait_for_function("typeof window.startAllFigures === 'function'")
    page.evaluate("""() => { window.readyEvents = [];
        document.addEventListener('figure-ready', (e) => window.readyEvents.push(
            [e.detail.id, e.target.dataset.figure])); }""")
    last = page.eval_on_selector_all("figure.fig[data-figure]", "(els) => els.at(-1).dataset.figure")
    page.wait_for_timeout(300)
    assert page.evaluate("(id) => !(window.figures || {})[id]", last), "the last figure started before it was near"
    # the page's own scrollIntoView, as a link or a reader's scrolling gets there: below the wide layout the last
    # section is skipped (style.css's content-visibility) and is taller than its stand-in height, and Playwright's
    # scroll_into_view_if_needed (a protocol call) lands inside it without making it relevant, so it stays skipped
    page.evaluate("(id) => document.querySelector(`figure.fig[data-figure='${id}']`).scrollIntoView()", last)
    page.wait_for_function("(id) => window.figures && window.figures[id]", arg=last, timeout=READY_MS)
    page.wait_for_function("(id) => window.readyEvents.some((e) => e[0] === id)", arg=last, timeout=2_000)
    events = page.evaluate("window.readyEvents")
    assert [last, last] in events  # the event bubbles from the figure element and names it
    assert_draws(page.locator(f'figure.fig[data-figure="{last}"]').evaluate(CANVAS_STATS), last)
    assert page.problems == []


@pytest.fixture
def embed_host(tmp_path):
    """A second server, on another port (so another origin), for a page of our own."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_embed_snippet_works_in_a_page_on_another_origin(page, site_url, embed_host, built_site):
    _, report = built_site
    folder, host_url = embed_host
    fid = "curves-layer-morph" if "curves-layer-morph" in report["figures"] else next(iter(report["figures"]))
    page.goto(site_url, wait_until="load")
    # the embed panel follows its figure (a figcaption must be the figure's last child); opened, it shows the snippet
    panel = page.locator(f'figure[data-figure="{fid}"] + details.fig-embed[data-embed="{fid}"]')
    panel.locator("summary").click()
    snippet = panel.locator("pre code").text_content()
    # and links to the figure's data files, named as the figure names them
    page.wait_for_function("(id) => document.querySelectorAll(`details[data-embed='${id}'] a[href*='data/']`).length > 0",
                           arg=fid)
    assert snippet.startswith("<iframe") and f"figures/{fid}/" in snippet
    # pasted as is, with no editing: the snippet names the site's real address
    assert f'src="{site_url}figures/{fid}/"' in snippet, snippet
    (folder / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        f"<title>Someone else's page</title></head><body><h1>A blog post</h1><p>Here is a figure:</p>{snippet}"
        "</body></html>")
    page.goto(host_url, wait_until="load")
    deadline = time.monotonic() + READY_MS / 1000
    frame = None
    while frame is None and time.monotonic() < deadline:
        frame = next((f for f in page.frames if f.url.startswith(f"{site_url}figures/{fid}/")), None)
        if frame is None:
            page.wait_for_timeout(50)
    assert frame is not None, f"the iframe never loaded {site_url}figures/{fid}/: frames {[f.url for f in page.frames]}"
    wait_ready(frame, [fid], page.problems)
    assert frame.evaluate("(id) => window.figures[id].id", fid) == fid
    assert_draws(frame.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS), f"embedded {fid}")
    # the embedded figure fits the iframe's width: no horizontal scrollbar inside it
    assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.problems == []


def test_phone_has_no_horizontal_scroll_and_a_usable_scrubber(phone, site_url, built_site):
    _, report = built_site
    open_article(phone, site_url)
    wait_ready(phone, report["figures"], phone.problems)
    phone.wait_for_timeout(100)
    widths = phone.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    assert widths[0] <= 375 and widths[1] <= 375, f"page scrolls sideways on a phone: {widths}"
    wide = phone.evaluate("""() => [...document.querySelectorAll('main *')].filter((e) => {
        const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > 375.5 || r.left < -0.5);
      }).filter((e) => !(e.parentElement && e.parentElement.closest('pre, .math-display, .table-wrap'))).slice(0, 5).map((e) => e.tagName + '.' + e.className)""")
    assert wide == [], f"elements overflow the 375 px screen: {wide}"
    for fid in report["figures"]:
        stats = phone.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS)
        assert stats["shownWidth"] <= 375 - 2 * 16, f"{fid}: canvas wider than the column: {stats}"
        assert_draws(stats, f"phone {fid}")

    scrubbed = [fid for fid, info in report["figures"].items() if info["frames"]]
    assert scrubbed, "no figure with frames to scrub"
    for fid in scrubbed:
        slider = phone.locator(f'figure[data-figure="{fid}"] .fig-bind input[type=range]').first
        slider.scroll_into_view_if_needed()
        box = slider.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, f"{fid}: scrubber off screen: {box}"
        assert box["width"] >= 120 and box["height"] >= 24, f"{fid}: scrubber too small to use by touch: {box}"
        before_frame = phone.evaluate("(id) => window.figures[id].view.signal('frame')", fid)
        before = phone.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS)
        # a tap near the right end of the track moves the scrubber there
        slider.tap(position={"x": box["width"] * 0.9, "y": box["height"] / 2})
        phone.wait_for_function("([id, f]) => window.figures[id].view.signal('frame') !== f",
                                arg=[fid, before_frame], timeout=2_000)
        frame = phone.evaluate("(id) => window.figures[id].view.runAsync().then((v) => v.signal('frame'))", fid)
        assert frame > report["figures"][fid]["frames"] / 2, f"{fid}: tap at 90% moved the frame only to {frame}"
        after = phone.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS)
        assert after["hash"] != before["hash"], f"{fid}: scrubbing on a phone did not change the picture"
    assert phone.problems == []
