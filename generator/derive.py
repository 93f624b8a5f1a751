"""Derived artifacts, each cached by the hash of its inputs: claims, figure outputs, Vega specs, stills."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field

from . import figures
from .cache import Store, code_hash, digest, versions
from .content import Directive
from .figures.output import FigureOutput
from .threads import THREADS


# The claims code: its key covers every module it imports, so editing one re-measures without retraining.
CLAIMS_ENTRY = "analysis/claims"


def claims_key(run_key: str) -> str:
    return digest("claims", run_key, code_hash(CLAIMS_ENTRY), {"threads": THREADS})


def experiment_claims(store: Store, run_key: str, spec: dict) -> dict:
    key = claims_key(run_key)
    if not store.has("claims", key):
        from .analysis.claims import experiment_claims as measure
        store.put("claims", key, {"claims": measure(store.arrays("runs", run_key), spec)})
    return store.meta("claims", key)["claims"]


def figure_key(directive: Directive, run_key: str, claims: dict, others: dict | None = None) -> tuple[str, dict]:
    """The cache key of a figure's output, and the options its builder gets. `others`: the spec of each other
    experiment the figure names (figures.named), by name: the builder gets them in place of the names, and a
    change to one draws the figure again."""
    kind = figures.KINDS[directive.kind]
    options = figures.resolve_options(directive.kind, directive.options)  # a default written out keeps the key
    if kind.others and others is not None:
        options = options | {kind.others: {name: others[name] for name in figures.named(directive.kind, options)}}
    # the claims are an input too: a figure may draw the measured jumps (the spec is inside the run key)
    return digest("figure", run_key, claims, directive.kind, options, figures.code_key(directive.kind),
                  versions("altair", "numpy", "scipy"), {"threads": THREADS}), options


def figure_output(store: Store, directive: Directive, run_key: str, spec: dict, claims: dict,
                  others: dict | None = None) -> FigureOutput:
    key, options = figure_key(directive, run_key, claims, others)
    if not store.has("figures", key):
        built = figures.builder(directive.kind)(options, store.arrays("runs", run_key), spec, claims)
        store.put("figures", key, {"spec": built.spec, "claims": built.claims, "frames": built.frames,
                                   "files": sorted(built.files)}, files=built.files)
    meta = store.meta("figures", key)
    files = {name: store.file("figures", key, name) for name in meta["files"]}
    return FigureOutput(meta["spec"], files, meta["claims"], meta["frames"], key)


@dataclass(frozen=True)
class Variant:
    """One run of a sweep, as a sweep figure's builder sees it; `run()` loads its arrays from the cache."""
    id: str
    values: dict          # sweep key -> value, e.g. {"data.classes": 3, "model.activation": "relu"}
    spec: dict
    claims: dict
    run_key: str
    store: Store = field(default=None, compare=False, repr=False)

    def run(self) -> dict:
        return self.store.arrays("runs", self.run_key)


def sweep_figure_key(directive: Directive, variants: list[Variant]) -> tuple[str, dict]:
    options = figures.resolve_options(directive.kind, directive.options)
    return digest("sweep-figure", [(v.id, v.run_key, v.claims) for v in variants], directive.kind, options,
                  figures.code_key(directive.kind), versions("altair", "numpy", "scipy"), {"threads": THREADS}), options


def sweep_figure_output(store: Store, directive: Directive, variants: list[Variant]) -> FigureOutput:
    """A figure drawn from every variant of a sweep (the reader picks one with the figure's controls)."""
    key, options = sweep_figure_key(directive, variants)
    if not store.has("figures", key):
        loaded = [Variant(v.id, v.values, v.spec, v.claims, v.run_key, store) for v in variants]
        built = figures.builder(directive.kind)(options, loaded)
        store.put("figures", key, {"spec": built.spec, "claims": built.claims, "frames": built.frames,
                                   "files": sorted(built.files)}, files=built.files)
    meta = store.meta("figures", key)
    files = {name: store.file("figures", key, name) for name in meta["files"]}
    return FigureOutput(meta["spec"], files, meta["claims"], meta["frames"], key)


def vega_spec(store: Store, vegalite: dict) -> dict:
    """Vega-Lite compiled to Vega at build time, so the page ships only Vega's runtime."""
    key = digest("vega", vegalite, code_hash("derive"), versions("vl-convert-python"))
    if not store.has("vega", key):
        import vl_convert
        compiled = dependencies_first(vl_convert.vegalite_to_vega(vegalite))
        store.put("vega", key, {}, files={"spec.json": json.dumps(compiled).encode()})
    return json.loads(store.file("vega", key, "spec.json"))


def dependencies_first(vega: dict) -> dict:
    """Vega needs each data set defined before a lookup or source names it; Vega-Lite sometimes emits a
    lookup's data after the lookup. Reorder (stably) so that every data set follows what it reads."""
    data = vega.get("data", [])
    by_name = {d["name"]: d for d in data}

    def reads(d):
        sources = d.get("source", [])
        named = [sources] if isinstance(sources, str) else list(sources)
        return named + [t["from"] for t in d.get("transform", []) if t.get("type") == "lookup"]

    ordered, placed = [], set()

    def place(d, trail=()):
        if d["name"] in placed or d["name"] in trail:
            return
        for name in reads(d):
            if name in by_name:
                place(by_name[name], trail + (d["name"],))
        placed.add(d["name"])
        ordered.append(d)

    for d in data:
        place(d)
    return vega | {"data": ordered} if data else vega


