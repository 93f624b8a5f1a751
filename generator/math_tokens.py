"""The formulas of prose through markdown: each $...$ and $$...$$ swapped for a token markdown leaves alone
(math), with its MathML (generator/mathml.py) put back in the token's place after conversion (put_math). A
labelled display equation is numbered from the apparatus's targets, and previewed by references to it."""
from __future__ import annotations

import html
from pathlib import Path

from latex2mathml.converter import convert as latex_to_mathml

from .apparatus import Notes
from .errors import Problem
from .mathml import MATH, math_reason, slim_mathml, unsafe_mathml


def math(text: str, path: Path, first_line: int, problems: list[Problem],
         notes: Notes | None = None) -> tuple[str, dict[str, str]]:
    """Swap $...$ and $$...$$ for tokens (so markdown leaves them alone); return the MathML for each. A display
    equation labelled `{#eq:name}` comes back as its numbered block (an element with id eq-name)."""
    found = {}

    def swap(match):
        display = match.group(1) is not None
        latex = match.group(1) if display else match.group(3)
        token = f"MATHTOKEN{len(found)}END"
        try:
            mathml = latex_to_mathml(latex.strip(), display="block" if display else "inline")
            reason = unsafe_mathml(mathml)
        except Exception as err:  # noqa: BLE001 - latex2mathml raises several kinds; all mean bad LaTeX
            reason = math_reason(err)
        if reason is None:
            found[token] = slim_mathml(mathml)
        else:
            line = first_line + text.count("\n", 0, match.start())
            problems.append(Problem(path, f"cannot render math {match.group(0)!r}: {reason}", line=line))
            found[token] = html.escape(match.group(0))
        label = match.group(2)
        if display and label is not None:
            number = notes.targets.equations.get(label) if notes is not None else None
            if number is None:
                line = first_line + text.count("\n", 0, match.start())
                problems.append(Problem(path, f"equation label '{{#eq:{label}}}' is not known (lowercase letters, "
                                              "digits and dashes)", line=line))
            else:
                notes.previews[("eq", label)] = found[token]
                found[token] = (f'<div class="math-display numbered" id="eq-{label}">{found[token]}'
                                f'<span class="eq-number">({number})</span></div>')
        return f"\n\n{token}\n\n" if display else token
    return MATH.sub(swap, text).replace("\\$", "$"), found


def put_math(out: str, formulas: dict[str, str]) -> str:
    """Markdown's HTML with each formula's token swapped back for its MathML; a formula alone in its paragraph
    becomes a display block in the paragraph's place."""
    for token, mathml in formulas.items():
        block = mathml if mathml.startswith("<div") else f'<div class="math-display">{mathml}</div>'
        out = out.replace(f"<p>{token}</p>", block).replace(token, mathml)
    return out
