"""Exported figure specs as an embedder gets them: every site/figures/<id>/spec.vl.json valid against the Vega-Lite
JSON schema (the one shipped inside the altair package, the version the specs name in $schema), and a sweep figure's
exported spec showing one whole run, never one run's points under another's colours."""
from __future__ import annotations

import json

import jsonschema
import pytest
from altair.vegalite.v6.schema import SCHEMA_URL
from altair.vegalite.v6.schema.core import load_schema


@pytest.fixture(scope="module")
def validator():
    schema = load_schema()  # altair/vegalite/v6/schema/vega-lite-schema.json
    jsonschema.validators.validator_for(schema).check_schema(schema)
    return jsonschema.validators.validator_for(schema)(schema)


def exported(built_site):
    out, report = built_site
    assert report["figures"], "the build report lists no figure"
    for fid, info in report["figures"].items():
        yield fid, info, json.loads((out / "figures" / fid / "spec.vl.json").read_text())


def problems(validator, spec) -> list[str]:
    """One line per schema error: where in the spec, and what (the most specific error of each branch)."""
    found = []
    for error in validator.iter_errors(spec):
        deepest = max([error, *error.context], key=lambda e: len(e.absolute_path))
        found.append(f"{'/'.join(map(str, deepest.absolute_path)) or '(top)'}: {deepest.message[:160]}")
    return found


def test_the_validator_rejects_what_the_schema_forbids(validator):
    """A line kept in data order through encoding.order {"value": null} (how the specs used to do it) is invalid;
    the mark property order: null is valid."""
    line = {"$schema": SCHEMA_URL, "data": {"values": [{"x": 1, "y": 2}]},
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}
    assert problems(validator, line | {"mark": {"type": "line", "order": None}}) == []
    assert problems(validator, line | {"mark": "line", "encoding": line["encoding"] | {"order": {"value": None}}})


def test_every_exported_vegalite_spec_is_valid(built_site, validator):
    invalid = {}
    for fid, _, spec in exported(built_site):
        assert spec["$schema"] == SCHEMA_URL, f"{fid}: names {spec['$schema']}, the schema checked is {SCHEMA_URL}"
        found = problems(validator, spec)
        if found:
            invalid[fid] = found[:3]
    assert not invalid, f"{len(invalid)} exported specs fail the Vega-Lite schema: {json.dumps(invalid, indent=1)}"


def test_a_sweep_figure_exports_one_run_and_its_vega_switches(built_site):
    """Vega-Lite cannot load another run's files when the reader picks, so the exported Vega-Lite spec has no
    picker: it draws the default run, every file it loads that run's. The exported Vega spec keeps the pickers and
    loads the picked run's files (signal URLs)."""
    out, _ = built_site
    sweeps = [(fid, spec) for fid, info, spec in exported(built_site)
              if info["kind"] in ("spiral-training", "spiral-directions")]
    assert len(sweeps) >= 2
    for fid, spec in sweeps:
        params = {p["name"]: p for p in spec["params"]}
        pickers = set(spec["usermeta"]["bind"])
        assert pickers and pickers <= set(params)
        assert not [name for name in pickers if "bind" in params[name]], f"{fid}: a picker in the Vega-Lite spec"
        tag = f"-{params['K']['value']}-" + (params["act"]["value"] if "act" in params else "")
        loaded = [d["url"] for d in _walk(spec) if isinstance(d.get("url"), str) and d["url"].endswith(".json")]
        assert loaded and all(tag in url for url in loaded), f"{fid}: loads {loaded}, not only the {tag} run"
        vega = json.loads((out / "figures" / fid / "spec.vg.json").read_text())
        bound = {s["name"] for s in vega["signals"] if "bind" in s}
        assert pickers <= bound, f"{fid}: the exported Vega spec lacks the pickers {pickers - bound}"
        assert [d for d in vega["data"] if isinstance(d.get("url"), dict)], f"{fid}: no data follows the pickers"


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
