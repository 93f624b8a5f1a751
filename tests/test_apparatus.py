"""The article's apparatus: numbered cross-references (@fig:, @sec:, @eq:) and their errors at file and line,
citations with previews and backlinks, footnotes as side notes, how to cite the article (BibTeX, plain text),
its metadata (Google Scholar, Open Graph, Twitter, JSON-LD) and each figure page's credit."""
from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from generator import citation, config, content, figures, render, xref
from generator.apparatus import Notes, finish, reference_list
from generator.content import Section
from generator.errors import BuildError
from generator.prose import Passage

ROOT = Path(__file__).resolve().parent.parent
REFS = {"a": {"authors": "Ann Author", "title": "A *Title* & more", "year": 2001, "url": "https://a.example/"},
        "b": {"authors": "Bo Writer", "title": "Untitled", "year": 2002}}
FIGURE = "```figure\nid: {id}\nkind: decision-regions\nexperiment: curves-line\ncaption: {caption}\n```\n"


def sections_in(tmp_path: Path, files: dict[str, str]) -> list[Section]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found, problems = content.load_sections(tmp_path, {"curves-line"}, figures.KINDS, REFS)
    assert problems == []
    return found


def article(tmp_path):
    """Two sections: figures, a labelled equation, references of every kind, a citation in a caption."""
    return sections_in(tmp_path, {
        "01-one.md": "+++\ntitle = \"First things\"\norder = 1\n+++\n\nSee @fig:second and @sec:two, and @eq:path."
                     " Cited [@a].[^n]\n\n[^n]: An aside [@b].\n\n"
                     + FIGURE.format(id="first", caption="The first figure. More words [@a]."),
        "02-two.md": "+++\ntitle = \"Second things\"\norder = 2\nslug = \"two\"\n+++\n\n"
                     "$$P(t) = t$$ {#eq:path}\n\nBack to @fig:first and @sec:one.[^m]\n\n[^m]: Another.\n\n"
                     + FIGURE.format(id="second", caption="Second, as in @fig:first. Again [@a]."),
    })


def render_article(sections):
    """The article as the build renders it: captions first, then sections with their figures, then finish."""
    notes = Notes(REFS, xref.targets(sections))
    problems = []
    figures_html = {}
    for s in sections:
        for fig in s.figures:
            caption = render.caption_html(Passage(fig.caption, fig.path, fig.line, fig.experiment), {}, notes, problems)
            notes.figure(fig.id, caption)
            figures_html[fig.id] = f'<figure id="fig-{fig.id}"><figcaption>{caption}</figcaption></figure>'
    parts = [(f"section {n}", render.section_html(s, {}, notes, problems, inserts=render.Inserts(figures_html)))
             for n, s in enumerate(sections, start=1)]
    assert problems == []
    page = finish("".join(html for _, html in parts), notes)
    return page, notes, parts


def test_targets_number_figures_sections_and_labelled_equations(tmp_path):
    targets = xref.targets(article(tmp_path))
    assert targets.figures == {"first": 1, "second": 2}
    assert targets.sections == {"one": (1, "First things"), "two": (2, "Second things")}
    assert targets.equations == {"path": 1}


def test_cross_references_become_numbered_links_with_previews(tmp_path):
    page, _, _ = render_article(article(tmp_path))
    link = re.search(r'<a class="xref" href="#fig-second" aria-describedby="(xref-\d+)">Figure 2</a>'
                     r'<span class="tip" role="tooltip" id="\1"><strong>Figure 2</strong> (.*?)</span>', page)
    # the preview is the caption's first sentence, the reference in it read as a plain "Figure 1"
    assert link and link.group(2) == "Second, as in Figure 1."
    assert re.search(r'<a class="xref" href="#two" [^>]*>Section 2</a><span class="tip"[^>]*><strong>Section 2'
                     r'</strong> Second things</span>', page)
    assert re.search(r'<a class="xref" href="#one" [^>]*>Section 1</a>', page)
    eq = re.search(r'<a class="xref" href="#eq-path" [^>]*>Equation 1</a><span class="tip"[^>]*>(.*?)</span>', page)
    assert eq and "<math" in eq.group(1)
    # the labelled equation is a numbered block the link lands on
    assert re.search(r'<div class="math-display numbered" id="eq-path"><math[^>]*display="block".*?'
                     r'<span class="eq-number">\(1\)</span></div>', page, re.S)
    # a caption's reference to an earlier figure resolves too, and no token is left behind
    assert re.search(r'Second, as in <span class="tip-wrap"><a class="xref" href="#fig-first"', page)
    assert not re.search(r"XREFTOKEN|APPSTASH|MATHTOKEN|FIGURETOKEN|@fig:|@sec:|@eq:", page)


