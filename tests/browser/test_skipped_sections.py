"""On a phone (below the wide layout) a section of the article far from the screen is neither styled nor laid out
until it nears (style.css's content-visibility: auto; Lighthouse's blocking time was that layout). What a reader
does must work as before: land on a link into a far section, find a phrase in it, open a preview there, read the
contents marker; a wide screen and print lay out everything."""
from __future__ import annotations

import pytest

from .figure_checks import wait_ready

pytestmark = pytest.mark.browser

SECTIONS = "[...document.querySelectorAll('main > section:not(.part), main > .part > section')]"
# whether the browser draws an element's contents now (false: a content-visibility: auto ancestor skips them)
DRAWN = "(sel) => document.querySelector(sel).checkVisibility({contentVisibilityAuto: true})"


def test_on_a_phone_far_sections_wait_until_they_near(phone, site_url):
    phone.goto(site_url, wait_until="load")
    modes = phone.evaluate(f"{SECTIONS}.map((s) => getComputedStyle(s).contentVisibility)")
    assert len(modes) > 10 and set(modes) == {"auto"}, modes
    assert phone.evaluate(DRAWN, "#introduction p")
    assert not phone.evaluate(DRAWN, "#closing p"), "the last section is laid out at load"
    # the contents' link to it lands on it, though the sections above it are laid out only as it scrolls there
    phone.locator("nav.toc summary").click()
    phone.locator('nav.toc a[href="#closing"]').click()
    phone.wait_for_function(f"({DRAWN})('#closing p')", timeout=3000)
    phone.wait_for_timeout(500)
    top = phone.evaluate("document.getElementById('closing').getBoundingClientRect().top")
    assert 0 <= top < 60, f"the contents' link left the section at {top} px"


def test_a_wide_screen_and_print_lay_out_everything(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url, wait_until="load")
    assert set(page.evaluate(f"{SECTIONS}.map((s) => getComputedStyle(s).contentVisibility)")) == {"visible"}
    page.set_viewport_size({"width": 375, "height": 812})
    page.emulate_media(media="print")
    assert set(page.evaluate(f"{SECTIONS}.map((s) => getComputedStyle(s).contentVisibility)")) == {"visible"}
    assert page.evaluate(DRAWN, "#closing p")


def test_a_link_into_a_far_section_lands_and_stays(phone, site_url):
    phone.goto(site_url, wait_until="load")
    fid = phone.evaluate("[...document.querySelectorAll('main figure.fig')].at(-1).dataset.figure")
    section = phone.evaluate("(id) => document.getElementById('fig-' + id).closest('section[id]').id", fid)
    phone.goto(f"{site_url}#fig-{fid}", wait_until="load")
    wait_ready(phone, [fid], phone.problems)
    phone.wait_for_timeout(800)  # the figure drew, the sections around it were laid out
    top = phone.evaluate("(id) => document.getElementById('fig-' + id).getBoundingClientRect().top", fid)
    assert 0 <= top < 60, f"the linked figure sits at {top} px, not at the top of the screen"
    phone.wait_for_function(f"document.querySelector('nav.toc a[href=\"#{section}\"]')"
                            "?.getAttribute('aria-current') === 'location'", timeout=3000)
    assert phone.problems == []


def test_find_in_page_reaches_a_far_section(phone, site_url):
    phone.goto(site_url, wait_until="load")
    phrase = phone.evaluate("document.querySelector('#closing p').textContent.trim().replace(/\\s+/g, ' ').slice(0, 40)")
    found = phone.evaluate("""(t) => { const ok = window.find(t); const r = getSelection().getRangeAt(0);
        const box = r.getBoundingClientRect();
        return [ok, r.startContainer.parentElement.closest('section[id]').id, box.top, box.bottom, innerHeight]; }""",
                           phrase)
    assert found[0] and found[1] == "closing", found
    assert 0 <= found[2] and found[3] <= found[4], f"the match is off the screen: {found}"


def test_a_tapped_preview_in_a_far_section_sits_at_the_foot_of_the_screen(phone, site_url):
    # a contained section would hold a fixed preview inside itself; a section with an open preview drops it
    phone.goto(site_url, wait_until="load")
    link = phone.locator("#closing .tip-wrap > a").last
    link.scroll_into_view_if_needed()
    phone.wait_for_timeout(200)
    link.tap()
    tip = phone.locator(".tip-wrap.is-open > .tip")
    tip.wait_for(state="visible", timeout=3000)
    box, height = tip.bounding_box(), phone.evaluate("innerHeight")
    assert box["y"] > height / 2 and abs(box["y"] + box["height"] - (height - 8)) < 2, (box, height)
