"""Cache keys change with spec or code and nothing else; entries are written atomically, without pickle."""
import dataclasses
import shutil
from pathlib import Path

import numpy as np

from generator import cache, config, figures, runs

ROOT = Path(__file__).resolve().parent.parent


def experiment():
    return config.load_experiments(ROOT / "content" / "experiments")["curves-one-layer"]


def test_run_key_is_stable_and_follows_the_spec():
    exp = experiment()
    assert runs.run_key(exp) == runs.run_key(experiment())
    changed = dataclasses.replace(exp, spec=exp.spec | {"train": exp.spec["train"] | {"steps": 7}})
    assert runs.run_key(changed) != runs.run_key(exp)
    comment_only = dataclasses.replace(exp, source=exp.source + "\n# a comment\n")
    assert runs.run_key(comment_only) == runs.run_key(exp)


def test_run_key_follows_the_training_code(monkeypatch):
    exp = experiment()
    before = runs.run_key(exp)
    real = cache.code_hash
    monkeypatch.setattr(runs, "code_hash", lambda *m: real(*m) + "edited")
    assert runs.run_key(exp) != before


def test_store_round_trip_and_atomic_replace(tmp_path):
    store = cache.Store(tmp_path)
    key = cache.digest("x", 1)
    assert not store.has("runs", key)
    store.put("runs", key, {"why": "test"}, arrays={"a": np.arange(3)}, files={"f.txt": b"hi"})
    store.put("runs", key, {"why": "again"}, arrays={"a": np.arange(4)})
    assert store.meta("runs", key)["why"] == "again" and store.arrays("runs", key)["a"].tolist() == [0, 1, 2, 3]
    leftovers = [p for p in store.path("runs", key).parent.iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []
    np.load(store.path("runs", key) / "arrays.npz", allow_pickle=False)["a"]


def test_digest_ignores_dict_order():
    assert cache.digest({"a": 1, "b": 2}) == cache.digest({"b": 2, "a": 1})


def test_a_figure_is_redrawn_when_its_claims_change(tmp_path, monkeypatch):
    """Figures may draw measured claims (the accuracy jumps): new claims on the same run redraw the figure."""
    from types import SimpleNamespace

    from generator import derive, figures
    from generator.content import Directive

    store = cache.Store(tmp_path)
    run = cache.digest("a run")
    store.put("runs", run, {}, arrays={"loss": np.ones(3)})
    drawn = []

    def builder(options, arrays, spec, claims):
        drawn.append(claims)
        return SimpleNamespace(spec={"mark": "point"}, claims={}, frames=0, files={})

    monkeypatch.setattr(figures, "builder", lambda kind: builder)
    directive = Directive("f", "accuracy-curve", "e", "", "", {}, tmp_path / "s.md", 1)
    derive.figure_output(store, directive, run, {}, {"jump": 1})
    derive.figure_output(store, directive, run, {}, {"jump": 1})
    derive.figure_output(store, directive, run, {}, {"jump": 2})
    assert drawn == [{"jump": 1}, {"jump": 2}]


def test_keys_cover_the_import_closure_found_from_the_code():
    assert {"datasets", "models", "knn", "mnist"} <= cache.import_closure("train")
    # rotatable-3d reaches figures/morph only through figures/training: a hand-kept list missed it
    assert "figures/morph" in cache.import_closure("figures/space")
    assert {"datasets", "analysis/spread", "analysis/spiral_claims", "analysis/symmetry"} <= cache.import_closure(
        "analysis/claims")


def test_editing_a_module_changes_exactly_the_keys_that_import_it(tmp_path):
    package = tmp_path / "generator"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    entries = ["train", "analysis/claims", "derive"] + sorted({"figures/" + k.builder.split(":")[0]
                                                               for k in figures.KINDS.values()})
    before = {e: cache.code_hash(e, package=package) for e in entries}
    for module in ("datasets", "figures/morph", "analysis/spread", "frames", "figures/weight_images"):
        path = package / f"{module}.py"
        original = path.read_text()
        path.write_text(original + "\n# an edit\n")
        changed = {e for e in entries if cache.code_hash(e, package=package) != before[e]}
        path.write_text(original)
        assert changed == {e for e in entries if module in cache.import_closure(e, package)}, module
        assert changed, module
    # prose and templates are not code: editing them changes no key
    assert before == {e: cache.code_hash(e, package=package) for e in entries}


def test_svg_stills_do_not_depend_on_what_was_rendered_before():
    from generator.derive import stable_ids
    first = '<clipPath id="clip1"/><g clip-path="url(#clip1)"/><clipPath id="clip2"/><g clip-path="url(#clip2)"/>'
    later = first.replace("clip1", "clip108").replace("clip2", "clip109")
    assert stable_ids(later) == stable_ids(first) == first
    assert stable_ids('<linearGradient id="gradient7"/><clipPath id="clip9"/>') == \
        '<linearGradient id="gradient1"/><clipPath id="clip1"/>'


def test_a_real_svg_still_is_the_same_whatever_vl_convert_rendered_before():
    import vl_convert

    from generator.derive import stable_ids
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": 60, "height": 40,
            "data": {"values": [{"x": i, "y": i % 3, "v": i * 0.5} for i in range(6)]},
            "mark": "rect", "encoding": {"x": {"field": "x", "type": "ordinal"},
                                         "y": {"field": "y", "type": "ordinal"},
                                         "color": {"field": "v", "type": "quantitative"}}}  # a gradient legend
    first, second = vl_convert.vegalite_to_svg(spec), vl_convert.vegalite_to_svg(spec)
    assert first != second and "gradient" in first  # the library's counter moved on between the two
    assert stable_ids(first) == stable_ids(second)


def test_imports_are_parsed_once_per_source_and_an_edit_is_still_seen(tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.code_hash("train", package=package)
    hits = cache._parsed_imports.cache_info().hits
    assert cache.code_hash("train", package=package) == before
    assert cache._parsed_imports.cache_info().hits > hits                  # read once, then remembered
    (package / "models.py").write_text((package / "models.py").read_text() + "\n# edited\n")
    assert cache.code_hash("train", package=package) != before             # a new source text is parsed anew


def test_a_build_reads_each_entrys_arrays_once_and_shares_them_read_only(tmp_path):
    store = cache.Store(tmp_path)
    store.put("runs", "k" * 64, {"seconds": 1.0}, arrays={"W0": np.ones((2, 3), np.float32)})
    outside = store.arrays("runs", "k" * 64)
    assert outside is not store.arrays("runs", "k" * 64) and outside["W0"].flags.writeable
    calls = []
    with cache.remembering():
        first = store.arrays("runs", "k" * 64)
        assert first is store.arrays("runs", "k" * 64)          # unpacked once a build
        assert not first["W0"].flags.writeable                    # a figure cannot change what the next one reads
        twice = [cache.remembered_for(first, "double", lambda: calls.append(1) or first["W0"] * 2) for _ in "ab"]
        assert twice[0] is twice[1] and calls == [1]
        other = {"W0": first["W0"]}                               # another object: computed for itself
        cache.remembered_for(other, "double", lambda: calls.append(2))
        assert calls == [1, 2]
    assert store.arrays("runs", "k" * 64) is not first            # nothing kept between builds
