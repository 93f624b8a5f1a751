"""Markdown + Jinja2 -> HTML. Math becomes MathML at build time; claims fill placeholders; citations number.

The article's apparatus (render.Notes): a citation [@key] is a numbered link to its reference with a preview of
it, and each reference lists links back to every place it is cited; a footnote [^n] becomes a side note (in the
margin on wide screens, a preview elsewhere); @fig:, @sec: and @eq: (generator/xref.py) become "Figure N",
"Section N", "Equation N" links with a preview, resolved once the page is whole (finish).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
import html
import re
from pathlib import Path

import jinja2
from markupsafe import Markup
import markdown
from latex2mathml.converter import convert as latex_to_mathml

from . import xref
from .content import CITATION, Section, figure_token
from .markup import LIVE, NoRawHTML, markup_problems, without_live
from .claims_table import MARKER
from .mathml import MATH, math_error, math_reason, slim_mathml, unsafe_mathml  # noqa: F401 (math_error: tests)
from .errors import Problem
from .pages import slim
from .prose import Passage, fill

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STASH = re.compile(r"APPSTASH(\d+)END")
XREF_TOKEN = re.compile(r"XREFTOKEN(\d+)END")
FOOTNOTES = re.compile(r'<div class="footnote">\s*<hr\s*/?>\s*<ol>(.*?)</ol>\s*</div>', re.S)
FOOTNOTE_ITEM = re.compile(r'<li id="fn:([^"]+)">(.*?)</li>', re.S)
FOOTNOTE_REF = re.compile(r'<sup id="fnref\d*:([^"]+)"><a class="footnote-ref" href="#fn:[^"]+">\d+</a></sup>')
BACKREF = re.compile(r'(?:&#160;)?<a class="footnote-backref"[^>]*>.*?</a>', re.S)


class Notes(dict):
    """Citation numbers (key -> number, by first appearance; the dict itself) and the rest of the apparatus:
    the references (for previews), how often each key is cited so far (each citation gets its own id, for the
    reference list's backlinks), footnote numbers across the article, cross-reference targets and previews."""

    def __init__(self, references: dict | None = None, targets: xref.Targets | None = None):
        super().__init__()
        self.references = references or {}
        self.targets = targets or xref.Targets()
        self.cited: dict[str, int] = {}
        self.footnotes = 0
        self.previews: dict[tuple[str, str], str] = {}
        self.xrefs: list[tuple[str, str]] = []
        self.stash: list[str] = []

    def __bool__(self) -> bool:  # a state, present even before anything is cited
        return True

    def keep(self, fragment: str) -> str:
        """A token markdown leaves alone, swapped back for fragment after conversion (unstash)."""
        self.stash.append(fragment)
        return f"APPSTASH{len(self.stash) - 1}END"

    def unstash(self, text: str) -> str:
        return STASH.sub(lambda m: self.stash[int(m.group(1))], text)

    def figure(self, figure_id: str, caption_html: str) -> None:
        """The preview a reference to this figure shows: its caption's first sentence."""
        self.previews[("fig", figure_id)] = first_sentence(plain_inline(self.plain(without_live(caption_html))))

    def label(self, kind: str, name: str) -> str:
        return f"{xref.KINDS[kind]} {self.targets.number(kind, name)}"

    def plain(self, text: str) -> str:
        """Text with its cross-references as plain "Figure N" (a title, an attribute)."""
        return XREF_TOKEN.sub(lambda m: self.label(*self.xrefs[int(m.group(1))]), text)


def _notes(numbers) -> Notes:
    """The apparatus state behind `numbers`: itself when it is one, else a throwaway (numbers still go into it)."""
    return numbers if isinstance(numbers, Notes) else Notes()


@functools.cache
def environment() -> jinja2.Environment:
    """One per process: a template is compiled once and again only when its file changes (Jinja's auto_reload
    looks before each use), so the preview's rebuilds do not compile every template each time."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["slim_js"] = slim_js
    return env


def slim_js(source: str) -> Markup:
    """A script inlined into the page, slimmed as pages.slim ships player.js (every byte of the article counts in
    its first view)."""
    return Markup(slim("inline.js", str(source).encode()).decode())


def math(text: str, path: Path, first_line: int, problems: list[Problem],
         notes: Notes | None = None) -> tuple[str, dict[str, str]]:
    """Swap $...$ and $$...$$ for tokens (so markdown leaves them alone); return the MathML for each. A display
    equation labelled `{#eq:name}` comes back as its numbered block (an element with id eq-name)."""
    found = {}

    def swap(match):
        display = match.group(1) is not None
        latex = match.group(1) if display else match.group(3)
        token = f"MATHTOKEN{len(found)}END"
        try:
            mathml = latex_to_mathml(latex.strip(), display="block" if display else "inline")
            reason = unsafe_mathml(mathml)
        except Exception as err:  # noqa: BLE001 - latex2mathml raises several kinds; all mean bad LaTeX
            reason = math_reason(err)
        if reason is None:
            found[token] = slim_mathml(mathml)
        else:
            line = first_line + text.count("\n", 0, match.start())
            problems.append(Problem(path, f"cannot render math {match.group(0)!r}: {reason}", line=line))
            found[token] = html.escape(match.group(0))
        label = match.group(2)
        if display and label is not None:
            number = notes.targets.equations.get(label) if notes else None
            if number is None:
                line = first_line + text.count("\n", 0, match.start())
                problems.append(Problem(path, f"equation label '{{#eq:{label}}}' is not known (lowercase letters, "
                                              "digits and dashes)", line=line))
            else:
                notes.previews[("eq", label)] = found[token]
                found[token] = (f'<div class="math-display numbered" id="eq-{label}">{found[token]}'
                                f'<span class="eq-number">({number})</span></div>')
        return f"\n\n{token}\n\n" if display else token
    return MATH.sub(swap, text).replace("\\$", "$"), found


def _put_math(out: str, formulas: dict[str, str]) -> str:
    for token, mathml in formulas.items():
        block = mathml if mathml.startswith("<div") else f'<div class="math-display">{mathml}</div>'
        out = out.replace(f"<p>{token}</p>", block).replace(token, mathml)
    return out


def reference_text(ref: dict) -> str:
    """One reference as inline HTML, without links: authors (year). Title. Venue."""
    venue = f" {html.escape(str(ref['venue']))}." if ref.get("venue") else ""
    return (f"{html.escape(str(ref['authors']))} ({html.escape(str(ref['year']))}). "
            f"<cite>{html.escape(str(ref['title']))}</cite>.{venue}")


def citations(text: str, numbers: dict[str, int], notes: Notes | None = None) -> str:
    """[@key] -> a numbered link to the reference list with a preview of the reference; numbers assigned by first
    appearance. Each citation has its own id (cite-key-n), which the reference list links back to."""
    notes = _notes(numbers) if notes is None else notes

    def link(match):
        key = match.group(1)
        numbers.setdefault(key, len(numbers) + 1)
        notes.cited[key] = notes.cited.get(key, 0) + 1
        anchor = f"cite-{key}-{notes.cited[key]}"
        ref = notes.references.get(key)
        tip = reference_text(ref) if ref else html.escape(key)
        return notes.keep(f'<span class="tip-wrap"><a class="cite" href="#ref-{key}" id="{anchor}" '
                          f'aria-describedby="{anchor}-tip">[{numbers[key]}]</a><span class="tip" role="tooltip" '
                          f'id="{anchor}-tip">{tip}</span></span>')
    return CITATION.sub(link, text)


def live_spans(text: str, notes: Notes) -> str:
    """[words]{.live} -> the words in a span that shows only where scripts run (style.css); content.live_problems
    has named any {.live} that closes no span while gathering."""
    return LIVE.sub(lambda m: notes.keep('<span class="live">') + m.group(1) + notes.keep("</span>"), text)


def cross_references(text: str, notes: Notes, path: Path, first_line: int, problems: list[Problem]) -> str:
    """@fig:, @sec:, @eq: -> tokens that finish() turns into numbered links once every preview is known."""
    def token(match):
        kind, name = match.group(1), match.group(2)
        if notes.targets.number(kind, name) is None:
            line = first_line + text.count("\n", 0, match.start())
            problems.append(Problem(path, f"unknown cross-reference '@{kind}:{name}'", line=line))
            return match.group(0)
        notes.xrefs.append((kind, name))
        return f"XREFTOKEN{len(notes.xrefs) - 1}END"
    return xref.XREF.sub(token, text)


def sidenotes(out: str, notes: Notes) -> str:
    """python-markdown's footnotes as side notes: each reference carries its note beside it (in the margin on a
    wide screen, a preview elsewhere), numbered across the article; the list at the section's end goes."""
    texts = {}
    found = FOOTNOTES.search(out)
    if not found:
        return out
    for label, body in FOOTNOTE_ITEM.findall(found.group(1)):
        paragraphs = re.findall(r"<p>(.*?)</p>", BACKREF.sub("", body), re.S) or [body.strip()]
        texts[label] = "".join(f'<span class="fn-p">{p.strip()}</span>' for p in paragraphs)
    out = out[:found.start()] + out[found.end():]
    numbered: dict[str, int] = {}

    def note(match):
        label = match.group(1)
        if label in numbered:  # a second reference to the same note links to it
            n = numbered[label]
            return f'<a class="fn-ref" href="#fn-{n}" aria-label="Note {n}"><sup>{n}</sup></a>'
        notes.footnotes += 1
        n = numbered[label] = notes.footnotes
        return (f'<span class="tip-wrap fn-wrap"><a class="fn-ref" id="fnref-{n}" href="#fn-{n}" '
                f'aria-describedby="fn-{n}"><span class="visually-hidden">Note </span><sup>{n}</sup></a>'
                f'<span class="tip sidenote" id="fn-{n}"><span class="fn-number">{n}</span> {texts.get(label, "")}'
                f'</span></span>')
    return FOOTNOTE_REF.sub(note, out)


