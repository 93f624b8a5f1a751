"""Sections: front matter, figure directives, citations; every problem with its file and line."""

import pytest

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
    from generator.apparatus import Notes
    from generator.prose import Passage, fill
    sections, _ = load(tmp_path, HEAD + "Text right before.\n```figure\nid: f\nkind: dataset\n"
                       "experiment: curves-line\ncaption: c\n```\nAfter {{nobody.x}}.\n")
    (section,) = sections
    found = []
    fill(Passage(section.body, Path("s.md"), section.body_line), {}, found)
    assert [p.line for p in found] == [12]  # the line in the file, figure block and all
    html = render.section_html(section, {}, Notes(), [], inserts=render.Inserts({"f": "<figure>F</figure>"}))
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


def test_any_line_ending_and_a_byte_order_mark_are_read(tmp_path):
    text = HEAD + "Intro.\n\n```figure\nid: f-one\nkind: dataset\nexperiment: curves-line\ncaption: Look.\n```\n"
    for data in (text.replace("\n", "\r\n").encode(), ("\ufeff" + text).encode(), text.replace("\n", "\r").encode()):
        (tmp_path / "01-a.md").write_bytes(data)
        sections, problems = content.load_sections(tmp_path, EXPERIMENTS, figures.KINDS, REFS)
        assert problems == []
        (section,) = sections
        assert section.title == "A" and section.figures[0].line == 7 and section.body_line == 5
        assert "\r" not in section.body


@pytest.mark.parametrize("front, key, line, words", [
    ('title = "A"\norder = "1"', "order", 3, "needs 'order' (int)"),
    ('title = "A"\norder = 1.5', "order", 3, "got a number 1.5"),
    ('title = ["A"]\norder = 1', "title", 2, "needs 'title' (str)"),
    ('title = "A"\norder = 1\nslug = 3', "slug", 4, "got a whole number 3"),
    ('title = "A"\norder = 1\nslug = "Two Words"', "slug", 4, "lowercase letters, digits and dashes"),
    ('title = "A"\norder = 1\nslug = "references"', "slug", 4, "taken by the page"),
    ('title = "A"\norder = 1\nslug = "fig-x"', "slug", 4, "taken by the page"),
    ('title = "A"\norder = 1\ntitel = "B"', "titel", 4, "did you mean title"),
    ('title = "A"\norder = 1\npart = 2', "part", 4, "'part' must be a string"),
])
def test_front_matter_of_the_wrong_type_names_its_line_and_key(tmp_path, front, key, line, words):
    (tmp_path / "02-b.md").write_text(HEAD.replace("order = 1", "order = 2").replace('"A"', '"B"') + "B.\n")
    sections, problems = load(tmp_path, f"+++\n{front}\n+++\nText.\n")
    (problem,) = problems
    assert (problem.key, problem.line, problem.path.name) == (key, line, "01-a.md") and words in problem.message
    assert len(sections) == 2  # still read (and ordered) with stand-ins: no traceback


def test_two_sections_with_one_slug_are_refused_naming_both(tmp_path):
    (tmp_path / "02-b.md").write_text(HEAD.replace("order = 1", 'order = 2\nslug = "a"') + "B.\n")
    _, problems = load(tmp_path, HEAD + "A.\n")
    (problem,) = problems
    assert problem.path.name == "02-b.md" and problem.line == 4 and problem.key == "slug"
    assert "slug 'a' is also the slug of" in problem.message and "01-a.md" in problem.message


def figure_block(kind, options, experiment="curves-line"):
    return f"```figure\nid: f\nkind: {kind}\nexperiment: {experiment}\ncaption: c\n{options}```\n"


