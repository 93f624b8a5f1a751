"""The contrast of every mark a figure draws against what lies under it, read from the running view.

MARK_CONTRASTS walks the view's scenegraph (view.scenegraph()) for the marks a reader must see: points and other
symbols (legend swatches included), lines, rules (axis domains and ticks included), text, and the bars and ticks
of a chart (rect marks Vega-Lite styles "bar" or "tick"). Heat-map cells and bands (rect marks styled "rect"),
areas, images and group backgrounds are what marks are drawn on, not marks; axis grid lines are decoration
(WCAG 1.4.11 asks nothing of them) and are left out.

What lies under a mark is measured, not guessed: the marks are hidden (opacity 0), and the axis grids with them (a
mark stands out from the plot's ground, not from the grid line it crosses), and the view is drawn again off screen
(view.toCanvas at scale 1: the background, the images, areas, cells and bands, clipped as on screen). Each mark is
then sampled there where it is drawn: a point at its centre and four points of its edge, a line at each vertex and
every 3 px between (at most MOST_SAMPLES), a rule at five points along it, a text or a bar at nine over its box, a
symbol drawn as a path of dots (spiralNet's input points, the weight trails) at each dot. A mark's colour is blended
with its opacity over that pixel (as the canvas blends, in sRGB) and the WCAG contrast ratio of the two is taken; a
symbol or bar with a fill and an outline counts the better of the two. Each mark reports the lower quartile of its
samples, a bar or tick its median: a mark is seen against most of what lies under it, and a point over the plot's
edge or a tick's end on it is a sample or two (a bar's nine samples lie in three rows, one of which may lie on the
plot's edge).
"""
from __future__ import annotations

MOST_SAMPLES = 300

