// The figure player, all the first view loads of it: starts each figure when it nears the viewport (figure.js,
// imported then with Vega's runtime), follows the colour theme (the toggle, or the system's preference), fetches
// the print stills before printing, fills an embed panel when it opens, and names wide display math.
const html = document.documentElement;
const figures = (window.figures = window.figures || {});

// figure.js (it loads Vega's runtime and extras.js, the player's second half), fetched once, on first need
let runnerLoaded = null, extrasLoaded = null, more = null;
// (an import that failed, the network gone for a moment, is tried again at the next need)
const runner = () => (runnerLoaded ??= import(new URL(html.dataset.runner, document.baseURI).href)
  .catch((err) => { runnerLoaded = null; throw err; }));
const extras = () => (extrasLoaded ??= import(new URL(html.dataset.extras, document.baseURI).href)
  .then((module) => (more = module), (err) => { extrasLoaded = null; throw err; }));
// for tests and embedders: the same functions (at once once a figure has started, which loads the second half;
// before, a promise of the answer)
const deferred = (name) => (...args) => (more ? more[name](...args) : extras().then((m) => m[name](...args)));
window.asCSV = deferred("asCSV");
window.drawnRows = (id) => deferred("drawnRows")(figures[id]);

// the reader's choice (html[data-theme], set before first paint by base.html's head script), else the system's
const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");
const theme = () => html.dataset.theme || (darkScheme.matches ? "dark" : "light");

function failed(el, err) {
  el.classList.add("has-error");
  const note = document.createElement("p");
  note.className = "fig-error";
  note.textContent = "This figure could not start: " + err.message;
  el.querySelector(".fig-view").after(note);
  console.error(err);
}

const pending = [...document.querySelectorAll("figure.fig[data-spec]")];
const launched = new Map();
const launch = (el) => {
  if (!launched.has(el)) {
    el.dataset.started = "1";
    launched.set(el, Promise.all([runner(), extras()]).then(([m]) => m.start(el)).catch((err) => failed(el, err)));
  }
  return launched.get(el);
};
if ("IntersectionObserver" in window) {
  const watcher = new IntersectionObserver((entries) => {
    for (const entry of entries) if (entry.isIntersecting) { watcher.unobserve(entry.target); launch(entry.target); }
  }, { rootMargin: "300px 0px" });
  pending.forEach((el) => watcher.observe(el));
} else {
  pending.forEach(launch);
}
window.startAllFigures = () => Promise.all(pending.map(launch));

// ---- The theme toggle (a button in the page's header): flips the theme and remembers the choice.
const toggles = [...document.querySelectorAll("button.theme-toggle")];
async function applyTheme() {
  const dark = theme() === "dark";
  toggles.forEach((b) => b.setAttribute("aria-pressed", String(dark)));
  await Promise.all(Object.values(figures).map((f) => f.retheme()));
}
toggles.forEach((b) => b.addEventListener("click", () => {
  const next = theme() === "dark" ? "light" : "dark";
  html.dataset.theme = next;
  try { localStorage.setItem("theme", next); } catch { /* storage refused: the choice lasts this page */ }
  applyTheme();
}));
darkScheme.addEventListener?.("change", () => applyTheme());
window.applyTheme = applyTheme;
applyTheme();

// ---- Print: every figure prints as its still (img.fig-still, loading="lazy" and hidden on a screen with
// scripts, so never fetched there); when the page goes to print, fetch them all at once.
const printStills = () => document.querySelectorAll("img.fig-still[loading=lazy]").forEach((img) => { img.loading = "eager"; });
window.addEventListener("beforeprint", printStills);
window.matchMedia("print").addEventListener?.("change", (e) => e.matches && printStills());

// ---- Embed panels: the snippet (copied from the figure's own page, where the build writes it: generator/embed.py)
// and the links to specs, stills and data files are put in when a reader first opens one, so the article does not
// carry them. The snippet is an iframe plus a few lines that set its height to what the figure page posts
// (HEIGHT_MESSAGE, below), accepted only from that iframe and its origin.
document.querySelectorAll("details.fig-embed[data-embed]").forEach((panel) => {
  panel.addEventListener("toggle", () => {
    if (panel.open && !panel.dataset.filled) {
      panel.dataset.filled = "1";  // (again on the next opening if this one fails)
      extras().then((more) => more.fillEmbed(panel)).catch((err) => { delete panel.dataset.filled; console.error(err); });
    }
  });
});

// ---- A figure page inside an iframe (the embed snippet) posts its height to the page around it, on load and
// whenever it changes (the view renders, the reader picks a choice, the width changes), so the iframe fits it.
const HEIGHT_MESSAGE = "bending-space:height"; // the same in generator/embed.py, whose snippet listens for it
if (window.parent !== window && document.body.classList.contains("standalone")) {
  const id = document.querySelector("figure.fig[data-figure]")?.dataset.figure;
  let sent = -1;
  const postHeight = () => {
    const height = Math.ceil(html.getBoundingClientRect().height);
    if (id && height !== sent) {
      sent = height;
      window.parent.postMessage({ type: HEIGHT_MESSAGE, id, height }, "*");
    }
  };
  new ResizeObserver(postHeight).observe(html);
  window.addEventListener("load", postHeight);
  postHeight();
}

// ---- Display math wider than the column scrolls sideways: such a block takes focus (so a keyboard can scroll it)
// and is a named region. Its section's blocks are looked at when the section comes within a screen of the
// viewport (on a phone a section far below is not laid out until it nears: style.css's content-visibility, and
// measuring it sooner would lay it out), and again when the window's width changes.
const mathBlocks = [...document.querySelectorAll(".math-display")];
let unnumbered = 0;
const mathNames = new Map(mathBlocks.map((block) => {
  const number = block.querySelector(".eq-number")?.textContent.trim();
  return [block, number ? `Equation ${number}` : `Unnumbered equation ${++unnumbered}`];
}));
const nearSections = new Set();
function markWideMath(scope) {
  for (const block of mathBlocks) {
    if (scope ? !scope.contains(block) : ![...nearSections].some((s) => s.contains(block))) continue;
    if (block.scrollWidth > block.clientWidth + 1) {
      block.tabIndex = 0;
      block.setAttribute("role", "region");
      block.setAttribute("aria-label", mathNames.get(block));
    } else if (block.hasAttribute("tabindex")) {
      ["tabindex", "role", "aria-label"].forEach((a) => block.removeAttribute(a));
    }
  }
}
const mathSections = [...new Set(mathBlocks.map((b) => b.closest("section:not(.part)") || document.body))];
if ("IntersectionObserver" in window) {
  const near = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) { nearSections.delete(entry.target); continue; }
      nearSections.add(entry.target);
      markWideMath(entry.target);
    }
  }, { rootMargin: "100% 0px" });
  mathSections.forEach((s) => near.observe(s));
} else {
  mathSections.forEach((s) => nearSections.add(s));
  markWideMath();
}
let resized = null;
window.addEventListener("resize", () => { clearTimeout(resized); resized = setTimeout(() => markWideMath(), 150); });
document.fonts?.ready.then(() => markWideMath());