PNG_BUDGET = 200_000      # bytes a PNG still may take; fewer colours where the figure allows
SVG_BUDGET = 1_000_000    # an SVG still larger than this is left out (the PNG stands alone)


def stills(store: Store, vegalite: dict, files: dict[str, bytes]) -> dict[str, bytes]:
    """PNG and SVG of the state the spec opens in (publish.at_frame picks the frame), rendered by vl-convert with
    its data inlined. The PNG (scale 2) is reduced to a palette (small_png); the SVG is kept only under
    SVG_BUDGET, so a figure drawn with many thousands of marks publishes its PNG alone."""
    key = digest("stills", vegalite, {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}, code_hash("derive"),
                 versions("vl-convert-python", "pillow"))
    if not store.has("stills", key):
        import vl_convert
        compiled = dependencies_first(vl_convert.vegalite_to_vega(inline_data(vegalite, files)))
        made = {"still.png": small_png(vl_convert.vega_to_png(compiled, scale=2))}
        svg = stable_ids(vl_convert.vega_to_svg(compiled)).encode()
        if len(svg) <= SVG_BUDGET:
            made["still.svg"] = svg
        store.put("stills", key, {"files": sorted(made)}, files=made)
    return {name: store.file("stills", key, name) for name in store.meta("stills", key)["files"]}


def small_png(png: bytes) -> bytes:
    """The PNG with an adaptive palette of at most 256 colours, fewer while it stays over PNG_BUDGET; the original
    if that is not smaller. The most common colours (the background, panel fills, axes' grey) keep their exact
    values, the rest is a median-cut palette, and Floyd-Steinberg dithering keeps colour ramps from banding.
    Deterministic: the same pixels give the same bytes (Pillow writes no time or text chunks)."""
    import io

    from PIL import Image
    image = Image.open(io.BytesIO(png))
    image.load()
    best = png
    for colours in (256, 128, 64):
        if image.mode == "RGBA" and image.getextrema()[3][0] < 255:  # see-through pixels: keep alpha, no dither
            reduced = image.quantize(colours, method=Image.Quantize.FASTOCTREE)
        else:
            reduced = _dithered(image.convert("RGB"), colours)
        out = io.BytesIO()
        reduced.save(out, "PNG", optimize=True)
        if len(out.getvalue()) < len(best):
            best = out.getvalue()
        if len(best) <= PNG_BUDGET:
            break
    return best


def _dithered(rgb, colours: int):
    from PIL import Image
    counts = rgb.getcolors(rgb.width * rgb.height)
    common = [c for n, c in sorted(counts, key=lambda nc: (-nc[0], nc[1]))[:colours // 8]
              if n >= rgb.width * rgb.height // 500]       # a colour covering at least 0.2% of the picture
    rest = rgb.quantize(colours - len(common), method=Image.Quantize.MEDIANCUT).getpalette()[:3 * (colours - len(common))]
    palette = [v for c in common for v in c] + rest
    palette += palette[-3:] * (256 - len(palette) // 3)
    holder = Image.new("P", (1, 1))
    holder.putpalette(palette)
    reduced = rgb.quantize(palette=holder, dither=Image.Dither.FLOYDSTEINBERG)
    # Pillow matches colours to the palette through a coarse (5-6-5 bit) cache, so white may come out as a pale
    # tint: put every pixel of a common colour back to its exact entry
    import numpy as np
    pixels, indices = np.asarray(rgb), np.array(reduced)
    for i, colour in enumerate(common):
        indices[(pixels == colour).all(axis=-1)] = i
    exact = Image.fromarray(indices, "P")
    exact.putpalette(palette)
    return exact


def stable_ids(svg: str) -> str:
    """Vega numbers clip paths and gradients from a counter global to the process (clip108 after a hundred
    renders), so the same figure's SVG would depend on what was rendered before it, e.g. in a resumed build.
    Renumber them in order of first appearance: one figure, one SVG. (vl-convert 1.9 writes gradient_15;
    the separator, if any, is kept.)"""
    names: dict[str, str] = {}
    counts: dict[str, int] = {}

    def rename(match):
        kind, separator, _ = match.groups()
        if match.group(0) not in names:
            counts[kind] = counts.get(kind, 0) + 1
            names[match.group(0)] = f"{kind}{separator}{counts[kind]}"
        return names[match.group(0)]
    return re.sub(r"\b(clip|gradient|pattern)(_?)(\d+)\b", rename, svg)


def inline_data(spec, files: dict[str, bytes]):
    """A copy of a spec whose '@data/' files are replaced by the data itself (JSON values, PNG data URIs)."""
    if isinstance(spec, dict):
        url = spec.get("url")
        if isinstance(url, str) and url.startswith("@data/") and url.endswith(".json"):
            return {"values": json.loads(files[url[len("@data/"):]])}
        return {k: inline_data(v, files) for k, v in spec.items()}
    if isinstance(spec, list):
        return [inline_data(v, files) for v in spec]
    if isinstance(spec, str) and spec.startswith("@data/") and spec.endswith(".png"):
        return "data:image/png;base64," + base64.b64encode(files[spec[len("@data/"):]]).decode()
    return spec


def resolve_urls(spec, urls: dict[str, str], prefix: str):
    """Replace '@data/<name>' placeholders by prefix + the hashed file name."""
    if isinstance(spec, dict):
        return {k: resolve_urls(v, urls, prefix) for k, v in spec.items()}
    if isinstance(spec, list):
        return [resolve_urls(v, urls, prefix) for v in spec]
    if isinstance(spec, str) and spec.startswith("@data/"):
        return prefix + urls[spec[len("@data/"):]]
    return spec