MARK_CONTRASTS = """async ([id, most]) => {
  const QUARTILE = 0.25;
  const f = window.figures[id], view = f.view;
  await view.runAsync();
  // the style Vega-Lite gave each mark (bar, tick, rect, area, ...), by the mark's name in the spec
  const styles = new Map();
  (function collect(node) {
    for (const m of node.marks || []) { if (m.name) styles.set(m.name, [].concat(m.style || [])); collect(m); }
  })(f.spec);
  const DRAWN = new Set(['symbol', 'line', 'rule', 'text', 'trail', 'path', 'shape', 'arc']);
  const isMark = (mark) => mark.role !== 'axis-grid' && (DRAWN.has(mark.marktype)
    || (mark.marktype === 'rect' && (styles.get(mark.name) || []).some((s) => s === 'bar' || s === 'tick')));
  // CSS colour -> [r, g, b, a] (a in 0..1), or null for none, a gradient or an unreadable colour
  const probe = document.createElement('canvas').getContext('2d');
  const rgba = (colour) => {
    if (typeof colour !== 'string' || !colour || colour === 'none') return null;
    probe.fillStyle = '#010203'; probe.fillStyle = colour;
    const s = probe.fillStyle;
    if (s === '#010203' && colour.toLowerCase() !== '#010203') return null;
    if (s[0] === '#') return [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16)).concat(1);
    const v = s.match(/[\\d.]+/g).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const linear = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const over = (c, alpha, bg) => [0, 1, 2].map((i) => Math.round(c[i] * alpha + bg[i] * (1 - alpha)));
  const hex = (c) => '#' + c.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('');
  const fin = (v) => typeof v === 'number' && isFinite(v);
  const pick = (points) => points.length <= most ? points
    : Array.from({length: most}, (_, k) => points[Math.floor(k * (points.length - 1) / (most - 1))]);
  const grid = (x1, y1, x2, y2) => [0.2, 0.5, 0.8].flatMap((u) => [0.2, 0.5, 0.8].map((v) => [x1 + u * (x2 - x1),
    y1 + v * (y2 - y1)]));

  // every mark to measure, with its place on the canvas: {mark, x offset, y offset, clip box, key}
  const found = [];
  // where Vega's renderer puts the scene: the view's origin, inside its padding
  const [ox, oy] = [view.origin()[0] + view.padding().left, view.origin()[1] + view.padding().top];
  (function walk(mark, x0, y0, clip, path) {
    const key = `${path}/${mark.name || mark.role || mark.marktype}`;
    if (isMark(mark)) found.push({mark, x0, y0, clip, key});
    if (mark.marktype !== 'group') return;
    (mark.items || []).forEach((group, i) => {
      const gx = x0 + (group.x || 0), gy = y0 + (group.y || 0);
      const box = {x1: gx, y1: gy, x2: gx + (group.width || 0), y2: gy + (group.height || 0)};
      const inner = group.clip ? box : clip;
      for (const child of group.items || []) {
        const childClip = child.clip ? (inner ? {x1: Math.max(inner.x1, box.x1), y1: Math.max(inner.y1, box.y1),
          x2: Math.min(inner.x2, box.x2), y2: Math.min(inner.y2, box.y2)} : box) : inner;
        walk(child, gx, gy, childClip, `${key}[${i}]`);
      }
    });
  })(view.scenegraph().root, ox, oy, null, '');

  // what lies under them: the view drawn again with every measured mark hidden, and the axis grids (decoration
  // drawn under the marks: a mark stands out from the plot's ground, not from the grid line it crosses)
  const grids = [];
  (function walk(mark) { if (mark.role === 'axis-grid') grids.push(mark);
    for (const item of mark.items || []) for (const child of item.items || []) walk(child); })(view.scenegraph().root);
  const hidden = [];
  for (const mark of [...found.map((f) => f.mark), ...grids]) {
    for (const item of mark.items || []) { hidden.push([item, item.opacity]); item.opacity = 0; }
  }
  let canvas;
  try { canvas = await view.toCanvas(1); }
  finally { for (const [item, o] of hidden) { if (o === undefined) delete item.opacity; else item.opacity = o; } }
  const W = canvas.width, H = canvas.height;
  const pixels = canvas.getContext('2d').getImageData(0, 0, W, H).data;
  const viewBg = rgba(view.background()) || rgba(getComputedStyle(document.body).backgroundColor);
  const under = (x, y) => {
    const i = 4 * (Math.min(H - 1, Math.max(0, Math.round(y))) * W + Math.min(W - 1, Math.max(0, Math.round(x))));
    const a = pixels[i + 3] / 255;  // a transparent view shows the page under it
    return [0, 1, 2].map((k) => Math.round(pixels[i + k] * a + viewBg[k] * (1 - a)));
  };

  const out = [];
  const measure = (key, kind, role, paints, points, x0, y0, clip, text) => {
    const inks = paints.filter((p) => p && p.colour && p.colour[3] * p.alpha > 0);
    const at = points.map(([x, y]) => [x + x0, y + y0])
      .filter(([x, y]) => fin(x) && fin(y) && x >= 0 && y >= 0 && x < W && y < H
              && (!clip || (x >= clip.x1 - 0.5 && x <= clip.x2 + 0.5 && y >= clip.y1 - 0.5 && y <= clip.y2 + 0.5)));
    if (!inks.length || !at.length) return;
    const seen = at.map(([x, y]) => {
      const bg = under(x, y);
      let best = null;
      for (const p of inks) {
        const shown = over(p.colour, p.colour[3] * p.alpha, bg), c = ratio(shown, bg);
        if (!best || c > best.contrast) {
          best = {contrast: c, colour: hex(shown), ink: hex(p.colour), alpha: p.colour[3] * p.alpha};
        }
      }
      return {...best, bg: hex(bg)};
    }).sort((a, b) => a.contrast - b.contrast);
    // the lower quartile (a bar's median: its samples lie in rows): a mark is seen against most of what lies under it
    const rank = kind === 'bar' || kind === 'tick' ? 0.5 : QUARTILE;
    out.push({key, kind, role: role || '', text, samples: at.length, ...seen[Math.floor(rank * (seen.length - 1))]});
  };
  const paint = (colour, alpha) => ({colour: rgba(colour), alpha});
  for (const {mark, x0, y0, clip, key} of found) {
    const type = mark.marktype, items = mark.items || [];
    const kind = type === 'rect' ? (styles.get(mark.name) || []).find((s) => s === 'bar' || s === 'tick') : type;
    if (type === 'line' || type === 'trail') {  // one path: the first item's paint
      const first = items[0];
      if (!first) continue;
      // along each segment, a sample every 3 px (a straight boundary has two vertices)
      const points = [];
      items.forEach((it, k) => {
        const next = items[k + 1];
        if (it.defined === false || !fin(it.x) || !fin(it.y)) return;
        points.push([it.x, it.y]);
        if (!next || next.defined === false || !fin(next.x) || !fin(next.y)) return;
        const steps = Math.floor(Math.hypot(next.x - it.x, next.y - it.y) / 3);
        for (let j = 1; j < steps; j++) {
          points.push([it.x + (next.x - it.x) * j / steps, it.y + (next.y - it.y) * j / steps]);
        }
      });
      measure(key, kind, mark.role, [paint(first.stroke, (first.opacity ?? 1) * (first.strokeOpacity ?? 1))],
              pick(points), x0, y0, clip, '');
      continue;
    }
    items.forEach((it, i) => {
      const o = it.opacity ?? 1;
      const fill = paint(it.fill, o * (it.fillOpacity ?? 1));
      const stroke = (it.strokeWidth ?? 1) >= 0.5 ? paint(it.stroke, o * (it.strokeOpacity ?? 1)) : null;
      let points, paints = [fill, stroke], text = '';
      if (type === 'text') {
        text = Array.isArray(it.text) ? it.text.join(' ') : String(it.text ?? '');
        if (!text.trim() || !it.bounds || it.bounds.empty?.()) return;
        points = grid(it.bounds.x1, it.bounds.y1, it.bounds.x2, it.bounds.y2);
        paints = [fill];
      } else if (type === 'rule') {
        const x2 = it.x2 ?? it.x, y2 = it.y2 ?? it.y;
        points = [0.1, 0.3, 0.5, 0.7, 0.9].map((t) => [it.x + t * (x2 - it.x), it.y + t * (y2 - it.y)]);
        paints = [stroke || paint(it.stroke, o * (it.strokeOpacity ?? 1))];
      } else if (type === 'rect') {
        const x2 = fin(it.width) ? it.x + it.width : it.x2 ?? it.x;
        const y2 = fin(it.height) ? it.y + it.height : it.y2 ?? it.y;
        points = grid(Math.min(it.x, x2), Math.min(it.y, y2), Math.max(it.x, x2), Math.max(it.y, y2));
      } else if (type === 'symbol' && typeof it.shape === 'string' && /^\\s*M/i.test(it.shape)) {
        // a symbol drawn as a path of dots, in a unit box scaled by sqrt(size) / 2 about the symbol's place
        const r = Math.sqrt(it.size ?? 64) / 2;
        const dots = [...it.shape.matchAll(/M\\s*(-?[\\d.e]+)[ ,]+(-?[\\d.e]+)/gi)];
        points = pick(dots.map((m) => [it.x + r * +m[1], it.y + r * +m[2]]));
      } else {  // a point: its centre, and four points of its edge
        const r = Math.sqrt(it.size ?? 64) / 2;
        points = [[it.x, it.y], [it.x - r, it.y], [it.x + r, it.y], [it.x, it.y - r], [it.x, it.y + r]];
      }
      measure(`${key}#${i}`, kind, mark.role, paints, points, x0, y0, clip, text.slice(0, 40));
    });
  }
  return {width: W, height: H, background: hex(viewBg), marks: out};
}"""


def needed(kind: str) -> float:
    """WCAG's ratio for a mark: 4.5:1 for text (1.4.3), 3:1 for the parts of a graphic (1.4.11)."""
    return 4.5 if kind == "text" else 3.0
