// The figure player: starts each figure when it nears the viewport, adds play/pause, and exposes every
// view in window.figures[id] so tests and embedders can drive it. Vega is loaded once, before this module.
const vega = globalThis.vega;
const root = document.documentElement.dataset.root || "./";
const figures = (window.figures = window.figures || {});
const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const FRAME_MS = 60;

async function start(el) {
  const id = el.dataset.figure;
  const spec = await (await fetch(el.dataset.spec)).json();
  const container = el.querySelector(".fig-view");
  const view = new vega.View(vega.parse(spec), {
    renderer: "canvas",
    container,
    bind: el.querySelector(".fig-bind"),
    hover: true,
    loader: vega.loader({ baseURL: new URL(root, document.baseURI).href }),
  });
  await view.runAsync();
  container.querySelector(".fig-still")?.remove();
  el.classList.add("is-live");
  const frames = Number(el.dataset.frames || 0);
  const figure = { id, view, frames, playing: false, timer: null };
  figure.setFrame = (i) => view.signal("frame", Math.max(0, Math.min(frames - 1, i))).runAsync();
  const button = el.querySelector("button.play");
  const show = (playing) => {
    figure.playing = playing;
    if (!button) return;
    button.setAttribute("aria-pressed", String(playing));
    button.querySelector(".play-icon").textContent = playing ? "❚❚" : "▶";
    button.querySelector(".play-text").textContent = playing ? "Pause" : "Play";
  };
  figure.pause = () => { clearTimeout(figure.timer); show(false); };
  figure.play = () => {
    if (!frames || figure.playing) return;
    if (view.signal("frame") >= frames - 1) view.signal("frame", -1);
    show(true);
    const tick = async () => {
      if (!figure.playing) return;
      // read the clock from the view each tick, so a reader who scrubs while it plays moves the playhead
      const next = view.signal("frame") + 1;
      await figure.setFrame(next);
      if (next >= frames - 1) return show(false);
      figure.timer = setTimeout(tick, FRAME_MS);
    };
    tick();
  };
  if (button) button.addEventListener("click", () => (figure.playing ? figure.pause() : figure.play()));
  reduceMotion.addEventListener?.("change", (e) => e.matches && figure.pause());
  figures[id] = figure;
  el.dispatchEvent(new CustomEvent("figure-ready", { bubbles: true, detail: { id } }));
}

function failed(el, err) {
  el.classList.add("has-error");
  const note = document.createElement("p");
  note.className = "fig-error";
  note.textContent = "This figure could not start: " + err.message;
  el.querySelector(".fig-view").after(note);
  console.error(err);
}

const pending = [...document.querySelectorAll("figure.fig[data-spec]")];
const launch = (el) => { if (!el.dataset.started) { el.dataset.started = "1"; start(el).catch((err) => failed(el, err)); } };
if ("IntersectionObserver" in window) {
  const watcher = new IntersectionObserver((entries) => {
    for (const entry of entries) if (entry.isIntersecting) { watcher.unobserve(entry.target); launch(entry.target); }
  }, { rootMargin: "300px 0px" });
  pending.forEach((el) => watcher.observe(el));
} else {
  pending.forEach(launch);
}
window.startAllFigures = () => Promise.all(pending.map(async (el) => launch(el)));

// Embed snippets written without a configured base_url name this site's real address once it is served.
const siteURL = new URL(root, document.baseURI).href;
document.querySelectorAll(".fig-embed code").forEach((code) => {
  code.textContent = code.textContent.replaceAll("SITE_URL/", siteURL);
});
