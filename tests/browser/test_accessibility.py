"""Accessibility, as a screen reader and a keyboard meet the figures: each figure's controls are its own (two
figures with a signal K keep two radio groups), sliders say their value in the figure's terms and change it as
they move, a running figure keeps its alt text as its name, a paused or scrubbed figure says its state in words.
And axe-core (npm, tests/axe; `make axe`, a step of `make test`) finds zero WCAG 2.1 A/AA or best-practice
violations on the article at 1280 and 375 px with every figure running, and on every figure page. A missing
axe-core fails, never skips."""
from __future__ import annotations

from pathlib import Path

import pytest

from .figure_checks import started_article, wait_ready

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def start_all(page, site_url, report):
    page.goto(site_url, wait_until="load")
    page.wait_for_function("typeof window.startAllFigures === 'function'")
    page.evaluate("window.startAllFigures().then(() => null)")
    wait_ready(page, report["figures"], page.problems)


@pytest.fixture(scope="module")
def article(browser, site_url, built_site):
    """One started article for the module: its tests pick, scrub and pause, and leave every figure paused."""
    yield from started_article(browser, site_url, built_site[1])


def radio_figures(page):
    return page.evaluate("""() => Object.values(window.figures)
        .filter((f) => f.el.querySelector('.fig-bind input[type=radio][data-signal=K]')).map((f) => f.id)""")


def test_radio_groups_of_two_figures_are_independent(article):
    page = article
    ids = radio_figures(page)
    assert len(ids) >= 2, f"expected two figures with a K picker, found {ids}"
    first, second = ids[:2]
    for fid in ids:
        radios = page.locator(f'figure[data-figure="{fid}"] .fig-bind input[type=radio]')
        names = set(radios.evaluate_all("(els) => els.map((e) => e.name)"))
        assert all(n.startswith(fid + "-") for n in names), f"{fid}: radio names not scoped to it: {names}"
        named = radios.evaluate_all("(els) => els.map((e) => !!(e.closest('label') || (e.id && "
                                    "document.querySelectorAll(`label[for='${e.id}']`).length === 1)))")
        assert all(named), f"{fid}: a radio lost its label"
        group = page.locator(f'figure[data-figure="{fid}"] .vega-bind-radio').first
        assert group.get_attribute("role") == "radiogroup" and group.get_attribute("aria-label"), fid
        controls = page.locator(f'figure[data-figure="{fid}"] .fig-controls')
        assert controls.get_attribute("role") == "group"
        assert controls.get_attribute("aria-label").startswith("Controls for Figure ")
    checked = lambda fid: page.evaluate(  # noqa: E731
        "(id) => [...document.querySelectorAll(`figure[data-figure='${id}'] input[type=radio][data-signal=K]`)]"
        ".filter((e) => e.checked).map((e) => e.value)", fid)
    before = checked(second)
    assert len(before) == 1, f"{second}: one K is picked at first: {before}"
    options = page.locator(f'figure[data-figure="{first}"] input[type=radio][data-signal=K]')
    target = next(v for v in options.evaluate_all("(els) => els.map((e) => e.value)") if v not in before)
    page.locator(f'figure[data-figure="{first}"] input[type=radio][data-signal=K][value="{target}"]').check()
    page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", first)
    assert checked(first) == [target]
    assert checked(second) == before, f"picking K in {first} changed {second}'s pick"
    assert str(page.evaluate("(id) => window.figures[id].view.signal('K')", second)) == before[0]


def test_sliders_have_unique_names_and_a_valuetext_that_follows_them(article):
    page = article
    sliders = page.locator(".fig-bind input[type=range]")
    names = sliders.evaluate_all("(els) => els.map((e) => e.getAttribute('aria-label'))")
    assert all(names), "a slider without an accessible name"
    assert len(set(names)) == len(names), f"slider names repeat: {sorted(n for n in names if names.count(n) > 1)}"
    frame_sliders = page.locator(".fig-bind input[type=range][data-signal=frame]")
    assert frame_sliders.count() >= 5
    for k in range(frame_sliders.count()):
        slider = frame_sliders.nth(k)
        fid = slider.evaluate("(e) => e.closest('figure').dataset.figure")
        top = int(slider.get_attribute("max"))
        slider.evaluate("(e, v) => { e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); }", 0)
        page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", fid)
        first = slider.get_attribute("aria-valuetext")
        slider.evaluate("(e, v) => { e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); }", top)
        page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", fid)
        last = slider.get_attribute("aria-valuetext")
        assert first and last and first != last, f"{fid}: aria-valuetext {first!r} then {last!r}"
        assert "frame " not in first or " of " in first, f"{fid}: {first!r}"
        assert "·" not in last, f"{fid}: {last!r} should read as words"


