"""The files one figure publishes, computed before the write stage: its data under content-hashed names,
the compiled Vega spec the page plays, the exported Vega-Lite and Vega specs (generator/embed.py: data inline
or by URL), and its stills (PNG and SVG of the last frame of a moving figure)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from . import derive, embed
from .cache import code_hash, digest, versions
from .figures import choices, turn
from .figures.output import FigureOutput
from .site import hashed_name


@dataclass(frozen=True)
class Published:
    data: dict[str, tuple[str, bytes]]   # data file name -> (site path, bytes)
    vega: tuple[str, bytes]              # the page's compiled spec: (site path, bytes)
    files: dict[str, bytes]              # figures/<id>/...: exported specs and stills


KIND = "published"


def figure_files(store, fig_id: str, output: FigureOutput, base_url: str, still: int | None = None) -> Published:
    """Computed once per figure output, id, base URL and still frame (None: the last), then read from the cache
    (the specs' JSON and the stills' keys are most of a rebuild's time otherwise)."""
    frame = output.frames - 1 if still is None else still
    if output.frames and not 0 <= frame < output.frames:
        raise ValueError(f"'still: {still}' is past its last frame: it has {output.frames} (0 to {output.frames - 1})")
    if not output.frames and still is not None:
        raise ValueError(f"'still: {still}' picks a frame, but this figure does not move")
    key = digest("published", fig_id, output.key, base_url, frame, code_hash("publish"),
                 versions("vl-convert-python", "pillow"))
    if not output.key or not store.has(KIND, key):
        made = _made(store, fig_id, output, base_url, frame)
        if not output.key:
            return made
        store.put(KIND, key, {"data": {name: path for name, (path, _) in made.data.items()}, "vega": made.vega[0],
                              "files": sorted(made.files)}, files={"page.vg.json": made.vega[1], **made.files})
    meta = store.meta(KIND, key)
    return Published({name: (path, output.files[name]) for name, path in meta["data"].items()},
                     (meta["vega"], store.file(KIND, key, "page.vg.json")),
                     {name: store.file(KIND, key, name) for name in meta["files"]})


def _made(store, fig_id: str, output: FigureOutput, base_url: str, frame: int) -> Published:
    data = {name: (hashed_name("data", f"{fig_id}-{name}", blob), blob) for name, blob in sorted(output.files.items())}
    urls = {name: path for name, (path, _) in data.items()}
    site_spec = derive.resolve_urls(output.spec, urls, "")
    vega = json.dumps(patched(derive.vega_spec(store, site_spec), site_spec), separators=(",", ":")).encode()
    exported = embed.exported(output.spec, output.files, urls, base_url)
    files = {"spec.vl.json": embed.spec_bytes(exported),
             "spec.vg.json": embed.spec_bytes(patched(derive.vega_spec(store, exported), exported)),
             **derive.stills(store, at_frame(output.spec, frame), output.files)}
    return Published(data, (hashed_name("specs", f"{fig_id}.vg.json", vega), vega), files)


def patched(vega: dict, vegalite: dict) -> dict:
    """The compiled spec with what Vega-Lite cannot say put back: data URLs that follow the reader's choice and the
    pickers' bindings (figures/choices.py), and the pointer events that turn a 3-D view (figures/turn.py)."""
    return turn.patch(choices.patch(vega, vegalite), vegalite)


def at_frame(spec: dict, frame: int) -> dict:
    """The spec showing one frame of a moving figure: its still shows the last frame, the state the caption
    describes (the trained network, the finished morph), not the untouched input of frame 0."""
    if frame < 0:
        return spec
    return spec | {"params": [p | {"value": frame} if p.get("name") == "frame" else p for p in spec.get("params", [])]}
