"""Build errors that name the file and the line or key, collected before they are reported."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Problem:
    path: Path
    message: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = relative(self.path)
        if self.line:
            where += f":{self.line}"
        if self.key:
            where += f" [{self.key}]"
        return f"{where}: {self.message}"


ROOT = Path(__file__).resolve().parent.parent


def relative(path) -> str:
    """A path as the project names it (content/10-packing.md), never the builder's folders; outside the
    project, as given."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except (ValueError, OSError):
        return str(path)


class BuildError(Exception):
    """One or more problems in the content; the message lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class TrainingError(Exception):
    """Training went wrong (e.g. NaN loss); the message names the experiment."""


def key_line(text: str, dotted_key: str) -> int | None:
    """The line of `key = ...` inside its `[section]` of a TOML text, for error messages."""
    *sections, key = dotted_key.split(".")
    want = ".".join(sections)
    current = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line.strip("[]").strip()
        elif current == want and line.split("=", 1)[0].strip() == key and "=" in line:
            return number
    return None