def test_a_reference_in_an_attribute_or_code_is_plain_text_and_a_figure_page_links_into_the_article(tmp_path):
    sections = article(tmp_path)
    notes = Notes(REFS, xref.targets(sections))
    caption = render.caption_html(Passage("Like @fig:first [@a].", Path("s.md"), 1, "x"), {}, notes, [])
    text = re.sub(r"<[^>]+>", "", caption)
    page = finish(f'<p aria-label="{text}">{caption}</p><pre><code>{text}</code></pre>', notes, base="../../")
    assert '<p aria-label="Like Figure 1' in page and "<code>Like Figure 1" in page
    assert 'href="../../#fig-first"' in page and 'class="cite" href="../../#ref-a"' in page


@pytest.mark.parametrize("body, line, words", [
    ("Text.\n\nSee @fig:secnd here.", 7, ["unknown figure", "@fig:secnd", "did you mean second"]),
    ("Text.\n\nAnd @sec:tow.", 7, ["unknown section", "@sec:tow", "two"]),
    ("Text.\n\n\nThen @eq:nothere.", 8, ["unknown labelled equation", "@eq:nothere"]),
    ("Text.\n\nAn @fig:Bad_Name.", 7, ["not well formed", "@fig:Bad_Name"]),
    ("$$x$$ {#eq:Bad}\n", 5, ["equation label", "lowercase"]),
    ("Text.\n\n$$x$$ {#eq:path}\n", 7, ["used twice", "02-two.md:7"]),
    ("Text.[^gone]\n", 5, ["footnote [^gone] has no text"]),
    ("Text.\n\n[^lost]: Never referred to.\n", 7, ["never referred to"]),
])
def test_a_bad_reference_is_a_problem_at_its_file_and_line(tmp_path, body, line, words):
    sections = article(tmp_path)
    (tmp_path / "03-bad.md").write_text(f"+++\ntitle = \"Bad\"\norder = 3\n+++\n{body}")
    sections, _ = content.load_sections(tmp_path, {"curves-line"}, figures.KINDS, REFS)
    problems = xref.check(sections)
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem.path.name == "03-bad.md" and problem.line == line, problem
    for word in words:
        assert word in problem.message, problem


def test_a_bad_reference_in_a_caption_names_the_caption_line(tmp_path):
    sections_in(tmp_path, {"01-one.md": "+++\ntitle = \"One\"\norder = 1\n+++\n\nText.\n\n"
                                        + FIGURE.format(id="first", caption="Like @fig:nowhere.")})
    sections, _ = content.load_sections(tmp_path, {"curves-line"}, figures.KINDS, REFS)
    (problem,) = xref.check(sections)
    assert problem.line == 12 and "@fig:nowhere" in problem.message and "first" in problem.message


def test_the_build_stops_on_an_unknown_reference_before_training(tmp_path):
    from generator.build import build
    from tests.test_prose import tiny_content
    folder = tiny_content(tmp_path, "As @sec:nowhere shows.")
    with pytest.raises(BuildError) as err:
        build(folder, tmp_path / "site", profile="quick", cache_dir=tmp_path / "cache", log=lambda *a: None)
    assert "01-a.md:7: unknown section in cross-reference '@sec:nowhere'" in str(err.value)
    assert not (tmp_path / "cache" / "runs").exists()  # nothing trained


def test_citations_preview_their_reference_and_the_list_links_back_in_document_order(tmp_path):
    sections = article(tmp_path)
    page, notes, parts = render_article(sections)
    assert notes.numbers == {"a": 1, "b": 2}
    # every citation is a numbered link with its own id and a preview of the reference
    cited = re.findall(r'<a class="cite" href="#ref-a" id="(cite-a-\d)" aria-describedby="\1-tip">\[1\]</a>'
                       r'<span class="tip" role="tooltip" id="\1-tip">(.*?)</span>', page)
    assert len(cited) == 3
    assert cited[0][1] == "Ann Author (2001). <cite>A *Title* &amp; more</cite>."
    refs = reference_list(REFS, notes.numbers, parts)
    a, b = refs
    # backlinks follow the page, not the order of rendering (captions are rendered before the text around them)
    order = [m for m in re.findall(r'id="(cite-a-\d)"', page)]
    assert [link["anchor"] for link in a["backlinks"]] == order
    assert order == ["cite-a-3", "cite-a-1", "cite-a-2"]  # the text of section 1 before its figure's caption
    assert [link["label"] for link in a["backlinks"]] == ["a", "b", "c"]
    assert a["backlinks"][0]["title"] == "Back to citation 1 of 3, in section 1"
    for link in a["backlinks"] + b["backlinks"]:
        assert f'id="{link["anchor"]}"' in page
    assert b["url"] == "" and len(b["backlinks"]) == 1  # cited once, inside a footnote


