"""The claims table: each [[compare]] row of the experiment files set beside what this build measured, with a
verdict the build computes from the row's tolerance. Written into the section that holds `{{claims-table}}`."""
from __future__ import annotations

from . import config
from .errors import Problem

MARKER = "{{claims-table}}"


def verdict(ours: float, row: dict) -> str:
    """agrees / differs / not comparable, from the row's value, relation and tolerance."""
    if "value" not in row:
        return "not comparable"
    value, tolerance = row["value"], row.get("tolerance", 0.0)
    relation = row.get("relation", "=")
    if relation == "<":
        holds = ours < value + tolerance
    elif relation == ">":
        holds = ours > value - tolerance
    else:
        holds = abs(ours - value) <= tolerance
    return "agrees" if holds else "differs"


def spread_text(claims: dict, name: str, fmt: str) -> str:
    """'± sd, n = 4', '95% interval lo–hi, n = 4', or 'one seed'."""
    n = claims.get(f"{name}_n", 1)
    if n <= 1:
        return "one seed"
    if f"{name}_sd" in claims:
        return f"± {format(claims[f'{name}_sd'], fmt)}, n = {n}"
    if f"{name}_lo" in claims:
        return f"95% interval {format(claims[f'{name}_lo'], fmt)}–{format(claims[f'{name}_hi'], fmt)}, n = {n}"
    return f"n = {n}"


def rows(experiments: dict, scopes: dict[str, dict], figure_sections: dict[str, tuple[str, str, int]],
         references: dict, problems: list[Problem], mentioned: dict[str, int] | None = None) -> list[dict]:
    """Every experiment's [[compare]] rows (a sweep file's once), measured and judged, in the article's order:
    by the number of the row's figure, else by where the article first names the experiment (`mentioned`)."""
    out = []
    mentioned = mentioned or {}
    for experiment, row, scope, claim in config.compare_rows(experiments):
        def problem(message, key):
            problems.append(Problem(experiment.path, message, line=row["line"], key=f"compare.{key}"))
        if row["source"] not in references:
            problem(f"unknown reference '{row['source']}'; known: {', '.join(sorted(references))}", "source")
        if "figure" in row and row["figure"] not in figure_sections:
            problem(f"no figure '{row['figure']}' in the sections", "figure")
        placed = figure_sections.get(row.get("figure"))
        fmt = row.get("format", ".3g")
        common = {"statement": row["statement"], "original": row["original"], "source": row["source"],
                  "figure": row.get("figure"), "section": placed, "rule": rule_text(row, fmt),
                  "order": placed[2] if placed else mentioned.get(experiment.group or experiment.id, 10 ** 6),
                  "claim": f"{scope}.{claim}"}
        if claim not in scopes.get(scope, {}):
            if "absent" in row and scope in scopes:  # a claim this build may legitimately not produce
                out.append(common | {"ours": None, "shown": row["absent"], "spread": "not produced by this build",
                                     "verdict": "differs" if "value" in row else "not comparable"})
            else:
                problem(f"'{scope}' has no claim '{claim}'", "claim")
            continue
        ours = scopes[scope][claim]
        try:
            shown = format(ours, fmt)
        except (ValueError, TypeError) as err:
            problem(f"bad format '{fmt}' for {ours!r} ({err})", "format")
            continue
        out.append(common | {"ours": ours, "shown": shown, "spread": spread_text(scopes[scope], claim, fmt),
                             "verdict": verdict(ours, row)})
    return sorted(out, key=lambda r: r["order"])


def rule_text(row: dict, fmt: str) -> str:
    """The verdict's rule in words: 'within ± 0.05 of 0.9', 'below 1', or why it cannot be compared."""
    if "value" not in row:
        return row["why"]
    value = format(row["value"], fmt).replace("-", "−")
    relation = row.get("relation", "=")
    tolerance = row.get("tolerance", 0.0)
    if relation == "<":
        return f"below {value}" + (f" + {format(tolerance, fmt)}" if tolerance else "")
    if relation == ">":
        return f"above {value}" + (f" − {format(tolerance, fmt)}" if tolerance else "")
    return f"{value} ± {format(tolerance, fmt)}" if tolerance else f"exactly {value}"


def literal(text: str) -> str:
    """Text printed as it is written, inside markdown that the section's renderer reads (a section's title in its
    link): every character but letters, digits and spaces as a character reference, so no markdown, HTML,
    placeholder, math, citation or cross-reference in it is read as one."""
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in str(text))


def markdown(table: list[dict]) -> str:
    """The table as markdown (citations as [@key], links to figure and section), for the section's renderer."""
    lines = ["| Claim | The original | This build | Verdict (agreeing means) |", "|---|---|---|---|"]
    for r in table:
        where = ""
        if r["figure"]:
            slug, title, number = r["section"]
            where = f" ([Figure {number}](#fig-{r['figure']}), [{literal(title)}](#{slug}))"
        shown = r["shown"].replace("-", "−")
        lines.append(f"| {r['statement']}{where} | {r['original']} [@{r['source']}] | {shown} ({r['spread']}) "
                     f"| **{r['verdict']}** ({r['rule']}) |")
    return "\n".join(lines)
