"""Sections: front matter, figure directives, citations; every problem with its file and line."""

from generator import content, figures

EXPERIMENTS = {"curves-line": object()}
REFS = {"olah2014": {}}


def load(tmp_path, text):
    (tmp_path / "01-a.md").write_text(text)
    return content.load_sections(tmp_path, EXPERIMENTS, figures.KINDS, REFS)


HEAD = '+++\ntitle = "A"\norder = 1\n+++\n'


def test_section_with_figure(tmp_path):
    sections, problems = load(tmp_path, HEAD + "Intro [@olah2014].\n\n```figure\nid: f-one\nkind: dataset\n"
                              "experiment: curves-line\ncaption: Look.\n```\n\nAfter.\n")
    assert problems == []
    (section,) = sections
    assert section.title == "A" and section.slug == "a"
    (fig,) = section.figures
    assert (fig.id, fig.kind, fig.line) == ("f-one", "dataset", 7)
    assert content.figure_token("f-one") in section.body and "```" not in section.body


def test_unknown_kind_experiment_and_key_name_lines(tmp_path):
    _, problems = load(tmp_path, HEAD + "\n```figure\nid: f\nkind: pie-chart\nexperiment: x\ncaption: c\n```\n"
                       "\n```figure\nid: g\nkind: dataset\nexperiment: nope\ncaption: c\ncolour: red\n```\n")
    messages = {(p.line, p.message.split(" '")[0]) for p in problems}
    assert (8, "unknown figure kind") in messages
    assert (16, "unknown experiment") in messages
    assert (18, "figure kind") in messages


def test_malformed_directive_and_missing_front_matter(tmp_path):
    _, problems = load(tmp_path, HEAD + "```figure\nid f\nkind: dataset\n```\n")
    assert any(p.line == 6 and "key: value" in p.message for p in problems)
    assert any("needs 'experiment:'" in p.message for p in problems)
    (tmp_path / "01-a.md").write_text("no front matter")
    _, problems = content.load_sections(tmp_path, EXPERIMENTS, figures.KINDS, REFS)
    assert problems[0].line == 1 and "front matter" in problems[0].message


def test_unknown_citation_and_duplicate_figure_id(tmp_path):
    block = "```figure\nid: same\nkind: dataset\nexperiment: curves-line\ncaption: c\n```\n"
    _, problems = load(tmp_path, HEAD + "See [@nobody2020].\n\n" + block + "\n" + block)
    assert any("unknown reference" in p.message and p.line == 5 for p in problems)
    assert any("used twice" in p.message for p in problems)


def test_lines_after_a_figure_keep_their_numbers_and_a_figure_after_text_is_its_own_paragraph(tmp_path):
    from pathlib import Path

    from generator import render
    sections, _ = load(tmp_path, HEAD + "Text right before.\n```figure\nid: f\nkind: dataset\n"
                       "experiment: curves-line\ncaption: c\n```\nAfter {{nobody.x}}.\n")
    (section,) = sections
    found = []
    render.fill(section.body, {}, None, Path("s.md"), section.body_line, found)
    assert [p.line for p in found] == [12]  # the line in the file, figure block and all
    html = render.section_html(section, {}, {"f": "<figure>F</figure>"}, {}, [])
    assert "<figure>F</figure>" in html and "Text right before." in html


def test_an_option_of_the_wrong_type_says_what_it_expects(tmp_path):
    _, problems = load(tmp_path, HEAD + "```figure\nid: morph\nkind: layer-morph\nexperiment: curves-line\ncaption: c\n"
                       "grid: wide\nframes_per_stage: 2.5\n```\n\n```figure\nid: cube\nkind: rotatable-3d\n"
                       "experiment: curves-line\ncaption: c\nspace: outer\ncircles: maybe\n```\n")
    messages = {p.line: p.message for p in problems}
    assert messages[10] == ("figure 'morph' (layer-morph): option 'grid' expects a number "
                            f"({figures.KINDS['layer-morph'].options['grid'].description}), got 'wide'")
    assert messages[11].startswith("figure 'morph' (layer-morph): option 'frames_per_stage' expects a whole number (")
    assert messages[19].startswith("figure 'cube' (rotatable-3d): option 'space' expects one of input, hidden (")
    assert "option 'circles' expects true or false" in messages[20]
    assert all(p.path.name == "01-a.md" for p in problems) and len(problems) == 4
