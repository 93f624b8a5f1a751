// The live trainer's page half (figure kind live-training): controls, canvases and the reader's settings in the
// address fragment. Loaded by the figure's own loader when the figure nears the screen; the training runs in a Web
// Worker (live_worker.js after trainer.js, one file), which posts a frame whenever the last one has been drawn.
// The views: the decision regions over the input plane, a 2-unit hidden layer's representation of the data and of a
// grid of the plane (Olah's view) with that layer's regions, loss and accuracy; paused, the layer-by-layer morph of
// the current weights (as the article's layer-morph figures play it: matrix, bias, squash).

const ACTIVATIONS = ["tanh", "relu", "sigmoid"];
const RATES = [0.001, 0.003, 0.01, 0.02, 0.03, 0.1, 0.3];
const ANNOUNCE_MS = 5000;  // while playing, the polite status speaks at most this often
const html = document.documentElement;

// its styles come with it (the first view's stylesheet does not carry them)
const STYLE = `
.fig-live .live-controls, .fig-live .live-settings { display: flex; flex-wrap: wrap; gap: .4rem .9rem; align-items: center; margin: .3rem 0; }
.fig-live .live-controls button { min-width: 4.5rem; min-height: 2.2rem; }
.fig-live .live-settings label { font-size: .9rem; display: inline-flex; gap: .3rem; align-items: center; }
.fig-live .live-settings select, .fig-live .live-settings input { font: inherit; min-height: 2rem; }
.fig-live .live-seed { width: 6.5rem; }
.fig-live .live-help { font-size: .8rem; margin: 0 0 .4rem; opacity: .85; }
.fig-live .live-panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: .7rem; }
.fig-live .live-panel canvas { width: 100%; height: auto; aspect-ratio: 1; display: block; }
.fig-live .live-label { font-size: .85rem; margin: .2rem 0 0; text-align: center; }
.fig-live .live-state { font-variant-numeric: tabular-nums; margin: .4rem 0 0; min-height: 1.5em; contain: layout paint; }
.fig-live .live-mount { contain: layout paint; }
.fig-live .live-morph { margin-top: .4rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.fig-live .live-morph[hidden] { display: none; }
.fig-live .live-morph input { width: min(22rem, 80vw); }
.fig-live [aria-invalid="true"] { outline: 2px solid #d1352b; }
.fig-live .live-mount { margin-top: .8rem; font-family: var(--live-font, inherit); }
.fig-live .live-mount button, .fig-live .live-mount select, .fig-live .live-mount input { font: inherit; font-size: .9rem; }
.fig-live .live-title { font-weight: 600; margin: 0 0 .2rem; }
@media print { .fig-live .live-mount { display: none; } }`;

export async function mount(figure) {
  if (!document.getElementById("live-style")) {
    document.head.append(Object.assign(document.createElement("style"), { id: "live-style", textContent: STYLE }));
  }
  const config = await fetch(figure.dataset.liveData).then((r) => {
    if (!r.ok) throw new Error(`${figure.dataset.liveData}: ${r.status}`);
    return r.json();
  });
  const live = new Live(figure, config);
  (window.liveFigures ??= {})[figure.dataset.figure] = live;
  return live;
}

