"""The contents list marks the section being read and folds on a phone."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CURRENT = "() => [...document.querySelectorAll('nav.toc a[aria-current]')].map((a) => a.getAttribute('href'))"


def test_the_contents_marks_the_section_being_read(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url, wait_until="load")
    assert page.evaluate("document.querySelector('nav.toc details').open")
    sections = page.eval_on_selector_all("nav.toc li:not(.toc-part) > a", "(els) => els.map((a) => a.hash.slice(1))")
    for slug in (sections[2], sections[-1]):
        page.evaluate(f"document.getElementById({slug!r}).scrollIntoView()")
        page.wait_for_function(f"document.querySelector('nav.toc a[href=\"#{slug}\"]')"
                               ".getAttribute('aria-current') === 'location'")
        assert page.evaluate(CURRENT) == [f"#{slug}"]  # one section marked at a time
    assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).position") == "sticky"


def test_on_a_phone_the_contents_starts_folded_and_opens(phone, site_url):
    phone.goto(site_url, wait_until="load")
    assert not phone.evaluate("document.querySelector('nav.toc details').open")
    assert not phone.locator("nav.toc ol a").first.is_visible()
    phone.locator("nav.toc summary").click()
    assert phone.locator("nav.toc ol a").first.is_visible()


def test_nothing_on_the_first_screen_moves_while_the_page_loads(phone, site_url):
    # Lighthouse's cumulative layout shift: the folded contents used to be drawn open first, then folded
    phone.add_init_script("""window.__shifts = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => {
          if (!e.hadRecentInput) window.__shifts.push([e.value, e.sources.map((s) => s.node && s.node.nodeName)]);
        })).observe({type: "layout-shift", buffered: true});""")
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 6})  # a slow phone, as Lighthouse's mobile run is
    try:
        phone.goto(site_url, wait_until="load")
        phone.wait_for_timeout(1500)  # the first figure starts (lazily) and the fonts settle
    finally:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    shifts = phone.evaluate("window.__shifts")
    assert sum(value for value, _ in shifts) < 0.01, shifts
