"""Figures whose reader picks one of several precomputed runs (e.g. K and the activation of a sweep).

Each choice's data sits in its own files, loaded only when the reader picks that choice. Vega-Lite cannot
name a data URL by a parameter, so the spec names the default choice's files and carries, in
usermeta.choices, the expression that names each file for any choice; once compiled, `patch` turns those
URLs into Vega signal URLs. A `files` parameter maps every file name to its URL, for expressions (image
marks) and for the patched URLs.

The pickers (the parameters that name the choice, e.g. K) are bound only in the compiled Vega: in the Vega-Lite
spec they are plain parameters at the default choice, their bindings kept in usermeta.bind until `patch` puts them
back. So the exported Vega-Lite spec is one whole run, the default choice, with no picker that could draw another
run's colours or regions over the default's points; the page and the exported Vega spec switch runs.
"""
from __future__ import annotations

from . import encode


def spec(chart, files: dict[str, bytes], templates: dict[str, str], pickers: tuple[str, ...] = ()) -> dict:
    """The chart's Vega-Lite spec with the `files` parameter, usermeta.choices and the pickers unbound.

    templates: default file name -> expression of the file name for the current choice,
    e.g. {"frames-4-tanh.json": "'frames-' + K + '-tanh.json'"}; pickers: the parameters those expressions read,
    whose bindings move to usermeta.bind."""
    out = chart.to_dict()
    bind = {}
    for param in out.get("params", []):
        if param["name"] in pickers and "bind" in param:
            bind[param["name"]] = param.pop("bind")
    missing = set(pickers) - set(bind)
    if missing:
        raise ValueError(f"no bound parameter named {', '.join(sorted(missing))}")
    out.setdefault("params", []).append({"name": "files", "value": {n: encode.url(n) for n in sorted(files)}})
    out["usermeta"] = {"choices": [[encode.url(name), f"files[{expr}]"] for name, expr in templates.items()],
                       "bind": bind}
    return out


def patch(vega: dict, vegalite: dict) -> dict:
    """Compiled Vega whose default-choice data URLs follow the reader's choice (signal URLs), with the pickers
    bound."""
    usermeta = vegalite.get("usermeta", {})
    signals = {url: expr for url, expr in usermeta.get("choices", [])}
    for data in vega.get("data", []):
        if isinstance(data.get("url"), str) and data["url"] in signals:
            data["url"] = {"signal": signals[data["url"]]}
    bind = usermeta.get("bind", {})
    for signal in vega.get("signals", []):
        if signal.get("name") in bind:
            signal["bind"] = bind[signal["name"]]
    return vega
