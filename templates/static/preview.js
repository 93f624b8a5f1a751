// Live preview only: `python -m generator serve --watch` adds this script to the HTML it serves; the built site
// never holds it. After each good build the page reloads itself, keeping its scroll position and every started
// figure's frame and bound inputs (Vega signals); a failed build's errors show over the page until a good build.
(() => {
  const build = document.currentScript.dataset.build;
  const KEY = "preview-state:" + location.pathname;
  const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
  sessionStorage.removeItem(KEY);
  // every section laid out: on a narrow window the built site skips sections far from the screen
  // (style.css's content-visibility), and their stand-in heights would move the restored scroll position
  const laidOut = document.createElement("style");
  laidOut.textContent = "main section { content-visibility: visible !important; }";
  document.head.append(laidOut);

  function save() {
    const figures = {};
    for (const [id, figure] of Object.entries(window.figures || {})) {
      const el = document.querySelector(`figure[data-figure="${CSS.escape(id)}"]`);
      const names = new Set([...(el?.querySelectorAll(".fig-bind [name]") || [])].map((input) => input.dataset.signal || input.name));
      if (figure.frames) names.add("frame");
      const signals = {};
      for (const name of names) {
        try { signals[name] = figure.view.signal(name); } catch { /* not a signal of this view */ }
      }
      figures[id] = signals;
    }
    history.scrollRestoration = "manual"; // restored below, once the figures near it are drawn
    sessionStorage.setItem(KEY, JSON.stringify({ x: scrollX, y: scrollY, figures }));
  }

  async function restore(id, signals) {
    const figure = window.figures?.[id];
    if (!figure || !signals) return;
    const { frame, ...inputs } = signals;
    for (const [name, value] of Object.entries(inputs)) {
      try { figure.view.signal(name, value); } catch { /* the rebuilt figure no longer has it */ }
    }
    await figure.view.runAsync(); // a reader's choice may load its own data first
    if (frame !== undefined && figure.frames) await figure.setFrame(frame);
  }

  if (saved) {
    // figures starting and fitting above the reader change the page's height: hold the place while they settle,
    // however long that takes on a busy machine, until the reader scrolls, taps or types: then the page is theirs
    let moved = false;
    const settle = new ResizeObserver(() => scroll());
    for (const type of ["wheel", "touchstart", "keydown", "mousedown"]) {
      addEventListener(type, () => { moved = true; settle.disconnect(); }, { once: true, passive: true });
    }
    const scroll = () => moved || scrollTo(saved.x, saved.y);
    scroll();
    settle.observe(document.documentElement);
    addEventListener("load", () => { scroll(); history.scrollRestoration = "auto"; });
    document.addEventListener("figure-ready", (event) => {
      restore(event.detail.id, saved.figures[event.detail.id]).catch(console.warn).finally(scroll);
    });
  }

  function overlay(text) {
    document.getElementById("preview-errors")?.remove();
    if (!text) return;
    const box = document.createElement("section");
    box.id = "preview-errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;top:0;left:0;right:0;max-height:70vh;overflow:auto;z-index:2147483647;"
      + "margin:0;padding:0.75rem 1rem;background:#3a0f0f;color:#fff;box-shadow:0 4px 18px #0008;"
      + "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace";
    const title = document.createElement("strong");
    title.textContent = "Build failed: this is the last good site. Fix and save to rebuild.";
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.cssText = "float:right;font:inherit;color:#000;background:#fff";
    close.addEventListener("click", () => box.remove());
    const errors = document.createElement("pre");
    // the page's own pre rule paints a pale code background: the overlay sets its own (white on dark red, 14:1)
    errors.style.cssText = "margin:0.5rem 0 0;padding:0;white-space:pre-wrap;font:inherit;background:none;color:#fff";
    errors.textContent = text;
    box.append(close, title, errors);
    document.body.append(box);
  }

  const events = new EventSource("/__preview/events");
  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    if (state.build && state.build !== build) {
      save(); // a newer good build is served: reload into it (its errors, if any, come back with the stream)
      location.reload();
    } else {
      overlay(state.error);
    }
  };
})();
