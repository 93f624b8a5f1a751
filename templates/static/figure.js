// Starting a figure, imported by the player (player.js) when the first figure nears the viewport, with Vega's
// runtime and the player's second half (extras.js), so the first view carries none of it: the figure's Vega view,
// fitted to its column and drawn in the page's theme, its play, pause and step controls, its words for a screen
// reader; window.figures[id] holds each started figure.
const html = document.documentElement;
const root = html.dataset.root || "./";
const figures = (window.figures = window.figures || {});
const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const FRAME_MS = 60;

// Vega's runtime (a UMD build: importing it defines globalThis.vega), fetched once, with extras.js (step buttons
// and speed, the data as text, embed panels; the player imports the same module for an embed panel opened first).
let vegaLoaded = null, more = null;
function loadVega() {
  vegaLoaded ??= Promise.all([globalThis.vega ? null : import(new URL(html.dataset.vega, document.baseURI).href),
    import(new URL(html.dataset.extras, document.baseURI).href).then((module) => (more = module))]).then(() => {
    if (!globalThis.vega) throw new Error("Vega's runtime did not load");
    return globalThis.vega;
  });
  return vegaLoaded;
}

// ---- Theme: html[data-theme] holds the reader's choice (set before first paint by base.html's head script);
// without one, the system's preference decides.
const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");
const theme = () => html.dataset.theme || (darkScheme.matches ? "dark" : "light");
const INK = "#e4e6ea", MUTED = "#a7adb7", BG = "#16181d", GRID = "#30343c", FRAME = "#3d424b", DOMAIN = "#7b828d";
// Vega config for dark pages: only chrome changes (background, text, axes, grids, legends, titles);
// the data's palettes keep their colours, and so their meaning (the few too dark for the dark ground get a
// lighter twin of the same name: DARK_TWINS, DARK_VIRIDIS).
const DARK_CONFIG = {
  background: BG,
  title: { color: INK, subtitleColor: MUTED },
  axis: { domainColor: DOMAIN, tickColor: DOMAIN, gridColor: GRID, labelColor: MUTED, titleColor: INK },
  legend: { labelColor: MUTED, titleColor: INK, gradientStrokeColor: FRAME },
  header: { labelColor: MUTED, titleColor: INK },
  text: { fill: INK },
  style: { "guide-label": { fill: MUTED }, "guide-title": { fill: INK }, "group-title": { fill: INK },
           "group-subtitle": { fill: MUTED }, cell: { stroke: FRAME } },
};
// Neutral colours the figures write into their marks (borders, labels, the playhead): ink turns light, white
// separators turn to the background.
const DARK_SWAP = { "#000": INK, "#000000": INK, black: INK, "#111": INK, "#111111": INK, "#222": INK,
  "#222222": INK, "#333": "#cfd3d9", "#333333": "#cfd3d9", "#555": MUTED, "#555555": MUTED,
  "#fff": BG, "#ffffff": BG, white: BG, "#ddd": FRAME, "#dddddd": FRAME, "#e3e3e3": GRID, "#eee": GRID, "#eeeeee": GRID,
  "#999": DOMAIN };
// Data colours that would stand out less from the dark ground than from white, each with its dark twin: the same
// colour name, lighter, so that where the light theme's stands out 3:1 from white, at the opacity it is drawn with
// (Vega-Lite draws ticks and filled points at 0.7), the twin does from BG. Olah's red and blue; spiralNet's blue,
// dark red and purple (its orange and grey moved to stay apart from them); the categorical palette's dark blue, grey
// and violet (its green moved a little). tests/test_palettes.py holds each palette, twins in, to the light theme's
// distances under colour-vision deficiency and to 3:1 on BG.
const DARK_TWINS = { "#d1352b": "#f45644", "#2c6fbb": "#528bda",
  "#1870f0": "#6569f9", "#880000": "#e85c42", "#502090": "#b16bda", "#d87000": "#ee9027", "#808080": "#a5a5a5",
  "#185088": "#566eb1", "#504848": "#faf6f7", "#5800c0": "#8f40f4", "#009058": "#129651" };
