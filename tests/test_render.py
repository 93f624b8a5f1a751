"""Rendering: math to MathML at build time, claims into placeholders, numbered citations, footnotes."""
from pathlib import Path

import pytest

from generator import render
from generator.apparatus import Notes
from generator.content import Section
from generator.math_tokens import math
from generator.mathml import math_error
from generator.prose import Passage, fill

SCOPES = {"exp": {"accuracy": 0.98765, "seeds": 32}}


def test_placeholders_fill_and_unknown_ones_fail_with_line():
    problems = []
    out = fill(Passage("a\nbest {{exp.accuracy:.1%}} of {{exp.seeds:d}}\n{{exp.nope}}", Path("s.md"), 10),
                      SCOPES, problems)
    assert "best 98.8% of 32" in out
    (problem,) = problems
    assert problem.line == 12 and "nope" in problem.message


def test_caption_uses_its_experiment_by_default():
    problems = []
    html = render.caption_html(Passage("Best {{accuracy:.0%}}, $\\det W$.", Path("s.md"), 3, "exp"), SCOPES, Notes(),
                               problems)
    assert problems == [] and "Best 99%" in html and "<math" in html


def test_section_math_citations_footnotes():
    body = "Text $x^2$ [@b] and [@a] then [@b].[^n]\n\n$$\\tanh(Wx+b)$$\n\n[^n]: A note.\n"
    section = Section(Path("s.md"), "T", 1, "t", body, 5)
    notes, problems = Notes(), []
    html = render.section_html(section, {}, notes, problems)
    assert problems == []
    assert notes.numbers == {"b": 1, "a": 2}
    assert html.count('href="#ref-b" id="cite-b-') == 2 and 'href="#ref-a" id="cite-a-1"' in html
    assert html.count('aria-describedby="cite-b-1-tip">[1]</a>') == 1 and '>[2]</a>' in html
    assert 'display="block"' in html and "<mi>tanh</mi>" in html or "tanh" in html
    assert 'class="tip sidenote" id="fn-1"' in html and "A note." in html and "$" not in html


def test_bad_latex_is_reported_with_line():
    problems = []
    math("ok\n$\\frac{1}{$", Path("s.md"), 7, problems)
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
    assert "<h4" in render.section_html(inside, {}, Notes(), [])
    assert "<h3" in render.section_html(alone, {}, Notes(), [])


def test_tables_scroll_inside_a_focusable_region():
    html = render.section_html(Section(Path("s.md"), "T", 1, "t", "| a | b |\n|---|---|\n| 1 | 2 |\n", 1), {}, Notes(),
                               [])
    assert '<div class="table-wrap" tabindex="0" role="region" aria-label="Table: a, b">' in html
    assert html.index("table-wrap") < html.index("<table>") < html.index("</table>") < html.rindex("</div>")


def test_raw_html_in_prose_and_captions_is_printed_as_text():
    body = "Raw <script>alert(1)</script> and <b onclick=\"x\">bold</b>.\n\n<div>block</div>\n\nA &amp; B, a < b.\n"
    problems = []
    out = render.section_html(Section(Path("s.md"), "T", 1, "t", body, 5), {}, Notes(), problems)
    assert problems == [] and "<script" not in out and "<b" not in out and "<div>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;div&gt;block&lt;/div&gt;" in out
    assert "A &amp; B, a &lt; b." in out
    caption = render.caption_html(Passage("See <img src=x onerror=alert(1)>.", Path("s.md"), 3), {}, Notes(), problems)
    assert problems == [] and "<img" not in caption and "&lt;img" in caption


