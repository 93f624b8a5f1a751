"""The player's controls beyond play: previous and next frame buttons, a speed choice for long motions, the slider's
value shown in the figure's own terms (not Vega's raw index), and every figure's data as text: a small table of
what it draws now in a <details>, or a CSV download of it where it is large. Run on figure pages and on the
article, in Chromium."""
from __future__ import annotations

import csv
import io
import re

import pytest

from .figure_checks import wait_ready

pytestmark = pytest.mark.browser


def figure_page(page, site_url, fid):
    page.goto(f"{site_url}figures/{fid}/", wait_until="load")
    wait_ready(page, [fid], page.problems)
    return page.locator(f'figure[data-figure="{fid}"]')


def animated(report):
    return [fid for fid, info in report["figures"].items() if info["frames"] > 0]


def frame(page, fid):
    return page.evaluate("(id) => window.figures[id].view.signal('frame')", fid)


def test_step_buttons_move_one_frame_and_pause(page, site_url, built_site):
    report = built_site[1]
    fid = "curves-layer-morph" if "curves-layer-morph" in animated(report) else animated(report)[0]
    fig = figure_page(page, site_url, fid)
    previous, following = fig.locator("button.step[data-step='-1']"), fig.locator("button.step[data-step='1']")
    assert previous.get_attribute("aria-label").startswith("Previous frame of Figure ")
    assert following.get_attribute("aria-label").startswith("Next frame of Figure ")
    page.evaluate("(id) => window.figures[id].setFrame(3).then(() => null)", fid)
    following.click()
    page.wait_for_function("(id) => window.figures[id].view.signal('frame') === 4", arg=fid)
    previous.click()
    previous.click()
    page.wait_for_function("(id) => window.figures[id].view.signal('frame') === 2", arg=fid)
    slider = fig.locator(".fig-bind input[type=range][data-signal=frame]")
    assert slider.input_value() == "2", "the slider follows the step buttons"
    # at the ends, a step stays in range
    page.evaluate("(id) => window.figures[id].setFrame(0).then(() => null)", fid)
    previous.click()
    page.wait_for_timeout(100)
    assert frame(page, fid) == 0
    # a step while playing pauses first
    fig.locator("button.play").click()
    following.click()
    page.wait_for_function("(id) => !window.figures[id].playing", arg=fid)
    assert fig.locator("button.play").get_attribute("aria-pressed") == "false"
    # and is reachable by keyboard
    following.focus()
    before = frame(page, fid)
    page.keyboard.press("Enter")
    page.wait_for_function("([id, f]) => window.figures[id].view.signal('frame') === f + 1", arg=[fid, before])
    assert not page.problems, page.problems


def test_speed_choice_for_long_motions(page, site_url, built_site):
    report = built_site[1]
    long = [f for f in animated(report) if report["figures"][f]["frames"] >= 60]
    short = [f for f in animated(report) if report["figures"][f]["frames"] < 60]
    assert long, "no long motion in the site"
    fid = long[0]
    fig = figure_page(page, site_url, fid)
    select = fig.locator(f"select#{fid}-speed")
    assert select.count() == 1
    assert select.get_attribute("aria-label").endswith(": playing speed")
    assert select.input_value() == "1"
    options = select.locator("option").evaluate_all("(els) => els.map((e) => e.value)")
    assert "0.5" in options and "2" in options
    base = page.evaluate("(id) => window.figures[id].interval()", fid)
    select.select_option("2")
    assert page.evaluate("(id) => window.figures[id].interval()", fid) == pytest.approx(base / 2)
    select.select_option("0.5")
    assert page.evaluate("(id) => window.figures[id].interval()", fid) == pytest.approx(base * 2)
    # playing at the chosen speed still moves the figure, and play ends paused
    page.evaluate("(id) => window.figures[id].setFrame(window.figures[id].frames - 3).then(() => null)", fid)
    select.select_option("4")
    fig.locator("button.play").click()
    page.wait_for_function("(id) => !window.figures[id].playing", arg=fid, timeout=10_000)
    assert frame(page, fid) == report["figures"][fid]["frames"] - 1
    if short:
        other = figure_page(page, site_url, short[0])
        assert other.locator("select[id$='-speed']").count() == 0, f"{short[0]} is short: no speed choice"
        assert other.locator("button.step").count() == 2
    assert not page.problems, page.problems


