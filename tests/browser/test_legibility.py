"""Legible figures, measured in the browser: on a 375 px phone no text inside any chart reads smaller than 10 px
(a chart wider than the column is drawn again to fit, its panels stacked, never shrunk as a picture), and the 3-D
views keep every point inside the view at every turn, with a box, named axes and a depth cue."""
from __future__ import annotations

import pytest

from .figure_checks import wait_ready

pytestmark = pytest.mark.browser

SMALLEST_PX = 10

# Every text a figure's view has drawn, with the size it reads at on the screen: Vega's font size times the scale
# at which the page shows the canvas (its shown width over the width Vega drew it at). The figures draw on a
# canvas (figure.js: renderer "canvas"); an SVG, if one is ever used, is measured the same way.
TEXT_SIZES = """async (id) => {
  const f = window.figures[id];
  await f.view.runAsync();
  const surface = f.container.querySelector('canvas, svg');
  const drawn = parseFloat(surface.style.width || surface.getAttribute('width'));
  const scale = surface.getBoundingClientRect().width / drawn;
  const out = [];
  const walk = (node) => {
    for (const item of node.items || []) {
      const text = Array.isArray(item.text) ? item.text.join(' ') : String(item.text ?? '');
      if (node.marktype === 'text' && text.trim() && (item.opacity ?? 1) > 0 && (item.fillOpacity ?? 1) > 0)
        out.push({text: text.slice(0, 40), px: (item.fontSize ?? 11) * scale});
      if (item.items) walk(item);
    }
  };
  walk(f.view.scenegraph().root);
  return {scale, drawn, texts: out};
}"""


def start_all(page, site_url, report):
    page.goto(site_url, wait_until="load")
    page.wait_for_function("typeof window.startAllFigures === 'function'")
    page.evaluate("window.startAllFigures().then(() => null)")
    wait_ready(page, report["figures"], page.problems)


def on_screen(page, fid):
    """The figure brought on screen, as a reader sees it: on a phone a section far from the screen is not laid out
    (style.css's content-visibility), so what it shows has no size there."""
    page.locator(f'figure[data-figure="{fid}"]').evaluate("(el) => el.scrollIntoView({block: 'center'})")
    page.wait_for_function("(id) => document.querySelector(`figure[data-figure=\"${id}\"] .fig-view`)"
                           ".checkVisibility({contentVisibilityAuto: true})", arg=fid, timeout=3000)


def test_no_chart_text_is_smaller_than_10px_on_a_phone(phone, site_url, built_site):
    _, report = built_site
    start_all(phone, site_url, report)
    too_small, measured = [], 0
    for fid in report["figures"]:
        on_screen(phone, fid)
        sizes = phone.evaluate(TEXT_SIZES, fid)
        assert sizes["scale"] <= 1.001, f"{fid}: shown larger than drawn? {sizes['scale']}"
        measured += len(sizes["texts"])
        small = [t for t in sizes["texts"] if t["px"] < SMALLEST_PX - 0.01]
        if small:
            worst = min(small, key=lambda t: t["px"])
            too_small.append(f"{fid}: {len(small)} texts under {SMALLEST_PX} px, smallest {worst['px']:.1f} px "
                             f"({worst['text']!r}; drawn {sizes['drawn']:.0f} px wide, shown at {sizes['scale']:.2f})")
    assert measured > 200, f"only {measured} chart texts found: is the scenegraph walk reading the views?"
    assert too_small == []
    # and nothing overflows the phone's width on the way
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.problems == []


def test_a_stacked_figure_stays_fitted_after_a_new_theme(phone, site_url, built_site):
    """A chart fitted to the phone (spiral-training: its tanh and ReLU columns stacked) is drawn again fitted when
    the theme changes."""
    _, report = built_site
    fid = "spiral-training"
    assert fid in report["figures"]
    start_all(phone, site_url, report)
    phone.evaluate("async () => { document.documentElement.dataset.theme = 'dark'; await window.applyTheme(); }")
    on_screen(phone, fid)
    sizes = phone.evaluate(TEXT_SIZES, fid)
    assert sizes["scale"] > 0.999, f"{fid} is shrunk as a picture after a new theme: {sizes['scale']}"
    assert min(t["px"] for t in sizes["texts"]) >= SMALLEST_PX - 0.01
    assert phone.evaluate("(id) => window.figures[id].theme", fid) == "dark"


# Every point of a 3-D view, in its plot's coordinates, with the plot's size, and its points mark by mark (with two
# classes, those behind the plane and those in front of it are two marks, each drawn far to near); the lines' vertices
# (the box, its axes, the plane) and the ends of the sheet's segments; the axis names.
SCENE_3D = """(id) => {
  const view = window.figures[id].view, points = [], marks = [], vertices = [], ends = [], names = [];
  const walk = (node) => {
    if (node.marktype === 'symbol') marks.push([]);
    for (const item of node.items || []) {
      if (node.marktype === 'symbol') {
        const p = {x: item.x, y: item.y, size: item.size, opacity: item.opacity};
        points.push(p);
        marks[marks.length - 1].push(p);
      }
      if (node.marktype === 'line') vertices.push({x: item.x, y: item.y});
      if (node.marktype === 'rule') ends.push({x: item.x, y: item.y}, {x: item.x2, y: item.y2});
      if (node.marktype === 'text' && item.text) names.push(String(item.text));
      if (item.items) walk(item);
    }
  };
  walk(view.scenegraph().root);
  return {width: view.signal('width'), height: view.signal('height'), points, marks: marks.filter((m) => m.length),
          vertices, ends, names};
}"""


