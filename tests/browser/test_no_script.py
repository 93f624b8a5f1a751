"""With scripts off, as a reader whose browser runs none: every figure shows its still; no control that needs a
script (play, steps, sliders, pickers) is on screen; and no caption, as that reader sees it, asks them to press,
drag or pick anything: such words are [...]{.live} spans (docs/content.md), which a reader with scripts sees."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# words that ask for a control, or name one, which a page without scripts does not have
ASKS = re.compile(r"\b(press|drag|dragging|scrub|scrubber|slider|sliders|click|tap|pick|choose|tilt|play|hover|"
                  r"try)\b", re.I)
# every element a reader could work, shown: what is left on screen of the controls scripts make or drive
SHOWN_CONTROLS = """() => [...document.querySelectorAll(
    'button, input, select, textarea, [role=button], [role=slider], .fig-controls, .fig-bind')]
    .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => el.outerHTML.slice(0, 100))"""
CAPTIONS = "() => [...document.querySelectorAll('figure.fig')].map((f) => [f.dataset.figure, f.querySelector('figcaption').innerText])"


@pytest.fixture(params=[1280, 375])
def reader(browser, request):
    """A page with scripts off (1280 px, or a 375 px phone)."""
    from ..conftest import watched_page
    phone = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if request.param < 500 else {}
    context = browser.new_context(java_script_enabled=False, viewport={"width": request.param, "height": 900}, **phone)
    yield watched_page(context)
    context.close()


def asking(captions) -> list[str]:
    return [f"{fid}: ...{text[max(0, m.start() - 50):m.end() + 30]}..." for fid, text in captions
            for m in [ASKS.search(text)] if m]


def test_the_article_without_scripts_shows_stills_and_asks_for_no_control(reader, site_url, built_site):
    _, report = built_site
    reader.goto(site_url, wait_until="load")
    assert reader.evaluate("document.documentElement.classList.contains('js')") is False
    assert reader.evaluate(SHOWN_CONTROLS) == []
    stills = reader.evaluate("""() => [...document.querySelectorAll('figure.fig img.fig-still')].map((img) =>
        [img.closest('figure').dataset.figure, img.getClientRects().length > 0 && img.getBoundingClientRect().width > 100])""")
    assert sorted(fid for fid, shown in stills if shown) == sorted(report["figures"]), stills
    captions = reader.evaluate(CAPTIONS)
    assert len(captions) == len(report["figures"])
    assert asking(captions) == [], "captions that ask a reader without scripts for a control:\n" + "\n".join(asking(captions))
    # the words for live figures are there, and hidden: the test reads something that could show
    live = reader.evaluate("() => [...document.querySelectorAll('figcaption .live')].map((s) => getComputedStyle(s).display)")
    assert live and set(live) == {"none"}, live


def test_with_scripts_the_live_words_show(page, site_url):
    page.goto(site_url, wait_until="load")
    shown = page.evaluate("() => [...document.querySelectorAll('figcaption .live')].map((s) => getComputedStyle(s).display)")
    assert shown and "none" not in shown, shown


def test_figure_pages_without_scripts_show_their_still_and_no_control(reader, site_url, built_site):
    _, report = built_site
    problems = []
    for fid in report["figures"]:
        reader.goto(f"{site_url}figures/{fid}/", wait_until="load")
        if controls := reader.evaluate(SHOWN_CONTROLS):
            problems.append(f"{fid}: controls shown: {controls}")
        if not reader.locator("img.fig-still").is_visible():
            problems.append(f"{fid}: no still")
        problems += asking(reader.evaluate(CAPTIONS))
        # its title for link previews is the caption's first sentence, without the live words
        title = reader.evaluate("() => document.querySelector('meta[property=\"og:title\"]').content")
        if ASKS.search(title):
            problems.append(f"{fid}: og:title {title!r}")
    assert problems == [], "\n".join(problems)
