"""Sections: markdown files with TOML front matter, figure directives, claim placeholders, citations.

Everything here is checked while gathering, so that every problem is reported with its file and line
before anything is trained or written.
"""
from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import figures
from .errors import BuildError, Problem, relative
from .markup import read_utf8, shown
from .figures import TYPE_NAMES

FENCE = re.compile(r"^```figure[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
CITATION = re.compile(r"\[@([A-Za-z0-9_-]+)\]")
DIRECTIVE_KEYS = {"id", "kind", "experiment", "caption", "alt", "still"}
FIGURE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG = FIGURE_ID  # a section's id on the page and its name in @sec: references
FRONT_MATTER = {"title": "the section's title (text)", "order": "its place in the article (a whole number)",
                "slug": "its id and @sec: name (lowercase letters, digits and dashes)",
                "part": "the heading of the part it belongs to (text)"}
# ids the page's templates give their own elements, and the prefixes of the ids the build generates
RESERVED_IDS = {"content", "references", "references-title", "appendix", "appendix-title", "cite", "cite-title",
                "updates", "updates-title", "reproduce", "reproduce-title", "licence", "licence-title"}
RESERVED_PREFIXES = ("fig-", "eq-", "ref-", "cite-", "fn-", "fnref-", "xref-", "part-")


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
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # directive key -> its line, for errors


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
    """Every content/*.md, ordered by front matter `order`; problems collected, not raised.

    `experiments`: the experiments (id -> config.Experiment) and the sweep stems (-> None) a figure may draw. What a
    figure needs of its experiment (a hidden layer to draw, a layer it has) is checked against their specs."""
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
    slugs: dict[str, Section] = {}
    for section in sorted(sections, key=lambda s: s.path.name):
        if section.slug in slugs:
            first = slugs[section.slug]
            problems.append(Problem(section.path, f"slug '{section.slug}' is also the slug of {relative(first.path)}: "
                                                  "two sections cannot share an id; give one another `slug` in its "
                                                  "front matter", line=_meta_line(section, "slug"), key="slug"))
        slugs.setdefault(section.slug, section)
    ordered = sorted(sections, key=lambda s: (s.order, s.path.name))
    problems += _parts(ordered)
    problems += _requirements(sections, _specs(folder, experiments))
    return ordered, problems


def _parts(ordered: list[Section]) -> list[Problem]:
    """A part's sections follow one another (the page heads them once, with one id), and two parts' headings give
    two ids (render.parts: part-<heading's letters and digits>)."""
    problems, seen, slugs = [], {}, {}
    previous = None
    for section in ordered:
        if section.part and section.part != previous:
            slug = "part-" + re.sub(r"[^a-z0-9]+", "-", section.part.lower()).strip("-")
            if section.part in seen:
                problems.append(Problem(section.path, f"part '{section.part}' resumes after other sections (its last "
                                                      f"was {relative(seen[section.part].path)}): a part's sections "
                                                      "come one after another, by `order`",
                                        line=_meta_line(section, "part"), key="part"))
            elif slug in slugs:
                problems.append(Problem(section.path, f"part '{section.part}' gives the same id as part "
                                                      f"'{slugs[slug]}' ({slug}): word the headings apart",
                                        line=_meta_line(section, "part"), key="part"))
            slugs.setdefault(slug, section.part)
        if section.part:
            seen[section.part] = section
        previous = section.part
    return problems


def _meta_line(section: Section, key: str) -> int:
    """The line of `key = ...` in a section's front matter (else 1, the front matter's first line)."""
    try:
        lines = read_utf8(section.path).split("\n")
    except (OSError, BuildError):
        return 1
    for number, raw in enumerate(lines[:section.body_line], start=1):
        if raw.split("=", 1)[0].strip() == key and "=" in raw:
            return number
    return 1


def _specs(folder: Path, experiments) -> dict:
    """Experiment name -> config.Experiment, for the figures' requirements (none when only names were given)."""
    if isinstance(experiments, dict):
        return {name: e for name, e in experiments.items() if hasattr(e, "spec")}
    return {}


def _requirements(sections: list[Section], specs: dict) -> list[Problem]:
    """Each figure's needs of its experiment (figures.requirements), from the experiment files' specs, before
    anything trains: a layer out of range, a hidden representation of a network without a hidden layer."""
    problems = []
    for section in sections:
        for fig in section.figures:
            if fig.experiment in specs:
                drawn = [specs[fig.experiment].spec]
            else:  # a sweep's stem: every variant
                drawn = [e.spec for e in specs.values() if getattr(e, "group", "") == fig.experiment]
            if not drawn or figures.KINDS[fig.kind].sweep != (fig.experiment not in specs):
                continue  # an unknown experiment, or a kind drawn from the wrong scope: reported elsewhere
            known = {name: e.spec for name, e in specs.items()}
            for key, message in figures.requirements(fig.kind, fig.options, drawn, known):
                what = f"experiment '{fig.experiment}':" if key == "experiment" else f"option '{key}'"
                problems.append(Problem(fig.path, f"figure '{fig.id}' ({fig.kind}): {what} {message}",
                                        line=fig.lines.get(key, fig.lines.get("experiment", fig.line)), key=key))
    return problems


def load_section(path, experiments, kinds, references, problems) -> Section | None:
    try:
        text = read_utf8(path)
    except BuildError as err:
        problems.extend(err.problems)
        return None
    read = _front_matter(path, text, problems)
    if read is None:
        return None
    meta, start, closing = read
    title, order, slug = _front_matter_values(path, meta, text[:start + closing.start()].split("\n"), problems)
    body_from = min(start + closing.end() + 1, len(text))  # after the closing +++ line
    body_start = text.count("\n", 0, body_from) + 1
    body = text[body_from:]
    section = Section(path, title, order, slug, body, body_start,
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


def _front_matter(path: Path, text: str, problems: list[Problem]) -> tuple[dict, int, re.Match] | None:
    """A section file's front matter read as TOML: (its table, where its text starts, the closing +++ line's match
    in the text after that); None, with the problem, when it is missing, unclosed or not TOML."""
    if not re.match(r"\+\+\+[ \t]*\n", text):
        problems.append(Problem(path, "missing front matter: start the file with +++, TOML, +++", line=1))
        return None
    start = text.index("\n") + 1
    closing = re.search(r"^\+\+\+[ \t]*$", text[start:], re.M)
    if closing is None:
        problems.append(Problem(path, "front matter is not closed with +++", line=1))
        return None
    end = start + closing.start() - 1  # the newline before the closing +++
    try:
        meta = tomllib.loads(text[start:end + 1])
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        problems.append(Problem(path, f"front matter is not valid TOML: {err}",
                                line=int(found.group(1)) + 1 if found else 1))
        return None
    return meta, start, closing


def _front_matter_values(path: Path, meta: dict, head: list[str], problems: list[Problem]) -> tuple[str, int, str]:
    """The section's title, order and slug from its front matter (`head`: the file's lines up to it), each wrong
    value or unknown key a problem at its line; stand-ins for wrong ones, so the body is still read."""
    before = len(problems)

    def meta_line(key: str) -> int:
        return next((n for n, raw in enumerate(head, start=1) if raw.split("=", 1)[0].strip() == key and "=" in raw), 1)

    title, order = meta.get("title"), meta.get("order")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(path, f"front matter needs 'title' (str): {FRONT_MATTER['title']}, got "
                                      f"{shown(title)}", line=meta_line("title"), key="title"))
    if not isinstance(order, int) or isinstance(order, bool):
        problems.append(Problem(path, f"front matter needs 'order' (int): {FRONT_MATTER['order']}, got "
                                      f"{shown(order)}", line=meta_line("order"), key="order"))
    if not isinstance(meta.get("part", ""), str):
        problems.append(Problem(path, "front matter 'part' must be a string (the part's heading), got "
                                      f"{shown(meta['part'])}", line=meta_line("part"), key="part"))
    slug = meta.get("slug", re.sub(r"^\d+-", "", path.stem))
    if not isinstance(slug, str) or not SLUG.match(slug):
        said = "front matter 'slug'" if "slug" in meta else f"the slug read from the file name, {slug!r},"
        problems.append(Problem(path, f"{said} must be lowercase letters, digits and dashes (the section's id and "
                                      f"@sec: name), got {shown(slug)}", line=meta_line("slug"), key="slug"))
    elif slug in RESERVED_IDS or slug.startswith(RESERVED_PREFIXES):
        problems.append(Problem(path, f"slug '{slug}' is taken by the page itself (its ids: "
                                      f"{', '.join(sorted(RESERVED_IDS))}, and those starting "
                                      f"{', '.join(RESERVED_PREFIXES)}): choose another `slug`", line=meta_line("slug"),
                                key="slug"))
    for key in sorted(set(meta) - set(FRONT_MATTER)):
        close = difflib.get_close_matches(key, FRONT_MATTER, 2)
        problems.append(Problem(path, f"unknown front matter key '{key}'" + (f"; did you mean {', '.join(close)}?"
                                                                              if close else "")
                                + f"; known: {', '.join(FRONT_MATTER)}", line=meta_line(key), key=key))
    if len(problems) > before:  # reported; the section is still read, with stand-ins, for the problems in its body
        title = title if isinstance(title, str) else ""
        order = order if isinstance(order, int) and not isinstance(order, bool) else 0
        slug = slug if isinstance(slug, str) and SLUG.match(slug) else re.sub(r"[^a-z0-9]+", "-", path.stem.lower())
    return title, order, slug


def parse_directive(block, path, first_line, experiments, kinds, problems) -> Directive | None:
    read = _directive_fields(block, path, first_line, problems)
    if read is None:
        return None
    fields, lines = read
    ok = True
    kind = kinds.get(fields["kind"])
    if kind is None:
        problems.append(Problem(path, f"unknown figure kind '{fields['kind']}'; known: {', '.join(sorted(kinds))}",
                                line=lines["kind"], key="kind"))
        return None
    if fields["experiment"] not in experiments:
        problems.append(Problem(path, f"unknown experiment '{fields['experiment']}'; known: "
                                      f"{', '.join(sorted(experiments)) or '(none)'}", line=lines["experiment"], key="experiment"))
        ok = False
    if not FIGURE_ID.match(fields["id"]) or len(fields["id"]) > 100:
        problems.append(Problem(path, f"figure id '{fields['id'][:100]}' must be lowercase letters, digits and dashes "
                                      "(at most 100)",
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
    if ok:
        for key, message in figures.option_problems(fields["kind"], options):
            problems.append(Problem(path, f"figure '{fields['id']}' ({fields['kind']}): option '{key}' {message}",
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
                     still=None if still == "last" else int(still), lines=lines)


def _directive_fields(block: str, path: Path, first_line: int, problems: list[Problem]) -> tuple[dict, dict] | None:
    """A figure block's `key: value` lines as (key -> value, key -> its line); None, with the problems, when a line
    is not `key: value` or a needed key is missing."""
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
    return (fields, lines) if ok else None


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
    wrong = figures.out_of_range(option, value)
    if wrong:
        raise ValueError(f"{wrong} ({option.description}), got {text!r}")
    return value
