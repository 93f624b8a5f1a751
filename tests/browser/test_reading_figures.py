"""Figures read as a reader reads them (issue 26): a 3-D view turns when dragged and shows depth (far lines thinner and
fainter, the separating plane a see-through face with what lies behind it drawn under it); a hovered point says
what it is; the packing figure gives each line a panel of its own; the learning graph's digit labels never overlap.
The builders' side (the drag's signals, the plane's face, the labels' placement, the histograms' bins) is in
tests/test_legible_figures.py."""
from __future__ import annotations

import itertools

import pytest

from .figure_checks import CANVAS_STATS, started_article, wait_ready

pytestmark = pytest.mark.browser

# Every mark of a view, in drawing order, with its items' place on the page (the canvas's CSS pixels): Vega's scene
# coordinates plus the groups' offsets, the view's origin and padding, scaled as the page shows the canvas.
MARKS = """(id) => {
  const f = window.figures[id], view = f.view, canvas = f.container.querySelector('canvas');
  const box = canvas.getBoundingClientRect(), scale = box.width / (parseFloat(canvas.style.width) || canvas.width);
  const [ox, oy] = [view.origin()[0] + view.padding().left, view.origin()[1] + view.padding().top];
  const marks = [];
  const walk = (mark, x0, y0, cell) => {
    const items = (mark.items || []).map((item) => ({
      x: box.left + (x0 + (item.x || 0)) * scale, y: box.top + (y0 + (item.y || 0)) * scale,
      x2: item.x2 == null ? null : box.left + (x0 + item.x2) * scale,
      y2: item.y2 == null ? null : box.top + (y0 + item.y2) * scale,
      bounds: item.bounds && {x1: box.left + (x0 + item.bounds.x1) * scale, x2: box.left + (x0 + item.bounds.x2) * scale,
                              y1: box.top + (y0 + item.bounds.y1) * scale, y2: box.top + (y0 + item.bounds.y2) * scale},
      tooltip: item.tooltip ?? null, shape: typeof item.shape === 'string' ? item.shape : null,
      opacity: item.opacity ?? 1, size: item.size, strokeWidth: item.strokeWidth, fill: item.fill ?? null,
      fillOpacity: item.fillOpacity ?? 1, stroke: item.stroke ?? null, text: item.text ?? null,
      datum: item.datum && Object.fromEntries(['K', 'k', 'mid', 'near', 'side', 'digit', 'x', 'y']
        .filter((k) => k in item.datum).map((k) => [k, item.datum[k]]))}));
    if (mark.marktype !== 'group') {
      marks.push({name: mark.name || '', role: mark.role || '', type: mark.marktype, cell, items});
      return;
    }
    (mark.items || []).forEach((group, i) => {
      for (const child of group.items || []) walk(child, x0 + (group.x || 0), y0 + (group.y || 0),
        mark.name?.startsWith('cell') ? `${mark.name}[${i}]` : cell);  // a facet's panel
    });
  };
  walk(view.scenegraph().root, ox, oy, '');
  return marks;
}"""


@pytest.fixture(scope="module")
def article(browser, site_url, built_site):
    """One started article for the module: its tests read figures and leave each as a reader would."""
    yield from started_article(browser, site_url, built_site[1])


def of_kind(report, kind):
    found = [fid for fid, info in report["figures"].items() if info["kind"] == kind]
    assert found, f"the build report lists no {kind} figure"
    return found


def on_screen(page, fid):
    page.locator(f'figure[data-figure="{fid}"]').evaluate("(el) => el.scrollIntoView({block: 'center'})")
    page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", fid)


def angles(page, fid):
    return page.evaluate("""(id) => { const f = window.figures[id], v = f.view;
        const slider = (n) => Number(f.el.querySelector(`.fig-bind input[type=range][data-signal=${n}]`).value);
        return {az: v.signal('az'), el: v.signal('el'), azSlider: slider('az'), elSlider: slider('el')}; }""", fid)


