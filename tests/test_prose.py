"""Measured prose: checks beside sentences, wording picked from measurements, and a build they stop."""
import shutil
from pathlib import Path

import pytest

from generator import prose
from generator.build import build
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent
SCOPES = {"spiralnet-4-tanh": {"packing_angle": 0.93, "seeds": 4}, "exp": {"det_w": -13.02, "share": 0.5}}


def fill(text, default=None, failed=None):
    problems = []
    return prose.fill(prose.Passage(text, Path("s.md"), 10, default), SCOPES, problems, failed), problems


def test_a_check_that_holds_renders_nothing():
    out, problems = fill("Packed.{{check: spiralnet-4-tanh.packing_angle > 0.9 and spiralnet-4-tanh.seeds >= 4}}")
    assert (out, problems) == ("Packed.", [])


def test_a_false_check_names_line_expression_and_values():
    out, problems = fill("a\nb\nPacked.{{check: spiralnet-4-tanh.packing_angle >= 0.95}}")
    (problem,) = problems
    assert problem.line == 12 and problem.path == Path("s.md")
    assert "spiralnet-4-tanh.packing_angle >= 0.95" in problem.message and "= 0.93" in problem.message


def test_failed_checks_can_be_collected_apart_from_problems():
    failed = []
    out, problems = fill("{{check: exp.det_w > 0}}", failed=failed)
    assert problems == [] and len(failed) == 1 and "exp.det_w = -13.02" in failed[0].message


def test_pick_chooses_wording_from_the_measurement_with_placeholders_inside():
    text = "det W is {{exp.det_w:.2f}}: {{pick: exp.det_w < 0 | it flips the plane ({{exp.det_w:+.1f}}) | it keeps orientation}}."
    out, problems = fill(text)
    assert problems == [] and out == "det W is \u221213.02: it flips the plane (\u221213.0)."
    SCOPES["exp"]["det_w"] = 2.0
    try:
        assert fill(text)[0] == "det W is 2.00: it keeps orientation."
    finally:
        SCOPES["exp"]["det_w"] = -13.02


def test_pick_chain_takes_the_first_that_holds_and_defaults_in_captions():
    text = "{{pick: share > 0.9 | nearly all | share >= 0.5 | half or more | few}}"
    assert fill(text, default="exp")[0] == "half or more"
    assert fill("{{pick: abs(det_w) > 10 and max(share, 0.1) < 1 | big | small}}", default="exp")[0] == "big"


@pytest.mark.parametrize("text, words", [
    ("{{check: exp.nope > 1}}", "no claim 'nope'"),
    ("{{check: other.det_w > 1}}", "names no experiment"),
    ("{{check: exp.det_w.__class__}}", "cannot evaluate"),
    ("{{check: __import__('os')}}", "cannot evaluate"),
    ("{{check: exp.det_w >}}", "cannot read"),
    ("{{pick: exp.det_w > 0 | only one}}", "a pick is"),
    ("{{check: exp.det_w / 0 > 1}}", "cannot evaluate"),
    ("{{ not a placeholder }}", "not a placeholder"),
])
def test_bad_checks_and_picks_are_content_errors(text, words):
    out, problems = fill("x\n" + text)
    (problem,) = problems
    assert problem.line == 11 and words in problem.message and out == "x\n" + text


def test_spans_keep_inner_placeholders_inside_their_pick():
    text = "a {{pick: x | {{y:d}} | z}} b {{w}}"
    assert [text[s:e] for s, e in prose.spans(text)] == ["{{pick: x | {{y:d}} | z}}", "{{w}}"]


def tiny_content(tmp_path: Path, check: str) -> Path:
    folder = tmp_path / "content"
    (folder / "experiments").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.toml", folder)
    experiment = (ROOT / "content" / "experiments" / "curves-line.toml").read_text().split("\n# The claims table")[0]
    (folder / "experiments" / "curves-line.toml").write_text(
        experiment.replace("steps = 1500", "steps = 200").replace("seeds = 32", "seeds = 2"))
    (folder / "01-a.md").write_text("+++\ntitle = \"A\"\norder = 1\n+++\n\nA line separates "
                                    "{{pick: curves-line.accuracy_mean > 0.7 | most | few}} of the points."
                                    f"\n{check}\n")
    return folder


