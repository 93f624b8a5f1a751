"""The article's scholarly apparatus, kept in one Notes as the sections render in order.

A citation [@key] is a numbered link to its reference with a preview of it, and each reference lists links back
to every place it is cited (reference_list); a footnote [^n] becomes a side note (in the margin on wide screens, a
preview elsewhere); @fig:, @sec: and @eq: (generator/xref.py) become "Figure N", "Section N", "Equation N" links
with a preview, resolved once the page is whole (finish); [words]{.live} shows only where scripts run.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import xref
from .content import CITATION
from .errors import Problem
from .markup import LIVE, without_live
from .sentences import first_sentence, plain_inline

STASH = re.compile(r"APPSTASH(\d+)END")
XREF_TOKEN = re.compile(r"XREFTOKEN(\d+)END")
FOOTNOTES = re.compile(r'<div class="footnote">\s*<hr\s*/?>\s*<ol>(.*?)</ol>\s*</div>', re.S)
FOOTNOTE_ITEM = re.compile(r'<li id="fn:([^"]+)">(.*?)</li>', re.S)
FOOTNOTE_REF = re.compile(r'<sup id="fnref\d*:([^"]+)"><a class="footnote-ref" href="#fn:[^"]+">\d+</a></sup>')
BACKREF = re.compile(r'(?:&#160;)?<a class="footnote-backref"[^>]*>.*?</a>', re.S)
RAW_TEXT = {"code", "pre", "title", "script", "style", "textarea"}


@dataclass
class Notes:
    """The apparatus so far: the references (for previews) and cross-reference targets it was made with; each
    cited key's number (by first appearance); how often each key is cited so far (each citation gets its own id,
    for the reference list's backlinks); footnote numbers across the article; cross-reference previews and the
    references met (a token's number indexes xrefs); fragments kept from markdown (keep)."""
    references: dict = field(default_factory=dict)
    targets: xref.Targets = field(default_factory=xref.Targets)
    numbers: dict[str, int] = field(default_factory=dict)
    cited: dict[str, int] = field(default_factory=dict)
    footnotes: int = 0
    previews: dict[tuple[str, str], str] = field(default_factory=dict)
    xrefs: list[tuple[str, str]] = field(default_factory=list)
    stash: list[str] = field(default_factory=list)

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


def reference_text(ref: dict) -> str:
    """One reference as inline HTML, without links: authors (year). Title. Venue."""
    venue = f" {html.escape(str(ref['venue']))}." if ref.get("venue") else ""
    return (f"{html.escape(str(ref['authors']))} ({html.escape(str(ref['year']))}). "
            f"<cite>{html.escape(str(ref['title']))}</cite>.{venue}")


def citations(text: str, notes: Notes) -> str:
    """[@key] -> a numbered link to the reference list with a preview of the reference; numbers assigned by first
    appearance (notes.numbers). Each citation has its own id (cite-key-n), which the reference list links back to."""
    numbers = notes.numbers

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
    """The references in order of first citation (`numbers`: a Notes' numbers; the uncited after, by key), each
    with its text and a link back to every place it is cited, in the article's order (a, b, c ...).
    article_parts: each section's HTML, or (where, HTML) pairs, `where` naming the section for the backlinks'
    labels."""
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
