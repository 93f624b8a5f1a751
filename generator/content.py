"""Sections: markdown files with TOML front matter, figure directives, claim placeholders, citations.

Everything here is checked while gathering, so that every problem is reported with its file and line
before anything is trained or written.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError, Problem
from .figures import TYPE_NAMES

FENCE = re.compile(r"^```figure[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
CITATION = re.compile(r"\[@([A-Za-z0-9_-]+)\]")
DIRECTIVE_KEYS = {"id", "kind", "experiment", "caption", "alt", "still"}
FIGURE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Directive:
    id: str
    kind: str
    experiment: str
    caption: str
    alt: str
    options: dict
    path: Path
    line: int
    still: int | None = None  # the frame a moving figure's stills show (print, noscript, og:image); None: the last


@dataclass
class Section:
    path: Path
    title: str
    order: int
    slug: str
    body: str                     # markdown; each figure block replaced by its token
    body_line: int                # line of the body's first line in the file
    figures: list[Directive] = field(default_factory=list)
    part: str = ""                # consecutive sections with the same `part` are grouped under its heading


def figure_token(figure_id: str) -> str:
    return f"FIGURETOKEN{figure_id.replace('-', 'X')}END"


def load_sections(folder: Path, experiments: dict, kinds: dict, references: dict) -> tuple[list[Section], list[Problem]]:
    """Every content/*.md, ordered by front matter `order`; problems collected, not raised."""
    problems: list[Problem] = []
    sections = []
    for path in sorted(folder.glob("*.md")):
        section = load_section(path, experiments, kinds, references, problems)
        if section:
            sections.append(section)
    seen: dict[str, Directive] = {}
    for section in sections:
        for fig in section.figures:
            if fig.id in seen:
                first = seen[fig.id]
                problems.append(Problem(fig.path, f"figure id '{fig.id}' is used twice (first at {first.path}:{first.line})",
                                        line=fig.line))
            seen[fig.id] = fig
    return sorted(sections, key=lambda s: (s.order, s.path.name)), problems


def load_section(path, experiments, kinds, references, problems) -> Section | None:
    try:
        text = read_utf8(path)
    except BuildError as err:
        problems.extend(err.problems)
        return None
    if not text.startswith("+++\n"):
        problems.append(Problem(path, "missing front matter: start the file with +++, TOML, +++", line=1))
        return None
    end = text.find("\n+++", 4)
    if end < 0:
        problems.append(Problem(path, "front matter is not closed with +++", line=1))
        return None
    try:
        meta = tomllib.loads(text[4:end])
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        problems.append(Problem(path, f"front matter is not valid TOML: {err}",
                                line=int(found.group(1)) + 1 if found else 1))
        return None
    for key, kind in (("title", str), ("order", int)):
        if not isinstance(meta.get(key), kind):
            problems.append(Problem(path, f"front matter needs '{key}' ({kind.__name__})", line=1, key=key))
    if not isinstance(meta.get("part", ""), str):
        problems.append(Problem(path, "front matter 'part' must be a string (the part's heading)", line=1, key="part"))
    unknown = set(meta) - {"title", "order", "slug", "part"}
    if unknown:
        problems.append(Problem(path, f"unknown front matter keys: {', '.join(sorted(unknown))}", line=1))
    body_start = text.count("\n", 0, end + 4) + 2
    body = text[end + 5:]
    section = Section(path, meta.get("title", ""), meta.get("order", 0),
                      meta.get("slug", re.sub(r"^\d+-", "", path.stem)), body, body_start,
                      part=meta.get("part", "") if isinstance(meta.get("part", ""), str) else "")

    def line_of(offset: int) -> int:
        return body_start + body.count("\n", 0, offset)

    for match in CITATION.finditer(body):
        if match.group(1) not in references:
            problems.append(Problem(path, f"unknown reference [@{match.group(1)}]; known: {', '.join(sorted(references))}",
                                    line=line_of(match.start())))

    def replace(match):
        fig = parse_directive(match.group(1), path, line_of(match.start()) + 1, experiments, kinds, problems)
        if fig:
            section.figures.append(fig)
            # the token on its own paragraph, and as many lines as the block had, so later lines keep their numbers
            return "\n" + figure_token(fig.id) + "\n" * max(1, match.group(0).count("\n") - 1)
        return ""

    section.body = FENCE.sub(replace, body)
    for match in re.finditer(r"^```figure", section.body, re.M):
        problems.append(Problem(path, "figure block is not closed with ```", line=line_of(match.start())))
    return section


def parse_directive(block, path, first_line, experiments, kinds, problems) -> Directive | None:
    fields, lines = {}, {}
    ok = True
    for offset, raw in enumerate(block.splitlines()):
        line = first_line + offset
        if not raw.strip():
            continue
        key, sep, value = raw.partition(":")
        key = key.strip()
        if not sep or not key or " " in key:
            problems.append(Problem(path, f"figure directive lines are 'key: value', got {raw.strip()!r}", line=line))
            ok = False
            continue
        fields[key], lines[key] = value.strip(), line
    for needed in ("id", "kind", "experiment", "caption"):
        if needed not in fields:
            problems.append(Problem(path, f"figure directive needs '{needed}:'", line=first_line - 1, key=needed))
            ok = False
    if not ok:
        return None
    kind = kinds.get(fields["kind"])
    if kind is None:
        problems.append(Problem(path, f"unknown figure kind '{fields['kind']}'; known: {', '.join(sorted(kinds))}",
                                line=lines["kind"], key="kind"))
        return None
    if fields["experiment"] not in experiments:
        problems.append(Problem(path, f"unknown experiment '{fields['experiment']}'; known: "
                                      f"{', '.join(sorted(experiments)) or '(none)'}", line=lines["experiment"], key="experiment"))
        ok = False
    if not FIGURE_ID.match(fields["id"]):
        problems.append(Problem(path, f"figure id '{fields['id']}' must be lowercase letters, digits and dashes",
                                line=lines["id"], key="id"))
        ok = False
    options = {}
    for key, value in fields.items():
        if key in DIRECTIVE_KEYS:
            continue
        if key not in kind.options:
            known = ", ".join(sorted(DIRECTIVE_KEYS | set(kind.options)))
            problems.append(Problem(path, f"figure kind '{fields['kind']}' has no key '{key}' (figure '{fields['id']}'); "
                                          f"known: {known}", line=lines[key], key=key))
            ok = False
            continue
        try:
            options[key] = option_value(kind.options[key], value)
        except ValueError as err:
            problems.append(Problem(path, f"figure '{fields['id']}' ({fields['kind']}): option '{key}' {err}",
                                    line=lines[key], key=key))
            ok = False
    still = fields.get("still", "last").strip()
    if still != "last" and not (still.isdigit() and str(int(still)) == still):
        problems.append(Problem(path, f"figure '{fields['id']}': 'still' is the frame its stills show: a frame "
                                      f"number from 0, or 'last' (the default); got '{still}'", line=lines["still"],
                                key="still"))
        ok = False
    if not ok:
        return None
    return Directive(fields["id"], fields["kind"], fields["experiment"], fields["caption"],
                     fields.get("alt", ""), options, path, first_line - 1,
                     still=None if still == "last" else int(still))


def option_value(option, text: str):
    """A figure option's directive text as its declared type (figures.Option); a ValueError says what the
    option expects, with its description."""
    expected = (f"one of {', '.join(option.choices)}" if option.choices
                else TYPE_NAMES.get(option.type, getattr(option.type, "__name__", "a valid value")))
    try:
        value = option.type(text)
    except ValueError:
        value = None
    if value is None or (option.choices and value not in option.choices) or (
            isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"expects {expected} ({option.description}), got {text!r}")
    return value


def read_utf8(path: Path) -> str:
    """A content file's text; bytes that are not UTF-8 are a content error naming the file and line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise BuildError([Problem(path, f"not UTF-8 text: byte {data[err.start]:#04x} at position {err.start}; "
                                        "save the file as UTF-8", line=line)]) from None
