// The player's second half, imported with Vega's runtime when the first figure nears the viewport (figure.js),
// so the first view carries none of it: step buttons and the speed choice, the figure's data as text, and the
// embed panels' snippet (copied from the figure's page) and links.
const html = document.documentElement;
const root = html.dataset.root || "./";
const figures = (window.figures = window.figures || {});

// ---- Step buttons (previous and next frame) beside play, and for a long motion a speed choice. A step pauses play
// and is announced like a scrub.
const LONG_MOTION = 60;  // frames: at 60 ms a frame, a motion longer than about 4 s gets a speed choice
const SPEEDS = [0.25, 0.5, 1, 2, 4];
export function stepControls(figure, button) {
  const { id, frames, number } = figure;
  const stepButton = (delta, icon, text) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "step";
    b.dataset.step = String(delta);
    b.setAttribute("aria-label", `${text} of ${number}`);
    b.innerHTML = `<span aria-hidden="true">${icon}</span>`;
    b.title = text;
    b.addEventListener("click", async () => {
      figure.pause();
      await figure.setFrame(figure.view.signal("frame") + delta);
      figure.announce();
    });
    return b;
  };
  const steps = [stepButton(-1, "◀︎", "Previous frame"), stepButton(1, "▶︎", "Next frame")];
  button.after(...steps);
  if (frames < LONG_MOTION) return;
  const label = document.createElement("label");
  label.className = "fig-speed";
  const select = document.createElement("select");
  select.id = `${id}-speed`;
  select.name = `${id}-speed`;
  for (const speed of SPEEDS) {
    const option = new Option(`${speed}×`, String(speed), speed === 1, speed === 1);
    select.append(option);
  }
  select.setAttribute("aria-label", `${number}: playing speed`);
  select.addEventListener("change", () => { figure.speed = Number(select.value) || 1; });
  label.append("speed ", select);
  steps[1].after(label);
}

// ---- The figure's data as text: what its marks draw now (each item's description, which Vega-Lite writes in the
// figure's own terms: "PC1: 0.12; training step: 5k"), as a small table where it is small, else a CSV download
// of the current frame; kept up to date while open. Marks that say nothing (aria off: a trail, a background) are
// left out; the published data files are linked in the same panel.
const TABLE_ROWS = 40;
export function drawnRows(figure) {
  const sets = new Map(); // by mark name: a line per group (Vega's facets) is one mark's rows
  const walk = (mark) => {
    if (!mark || !mark.items) return;
    if (mark.marktype === "group") { mark.items.forEach((g) => (g.items || []).forEach(walk)); return; }
    if (mark.role && mark.role !== "mark") return; // axes, legends, titles
    const rows = [];
    for (const item of mark.items) {
      if (typeof item.description !== "string" || !item.description) continue;
      const row = {};
      for (const part of item.description.split(/;\s+/)) {
        const at = part.indexOf(": ");
        if (at > 0) row[part.slice(0, at)] = part.slice(at + 2);
      }
      if (Object.keys(row).length) rows.push(row);
    }
    if (!rows.length) return;
    const key = mark.name || `mark ${sets.size}`;
    sets.set(key, (sets.get(key) || []).concat(rows));
  };
  walk(figure.view.scenegraph().root);
  return [...sets.values()];
}
const csvCell = (v) => (/[",\n]/.test(v) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
export function asCSV(rows) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [columns.map(csvCell).join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c] ?? "")).join(","))].join("\n") + "\n";
}
export function dataTables(figure) {
  const { el, id, number } = figure;
  const panels = [el.querySelector(".fig-data"),
    document.querySelector(`details.fig-embed[data-embed="${CSS.escape(id)}"]`)].filter(Boolean);
  for (const panel of panels) {
    let box = panel.querySelector("details.fig-table");
    if (box) continue;
    box = document.createElement("details");
    box.className = "fig-table";
    box.innerHTML = `<summary>${figure.frames ? "This frame's data as text" : "The data as text"}</summary><div class="fig-table-body"></div>`;
    (panel.querySelector(".fig-now") || panel.querySelector("summary")).after(box);
    const body = box.querySelector(".fig-table-body");
    const fill = () => {
      if (!box.open || !figure.view) return;
      const sets = drawnRows(figure);
      body.replaceChildren();
      if (!sets.length) { body.textContent = "This figure's marks carry no values; its data files are linked above."; return; }
      sets.forEach((rows, n) => {
        const what = `${number}: ${[...new Set(rows.flatMap((r) => Object.keys(r)))].join(", ")}`;
        if (rows.length <= TABLE_ROWS) {
          const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
          const table = document.createElement("table");
          table.className = "fig-values";
          table.createCaption().textContent = `${what}: ${rows.length} ${rows.length === 1 ? "row" : "rows"}`;
          const head = table.createTHead().insertRow();
          columns.forEach((c) => { const th = document.createElement("th"); th.scope = "col"; th.textContent = c; head.append(th); });
          const tbody = table.createTBody();
          rows.forEach((r) => { const tr = tbody.insertRow(); columns.forEach((c) => { tr.insertCell().textContent = r[c] ?? ""; }); });
          body.append(table);
        } else {
          const p = document.createElement("p");
          const a = document.createElement("a");
          a.className = "fig-csv";
          a.download = `${id}${figure.frames ? `-frame-${figure.view.signal("frame")}` : ""}${sets.length > 1 ? `-${n + 1}` : ""}.csv`;
          a.textContent = `Download ${what} as CSV (${rows.length.toLocaleString("en-US")} rows)`;
          // made when followed, from what is drawn then
          a.href = "#";
          a.addEventListener("click", () => {
            const now = drawnRows(figure)[n] || rows;
            if (a.dataset.url) URL.revokeObjectURL(a.dataset.url);
            a.href = a.dataset.url = URL.createObjectURL(new Blob([asCSV(now)], { type: "text/csv" }));
          });
          p.append(a);
          body.append(p);
        }
      });
    };
    box.addEventListener("toggle", fill);
    let queued = null;
    const later = () => { clearTimeout(queued); queued = setTimeout(() => figure.view.runAsync().then(fill), 150); };
    figure.refreshTables = (figure.refreshTables || []).concat([later]);
  }
}

