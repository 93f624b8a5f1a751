"""Measured prose: the three things a sentence about our results may carry, each filled or checked from the
claims the build measured.

- ``{{scope.claim:format}}`` a number (``{{claim:format}}`` in a caption: its figure's experiment).
- ``{{check: EXPR}}`` renders nothing; if EXPR is false the build stops, naming the file, the line, the
  expression and every measured value it read. Write it beside the sentence it guards.
- ``{{pick: EXPR | wording if true | wording if false}}`` chooses the wording from the measurement; a chain
  ``{{pick: EXPR1 | text1 | EXPR2 | text2 | otherwise}}`` takes the first whose expression holds. Wordings may
  hold placeholders.

EXPR is a small expression over claims: numbers, ``scope.claim`` names (``spiralnet-4-tanh.packing_angle``),
comparisons, ``and``/``or``/``not``, arithmetic and ``abs``, ``min``, ``max``, ``round``. Nothing else
evaluates: no attributes, no subscripts, no other calls.
"""
from __future__ import annotations

import ast
import difflib
import operator
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .checks import Read, Verdict, assess, spread_of
from .errors import Problem

PLACEHOLDER = re.compile(r"^\s*(?:([A-Za-z0-9_-]+)\.)?([A-Za-z_]\w*)\s*(?::(.*))?$", re.S)
# a claim named in an expression: `scope.claim` (scopes may hold dashes) or a bare `claim`
REFERENCE = re.compile(r"(?<![\w.])(?:([A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)\.)?([A-Za-z_]\w*)(?![\w(])")
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
FUNCTIONS = {"abs": abs, "min": min, "max": max, "round": round}
WORDS = {"and", "or", "not", "True", "False"}
NOT_MEASURED = "[not measured by this build]"
# a check guards a sentence about a kind of network and reads claims over every seed; `check exact` reads values
# that the processor's rounding cannot change (settings, counts of frames), which prose.lint cannot tell apart
CHECKS = ("check", "check exact")
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
          ast.Pow: operator.pow, ast.Mod: operator.mod}
COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
           ast.Eq: operator.eq, ast.NotEq: operator.ne}


class ProseError(ValueError):
    """A placeholder, check or pick that cannot be filled; the message is for the author."""


class CheckKindError(ProseError):
    """A check that reads the drawn network alone, or is too long to read: refused while gathering."""


class MissingClaim(ProseError):
    """A claim this build did not produce: a content error in a full build; in a short profile (quick), whose runs
    may not reach a jump or a split, it is reported with the failed checks instead."""


_BRACES = re.compile(r"(?=(\{\{|\}\}))")  # every position where a pair starts, overlapping ones too


def spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost {{...}} in text; inner {{...}} (placeholders in a pick) stay inside.
    Read left to right, a pair taking its two characters; a '}}' outside any span takes none."""
    found, depth, start, free = [], 0, 0, 0
    for match in _BRACES.finditer(text):
        i = match.start()
        if i < free:
            continue
        if match.group(1) == "{{":
            start = i if depth == 0 else start
            depth, free = depth + 1, i + 2
        elif depth:
            depth, free = depth - 1, i + 2
            if depth == 0:
                found.append((start, i + 2))
    return found


def split_top(body: str, sep: str = "|") -> list[str]:
    """body split on `sep` outside any {{...}} (read like spans: a pair takes its two characters)."""
    parts, depth, last, free = [], 0, 0, 0
    for match in re.finditer(r"(?=(\{\{|\}\}|" + re.escape(sep) + "))", body):
        i, token = match.start(), match.group(1)
        if i < free:
            continue
        if token == "{{":
            depth, free = depth + 1, i + 2
        elif token == "}}":
            if depth:
                depth, free = depth - 1, i + 2
        elif depth == 0:
            parts.append(body[last:i])
            last = free = i + 1
    return parts + [body[last:]]


@dataclass(frozen=True)
class Passage:
    """A piece of prose as the build reads it: its text, the file and line it starts at (for problems), and the
    scope its bare claim names read (a figure's experiment in its caption and alt text; None in a section)."""
    text: str
    path: Path
    line: int
    default: str | None = None


def fill(passage: Passage, scopes: dict[str, dict], problems: list[Problem],
         failed_checks: list[Problem] | None = None) -> str:
    """Every {{...}} of the passage filled or checked. Problems are appended (the text keeps the original span);
    a false check goes to failed_checks when given (reported, not fatal), else to problems."""
    text, path, first_line = passage.text, passage.path, passage.line
    out, last = [], 0
    for start, end in spans(text):
        line = first_line + text.count("\n", 0, start)
        out.append(text[last:start])
        last = end
        try:
            out.append(_one(Passage(text[start + 2:end - 2], path, line, passage.default), scopes, problems,
                            failed_checks))
        except MissingClaim as err:
            (failed_checks if failed_checks is not None else problems).append(
                Problem(path, f"{text[start:end]}: {err}", line=line))
            out.append(NOT_MEASURED if failed_checks is not None else text[start:end])
        except ProseError as err:
            problems.append(Problem(path, f"{text[start:end]}: {err}", line=line))
            out.append(text[start:end])
    out.append(text[last:])
    return "".join(out)


def _one(at: Passage, scopes, problems, failed_checks) -> str:
    """One {{...}} (its inside, `at`) filled, checked or picked."""
    body, default, path, line = at.text, at.default, at.path, at.line
    keyword, _, rest = body.partition(":")
    keyword = keyword.strip()
    if keyword in CHECKS:
        found = verdict(rest, scopes, default)
        if not found.holds:
            failure = Problem(path, f"check failed: {shorten(found.expression, 200)}\n{found.explain()}", line=line)
            (failed_checks if failed_checks is not None else problems).append(failure)
        return ""
    if keyword == "pick":
        parts = split_top(rest)
        if len(parts) < 3 or len(parts) % 2 == 0:
            raise ProseError("a pick is 'pick: EXPR | if true | if false' (or EXPR | text | EXPR | text | otherwise)")
        for condition, wording in zip(parts[0:-1:2], parts[1::2]):
            if evaluate(condition, scopes, default)[0]:
                return fill(replace(at, text=wording.strip()), scopes, problems, failed_checks)
        return fill(replace(at, text=parts[-1].strip()), scopes, problems, failed_checks)
    return _placeholder(body, scopes, default)


def _placeholder(body: str, scopes, default) -> str:
    match = PLACEHOLDER.match(body)
    if not match:
        raise ProseError("not a placeholder: write {{experiment.claim:format}}, {{check: ...}} or {{pick: ...}}")
    scope, name, fmt = match.group(1) or default, match.group(2), (match.group(3) or "").strip()
    value = lookup(scope, name, scopes)
    try:
        text = format(value, fmt)
    except (ValueError, TypeError) as err:
        raise ProseError(f"bad format '{fmt}' ({err})") from None
    # a number's sign is a true minus (U+2212), as in the claims table, not the hyphen format() writes
    return text.replace("-", "\u2212") if isinstance(value, (int, float)) and not isinstance(value, bool) else text


def lookup(scope: str | None, name: str, scopes: dict[str, dict]):
    if scope not in scopes:
        raise ProseError(f"'{scope}' names no experiment or figure (known: {', '.join(sorted(scopes))})")
    if name not in scopes[scope]:
        near = difflib.get_close_matches(name, scopes[scope], 4, 0.5)
        raise MissingClaim(f"'{scope}' has no claim '{name}'" + (f" (did you mean {', '.join(near)}?)" if near else ""))
    return scopes[scope][name]


def evaluate(expression: str, scopes: dict[str, dict], default: str | None) -> tuple[bool, str]:
    """(truth of the expression, 'name = value, ...' of every claim it read)."""
    shown: list[str] = []

    def value(scope, name, text):
        found = lookup(scope, name, scopes)
        shown.append(f"{text} = {found!r}")
        return found

    tree, names = _parse(expression, default, value)
    try:
        return bool(_eval(tree.body, names, expression)), ", ".join(shown) or "no claims"
    except (ArithmeticError, TypeError) as err:
        raise ProseError(f"cannot evaluate '{expression.strip()}' ({err}; {', '.join(shown)})") from None


def verdict(expression: str, scopes: dict[str, dict], default: str | None) -> Verdict:
    """A check's verdict: each comparison of its top-level `and`, whether it holds and by how many spreads
    (generator/checks.py)."""
    reads: dict[str, Read] = {}

    def value(scope, name, text):
        found = lookup(scope, name, scopes)
        spread, n = spread_of(scopes[scope], name)
        reads[f"_v{len(reads)}"] = Read(text.strip(), found, spread, n)
        return found

    tree, names = _parse(expression, default, value)

    def source(node) -> str:
        return re.sub(r"\b_v\d+\b", lambda m: reads[m.group(0)].text, ast.unparse(node))

    try:
        return assess(tree, reads, lambda node: _eval(node, names, expression), source)
    except (ArithmeticError, TypeError) as err:
        raise ProseError(f"cannot evaluate '{expression.strip()}' ({err}; "
                         f"{', '.join(str(r) for r in reads.values())})") from None


def _parse(expression: str, default: str | None, resolve) -> tuple[ast.Expression, dict]:
    """The expression parsed, each claim it names replaced by a token bound to resolve(scope, name, text)."""
    names: dict[str, object] = {}

    def swap(match):
        scope, name = match.group(1), match.group(2)
        if scope is None and name in WORDS | set(FUNCTIONS):
            return match.group(0)
        token = f"_v{len(names)}"
        names[token] = resolve(scope or default, name, match.group(0))
        return token

    pieces, last = [], 0
    for quoted in QUOTED.finditer(expression):
        pieces += [REFERENCE.sub(swap, expression[last:quoted.start()]), quoted.group(0)]
        last = quoted.end()
    pieces.append(REFERENCE.sub(swap, expression[last:]))
    try:
        return ast.parse("".join(pieces).strip(), mode="eval"), names
    except SyntaxError:
        raise ProseError(f"cannot read the expression '{expression.strip()}'") from None


def _eval(node, names: dict, expression: str):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
        return node.value
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, names, expression) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub, ast.UAdd)):
        value = _eval(node.operand, names, expression)
        return not value if isinstance(node.op, ast.Not) else -value if isinstance(node.op, ast.USub) else +value
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return BINARY[type(node.op)](_eval(node.left, names, expression), _eval(node.right, names, expression))
    if isinstance(node, ast.Compare) and all(type(op) in COMPARE for op in node.ops):
        left = _eval(node.left, names, expression)
        for op, right_node in zip(node.ops, node.comparators):
            right = _eval(right_node, names, expression)
            if not COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
            and not node.keywords):
        return FUNCTIONS[node.func.id](*(_eval(a, names, expression) for a in node.args))
    raise ProseError(f"'{expression.strip()}' uses something a check cannot evaluate: "
                     f"numbers, claims, comparisons, and/or/not, + - * / ** %, abs/min/max/round only")


