"""How the measuring code declares the claims it produces, from the experiment's spec alone (no run, no
measuring): each measuring function has a `<function>_declared(spec)` beside it, returning {name: REQUIRED or
OPTIONAL}. Required names are produced by every run of that spec; optional ones only when the measurement finds
them (a second jump, a split that happened). A name may be an fnmatch glob (``jump[1-9]*_to``) for a family
whose size only the measurement knows. The build checks every placeholder against these before training.

No numpy: gather imports it before anything trains."""
from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

REQUIRED, OPTIONAL = "required", "optional"


def _names(groups) -> list[str]:
    out: list[str] = []
    for group in groups:
        out += [group] if isinstance(group, str) else list(group)
    return out


def required(*groups: str | Iterable[str]) -> dict[str, str]:
    """Names (or iterables of names) that every run of the spec produces."""
    return dict.fromkeys(_names(groups), REQUIRED)


def optional(*groups: str | Iterable[str]) -> dict[str, str]:
    """Names (or iterables of names) that a run produces only when the measurement finds them."""
    return dict.fromkeys(_names(groups), OPTIONAL)


def merge(*parts: dict[str, str]) -> dict[str, str]:
    """Declarations together; a name one part requires stays required."""
    out: dict[str, str] = {}
    for part in parts:
        for name, how in part.items():
            out[name] = REQUIRED if REQUIRED in (how, out.get(name)) else how
    return out


def split(declared: dict[str, str]) -> tuple[set[str], set[str]]:
    """(required, optional) names."""
    return ({n for n, how in declared.items() if how == REQUIRED},
            {n for n, how in declared.items() if how == OPTIONAL})


def is_glob(name: str) -> bool:
    return any(c in name for c in "*?[")


def audit(measured: Iterable[str], required_names: Iterable[str], optional_names: Iterable[str],
          perhaps: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """(undeclared, missing): measured names that no declared name or glob matches, and required names (a
    required glob: at least one name) that were not measured. `perhaps`: names that may have been measured
    (counted as present, never as undeclared). An optional name that was not measured is fine."""
    measured, perhaps = set(measured), set(perhaps)
    required_names, optional_names = set(required_names), set(optional_names)
    declared = required_names | optional_names
    globs = [n for n in declared if is_glob(n)]
    undeclared = sorted(n for n in measured if n not in declared and not any(fnmatchcase(n, g) for g in globs))
    present = measured | perhaps
    missing = sorted(n for n in required_names
                     if (not any(fnmatchcase(m, n) for m in present) if is_glob(n) else n not in present))
    return undeclared, missing
