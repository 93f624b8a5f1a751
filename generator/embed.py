"""What a figure offers another page: its exported specs (data inline, or at URLs from the site's base_url) and its
iframe snippet. docs/embedding.md says how an embedder uses them, and the headers a host must send."""
from __future__ import annotations

import html
import json
import re

from . import derive

# A spec whose data, inlined, keeps it within this many bytes (as written) carries its data: it draws from any
# page with no header from the host and no base_url. A larger one names its data files by URL.
INLINE_BUDGET = 20_000
HEIGHT_MESSAGE = "bending-space:height"  # what a framed figure page posts (player.js); the snippet listens for it
TITLE_LENGTH = 120


def exported(spec: dict, files: dict[str, bytes], urls: dict[str, str], base_url: str) -> dict:
    """The Vega-Lite spec an embedder loads: its data inline (JSON as values, PNG as data: URIs) when everything it
    names can be inlined and the spec stays within INLINE_BUDGET; else its data files by URL, absolute from
    base_url, or relative to the spec's own folder (figures/<id>/) when base_url is empty."""
    inline = derive.inline_data(spec, files)
    if "@data/" not in json.dumps(inline) and len(spec_bytes(inline)) <= INLINE_BUDGET:
        return inline
    return derive.resolve_urls(spec, urls, base_url.rstrip("/") + "/" if base_url else "../../")


def spec_bytes(spec: dict) -> bytes:
    """A spec as written: indented, keys sorted (one spec, one file), but each inline data set on one line, so
    that inlined rows do not take a line per number."""
    rows: list[str] = []

    def hold(node):
        if isinstance(node, dict):
            return {k: (_token(rows, v) if k == "values" else hold(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [hold(v) for v in node]
        return node
    text = json.dumps(hold(spec), indent=1, sort_keys=True)
    return re.sub(r'"@values(\d+)@"', lambda m: rows[int(m.group(1))], text).encode()


def _token(rows: list[str], values) -> str:
    rows.append(json.dumps(values, separators=(",", ":"), sort_keys=True))
    return f"@values{len(rows) - 1}@"


def shorten(text: str, most: int = TITLE_LENGTH) -> str:
    """A title of at most `most` characters, cut at a word's end with "…", never mid-word."""
    if len(text) <= most:
        return text
    cut = re.sub(r"\s+\S*$", "", text[:most + 1])
    cut = cut if len(cut) <= most else text[:most]
    return re.sub(r"[\s,;:.]+$", "", cut) + "…"


def page_url(base_url: str, fig_id: str) -> str:
    """The figure page's address: absolute from base_url; without one, its path from the site's root, which the
    page's script completes with the address the site is served from (extras.js, completeSnippet)."""
    return (base_url.rstrip("/") + "/" if base_url else "") + f"figures/{fig_id}/"


def snippet(base_url: str, fig_id: str, title: str) -> str:
    """The embed snippet: the figure page in an iframe, and a few lines that set the iframe's height to what the
    page posts, accepted only from that iframe and its origin. The one place the snippet is written: the figure
    page carries it in its HTML, and the article's panel copies it from there."""
    return (f'<iframe src="{page_url(base_url, fig_id)}" title="{html.escape(shorten(title))}" width="100%" height="600" '
            'style="border:0;display:block" loading="lazy"></iframe>\n'
            '<script>(function (f) { addEventListener("message", function (e) { var d = e.data; '
            f'if (e.source === f.contentWindow && e.origin === new URL(f.src).origin && d && d.type === "{HEIGHT_MESSAGE}" && '
            f'd.id === "{fig_id}") f.style.height = Math.ceil(d.height) + "px"; }}); }})(document.currentScript.previousElementSibling);</script>')
