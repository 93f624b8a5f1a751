"""Numbered cross-references and footnotes, checked while gathering.

- ``@fig:<id>`` is "Figure N", N the figure's place in the article; ``@sec:<slug>`` is "Section N", the section's
  number in the contents; ``@eq:<label>`` is "Equation N", N counting labelled equations in article order.
- A display equation takes a label right after its closing ``$$``, on the same line: ``$$ ... $$ {#eq:path}``.
  Only labelled equations are numbered; the number is printed at the right of the equation.
- A footnote is markdown's ``[^label]`` with its ``[^label]: text`` in the same section.

An unknown target, a label used twice, a footnote without its text (or a text nobody refers to), a formula that
cannot be rendered, and markdown that would put a script on the page (a javascript: link, an event attribute) are
problems at their file and line, before anything trains.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .markup import live_problems, markup_problems
from .mathml import MATH, math_error
from .errors import Problem

NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# a reference: not inside a word, an e-mail address or a path
XREF = re.compile(rf"(?<![\w@/.:-])@(fig|sec|eq):({NAME})")
# anything that looks like a reference but is not one (an unknown kind, a bad name), to report it
XREF_LIKE = re.compile(r"(?<![\w@/.:-])@([a-z]+):(\S*)")
EQ_LABEL = re.compile(r"\$\$[ \t]*\{#eq:([^}\n]*)\}")
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FOOTNOTE_DEF = re.compile(r"^[ ]{0,3}\[\^([^\]\s]+)\]:", re.M)
KINDS = {"fig": "Figure", "sec": "Section", "eq": "Equation"}


@dataclass
class Targets:
    """What a reference can name, each with its number: figures by id, sections by slug, equations by label."""
    figures: dict[str, int] = field(default_factory=dict)
    sections: dict[str, tuple[int, str]] = field(default_factory=dict)    # slug -> (number, title)
    equations: dict[str, int] = field(default_factory=dict)

    def number(self, kind: str, name: str) -> int | None:
        found = {"fig": self.figures, "sec": self.sections, "eq": self.equations}[kind].get(name)
        return found[0] if isinstance(found, tuple) else found

    def names(self, kind: str) -> list[str]:
        return sorted({"fig": self.figures, "sec": self.sections, "eq": self.equations}[kind])


def targets(sections) -> Targets:
    """Numbers as the article prints them: figures and sections in article order, labelled equations likewise."""
    found = Targets()
    for number, section in enumerate(sections, start=1):
        found.sections[section.slug] = (number, section.title)
        for fig in section.figures:
            found.figures[fig.id] = len(found.figures) + 1
        for match in EQ_LABEL.finditer(section.body):
            if re.fullmatch(NAME, match.group(1)):
                found.equations.setdefault(match.group(1), len(found.equations) + 1)
    return found


def check(sections) -> list[Problem]:
    """Every reference names a known figure, section or labelled equation; labels are well formed and used once;
    footnotes have their text. Problems name the file and line."""
    problems: list[Problem] = []
    known = targets(sections)
    labels: dict[str, tuple[Path, int]] = {}
    for section in sections:
        body = section.body

        def line_of(offset: int) -> int:
            return section.body_line + body.count("\n", 0, offset)

        for match in EQ_LABEL.finditer(body):
            label, line = match.group(1), line_of(match.start())
            if not re.fullmatch(NAME, label):
                problems.append(Problem(section.path, f"equation label '{{#eq:{label}}}' must be lowercase letters, "
                                                      "digits and dashes", line=line))
            elif label in labels:
                first = labels[label]
                problems.append(Problem(section.path, f"equation label 'eq:{label}' is used twice (first at "
                                                      f"{first[0]}:{first[1]})", line=line))
            else:
                labels[label] = (section.path, line)
        problems += _references(body, known, section.path, line_of)
        problems += _footnotes(body, section.path, line_of)
        problems += _math(body, section.path, line_of)
        problems += markup_problems(body, section.path, section.body_line)
        problems += live_problems(body, section.path, line_of)
        for fig in section.figures:
            line = _caption_line(fig)
            problems += _references(fig.caption, known, fig.path, lambda offset, line=line: line)
            problems += _math(fig.caption, fig.path, lambda offset, line=line: line)
            problems += markup_problems(fig.caption, fig.path, line, inline=True, source="")
            problems += live_problems(fig.caption, fig.path, lambda offset, line=line: line)
            if XREF_LIKE.search(fig.alt):
                problems.append(Problem(fig.path, f"figure '{fig.id}': alt text is read on its own, without links; "
                                                  "name the figure or section in words", line=fig.line, key="alt"))
    return problems


def _references(text: str, known: Targets, path: Path, line_of) -> list[Problem]:
    problems = []
    for match in XREF_LIKE.finditer(text):
        kind, name = match.group(1), match.group(2)
        proper = XREF.match(text, match.start())
        if kind not in KINDS:
            continue  # not ours: an @handle or the like
        if not proper:
            problems.append(Problem(path, f"cross-reference '@{kind}:{name}' is not well formed: write @{kind}: and a "
                                          "name of lowercase letters, digits and dashes", line=line_of(match.start())))
            continue
        name = proper.group(2)
        if known.number(kind, name) is None:
            names = known.names(kind)
            close = difflib.get_close_matches(name, names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(names) or '(none)'}"
            what = {"fig": "figure", "sec": "section", "eq": "labelled equation"}[kind]
            problems.append(Problem(path, f"unknown {what} in cross-reference '@{kind}:{name}'{hint}",
                                    line=line_of(match.start())))
    return problems


def _math(text: str, path: Path, line_of) -> list[Problem]:
    """Every formula can be rendered (mathml.math_error says why not); one holding a placeholder is read once filled."""
    problems = []
    for match in MATH.finditer(text):
        latex = match.group(1) if match.group(1) is not None else match.group(3)
        if "{{" in latex:
            continue
        reason = math_error(latex)
        if reason:
            problems.append(Problem(path, f"cannot render math {match.group(0)!r}: {reason}",
                                    line=line_of(match.start())))
    return problems


def _footnotes(body: str, path: Path, line_of) -> list[Problem]:
    problems = []
    defined = {m.group(1): m.start() for m in FOOTNOTE_DEF.finditer(body)}
    used = set()
    for match in FOOTNOTE_REF.finditer(body):
        used.add(match.group(1))
        if match.group(1) not in defined:
            problems.append(Problem(path, f"footnote [^{match.group(1)}] has no text: add a line "
                                          f"'[^{match.group(1)}]: ...' to this section", line=line_of(match.start())))
    for label, offset in defined.items():
        if label not in used:
            problems.append(Problem(path, f"footnote text [^{label}] is never referred to", line=line_of(offset)))
    return problems


def _caption_line(fig) -> int:
    """The line of the figure's `caption:` (the directive keeps only its first line)."""
    try:
        lines = fig.path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return fig.line
    for number in range(fig.line, min(len(lines), fig.line + 40) + 1):
        if lines[number - 1].lstrip().startswith("caption:"):
            return number
    return fig.line
