"""Page assembly: the figure context each template needs, the article, the standalone figure pages."""
from __future__ import annotations

import html
import re
from pathlib import Path

from .markup import without_live
from .site import SiteWriter

STATIC = ("style.css", "player.js", "figure.js", "extras.js", "icon.svg")  # figure.js, extras.js: with Vega, later


def write_assets(writer: SiteWriter, templates, vega_runtime: bytes) -> dict[str, str]:
    assets = {"vega": writer.hashed("assets", "vega.js", vega_runtime)}
    for name in STATIC:
        assets[name.split(".")[0]] = writer.hashed(
            "assets", name, slim(name, (templates / "static" / name).read_bytes()))
    assets["css"] = assets.pop("style")
    return assets


def slim(name: str, source: bytes) -> bytes:
    """The stylesheet and the player as shipped: comments and indentation out (the first view's weight counts
    every byte); the sources in templates/static keep them. The player's whole-line comments and indentation only,
    and not at all if a template literal spans lines."""
    text = source.decode()
    if name.endswith(".css"):
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"\s*([{};])\s*", r"\1", re.sub(r"\s+", " ", text)).strip() + "\n"
        text = re.sub(r"([:,]) ", r"\1", text)  # (no string in the stylesheet holds ': ' or ', ')
    elif name.endswith(".js") and not any(line.count("`") % 2 for line in text.splitlines()):
        text = re.sub(r"(?m)^[ \t]*//.*\n", "", text)
        text = re.sub(r"(?m)^[ \t]+", "", text)
    return text.encode()


# Kinds whose panels stand side by side: on a wide screen the figure is wider than the text column (into its right
# margin) and the page draws its plots larger to fill it; on a phone its panels stack (figure.js).
WIDE_KINDS = frozenset({"spiral-training", "spiral-directions"})


def write_figure(writer: SiteWriter, fig, output, published, number: int, caption_html: str) -> dict:
    """Writes what the compute stage made for one figure (publish.figure_files); returns its template context."""
    for path, blob in published.data.values():
        writer.write(path, blob)
    vega_url = writer.write(*published.vega)
    folder = f"figures/{fig.id}"
    for name, blob in published.files.items():
        writer.write(f"{folder}/{name}", blob)
    urls = {name: path for name, (path, _) in published.data.items()}
    # the caption as plain text (the page's title, its metadata), without the words only scripts make true
    caption_text = html.unescape(re.sub(r"<[^>]+>", "", without_live(caption_html)))
    live = live_assets(writer, urls) if fig.kind == "live-training" else None
    return {"id": fig.id, "kind": fig.kind, "wide": fig.kind in WIDE_KINDS, "experiment": fig.experiment, "live": live,
            "frames": output.frames,
            "vega_url": vega_url, "still_url": f"{folder}/still.png", "caption_html": caption_html,
            "caption_text": caption_text, "alt": fig.alt, "number": number, "number_label": f"Figure {number}",
            "title": f"Figure {number}: {fig.id}",
            "data_links": [(name, url) for name, url in urls.items()],
            "data_bytes": sum(len(b) for b in output.files.values()),
            "still_size": png_size(published.files.get("still.png", b"")),
            # an SVG still over derive.SVG_BUDGET is not published, so nothing may link it
            "still_svg": f"{folder}/still.svg" if "still.svg" in published.files else None}


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def live_assets(writer: SiteWriter, urls: dict[str, str]) -> dict[str, str]:
    """A live-training figure's scripts, loaded only when it nears the screen (never in the first view): the page
    half (live.js) and the Web Worker, trainer.js and its glue in one file (no import between hashed names), and
    its data file (figures/live.py)."""
    static = TEMPLATES / "static"
    worker = (static / "trainer.js").read_text() + "\n" + (static / "live_worker.js").read_text()
    return {"module": writer.hashed("assets", "live.js", slim("live.js", (static / "live.js").read_bytes())),
            "worker": writer.hashed("assets", "live-worker.js", slim("live-worker.js", worker.encode())),
            "data": urls["live.json"]}


def png_size(png: bytes) -> tuple[int, int] | None:
    """The CSS size of a still (PNGs are drawn at scale 2): the width and height its <img> declares."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(png[16:20], "big") // 2, int.from_bytes(png[20:24], "big") // 2
