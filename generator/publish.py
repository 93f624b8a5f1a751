"""The files one figure publishes, computed before the write stage: its data under content-hashed names,
the compiled Vega spec the page plays, the exported Vega-Lite and Vega specs, and its stills (PNG and SVG
of the last frame of a moving figure)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from . import derive
from .figures import choices
from .figures.output import FigureOutput
from .site import hashed_name


@dataclass(frozen=True)
class Published:
    data: dict[str, tuple[str, bytes]]   # data file name -> (site path, bytes)
    vega: tuple[str, bytes]              # the page's compiled spec: (site path, bytes)
    files: dict[str, bytes]              # figures/<id>/...: exported specs and stills


def figure_files(store, fig_id: str, output: FigureOutput, base_url: str) -> Published:
    data = {name: (hashed_name("data", f"{fig_id}-{name}", blob), blob) for name, blob in sorted(output.files.items())}
    urls = {name: path for name, (path, _) in data.items()}
    site_spec = derive.resolve_urls(output.spec, urls, "")
    vega = json.dumps(choices.patch(derive.vega_spec(store, site_spec), site_spec), separators=(",", ":")).encode()
    exported = derive.resolve_urls(output.spec, urls, base_url.rstrip("/") + "/" if base_url else "../../")
    files = {"spec.vl.json": _json(exported),
             "spec.vg.json": _json(choices.patch(derive.vega_spec(store, exported), exported)),
             **derive.stills(store, at_frame(output.spec, output.frames - 1), output.files)}
    return Published(data, (hashed_name("specs", f"{fig_id}.vg.json", vega), vega), files)


def _json(obj) -> bytes:
    return json.dumps(obj, indent=1, sort_keys=True).encode()


def at_frame(spec: dict, frame: int) -> dict:
    """The spec showing one frame of a moving figure: its still shows the last frame, the state the caption
    describes (the trained network, the finished morph), not the untouched input of frame 0."""
    if frame < 0:
        return spec
    return spec | {"params": [p | {"value": frame} if p.get("name") == "frame" else p for p in spec.get("params", [])]}
