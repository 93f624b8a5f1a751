// The player's second half, imported with Vega's runtime when the first figure nears the viewport (player.js),
// so the first view carries none of it: step buttons and the speed choice, the figure's data as text, and the
// embed panels' snippet and links.
const html = document.documentElement;
const root = html.dataset.root || "./";
const figures = (window.figures = window.figures || {});

// ---- Step buttons (previous and next frame) beside play, and for a long motion a speed choice. A step pauses play
// and is announced like a scrub.
const LONG_MOTION = 60;  // frames: at 60 ms a frame, a motion longer than about 4 s gets a speed choice
const SPEEDS = [0.25, 0.5, 1, 2, 4];
export function stepControls(figure, button) {
  const { el, id, frames } = figure;
  const number = el.dataset.number || id;
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
  const { el, id } = figure;
  const number = el.dataset.number || id;
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

const siteURL = new URL(html.dataset.site || root, document.baseURI).href.replace(/\/?$/, "/");
const HEIGHT_MESSAGE = "bending-space:height"; // the same in player.js, whose figure pages post it
// a title of at most `max` characters, cut at a word's end (with "…"), never mid-word
const shorten = (text, max = 120) => text.length <= max ? text
  : [text.slice(0, max + 1).replace(/\s+\S*$/, "")].map((cut) => cut.length <= max ? cut : text.slice(0, max))[0]
    .replace(/[\s,;:.]+$/, "") + "…";
export function embedSnippet(id, title) {
  const attr = (text) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const origin = new URL(siteURL).origin;
  return `<iframe src="${siteURL}figures/${id}/" title="${attr(shorten(title))}" width="100%" height="600" ` +
    'style="border:0;display:block" loading="lazy"></iframe>\n' +
    '<script>(function (f) { addEventListener("message", function (e) { var d = e.data; ' +
    `if (e.source === f.contentWindow && e.origin === "${origin}" && d && d.type === "${HEIGHT_MESSAGE}" && ` +
    `d.id === "${id}") f.style.height = Math.ceil(d.height) + "px"; }); })(document.currentScript.previousElementSibling);</script>`;
}
export async function fillEmbed(panel) {
  const id = panel.dataset.embed;
  const el = document.getElementById("fig-" + id);
  const intro = document.createElement("p");
  intro.textContent = "Paste into any page:";
  const code = document.createElement("code");
  code.textContent = embedSnippet(id, el.querySelector(".fig-view").getAttribute("aria-label") || id);
  const pre = document.createElement("pre");
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