// ---- Settings <-> the address fragment: #<figure id>:data=spirals-4x2;hidden=2-2-2-2;act=tanh;lr=0.01;seed=3
function readFragment(id) {
  const prefix = `#${id}:`, hash = decodeURIComponent(location.hash);
  if (!hash.startsWith(prefix)) return {};
  const out = {};
  for (const part of hash.slice(prefix.length).split(";")) {
    const [key, value] = part.split("=");
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function parseHidden(text) {
  const units = String(text).split(/[\s,\-x×]+/).filter(Boolean).map(Number);
  if (units.length < 1 || units.length > 4 || units.some((u) => !Number.isInteger(u) || u < 1 || u > 4)) return null;
  return units;
}

class Live {
  constructor(figure, config) {
    this.figure = figure;
    this.id = figure.dataset.figure;
    this.config = config;
    const wanted = readFragment(this.id), d = config.defaults;
    this.settings = {
      data: config.data.some((s) => s.key === wanted.data) ? wanted.data : d.data,
      hidden: parseHidden(wanted.hidden ?? "") || d.hidden,
      activation: ACTIVATIONS.includes(wanted.act) ? wanted.act : d.activation,
      learning_rate: Number(wanted.lr) > 0 && Number(wanted.lr) <= 1 ? Number(wanted.lr) : d.learning_rate,
      seed: /^\d{1,9}$/.test(wanted.seed ?? "") ? Number(wanted.seed) : d.seed,
    };
    this.build();
    this.worker = new Worker(figure.dataset.liveWorker, { type: "module" });
    this.worker.onmessage = ({ data }) => (data.type === "frame" ? this.frame(data) : this.onbench?.(data));
    this.worker.onerror = (e) => this.fail(e.message || "the trainer stopped");
    this.reset();
    const redraw = () => this.last && this.draw(this.last);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redraw);
    new MutationObserver(redraw).observe(html, { attributes: true, attributeFilter: ["data-theme"] });
    addEventListener("hashchange", () => this.fromFragment());
  }

  // ---- The controls and canvases
  build() {
    const f = this.figure, id = this.id, s = this.settings;
    const view = f.querySelector(".live-mount");
    const caption = f.querySelector("figcaption");
    if (caption) view.style.setProperty("--live-font", getComputedStyle(caption).fontFamily);
    const option = (value, text, chosen) => `<option value="${value}"${chosen ? " selected" : ""}>${text}</option>`;
    view.innerHTML = `
<p class="live-title">Train your own</p>
<div class="live-controls" role="group" aria-label="Training">
  <button type="button" class="live-play" aria-pressed="false">Play</button>
  <button type="button" class="live-step">Step</button>
  <button type="button" class="live-reset">Reset</button>
</div>
<div class="live-settings" role="group" aria-label="Settings">
  <label>Data <select class="live-data">${this.config.data.map((d) => option(d.key, d.label, d.key === s.data)).join("")}</select></label>
  <label>Hidden units <input class="live-hidden" type="text" inputmode="numeric" size="8" value="${s.hidden.join("-")}"
    aria-describedby="${id}-hidden-help"></label>
  <label>Activation <select class="live-act">${ACTIVATIONS.map((a) => option(a, a === "relu" ? "ReLU" : a, a === s.activation)).join("")}</select></label>
  <label>Learning rate <select class="live-lr">${[...new Set([...RATES, s.learning_rate])].sort((a, b) => a - b)
    .map((r) => option(r, r, r === s.learning_rate)).join("")}</select></label>
  <label>Seed <input class="live-seed" type="number" min="0" max="999999999" step="1" value="${s.seed}"></label>
  <label>Layer drawn <select class="live-layer"></select></label>
</div>
<p class="live-help" id="${id}-hidden-help">Units per hidden layer, 1 to 4 layers of 1 to 4 units, e.g. 2-2-2-2.</p>
<div class="live-panels">
  <div class="live-panel"><canvas class="live-input" width="480" height="480" role="img" aria-label="Decision regions over the input plane"></canvas><p class="live-label">Input plane: decision regions</p></div>
  <div class="live-panel"><canvas class="live-hidden-view" width="480" height="480" role="img" aria-label="The data and a grid of the input plane in a hidden layer"></canvas><p class="live-label live-hidden-label"></p></div>
  <div class="live-panel"><canvas class="live-curves" width="480" height="480" role="img" aria-label="Loss and accuracy by step"></canvas><p class="live-label">Loss <span class="live-key-loss">—</span> and accuracy <span class="live-key-acc">- -</span> by step</p></div>
</div>
<div class="live-morph" hidden>
  <label>Layer by layer, paused <input class="live-morph-t" type="range" min="0" max="300" value="300" step="1"></label>
</div>
<p class="live-state" aria-hidden="true"></p>
<p class="live-status visually-hidden" role="status" aria-live="polite"></p>`;
    const q = (c) => view.querySelector(c);
    this.el = { play: q(".live-play"), step: q(".live-step"), reset: q(".live-reset"), data: q(".live-data"),
      hidden: q(".live-hidden"), act: q(".live-act"), lr: q(".live-lr"), seed: q(".live-seed"), layer: q(".live-layer"),
      input: q(".live-input"), hiddenView: q(".live-hidden-view"), hiddenLabel: q(".live-hidden-label"),
      curves: q(".live-curves"), morph: q(".live-morph"), morphT: q(".live-morph-t"),
      state: q(".live-state"), status: q(".live-status") };
    const e = this.el;
    e.play.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    e.step.addEventListener("click", () => { this.pause(); this.worker.postMessage({ type: "step", count: 1 }); this.announceNext = true; });
    e.reset.addEventListener("click", () => this.reset());
    const changed = () => this.changed();
    for (const c of [e.data, e.act, e.lr, e.seed, e.layer]) c.addEventListener("change", changed);
    e.hidden.addEventListener("change", changed);
    e.morphT.addEventListener("input", () => this.drawMorph());
    this.fillLayers();
  }

  // the 2-unit hidden layers the hidden view can draw (the last by default)
  fillLayers() {
    const twos = this.settings.hidden.map((u, l) => (u === 2 ? l + 1 : 0)).filter(Boolean);
    const keep = Number(this.el.layer.value);
    this.view = twos.includes(keep) ? keep : twos.at(-1) || 0;
    this.el.layer.innerHTML = twos.length ? twos.map((l) => `<option value="${l}"${l === this.view ? " selected" : ""}>hidden layer ${l}</option>`).join("")
      : `<option value="0">none has 2 units</option>`;
    this.el.layer.disabled = !twos.length;
  }

  changed() {
    const e = this.el, hidden = parseHidden(e.hidden.value);
    e.hidden.setAttribute("aria-invalid", hidden ? "false" : "true");
    if (!hidden) { this.say("Hidden units: give 1 to 4 numbers from 1 to 4, like 2-2-2-2."); return; }
    const seed = Math.max(0, Math.min(999999999, Math.round(Number(e.seed.value) || 0)));
    const before = JSON.stringify(this.settings);
    this.settings = { data: e.data.value, hidden, activation: e.act.value, learning_rate: Number(e.lr.value), seed };
    this.fillLayers();
    if (JSON.stringify(this.settings) !== before || Number(e.layer.value) !== this.trainedView) this.reset();
  }

  fromFragment() {
    const wanted = readFragment(this.id);
    if (!Object.keys(wanted).length) return;
    const e = this.el;
    if (wanted.data && this.config.data.some((d) => d.key === wanted.data)) e.data.value = wanted.data;
    if (parseHidden(wanted.hidden ?? "")) e.hidden.value = parseHidden(wanted.hidden).join("-");
    if (ACTIVATIONS.includes(wanted.act)) e.act.value = wanted.act;
    if (Number(wanted.lr) > 0 && [...e.lr.options].some((o) => Number(o.value) === Number(wanted.lr))) e.lr.value = wanted.lr;
    if (/^\d{1,9}$/.test(wanted.seed ?? "")) e.seed.value = wanted.seed;
    this.changed();
  }

  fragment() {
    const s = this.settings;
    return `${this.id}:data=${s.data};hidden=${s.hidden.join("-")};act=${s.activation};lr=${s.learning_rate};seed=${s.seed}`;
  }

  // the settings into the address (without a new history entry) and into the embed snippet
  share() {
    const d = this.config.defaults, s = this.settings;
    const same = s.data === d.data && s.hidden.join() === d.hidden.join() && s.activation === d.activation
      && s.learning_rate === d.learning_rate && s.seed === d.seed;
    const hash = same ? "" : `#${this.fragment()}`;
    if (!same) history.replaceState(history.state, "", hash);
    else if (decodeURIComponent(location.hash).startsWith(`#${this.id}:`)) {
      history.replaceState(history.state, "", location.pathname + location.search);
    }
    this.hash = hash;
    this.snippets();
  }

  // the embed snippets name the figure page with the reader's settings (the article's panel is filled when it
  // first opens, by extras.js: watched, and completed then)
  snippets() {
    const id = CSS.escape(this.id), panel = document.querySelector(`details.fig-embed[data-embed="${id}"]`);
    if (panel && !this.watching) {
      this.watching = new MutationObserver(() => this.snippets());
      this.watching.observe(panel, { childList: true, subtree: true, characterData: true });
    }
    for (const code of document.querySelectorAll(`details.fig-embed[data-embed="${id}"] code, #fig-${id} .fig-snippet code`)) {
      const text = code.textContent.replace(/( src="[^"#]*)(#[^"]*)?"/, `$1${this.hash}"`);
      if (text !== code.textContent) code.textContent = text;
    }
  }

  // ---- Training
  reset() {
    const s = this.settings, set = this.config.data.find((d) => d.key === s.data);
    this.set = set;
    this.curve = [];
    this.pause(false);
    this.trainedView = this.view;
    this.worker.postMessage({ type: "setup", data: { X: set.X, y: set.y }, sizes: [2, ...s.hidden, set.classes],
      activation: s.activation, seed: s.seed, view: this.view,
      train: { ...this.config.train, learning_rate: s.learning_rate } });
    this.share();
    this.announceNext = true;
  }

  play() {
    this.playing = true;
    this.el.play.setAttribute("aria-pressed", "true");
    this.el.play.textContent = "Pause";
    this.el.morph.hidden = true;
    this.lastSaid = performance.now();
    this.worker.postMessage("play");
  }

  pause(post = true) {
    const was = this.playing;
    this.playing = false;
    this.el.play.setAttribute("aria-pressed", "false");
    this.el.play.textContent = "Play";
    if (post && was) { this.worker.postMessage("pause"); this.announceNext = true; }
  }

  frame(frame) {
    for (let k = 0; k < frame.curve.length; k += 2) this.curve.push([frame.curve[k], frame.curve[k + 1], null]);
    if (this.curve.length && frame.step === this.curve.at(-1)[0] + 0) this.curve.at(-1)[2] = frame.accuracy;
    if (this.curve.length > 4000) this.curve = this.curve.filter((_, i) => i % 2 === 0 || i === this.curve.length - 1);
    this.last = frame;
    // drawn at the next paint; a frame that comes before it is drawn in its stead (the worker counts both seen)
    this.unseen = (this.unseen || 0) + 1;
    if (this.painting) return;
    this.painting = requestAnimationFrame(() => {
      const count = this.unseen;
      this.painting = 0;
      this.unseen = 0;
      this.draw(this.last);
      this.worker.postMessage({ type: "drawn", count });
    });
  }

  text(frame) {
    const loss = !Number.isFinite(frame.loss) ? "not yet measured"
      : frame.loss < 0.001 ? frame.loss.toExponential(1) : frame.loss.toFixed(3);
    return `Step ${frame.step.toLocaleString("en")}, loss ${loss}, accuracy ${(frame.accuracy * 100).toFixed(1)}%`;
  }

  say(text) { this.el.status.textContent = text; }

  // ---- Drawing
  draw(frame) {
    const colours = palette(), said = this.text(frame);
    setText(this.el.state, said);
    const now = performance.now();
    if (this.announceNext || (this.playing && now - this.lastSaid > ANNOUNCE_MS)) {
      this.say(this.text(frame) + (this.playing ? "" : ", paused"));
      this.lastSaid = now;
      this.announceNext = false;
    }
    const set = this.set, half = frame.extent;
    plane(this.el.input, frame.regions, frame.side, set, -half, half, colours, (ctx, map) => {
      dots(ctx, map, set.X, set.y, set.colours);
    });
    label(this.el.input, `Decision regions over the input plane and the ${set.label}`);
    const h = frame.hidden, caption = this.el.hiddenLabel;
    if (h) {
      setText(caption, `Hidden layer ${h.layer}: the data and the warped grid`);
      plane(this.el.hiddenView, h.regions, frame.side, set, -h.reach, h.reach, colours, (ctx, map) => {
        gridLines(ctx, map, h.grid, frame.lines, frame.along, colours);
        dots(ctx, map, h.points, set.y, set.colours);
      });
      label(this.el.hiddenView, `The data and a grid of the input plane in hidden layer ${h.layer}`);
    } else {
      setText(caption, "No hidden layer of 2 units to draw");
      blank(this.el.hiddenView, colours, "Give a layer 2 units to see it here");
      label(this.el.hiddenView, "No hidden layer of 2 units to draw");
    }
    curves(this.el.curves, this.curve, colours);
    label(this.el.curves, "Loss and accuracy by step");
    const morphable = !this.playing && frame.step > 0 && this.settings.hidden.every((u) => u === 2);
    this.el.morph.hidden = !morphable;
    if (morphable) this.drawMorph();
  }

  // the morph of the current weights in the hidden view, at the slider's place: layer l, stage (matrix, bias,
  // squash) and t within it
  drawMorph() {
    const frame = this.last;
    if (!frame || this.playing) return;
    const layers = frame.W.length - 1, at = (Number(this.el.morphT.value) / 300) * layers * 3;
    const layer = Math.min(layers - 1, Math.floor(at / 3)), stage = Math.min(2, Math.floor(at - layer * 3));
    const t = at >= layers * 3 ? 1 : at - layer * 3 - stage;
    const params = positive(frame.W.slice(0, layers), frame.b.slice(0, layers), frame.W[layers]);
    const act = ACT[this.settings.activation], half = frame.extent;
    const move = (x, y) => {
      let p = [x, y];
      for (let l = 0; l <= layer; l++) {
        const [W, b] = params[l], full = l < layer;
        const M = full || stage > 0 ? W : matrixPath(W, t);
        const c = full || stage > 1 ? 1 : stage === 1 ? t : 0, s = full ? 1 : stage === 2 ? t : 0;
        const u = [M[0] * p[0] + M[1] * p[1] + c * b[0], M[2] * p[0] + M[3] * p[1] + c * b[1]];
        p = [(1 - s) * u[0] + s * act(u[0]), (1 - s) * u[1] + s * act(u[1])];
      }
      return p;
    };
    const set = this.set, X = set.X, moved = new Float64Array(X.length);
    for (let k = 0; k < X.length; k += 2) [moved[k], moved[k + 1]] = move(X[k], X[k + 1]);
    const lines = frame.lines, along = frame.along, grid = new Float64Array(lines * 2 * along * 2);
    for (let j = 0, k = 0; j < lines; j++) {
      const c = -half + (2 * half * j) / (lines - 1);
      for (let dir = 0; dir < 2; dir++) for (let a = 0; a < along; a++, k += 2) {
        const v = -half + (2 * half * a) / (along - 1);
        [grid[k], grid[k + 1]] = move(dir ? v : c, dir ? c : v);
      }
    }
    let reach = 0;
    for (const v of moved) reach = Math.max(reach, Math.abs(v));
    for (const v of grid) reach = Math.max(reach, Math.abs(v));
    reach = Math.max(reach * 1.05, 1e-6);
    const colours = palette(), names = ["matrix", "bias", "squash"];
    plane(this.el.hiddenView, null, 0, set, -reach, reach, colours, (ctx, map) => {
      gridLines(ctx, map, grid, lines, along, { lines: colours.bare });
      dots(ctx, map, moved, set.y, set.colours);
    });
    const text = `Layer ${layer + 1} of ${layers}, stage ${stage + 1} of 3 (${names[stage]}), window ±${reach.toFixed(2)}`;
    this.el.hiddenLabel.textContent = `The plane moved by the current weights: ${text}`;
    this.el.morphT.setAttribute("aria-valuetext", text);
  }

  fail(message) {
    this.pause(false);
    this.say(`The trainer stopped: ${message}`);
    this.el.state.textContent = `The trainer stopped: ${message}`;
  }

  // steps per second of the network as set, measured in the worker (tests/bench/live_training.py)
  bench(steps) {
    return new Promise((resolve) => {
      this.onbench = (m) => { this.onbench = null; resolve((m.steps / m.ms) * 1000); };
      this.worker.postMessage({ type: "bench", steps });
    });
  }
}

// attributes and text are set only when they change: every change costs the page a style and layout pass
function label(el, text) {
  if (el.getAttribute("aria-label") !== text) el.setAttribute("aria-label", text);
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

const ACT = { tanh: Math.tanh, relu: (u) => (u > 0 ? u : 0), sigmoid: (u) => 1 / (1 + Math.exp(-u)) };

// units of each layer whose det W < 0 swapped (the network computes the same), as frames.positive_determinants
function positive(Ws, bs, last) {
  const params = Ws.map((w, l) => [[...w], [...bs[l]]]);
  const next = (l) => (l + 1 < params.length ? params[l + 1][0] : [...last]);
  for (let l = 0; l < params.length; l++) {
    const [W, b] = params[l];
    if (W[0] * W[3] - W[1] * W[2] < 0) {
      [W[0], W[1], W[2], W[3]] = [W[2], W[3], W[0], W[1]];
      [b[0], b[1]] = [b[1], b[0]];
      const N = next(l);
      for (let r = 0; r < N.length / 2; r++) [N[2 * r], N[2 * r + 1]] = [N[2 * r + 1], N[2 * r]];
      if (l + 1 < params.length) params[l + 1][0] = N;
    }
  }
  return params;
}

// P(t) from I to W with det P(t) > 0 (det W > 0): W = R S, P(t) = R^t S^t, as frames.matrix_path
function matrixPath(W, t) {
  const theta = Math.atan2(W[2] - W[1], W[0] + W[3]), angle = theta * t;
  const [a, b2, c, d] = W, cos0 = Math.cos(theta), sin0 = Math.sin(theta);
  // S = R^T W, symmetric positive definite
  const s00 = cos0 * a + sin0 * c, s01 = cos0 * b2 + sin0 * d, s11 = -sin0 * b2 + cos0 * d;
  const phi = 0.5 * Math.atan2(2 * s01, s00 - s11), cp = Math.cos(phi), sp = Math.sin(phi);
  const l1 = cp * cp * s00 + 2 * cp * sp * s01 + sp * sp * s11, l2 = sp * sp * s00 - 2 * cp * sp * s01 + cp * cp * s11;
  const p1 = Math.max(l1, 1e-12) ** t, p2 = Math.max(l2, 1e-12) ** t;
  const S = [cp * cp * p1 + sp * sp * p2, cp * sp * (p1 - p2), cp * sp * (p1 - p2), sp * sp * p1 + cp * cp * p2];
  const ct = Math.cos(angle), st = Math.sin(angle);
  return [ct * S[0] - st * S[2], ct * S[1] - st * S[3], st * S[0] + ct * S[2], st * S[1] + ct * S[3]];
}

function palette() {
  const dark = (html.dataset.theme || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")) === "dark";
  return dark ? { ink: "#e4e6ea", muted: "#a7adb7", grid: "#30343c", bg: "#16181d", loss: "#e4e6ea", acc: "#6fa8ff", lines: "rgba(20,20,20,0.55)", plane: "#23262d", bare: "rgba(228,230,234,0.5)" }
    : { ink: "#111111", muted: "#555555", grid: "#e3e3e3", bg: "#ffffff", loss: "#111111", acc: "#2c6fbb", lines: "rgba(20,20,20,0.45)", plane: "#f4f4f4", bare: "rgba(20,20,20,0.45)" };
}

function context(canvas) {
  const ctx = canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return ctx;
}

// A square plane [lo, hi]^2: the region image (classes per cell), then what `more` draws with map(x, y) -> pixels
const regionCache = new WeakMap();
function plane(canvas, regions, side, set, lo, hi, colours, more) {
  const ctx = context(canvas), size = canvas.width;
  ctx.fillStyle = colours.bg;
  ctx.fillRect(0, 0, size, size);
  if (regions) {
    let scratch = regionCache.get(canvas);
    if (!scratch || scratch.width !== side) {
      scratch = document.createElement("canvas");
      scratch.width = scratch.height = side;
      regionCache.set(canvas, scratch);
    }
    const sctx = scratch.getContext("2d"), image = sctx.createImageData(side, side), rgb = set.regions.map(hex);
    const pixels = image.data;
    for (let p = 0, k = 0; p < regions.length; p++, k += 4) {
      const colour = rgb[regions[p]];
      pixels[k] = colour[0];
      pixels[k + 1] = colour[1];
      pixels[k + 2] = colour[2];
      pixels[k + 3] = 255;
    }
    sctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(scratch, 0, 0, size, size);
  } else {
    ctx.fillStyle = colours.plane;
    ctx.fillRect(0, 0, size, size);
  }
  const map = (x, y) => [((x - lo) / (hi - lo)) * size, ((hi - y) / (hi - lo)) * size];
  more(ctx, map);
}

function hex(colour) {
  const v = parseInt(colour.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function dots(ctx, map, P, y, colours) {
  ctx.lineWidth = 1;
  ctx.strokeStyle = "rgba(255,255,255,0.9)";
  for (let c = 0; c < colours.length; c++) {
    ctx.fillStyle = colours[c];
    ctx.beginPath();
    for (let p = 0; p < y.length; p++) {
      if (y[p] !== c) continue;
      const [u, v] = map(P[2 * p], P[2 * p + 1]);
      ctx.moveTo(u + 4, v);
      ctx.arc(u, v, 4, 0, 2 * Math.PI);
    }
    ctx.fill();
    ctx.stroke();
  }
}

function gridLines(ctx, map, G, lines, along, colours) {
  ctx.strokeStyle = colours.lines;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let line = 0; line < lines * 2; line++) {
    for (let a = 0; a < along; a++) {
      const k = (line * along + a) * 2, [u, v] = map(G[k], G[k + 1]);
      if (a) ctx.lineTo(u, v); else ctx.moveTo(u, v);
    }
  }
  ctx.stroke();
}

function blank(canvas, colours, message) {
  const ctx = context(canvas), size = canvas.width;
  ctx.fillStyle = colours.bg;
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = colours.muted;
  ctx.font = "24px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(message, size / 2, size / 2);
}

// loss (left axis, from 0 to its largest) and accuracy (right axis, 0 to 100%) against the step
function curves(canvas, curve, colours) {
  const ctx = context(canvas), size = canvas.width, left = 64, right = 72, top = 20, bottom = 56;
  ctx.fillStyle = colours.bg;
  ctx.fillRect(0, 0, size, size);
  const w = size - left - right, h = size - top - bottom;
  const last = curve.at(-1)?.[0] || 1;
  let most = 0;
  for (const [, loss] of curve) if (Number.isFinite(loss)) most = Math.max(most, loss);
  most = most || 1;
  ctx.strokeStyle = colours.grid;
  ctx.lineWidth = 1;
  ctx.font = "22px system-ui, sans-serif";
  ctx.fillStyle = colours.muted;
  for (let k = 0; k <= 4; k++) {
    const v = top + (h * k) / 4;
    ctx.beginPath();
    ctx.moveTo(left, v);
    ctx.lineTo(left + w, v);
    ctx.stroke();
    ctx.textAlign = "right";
    ctx.fillText((most * (1 - k / 4)).toFixed(2), left - 8, v + 7);
    ctx.textAlign = "left";
    ctx.fillText(`${100 - 25 * k}%`, left + w + 8, v + 7);
  }
  ctx.textAlign = "center";
  ctx.fillText("0", left, size - bottom + 28);
  ctx.fillText(last.toLocaleString("en"), left + w - 20, size - bottom + 28);
  ctx.fillText("step", left + w / 2, size - 12);
  const x = (step) => left + (step / last) * w;
  ctx.lineWidth = 3;
  ctx.strokeStyle = colours.loss;
  ctx.setLineDash([]);
  ctx.beginPath();
  curve.forEach(([step, loss], i) => (i ? ctx.lineTo(x(step), top + h * (1 - loss / most)) : ctx.moveTo(x(step), top + h * (1 - loss / most))));
  ctx.stroke();
  ctx.strokeStyle = colours.acc;
  ctx.setLineDash([10, 6]);
  ctx.beginPath();
  let started = false;
  for (const [step, , acc] of curve) {
    if (acc === null) continue;
    const v = top + h * (1 - acc);
    if (started) ctx.lineTo(x(step), v); else { ctx.moveTo(x(step), v); started = true; }
  }
  ctx.stroke();
  ctx.setLineDash([]);
}
