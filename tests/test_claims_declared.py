"""The claims an experiment produces are declared by the code that measures them, from the spec alone, so the
prose's claim names are checked while gathering, before anything trains.

The declarations are held against what the last builds measured (.cache/measured-<profile>.json, written by
every build that got as far as measuring): every measured claim is declared, every required one was measured."""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import claim_names, config, content, datasets, figures, prose
from generator.analysis import claims, declare, spread
from generator.build import build, gather_checks
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent
MEASURED = str(ROOT / ".cache" / "measured-{}.json")
# the quick build of the test session (the built_site fixture) leaves the quick profile's measurements; a full
# build's are checked too where one has run here (a full build also audits its own claims: build._compute)
PROFILES = ["quick"] + [p for p in ("full",) if Path(MEASURED.format(p)).exists()]


def measured(profile: str) -> dict:
    path = Path(MEASURED.format(profile))
    if not path.exists():
        pytest.fail(f"{path} is missing: build the site once with --profile {profile}")
    return json.loads(path.read_text())


def unfold(summary: dict) -> tuple[set[str], set[str]]:
    """(names measured, names perhaps measured) from a spread.summary: its companions unfolded. A claim with n = 1
    and no spread may have had an `_n` of 1 folded into it, or none: that `_n` is only 'perhaps'."""
    sure, perhaps = set(), set()
    for name, entry in summary.items():
        sure.add(name)
        if "sd" in entry:
            sure |= {f"{name}_sd", f"{name}_min", f"{name}_max"}
        if "interval" in entry:
            sure |= {f"{name}_lo", f"{name}_hi"}
        if "count" in entry:
            sure.add(f"{name}_count")
        (sure if entry.get("n", 1) != 1 or "sd" in entry or "interval" in entry else perhaps).add(f"{name}_n")
    return sure, perhaps


@pytest.mark.parametrize("profile", PROFILES)
def test_every_measured_claim_is_declared_and_every_required_one_measured(profile, built_site):
    data = measured(profile)
    experiments = config.load_experiments(ROOT / "content" / "experiments", profile)
    assert set(data["experiments"]) == set(experiments), "the measurements are of another content"
    wrong = {}
    for name, experiment in experiments.items():
        sure, perhaps = unfold(data["experiments"][name]["claims"])
        required, optional = claims.declared_claims(experiment.spec)
        undeclared, missing = declare.audit(sure, required, optional, perhaps)
        if undeclared or missing:
            wrong[name] = {"undeclared": undeclared, "missing": missing}
    assert wrong == {}


@pytest.mark.parametrize("profile", PROFILES)
def test_every_figure_claim_is_declared_by_its_kind(profile, built_site):
    data = measured(profile)
    experiments = config.load_experiments(ROOT / "content" / "experiments", profile)
    site = config.load_site(ROOT / "content" / "site.toml")
    sections, problems = content.load_sections(ROOT / "content", experiments | dict.fromkeys(config.groups(experiments)),
                                               figures.KINDS, site["references"])
    assert problems == []
    wrong = {}
    for fig in (f for s in sections for f in s.figures):
        sure, perhaps = unfold(data["figures"][fig.id]["claims"])
        undeclared, missing = declare.audit(sure, *figures.declared_claims(fig.kind, fig.options), perhaps)
        if undeclared or missing:
            wrong[fig.id] = {"kind": fig.kind, "undeclared": undeclared, "missing": missing}
    assert wrong == {}


def test_a_missing_optional_claim_is_fine_an_undeclared_or_missing_required_one_is_reported():
    required, optional = {"seeds", "accuracy_mean", "branches_layer*"}, {"jump[1-9]*_to", "float64_split_step"}
    measured_ = {"seeds", "accuracy_mean", "branches_layer1", "jump1_to", "jump2_to"}
    assert declare.audit(measured_, required, optional) == ([], [])            # float64_split_step absent: fine
    assert declare.audit(measured_ | {"jump1_ot", "extra"}, required, optional) == (["extra", "jump1_ot"], [])
    assert declare.audit(measured_ - {"seeds", "branches_layer1"}, required, optional) == (
        [], ["branches_layer*", "seeds"])                                        # a required glob matches none
    assert declare.audit({"x"}, {"x", "x_n"}, set(), perhaps={"x_n"}) == ([], [])


def test_companion_names_are_exactly_what_spread_emits():
    assert set(spread.over_seeds("a", [1.0, 2.0])) == spread.over_seeds_names("a")
    assert set(spread.share("b", [True, False])) == spread.share_names("b")


def spec(kind="two-curves", hidden=(2,), model="mlp", activation="tanh", init="glorot-uniform", **data):
    return {"data": {"kind": kind, **data}, "model": {"kind": model, "hidden": list(hidden), "activation": activation,
                                                      "init": init}, "train": {"steps": 10}}


