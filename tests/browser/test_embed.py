"""Embedding from another origin, as a stranger would: the built quick site served by generator.serve on one
port, a blank page of our own on another. (a) Three figures pasted in by their iframe snippets, each iframe
resized to its content by the snippet's few lines of script; (b) one figure's spec.vl.json, built without a
base_url, loaded across origins with vega-embed and the spec's folder as its base URL (vega-embed pinned in
tests/embed/package.json, installed by `make embed`; missing, it fails); (c) the quick site built again with a
base_url naming the address it is served at: every figure's spec.vl.json, loaded by vega-embed with no options,
draws its data on the other origin; every figure page shows its snippet with scripts off; the metadata's
addresses are absolute."""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from generator import embed

from .figure_checks import READY_MS, wait_ready

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EMBED = ROOT / "tests" / "embed" / "node_modules"
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
    out, report = built_site
    folder, host_url = host
    # a figure whose spec names its data files (relative to its folder: this build has no base_url), an image first
    named = {fid: named_files(json.loads((out / "figures" / fid / "spec.vl.json").read_text())) for fid in report["figures"]}
    by_url = [fid for fid, files in named.items() if files]
    assert by_url, "every spec carries its data: none names a data file to load across origins"
    fid = next((f for f in by_url if any(u.endswith(".png") for u in named[f])), by_url[0])
    copy_libraries(folder)
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


def copy_libraries(folder: Path) -> None:
    missing = [str(path) for path in LIBRARIES.values() if not path.exists()]
    if missing:
        pytest.fail(f"vega-embed's packages are missing ({missing}): run `make embed` (make test does)")
    for name, path in LIBRARIES.items():
        shutil.copy(path, folder / name)


def named_files(spec) -> list[str]:
    """Every address of a data file a spec names (a data source's url, an image's src, a map of files), not data:
    URIs of inlined images."""
    if isinstance(spec, dict):
        return [u for v in spec.values() for u in named_files(v)]
    if isinstance(spec, list):
        return [u for v in spec for u in named_files(v)]
    return [spec] if isinstance(spec, str) and re.search(r"(^|/)data/[^/]+\.[0-9a-f]{10}\.(json|png)$", spec) else []


@pytest.fixture(scope="module")
def based_site(tmp_path_factory):
    """The quick site built with base_url set to the address generator.serve then serves it at (which sends
    Access-Control-Allow-Origin with specs, data and stills): (its folder, its address, the build report)."""
    from generator.build import build
    from generator.serve import make_server
    root = tmp_path_factory.mktemp("based")
    out = root / "site"
    server = make_server(out)  # bound before the build, which must know its address
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    shutil.copytree(ROOT / "content", root / "content")
    settings = root / "content" / "site.toml"
    text = settings.read_text()
    based = re.sub(r'(?m)^base_url = ".*"$', f'base_url = "{url}"', text, count=1)
    assert based != text, "content/site.toml has no base_url line to set"
    settings.write_text(based)
    report = build(root / "content", out, jobs=2, profile="quick", cache_dir=ROOT / ".cache", log=lambda *a: None,
                   wait=1800)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, url, report
    server.shutdown()
    server.server_close()