// Viridis for the dark ground: the same hues from purple to yellow at its nine stops, its dark end lifted so that
// the weight trails (drawn at 0.55) stand out 3:1 from BG from their first step.
const DARK_VIRIDIS = ["#d891e6", "#c6a2fd", "#a7b8fa", "#8bcae9", "#75d9d3", "#6ae6b4", "#84ee84", "#c0ee45",
  "#fde725"];
const darkRange = (range) => (Array.isArray(range) ? range.map(darkColour)
  : range && range.scheme === "viridis" ? DARK_VIRIDIS : range);
const darkColour = (c) => (typeof c === "string" && (DARK_SWAP[c.toLowerCase()] || DARK_TWINS[c.toLowerCase()])) || c;
// A mark drawn on the figure's own picture (a decision-region image, the same in both themes) keeps its colours:
// the builders give it the style "picture" (generator/figures/style.py, ON_PICTURE), and a scale such a mark
// reads keeps its colours too, so that its legend matches it. Colours chosen per datum (a conditional list, a
// colour computed in a formula) stay as they are.
const PICTURE = "picture";
const onPicture = (mark) => [].concat(mark.style || []).includes(PICTURE);
function scalesRead(node, found) {
  if (Array.isArray(node)) node.forEach((n) => scalesRead(n, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "scale" && typeof value === "string") found.add(value);
      else scalesRead(value, found);
    }
  }
  return found;
}
function pictureScales(node, found = new Set()) {
  for (const mark of node.marks || []) {
    if (onPicture(mark)) scalesRead(mark.encode, found);
    pictureScales(mark, found);
  }
  return found;
}

const COLOUR_KEY = /(^c|C)olor$|^(fill|stroke)$/;
function swapColours(node, kept) {
  if (Array.isArray(node)) return node.map((n) => swapColours(n, kept));
  if (!node || typeof node !== "object" || onPicture(node)) return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "encode") out[key] = swapEncode(value);
    else if (key === "range" && !kept.has(node.name)) out[key] = darkRange(value);
    // a colour property of a title, axis or legend (a panel's subtitle in "#555")
    else if (typeof value === "string" && COLOUR_KEY.test(key)) out[key] = darkColour(value);
    else out[key] = swapColours(value, kept);
  }
  return out;
}
function swapEncode(encode) {
  const out = {};
  for (const [set, channels] of Object.entries(encode || {})) {
    out[set] = {};
    for (const [channel, rule] of Object.entries(channels || {})) {
      // a constant colour ({value}); a conditional list picks per datum (text on a cell) and is left alone
      const swap = rule && !Array.isArray(rule) && typeof rule.value === "string" && darkColour(rule.value);
      out[set][channel] = swap && swap !== rule.value ? { ...rule, value: swap } : rule;
    }
  }
  return out;
}
function merge(base, over) {
  const out = { ...(base || {}) };
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) ? merge(out[k], v) : v;
  }
  return out;
}
// The spec as the current theme draws it. A spec's own config outranks the one given to vega.parse, so the dark
// config is merged into it as well, under the spec's own (its colours swapped like the marks'): what the spec
// leaves out takes the dark config's, and what it says stays said (no frame around a plot where it draws none).
function themed(spec) {
  if (theme() !== "dark") return [spec, {}];
  const dark = swapColours(spec, pictureScales(spec));
  dark.background = BG;
  dark.config = merge(DARK_CONFIG, dark.config || {});
  return [dark, DARK_CONFIG];
}

// ---- Figures
async function createView(figure) {
  const vega = await loadVega();
  let view = await drawView(vega, figure);
  // a chart wider than its column is drawn again to fit (fitted, below); a redraw (a new theme) starts fitted
  for (let tries = 0; tries < 4; tries++) {
    const natural = naturalWidth(figure), room = columnWidth(figure);
    if (!room || natural <= room + 0.5) break;
    const before = figure.sizes;
    if (!figure.stacked && sideBySide(figure.spec)) figure.stacked = true;
    else if (!(figure.sizes = fitted(figure, view, natural, room))) { figure.sizes = before; break; }
    view.finalize();
    view = await drawView(vega, figure);
    if (naturalWidth(figure) >= natural) { // what is too wide is not a plot (a long label): keep the plots' size
      figure.sizes = before;
      view.finalize();
      view = await drawView(vega, figure);
      break;
    }
  }
  // a wide figure (pages.WIDE_KINDS, wider than the text column on a wide screen) with room to spare draws its
  // plots larger to fill it, up to half as large again
  if (figure.el.classList.contains("fig-wide") && !figure.sizes && !figure.stacked) {
    const natural = naturalWidth(figure), room = columnWidth(figure);
    const grown = room > natural * 1.1 && fitted(figure, view, natural, Math.min(room, natural * 1.5));
    if (grown) {
      figure.sizes = grown;
      view.finalize();
      view = await drawView(vega, figure);
    }
  }
  figure.view = view;
  figure.theme = theme();
  dress(figure);
  markTall(figure);
  return view;
}