def test_declarations_follow_the_spec():
    required, optional = claims.declared_claims(spec("interval-1d", hidden=(3,)))
    assert {"threshold1", "threshold2", "threshold3", "heldout_accuracy_mean_sd"} <= required
    assert "threshold4" not in required | optional and "det_w" not in required
    required, _ = claims.declared_claims(spec("spirals", hidden=(2, 2, 3)))
    assert {"det_w", "det_w1", "det_w2", "sigma_ratio", "seeds_sigma_ratio_n"} <= required and "det_w3" not in required
    required, _ = claims.declared_claims(spec("tori", hidden=(3, 4, 4)))
    assert {"det_w1", "det_w3"} <= required and "det_w2" not in required and "sigma_max" not in required
    required, _ = claims.declared_claims(spec("k-spirals", hidden=(8, 2), classes=3))
    assert {"centroid_2_x", "class_2_place", "seeds_all_at_distinct_corners_hi", "packing_distance"} <= required
    assert "centroid_3_x" not in required and "centroid_angle" not in required
    required, _ = claims.declared_claims(spec("k-spirals", hidden=(8, 2), activation="relu", classes=5))
    assert {"classes_on_axes", "centroid_4_y"} <= required and "packing_distance" not in required
    required, optional = claims.declared_claims(spec("mnist", hidden=(100,), activation="sigmoid", init="zeros",
                                                     split="train"))
    assert {"branches_hidden1_final", "branches_output_max", "seeds_distinct_hidden_split_lo", "float64_split"} <= required
    assert {"jump[1-9]*_to", "seeds_jump2_to_sd", "float64_split_step", "group_gap_step_milli"} <= optional
    assert "branches_hidden2_final" not in required
    required, _ = claims.declared_claims(spec("mnist", hidden=(8, 16, 32), model="convnet-knn", split="train"))
    assert {"knn_gain_sd", "seeds_knn_beats_softmax_lo", "knn_error_best_n"} <= required and "plateau_accuracy" not in required
    required, _ = claims.declared_claims(spec("spirals", hidden=(2, 2), model="vector-field"))
    assert "det_w" not in required and "accuracy_mean" in required


def test_input_widths_cover_every_dataset_and_match_its_points():
    assert set(claims.INPUT_WIDTH) == set(datasets.KINDS)
    for kind, width in claims.INPUT_WIDTH.items():
        if kind != "mnist":
            assert datasets.make({"kind": kind, "points_per_class": 3})[0].shape[1] == width


def test_declarations_import_neither_torch_nor_scipy():
    code = ("import sys; from pathlib import Path; from generator import config; "
            "from generator.analysis.claims import declared_claims; "
            "[declared_claims(e.spec) for e in config.load_experiments(Path('content/experiments')).values()]; "
            "print([m for m in ('torch', 'scipy', 'sklearn') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


NAMES = {"exp": claim_names.Names.of({"det_w", "train_steps", "seeds_jump1_to"}, {"jump[1-9]*_to"})}


@pytest.mark.parametrize("text, words", [
    ("{{exp.det_x:.2f}}", "'exp' has no claim or setting 'det_x' (did you mean det_w?)"),
    ("{{check: exp.det_w < 0 and exp.seeds_jump1_too > 1}}", "did you mean seeds_jump1_to"),
    ("{{pick: exp.det_w < 0 | flips {{exp.train_step:d}} | keeps}}", "did you mean train_steps"),
    ("{{pick: jmp1_to > 0 | a | b}}", "'exp' has no claim or setting 'jmp1_to'"),
])
def test_lint_reports_an_undeclared_claim_with_the_closest_names(text, words):
    problems = []
    prose.lint(prose.Passage("x\n" + text, Path("s.md"), 10, "exp"), {"exp"}, problems, NAMES)
    (problem,) = problems
    assert problem.line == 11 and words in problem.message


def test_lint_accepts_declared_claims_settings_and_globbed_families():
    problems = []
    prose.lint(prose.Passage("{{exp.det_w:.2f}} {{exp.train_steps:d}} {{pick: jump2_to > exp.seeds_jump1_to | a | b}} "
                             "{{pick: exp.jump11_to > 0 | a | b}}", Path("s.md"), 1, "exp"), {"exp"}, problems, NAMES)
    assert problems == []
    prose.lint(prose.Passage("{{exp.anything}}", Path("s.md"), 1), {"exp"}, problems, {"exp": None})  # None: not checked
    assert problems == []


def test_a_missing_optional_claim_still_stops_a_full_build_at_fill_and_is_listed_in_quick():
    scopes = {"exp": {"jump_count": 0}}
    problems, failed = [], []
    prose.fill(prose.Passage("{{exp.jump1_to:.1%}}", Path("s.md"), 3), scopes, problems)
    assert "no claim 'jump1_to'" in problems[0].message
    problems = []
    assert prose.fill(prose.Passage("{{exp.jump1_to:.1%}}", Path("s.md"), 3), scopes, problems, failed) == prose.NOT_MEASURED
    assert problems == [] and "jump1_to" in failed[0].message


def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def gather(folder: Path):
    experiments = config.load_experiments(folder / "experiments", "full")
    groups = config.groups(experiments)
    site = config.load_site(folder / "site.toml")
    sections, problems = content.load_sections(folder, experiments | dict.fromkeys(groups), figures.KINDS,
                                               site["references"])
    return problems + gather_checks(sections, experiments, groups)


def test_the_real_content_reads_only_declared_claims(tmp_path):
    assert gather(ROOT / "content") == []


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count))