def test_footnotes_are_side_notes_numbered_through_the_article(tmp_path):
    page, _, _ = render_article(article(tmp_path))
    notes = re.findall(r'<a class="fn-ref" id="fnref-(\d)" href="#fn-\1" aria-describedby="fn-\1">.*?</a>'
                       r'<span class="tip sidenote" id="fn-\1"><span class="fn-number">\1</span> (.*?)</span></span>',
                       page)
    assert [n for n, _ in notes] == ["1", "2"]
    assert "An aside" in notes[0][1] and 'href="#ref-b"' in notes[0][1] and "Another." in notes[1][1]
    assert 'class="footnote"' not in page and "[^" not in page


def test_the_reference_list_has_no_empty_links(built_site):
    site, _ = built_site
    page = (site / "index.html").read_text()
    assert 'href="#"' not in page and 'href=""' not in page
    singh = re.search(r'<li id="ref-singh2007">(.*?)</li>', page, re.S).group(1)
    assert "<cite>Topological Methods" in singh and "<a href=\"http" not in singh
    assert re.search(r'<span class="backlinks">.*?<a href="#cite-singh2007-1"', singh, re.S)
    for anchor in re.findall(r'<span class="backlinks">(.*?)</span>\s*</li>', page, re.S):
        for target in re.findall(r'href="#([^"]+)"', anchor):
            assert f'id="{target}"' in page, target


def test_a_backlink_is_named_by_the_letters_it_shows(built_site):
    """A reference cited several times links back to each citation with a letter (a, b, ..., ab): each link's
    accessible name begins with those letters, so a voice user who says what they see follows it (WCAG 2.5.3; axe's
    label-content-name-mismatch found "ab" named "Back to citation 28 of 39, ...")."""
    site, _ = built_site
    page = (site / "index.html").read_text()
    links = [link for span in re.findall(r'<span class="backlinks">(.*?)</span>\s*</li>', page, re.S)
             for link in re.findall(r'<a href="#[^"]+" aria-label="([^"]*)"[^>]*>([^<]*)</a>', span)]
    lettered = [(name, shown) for name, shown in links if re.fullmatch(r"[a-z]+", shown)]
    assert len(lettered) >= 20, f"only {len(lettered)} lettered backlinks found"
    for name, shown in lettered:
        assert name.startswith(shown + ":") and "back to citation" in name, (shown, name)


# ---- citing the article

def bibtex_entries(text: str) -> list[dict]:
    """A small BibTeX reader, strict where the entry must be: @type{key, name = {value} | "value" | bare, ...}
    with balanced braces; returns [{"type", "key", fields...}]."""
    entries, i = [], 0
    while (at := text.find("@", i)) >= 0:
        head = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,").match(text, at)
        assert head, f"no entry head at {text[at:at + 30]!r}"
        entry, i = {"type": head.group(1).lower(), "key": head.group(2)}, head.end()
        while True:
            while text[i] in " \t\r\n,":
                i += 1
            if text[i] == "}":
                i += 1
                break
            field = re.compile(r"([A-Za-z][\w-]*)\s*=\s*").match(text, i)
            assert field, f"no field at {text[i:i + 30]!r}"
            i = field.end()
            if text[i] in "{\"":
                close, depth, start = "}" if text[i] == "{" else "\"", 0, i
                while True:
                    char = text[i]
                    if char == "\\":
                        i += 2
                        continue
                    if char == "{":
                        depth += 1
                    elif char == "}":
                        depth -= 1
                    i += 1
                    if (close == "}" and depth == 0) or (close == "\"" and char == "\"" and i - 1 > start and depth == 0):
                        break
                    assert depth >= 0 and i < len(text), "unbalanced braces"
                value = text[start + 1:i - 1]
            else:
                bare = re.compile(r"[\w-]+").match(text, i)
                assert bare, f"no value at {text[i:i + 30]!r}"
                value, i = bare.group(0), bare.end()
            assert field.group(1).lower() not in entry, f"field {field.group(1)} twice"
            entry[field.group(1).lower()] = value
        entries.append(entry)
    return entries