// A figure whose view takes more than TALL of the screen's height keeps its controls on the screen while its top is
// (style.css: .fig-tall): a reader scrubbing it can watch the panels above the slider. Looked at again whenever the
// view's size changes (drawn again to fit, laid out when its section nears the screen) or the window's height does
// (a phone turned).
const TALL = 0.6;
const tallness = "ResizeObserver" in window ? new ResizeObserver((entries) => entries.forEach((e) => {
  const figure = figures[e.target.closest("figure.fig")?.dataset.figure];
  if (figure) markTall(figure);
})) : null;
function markTall(figure) {
  figure.el.classList.toggle("fig-tall", figure.container.getBoundingClientRect().height > TALL * window.innerHeight);
  tallness?.observe(figure.container);
}
let remarked = null;
window.addEventListener("resize", () => {
  clearTimeout(remarked);
  remarked = setTimeout(() => Object.values(figures).forEach(markTall), 150);
});

async function drawView(vega, figure) {
  const [spec, config] = themed(fittedSpec(figure));
  // Vega empties the container and the bindings' element before drawing into them
  const view = new vega.View(vega.parse(spec, config), {
    renderer: "canvas",
    container: figure.container,
    bind: figure.el.querySelector(".fig-bind"),
    hover: true,
    tooltip: more.tooltip, // extras.js
    loader: vega.loader({ baseURL: new URL(root, document.baseURI).href }),
  });
  // a view turned by dragging (figures/turn.py; style.css)
  figure.container.classList.toggle("fig-turnable", (spec.signals || []).some((s) => s.name === "turn_from"));
  scopeInputs(figure); // at once, before another figure's inputs of the same name can join this one's group
  for (const [name, value] of Object.entries(figure.state || {})) {
    try { view.signal(name, value); } catch { /* a signal this spec lacks */ }
  }
  view.description(figure.label); // Vega names the container after the spec ("Vega visualization"): keep our alt
  await view.runAsync();
  return view;
}

// ---- Legible on a phone: a chart wider than its column is never shrunk as a picture (its 11 px labels would
// read at 7 px); it is drawn again to fit. Panels side by side (a concat of one row) are stacked in one column;
// then every plot's width and height (the spec's width and height, its size signals: childWidth,
// concat_0_height, ...) shrink together until the chart fits. Text keeps its size; axes thin their ticks for
// the shorter range. (Sizes go into the spec, not into a running view's signals: marks placed at the group's
// width are not encoded again when a signal changes.)
// (Vega sets the canvas's CSS width only when it draws at a pixel ratio other than 1; else its width is the size)
const naturalWidth = (figure) => {
  const canvas = figure.container.querySelector("canvas");
  return canvas ? parseFloat(canvas.style.width) || canvas.width : 0;
};
// (in a section the browser skips for now, style.css's content-visibility, the section's width: its contents' may
// not have been laid out; no figure there is wider than the text)
const columnWidth = (figure) => (figure.container.checkVisibility?.({ contentVisibilityAuto: true }) === false
  ? figure.el.closest("section")?.clientWidth : 0) || figure.container.clientWidth;
const groups = (node) => (node.marks || []).filter((m) => m.type === "group");
const sideBySide = (node) => (!!node.layout && node.layout.columns == null && groups(node).length > 1)
  || groups(node).some(sideBySide);
