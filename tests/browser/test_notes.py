"""Previews in the browser: a citation and a cross-reference show their preview on hover and on keyboard focus,
Escape hides it, a phone's first tap previews and the second follows the link, and footnotes stand in the
margin of a wide screen."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def tip_of(link):
    return link.page.locator("#" + link.get_attribute("aria-describedby"))


def settle(page, link):
    """Scroll to the link and wait until it stays put: figures near the viewport start lazily and take their
    height when drawn, which moves the text (and the link from under the pointer)."""
    link.scroll_into_view_if_needed()
    last, still = None, 0
    for _ in range(80):
        box = link.bounding_box()
        still = still + 1 if box == last else 0
        if still >= 3:
            return
        last = box
        page.wait_for_timeout(300)
    link.scroll_into_view_if_needed()


def focus_by_keyboard(page, link):
    """Reach the link with the keyboard (Tab), as a reader without a mouse does."""
    page.mouse.move(1, 1)
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert link.evaluate("(el) => el === document.activeElement && el.matches(':focus-visible')")


@pytest.mark.parametrize("selector, expect", [
    ('a.cite[href="#ref-olah2014"]', "Neural Networks, Manifolds, and Topology"),
    ('a.xref[href="#fig-curves-regions-hidden"]', "Figure 3"),
    ('a.xref[href="#layers-as-motions"]', "Layers as motions"),
    ('a.xref[href="#eq-polar-path"]', "Equation 1"),
])
def test_hover_and_keyboard_focus_show_the_preview(page, site_url, selector, expect):
    page.goto(site_url, wait_until="load")
    link = page.locator(selector).first
    tip = tip_of(link)
    assert tip.get_attribute("role") == "tooltip"
    settle(page, link)
    page.mouse.move(1, 1)
    assert not tip.is_visible()
    link.hover()
    tip.wait_for(state="visible", timeout=2000)
    assert expect in tip.inner_text()
    box, view = tip.bounding_box(), page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"]  # kept on screen
    page.mouse.move(1, 1)
    tip.wait_for(state="hidden", timeout=2000)
    focus_by_keyboard(page, link)
    tip.wait_for(state="visible", timeout=2000)
    assert expect in tip.inner_text()
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden", timeout=2000)
    assert page.problems == []


def test_a_figure_reference_previews_the_caption_and_leads_to_the_figure(page, site_url):
    page.goto(site_url, wait_until="load")
    link = page.locator('a.xref[href="#fig-curves-regions-hidden"]').first
    settle(page, link)
    link.hover()
    tip = tip_of(link)
    tip.wait_for(state="visible")
    caption = page.locator("#fig-curves-regions-hidden figcaption").inner_text()
    preview = tip.inner_text().removeprefix("Figure 3").strip()
    assert preview and caption.replace("Figure 3. ", "").startswith(preview)
    link.click()
    page.wait_for_function("location.hash === '#fig-curves-regions-hidden'")
    assert page.evaluate("document.querySelector(':target').id") == "fig-curves-regions-hidden"


def test_a_reference_lists_its_citations_and_leads_back(page, site_url):
    page.goto(site_url + "#ref-ranlot2017", wait_until="load")
    backlinks = page.locator("#ref-ranlot2017 .backlinks a")
    assert backlinks.count() >= 2
    second = backlinks.nth(1)
    target = second.get_attribute("href")
    second.click()
    page.wait_for_function(f"location.hash === '{target}'")
    cited = page.locator(target)
    assert cited.get_attribute("class") == "cite" and cited.is_visible()
    assert cited.evaluate("(el) => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"  # :target


def test_a_phone_tap_previews_first_and_follows_second(phone, site_url):
    phone.goto(site_url, wait_until="load")
    link = phone.locator('a.cite[href="#ref-ranlot2017"]').first
    settle(phone, link)
    tip = tip_of(link)
    link.tap()
    tip.wait_for(state="visible", timeout=2000)
    assert "spiralNet" in tip.inner_text() and "#" not in phone.url.removeprefix(site_url)
    box = tip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 812
    phone.locator("h1").tap()  # a tap elsewhere closes it
    tip.wait_for(state="hidden", timeout=2000)
    link.tap()
    tip.wait_for(state="visible", timeout=2000)
    link.tap()
    phone.wait_for_function("location.hash === '#ref-ranlot2017'")
    tip.wait_for(state="hidden", timeout=2000)
    assert phone.problems == []


def test_footnotes_stand_in_the_margin_of_a_wide_screen(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    wide = context.new_page()
    wide.goto(site_url, wait_until="load")
    note = wide.locator("#fn-1")
    note.scroll_into_view_if_needed()
    assert note.is_visible()  # no hover needed
    text = wide.locator("main p").first.bounding_box()
    box = note.bounding_box()
    assert box["x"] >= text["x"] + text["width"] and box["x"] + box["width"] <= 1280
    context.close()
