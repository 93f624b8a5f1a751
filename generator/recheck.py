"""Re-check the prose against the claims of the last build, in a second, without training or drawing:
every placeholder, check and pick of every section and caption, read from site/build-report.json."""
from __future__ import annotations

import json
from pathlib import Path

from . import config, content, figures
from .errors import BuildError, Problem
from .claims_table import MARKER
from .prose import Passage, fill


def scopes_from_report(report: dict) -> dict[str, dict]:
    """Experiment and figure claims, companions (_n, _count, _sd, _min, _max, _lo, _hi) unfolded again."""
    out = {}
    for kind in ("experiments", "figures"):
        for name, entry in report.get(kind, {}).items():
            claims = {}
            for claim, measured in entry["claims"].items():
                claims[claim] = measured["value"]
                if measured.get("n", 1) > 1 or "sd" in measured or "interval" in measured:
                    claims[f"{claim}_n"] = measured["n"]
                for key in ("count", "sd", "min", "max"):
                    if key in measured:
                        claims[f"{claim}_{key}"] = measured[key]
                if "interval" in measured:
                    claims[f"{claim}_lo"], claims[f"{claim}_hi"] = measured["interval"]
            out[name] = claims
    return out


def recheck(content_dir: Path, report_path: Path) -> tuple[list[Problem], list[Problem]]:
    """(problems, failed checks) of the content against the report's claims."""
    if not report_path.exists():
        raise BuildError([Problem(report_path, "no build report: build the site once first")])
    scopes = scopes_from_report(json.loads(report_path.read_text()))
    experiments = config.load_experiments(content_dir / "experiments")
    for name, exp in experiments.items():
        scopes[name] = config.settings(exp.spec) | scopes.get(name, {})
    sections, problems = content.load_sections(content_dir, experiments | dict.fromkeys(config.groups(experiments)),
                                               figures.KINDS,
                                               config.load_site(content_dir / "site.toml")["references"])
    # what gathering refuses (a check that reads the drawn network alone, or is too long), listed with the rest
    from .build import gather_checks
    failed: list[Problem] = []
    problems += gather_checks(sections, experiments, config.groups(experiments), deferred=failed)
    for section in sections:
        fill(Passage(section.body.replace(MARKER, ""), section.path, section.body_line), scopes, problems, failed)
        for fig in section.figures:
            local = scopes | {fig.experiment: scopes.get(fig.experiment, {}) | scopes.get(fig.id, {})}
            fill(Passage(fig.caption, fig.path, fig.line, fig.experiment), local, problems, failed)
            fill(Passage(fig.alt, fig.path, fig.line, fig.experiment), local, problems, failed)
    return problems, failed