const stacked = (node) => ({ ...node,
  ...(node.layout && node.layout.columns == null ? { layout: { ...node.layout, columns: 1 } } : {}),
  ...(node.marks ? { marks: node.marks.map((m) => (m.type === "group" ? stacked(m) : m)) } : {}) });
const SIZE_SIGNAL = /(^|_)(width|height|childWidth|childHeight)$/;
function fitted(figure, view, natural, room) {
  const { spec } = figure;
  const names = (spec.signals || []).filter((s) => typeof s.value === "number" && SIZE_SIGNAL.test(s.name))
    .map((s) => s.name).concat(["width", "height"].filter((name) => typeof spec[name] === "number"));
  if (!names.length) return null;
  const now = Object.fromEntries(names.map((name) => [name, view.signal(name)]));
  // one plot: everything else keeps its width, so the plot loses exactly the excess; several: in proportion
  const ratio = names.filter((n) => /idth$/.test(n)).length === 1 && now.width
    ? (now.width - (natural - room)) / now.width : room / natural;
  if (!(ratio > 0.3)) return null;
  return Object.fromEntries(names.map((name) => [name, Math.floor(now[name] * ratio)]));
}
function fittedSpec(figure) {
  let spec = figure.stacked ? stacked(figure.spec) : figure.spec;
  const sizes = figure.sizes;
  if (!sizes) return spec;
  spec = { ...spec, signals: (spec.signals || []).map((s) => (s.name in sizes ? { ...s, value: sizes[s.name] } : s)) };
  for (const name of ["width", "height"]) if (typeof spec[name] === "number" && name in sizes) spec[name] = sizes[name];
  return spec;
}

// ---- Accessibility of a view's controls. Vega names each bound input after its signal, so two figures with a
// signal K would share one radio group (and their options' ids): each input's name and id gets the figure's id;
// the controls are a labelled group, each radio set a labelled radiogroup, each slider is named after its figure
// ("Figure 20: snapshot") and says its value in the figure's own terms (aria-valuetext: the frame's label from the
// figure's frames data, "step 40 of 300, accuracy 91.2%"; else "frame 5 of 60").
const spoken = (text) => String(text).replace(/\s+\u00b7\s+/g, ", ").replace(/\u00b7/g, "\u00d7")
  .replace(/(?<![\d.])\d{4,}(?![\d.])/g, (n) => Number(n).toLocaleString("en-US"));
