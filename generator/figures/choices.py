"""Figures whose reader picks one of several precomputed runs (e.g. K and the activation of a sweep).

Each choice's data sits in its own files, loaded only when the reader picks that choice. Vega-Lite cannot
name a data URL by a parameter, so the spec names the default choice's files and carries, in
usermeta.choices, the expression that names each file for any choice; once compiled, `patch` turns those
URLs into Vega signal URLs. A `files` parameter maps every file name to its URL, for expressions (image
marks) and for the patched URLs. The exported Vega-Lite spec shows the default choice.
"""
from __future__ import annotations

from . import encode


def spec(chart, files: dict[str, bytes], templates: dict[str, str]) -> dict:
    """The chart's Vega-Lite spec with the `files` parameter and usermeta.choices.

    templates: default file name -> expression of the file name for the current choice,
    e.g. {"frames-4-tanh.json": "'frames-' + K + '-tanh.json'"}."""
    out = chart.to_dict()
    out.setdefault("params", []).append({"name": "files", "value": {n: encode.url(n) for n in sorted(files)}})
    out["usermeta"] = {"choices": [[encode.url(name), f"files[{expr}]"] for name, expr in templates.items()]}
    return out


def patch(vega: dict, vegalite: dict) -> dict:
    """Compiled Vega whose default-choice data URLs follow the reader's choice (signal URLs)."""
    signals = {url: expr for url, expr in vegalite.get("usermeta", {}).get("choices", [])}
    for data in vega.get("data", []):
        if isinstance(data.get("url"), str) and data["url"] in signals:
            data["url"] = {"signal": signals[data["url"]]}
    return vega