@dataclass(frozen=True)
class Inserts:
    """What a section's body holds that the build makes elsewhere: each figure's block by id (in place of its
    token), and the claims table's markdown (in place of {{claims-table}})."""
    figures: dict[str, str] = field(default_factory=dict)
    claims_table: str = ""


def section_html(section: Section, scopes: dict, numbers: dict[str, int], problems: list[Problem],
                 failed_checks: list[Problem] | None = None, inserts: Inserts | None = None) -> str:
    inserts = inserts or Inserts()
    notes = _notes(numbers)
    text = fill(Passage(section.body.replace(MARKER, inserts.claims_table), section.path, section.body_line), scopes,
                problems, failed_checks)
    text, formulas = math(text, section.path, section.body_line, problems, notes)
    text = citations(live_spans(text, notes), numbers, notes)
    text = cross_references(text, notes, section.path, section.body_line, problems)
    # a section inside a part has an <h3> title, so its ### subsections become <h4>
    # raw HTML in prose is printed as text (markup.NoRawHTML); what markdown itself makes is audited: no element,
    # attribute or link that could run a script reaches the page (markup.unsafe_markup)
    converter = markdown.Markdown(extensions=[NoRawHTML(), "footnotes", "tables", "attr_list", "smarty", "toc"],
                                  extension_configs={"footnotes": {"UNIQUE_IDS": True},
                                                     "toc": {"baselevel": 2 if section.part else 1}})
    out = converter.convert(text)
    problems += markup_problems(text, section.path, section.body_line, html_text=out, source=section.body)
    out = sidenotes(notes.unstash(out), notes)
    # a table wider than a phone scrolls inside a region the keyboard can reach, instead of the page scrolling
    # named by its header row, so two tables on the page are two distinct regions
    out = re.sub(r"<table>.*?</table>", _wrap_table, out, flags=re.S)
    out = _put_math(out, formulas)
    for fig in section.figures:
        out = out.replace(f"<p>{figure_token(fig.id)}</p>", inserts.figures[fig.id])
    return out