def test_the_bibtex_entry_parses_with_its_required_fields():
    site = config.load_site(ROOT / "content" / "site.toml")
    (entry,) = bibtex_entries(citation.bibtex(site))
    assert entry["type"] in {"misc", "article"}
    assert {"author", "title", "year"} <= set(entry)
    assert entry["title"] == "{How Neural Networks Bend Space}"
    assert re.fullmatch(r"\d{4}", entry["year"]) and entry["month"] in citation.MONTHS
    assert entry["author"] == "{The bending-space contributors}"  # a group stays whole
    assert re.fullmatch(r"[a-z0-9]+", entry["key"])


def test_bibtex_escapes_what_latex_would_read():
    site = {"title": "Nets & 50% of {braces}_x", "authors": [
        {"name": "Ada Lovelace", "organisation": False, "affiliation": "", "url": ""},
        {"name": "Lab #1", "organisation": True, "affiliation": "", "url": ""}],
            "published": datetime.date(2020, 2, 3), "updated": None, "base_url": "https://x.example/a",
            "source": {"commit": "abc1234def", "short": "abc1234"}}
    (entry,) = bibtex_entries(citation.bibtex(site))
    assert entry["title"] == r"{Nets \& 50\% of \{braces\}\_x}"
    assert entry["author"] == r"Ada Lovelace and {Lab \#1}"
    assert entry["url"] == "https://x.example/a/" and entry["month"] == "feb" and "abc1234" in entry["note"]
    assert entry["key"] == "lovelace2020nets"
    assert citation.plain(site) == ("Ada Lovelace and Lab #1 (2020). Nets & 50% of {braces}_x. Interactive article,"
                                    " built from commit abc1234. https://x.example/a/")


def site_file(tmp_path, authors: str, extra: str = "") -> Path:
    (tmp_path / "site.toml").write_text(f'title = "T"\ndescription = "D"\n{extra}{authors}\n')
    return tmp_path / "site.toml"


def test_authors_as_names_or_as_tables(tmp_path):
    site = config.load_site(site_file(tmp_path, 'authors = ["Ann One", "Bo Two"]'))
    assert [a["name"] for a in site["authors"]] == ["Ann One", "Bo Two"]
    site = config.load_site(site_file(tmp_path, '[[authors]]\nname = "Ann One"\naffiliation = "Uni"\n'
                                                'url = "https://ann.example"\n[[authors]]\nname = "Lab"\n'
                                                'organisation = true\n'))
    assert site["authors"] == [{"name": "Ann One", "affiliation": "Uni", "url": "https://ann.example",
                                "organisation": False},
                               {"name": "Lab", "affiliation": "", "url": "", "organisation": True}]
    assert (site["licence"], site["licence_url"]) == citation.CC_BY  # the default licence


@pytest.mark.parametrize("authors, extra, key, words", [
    ('[[authors]]\nname = "A"\nurl = "javascript:x"', "", "authors", "http"),
    ('[[authors]]\nname = "A"\nemail = "a@b"', "", "authors", "unknown keys email"),
    ('authors = []', "", "authors", "non-empty"),
    ('authors = ["A"]', 'published = "2020-01-01"\n', "published", "YYYY-MM-DD"),
    ('authors = ["A"]', "published = 2021-01-01\nupdated = 2020-01-01\n", "updated", "before"),
    ('authors = ["A"]', 'repository = "ftp://x"\n', "repository", "http"),
])
def test_bad_cite_settings_name_the_key(tmp_path, authors, extra, key, words):
    with pytest.raises(BuildError) as err:
        config.load_site(site_file(tmp_path, authors, extra))
    (problem,) = err.value.problems
    assert problem.key == key and words in problem.message and problem.path.name == "site.toml"


