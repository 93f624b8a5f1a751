"""Every state of a moving figure legible (issue 26): the slider and its readout say each frame in the figure's own
terms (its frames file's label, never "frame 51 of 101" where the chart says "step 15,000"); a figure taller than
the screen keeps its slider on it while its top is; spiralNet's loss curves mark every snapshot, step 0 too; and
the disk that training squeezes into a corner of the hidden square stays visible at its last frame."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .figure_checks import wait_ready
from .test_figures import animated

pytestmark = pytest.mark.browser

SETTLE = "(id) => window.figures[id].view.runAsync().then(() => null)"
SCRUB = "(e, v) => { e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); }"


def figure_page(page, site_url, fid):
    page.goto(f"{site_url}figures/{fid}/", wait_until="load")
    wait_ready(page, [fid], page.problems)
    return page.locator(f'figure[data-figure="{fid}"]')


def spoken(label: str) -> str:
    """A frame's label as the player says it (figure.js, spoken): 'step 40 of 300 · loss 0.2' -> '..., loss 0.2'."""
    return re.sub(r"\s+·\s+", ", ", label).replace("·", "×")


def frame_labels(site: Path, fid: str) -> list[dict[int, str]]:
    """Each frames file the figure's exported spec names (a sweep's: the choice it opens on), as frame -> label."""
    folder = site / "figures" / fid
    text = (folder / "spec.vl.json").read_text()
    found = []
    for url in sorted(set(re.findall(r'"url":\s*"([^"]*frames[^"]*\.json)"', text))):
        rows = json.loads((folder / url).read_text())
        if rows and isinstance(rows[0].get("label"), str):
            found.append({int(row["i"]): row["label"] for row in rows})
    return found


