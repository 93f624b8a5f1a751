"""Dark mode takes no contrast away from any figure: every mark that stands out from what lies under it by 3:1
in the light theme, text by 4.5:1 (WCAG 1.4.11 and 1.4.3), does in the dark theme too. Measured on every figure of
the article at its first and last frame, in both themes, and where the reader picks K also at the most classes,
which draws every class colour (how: tests/browser/contrast.py).

Marks the light theme itself draws below the ratio are not held to it: faint by design (the 3-D views' far points,
the weight norms' bundle of translucent lines) or the light palette's business (viridis' yellow on white,
spiralNet's gold points on the pale gold region, the same picture in both themes). The test prints them, with
both themes' ratios."""
from __future__ import annotations

import re

import pytest

from ..conftest import watched_page
from ..test_palettes import page_backgrounds
from .contrast import MARK_CONTRASTS, MOST_SAMPLES, needed
from .figure_checks import wait_ready

pytestmark = pytest.mark.browser

DARK_BACKGROUND = page_backgrounds()["dark"]  # figure.js's BG
SLACK = 0.005  # rounding of the blend


def started(browser, site_url, figures, theme):
    """A page in `theme` (the system's preference, as a reader's browser says it) with every figure running; at
    1280 px no section is skipped (style.css's content-visibility), so every figure is laid out as on screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme)
    page = watched_page(context)
    page.goto(site_url, wait_until="load")
    page.wait_for_function("typeof window.startAllFigures === 'function'")
    page.evaluate("window.startAllFigures().then(() => null)")
    wait_ready(page, figures, page.problems)
    themes = page.evaluate("Object.values(window.figures).map((f) => f.theme)")
    assert set(themes) == {theme}, f"figures drawn in {set(themes)}, not {theme}"
    return context, page


# The most classes a figure's K picker offers (spiralNet's figures open on K = 4; K = 7 draws every class colour).
MOST_CLASSES = """(id) => { const s = (window.figures[id].spec.signals || []).find((s) => s.name === 'K' && s.bind);
  return s && s.bind.options ? Math.max(...s.bind.options) : null; }"""


def states(page, fid, frames):
    """(K, frame) of every state to measure: the first and last frame (None: a figure without frames), at the K the
    figure opens on (None) and, where the reader picks K, at the most classes."""
    at = [0, frames - 1] if frames else [None]
    most = page.evaluate(MOST_CLASSES, fid)
    return [(None, frame) for frame in at] + ([(most, frame) for frame in at] if most else [])


def measured(page, fid, classes, frame):
    """Every mark of the figure at `frame` with K `classes` (None: as it is), by its place in the scenegraph."""
    if classes is not None:
        page.evaluate("([id, k]) => window.figures[id].view.signal('K', k).runAsync().then(() => null)", [fid, classes])
    if frame is not None:
        page.evaluate("([id, i]) => window.figures[id].setFrame(i).then(() => null)", [fid, frame])
    scene = page.evaluate(MARK_CONTRASTS, [fid, MOST_SAMPLES])
    return scene, {mark["key"]: mark for mark in scene["marks"]}


def described(fid, frame, mark, light=None):
    what = f"{mark['kind']} {mark['role']} {mark['text']!r}".replace(" ''", "").replace("  ", " ")
    was = f"; light {light['contrast']:.2f}:1 ({light['colour']} on {light['bg']})" if light else ""
    return (f"{fid} frame {frame}: {what} {mark['key']}: {mark['contrast']:.2f}:1 ({mark['ink']} at "
            f"{mark['alpha']:.2f} seen as {mark['colour']} on {mark['bg']}){was}")


def test_dark_mode_takes_no_contrast_from_any_mark(browser, site_url, built_site):
    _, report = built_site
    figures = report["figures"]
    opened = {theme: started(browser, site_url, figures, theme) for theme in ("light", "dark")}
    pages = {theme: page for theme, (_, page) in opened.items()}
    lost, weak_in_both, counted = [], [], 0
    try:
        for fid, info in figures.items():
            for classes, frame in states(pages["dark"], fid, info.get("frames") or 0):
                (_, light), (dark_scene, dark) = (measured(pages[t], fid, classes, frame) for t in ("light", "dark"))
                where = fid + (f" K = {classes}" if classes else "")
                assert dark_scene["background"] == DARK_BACKGROUND, f"{where}: drawn on {dark_scene['background']}"
                assert dark, f"{where} frame {frame}: no mark measured"
                assert set(dark) == set(light), (f"{where} frame {frame}: the themes draw different marks: "
                                                 f"{sorted(set(dark) ^ set(light))[:5]}")
                counted += len(dark)
                for key, mark in dark.items():
                    need = needed(mark["kind"])
                    if mark["contrast"] >= need - SLACK:
                        continue
                    if light[key]["contrast"] >= need:
                        lost.append(described(where, frame, mark, light[key]))
                    else:
                        weak_in_both.append((where, frame, mark, light[key]))
        for theme, page in pages.items():
            assert page.problems == [], f"{theme}: {page.problems}"
    finally:
        for context, _ in opened.values():
            context.close()
    # the walk reads the views: axis labels, points, lines and legends of 37 figures are thousands of marks
    assert counted > 2000, f"only {counted} marks measured: is the scenegraph walk reading the views?"
    if weak_in_both:  # the weakest item of each mark (all its items, in every facet), weakest first
        worst = {}
        for where, frame, mark, light in weak_in_both:
            same = (where, re.sub(r"\[\d+\]|#\d+$", "", mark["key"]))
            if same not in worst or mark["contrast"] < worst[same][0]:
                worst[same] = (mark["contrast"], described(where, frame, mark, light))
        print(f"\n{len(weak_in_both)} marks under the ratio in both themes (faint by design, or the light palette's); "
              f"the weakest of each of {len(worst)}:")
        print("\n".join(line for _, line in sorted(worst.values())[:40]))
    assert lost == [], f"{len(lost)} marks lose contrast in the dark:\n" + "\n".join(lost[:60])