def test_slider_value_is_shown_in_the_figures_terms(page, site_url, built_site):
    report = built_site[1]
    for fid in ("tiny-trajectories", "spiral-training", "curves-layer-morph"):
        if fid not in report["figures"]:
            continue
        fig = figure_page(page, site_url, fid)
        shown = fig.locator(".fig-frame")
        assert shown.count() == 1 and shown.is_visible(), fid
        raw = fig.locator(".fig-bind input[type=range][data-signal=frame] + span")
        assert raw.count() == 0 or not raw.is_visible(), f"{fid}: Vega's raw index still shows"
        page.evaluate("(id) => window.figures[id].setFrame(5).then(() => null)", fid)
        page.wait_for_timeout(50)
        text = shown.text_content()
        slider = fig.locator(".fig-bind input[type=range][data-signal=frame]")
        assert text == slider.get_attribute("aria-valuetext"), fid
        if fid == "curves-layer-morph":
            assert re.match(r"layer \d+ of \d+, stage \d of 3: ", text), text
        else:
            assert re.match(r"step [\d,]+ of [\d,]+", text), text
            assert "snapshot" not in text
        page.evaluate("(id) => window.figures[id].setFrame(window.figures[id].frames - 1).then(() => null)", fid)
        page.wait_for_timeout(50)
        assert shown.text_content() != text, f"{fid}: the shown value does not follow the slider"
    assert not page.problems, page.problems


def open_table(page, fig):
    fig.locator("details.fig-data > summary").click()
    box = fig.locator("details.fig-data details.fig-table")
    assert box.count() == 1
    box.locator("summary").click()
    return box


def test_small_frame_data_is_a_table_that_follows_the_frame(page, site_url, built_site):
    fid = "interval-training"
    assert fid in built_site[1]["figures"]
    fig = figure_page(page, site_url, fid)
    box = open_table(page, fig)
    page.wait_for_selector(f'figure[data-figure="{fid}"] details.fig-table table.fig-values, '
                           f'figure[data-figure="{fid}"] details.fig-table a.fig-csv')
    # the label of this figure's frame is a small table (one row), its points a CSV
    tables = box.locator("table.fig-values")
    assert tables.count() >= 1
    captions = tables.locator("caption").all_text_contents()
    assert all(c.startswith("Figure ") and re.search(r": \d+ rows?$", c) for c in captions), captions
    headers = tables.first.locator("th").all_text_contents()
    assert headers and all(h.strip() for h in headers)
    # the frame's label is among the small tables, in the figure's terms
    cells = " ".join(tables.locator("td").all_text_contents())
    assert re.search(r"step [\d,]+ of [\d,]+", cells), cells
    # a mark drawn as many lines (one per group) is one set of rows, not one per line
    assert box.locator("a.fig-csv").count() + tables.count() <= 6
    before = box.inner_text()
    page.evaluate("(id) => window.figures[id].setFrame(2).then(() => null)", fid)
    page.wait_for_function("([id, t]) => document.querySelector(`figure[data-figure='${id}'] details.fig-table`)"
                           ".innerText !== t", arg=[fid, before])
    assert not page.problems, page.problems


def test_large_frame_data_is_a_csv_download_of_what_is_drawn(page, site_url, built_site):
    fid = "curves-layer-morph"
    fig = figure_page(page, site_url, fid)
    page.evaluate("(id) => window.figures[id].setFrame(10).then(() => null)", fid)
    box = open_table(page, fig)
    link = box.locator("a.fig-csv").first
    link.wait_for()
    assert link.get_attribute("download").startswith(f"{fid}-frame-10")
    assert "CSV" in link.text_content()
    with page.expect_download() as info:
        link.click()
    text = open(info.value.path(), encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 40 and len(set(map(len, rows))) == 1, rows[:3]
    header = rows[0]
    assert all(header), header
    expected = page.evaluate("(id) => window.drawnRows(id).map((rows) => rows.length)", fid)
    assert len(rows) - 1 in expected
    assert not page.problems, page.problems


def test_article_embed_panel_offers_the_data_as_text(page, site_url, built_site):
    page.goto(site_url, wait_until="load")
    fid = "interval-training"
    page.locator(f'figure[data-figure="{fid}"]').scroll_into_view_if_needed()
    wait_ready(page, [fid], page.problems)
    panel = page.locator(f'details.fig-embed[data-embed="{fid}"]')
    panel.locator("summary").first.click()
    box = panel.locator("details.fig-table")
    assert box.count() == 1
    box.locator("summary").click()
    page.wait_for_selector(f'details.fig-embed[data-embed="{fid}"] table.fig-values')
    assert not page.problems, page.problems
