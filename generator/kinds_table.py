"""The tables of figure kinds (with the classes each draws) and their options in docs/content.md, generated from
figures.KINDS (never kept by hand).

`python -m generator kinds` prints them; `--readme` rewrites docs/content.md (DOC) between the markers; a test
checks that the document is current.
"""
from __future__ import annotations

from pathlib import Path

from .figures import KINDS, TYPE_NAMES

START, END = "<!-- kinds:start -->", "<!-- kinds:end -->"
DOC = Path("docs") / "content.md"  # the guide to writing content, relative to the repository's root


def markdown() -> str:
    """A table of the kinds (what each draws, from one run or a sweep, how many classes, its options) and one of
    the options."""
    lines = ["| Kind | Draws | From | Classes | Options |", "|---|---|---|---|---|"]
    for name, kind in KINDS.items():
        options = ", ".join(f"`{option}`" for option in kind.options) or "—"
        classes = f"{kind.classes.text()}: {_cell(kind.classes.why)}" if kind.classes else "—"
        lines.append(f"| `{name}` | {_cell(kind.description)} | {'a sweep' if kind.sweep else 'one run'} | {classes} "
                     f"| {options} |")
    lines += ["", "| Kind | Option | Type | Default | Sets |", "|---|---|---|---|---|"]
    for name, kind in KINDS.items():
        for option_name, option in kind.options.items():
            kind_type = (" \\| ".join(f"`{c}`" for c in option.choices) if option.choices
                         else TYPE_NAMES.get(option.type, option.type.__name__))
            default = option.otherwise if option.default is None else f"`{_text(option.default)}`"
            lines.append(f"| `{name}` | `{option_name}` | {kind_type} | {_cell(default)} | {_cell(option.description)} |")
    return "\n".join(lines) + "\n"


def _text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def with_table(text: str) -> str:
    """The document's text with the generated tables between the markers."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"{DOC} needs one {START} line before one {END} line")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{markdown()}{END}{tail}"


def write_readme(path: Path) -> bool:
    """Rewrite the tables in the document at path (the repository's DOC); True if they changed."""
    text = path.read_text(encoding="utf-8")
    updated = with_table(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text