@pytest.mark.parametrize("kind, option, words", [
    ("layer-morph", "frames_per_stage: 0", "must be at least 1"),
    ("layer-morph", "frames_per_stage: -3", "must be at least 1"),
    ("layer-morph", "frames_per_stage: 100000000", "must be at most 1,000"),
    ("field-morph", "frames_per_layer: 0", "must be at least 1"),
    ("layer-morph", "grid: 0", "must be greater than 0"),
    ("layer-morph", "grid: -1.5", "must be greater than 0"),
    ("field-arrows", "lines: -3", "must be at least 1"),
    ("training-motion", "circle_count: 0", "must be at least 1"),
    ("weight-trajectories", "max_frames: 1", "must be at least 2"),
    ("weight-images", "levels: 4", "must be odd"),
    ("weight-images", "levels: 17", "must be at most 15"),
    ("digit-fate", "digit: 10", "must be at most 9"),
    ("mapper-graph", "overlap: 1.5", "must be less than 1"),
    ("spiral-directions", "angle_grid: 100000", "must be at most 2,000"),
    ("stretch-map", "scale_min: 2\nscale_max: 1", "must be greater than scale_min"),
    ("field-arrows", "bumps: 1,2,3", "four finite numbers per bump"),
])
def test_options_out_of_range_are_refused_with_their_line(tmp_path, kind, option, words):
    _, problems = load(tmp_path, HEAD + figure_block(kind, option + "\n"))
    (problem,) = problems
    key = option.split("\n")[-1].split(":")[0]
    assert problem.key == key and problem.line == 10 + option.count("\n") and words in problem.message, str(problem)


def test_every_declared_default_lies_in_its_range():
    for kind in figures.KINDS.values():
        for option in kind.options.values():
            assert option.default is None or figures.out_of_range(option, option.default) is None, option


EXPERIMENT = """[data]
kind = "two-curves"
points_per_class = 20

[model]
hidden = HIDDEN

[train]
learning_rate = 0.01
steps = 10
seeds = 2
snapshots = 5
"""


@pytest.mark.parametrize("hidden, kind, options, key, words", [
    ("[]", "hidden-representation", "", "experiment", "has no hidden layer (hidden = [])"),
    ("[2]", "hidden-representation", "layer: 2\n", "layer", "must be 1..1"),
    ("[2, 3]", "hidden-representation", "", "experiment", "hidden layer 2 has 3 units"),
    ("[2, 2]", "weight-trajectories", "layer: 4\n", "layer", "must be 1..3"),
    ("[2, 2]", "mapper-graph", "layer: 3\n", "layer", "must be -3..2"),
    ("[2, 2]", "mapper-surface", "layer: -4\n", "layer", "must be -3..2"),
    ("[2]", "confusion-matrix", "snapshot: 5\n", "snapshot", "must be -5..4"),
    ("[3]", "layer-morph", "", "experiment", "plays 2-unit hidden layers"),
    ("[]", "stretch-map", "", "experiment", "no hidden layer"),
    ("[2, 2]", "training-motion", "", "experiment", "one hidden layer of 2 units"),
    ("[2]", "rotatable-3d", "", "experiment", "last hidden layer of 3 units"),
    ("[2]", "field-morph", "", "experiment", "vector-field"),
    ("[3]", "weight-playground", "", "experiment", "needs a 2→2 first layer"),
    ("[2]", "field-arrows", "", "experiment", "draws a trained vector-field layer"),
    ("[2]", "weight-images", "neurons: 5\n", "neurons", "must be at most 2"),
])
def test_what_a_figure_needs_of_its_experiment_is_checked_before_training(tmp_path, hidden, kind, options, key, words):
    """A layer out of range (it wrapped round to another), a hidden representation of a network without one (it drew
    the input plane): refused with the directive's line, from the experiment file's spec."""
    from generator import config
    (tmp_path / "experiments").mkdir()
    experiment = EXPERIMENT.replace("HIDDEN", hidden)
    if figures.KINDS[kind].classes and figures.KINDS[kind].classes.least == 10:  # a digit kind: MNIST's ten classes
        experiment = experiment.replace('kind = "two-curves"\npoints_per_class = 20', 'kind = "mnist"')
    (tmp_path / "experiments" / "curves-line.toml").write_text(experiment)
    experiments = config.load_experiments(tmp_path / "experiments")
    text = HEAD + figure_block(kind, options)
    (tmp_path / "01-a.md").write_text(text)
    _, problems = content.load_sections(tmp_path, experiments, figures.KINDS, REFS)
    (problem,) = problems
    assert problem.key == key and words in problem.message, str(problem)
    assert problem.line == (10 if key != "experiment" else 8) and problem.path.name == "01-a.md"