def test_misspelt_claims_in_prose_captions_sweeps_settings_and_compare_rows_are_found_while_gathering(tmp_path):
    folder = content_copy(tmp_path)
    edit(folder / "04-spirals.md", "{{spirals-4x2.sigma_max:.1f}}", "{{spirals-4x2.sigma_mx:.1f}}")
    edit(folder / "04-spirals.md", "{{check exact: spirals-morph.layers == 4}}", "{{check exact: spirals-morph.layer == 4}}")
    edit(folder / "04-spirals.md", "{{det_w4:.2f}}", "{{det_w5:.2f}}")               # caption: 4 square layers
    edit(folder / "10-packing.md", "{{accuracy_tanh_k4:.1%}}", "{{acuracy_tanh_k4:.1%}}")  # a sweep figure's own
    edit(folder / "07-easy-way-out.md", "annulus-2-contractive.train_contractive:", "annulus-2-contractive.train_contractiv:")
    edit(folder / "experiments" / "spiralnet.toml", '"spiralnet-4-tanh.seeds_all_at_distinct_corners"',
         '"spiralnet-4-tanh.seeds_all_at_distinct_corner"')
    found = [str(p) for p in gather(folder)]
    lines = {name: (folder / name).read_text() for name in ("04-spirals.md", "07-easy-way-out.md")}
    at = lambda name, text: f"{name}:{lines[name][:lines[name].index(text)].count(chr(10)) + 1}: "

    def one(*words):
        (problem,) = [p for p in found if all(w in p for w in words)]
        return problem

    assert one(at("04-spirals.md", "sigma_mx"), "{{spirals-4x2.sigma_mx:.1f}}", "did you mean sigma_max")
    assert one(at("04-spirals.md", "layer == 4"), "'spirals-morph' has no claim or setting 'layer'", "did you mean layers")
    assert one("04-spirals.md", "'spirals-4x2' has no claim or setting 'det_w5'", "did you mean det_w")
    assert one("10-packing.md", "'spiralnet' has no claim or setting 'acuracy_tanh_k4'", "accuracy_*_k*")
    assert one(at("07-easy-way-out.md", "train_contractiv:"), "did you mean train_contractive")
    assert one("spiralnet.toml", "[compare.claim]", "'spiralnet-4-tanh.seeds_all_at_distinct_corner'",
               "did you mean seeds_all_at_distinct_corners")
    assert len(found) == 6


def test_a_misspelt_claim_stops_the_build_before_anything_trains(tmp_path):
    folder = content_copy(tmp_path)
    edit(folder / "05-disk-and-ring.md", "{{annulus-2.", "{{annulus-2.x", 1)
    logged = []
    started = time.perf_counter()
    with pytest.raises(BuildError) as err:
        build(folder, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=logged.append)
    assert time.perf_counter() - started < 5 and logged == []
    assert "05-disk-and-ring.md:" in str(err.value) and "(did you mean" in str(err.value)
    assert not (tmp_path / "cache" / "runs").exists() and not (tmp_path / "site").exists()


def test_a_build_stops_when_its_measuring_code_produces_what_it_does_not_declare():
    from types import SimpleNamespace
    experiments = config.load_experiments(ROOT / "content" / "experiments", "quick")
    name = "curves-line"
    required, _ = claims.declared_claims(experiments[name].spec)
    measured = {n: 1.0 for n in required if not declare.is_glob(n)}
    assert claim_names.audit_measured({name: experiments[name]}, {name: measured}, [], {}) == []
    extra = claim_names.audit_measured({name: experiments[name]}, {name: measured | {"surprise": 2.0}}, [], {})
    assert len(extra) == 1 and "undeclared claims surprise" in str(extra[0]) and "curves-line.toml" in str(extra[0])
    short = dict(measured)
    short.pop("accuracy_mean")
    lacking = claim_names.audit_measured({name: experiments[name]}, {name: short}, [], {})
    assert "did not produce required claims accuracy_mean" in str(lacking[0])
    fig = SimpleNamespace(id="f", kind="dataset", options={}, path=Path("01-a.md"), line=7)
    bad = claim_names.audit_measured({}, {}, [fig], {"f": SimpleNamespace(claims={"invented": 1})})
    assert "01-a.md:7" in str(bad[0]) and "invented" in str(bad[0])
