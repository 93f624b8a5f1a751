"""How many seeds stand behind a claim, and how far they spread.

A claim measured over seeds is written with one of these, which return the claim and its companions:
``over_seeds("plateau_end_step", values)`` gives ``plateau_end_step`` (the mean), ``plateau_end_step_n``,
``plateau_end_step_sd``, ``_min`` and ``_max``; ``share("perfect", flags)`` gives the share, how many flags
are set (``_count``, of ``_n``: prose says "3 of 4 seeds" without arithmetic) and a 95% Wilson interval ``_lo`` ..
``_hi``. Placeholders can print every companion. A claim with no ``_n`` companion was measured on one seed (the
one the figure shows) or is a setting; ``summary`` says so in the build report.
"""
from __future__ import annotations

import math

import numpy as np

COMPANIONS = ("_n", "_count", "_sd", "_min", "_max", "_lo", "_hi")
Z95 = 1.959963984540054


def over_seeds(name: str, values) -> dict:
    v = np.asarray(values, np.float64)
    return {name: float(v.mean()), f"{name}_n": int(len(v)), f"{name}_sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            f"{name}_min": float(v.min()), f"{name}_max": float(v.max())}


def over_seeds_names(name: str) -> set[str]:
    """The names over_seeds(name, ...) returns (declared before anything is measured)."""
    return {name, f"{name}_n", f"{name}_sd", f"{name}_min", f"{name}_max"}


def share(name: str, flags) -> dict:
    f = np.asarray(flags, bool)
    lo, hi = wilson(int(f.sum()), len(f))
    return {name: float(f.mean()), f"{name}_count": int(f.sum()), f"{name}_n": int(len(f)), f"{name}_lo": lo,
            f"{name}_hi": hi}


def share_names(name: str) -> set[str]:
    """The names share(name, ...) returns."""
    return {name, f"{name}_count", f"{name}_n", f"{name}_lo", f"{name}_hi"}


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share: honest at 0 of 4 and 4 of 4, where p ± z·se is not."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def summary(claims: dict) -> dict:
    """Each claim (companions folded in) -> {"value", "n", and "sd" or "interval" where n > 1}."""
    out = {}
    for name, value in claims.items():
        if any(name.endswith(c) and name[:-len(c)] in claims for c in COMPANIONS):
            continue
        entry = {"value": value, "n": claims.get(f"{name}_n", 1)}
        if f"{name}_sd" in claims:
            entry |= {"sd": claims[f"{name}_sd"], "min": claims[f"{name}_min"], "max": claims[f"{name}_max"]}
        if f"{name}_lo" in claims:
            entry["interval"] = [claims[f"{name}_lo"], claims[f"{name}_hi"]]
        if f"{name}_count" in claims:
            entry["count"] = claims[f"{name}_count"]
        out[name] = entry
    return out
