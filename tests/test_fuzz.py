"""A corpus of bad inputs: each gives a one-screen error naming the file and the line or key, exits non-zero, and
leaves the previous site and cache byte-identical; HTML in content is escaped where it is not markup."""
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build
from tests.test_prose import tiny_content

ROOT = Path(__file__).resolve().parent.parent
FIGURE = "```figure\nid: regions\nkind: decision-regions\nexperiment: curves-line\ncaption: Look.\nalt: Regions.\n```"
EXP = "experiments/curves-line.toml"
SECTION = "01-a.md"


def replace(path, old, new):
    def apply(folder):
        target = folder / path
        text = target.read_text()
        assert old in text, (path, old)
        target.write_text(text.replace(old, new, 1))
    return apply


def write(path, data: bytes):
    def apply(folder):
        (folder / path).write_bytes(data)
    return apply


def remove(path):
    return lambda folder: (folder / path).unlink()


def both(*mutations):
    def apply(folder):
        for mutate in mutations:
            mutate(folder)
    return apply


def latin1(path, old, new):
    """The file saved as Latin-1 with a non-ASCII character in it: bytes that are not UTF-8."""
    def apply(folder):
        target = folder / path
        target.write_bytes(target.read_text().replace(old, new, 1).encode("latin-1"))
    return apply


def top_key(path, key, line):
    """site.toml's top-level `key = ...` (before its first table) replaced by `line`, or added at the top."""
    def apply(folder):
        target = folder / path
        text = target.read_text()
        head, sep, tables = text.partition("\n[")
        changed, count = re.subn(rf"^{key}\s*=.*$", line, head, count=1, flags=re.M)
        target.write_text((changed if count else line + "\n" + head) + sep + tables)
    return apply


def first_reference_key(key, line):
    """The first reference's `key = ...` in site.toml replaced by `line`."""
    def apply(folder):
        target = folder / "site.toml"
        text = target.read_text()
        start = re.search(r"^\[references\.[^\]]+\]$", text, re.M).end()
        found = re.compile(rf"^{key}\s*=.*$", re.M).search(text, start)
        target.write_text(text[:found.start()] + line + text[found.end():])
    return apply


def every_reference_table(folder):
    """[references.key] tables written as [[references]]: a list where a table belongs."""
    target = folder / "site.toml"
    target.write_text(re.sub(r"^\[references\.[^\]]+\]$", "[[references]]", target.read_text(), flags=re.M))


def add(path, text: str):
    def apply(folder):
        (folder / path).write_text(text)
    return apply


def append(path, text: str):
    def apply(folder):
        target = folder / path
        target.write_text(target.read_text() + text)
    return apply


def figure(kind, options="", experiment="curves-line", figure_id="more"):
    """A second figure block, appended to the section."""
    return append(SECTION, f"\n```figure\nid: {figure_id}\nkind: {kind}\nexperiment: {experiment}\ncaption: C.\n"
                           f"alt: A.\n{options}```\n")


def sweep_beside_its_variant(folder):
    """cl.toml sweeps model.activation over ["tanh"], making cl-tanh, and cl-tanh.toml is an experiment too."""
    text = (folder / EXP).read_text()
    (folder / "experiments" / "cl-tanh.toml").write_text(text)
    (folder / "experiments" / "cl.toml").write_text('[sweep]\n"model.activation" = ["tanh"]\n\n' + text)


SECOND = '+++\ntitle = "B"\norder = 2\n+++\n\nB.\n'