def rising(values, slack=1e-9):
    """Never falling (up to rounding: points at one depth may differ in the last digit)."""
    return all(b >= a - slack for a, b in zip(values, values[1:]))


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 812}])
def test_3d_views_keep_every_point_inside_at_every_turn(browser, site_url, built_site, viewport):
    _, report = built_site
    rotatable = [fid for fid, info in report["figures"].items() if info["kind"] == "rotatable-3d"]
    assert rotatable, "the build report lists no rotatable-3d figure"
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(site_url, wait_until="load")
        page.wait_for_function("typeof window.startAllFigures === 'function'")
        page.evaluate("window.startAllFigures().then(() => null)")
        wait_ready(page, rotatable)
        for fid in rotatable:
            spread = 1.0  # the largest ratio of the biggest point to the smallest over the turns
            for az, el in ((0, 0), (30, 20), (45, 35), (135, -35), (225, 60), (315, -90), (90, 90), (200, 10)):
                page.evaluate("([id, az, el]) => window.figures[id].view.signal('az', az).signal('el', el).runAsync()"
                              ".then(() => null)", [fid, az, el])
                scene = page.evaluate(SCENE_3D, fid)
                where = f"{fid} at turn {az}, tilt {el} ({viewport['width']} px)"
                drawn = scene["points"] + scene["vertices"] + scene["ends"]  # points, the box's corners, the sheet
                assert len(drawn) > 50, f"{where}: too few points drawn: {len(drawn)}"
                outside = [p for p in drawn if not (0 <= p["x"] <= scene["width"] and 0 <= p["y"] <= scene["height"])]
                assert outside == [], f"{where}: {len(outside)} points outside the view, e.g. {outside[:3]}"
                # a box (12 edges) and three axes, named at their ends
                assert len(scene["vertices"]) >= 2 * 15, f"{where}: no box: {len(scene['vertices'])} line vertices"
                assert sorted(scene["names"]) in (["x₁", "x₂", "x₃"], ["h₁", "h₂", "h₃"]), f"{where}: {scene['names']}"
                if not scene["points"]:  # a view of curves only (circles through the layer): their segments show
                    continue                # depth (tests/browser/test_reading_figures.py)
                # the depth cue: far points drawn first, smaller and fainter; nearer ones later, larger (in each mark:
                # behind the plane, in front of it)
                sizes = [p["size"] for p in scene["points"]]
                spread = max(spread, max(sizes) / min(sizes))
                for mark in scene["marks"]:
                    assert rising([p["size"] for p in mark]), f"{where}: points not drawn from back to front"
                    assert rising([p["opacity"] for p in mark]), f"{where}: opacity does not follow depth"
            # (a flat cloud seen face-on has little depth: some turn shows it)
            if scene["points"]:
                assert spread > 1.5, f"{fid}: points barely change size with depth at any turn: {spread:.2f}"
    finally:
        context.close()


def test_wide_figures_use_the_margin_on_a_wide_screen(browser, site_url, built_site):
    """A wide figure (pages.WIDE_KINDS) is wider than the text column at 1280 px, its plots drawn larger to fill it,
    with no horizontal scroll; every other figure keeps to the column."""
    from generator.pages import WIDE_KINDS
    _, report = built_site
    wide = [fid for fid, info in report["figures"].items() if info["kind"] in WIDE_KINDS]
    assert wide, "no wide figure in the build report"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    try:
        start_all(page, site_url, report)
        column = page.evaluate("document.querySelector('main p').getBoundingClientRect().width")
        for fid in report["figures"]:
            box = page.evaluate("""(id) => { const f = window.figures[id], c = f.container.querySelector('canvas');
                const own = (name) => typeof f.spec[name] === 'number' ? f.spec[name]
                  : (f.spec.signals || []).find((s) => s.name === name).value;
                // how much larger than the spec's own size its plots are drawn (1: as the spec says)
                const grown = f.sizes ? Math.min(...Object.keys(f.sizes).map((n) => f.sizes[n] / own(n))) : 1;
                return {figure: f.el.getBoundingClientRect().width, right: f.el.getBoundingClientRect().right,
                        shown: c.getBoundingClientRect().width, drawn: parseFloat(c.style.width) || c.width, grown}; }""",
                                fid)
            if fid in wide:
                assert box["figure"] > column + 100, f"{fid}: not wider than the {column:.0f} px column: {box}"
                assert box["grown"] > 1.2, f"{fid}: its plots were not drawn larger to use the room: {box}"
            else:
                assert box["figure"] <= column + 1, f"{fid}: wider than the column: {box}"
            assert box["right"] <= 1280 and abs(box["shown"] - box["drawn"]) < 1, f"{fid}: {box}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()