def test_a_sweep_figure_shows_a_k_the_sweep_trains(tmp_path):
    from generator import config
    (tmp_path / "experiments").mkdir()
    sweep = '[sweep]\n"data.classes" = [2, 3]\n"model.activation" = ["tanh", "relu"]\n\n'
    (tmp_path / "experiments" / "sp.toml").write_text(sweep + EXPERIMENT.replace("two-curves", "k-spirals").replace(
        "HIDDEN", "[2]"))
    experiments = config.load_experiments(tmp_path / "experiments")
    (tmp_path / "01-a.md").write_text(HEAD + figure_block("spiral-training", "k: 4\n", "sp"))
    _, problems = content.load_sections(tmp_path, experiments | {"sp": None}, figures.KINDS, REFS)
    (problem,) = problems
    assert problem.key == "k" and "must be a K the sweep trains: 2, 3" in problem.message and problem.line == 10


@pytest.mark.parametrize("steps, count, spacing", [(10, 5, "linear"), (3, 50, "linear"), (10_000, 350, "log"),
                                                   (1, 1, "linear"), (2, 40, "log"), (1500, 40, "linear")])
def test_the_snapshot_count_is_trains(steps, count, spacing):
    from generator.train import snapshot_steps
    train = {"steps": steps, "snapshots": count, "snapshot_spacing": spacing}
    assert figures.snapshot_count(train) == len(snapshot_steps(steps, count, spacing))


def test_a_part_is_one_run_of_sections(tmp_path):
    for n, part in ((1, "P"), (2, "Q"), (3, "P")):
        (tmp_path / f"0{n}-s{n}.md").write_text(f'+++\ntitle = "S"\norder = {n}\npart = "{part}"\n+++\nText.\n')
    _, problems = content.load_sections(tmp_path, EXPERIMENTS, figures.KINDS, REFS)
    (problem,) = problems
    assert problem.path.name == "03-s3.md" and problem.line == 4 and "resumes after other sections" in problem.message
    (tmp_path / "03-s3.md").write_text('+++\ntitle = "S"\norder = 3\npart = "p!"\n+++\nText.\n')
    _, problems = content.load_sections(tmp_path, EXPERIMENTS, figures.KINDS, REFS)
    (problem,) = problems
    assert "gives the same id as part 'P' (part-p)" in problem.message


def test_live_words_hide_from_previews_and_a_stray_mark_names_its_line(tmp_path):
    """[words]{.live}: words for a live figure, in a span style.css hides without scripts; a preview of the caption
    leaves them out; a {.live} that closes no such span (brackets inside, or none) is refused with its line."""
    from pathlib import Path

    from generator import render, xref
    from generator.apparatus import Notes
    from generator.prose import Passage
    notes = Notes()
    made = render.caption_html(Passage("[Press play, or drag the scrubber.]{.live} The grid *turns*, then slides.",
                                       Path("f.md"), 1), {}, notes, [])
    assert made.startswith('<span class="live">Press play, or drag the scrubber.</span> The grid <em>turns</em>')
    notes.figure("f", made)
    assert notes.previews[("fig", "f")] == "The grid <em>turns</em>, then slides."
    sections, problems = load(tmp_path, HEAD + "Fine [Press play.]{.live} here.\n\nNot [a [b]]{.live} and {.live}.\n\n"
                              "```figure\nid: f-one\nkind: dataset\nexperiment: curves-line\ncaption: Look{.live}.\n```\n")
    assert problems == []
    found = [(p.line, p.path.name, p.message) for p in xref.check(sections)]
    assert [line for line, _, _ in found] == [7, 7, 13], found  # the nested span's mark, the bare one, the caption's
    assert all(name == "01-a.md" and message.startswith("'{.live}' must follow the words") for _, name, message in found)
