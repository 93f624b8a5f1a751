"""A check's verdict and its margin: how far each comparison it makes stands from its threshold, in units of the
spread of the claims it reads.

A check guards a sentence about what a kind of network does, so it reads claims over every seed (prose.lint
refuses one that reads the drawn network alone) and holds only with room to spare: each comparison must clear
its threshold by at least MARGIN spreads. The spread of a claim over seeds is its standard deviation over the
seeds (for the claim, its `_min` and its `_max`), or for a share the half-width of its 95% interval (for the
share, `_lo` and `_hi`; times n for `_count`). A comparison of several such claims takes the root of the sum of
their squares. A comparison that reads no claim with a spread (a setting, a count of frames) has no margin; one
whose claims did not vary at all (every seed alike) has an infinite margin.

A false check is reported term by term: only the comparisons that fail, each value it read once."""
from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass

MARGIN = 0.5  # spreads by which every comparison of a check must clear its threshold
COMPANION_SPREAD = ("_min", "_max", "_lo", "_hi", "_count")
COMPARE_HOLDS = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}


@dataclass(frozen=True)
class Read:
    """One claim a check read: as written, its value and spread (None: exact, or measured on one seed)."""
    text: str
    value: object
    spread: float | None
    n: int | None

    def __str__(self) -> str:
        if self.spread is None or not isinstance(self.value, (int, float)):
            return f"{self.text} = {_num(self.value)}"
        return f"{self.text} = {_num(self.value)} (spread {_num(self.spread)}, {self.n} seeds)"


@dataclass(frozen=True)
class Term:
    """One comparison of a check's top-level `and`: as written, whether it holds, and its margin in spreads."""
    text: str
    holds: bool
    margin: float | None
    reads: tuple[Read, ...]

    @property
    def clears(self) -> bool:
        return self.holds and (self.margin is None or self.margin >= MARGIN)


@dataclass(frozen=True)
class Verdict:
    expression: str
    terms: tuple[Term, ...]

    @property
    def holds(self) -> bool:
        return all(t.clears for t in self.terms)

    @property
    def margin(self) -> float | None:
        margins = [t.margin for t in self.terms if t.margin is not None]
        return min(margins) if margins else None

    def failing(self) -> list[Term]:
        return [t for t in self.terms if not t.clears]

    def explain(self) -> str:
        """The failing comparisons, one a line, each value read once."""
        lines, seen = [], set()
        for term in self.failing():
            why = "is false" if not term.holds else f"holds by only {term.margin:.2f} spreads (needs {MARGIN})"
            reads = [str(r) for r in term.reads if r.text not in seen]
            seen |= {r.text for r in term.reads}
            lines.append(f"  {term.text}  {why}" + (f": {'; '.join(reads)}" if reads else ""))
        return "\n".join(lines)


def spread_of(claims: dict, name: str) -> tuple[float | None, int | None]:
    """(spread, seeds) of a claim read by name, from its companions in the same scope; (None, None) for a claim
    measured once (the drawn network's) or a setting."""
    for suffix in ("",) + COMPANION_SPREAD:
        base = name[:-len(suffix)] if suffix and name.endswith(suffix) else (name if not suffix else None)
        if base is None or not isinstance(claims.get(f"{base}_n"), int) or claims[f"{base}_n"] < 2:
            continue
        n = claims[f"{base}_n"]
        if f"{base}_sd" in claims and suffix in ("", "_min", "_max"):
            return float(claims[f"{base}_sd"]), n
        if f"{base}_lo" in claims:
            half = (claims[f"{base}_hi"] - claims[f"{base}_lo"]) / 2
            return (half * n if suffix == "_count" else half), n
        return None, None
    return None, None


def assess(tree: ast.Expression, reads: dict[str, Read], evaluate, source) -> Verdict:
    """The verdict of a parsed check: `reads` maps each token of the tree to the claim it stands for,
    `evaluate(node)` evaluates a node (prose._eval), `source(node)` gives its text as written."""
    conjuncts = _conjuncts(tree.body)
    terms = []
    for node in conjuncts:
        holds = bool(evaluate(node))
        used = tuple(reads[t] for t in _tokens(node, reads))
        terms.append(Term(source(node), holds, _margin(node, reads, evaluate), used))
    return Verdict(source(tree.body), tuple(terms))


def _conjuncts(node) -> list:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        return [part for value in node.values for part in _conjuncts(value)]
    return [node]


def _tokens(node, reads) -> list[str]:
    seen = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in reads and sub.id not in seen:
            seen.append(sub.id)
    return seen


def _margin(node, reads, evaluate) -> float | None:
    """Signed distance of a comparison from its threshold in spreads (None: nothing with a spread, or an equality);
    `and` takes the least, `or` the greatest of its parts that hold."""
    if isinstance(node, ast.BoolOp):
        margins = [_margin(v, reads, evaluate) for v in node.values]
        if isinstance(node.op, ast.Or):
            margins = [m for v, m in zip(node.values, margins) if evaluate(v)] or margins
        known = [m for m in margins if m is not None]
        return (min(known) if isinstance(node.op, ast.And) else max(known)) if known else None
    if not isinstance(node, ast.Compare):
        return None
    spreads = [reads[t].spread for t in _tokens(node, reads) if reads[t].spread is not None]
    if not spreads:
        return None
    spread = math.sqrt(sum(s * s for s in spreads))
    margins, left = [], evaluate(node.left)
    for op, right_node in zip(node.ops, node.comparators):
        right = evaluate(right_node)
        if isinstance(op, (ast.Lt, ast.LtE)):
            gap = right - left
        elif isinstance(op, (ast.Gt, ast.GtE)):
            gap = left - right
        else:
            return None
        holds = COMPARE_HOLDS[type(op)](left, right)
        margins.append(gap / spread if spread > 0 else (math.inf if holds else -math.inf))
        left = right
    return min(margins)


def _num(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value) if isinstance(value, str) else str(value)