def lint(passage: Passage, known: set[str], problems: list[Problem], names: dict | None = None,
         deferred: list[Problem] | None = None) -> None:
    """What can be checked before anything is measured: every {{...}} is a placeholder, check or pick of the
    right shape, names a known experiment or figure, and its expressions and format specs can be read. With
    `names` (scope -> the claim names it can produce, claim_names.Names; None: not checked), every claim read
    must be one of its scope's: a misspelt name fails here, before training, with the closest names. A check
    that reads the drawn network alone, or is too long (CheckKindError), goes to `deferred` when given (a draft
    build lists them with the failed checks), else to problems."""
    text, default, path, first_line = passage.text, passage.default, passage.path, passage.line
    for start, end in spans(text):
        line = first_line + text.count("\n", 0, start)
        try:
            _lint_one(text[start + 2:end - 2], known, default, names or {})
        except CheckKindError as err:
            (deferred if deferred is not None else problems).append(
                Problem(path, f"{shorten(text[start:end])}: {err}", line=line))
        except ProseError as err:
            problems.append(Problem(path, f"{shorten(text[start:end])}: {err}", line=line))


def shorten(span: str, width: int = 160) -> str:
    """A span as an error message quotes it: its first `width` characters."""
    return span if len(span) <= width else span[:width - 6] + " ... }}"


