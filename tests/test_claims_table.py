"""The claims table: [[compare]] rows read from experiment files, verdicts computed from their tolerances."""
import re
from html import unescape
from pathlib import Path

import pytest

from generator import claims_table, config, render
from generator.apparatus import Notes
from generator.content import Section
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent
BASE = (ROOT / "content" / "experiments" / "curves-line.toml").read_text().split("\n# The claims table")[0]


@pytest.mark.parametrize("ours, row, expected", [
    (0.794, {"value": 1.0, "relation": "<"}, "agrees"),
    (1.0, {"value": 1.0, "relation": "<"}, "differs"),
    (0.867, {"value": 0.8, "tolerance": 0.05}, "differs"),
    (0.83, {"value": 0.8, "tolerance": 0.05}, "agrees"),
    (0.3, {"value": 0.5, "relation": ">", "tolerance": 0.1}, "differs"),
    (0.45, {"value": 0.5, "relation": ">", "tolerance": 0.1}, "agrees"),
    (0.5, {"why": "one run by eye"}, "not comparable"),
])
def test_verdict_follows_value_relation_and_tolerance(ours, row, expected):
    assert claims_table.verdict(ours, row) == expected


def test_spread_text_says_n_and_sd_or_interval_or_one_seed():
    claims = {"a": 0.5, "a_n": 4, "a_sd": 0.125, "b": 0.75, "b_n": 4, "b_lo": 0.3, "b_hi": 0.95, "c": 2.0}
    assert claims_table.spread_text(claims, "a", ".2f") == "± 0.12, n = 4"
    assert claims_table.spread_text(claims, "b", ".0%") == "95% interval 30%–95%, n = 4"
    assert claims_table.spread_text(claims, "c", ".2f") == "one seed"


def write(tmp_path, rows: str) -> Path:
    folder = tmp_path / "experiments"
    folder.mkdir()
    (folder / "curves-line.toml").write_text(BASE + "\n" + rows)
    return folder


def test_compare_rows_are_read_with_their_lines(tmp_path):
    folder = write(tmp_path, '[[compare]]\nclaim = "accuracy_best"\nstatement = "s"\noriginal = "o"\n'
                             'source = "olah2014"\nvalue = 1\nrelation = "<"\n')
    (experiment,) = config.load_experiments(folder).values()
    (row,) = experiment.compare
    assert row["value"] == 1.0 and row["line"] == BASE.count("\n") + 2


def test_bad_compare_rows_name_file_line_and_key(tmp_path):
    folder = write(tmp_path, '[[compare]]\nclaim = "accuracy_best"\nstatement = "s"\noriginal = "o"\n'
                             'source = "olah2014"\nvalue = 1\n\n[[compare]]\nclaim = "x"\nstatement = 3\n'
                             'original = "o"\nsource = "s"\nrelation = "~"\nbogus = 1\n')
    with pytest.raises(BuildError) as err:
        config.load_experiments(folder)
    text, second = str(err.value), BASE.count("\n") + 9
    for words in ("'statement' in [[compare]] must be str", "relation must be", "unknown key 'bogus'", "needs 'why'"):
        assert f"curves-line.toml:{second}" in text and words in text


def test_rows_measure_judge_and_report_unknown_claims(tmp_path):
    folder = write(tmp_path, '[[compare]]\nclaim = "accuracy_best"\nstatement = "No line"\noriginal = "below 100%"\n'
                             'source = "olah2014"\nvalue = 1\nrelation = "<"\nformat = ".1%"\nfigure = "f"\n\n'
                             '[[compare]]\nclaim = "nope"\nstatement = "s"\noriginal = "o"\nsource = "olah2014"\nwhy = "w"\n')
    experiments = config.load_experiments(folder)
    scopes = {"curves-line": {"accuracy_best": 0.794, "accuracy_best_n": 32, "accuracy_best_sd": 0.01}}
    problems = []
    rows = claims_table.rows(experiments, scopes, {"f": ("sec", "Section", 3)}, {"olah2014": {}}, problems)
    (row,) = rows
    assert row["verdict"] == "agrees" and row["shown"] == "79.4%" and "n = 32" in row["spread"]
    (problem,) = problems
    assert "no claim 'nope'" in problem.message and problem.line == BASE.count("\n") + 12
    table = claims_table.markdown(rows)
    html = render.section_html(Section(Path("s.md"), "T", 1, "t", "Text\n\n{{claims-table}}\n", 1),
                               {}, Notes(), [], None, render.Inserts(claims_table=table))
    assert "<table>" in html and 'href="#fig-f">Figure 3' in html and "agrees" in html and 'href="#ref-olah2014"' in html


def test_a_claim_the_build_may_not_produce_is_a_row_that_says_so(tmp_path):
    folder = write(tmp_path, '[[compare]]\nclaim = "jump1_to"\nstatement = "s"\noriginal = "to 40%"\n'
                             'source = "olah2014"\nvalue = 0.4\ntolerance = 0.05\nabsent = "no jump"\n')
    problems = []
    (row,) = claims_table.rows(config.load_experiments(folder), {"curves-line": {}}, {}, {"olah2014": {}}, problems)
    assert problems == [] and row["shown"] == "no jump" and row["verdict"] == "differs"


def test_a_section_title_in_the_table_is_printed_as_written(tmp_path):
    """The table links each row to its figure's section by title: escaped like the heading, never read as HTML,
    markdown, a placeholder, math, a citation or a cross-reference."""
    title = 'A <script>alert(1)</script> [x](javascript:alert(2)) {{check: 1 > 2}} $x$ @sec:t [@olah2014] *b* | c & d'
    row = {"statement": "s", "original": "o", "source": "olah2014", "figure": "f", "section": ("t", title, 3),
           "shown": "0.5", "spread": "one seed", "verdict": "agrees", "rule": "r"}
    problems = []
    html = render.section_html(Section(Path("s.md"), "T", 1, "t", "{{claims-table}}\n", 1), {}, Notes(),
                               problems, None, render.Inserts(claims_table=claims_table.markdown([row])))
    assert problems == []
    link = re.search(r'<a href="#t">(.*?)</a>', html).group(1)
    assert "<" not in link and unescape(link) == title and "<script" not in html and 'href="javascript' not in html