# (name, mutation, the file the error must name)
CORPUS = [
    ("toml-unclosed-table", replace(EXP, "[model]", "[model"), EXP),
    ("toml-bad-value", replace(EXP, "steps = 200", "steps = = 3"), EXP),
    ("front-matter-toml", replace(SECTION, 'title = "A"', 'title = "A'), SECTION),
    ("front-matter-unclosed", replace(SECTION, "+++\n\n", "\n\n"), SECTION),
    ("front-matter-missing", write(SECTION, b"Just text.\n"), SECTION),
    ("front-matter-title-type", replace(SECTION, 'title = "A"', "title = 3"), SECTION),
    ("wrong-type-steps", replace(EXP, "steps = 200", 'steps = "many"'), EXP),
    ("unknown-key-train", replace(EXP, "steps = 200", "steps = 200\nstepz = 3"), EXP),
    ("unknown-key-model", replace(EXP, "[model]", "[model]\nwidth = 3"), EXP),
    ("unknown-key-data", replace(EXP, "[data]", "[data]\nradius = 3"), EXP),
    ("unknown-key-quick", replace(EXP, "[quick]", "[quick]\nspeed = 3"), EXP),
    ("unknown-key-meta-section", replace(EXP, "[meta]", "[metadata]"), EXP),
    ("zero-points", replace(EXP, "points_per_class = 201", "points_per_class = 0"), EXP),
    ("negative-points", replace(EXP, "points_per_class = 201", "points_per_class = -5"), EXP),
    ("huge-points", replace(EXP, "points_per_class = 201", "points_per_class = 1000000000"), EXP),
    ("huge-steps", replace(EXP, "steps = 200", "steps = 1000000000000"), EXP),
    ("zero-seeds", replace(EXP, "seeds = 2", "seeds = 0"), EXP),
    ("nan-learning-rate", replace(EXP, "learning_rate = 0.05", "learning_rate = nan"), EXP),
    ("inf-learning-rate", replace(EXP, "learning_rate = 0.05", "learning_rate = inf"), EXP),
    ("diverging-learning-rate", both(replace(EXP, 'optimizer = "adam"', 'optimizer = "sgd"'),
                                     replace(EXP, "learning_rate = 0.05", "learning_rate = 1e38")), EXP),
    ("missing-experiment-section", replace(EXP, "[train]", "[trainer]"), EXP),
    ("empty-experiment-file", write(EXP, b""), EXP),
    ("empty-section", write(SECTION, b""), SECTION),
    ("non-utf8-section", latin1(SECTION, "A line separates", "A line s\u00e9parates"), SECTION),
    ("non-utf8-experiment", write(EXP, "# caf\u00e9\n".encode("latin-1")), EXP),
    ("duplicate-figure-id", replace(SECTION, FIGURE, FIGURE + "\n\n" + FIGURE), SECTION),
    ("path-like-figure-id", replace(SECTION, "id: regions", "id: ../x"), SECTION),
    ("unknown-figure-kind", replace(SECTION, "kind: decision-regions", "kind: pie"), SECTION),
    ("unknown-figure-key", replace(SECTION, "alt: Regions.", "alt: Regions.\ncolour: red"), SECTION),
    ("negative-still-frame", replace(SECTION, "alt: Regions.", "alt: Regions.\nstill: -1"), SECTION),
    ("unknown-experiment", replace(SECTION, "experiment: curves-line", "experiment: curves"), SECTION),
    ("unknown-placeholder-scope", replace(SECTION, "A line separates", "{{nobody.seeds:d}} A line separates"), SECTION),
    ("bad-format-spec", replace(SECTION, "A line separates", "{{curves-line.seeds:.2q}} A line separates"), SECTION),
    ("bad-check-expression", replace(SECTION, "A line separates", "{{check: curves-line.seeds >}} A line"), SECTION),
    ("check-with-attribute", replace(SECTION, "A line separates", "{{check: curves-line.seeds.real}} A line"), SECTION),
    ("unknown-citation", replace(SECTION, "A line separates", "[@nobody2020] A line separates"), SECTION),
    ("unknown-cross-reference", replace(SECTION, "A line separates", "As @fig:nowhere shows, a line separates"), SECTION),
    ("footnote-without-text", replace(SECTION, "A line separates", "A line[^gone] separates"), SECTION),
    ("author-without-name", replace("site.toml", 'name = "The bending-space contributors"', 'affiliation = "x"'),
     "site.toml"),
    ("javascript-reference-url", replace("site.toml", 'url = "https://', 'url = "javascript:alert(1)//'), "site.toml"),
    ("missing-site-toml", remove("site.toml"), "site.toml"),
    ("bad-sweep-key", replace(EXP, "[data]", '[sweep]\n"train" = [1]\n\n[data]'), EXP),
    # issue 24: wrong types in site.toml, its references and the front matter (each was a traceback)
    ("site-title-number", top_key("site.toml", "title", "title = 3"), "site.toml"),
    ("site-description-list", top_key("site.toml", "description", 'description = ["a", "b"]'), "site.toml"),
    ("site-language-number", top_key("site.toml", "language", "language = 5"), "site.toml"),
    ("site-references-list", every_reference_table, "site.toml"),
    ("reference-authors-number", first_reference_key("authors", "authors = 3"), "site.toml"),
    ("front-matter-order-string", both(replace(SECTION, "order = 1", 'order = "1"'), add("02-b.md", SECOND)), SECTION),
    ("front-matter-slug-number", replace(SECTION, "order = 1", "order = 1\nslug = 3"), SECTION),
    ("vector-field-widths", both(replace(EXP, "[model]", '[model]\nkind = "vector-field"'),
                                 replace(EXP, "hidden = []", "hidden = [3]")), EXP),
    # ... and accepted, publishing something wrong
    ("site-unknown-key", top_key("site.toml", "licence_uri", 'licence_uri = "https://example.org"'), "site.toml"),
    ("reference-year-table", first_reference_key("year", "year = {a = 1}"), "site.toml"),
    ("option-zero-frames", figure("layer-morph", "frames_per_stage: 0\n"), SECTION),
    ("option-negative-lines", figure("field-arrows", "bumps: 0,0,1,1\nlines: -3\n"), SECTION),
    ("option-huge-frames", figure("layer-morph", "frames_per_stage: 1000000000\n"), SECTION),
    ("option-bad-bumps", figure("field-arrows", "bumps: 0,0,1\n"), SECTION),
    ("layer-out-of-range", both(replace(EXP, "hidden = []", "hidden = [2]"),
                                figure("hidden-representation", "layer: 2\n")), SECTION),
    ("mapper-layer-out-of-range", figure("mapper-graph", "layer: 3\n"), SECTION),
    ("snapshot-out-of-range", figure("confusion-matrix", "snapshot: 500\n"), SECTION),
    ("hidden-representation-without-hidden-layer", figure("hidden-representation"), SECTION),
    ("duplicate-slug", add("02-b.md", SECOND.replace("order = 2", 'order = 2\nslug = "a"')), "02-b.md"),
    ("slug-taken-by-the-page", replace(SECTION, "order = 1", 'order = 1\nslug = "references"'), SECTION),
    ("sweep-variant-beside-its-file", sweep_beside_its_variant, "experiments/cl.toml"),
    ("sweep-values-alike", replace(EXP, "[data]", '[sweep]\n"train.learning_rate" = [1.5, 15]\n\n[data]'), EXP),
    ("bad-tex", replace(SECTION, "A line separates", "$x^$ A line separates"), SECTION),
    ("huge-hidden-width", replace(EXP, "hidden = []", "hidden = [100000000]"), EXP),
    ("long-figure-id", replace(SECTION, "id: regions", "id: " + "r" * 300), SECTION),
    # script on the page
    ("script-in-math", replace(SECTION, "A line separates", "$\\text{<script>alert(1)</script>}$ A line separates"),
     SECTION),
    ("javascript-link-in-caption", replace(SECTION, "caption: Look.", "caption: Look [here](javascript:alert(1))."),
     SECTION),
    ("javascript-link-in-prose", replace(SECTION, "A line separates", "[x](jav&#x61;script:alert(1)) A line separates"),
     SECTION),
    ("event-attribute-in-prose", replace(SECTION, "A line separates", "# Heading {: onclick=\"alert(1)\" }\n\nA line "
                                                                      "separates"), SECTION),
    ("javascript-link-in-changelog", add("changelog.toml", '[[change]]\ndate = 2026-11-23\n'
                                                           'text = "See [x](javascript:alert(1))."\n'),
     "changelog.toml"),
    ("javascript-link-in-compare-row", append(EXP, '\n[[compare]]\nclaim = "accuracy_best"\n'
                                                   'statement = "[x](javascript:alert(1))"\noriginal = "o"\n'
                                                   'source = "olah2014"\nwhy = "w"\n'), EXP),
]


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A tiny content folder, its site and its cache, built once."""
    tmp = tmp_path_factory.mktemp("fuzz")
    folder = tiny_content(tmp, FIGURE)
    build(folder, tmp / "site", profile="full", cache_dir=tmp / "cache", log=lambda *a: None)
    return tmp, folder


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 30 and len({name for name, _, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("name, mutate, named", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_input_is_one_screen_naming_file_and_line_and_changes_nothing(built, tmp_path, name, mutate, named):
    base, folder = built
    content = tmp_path / "content"
    shutil.copytree(folder, content)
    mutate(content)
    before_site, before_cache = snapshot(base / "site"), snapshot(base / "cache")
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out",
                           str(base / "site"), "--cache", str(base / "cache")], cwd=ROOT, capture_output=True, text=True)
    error = done.stderr
    assert done.returncode != 0, f"{name}: the build succeeded"
    assert "Traceback" not in error, f"{name}: a traceback instead of a content error:\n{error}"
    assert len(error.splitlines()) <= 30, f"{name}: more than one screen:\n{error}"
    where = Path(named).name
    assert any(where + ":" in line or f"{where} [" in line for line in error.splitlines()), f"{name}: {error}"
    assert snapshot(base / "site") == before_site and snapshot(base / "cache") == before_cache, name


def test_html_in_titles_captions_and_alt_text_is_escaped(tmp_path):
    """Raw HTML in prose, captions, alt text and titles is printed as text, a title too where the claims table links
    to its section; links to the web, mail and the page stay links; files with Windows line endings are read."""
    folder = tiny_content(tmp_path, FIGURE.replace("caption: Look.", "caption: Look <script>alert(1)</script>.")
                          .replace("alt: Regions.", 'alt: Regions "<img src=x onerror=alert(1)>".'))
    section = folder / SECTION
    section.write_text(section.read_text()
                       .replace('title = "A"', 'title = "A <b>bold</b> [x](javascript:alert(3)) {{claims-table}}"')
                       .replace("A line separates", "Raw <script>alert(4)</script> and <img src=x onerror=alert(5)> "
                                "[web](https://example.org) [mail](mailto:a@example.org) [here](#regions-x).\n\n"
                                "{{claims-table}}\n\nA line separates"))
    section.write_bytes(section.read_bytes().replace(b"\n", b"\r\n"))  # Windows line endings are read too
    experiment = folder / EXP
    experiment.write_text(experiment.read_text() + '\n[[compare]]\nclaim = "accuracy_best"\nstatement = "No line"\n'
                          'original = "a line cannot do it"\nsource = "olah2014"\nvalue = 1.0\nrelation = "<"\n'
                          'figure = "regions"\n')
    build(folder, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=lambda *a: None)
    page = (tmp_path / "site" / "index.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(5)&gt;" in page
    assert 'href="javascript' not in page and "alert(3)" in page  # the title's markdown is printed, not linked
    assert ('<a href="https://example.org">web</a>' in page and '<a href="mailto:a@example.org">mail</a>' in page
            and '<a href="#regions-x">here</a>' in page)
    table = page[page.index("<table>"):page.index("</table>")]
    link = re.search(r'<a href="#a">(.*?)</a>', table).group(1)  # the claims table's link to the section
    assert "<" not in link and "{{" not in link and html.unescape(link) == (
        "A <b>bold</b> [x](javascript:alert(3)) {{claims-table}}")