@pytest.fixture
def article_with_accessibility(browser, site_url, built_site):
    """The article with every figure running, in a Chromium whose accessibility is on, as it is when a screen reader
    runs: without it, Chromium's tree leaves out what it has not drawn yet (on a screen narrower than 1240 px, the
    sections that style.css's content-visibility skips until they near the screen)."""
    from ..conftest import CHROMIUM, watched_page
    launched = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--force-renderer-accessibility"])
    try:
        page = watched_page(launched.new_context(viewport={"width": 1200, "height": 900}))
        start_all(page, site_url, built_site[1])
        yield page
    finally:
        launched.close()


def test_a_running_figure_is_named_by_its_alt_text(article_with_accessibility, built_site):
    page = article_with_accessibility
    for fid in built_site[1]["figures"]:
        view = page.locator(f'figure[data-figure="{fid}"] .fig-view')
        name = view.get_attribute("aria-label")
        assert name and name != "Vega visualization", f"{fid}: {name!r}"
        assert view.get_attribute("role") in ("img", "graphics-document"), fid
    # the names in Chromium's accessibility tree, as a screen reader gets them
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    names = {n.get("name", {}).get("value", "") for n in tree}
    assert "Vega visualization" not in names, "a figure is named 'Vega visualization'"
    for fid in built_site[1]["figures"]:
        alt = page.locator(f'figure[data-figure="{fid}"] .fig-view').get_attribute("aria-label")
        assert alt in names, f"{fid}: its alt text is not a name in the accessibility tree"


def test_a_paused_or_scrubbed_figure_says_its_state_once(page, site_url, built_site):
    start_all(page, site_url, built_site[1])  # a page of its own: its live regions have said nothing yet
    fid = page.evaluate("() => Object.values(window.figures).find((f) => f.frames > 5).id")
    fig = page.locator(f'figure[data-figure="{fid}"]')
    status = fig.locator(".fig-status")
    assert status.get_attribute("aria-live") == "polite"
    fig.locator("button.play").click()
    page.wait_for_timeout(900)
    assert status.text_content() == "", "the live region spoke during play"
    fig.locator("button.play").click()
    page.wait_for_function("(el) => el.textContent.includes('paused at')", arg=status.element_handle(), timeout=3000)
    slider = fig.locator(".fig-bind input[type=range][data-signal=frame]")
    for v in (1, 2, 3):
        slider.evaluate("(e, v) => { e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); }", v)
    page.wait_for_timeout(800)
    text = status.text_content()
    assert "paused" not in text and text.startswith("Figure "), text
    assert slider.get_attribute("aria-valuetext") in text, (text, slider.get_attribute("aria-valuetext"))


def visit_math(page):
    """Bring each display equation to the screen, as a reader reaching it would (its section is measured then),
    without reading through the figures between them."""
    for i in range(page.locator(".math-display").count()):
        page.locator(".math-display").nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(80)


def test_wide_display_math_on_a_phone_is_focusable(phone, site_url):
    phone.goto(site_url, wait_until="load")
    visit_math(phone)
    wide = phone.evaluate("""() => [...document.querySelectorAll('.math-display')]
        .filter((b) => b.scrollWidth > b.clientWidth + 1)
        .map((b) => [b.getAttribute('tabindex'), b.getAttribute('role'), b.getAttribute('aria-label')])""")
    assert wide, "no display math overflows at 375 px (the test looks at nothing)"
    assert all(t == "0" and r == "region" and label for t, r, label in wide), wide