def test_a_changed_experiment_that_flips_a_result_stops_the_build(tmp_path):
    folder = tiny_content(tmp_path, "{{check: curves-line.accuracy_mean > 0.7}}")
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(folder, out, profile="full", cache_dir=cache, log=lambda *a: None)
    assert "A line separates most of the points." in (out / "index.html").read_text()
    before = (out / "index.html").read_bytes()
    path = folder / "experiments" / "curves-line.toml"
    path.write_text(path.read_text().replace("steps = 200", "steps = 1"))
    with pytest.raises(BuildError) as err:
        build(folder, out, profile="full", cache_dir=cache, log=lambda *a: None)
    assert "01-a.md:7: check failed: curves-line.accuracy_mean > 0.7" in str(err.value)
    assert (out / "index.html").read_bytes() == before


def test_recheck_reads_the_last_report_and_names_a_false_check(built_site, tmp_path):
    from generator.recheck import recheck
    site, _ = built_site
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    problems, before = recheck(folder, site / "build-report.json")
    assert problems == []  # every placeholder, check and pick can be read against the quick build's claims
    section = folder / "02-a-line-is-not-enough.md"
    lines = section.read_text().splitlines()
    lines.insert(7, "A line is perfect.{{check: curves-line.accuracy_best >= 1.5}}")
    section.write_text("\n".join(lines) + "\n")
    problems, failed = recheck(folder, site / "build-report.json")
    new = {f"{p.path.name}:{p.line}" for p in failed} - {f"{p.path.name}:{p.line + (p.path.name == section.name)}"
                                                        for p in before}
    assert problems == [] and new == {f"{section.name}:8"}


def test_a_claim_its_code_does_not_declare_stops_the_build_before_anything_trains(tmp_path):
    folder = tiny_content(tmp_path, "Also {{curves-line.accuracy_bset:.1%}}.")
    with pytest.raises(BuildError) as err:
        build(folder, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=lambda *a: None)
    assert "01-a.md:7" in str(err.value) and "did you mean accuracy_best" in str(err.value)
    assert not (tmp_path / "site").exists() and not (tmp_path / "cache" / "runs").exists()


@pytest.mark.parametrize("text, words", [
    ("{{check: curvs-line.accuracy_best > 0.5}}", "did you mean curves-line"),
    ("{{pick: curves-line.accuracy_best > | a | b}}", "cannot read the expression"),
    ("{{check: curves-line.accuracy_best.real > 0}}", "cannot evaluate"),
    ("{{curves-line.accuracy_best:.1q}}", "bad format"),
    ("{{pick: curves-line.seeds > 1 | {{curvs-line.seeds:d}} seeds | one}}", "names no experiment"),
])
def test_prose_errors_are_found_before_anything_trains(tmp_path, text, words):
    folder = tiny_content(tmp_path, text)
    with pytest.raises(BuildError) as err:
        build(folder, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=lambda *a: None)
    assert "01-a.md:7" in str(err.value) and words in str(err.value)
    assert not (tmp_path / "cache" / "runs").exists()  # nothing trained


def test_a_sweep_figure_on_one_experiment_is_found_before_anything_trains(tmp_path):
    folder = tiny_content(tmp_path, "```figure\nid: wrong\nkind: spiral-packing\nexperiment: curves-line\ncaption: c\n```")
    with pytest.raises(BuildError) as err:
        build(folder, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=lambda *a: None)
    assert "01-a.md:7" in str(err.value) and "every variant of a file with a [sweep]" in str(err.value)
    assert not (tmp_path / "cache" / "runs").exists()


def test_a_negative_number_is_written_with_a_true_minus_and_text_keeps_its_hyphens():
    SCOPES["neg"] = {"threshold": -0.47, "steps": -3000, "label": "two-unit"}
    try:
        assert fill("{{neg.threshold:.2f}} and {{neg.steps:,d}}")[0] == "\u22120.47 and \u22123,000"
        assert fill("{{neg.label}}, {{exp.share:.0%}}")[0] == "two-unit, 50%"
    finally:
        del SCOPES["neg"]
