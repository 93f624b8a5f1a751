"""Rendering: math to MathML at build time, claims into placeholders, numbered citations, footnotes."""
from pathlib import Path

from generator import render
from generator.content import Section

SCOPES = {"exp": {"accuracy": 0.98765, "seeds": 32}}


def test_placeholders_fill_and_unknown_ones_fail_with_line():
    problems = []
    out = render.fill("a\nbest {{exp.accuracy:.1%}} of {{exp.seeds:d}}\n{{exp.nope}}", SCOPES, None,
                      Path("s.md"), 10, problems)
    assert "best 98.8% of 32" in out
    (problem,) = problems
    assert problem.line == 12 and "nope" in problem.message


def test_caption_uses_its_experiment_by_default():
    problems = []
    html = render.caption_html("Best {{accuracy:.0%}}, $\\det W$.", SCOPES, "exp", Path("s.md"), 3, {}, problems)
    assert problems == [] and "Best 99%" in html and "<math" in html


def test_section_math_citations_footnotes():
    body = "Text $x^2$ [@b] and [@a] then [@b].[^n]\n\n$$\\tanh(Wx+b)$$\n\n[^n]: A note.\n"
    section = Section(Path("s.md"), "T", 1, "t", body, 5)
    numbers, problems = {}, []
    html = render.section_html(section, {}, {}, numbers, problems)
    assert problems == []
    assert numbers == {"b": 1, "a": 2}
    assert html.count('href="#ref-b" id="cite-b-') == 2 and 'href="#ref-a" id="cite-a-1"' in html
    assert html.count('aria-describedby="cite-b-1-tip">[1]</a>') == 1 and '>[2]</a>' in html
    assert 'display="block"' in html and "<mi>tanh</mi>" in html or "tanh" in html
    assert 'class="tip sidenote" id="fn-1"' in html and "A note." in html and "$" not in html


def test_bad_latex_is_reported_with_line():
    problems = []
    render.math("ok\n$\\frac{1}{$", Path("s.md"), 7, problems)
    assert problems and problems[0].line == 8


def test_parts_group_consecutive_sections_and_leave_the_rest_alone():
    sections = [{"slug": s, "part": p} for s, p in (("intro", ""), ("a", "Part I"), ("b", "Part I"), ("c", "Part II"),
                                                    ("end", ""))]
    grouped = render.parts(sections)
    assert [(g["title"], [s["slug"] for s in g["sections"]]) for g in grouped] == [
        ("", ["intro"]), ("Part I", ["a", "b"]), ("Part II", ["c"]), ("", ["end"])]
    assert grouped[1]["slug"] == "part-part-i"


def test_a_section_inside_a_part_shifts_its_subheadings_below_its_title():
    inside = Section(Path("s.md"), "T", 1, "t", "### Sub\n\ntext\n", 1, part="Part I")
    alone = Section(Path("s.md"), "T", 1, "t", "### Sub\n\ntext\n", 1)
    assert "<h4" in render.section_html(inside, {}, {}, {}, []) and "<h3" in render.section_html(alone, {}, {}, {}, [])


def test_tables_scroll_inside_a_focusable_region():
    html = render.section_html(Section(Path("s.md"), "T", 1, "t", "| a | b |\n|---|---|\n| 1 | 2 |\n", 1), {}, {}, {}, [])
    assert '<div class="table-wrap" tabindex="0" role="region" aria-label="Table: a, b">' in html
    assert html.index("table-wrap") < html.index("<table>") < html.index("</table>") < html.rindex("</div>")