def test_dragging_a_3d_view_turns_it_and_its_sliders_follow(article, built_site):
    page, (_, report) = article, built_site
    for fid in of_kind(report, "rotatable-3d"):
        on_screen(page, fid)
        page.evaluate("(id) => window.figures[id].view.signal('az', 30).signal('el', 20).runAsync().then(() => null)",
                      fid)
        before = page.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS)
        box = page.locator(f'figure[data-figure="{fid}"] .fig-view canvas').bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        assert page.evaluate("(id) => getComputedStyle(window.figures[id].container).cursor", fid) == "grab"
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(1, 11):  # 60 px right and 40 px down, as a hand drags
            page.mouse.move(x + 6 * step, y + 4 * step)
        page.mouse.up()
        page.evaluate("(id) => window.figures[id].view.runAsync().then(() => null)", fid)
        now = angles(page, fid)
        # half a degree a pixel: right turns, down tilts towards looking from above
        assert now["az"] == pytest.approx(60, abs=2) and now["el"] == pytest.approx(40, abs=2), f"{fid}: {now}"
        assert (now["azSlider"], now["elSlider"]) == (now["az"], now["el"]), f"{fid}: the sliders did not follow {now}"
        after = page.locator(f'figure[data-figure="{fid}"]').evaluate(CANVAS_STATS)
        assert after["hash"] != before["hash"], f"{fid}: dragging left the picture unchanged"
        # a drag that ends does not go on turning the view
        page.mouse.move(x - 100, y - 100)
        assert angles(page, fid)["az"] == now["az"]
    assert page.problems == []


def test_on_a_touch_screen_a_3d_view_keeps_sideways_drags_and_lets_the_page_scroll(phone, site_url, built_site):
    _, report = built_site
    phone.goto(site_url, wait_until="load")
    phone.wait_for_function("typeof window.startAllFigures === 'function'")
    phone.evaluate("window.startAllFigures().then(() => null)")
    turned = of_kind(report, "rotatable-3d")
    wait_ready(phone, report["figures"], phone.problems)
    touch = phone.evaluate("""() => Object.values(window.figures).map((f) =>
        [f.id, getComputedStyle(f.container).touchAction])""")
    assert {fid for fid, action in touch if action == "pan-y"} == set(turned), touch


def tooltip_marks(marks):
    """The marks of a view that draw points (circles or squares, a few or more, not a legend's swatches)."""
    return [m for m in marks if m["type"] == "symbol" and not m["role"].startswith("legend") and len(m["items"]) >= 5
            and {i["shape"] for i in m["items"]} <= {"circle", "square", None}]


# tooltip_marks in the page, each mark's items counted there (the items of every figure's points are many)
POINT_MARKS = f"""(id) => ({MARKS})(id)
  .filter((m) => m.type === 'symbol' && !m.role.startsWith('legend') && m.items.length >= 5
                 && m.items.every((i) => [null, 'circle', 'square'].includes(i.shape)))
  .map((m) => ({{name: m.name, role: m.role, points: m.items.length,
                 untipped: m.items.filter((i) => i.tooltip == null || i.tooltip === '').length}}))"""


def test_every_chart_with_points_says_what_a_hovered_point_is(article, built_site):
    page, (_, report) = article, built_site
    missing, with_points = [], 0
    for fid in report["figures"]:
        for mark in page.evaluate(POINT_MARKS, fid):
            with_points += 1
            if mark["untipped"]:
                missing.append(f"{fid}: {mark['name'] or mark['role']} ({mark['points']} points)")
    assert with_points >= 15, f"only {with_points} marks of points found: is the walk reading the views?"
    assert missing == [], "points without a tooltip:\n" + "\n".join(missing)


@pytest.mark.parametrize("fid, expect", [("two-curves", ["class", "x₁", "x₂"]), ("tori-hidden", ["class", "h₁", "h₃"]),
                                         ("spiral-directions", ["class"]), ("zero-output-graph", ["mean training step"])])
def test_hovering_a_point_shows_its_tooltip_beside_the_pointer(article, built_site, fid, expect):
    page = article
    assert fid in built_site[1]["figures"]
    on_screen(page, fid)
    marks = tooltip_marks(page.evaluate(MARKS, fid))
    assert marks, f"{fid}: no points"
    # the last point drawn in the last mark of points: nothing of the points is drawn over it
    item = marks[-1]["items"][-1]
    page.mouse.move(item["x"], item["y"])
    tip = page.locator(".fig-tooltip")
    tip.wait_for(state="visible", timeout=3000)
    text = tip.inner_text()
    for word in expect:
        assert word in text, f"{fid}: the tooltip reads {text!r}"
    shown = tip.bounding_box()
    assert abs(shown["x"] - item["x"]) < 60 + shown["width"] and abs(shown["y"] - item["y"]) < 60 + shown["height"]
    page.mouse.move(5, 5)
    tip.wait_for(state="hidden", timeout=3000)