def test_the_slider_says_every_frame_in_the_figures_own_terms(page, site_url, built_site):
    """Scrubbed as a reader scrubs (input events), the slider's aria-valuetext and the readout beside it read the
    frame's own label: the chart's words, at the first, a middle and the last frame."""
    site, report = built_site
    wrong, checked = [], 0
    for fid in animated(report):
        labels = frame_labels(site, fid)
        if not labels:
            continue
        fig = figure_page(page, site_url, fid)
        slider = fig.locator(".fig-bind input[type=range][data-signal=frame]")
        top = int(slider.get_attribute("max"))
        for value in sorted({0, top // 2, top}):
            slider.evaluate(SCRUB, value)
            page.evaluate(SETTLE, fid)
            page.wait_for_timeout(50)  # the player's second look, after the run that follows the scrub
            said = slider.get_attribute("aria-valuetext")
            shown = fig.locator(".fig-frame").text_content()
            expected = {spoken(rows[value]) for rows in labels if value in rows}
            checked += 1
            if said not in expected or shown != said:
                wrong.append(f"{fid} frame {value}: says {said!r}, shows {shown!r}; its label is {sorted(expected)}")
    assert checked >= 10, f"only {checked} frames checked"
    assert wrong == [], "\n".join(wrong)
    assert page.problems == []


def test_a_tall_figure_keeps_its_slider_on_a_phones_screen(phone, site_url, built_site):
    """Figure 20 on a phone is six panels, far taller than the screen: with its top at the top of the screen, the
    slider is on the screen too, and it still works from there."""
    fid = "spiral-training"
    fig = figure_page(phone, site_url, fid)
    view = fig.locator(".fig-view")
    height, screen = view.evaluate("(e) => e.getBoundingClientRect().height"), phone.evaluate("innerHeight")
    assert height > 1.3 * screen, f"{fid} is {height:.0f} px tall on a {screen} px screen: the test looks at nothing"
    slider = fig.locator(".fig-bind input[type=range][data-signal=frame]")
    for top in (0.0, 0.3, 0.6):  # the figure's top at the screen's top, then scrolled a third and two thirds down it
        view.evaluate("(e, share) => window.scrollTo(0, window.scrollY + e.getBoundingClientRect().top "
                      "+ share * e.getBoundingClientRect().height)", top)
        phone.wait_for_timeout(100)
        box = slider.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= screen, \
            f"{fid} scrolled {top:.0%} into its view: slider at {box}, the screen is {screen} px tall"
        # and the bar leaves most of the screen to the figure's panels
        bar = fig.locator(".fig-controls").bounding_box()
        assert bar["height"] <= 0.25 * screen, f"{fid}: its controls are {bar['height']:.0f} px tall on {screen}"
    slider.evaluate(SCRUB, 3)
    phone.evaluate(SETTLE, fid)
    assert phone.evaluate("(id) => window.figures[id].view.signal('frame')", fid) == 3
    # a short figure's controls stay where they are, under it
    short = next(f for f in animated(built_site[1]) if f in ("curves-layer-morph", "interval-training"))
    figure_page(phone, site_url, short)
    assert not phone.locator(f'figure[data-figure="{short}"]').evaluate("(e) => e.classList.contains('fig-tall')")
    assert phone.problems == []


# The red dots of Figure 20's loss panels (style: the scrubbed snapshot on each curve), read from the scenegraph:
# where each is drawn, in its panel.
LOSS_DOTS = """(id) => { const out = [];
  const walk = (node, w, h) => { if (!node) return;
    if (node.marktype === 'symbol') for (const it of node.items || []) {
      if (String(it.fill).toLowerCase() === '#d1352b') out.push({x: it.x, y: it.y, w, h}); }
    for (const child of node.items || []) if (child.items) walk(child, child.width ?? w, child.height ?? h); };
  walk(window.figures[id].view.scenegraph().root, 0, 0); return out; }"""


def test_spiral_training_marks_every_snapshot_on_its_loss_curves(page, site_url, built_site):
    """Step 0 is on the loss curves and so is its dot; the last snapshot is the last step of training, and every
    label prints its loss in one format."""
    fid = "spiral-training"
    site, report = built_site
    frames = report["figures"][fid]["frames"]
    figure_page(page, site_url, fid)
    for i in (0, 1, frames - 1):
        page.evaluate("([id, i]) => window.figures[id].setFrame(i).then(() => null)", [fid, i])
        dots = page.evaluate(LOSS_DOTS, fid)
        assert len(dots) == 2, f"frame {i}: {len(dots)} loss dots drawn, one a column expected: {dots}"
        for dot in dots:
            assert 0 <= dot["x"] <= dot["w"] and 0 <= dot["y"] <= dot["h"], f"frame {i}: a dot outside its panel {dot}"
    for rows in frame_labels(site, fid):
        last = rows[max(rows)]
        step, total = (int(n.replace(",", "")) for n in re.match(r"step ([\d,]+) of ([\d,]+)", last).groups())
        assert step == total, f"the last snapshot reads {last!r}"
        assert len(rows) == frames, f"{len(rows)} labelled frames of {frames}"
        decimals = {len(m.group(1)) if m else None for m in (re.search(r"loss \d+\.(\d+)$", t) for t in rows.values())}
        assert len(decimals) == 1 and None not in decimals, f"losses printed with {decimals} decimals"
    assert page.problems == []


# Red pixels (Olah's red, class A) in each panel of the view: the span of their bounding box as a share of the
# panel's width and height, and their count. Panels are the view's top-level plot groups, placed as the canvas draws
# them (the view's origin and padding, the canvas's pixel ratio).
RED_IN_PANELS = """(id) => { const f = window.figures[id], view = f.view;
  const c = f.container.querySelector('canvas');
  const ratio = c.width / (parseFloat(c.style.width) || c.width);
  const [ox, oy] = [view.origin()[0] + view.padding().left, view.origin()[1] + view.padding().top];
  const top = view.scenegraph().root.items[0];  // the view's own group: a concat's panels are its scope groups
  const panels = (top.items || []).filter((m) => m.marktype === 'group' && m.role === 'scope')
    .flatMap((m) => m.items.map((g) => ({x: ox + g.x, y: oy + g.y, w: g.width, h: g.height})));
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  return panels.map((p) => { let n = 0, x1 = Infinity, x2 = -Infinity, y1 = Infinity, y2 = -Infinity;
    for (let y = Math.floor(p.y * ratio); y < (p.y + p.h) * ratio; y++) for (let x = Math.floor(p.x * ratio); x < (p.x + p.w) * ratio; x++) {
      const i = 4 * (y * c.width + x);
      if (d[i] > 150 && d[i + 1] < 110 && d[i + 2] < 110) { n++; x1 = Math.min(x1, x); x2 = Math.max(x2, x); y1 = Math.min(y1, y); y2 = Math.max(y2, y); } }
    return {n, span: n ? Math.max((x2 - x1) / (p.w * ratio), (y2 - y1) / (p.h * ratio)) : 0}; }); }"""


def test_the_disk_stays_visible_at_every_frame(page, site_url, built_site):
    """The disk through training (Figure 9): the layer squeezes it into a corner of the hidden square, a red L two
    pixels wide in the whole square's view; a second panel follows it, so that at every frame the red spans at least
    half of that panel (measured on the canvas) and shows there in more pixels than in the whole square's view."""
    fid = "annulus-training"
    figure_page(page, site_url, fid)
    frames = built_site[1]["figures"][fid]["frames"]
    for i in sorted({0, frames // 4, frames // 2, 3 * frames // 4, frames - 1}):
        page.evaluate("([id, i]) => window.figures[id].setFrame(i).then(() => null)", [fid, i])
        page.wait_for_timeout(50)
        panels = page.evaluate(RED_IN_PANELS, fid)
        assert len(panels) == 2, f"frame {i}: {len(panels)} panels, the whole square and the disk's close-up expected"
        whole, close = panels
        assert close["span"] >= 0.5 and close["n"] > whole["n"], f"frame {i}: red in the whole view {whole}, close {close}"
    assert page.problems == []