const shown = (v) => (typeof v === "number" ? String(Math.round(v * 1000) / 1000) : String(v));
// A frame's label is read from a frames file's rows as Vega holds them; rows the figure has not caught up with yet
// (a listener runs inside the dataflow's run, before the data it changes; a picked K's file still loading) give
// null, "not yet": the caller asks again once the run is over, and only then, with `settled`, falls back to
// "frame 5 of 60", which is what a figure whose frames carry no labels says.
function frameLabel(figure, i, settled = true) {
  let labelled = false;
  for (const d of figure.spec.data || []) {
    if (!d.url || !JSON.stringify(d.url).includes("frames")) continue;
    let rows;
    try { rows = figure.view.data(d.name); } catch { continue; }
    labelled ||= !!rows?.some?.((r) => typeof r.label === "string");
    const row = rows && rows.find?.((r) => Number(r.i) === Number(i));
    if (row && typeof row.label === "string" && row.label) return spoken(row.label);
  }
  return labelled && !settled ? null : `frame ${Number(i) + 1} of ${figure.frames}`;
}
const bindName = (s) => String((s.bind && s.bind.name) || s.name).trim();
function valueText(figure, s, value, settled = true) {
  return s.name === "frame" && figure.frames ? frameLabel(figure, value, settled) : `${bindName(s)} ${shown(value)}`;
}
// The state of a figure in words: its frame and every other control's value (null: not yet, as frameLabel).
function stateText(figure, settled = true) {
  const parts = [];
  for (const s of figure.spec.signals || []) {
    if (!s.bind) continue;
    try { parts.push(valueText(figure, s, figure.view.signal(s.name), settled)); } catch { /* not a top-level signal */ }
  }
  if (!parts.length && figure.frames) parts.push(frameLabel(figure, figure.view.signal("frame"), settled));
  return parts.includes(null) ? null : parts.join("; ");
}
function scopeInputs(figure) {
  const { el, id } = figure;
  for (const input of el.querySelectorAll(".fig-bind input, .fig-bind select")) {
    const signal = input.dataset.signal || input.name;
    input.dataset.signal = signal;
    input.name = `${id}-${signal}`;
    if (input.id && !input.id.startsWith(id + "-")) {
      const old = input.id;
      input.id = `${id}-${old}`;
      el.querySelector(`.fig-bind label[for="${CSS.escape(old)}"]`)?.setAttribute("for", input.id);
    }
  }
}
function dress(figure) {
  const { el, id, view, number } = figure;
  const bind = el.querySelector(".fig-bind");
  const controls = el.querySelector(".fig-controls");
  const signals = new Map((figure.spec.signals || []).filter((s) => s.bind).map((s) => [s.name, s]));
  scopeInputs(figure);
  for (const box of bind ? bind.querySelectorAll(".vega-bind") : []) {
    const radios = box.querySelector(".vega-bind-radio");
    for (const input of box.querySelectorAll("input, select")) {
      const signal = input.dataset.signal;
      const s = signals.get(signal);
      if (input.type === "radio") input.checked = String(view.signal(signal)) === input.value;
      const name = `${number}: ${s ? bindName(s) : signal}`;
      if (radios) radios.setAttribute("aria-label", name);
      if (input.type !== "range" || !s) continue;
      input.setAttribute("aria-label", name);
      // the frame slider shows its value in the figure's terms ("step 5,307 of 10,000"), not Vega's raw index
      let visible = null;
      if (signal === "frame" && figure.frames) {
        input.nextElementSibling?.tagName === "SPAN" && (input.nextElementSibling.hidden = true);
        visible = document.createElement("span");
        visible.className = "fig-frame";
        visible.setAttribute("aria-hidden", "true"); // the slider says it (aria-valuetext)
        box.after(visible);
      }
      const update = (_, value, settled = false) => {
        const text = valueText(figure, s, value, settled);
        if (text === null) return void view.runAsync().then(() => update(null, view.signal(signal), true));
        input.setAttribute("aria-valuetext", text);
        if (visible) visible.textContent = text;
      };
      update(null, view.signal(signal));
      view.addSignalListener(signal, update);
      // a frame's label may come from data that loads after the frame changes (a sweep's other run)
      if (signal === "frame") view.runAsync().then(() => update(null, view.signal(signal)));
    }
    if (radios) radios.setAttribute("role", "radiogroup");
  }
  if (controls && controls.querySelector("input, select, button")) {
    controls.setAttribute("role", "group");
    controls.setAttribute("aria-label", `Controls for ${number}`);
  }
  // what the figure shows now, in words, at the top of its data panel (the figure page's Data, the article's
  // embed panel): a text route to what the chart's tooltips and labels say, kept up to date but never announced
  more.dataTables(figure);
  const refresh = () => (figure.refreshTables || []).forEach((f) => f());
  for (const name of new Set([...signals.keys(), ...(figure.frames ? ["frame"] : [])])) {
    try { view.addSignalListener(name, refresh); } catch { /* not a top-level signal */ }
  }
  if (!signals.size && !figure.frames) return;
  const panels = [el.querySelector(".fig-data"),
    document.querySelector(`details.fig-embed[data-embed="${CSS.escape(id)}"]`)].filter(Boolean);
  const lines = panels.map((panel) => {
    let line = panel.querySelector(".fig-now");
    if (!line) {
      line = document.createElement("p");
      line.className = "fig-now";
      panel.querySelector("summary").after(line);
    }
    return line;
  });
  const showNow = (settled = false) => {
    const state = stateText(figure, settled);
    if (state === null) return void view.runAsync().then(() => showNow(true));
    lines.forEach((l) => { l.textContent = `Now showing: ${state}.`; });
  };
  // (after the change has run: a choice may load other data, which holds the frame's label)
  // (listeners are called inside a run: the next run is queued after it, never nested in it)
  const later = () => { showNow(); setTimeout(() => view.runAsync().then(() => showNow(true))); };
  for (const name of new Set([...signals.keys(), ...(figure.frames ? ["frame"] : [])])) {
    try { view.addSignalListener(name, name === "frame" ? () => showNow() : later); } catch { /* not a top-level signal */ }
  }
  view.runAsync().then(() => showNow(true));
}

