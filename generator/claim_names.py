"""Which claim names each scope of the prose can read, known before anything trains: an experiment's are its
settings (config.settings) and the names its measuring code declares (analysis.claims.declared_claims), a
figure's those its kind declares (figures.declared_claims). prose.lint checks every placeholder, check and pick
against them while gathering, so a misspelt claim fails in a second with its file, line and the closest names,
not after the training. Whether an optional name (a jump the run may not make) was produced is known only once
measured: prose.fill reports it then (a full build stops, the quick profile lists it)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from fnmatch import fnmatchcase

from . import config, figures
from .analysis.claims import EXACT, declared_claims
from .analysis.spread import COMPANIONS
from .analysis.declare import audit, is_glob
from .errors import Problem


@dataclass(frozen=True)
class Names:
    """The names one scope can read: exact names, and fnmatch globs for families sized by the measurement."""
    exact: frozenset = frozenset()
    patterns: tuple = ()
    fixed: frozenset = frozenset()  # settings and values no rounding changes (analysis.claims.EXACT)

    @classmethod
    def of(cls, *groups, fixed=()) -> "Names":
        every = {name for group in groups for name in group}
        globs = {name for name in every if is_glob(name)}
        return cls(frozenset(every - globs), tuple(sorted(globs)), frozenset(fixed))

    def over_seeds(self, name: str) -> bool:
        """A claim measured on every seed (it has an `_n` companion), or one of its companions."""
        for suffix in COMPANIONS:
            if name.endswith(suffix) and f"{name[:-len(suffix)]}_n" in self:
                return True
        return f"{name}_n" in self

    def __contains__(self, name: str) -> bool:
        return name in self.exact or any(fnmatchcase(name, pattern) for pattern in self.patterns)

    def __or__(self, other: "Names") -> "Names":
        return Names(self.exact | other.exact, tuple(sorted(set(self.patterns) | set(other.patterns))),
                     self.fixed | other.fixed)

    def near(self, name: str, count: int = 4) -> list[str]:
        """The closest names (globs shown as written), for a 'did you mean'."""
        return difflib.get_close_matches(name, sorted(self.exact) + list(self.patterns), count, 0.5)


def experiment_names(spec: dict) -> Names:
    """An experiment's settings and every claim its measurement may produce."""
    required, optional = declared_claims(spec)
    settings = config.settings(spec)
    return Names.of(settings, required, optional, fixed=set(settings) | EXACT)


def figure_names(kind: str, options: dict) -> Names | None:
    """A figure's own claims; None if its options cannot be read (content reports that), and then unchecked."""
    try:
        required, optional = figures.declared_claims(kind, options)
    except (KeyError, ValueError):
        return None
    return Names.of(required, optional)


def body_scopes(sections, experiments) -> dict[str, Names | None]:
    """What section bodies read, as build._write fills them: every experiment, then every figure by its id
    (None: a figure whose claims are unknown, not checked)."""
    scopes: dict[str, Names | None] = {name: experiment_names(exp.spec) for name, exp in experiments.items()}
    for section in sections:
        for fig in section.figures:
            scopes[fig.id] = figure_names(fig.kind, fig.options)
    return scopes


def caption_scopes(fig, scopes: dict[str, Names | None]) -> dict[str, Names | None]:
    """What a caption or alt text reads: the body's scopes, and by bare name its experiment's (none for a sweep's
    stem) with the figure's own claims."""
    own, theirs = scopes.get(fig.id), scopes.get(fig.experiment, Names())
    return scopes | {fig.experiment: None if own is None or theirs is None else theirs | own}


def compare_problems(experiments, scopes: dict[str, Names]) -> list[Problem]:
    """Each [[compare]] row's claim (the claims table) names a claim its scope can produce."""
    problems = []
    for experiment, row, scope, claim in config.compare_rows(experiments):
        if scope not in scopes:
            near = difflib.get_close_matches(scope, sorted(scopes), 3, 0.6)
            message = f"claim '{row['claim']}': '{scope}' names no experiment or figure" + _mean(near)
        elif scopes[scope] is not None and claim not in scopes[scope]:
            message = f"claim '{row['claim']}': '{scope}' has no claim or setting '{claim}'" + _mean(
                scopes[scope].near(claim))
        else:
            continue
        problems.append(Problem(experiment.path, message, line=row["line"], key="compare.claim"))
    return problems


def _mean(near: list[str]) -> str:
    return f" (did you mean {', '.join(near)}?)" if near else ""


def audit_measured(experiments, claims: dict, figure_list, outputs: dict) -> list[Problem]:
    """After measuring: every claim the code produced is declared beside it, and every required one was
    produced. A mismatch is a bug in the measuring code (its declaration fell behind), so the build stops and
    says which names, rather than let gather-time checks trust a stale declaration."""
    problems = []
    for name, experiment in experiments.items():
        undeclared, missing = audit(claims[name], *declared_claims(experiment.spec))
        if undeclared or missing:
            problems.append(Problem(experiment.path, _mismatch(f"experiment '{name}'", "analysis/claims.py "
                                                               "(declared_claims)", undeclared, missing)))
    for fig in figure_list:
        if fig.id in outputs:
            undeclared, missing = audit(outputs[fig.id].claims, *figures.declared_claims(fig.kind, fig.options))
            if undeclared or missing:
                problems.append(Problem(fig.path, _mismatch(f"figure '{fig.id}' ({fig.kind})", "generator/figures/"
                                                            "__init__.py (KINDS)", undeclared, missing), line=fig.line))
    return problems


def _mismatch(what: str, where: str, undeclared: list[str], missing: list[str]) -> str:
    said = [f"produced undeclared claims {', '.join(undeclared)}"] if undeclared else []
    said += [f"did not produce required claims {', '.join(missing)}"] if missing else []
    return f"{what}: the measuring code {' and '.join(said)}; its declaration in {where} is behind the code"

