"""Two builds side by side: `python -m generator diff A B` (two sites or two build-report.json files), and the
replication's verdict (generator/replicate.py).

Claims are compared by how far each moved in units of its spread in A (a mean's sd over seeds, a share's
interval half-width); a claim of the drawn network has no spread and is counted as changed or not. Sentences are
compared by what their checks and picks decided (generator/decisions.py): a check that holds in A and fails in B,
and a pick that took another branch."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Move:
    claim: str            # scope.claim
    before: object
    after: object
    spreads: float | None  # |after - before| / spread; None: no spread (the drawn network, a setting)


@dataclass
class Comparison:
    moves: list[Move] = field(default_factory=list)        # every claim whose value differs
    compared: int = 0                                       # claims present in both
    failed: list[dict] = field(default_factory=list)        # checks that fail in B
    newly_failed: list[dict] = field(default_factory=list)  # of those, the ones that held in A
    picks: list[tuple[dict, dict]] = field(default_factory=list)  # (A's, B's) decision of each pick that changed
    only: dict = field(default_factory=dict)                # sentences or claims found in one build only

    def lines(self, top: int = 15) -> list[str]:
        spread = sorted((m for m in self.moves if m.spreads is not None), key=lambda m: -m.spreads)
        out = [f"claims: {self.compared} in both, {len(self.moves)} changed value; of those with a spread, "
               f"{sum(m.spreads > 1 for m in spread)} moved more than one spread, {sum(m.spreads > 2 for m in spread)}"
               f" more than two"]
        out += [f"  {m.spreads:6.2f} spreads  {m.claim}: {_num(m.before)} -> {_num(m.after)}" for m in spread[:top]]
        out.append(f"checks failing in B: {len(self.failed)} ({len(self.newly_failed)} held in A)")
        for d in self.failed:
            out.append(f"  {d['file']}:{d['line']}\n{d['failing']}")
        out.append(f"picks whose wording changed: {len(self.picks)}")
        out += [f"  {a['file']}:{a['line']}  branch {a['outcome']} -> {b['outcome']}  ({_short(a['expression'])})"
                for a, b in self.picks]
        out += [f"only in {side}: {count}" for side, count in self.only.items() if count]
        return out


def load(path: Path) -> dict:
    """A build report, from a site folder or the file itself."""
    path = Path(path)
    path = path / "build-report.json" if path.is_dir() else path
    if not path.exists():
        raise FileNotFoundError(f"{path}: no build report (a site folder or a build-report.json)")
    return json.loads(path.read_text())


def compare(a: dict, b: dict) -> Comparison:
    result = Comparison()
    claims_a, claims_b = _claims(a), _claims(b)
    result.compared = len(claims_a.keys() & claims_b.keys())
    for name in sorted(claims_a.keys() & claims_b.keys()):
        before, after = claims_a[name], claims_b[name]
        if before["value"] != after["value"]:
            result.moves.append(Move(name, before["value"], after["value"], _spreads(before, after["value"])))
    sentences_a = {_key(d): d for d in a.get("sentences", [])}
    sentences_b = {_key(d): d for d in b.get("sentences", [])}
    for key, d in sentences_b.items():
        if d["kind"] == "check" and d["outcome"] == "fails":
            result.failed.append(d)
            if sentences_a.get(key, {}).get("outcome") == "holds":
                result.newly_failed.append(d)
        elif d["kind"] == "pick" and key in sentences_a and sentences_a[key]["outcome"] != d["outcome"]:
            result.picks.append((sentences_a[key], d))
    result.only = {"A": len(sentences_a.keys() - sentences_b.keys()) + len(claims_a.keys() - claims_b.keys()),
                   "B": len(sentences_b.keys() - sentences_a.keys()) + len(claims_b.keys() - claims_a.keys())}
    return result


def _key(d: dict) -> tuple:
    return d["file"], d["kind"], d["expression"]


def _claims(report: dict) -> dict[str, dict]:
    out = {}
    for kind in ("experiments", "figures"):
        for scope, entry in report.get(kind, {}).items():
            out |= {f"{scope}.{claim}": measured for claim, measured in entry.get("claims", {}).items()}
    return out


def _spreads(before: dict, after) -> float | None:
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before["value"], after)):
        return None
    if "sd" in before:
        spread = before["sd"]
    elif before.get("interval"):
        spread = (before["interval"][1] - before["interval"][0]) / 2
    else:
        return None
    return abs(after - before["value"]) / spread if spread > 0 else math.inf


def _num(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."
