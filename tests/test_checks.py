"""Checks over seeds: margins in spreads, the failing terms alone, the gather-time rule, what a build decided, and
two builds compared."""
import math
from pathlib import Path

import pytest

from generator import compare, decisions, prose
from generator.checks import MARGIN, spread_of
from generator.claim_names import Names

# a mean over 4 seeds (sd 0.05), a share of 3 of 4 (Wilson interval 0.30..0.95), a claim of the drawn network
SCOPES = {"exp": {"loss": 0.20, "loss_n": 4, "loss_sd": 0.05, "loss_min": 0.14, "loss_max": 0.27,
                  "ok": 0.75, "ok_count": 3, "ok_n": 4, "ok_lo": 0.30, "ok_hi": 0.95,
                  "det_w": -2.0, "steps": 100},
          "other": {"loss": 0.30, "loss_n": 4, "loss_sd": 0.04, "loss_min": 0.25, "loss_max": 0.35}}


def test_spread_of_a_mean_its_extremes_a_share_and_its_count():
    claims = SCOPES["exp"]
    assert spread_of(claims, "loss") == (0.05, 4) and spread_of(claims, "loss_min") == (0.05, 4)
    assert spread_of(claims, "ok") == (pytest.approx(0.325), 4) and spread_of(claims, "ok_lo")[0] == pytest.approx(0.325)
    assert spread_of(claims, "ok_count")[0] == pytest.approx(1.3)  # the half-width in seeds
    assert spread_of(claims, "det_w") == (None, None) and spread_of(claims, "steps") == (None, None)


def test_margin_is_the_distance_from_the_threshold_in_spreads():
    found = prose.verdict("exp.loss < 0.3 and exp.ok > 0.5", SCOPES, None)
    assert [t.margin for t in found.terms] == [pytest.approx(2.0), pytest.approx(0.25 / 0.325)]
    assert found.holds and found.margin == pytest.approx(0.25 / 0.325)
    # two claims with spreads: the root of the sum of their squares
    assert prose.verdict("exp.loss < other.loss", SCOPES, None).margin == pytest.approx(0.1 / math.hypot(0.05, 0.04))


def test_a_true_check_within_half_a_spread_of_its_threshold_fails():
    found = prose.verdict("exp.loss < 0.22", SCOPES, None)
    assert found.terms[0].holds and found.margin == pytest.approx(0.4) and found.margin < MARGIN
    assert not found.holds and "holds by only 0.40 spreads" in found.explain()


def test_every_seed_alike_has_an_infinite_margin_and_settings_none():
    scopes = {"exp": {"c": 4.0, "c_n": 4, "c_sd": 0.0, "c_min": 4.0, "c_max": 4.0, "steps": 10}}
    assert prose.verdict("exp.c >= 4 and exp.steps == 10", scopes, None).margin == math.inf
    assert prose.verdict("exp.steps == 10", scopes, None).margin is None


def test_a_failed_check_lists_only_its_false_terms_each_value_once():
    problems = []
    prose.fill(prose.Passage("{{check: exp.loss < 0.3 and exp.ok > 0.9 and exp.ok_count >= 4 and exp.loss < 0.4}}",
                             Path("s.md"), 1), SCOPES, problems)
    (problem,) = problems
    lines = problem.message.splitlines()
    assert len(lines) == 3  # the expression, then the two false terms
    assert "exp.ok > 0.9  is false" in lines[1] and "exp.ok_count >= 4  is false" in lines[2]
    assert problem.message.count("exp.ok = 0.75") == 1 and "exp.loss = " not in "\n".join(lines[1:])


def names():
    return {"exp": Names.of(SCOPES["exp"], fixed={"steps"})}


@pytest.mark.parametrize("check, refused", [
    ("exp.loss < 0.3", False),                    # a mean over seeds
    ("exp.ok_lo > 0.25 and exp.steps > 10", False),  # a share's companion and a setting
    ("exp.det_w < 0", True),                       # the drawn network alone
    ("exp.det_w < 0 and exp.loss < 0.3", True),    # the drawn network beside a claim over seeds
])
def test_a_check_reads_claims_over_every_seed_or_is_refused_while_gathering(check, refused):
    problems = []
    prose.lint(prose.Passage(f"A sentence.{{{{check: {check}}}}}", Path("s.md"), 3), set(SCOPES), problems, names())
    assert bool(problems) == refused
    if refused:
        assert "reads the drawn network alone (exp.det_w)" in problems[0].message and problems[0].line == 3


def test_check_exact_is_the_authors_mark_and_long_checks_are_refused_or_deferred():
    problems, deferred = [], []
    prose.lint(prose.Passage("{{check exact: exp.det_w < 0}}", Path("s.md"), 1), set(SCOPES), problems, names())
    assert problems == []
    long = " and ".join(["exp.loss < 0.3"] * 15)
    prose.lint(prose.Passage(f"{{{{check: {long}}}}}", Path("s.md"), 1), set(SCOPES), problems, names(), deferred)
    assert problems == [] and "at most 200" in deferred[0].message and len(str(deferred[0])) < 400


def test_decisions_record_each_checks_margin_and_each_picks_branch():
    text = ("{{check: exp.loss < 0.3}} {{pick: exp.det_w > 0 | keeps | exp.det_w < -1 | flips hard "
            "{{pick: exp.ok > 0.5 | often | seldom}} | flips}}")
    found = decisions.decide(text, SCOPES, None, Path("content/x.md"), 5)
    assert [(d.kind, d.outcome) for d in found] == [("check", "holds"), ("pick", "2"), ("pick", "1")]
    assert found[0].margin == pytest.approx(2.0) and found[0].line == 5


def report(loss, det, check_outcome):
    return {"experiments": {"exp": {"claims": {"loss": {"value": loss, "n": 4, "sd": 0.05},
                                               "det_w": {"value": det, "n": 1}}}},
            "sentences": [{"file": "content/x.md", "line": 5, "kind": "check", "expression": "exp.loss < 0.3",
                           "outcome": check_outcome, "margin": 1.0, "failing": "  exp.loss < 0.3  is false"},
                          {"file": "content/x.md", "line": 6, "kind": "pick", "expression": "exp.det_w > 0",
                           "outcome": "1" if det > 0 else "otherwise", "margin": None, "failing": ""}]}


def test_compare_moves_in_spreads_failed_checks_and_changed_picks():
    result = compare.compare(report(0.20, 2.0, "holds"), report(0.35, -1.0, "fails"))
    moves = {m.claim: m.spreads for m in result.moves}
    assert moves == {"exp.loss": pytest.approx(3.0), "exp.det_w": None}
    assert len(result.newly_failed) == 1 and len(result.picks) == 1
    text = "\n".join(result.lines())
    assert "3.00 spreads  exp.loss: 0.2 -> 0.35" in text and "branch 1 -> otherwise" in text
    assert compare.compare(report(0.2, 2.0, "holds"), report(0.2, 2.0, "holds")).moves == []


def test_the_build_prints_the_checks_closest_to_their_thresholds_least_margin_first():
    from generator.build import closest_checks
    found = [{"kind": "check", "margin": m, "file": "content/a.md", "line": i, "expression": f"x{i} > 0"}
             for i, m in enumerate([3.0, 0.7, "inf", None, 1.5])] + [{"kind": "pick", "margin": None}]
    text = closest_checks(found, count=2)
    lines = text.splitlines()
    assert "3 of 5 checks have a finite margin" in lines[0] and len(lines) == 3
    assert lines[1].split() == ["0.70", "content/a.md:1", "x1", ">", "0"] and "content/a.md:4" in lines[2]
