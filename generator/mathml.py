"""LaTeX as MathML: the formulas of prose ($...$, $$...$$), latex2mathml's errors in words, and its MathML audited
(nothing that could run a script reaches the page) and slimmed for shipping."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from latex2mathml.converter import convert as latex_to_mathml

from .markup import safe_url

MATH = re.compile(r"(?<!\\)\$\$(.+?)\$\$(?:[ \t]*\{#eq:([^}\n]*)\})?|(?<!\\)\$(?!\s)([^$\n]+?)(?<!\s)\$", re.S)
_CHARACTER_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]+);")


def slim_mathml(mathml: str) -> str:
    """latex2mathml's MathML, lighter to ship (every byte of the article counts in its first view): no xmlns (the
    HTML parser puts <math> in MathML's namespace) and characters instead of numeric references (but <, >, &, ")."""
    mathml = mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "")
    mathml = _CHARACTER_REFERENCE.sub(lambda m: html.escape(chr(int(m.group(1), 16))), mathml)
    # and no <mrow> around the whole formula (<math> is one already), where one does wrap it whole
    head = re.match(r"<math[^>]*>", mathml)
    inner = mathml[head.end():-len("</math>")] if head and mathml.endswith("</math>") else ""
    if inner.startswith("<mrow>") and inner.endswith("</mrow>"):
        depth, whole = 0, True
        for tag in re.finditer(r"<(/?)mrow>", inner):
            depth += -1 if tag.group(1) else 1
            if depth == 0 and tag.end() != len(inner):
                whole = False
                break
        if whole:
            mathml = head.group(0) + inner[len("<mrow>"):-len("</mrow>")] + "</math>"
    return mathml


# latex2mathml's errors, most of which carry no message, in words
MATH_ERRORS = {
    "NumeratorNotFoundError": "\\frac without its numerator",
    "DenominatorNotFoundError": "\\frac without its denominator",
    "ExtraLeftOrMissingRightError": "a \\left without its \\right, or a \\right without its \\left",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ with nothing after it to raise or lower",
    "DoubleSubscriptsError": "two subscripts on one symbol (x_a_b): group them, x_{ab}",
    "DoubleSuperscriptsError": "two superscripts on one symbol (x^a^b): group them, x^{ab}",
    "NoAvailableTokensError": "the formula ends while a command still needs an argument (\\frac, \\sqrt, "
                              "\\left, \\begin ...) or a brace is left open",
    "InvalidStyleForGenfracError": "\\genfrac's style must be 0, 1, 2 or 3",
    "MissingEndError": "a \\begin{...} without its matching \\end{...}",
    "InvalidAlignmentError": "an array's column alignment must be made of l, c and r",
    "InvalidWidthError": "a width that is not a length",
    "LimitsMustFollowMathOperatorError": "\\limits must follow an operator such as \\sum",
}


def math_error(latex: str) -> str | None:
    """Why latex2mathml cannot read this LaTeX, in words, or None if it can (an error without a message is named
    from MATH_ERRORS, or from its class)."""
    try:
        mathml = latex_to_mathml(latex.strip())
    except Exception as err:  # noqa: BLE001 - latex2mathml raises several kinds; all mean bad LaTeX
        return math_reason(err)
    return unsafe_mathml(mathml)


# what latex2mathml makes of LaTeX; \text{<script>} passes its text through as markup, \href and \style add
# attributes: anything else, an event attribute, a style or a link that is not the web, mail or the page is refused
MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt",
               "mroot", "mstyle", "merror", "mpadded", "mphantom", "menclose", "mtable", "mtr", "mtd", "munder",
               "mover", "munderover", "mmultiscripts", "mprescripts", "none"}


class _MathAudit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in MATHML_TAGS:
            self.found.append(f"it would put a <{tag}> element on the page (\\text{{}} prints its text as markup)")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"it would put the attribute {name}= on the page")
            elif name in ("href", "src", "xlink:href") and not safe_url(value or ""):
                self.found.append(f"it links to {value!r}: links go to http(s), mailto or a place on the page (#...)")


def unsafe_mathml(mathml: str) -> str | None:
    """Why latex2mathml's MathML could put script on the page (MATHML_TAGS), or None."""
    audit = _MathAudit()
    audit.feed(mathml)
    audit.close()
    return "; ".join(dict.fromkeys(audit.found)) or None


def math_reason(err: Exception) -> str:
    name, said = type(err).__name__, str(err).strip()
    if name in MATH_ERRORS:
        return MATH_ERRORS[name] + (f" ({said})" if said else "")
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Error")).lower()
    return f"{words}: {said}" if said else f"{words} (latex2mathml cannot read it)"