def _wrap_table(match: re.Match) -> str:
    heads = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", match.group(0), re.S)]
    name = "Table: " + ", ".join(h for h in heads if h) if any(heads) else "Table"
    if len(name) > 90:
        name = name[:90].rsplit(",", 1)[0] + ", …"
    return (f'<div class="table-wrap" tabindex="0" role="region" aria-label="{html.escape(name, quote=True)}">\n'
            f'{match.group(0)}\n</div>')


def caption_html(caption: Passage, scopes: dict, numbers: dict[str, int], problems: list[Problem],
                 failed_checks: list[Problem] | None = None) -> str:
    """A one-line caption: placeholders, checks and picks, inline math, citations, cross-references and inline
    markdown."""
    notes = _notes(numbers)
    path, line = caption.path, caption.line
    text = fill(caption, scopes, problems, failed_checks)
    text, formulas = math(text, path, line, problems, notes)
    text = html.escape(text, quote=False)  # a caption is inline markdown, never raw HTML
    text = cross_references(citations(live_spans(text, notes), numbers, notes), notes, path, line, problems)
    made = markdown.markdown(text, extensions=[NoRawHTML(), "smarty"])
    problems += markup_problems(text, path, line, html_text=made, source="")
    out = notes.unstash(made)
    out = re.sub(r"^<p>(.*)</p>$", r"\1", out, flags=re.S)
    for token, mathml in formulas.items():
        out = out.replace(token, mathml)
    return out


RAW_TEXT = {"code", "pre", "title", "script", "style", "textarea"}