def test_a_3d_view_shows_depth_and_its_plane_apart_from_the_sheet(article, built_site):
    """The sheet's lines (Figure 10's circles) are segments drawn far to near, thicker and more opaque as they near;
    the separating plane is a face of its own colour, see-through, and with two classes what lies behind it (seen
    from the reader) is drawn before it and what lies in front after it."""
    page, (_, report) = article, built_site
    sheets = planes = 0
    for fid in of_kind(report, "rotatable-3d"):
        on_screen(page, fid)
        for az, el in ((30, 20), (200, -30), (120, 70)):
            page.evaluate("([id, az, el]) => window.figures[id].view.signal('az', az).signal('el', el).runAsync()"
                          ".then(() => null)", [fid, az, el])
            marks = page.evaluate(MARKS, fid)
            facing = page.evaluate("(id) => { try { return window.figures[id].view.signal('facing'); } "
                                   "catch { return null; } }", fid)
            where = f"{fid} at turn {az}, tilt {el}"
            for mark in (m for m in marks if m["name"].startswith("sheet_") and m["items"]):
                sheets += 1
                mids = [i["datum"]["mid"] for i in mark["items"]]
                assert mids == sorted(mids), f"{where}: {mark['name']} not drawn from far to near"
                far, near = mark["items"][0], mark["items"][-1]
                assert near["strokeWidth"] > far["strokeWidth"] and near["opacity"] > far["opacity"], \
                    f"{where}: {mark['name']}: far {far}, near {near}"
            faces = [m for m in marks if m["name"].startswith("plane_face") and m["items"]]
            if not faces:
                continue
            planes += 1
            face = faces[0]["items"][0]
            inks = {i["stroke"] or i["fill"] for m in marks if m["name"].startswith(("sheet_", "points_"))
                    for i in m["items"]}
            assert face["fill"] and face["fill"] not in inks and 0.05 <= face["fillOpacity"] <= 0.5, \
                f"{where}: the plane's face {face} does not stand apart from the sheet's {inks}"
            assert face["stroke"] and face["strokeWidth"] >= 1.2, f"{where}: the face has no outline: {face}"
            if facing is None:
                continue
            order = [m["name"] for m in marks]
            first_face = next(i for i, name in enumerate(order) if name.startswith("plane_face"))
            for i, mark in enumerate(marks):
                side = "behind" if mark["name"].endswith("_behind") else "front" if mark["name"].endswith("_front") else ""
                if not side:
                    continue
                assert (i < first_face) == (side == "behind"), f"{where}: {mark['name']} drawn on the wrong side of the face"
                wrong = [it["datum"] for it in mark["items"] if (it["datum"]["side"] * facing < 0) != (side == "behind")]
                assert wrong == [], f"{where}: {mark['name']} holds points of the other side: {wrong[:3]}"
    assert sheets and planes, f"no sheet ({sheets}) or plane ({planes}) drawn in any 3-D view"
    assert page.problems == []


@pytest.mark.parametrize("width", [1280, 375])
def test_the_learning_graphs_digit_labels_never_overlap(browser, site_url, built_site, width):
    _, report = built_site
    graphs = [fid for fid in of_kind(report, "mapper-graph")]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.problems = []
    try:
        page.goto(site_url, wait_until="load")
        page.wait_for_function("typeof window.startAllFigures === 'function'")
        page.evaluate("window.startAllFigures().then(() => null)")
        wait_ready(page, graphs)
        labelled = 0
        for fid in graphs:
            on_screen(page, fid)
            labels = [i for m in page.evaluate(MARKS, fid) if m["type"] == "text" for i in m["items"]
                      if i["datum"] and "digit" in i["datum"]]
            labelled += bool(labels)
            for a, b in itertools.combinations(labels, 2):
                p, q = a["bounds"], b["bounds"]
                overlap = min(p["x2"], q["x2"]) - max(p["x1"], q["x1"]), min(p["y2"], q["y2"]) - max(p["y1"], q["y1"])
                assert min(overlap) <= 0.5, f"{fid} at {width} px: labels {a['text']!r} and {b['text']!r} overlap"
        assert labelled >= 2, f"only {labelled} learning graphs with digit labels"
    finally:
        context.close()


def test_each_packing_panel_draws_one_line(article, built_site):
    """Figure 21's ReLU panel drew six K's lines over one another, a tangle: each panel now holds one K."""
    page, (_, report) = article, built_site
    fid = "spiral-packing"
    assert fid in report["figures"]
    lines = [m for m in page.evaluate(MARKS, fid) if m["type"] == "line" and m["items"]]
    assert lines, f"{fid}: no lines"
    per_cell = {}
    for mark in lines:
        per_cell.setdefault(mark["cell"], set()).update(i["datum"]["K"] for i in mark["items"] if i["datum"])
    assert len(per_cell) >= 12, f"{fid}: {len(per_cell)} panels"
    tangled = {cell: ks for cell, ks in per_cell.items() if len(ks) != 1}
    assert tangled == {}, f"{fid}: panels with other than one line: {tangled}"