// The values a reader can change (bound signals and the frame), kept across a re-theme.
function readerState(figure) {
  const names = (figure.spec.signals || []).filter((s) => s.bind || s.name === "frame").map((s) => s.name);
  const state = {};
  for (const name of names) {
    try { state[name] = figure.view.signal(name); } catch { /* not a top-level signal */ }
  }
  return state;
}

export async function start(el) {
  const id = el.dataset.figure;
  const [spec] = await Promise.all([fetch(el.dataset.spec).then((r) => r.json()), loadVega()]);
  const container = el.querySelector(".fig-view");
  const frames = Number(el.dataset.frames || 0);
  const label = container.getAttribute("aria-label");
  // its number as the page names it ("Figure 5"): the caption's link in the article, data-number on its own page
  const number = el.dataset.number || el.querySelector(".fig-number")?.textContent.trim().replace(/\.$/, "") || id;
  const figure = { id, el, spec, container, label, frames, number, playing: false, timer: null, view: null };
  // a polite live region: the figure's state in words when the reader pauses or scrubs (never on every frame
  // of play), said once the reader has stopped for half a second
  const status = document.createElement("p");
  status.className = "fig-status visually-hidden";
  status.setAttribute("aria-live", "polite");
  (el.querySelector(".fig-controls") || container).append(status);
  let saying = null;
  figure.announce = (prefix = "") => {
    clearTimeout(saying);
    saying = setTimeout(() => {
      if (!figure.playing && figure.view) status.textContent = `${figure.number}: ${prefix}${stateText(figure)}`;
    }, 500);
  };
  await createView(figure);
  el.classList.add("is-live");
  figure.setFrame = (i) => figure.view.signal("frame", Math.max(0, Math.min(frames - 1, i))).runAsync();
  const button = el.querySelector("button.play");
  const show = (playing) => {
    figure.playing = playing;
    if (!button) return;
    button.setAttribute("aria-pressed", String(playing));
    button.querySelector(".play-icon").textContent = playing ? "❚❚" : "▶";
    button.querySelector(".play-text").textContent = playing ? "Pause" : "Play";
  };
  figure.pause = () => { clearTimeout(figure.timer); show(false); };
  figure.speed = 1;
  figure.interval = () => FRAME_MS / figure.speed;
  figure.play = () => {
    if (!frames || figure.playing) return;
    if (figure.view.signal("frame") >= frames - 1) figure.view.signal("frame", -1);
    show(true);
    const tick = async () => {
      if (!figure.playing) return;
      // read the clock from the view each tick, so a reader who scrubs while it plays moves the playhead
      const next = figure.view.signal("frame") + 1;
      await figure.setFrame(next);
      if (next >= frames - 1) { show(false); return figure.announce("ended at "); }
      figure.timer = setTimeout(tick, figure.interval());
    };
    tick();
  };
  // a new theme draws the figure again, from a fresh view, at the state the reader left it in
  // (one at a time: a reader who flips the toggle twice quickly gets the last theme)
  let queue = Promise.resolve();
  figure.retheme = () => (queue = queue.then(async () => {
    if (figure.theme === theme()) return;
    const playing = figure.playing;
    figure.pause();
    figure.state = readerState(figure);
    const old = figure.view;
    await createView(figure);
    old.finalize();
    if (playing) figure.play();
  }));
  if (button) button.addEventListener("click", () => {
    if (!figure.playing) return figure.play();
    figure.pause();
    figure.announce("paused at ");
  });
  if (button) more.stepControls(figure, button);
  // the reader scrubs or picks (Vega's bound inputs; the bind element stays, its inputs are redrawn on a re-theme)
  const bindEl = el.querySelector(".fig-bind");
  bindEl?.addEventListener("input", () => figure.announce());
  bindEl?.addEventListener("change", () => figure.announce());
  reduceMotion.addEventListener?.("change", (e) => e.matches && figure.pause());
  figures[id] = figure;
  el.dispatchEvent(new CustomEvent("figure-ready", { bubbles: true, detail: { id } }));
}