def test_every_spec_draws_its_data_on_another_origin(page, based_site, host):
    """Each spec.vl.json as an embedder uses it: vega-embed with the spec's address and nothing else, on a page of
    another origin. Its data is inline, or named by absolute addresses on the site; either way it draws marks."""
    out, site_url, report = based_site
    folder, host_url = host
    copy_libraries(folder)
    ids = list(report["figures"])
    inline, by_url = [], []
    for fid in ids:
        spec = json.loads((out / "figures" / fid / "spec.vl.json").read_text())
        files = named_files(spec)
        assert all(u.startswith(f"{site_url}data/") for u in files), f"{fid}: names data by {files[:3]}"
        if files:
            by_url.append(fid)
        else:
            assert len((out / "figures" / fid / "spec.vl.json").read_bytes()) <= embed.INLINE_BUDGET, fid
            inline.append(fid)
    print(f"{len(inline)} specs carry their data, {len(by_url)} name it by URL: inline {inline}")
    specs = {fid: f"{site_url}figures/{fid}/spec.vl.json" for fid in ids}
    (folder / "index.html").write_text(
        HEAD.format("Every figure by vega-embed")
        + "<script src='vega.js'></script><script src='vega-lite.js'></script><script src='vega-embed.js'></script>"
        + "</head><body><h1>Every figure by vega-embed</h1>"
        + "".join(f"<div id='vis-{i}'></div>" for i in range(len(ids))) + "<script>window.views = {};"
        + f"const specs = {json.dumps(specs)};"
        + "Promise.all(Object.entries(specs).map(([id, url], i) => vegaEmbed('#vis-' + i, url, {actions: false})"
        + ".then((r) => r.view.runAsync()).then((view) => { window.views[id] = view; })"
        + ".catch((e) => { window.views[id] = String(e); console.error(id, e); })))"
        + ".then(() => { window.embedded = true; });</script></body></html>")
    page.goto(host_url, wait_until="load")
    page.wait_for_function("window.embedded", timeout=READY_MS * 3)
    page.wait_for_timeout(500)  # images load after the first render
    # the items of every data mark (role "mark": not axes, legends, titles), and how many image marks have pixels
    drawn = page.evaluate("""(ids) => Object.fromEntries(ids.map((id) => {
        const view = window.views[id];
        if (typeof view === 'string' || !view) return [id, {error: String(view)}];
        let items = 0, images = 0, loaded = 0;
        const walk = (mark) => {
          if (mark.marktype === 'group') {
            mark.items.forEach((group) => (group.items || []).forEach(walk));
          } else if (mark.role === 'mark') {
            items += mark.items.length;
            if (mark.marktype === 'image') mark.items.filter((item) => item.url).forEach((item) => { images++;
              if (item.image && item.image.naturalWidth > 0) loaded++; });
          }
        };
        walk(view.scenegraph().root);
        return [id, {items, images, loaded}];
      }))""", ids)
    empty = {fid: d for fid, d in drawn.items() if d.get("error") or d["items"] == 0 or d["loaded"] < d["images"]}
    assert not empty, f"specs that draw no data (or images that did not load) on another origin: {empty}"
    assert page.problems == [], page.problems[:10]


def test_every_figure_page_shows_its_snippet_without_scripts(browser, based_site):
    """The snippet is in each figure page's HTML: with scripts off it is there to read and copy, naming the page
    by the site's base_url, titled by the figure's alt text."""
    out, site_url, report = based_site
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        for fid in report["figures"]:
            page.goto(f"{site_url}figures/{fid}/", wait_until="load")
            panel = page.locator("details.fig-data")
            panel.locator(":scope > summary").click()  # a <details> opens without scripts
            code = panel.locator(".fig-snippet code")
            assert code.is_visible(), f"{fid}: the snippet does not show"
            snippet = code.text_content()
            assert snippet.startswith(f'<iframe src="{site_url}figures/{fid}/" title="'), f"{fid}: {snippet[:120]}"
            assert f'd.id === "{fid}"' in snippet and snippet.rstrip().endswith("</script>"), fid
            alt = page.locator(".fig-view").get_attribute("aria-label")
            title = page.evaluate("(s) => { const t = document.createElement('template'); t.innerHTML = s;"
                                  " return t.content.querySelector('iframe').title; }", snippet)
            assert title == embed.shorten(alt), (fid, title)
            assert page.locator(".fig-snippet-note").count() == 0, f"{fid}: a base_url build needs no note"
    finally:
        context.close()


def test_metadata_addresses_are_absolute_with_a_base_url(based_site):
    out, site_url, report = based_site
    pages = {"index.html": out / "index.html"} | {f"figures/{fid}/": out / "figures" / fid / "index.html"
                                                  for fid in report["figures"]}
    for name, path in pages.items():
        text = path.read_text()
        found = dict(re.findall(r'<meta property="(og:url|og:image)" content="([^"]*)"', text))
        found |= dict(re.findall(r'<meta name="(twitter:image)" content="([^"]*)"', text))
        found |= dict(re.findall(r'<link rel="(canonical)" href="([^"]*)"', text))
        assert {"og:image", "og:url", "twitter:image", "canonical"} <= set(found), f"{name}: {found}"
        assert all(u.startswith(site_url) for u in found.values()), f"{name}: {found}"
        assert found["canonical"] == site_url + ("" if name == "index.html" else name), (name, found)