// The embed snippet is written once, by the build, into each figure's own page (generator/embed.py): the article's
// panel copies it from there. Built without a base_url it names the figure page from the site's root
// (src="figures/<id>/"), completed here with the address the site is served from.
const siteURL = new URL(root, document.baseURI).href.replace(/\/?$/, "/");
export function completeSnippet(text) {
  return text.replace(' src="figures/', ` src="${siteURL}figures/`);
}
// the figure page's own snippet, completed where the build could not name the site
document.querySelectorAll(".fig-snippet code[data-relative]").forEach((code) => {
  code.textContent = completeSnippet(code.textContent);
  code.removeAttribute("data-relative");
  code.closest("details")?.querySelector(".fig-snippet-note")?.remove();
});
async function snippetOf(id) {
  const page = await fetch(`${root}figures/${id}/`);
  if (!page.ok) throw new Error(`figures/${id}/ answered ${page.status}`);
  const doc = new DOMParser().parseFromString(await page.text(), "text/html");
  const code = doc.querySelector(".fig-snippet code");
  if (!code) throw new Error(`figures/${id}/ has no embed snippet`);
  return completeSnippet(code.textContent);
}
export async function fillEmbed(panel) {
  const id = panel.dataset.embed;
  const el = document.getElementById("fig-" + id);
  const intro = document.createElement("p");
  intro.textContent = "Paste into any page:";
  const code = document.createElement("code");
  code.textContent = await snippetOf(id);
  const pre = document.createElement("pre");
  pre.className = "fig-snippet";
  pre.append(code);
  const links = panel.querySelector(".fig-links");
  links.before(intro, pre);
  const files = [["Vega-Lite spec", "spec.vl.json"], ["Vega spec", "spec.vg.json"], ["PNG", "still.png"],
    ...("noSvg" in panel.dataset ? [] : [["SVG", "still.svg"]])];
  for (const [name, file] of files) {
    const a = document.createElement("a");
    a.href = `${root}figures/${id}/${file}`;
    a.textContent = name;
    links.append(" · ", a);
  }
  const text = JSON.stringify(figures[id]?.spec || (await (await fetch(el.dataset.spec)).json()));
  const prefix = `data/${id}-`;
  const urls = [...new Set(text.match(new RegExp(prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + '[^"\\\\]+', "g")) || [])].sort();
  for (const url of urls) {
    const a = document.createElement("a");
    a.href = root + url;
    a.textContent = url.slice(prefix.length).replace(/\.[0-9a-f]{10}(\.\w+)$/, "$1");
    links.append(" · ", a);
  }
}

// ---- Tooltips (Vega's tooltip handler, set by figure.js on every view): a reader who hovers a point, or taps it,
// reads what the figure's tooltip encoding says of it (its class, coordinates, step) in a box beside the pointer,
// styled by the page's theme. Vega calls this with the item's tooltip (an object of title -> value, or a text),
// and with null when the pointer leaves the item. Text only: values are set as text, never as HTML.
let tip = null;
const tipText = (v) => (typeof v === "number" ? String(Math.round(v * 1e4) / 1e4) : String(v));
export function tooltip(handler, event, item, value) {
  if (!tip) {
    tip = document.createElement("div");
    tip.className = "fig-tooltip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    document.body.append(tip);
  }
  if (value == null || value === "" || !event) {
    tip.hidden = true;
    return;
  }
  const rows = value && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [[null, value]];
  tip.replaceChildren(...rows.map(([key, v]) => {
    const row = document.createElement("div");
    if (key != null) {
      const name = document.createElement("span");
      name.className = "fig-tooltip-key";
      name.textContent = key;
      row.append(name, " ");
    }
    row.append(tipText(v));
    return row;
  }));
  tip.hidden = false;
  // beside the pointer, turned to the other side where it would leave the window
  const pad = 12, box = tip.getBoundingClientRect();
  let x = event.clientX + pad, y = event.clientY + pad;
  if (x + box.width > window.innerWidth - 4) x = event.clientX - pad - box.width;
  if (y + box.height > window.innerHeight - 4) y = event.clientY - pad - box.height;
  tip.style.left = `${Math.max(4, x)}px`;
  tip.style.top = `${Math.max(4, y)}px`;
}

// A live-training figure's trainer (live.js, a Web Worker behind it) is imported when the figure nears the screen:
// this half of the player has loaded by then (the figure itself is drawn by Vega like any other), so the first view
// carries none of it.
const liveFigures = document.querySelectorAll("figure.fig[data-live-module]");
const mountLive = (f) => import(new URL(f.dataset.liveModule, document.baseURI).href).then((m) => m.mount(f))
  .catch((err) => { f.querySelector(".live-mount").textContent = `The trainer did not load: ${err.message}`; });
if (liveFigures.length && "IntersectionObserver" in window) {
  const near = new IntersectionObserver((entries) => entries.forEach((e) => {
    if (e.isIntersecting) { near.unobserve(e.target); mountLive(e.target); }
  }), { rootMargin: "800px 0px" });
  liveFigures.forEach((f) => near.observe(f));
} else liveFigures.forEach(mountLive);