@pytest.mark.parametrize("text, line, words", [
    ("[x](javascript:alert(1))", 7, "the link to 'javascript:alert(1)' is refused"),
    ("[x](jav&#x61;script:alert(1))", 7, "javascript:alert(1)"),
    ("[x](java\tscript:alert(1))", 7, "is refused"),
    ("[x][r]\n\n[r]: javascript:alert(1)", 9, "javascript:alert(1)"),
    ("![x](data:image/svg+xml,x)", 7, "the link to 'data:image/svg+xml,x' is refused"),
    ("[x](pages/other.html)", 7, "is refused"),
    ("# Heading {: onclick=\"alert(1)\" }", 7, "the attribute onclick= is refused"),
    ("Text\n{: style=\"background: url(x)\" }", 8, "the attribute style="),
])
def test_a_link_that_is_not_the_web_mail_or_the_page_is_refused_with_its_line(text, line, words):
    problems = []
    render.section_html(Section(Path("s.md"), "T", 1, "t", "First.\n\n" + text + "\n", 5), {}, Notes(), problems)
    (problem,) = problems  # the build stops before writing anything
    assert words in problem.message and problem.line == line and problem.path.name == "s.md", str(problem)


def test_an_autolink_to_a_script_is_text():
    problems = []
    out = render.section_html(Section(Path("s.md"), "T", 1, "t", "<javascript:alert(1)>\n", 5), {}, Notes(), problems)
    assert problems == [] and "<a" not in out and "&lt;javascript:alert(1)&gt;" in out


def test_links_to_the_web_mail_and_the_page_stay_links():
    problems = []
    body = "[a](https://example.org) [b](http://example.org) [c](mailto:a@example.org) [d](#sec) <https://e.org>\n"
    out = render.section_html(Section(Path("s.md"), "T", 1, "t", body, 5), {}, Notes(), problems)
    assert problems == [] and out.count("<a href=") == 5
    caption = render.caption_html(Passage("See [x](javascript:alert(1)).", Path("s.md"), 3), {}, Notes(), problems)
    (problem,) = problems
    assert problem.line == 3 and "javascript:alert(1)" in problem.message and caption


def test_bad_latex_says_why():
    for latex, words in (("$x^$", "nothing after it"), ("$\\frac{1}{$", "still needs an argument"),
                         ("$\\right)$", "\\left without its \\right"), ("$x_a_b$", "two subscripts")):
        problems = []
        math("ok\n" + latex, Path("s.md"), 7, problems)
        (problem,) = problems
        assert problem.line == 8 and problem.message.endswith(problem.message.split(": ", 1)[1])
        assert words in problem.message, problem.message
        assert math_error(latex.strip("$")) in problem.message


def test_math_links_and_markup_are_checked_while_gathering(tmp_path):
    from generator import content, figures, xref
    (tmp_path / "01-a.md").write_text('+++\ntitle = "A"\norder = 1\n+++\nGood $x^2$, bad $x^$.\n\n'
                                      "[x](javascript:alert(1))\n\n```figure\nid: f\nkind: dataset\n"
                                      "experiment: e\ncaption: See [y](javascript:alert(2)) and $\\frac{1}{$.\n```\n")
    sections, problems = content.load_sections(tmp_path, {"e"}, figures.KINDS, {})
    assert problems == []
    found = sorted((p.line, p.message.split(":")[0]) for p in xref.check(sections))
    assert found == [(5, "cannot render math '$x^$'"), (7, "the link to 'javascript"),
                     (13, "cannot render math '$\\\\frac{1}{$'"), (13, "the link to 'javascript")], found


@pytest.mark.parametrize("latex, words", [
    ("\\text{<script>alert(1)</script>}", "<script> element"),
    ("\\href{javascript:alert(1)}{x}", "links to 'javascript:alert(1)'"),
    ("\\style{background:url(x)}{y}", "style="),
])
def test_math_that_would_put_script_on_the_page_is_refused(latex, words):
    problems = []
    _, formulas = math(f"a ${latex}$ b", Path("s.md"), 4, problems)
    (problem,) = problems
    assert problem.line == 4 and words in problem.message and "<script" not in "".join(formulas.values())
    assert math_error("\\href{https://example.org}{x}") is None and math_error("\\text{a < b}") is None
