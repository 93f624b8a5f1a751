"""Embedding from another origin, as a stranger would: the built quick site served by generator.serve on one
port, a blank page of our own on another. (a) Three figures pasted in by their iframe snippets, each iframe
resized to its content by the snippet's few lines of script; (b) one figure's spec.vl.json loaded across
origins with vega-embed (pinned in tests/embed/package.json, installed by `make embed`; missing, it fails)."""
from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from .figure_checks import READY_MS, wait_ready

pytestmark = pytest.mark.browser

EMBED = Path(__file__).resolve().parents[1] / "embed" / "node_modules"
LIBRARIES = {"vega.js": EMBED / "vega" / "build" / "vega.min.js",
             "vega-lite.js": EMBED / "vega-lite" / "build" / "vega-lite.min.js",
             "vega-embed.js": EMBED / "vega-embed" / "build" / "vega-embed.min.js"}
# a tall figure (its controls and caption would hide under a fixed 600 px), a moving one, a short one
WANTED = ["spiral-training", "curves-layer-morph", "curves-regions-line"]
HEAD = "<!doctype html><html lang='en'><head><meta charset='utf-8'><link rel='icon' href='data:,'><title>{}</title>"


@pytest.fixture
def host(tmp_path):
    """A blank site of our own on another port (so another origin): (its folder, its address)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def pick(report, n=3):
    ids = [f for f in WANTED if f in report["figures"]]
    return (ids + [f for f in report["figures"] if f not in ids])[:n]


def test_three_iframe_snippets_fit_their_figures(page, site_url, built_site, host):
    _, report = built_site
    folder, host_url = host
    ids = pick(report)
    page.goto(site_url, wait_until="load")
    snippets = {}
    for fid in ids:
        panel = page.locator(f'details.fig-embed[data-embed="{fid}"]')
        panel.locator("summary").click()
        snippets[fid] = panel.locator("pre code").text_content()
        alt = page.locator(f'figure[data-figure="{fid}"] .fig-view').get_attribute("aria-label")
        title = page.evaluate("(s) => { const t = document.createElement('template'); t.innerHTML = s;"
                              " return t.content.querySelector('iframe').title; }", snippets[fid])
        # the title is the alt text, or its start cut at a word's end with an ellipsis, never mid-word
        if title != alt:
            kept = title.removesuffix("…")
            assert title.endswith("…") and len(title) <= 121 and alt.startswith(kept), (fid, title)
            assert alt[len(kept)] in " ,;:.", f"{fid}: title cut mid-word: {title!r}"
        assert f'src="{site_url}figures/{fid}/"' in snippets[fid] and "<script>" in snippets[fid]
    (folder / "index.html").write_text(
        HEAD.format("Someone else's page") + "</head><body><h1>A blog post</h1>"
        + "".join(f"<p>Figure {fid}:</p>\n{snippet}\n" for fid, snippet in snippets.items()) + "</body></html>")
    page.goto(host_url, wait_until="load")
    frames = {}
    deadline = time.monotonic() + READY_MS / 1000
    while len(frames) < len(ids) and time.monotonic() < deadline:
        for fid in ids:
            frames[fid] = frames.get(fid) or next(
                (f for f in page.frames if f.url.startswith(f"{site_url}figures/{fid}/")), None)
        frames = {k: v for k, v in frames.items() if v}
        if len(frames) < len(ids):
            page.mouse.wheel(0, 400)  # the snippet's iframe loads lazily: scroll the rest into reach
            page.wait_for_timeout(100)
    assert len(frames) == len(ids), f"iframes never loaded: {[f.url for f in page.frames]}"
    for fid, frame in frames.items():  # a figure starts when it nears the reader's viewport, in an iframe too
        page.locator(f"iframe[src='{site_url}figures/{fid}/']").scroll_into_view_if_needed()
        wait_ready(frame, [fid], page.problems)
    # each iframe ends up as tall as its figure page's content (the page posts its height; the snippet sets it)
    heights = {}
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        heights = {fid: (page.evaluate("(src) => document.querySelector(`iframe[src='${src}']`)"
                                       ".getBoundingClientRect().height", f"{site_url}figures/{fid}/"),
                         frame.evaluate("document.documentElement.getBoundingClientRect().height"))
                   for fid, frame in frames.items()}
        if all(abs(outer - inner) <= 3 for outer, inner in heights.values()):
            break
        page.wait_for_timeout(100)
    assert all(abs(outer - inner) <= 3 for outer, inner in heights.values()), f"iframe vs content: {heights}"
    assert len({round(inner) for _, inner in heights.values()}) > 1, f"all the same height? {heights}"
    for fid, frame in frames.items():  # nothing inside scrolls: the whole figure shows
        assert frame.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"), fid
    assert page.problems == []


def test_vega_embed_loads_a_spec_from_another_origin(page, site_url, built_site, host):
    missing = [str(path) for path in LIBRARIES.values() if not path.exists()]
    if missing:
        pytest.fail(f"vega-embed's packages are missing ({missing}): run `make embed` (make test does)")
    _, report = built_site
    folder, host_url = host
    # a figure whose spec loads JSON data and a PNG image across origins
    fid = "curves-regions-line" if "curves-regions-line" in report["figures"] else next(iter(report["figures"]))
    for name, path in LIBRARIES.items():
        shutil.copy(path, folder / name)
    spec_url, base = f"{site_url}figures/{fid}/spec.vl.json", f"{site_url}figures/{fid}/"
    (folder / "index.html").write_text(
        HEAD.format("vega-embed on another origin")
        + "<script src='vega.js'></script><script src='vega-lite.js'></script><script src='vega-embed.js'></script>"
        + "</head><body><h1>A figure by vega-embed</h1><div id='vis'></div><script>"
        + f"vegaEmbed('#vis', {json.dumps(spec_url)}, {{loader: {{baseURL: {json.dumps(base)}}}, actions: false}})"
        + ".then((r) => r.view.runAsync()).then(() => { window.embedded = 'ok'; })"
        + ".catch((e) => { window.embedded = String(e); console.error(e); });</script></body></html>")
    page.goto(host_url, wait_until="load")
    page.wait_for_function("window.embedded", timeout=READY_MS)
    assert page.evaluate("window.embedded") == "ok", page.evaluate("window.embedded")
    page.wait_for_timeout(500)  # images load after the first render
    drawn = page.evaluate("""() => { const c = document.querySelector('#vis canvas, #vis svg');
        if (!c) return null; const box = c.getBoundingClientRect(); let ink = 0;
        if (c.tagName === 'CANVAS') { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] && (d[i] & d[i + 1] & d[i + 2]) !== 255) ink++; }
        return {tag: c.tagName, width: box.width, height: box.height, ink}; }""")
    assert drawn and drawn["width"] > 150 and drawn["height"] > 150, drawn
    assert drawn["tag"] != "CANVAS" or drawn["ink"] > 1000, f"the embedded view looks blank: {drawn}"
    assert page.problems == [], page.problems