def test_the_changelog_is_read_newest_first_and_its_errors_have_lines(tmp_path):
    path = tmp_path / "changelog.toml"
    path.write_text('[[change]]\ndate = 2020-02-01\ntext = "Fixed *this* <b>."\n\n'
                    '[[change]]\ndate = 2020-01-01\ntext = "First."\n')
    problems = []
    changes = citation.changelog(path, problems)
    assert problems == [] and [c["date"].isoformat() for c in changes] == ["2020-02-01", "2020-01-01"]
    assert changes[0]["html"] == "<p>Fixed <em>this</em> &lt;b&gt;.</p>"  # markdown, never raw HTML
    path.write_text('[[change]]\ndate = 2020-01-01\ntext = "Old."\n\n[[change]]\ndate = "soon"\ntext = "x"\n\n'
                    '[[change]]\ndate = 2021-01-01\ntext = "New."\n')
    problems = []
    citation.changelog(path, problems)
    assert [(p.line, "YYYY-MM-DD" in p.message or "newest first" in p.message) for p in problems] == [(5, True), (9, True)]
    # the real changelog reads, and the site's `updated` defaults to its newest entry
    site = config.load_site(ROOT / "content" / "site.toml")
    assert site["changes"] and site["updated"] == site["changes"][0]["date"]


def test_outside_a_git_checkout_the_commit_is_unknown(tmp_path):
    assert citation.source(tmp_path)["commit"] == "unknown"
    here = citation.source(ROOT)
    assert re.fullmatch(r"[0-9a-f]{40}", here["commit"]) or here["commit"] == "unknown"


def test_the_page_carries_scholar_open_graph_twitter_and_json_ld_metadata(built_site):
    site, _ = built_site
    page = (site / "index.html").read_text()
    head = page[:page.index("</head>")]
    meta = {}
    for name, value in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">', head):
        meta.setdefault(name, []).append(value)
    assert meta["citation_title"] == ["How Neural Networks Bend Space"]
    assert meta["citation_author"] and meta["citation_publication_date"][0].count("/") == 2
    assert len(meta["citation_reference"]) == 6
    assert meta["og:title"] == ["How Neural Networks Bend Space"] and meta["og:type"] == ["article"]
    image = meta["og:image"][0]
    assert re.search(r"figures/[a-z0-9-]+/still\.png$", image) and meta["twitter:image"] == [image]
    assert (site / re.sub(r"^https?://[^/]+/(.*)$", r"\1", image)).exists() or (site / image).exists()
    assert meta["twitter:card"] == ["summary_large_image"]
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    data = json.loads(ld)
    assert data["@type"] == "ScholarlyArticle" and data["@context"] == "https://schema.org"
    assert data["headline"] == "How Neural Networks Bend Space" and data["author"][0]["name"]
    assert data["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert len(data["citation"]) == 6 and data["datePublished"]


def test_the_appendix_cites_updates_and_reproduces(built_site):
    site, _ = built_site
    page = (site / "index.html").read_text()
    appendix = page[page.index('<section id="appendix"'):]
    bib = re.search(r'<pre class="bibtex"[^>]*><code>(.*?)</code></pre>', appendix, re.S).group(1)
    import html
    (entry,) = bibtex_entries(html.unescape(bib))
    assert {"author", "title", "year"} <= set(entry)
    assert '<section id="updates"' in appendix and "<dl class=\"changes\">" in appendix
    assert 'href="build-report.json"' in appendix and "make site" in appendix and "make test" in appendix
    commit = re.search(r"commit <code>([0-9a-f]{40}|unknown)</code>", appendix)
    assert commit and (commit.group(1) == "unknown" or f"git checkout {commit.group(1)}" in appendix)
    assert 'rel="license"' in appendix and "CC BY 4.0" in appendix


def test_every_figure_page_carries_number_title_attribution_licence_and_a_link_back(built_site):
    site, report = built_site
    article = (site / "index.html").read_text()
    numbers = dict(re.findall(r'<a class="fig-number" href="#fig-([^"]+)">(Figure \d+)\.</a>', article))
    assert sorted(numbers) == sorted(report["figures"])
    for fid in report["figures"]:
        page = (site / "figures" / fid / "index.html").read_text()
        credit = re.search(r'<p class="fig-credit">(.*?)</p>', page, re.S).group(1)
        assert f'<a href="../../#fig-{fid}" target="_top">{numbers[fid]}</a>' in credit, fid
        assert "How Neural Networks Bend Space" in credit and "The bending-space contributors" in credit
        assert 'rel="license"' in credit and "CC BY 4.0" in credit
        assert re.search(rf'<h1 class="visually-hidden">{numbers[fid]}: [^<]+</h1>', page), fid
        assert re.search(rf'<meta property="og:image" content="[^"]*figures/{fid}/still\.png">', page), fid
        assert not re.search(r"XREFTOKEN|APPSTASH|MATHTOKEN", page), fid
    assert not re.search(r"XREFTOKEN|APPSTASH|MATHTOKEN|FIGURETOKEN", article)