def test_figure_pages_offer_their_data(page, site_url, built_site):
    site, report = built_site
    for fid in report["figures"]:
        page.goto(f"{site_url}figures/{fid}/", wait_until="load")
        links = page.locator("details.fig-data a[href]")
        assert links.count() >= 1, f"{fid}: its page has no data links"
        href = links.first.get_attribute("href")
        assert page.request.get(page.url.rsplit("/", 1)[0] + "/" + href).ok, f"{fid}: {href} does not load"
        if report["figures"][fid]["frames"]:  # what it shows now, in words, beside the files
            wait_ready(page, [fid], page.problems)
            page.wait_for_function("() => (document.querySelector('.fig-data .fig-now')?.textContent || '')"
                                   ".startsWith('Now showing: ')", timeout=5000)
            page.evaluate("(id) => window.figures[id].setFrame(0).then(() => null)", fid)
            before = page.locator(".fig-data .fig-now").text_content()
            page.evaluate("(id) => window.figures[id].setFrame(1).then(() => null)", fid)
            after = page.locator(".fig-data .fig-now").text_content()
            assert before != after, f"{fid}: {before!r} did not follow the frame"


# ---- axe-core
def axe_violations(page):
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} not found: run `make axe` (npm ci in tests/axe)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, TAGS)


AXE_RUN = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
        targets: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))})))"""


def said(violations, where):
    return "\n".join(f"{where}: {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}\n    "
                     + "\n    ".join(v["targets"]) for v in violations)


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_nothing_on_the_article(browser, site_url, built_site, width):
    from ..conftest import watched_page
    context = browser.new_context(viewport={"width": width, "height": 900}, **(
        {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if width < 500 else {}))
    try:
        page = watched_page(context)
        start_all(page, site_url, built_site[1])
        visit_math(page)  # (the display math of a section is measured when the section nears the screen)
        page.evaluate("document.querySelectorAll('details.fig-embed').forEach((d) => { d.open = true; })")
        page.wait_for_timeout(300)
        problems = []
        for theme in ("light", "dark"):  # the same page, every figure running, in the system's dark mode too
            if theme == "dark":
                page.emulate_media(color_scheme="dark")
                page.wait_for_function("() => Object.values(window.figures).every((f) => f.theme === 'dark')",
                                       timeout=60_000)
                page.wait_for_timeout(300)
            found = axe_violations(page) if theme == "light" else page.evaluate(AXE_RUN, TAGS)
            print(said(found, f"article @{width}, {theme}") or f"axe: article @{width}, {theme}: no violations")
            problems += [said(found, f"article @{width}, {theme}")] if found else []
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_axe_finds_nothing_on_figure_pages(page, site_url, built_site):
    _, report = built_site
    problems = []
    for fid in report["figures"]:
        page.goto(f"{site_url}figures/{fid}/", wait_until="load")
        wait_ready(page, [fid], page.problems)
        page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", fid)
        found = axe_violations(page)
        if found:
            problems.append(said(found, f"figures/{fid}"))
    print("\n".join(problems) or f"axe: {len(report['figures'])} figure pages, no violations")
    assert not problems, "\n".join(problems)


def test_article_embed_panels_list_the_data_files(page, site_url, built_site):
    """The article's panels are filled when opened: each then links its figure's data files, specs and stills,
    which load; the figure's own page lists its specs and stills without any script."""
    page.goto(site_url, wait_until="load")
    missing, broken = [], []
    for fid in built_site[1]["figures"]:
        panel = page.locator(f'details.fig-embed[data-embed="{fid}"]')
        panel.evaluate("(d) => { d.open = true; }")
        try:
            panel.locator('.fig-links a[href*="data/"]').first.wait_for(timeout=5000)
        except Exception:
            missing.append(fid)
            continue
        names = panel.locator(".fig-links a").all_text_contents()
        files = ["Vega-Lite spec", "Vega spec", "PNG"] + ["SVG"] * (built_site[0] / "figures" / fid / "still.svg").exists()
        assert names[:len(files) + 1] == ["standalone page", *files], f"{fid}: {names}"
        for href in panel.locator(".fig-links a").evaluate_all(f"(links) => links.slice(1, {len(files) + 1}).map((a) => a.href)"):
            if not page.request.get(href).ok:
                broken.append(href)
    assert not missing, f"panels without data links: {missing}"
    assert not broken, f"links that do not load: {broken}"
    page.goto(f"{site_url}figures/two-curves/", wait_until="load")
    page.evaluate("() => { document.querySelectorAll('script').forEach((s) => s.remove()); }")
    files = page.locator("details.fig-data .fig-files a")
    assert files.all_text_contents() == ["Vega-Lite spec", "Vega spec", "PNG", "SVG"]
    for href in files.evaluate_all("(links) => links.map((a) => a.href)"):
        assert page.request.get(href).ok, href
