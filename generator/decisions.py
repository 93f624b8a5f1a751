"""What each check and pick of the prose decided in one build: a check's verdict and margin, a pick's branch.

The build report publishes them (`sentences`), so two builds, or a build and its replication, can be compared
sentence by sentence (generator/compare.py): a check that fails on other seeds or another processor is a claim
that does not generalise; a pick whose branch changed is a sentence whose wording moved with the networks."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import relative
from .prose import CHECKS, ProseError, evaluate, spans, split_top, verdict


@dataclass(frozen=True)
class Decision:
    file: str
    line: int
    kind: str            # "check" or "pick"
    expression: str      # the check, or the pick's conditions (joined with " | ")
    outcome: str         # a check: "holds" or "fails"; a pick: the branch taken, "1", "2", ... or "otherwise"
    margin: float | None = None   # a check's least margin in spreads (None: nothing with a spread)
    failing: str = ""    # a failed check: its false terms and the values they read

    def key(self) -> tuple:
        return self.file, self.kind, self.expression

    def as_dict(self) -> dict:
        found = asdict(self)
        found["margin"] = None if self.margin is None else (round(self.margin, 3) if abs(self.margin) < 1e9 else
                                                           ("inf" if self.margin > 0 else "-inf"))
        return found


def decide(text: str, scopes: dict, default: str | None, path: Path, first_line: int) -> list[Decision]:
    """Every check and pick of `text` (picks inside a taken branch too), as the build filled them. Spans that
    cannot be evaluated (a claim this build lacks) are left out: the build reports those itself."""
    out = []
    for start, end in spans(text):
        line = first_line + text.count("\n", 0, start)
        try:
            out += _one(text[start + 2:end - 2], scopes, default, path, line)
        except ProseError:
            continue
    return out


def _one(body: str, scopes, default, path, line) -> list[Decision]:
    keyword, _, rest = body.partition(":")
    keyword, where = keyword.strip(), relative(path)
    if keyword in CHECKS:
        found = verdict(rest, scopes, default)
        return [Decision(where, line, "check", found.expression, "holds" if found.holds else "fails", found.margin,
                         found.explain())]
    if keyword != "pick":
        return []
    parts = split_top(rest)
    conditions = [c.strip() for c in parts[0:-1:2]]
    for number, (condition, wording) in enumerate(zip(parts[0:-1:2], parts[1::2]), start=1):
        if evaluate(condition, scopes, default)[0]:
            return [Decision(where, line, "pick", " | ".join(conditions), str(number))] + decide(
                wording, scopes, default, path, line)
    return [Decision(where, line, "pick", " | ".join(conditions), "otherwise")] + decide(
        parts[-1], scopes, default, path, line)


def closest(decisions: list[Decision], count: int = 10) -> list[Decision]:
    """The checks nearest their thresholds, least margin first (checks without a margin left out)."""
    measured = [d for d in decisions if d.kind == "check" and d.margin is not None]
    return sorted(measured, key=lambda d: d.margin)[:count]
