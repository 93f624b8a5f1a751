"""Markdown + Jinja2 -> HTML: a section's or a caption's text rendered, and the Jinja environment the pages use.

A text goes through its stages in order: claims fill placeholders (prose.fill); formulas become tokens and then
MathML at build time (math_tokens); citations, live spans and cross-references go through the article's apparatus
(apparatus.Notes); markdown converts what is left, and raw HTML in prose is printed as text.
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

from .apparatus import Notes, citations, cross_references, live_spans, sidenotes
from .content import Section, figure_token
from .markup import NoRawHTML, markup_problems
from .claims_table import MARKER
from .math_tokens import math, put_math
from .errors import Problem
from .pages import slim
from .prose import Passage, fill

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


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


@dataclass(frozen=True)
class Inserts:
    """What a section's body holds that the build makes elsewhere: each figure's block by id (in place of its
    token), and the claims table's markdown (in place of {{claims-table}})."""
    figures: dict[str, str] = field(default_factory=dict)
    claims_table: str = ""


def section_html(section: Section, scopes: dict, notes: Notes, problems: list[Problem],
                 failed_checks: list[Problem] | None = None, inserts: Inserts | None = None) -> str:
    """A section's body as HTML: placeholders, checks and picks, math, citations, live spans, cross-references
    (into `notes`, shared by the article's sections in order), markdown with side notes, the build's inserts."""
    inserts = inserts or Inserts()
    text = fill(Passage(section.body.replace(MARKER, inserts.claims_table), section.path, section.body_line), scopes,
                problems, failed_checks)
    text, formulas = math(text, section.path, section.body_line, problems, notes)
    text = citations(live_spans(text, notes), notes)
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
    out = put_math(out, formulas)
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


def caption_html(caption: Passage, scopes: dict, notes: Notes, problems: list[Problem],
                 failed_checks: list[Problem] | None = None) -> str:
    """A one-line caption: placeholders, checks and picks, inline math, citations, cross-references (into
    `notes`) and inline markdown."""
    path, line = caption.path, caption.line
    text = fill(caption, scopes, problems, failed_checks)
    text, formulas = math(text, path, line, problems, notes)
    text = html.escape(text, quote=False)  # a caption is inline markdown, never raw HTML
    text = cross_references(citations(live_spans(text, notes), notes), notes, path, line, problems)
    made = markdown.markdown(text, extensions=[NoRawHTML(), "smarty"])
    problems += markup_problems(text, path, line, html_text=made, source="")
    out = notes.unstash(made)
    out = re.sub(r"^<p>(.*)</p>$", r"\1", out, flags=re.S)
    for token, mathml in formulas.items():
        out = out.replace(token, mathml)
    return out


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
