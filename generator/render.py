"""Markdown + Jinja2 -> HTML. Math becomes MathML at build time; claims fill placeholders; citations number."""
from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2
import markdown
from latex2mathml.converter import convert as latex_to_mathml

from .content import CITATION, Section, figure_token
from .claims_table import MARKER
from .errors import Problem
from .prose import fill

MATH = re.compile(r"(?<!\\)\$\$(.+?)\$\$|(?<!\\)\$(?!\s)([^$\n]+?)(?<!\s)\$", re.S)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                              autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def math(text: str, path: Path, first_line: int, problems: list[Problem]) -> tuple[str, dict[str, str]]:
    """Swap $...$ and $$...$$ for tokens (so markdown leaves them alone); return the MathML for each."""
    found = {}

    def swap(match):
        display = match.group(1) is not None
        latex = match.group(1) if display else match.group(2)
        token = f"MATHTOKEN{len(found)}END"
        try:
            found[token] = latex_to_mathml(latex.strip(), display="block" if display else "inline")
        except Exception as err:  # latex2mathml raises several kinds; all mean bad LaTeX
            line = first_line + text.count("\n", 0, match.start())
            problems.append(Problem(path, f"cannot render math {match.group(0)!r}: {err}", line=line))
            found[token] = html.escape(match.group(0))
        return f"\n\n{token}\n\n" if display else token
    return MATH.sub(swap, text).replace("\\$", "$"), found


def citations(text: str, numbers: dict[str, int]) -> str:
    """[@key] -> a numbered link to the reference list; numbers assigned by first appearance."""
    def link(match):
        key = match.group(1)
        numbers.setdefault(key, len(numbers) + 1)
        return f'<a class="cite" href="#ref-{key}">[{numbers[key]}]</a>'
    return CITATION.sub(link, text)


def section_html(section: Section, scopes: dict, figures_html: dict[str, str], numbers: dict[str, int],
                 problems: list[Problem], failed_checks: list[Problem] | None = None, claims_table: str = "") -> str:
    text = fill(section.body.replace(MARKER, claims_table), scopes, None, section.path, section.body_line, problems, failed_checks)
    text, formulas = math(text, section.path, section.body_line, problems)
    text = citations(text, numbers)
    # a section inside a part has an <h3> title, so its ### subsections become <h4>
    converter = markdown.Markdown(extensions=["footnotes", "tables", "attr_list", "smarty", "toc"],
                                  extension_configs={"footnotes": {"UNIQUE_IDS": True},
                                                     "toc": {"baselevel": 2 if section.part else 1}})
    out = converter.convert(text)
    # a table wider than a phone scrolls inside a region the keyboard can reach, instead of the page scrolling
    out = out.replace("<table>", '<div class="table-wrap" tabindex="0" role="region" aria-label="Table">\n<table>')
    out = out.replace("</table>", "</table>\n</div>")
    for token, mathml in formulas.items():
        out = out.replace(f"<p>{token}</p>", f'<div class="math-display">{mathml}</div>').replace(token, mathml)
    for fig in section.figures:
        out = out.replace(f"<p>{figure_token(fig.id)}</p>", figures_html[fig.id])
    return out


def caption_html(text: str, scopes: dict, default: str, path: Path, line: int, numbers: dict[str, int],
                 problems: list[Problem], failed_checks: list[Problem] | None = None) -> str:
    """A one-line caption: placeholders, checks and picks, inline math, citations and inline markdown."""
    text = fill(text, scopes, default, path, line, problems, failed_checks)
    text, formulas = math(text, path, line, problems)
    text = html.escape(text, quote=False)  # a caption is inline markdown, never raw HTML
    out = markdown.markdown(citations(text, numbers), extensions=["smarty"])
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