def finish(page: str, notes: Notes, base: str = "") -> str:
    """A rendered page with its cross-references resolved: "Figure N" links with the caption's first sentence as a
    preview, "Section N" with the title, "Equation N" with the equation; inside a tag (an attribute such as an
    aria-label) or in code, the title or a script, plain "Figure N". `base` leads every link into the article
    from a page that is not the article (a figure's own page: "../../")."""
    def link(match):
        n = int(match.group(1))
        kind, name = notes.xrefs[n]
        label = notes.label(kind, name)
        anchor = {"fig": f"fig-{name}", "sec": name, "eq": f"eq-{name}"}[kind]
        if kind == "sec":
            preview = html.escape(notes.targets.sections[name][1])
        else:
            preview = notes.previews.get((kind, name), "")
        return (f'<span class="tip-wrap"><a class="xref" href="{base}#{anchor}" aria-describedby="xref-{n}">{label}</a>'
                f'<span class="tip" role="tooltip" id="xref-{n}"><strong>{label}</strong> {preview}</span></span>')

    def plain(match):
        return notes.label(*notes.xrefs[int(match.group(1))])

    out, raw = [], 0
    for piece in re.split(r"(<[^>]*>)", page):
        if piece.startswith("<"):
            name = re.match(r"<(/?)([a-zA-Z0-9]+)", piece)
            if name and name.group(2).lower() in RAW_TEXT:
                raw = max(0, raw + (-1 if name.group(1) else 1))
            out.append(XREF_TOKEN.sub(plain, piece))
        else:
            out.append(XREF_TOKEN.sub(plain if raw else link, piece))
    page = "".join(out)
    if base:
        page = page.replace('<a class="cite" href="#', f'<a class="cite" href="{base}#')
    return page


def reference_list(references: dict, numbers: dict[str, int], article_parts: list) -> list[dict]:
    """The references in order of first citation (the uncited after, by key), each with its text and a link back
    to every place it is cited, in the article's order (a, b, c ...). article_parts: each section's HTML, or
    (where, HTML) pairs, `where` naming the section for the backlinks' labels."""
    places: dict[str, list[tuple[str, str]]] = {}
    for part in article_parts:
        where, part_html = part if isinstance(part, tuple) else ("", part)
        for key, anchor in re.findall(r'<a class="cite" href="#ref-([^"]+)" id="([^"]+)"', part_html):
            places.setdefault(key, []).append((anchor, where))
    ordered = sorted(references, key=lambda k: (numbers.get(k, len(numbers) + 1), k))
    out = []
    for key in ordered:
        ref = references[key]
        found = places.get(key, [])
        # a link's name begins with the letter it shows ("ab: back to citation 28 of 39, in ..."): what a reader
        # sees is what a voice user says to follow it (WCAG 2.5.3); the lone ↩ of a reference cited once shows no word
        backlinks = [{"anchor": anchor, "label": _letters(i),
                      "title": f"Back to citation {i + 1} of {len(found)}" + (f", in {where}" if where else ""),
                      "name": f"{_letters(i)}: back to citation {i + 1} of {len(found)}" + (f", in {where}" if where else "")}
                     for i, (anchor, where) in enumerate(found)]
        out.append({"key": key, "authors": ref["authors"], "year": ref["year"], "title": ref["title"],
                    "venue": ref.get("venue", ""), "url": ref.get("url", ""), "number": numbers.get(key),
                    "backlinks": backlinks})
    return out


def _letters(i: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(97 + rest) + out
    return out


def plain_inline(fragment: str) -> str:
    """An HTML fragment fit for a preview: previews of other things and links gone (their text stays)."""
    fragment = re.sub(r'<span class="tip" role="tooltip"[^>]*>.*?</span>', "", fragment, flags=re.S)
    fragment = re.sub(r"</?a\b[^>]*>", "", fragment)
    return re.sub(r'</?span\b[^>]*>', "", fragment)


def first_sentence(fragment: str) -> str:
    """The first sentence of an inline HTML fragment (ended by . ! or ? and a space, outside tags and math), with
    any tag left open closed."""
    depth_math, i, stack = 0, 0, []
    while i < len(fragment):
        if fragment[i] == "<":
            end = fragment.find(">", i)
            if end < 0:
                break
            tag = fragment[i + 1:end]
            name = re.match(r"/?([a-zA-Z0-9]+)", tag)
            if name and not tag.endswith("/"):
                if tag.startswith("/"):
                    if stack and stack[-1] == name.group(1):
                        stack.pop()
                    depth_math -= name.group(1) == "math"
                else:
                    stack.append(name.group(1))
                    depth_math += name.group(1) == "math"
            i = end + 1
            continue
        if fragment[i] in ".!?" and not depth_math and (i + 1 == len(fragment) or fragment[i + 1].isspace()):
            return fragment[:i + 1] + "".join(f"</{t}>" for t in reversed(stack))
        i += 1
    return fragment


def parts(sections: list[dict]) -> list[dict]:
    """Consecutive sections with the same part, grouped: [{"title", "slug", "sections"}]; title "" for the
    sections that stand outside any part (the opening, the closing)."""
    grouped: list[dict] = []
    for section in sections:
        if not grouped or grouped[-1]["title"] != section["part"]:
            slug = "part-" + re.sub(r"[^a-z0-9]+", "-", section["part"].lower()).strip("-")
            grouped.append({"title": section["part"], "slug": slug, "sections": []})
        grouped[-1]["sections"].append(section)
    return grouped
