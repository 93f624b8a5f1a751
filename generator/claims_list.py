"""`python -m generator claims SCOPE`: an experiment's or figure's measured claims by name, from the last build's
measurements, with their seeds and spread, and the experiment's settings as placeholders name them."""
from __future__ import annotations

import difflib
import json
from pathlib import Path


def listing(scope: str, report: Path, content: Path) -> str:
    if not Path(report).exists():
        raise LookupError(f"{report}: no measurements yet: build once (make site, or python -m generator build)")
    measured = json.loads(Path(report).read_text())
    scopes = measured.get("experiments", {}) | measured.get("figures", {})
    if scope not in scopes:
        near = difflib.get_close_matches(scope, sorted(scopes), 4, 0.5)
        raise LookupError(f"'{scope}' names no experiment or figure of the last build"
                          + (f" (did you mean {', '.join(near)}?)" if near else f" (known: {', '.join(sorted(scopes))})"))
    lines = [f"{scope}: {len(scopes[scope]['claims'])} claims (seeds: n > 1 is over every seed; spread: sd, or a "
             f"share's 95% interval)"]
    for name, entry in sorted(scopes[scope]["claims"].items()):
        value = entry["value"]
        shown = f"{value:.6g}" if isinstance(value, float) else repr(value)
        spread = (f"  sd {entry['sd']:.3g} ({entry['min']:.4g} .. {entry['max']:.4g})" if "sd" in entry else
                  f"  {entry['count']} of {entry['n']}, interval {entry['interval'][0]:.2f} .. {entry['interval'][1]:.2f}"
                  if "interval" in entry else "")
        lines.append(f"  {name:<40} {shown:<14} n={entry['n']}{spread}")
    if scope in measured.get("experiments", {}):
        from .config import load_experiments, settings
        experiments = load_experiments(content / "experiments")
        if scope in experiments:
            lines.append("settings (placeholders and checks read them by these names):")
            lines += [f"  {name:<40} {value!r}" for name, value in sorted(settings(experiments[scope].spec).items())]
    return "\n".join(lines)