def _lint_one(body: str, known: set[str], default: str | None, names: dict) -> None:
    keyword, _, rest = body.partition(":")
    keyword = keyword.strip()
    if keyword in CHECKS:
        _lint_expression(rest, known, default, names)
        if keyword == "check":
            _lint_over_seeds(rest, default, names)
    elif keyword == "pick":
        parts = split_top(rest)
        if len(parts) < 3 or len(parts) % 2 == 0:
            raise ProseError("a pick is 'pick: EXPR | if true | if false' (or EXPR | text | EXPR | text | otherwise)")
        for condition in parts[0:-1:2]:
            _lint_expression(condition, known, default, names)
        for wording in parts[1::2] + parts[-1:]:
            for start, end in spans(wording):
                _lint_one(wording[start + 2:end - 2], known, default, names)
    else:
        match = PLACEHOLDER.match(body)
        if not match:
            raise ProseError("not a placeholder: write {{experiment.claim:format}}, {{check: ...}} or {{pick: ...}}")
        _known_claim(match.group(1) or default, match.group(2), known, names)
        fmt = (match.group(3) or "").strip()
        for sample in (1, 0.5, "x"):
            try:
                format(sample, fmt)
                break
            except (ValueError, TypeError):
                continue
        else:
            raise ProseError(f"bad format '{fmt}'")


def _known_scope(scope: str | None, known: set[str]) -> None:
    if scope not in known:
        near = difflib.get_close_matches(str(scope), known, 3, 0.6)
        raise ProseError(f"'{scope}' names no experiment or figure" + (f" (did you mean {', '.join(near)}?)" if near else ""))


def _known_claim(scope: str | None, name: str, known: set[str], names: dict) -> None:
    """The scope is known and, where its names are declared, can produce the claim (or holds the setting)."""
    _known_scope(scope, known)
    declared = names.get(scope)
    if declared is not None and name not in declared:
        near = declared.near(name)
        raise ProseError(f"'{scope}' has no claim or setting '{name}'"
                         + (f" (did you mean {', '.join(near)}?)" if near else ""))


MAX_CHECK = 200  # characters: a longer check is a claim to measure and name in generator/analysis/


def _lint_over_seeds(expression: str, default: str | None, names: dict) -> None:
    """A check reads only claims over every seed (or settings): a sentence about the drawn network is worded
    from its measurements with placeholders and picks, and never guarded by a check another processor's
    rounding could fail. Refused too: a check longer than MAX_CHECK characters."""
    if len(expression.strip()) > MAX_CHECK:
        raise CheckKindError(f"a check of {len(expression.strip())} characters (at most {MAX_CHECK}): measure what it "
                         f"asserts as a named claim in generator/analysis/ and check that")
    one_seed = []

    def classify(scope, name, text):
        declared = names.get(scope or default)
        if declared is not None and not declared.over_seeds(name) and name not in declared.fixed:
            one_seed.append(text.strip())
    _parse(expression, default, classify)
    if one_seed:
        raise CheckKindError(
            f"this check reads the drawn network alone ({', '.join(dict.fromkeys(one_seed))}), which another "
            "processor's rounding can change: word the sentence from the measurement with {{pick: ...}} and "
            "placeholders, or check claims over every seed (seeds_..., accuracy_mean, ...). A check of values "
            "rounding cannot change (settings, counts of frames) is written {{check exact: ...}}")


def _lint_expression(expression: str, known: set[str], default: str | None, names: dict) -> None:
    tree, tokens = _parse(expression, default, lambda scope, name, text: _known_claim(scope, name, known, names))
    allowed = (ast.Expression, ast.Constant, ast.Name, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
               ast.UAdd, ast.BinOp, ast.Compare, ast.Call, ast.Load, *BINARY, *COMPARE)
    for node in ast.walk(tree):
        bad = not isinstance(node, allowed) or (isinstance(node, ast.Name) and node.id not in tokens
                                                and node.id not in FUNCTIONS) or (
            isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS
                                            or node.keywords))
        if bad:
            raise ProseError(f"'{expression.strip()}' uses something a check cannot evaluate: "
                             f"numbers, claims, comparisons, and/or/not, + - * / ** %, abs/min/max/round only")
