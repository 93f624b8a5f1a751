"""Sentences of inline HTML: a fragment stripped for a preview (plain_inline) and its first sentence
(first_sentence), as a reference to a figure previews its caption."""
from __future__ import annotations

import re


def plain_inline(fragment: str) -> str:
    """An HTML fragment fit for a preview: previews of other things and links gone (their text stays)."""
    fragment = re.sub(r'<span class="tip" role="tooltip"[^>]*>.*?</span>', "", fragment, flags=re.S)
    fragment = re.sub(r"</?a\b[^>]*>", "", fragment)
    return re.sub(r'</?span\b[^>]*>', "", fragment)


def first_sentence(fragment: str) -> str:
    """The first sentence of an inline HTML fragment (ended by . ! or ? and a space, outside tags and math), with
    any tag left open closed."""
    depth_math, i, stack = 0, 0, []
    while i < len(fragment):
        if fragment[i] == "<":
            end = fragment.find(">", i)
            if end < 0:
                break
            tag = fragment[i + 1:end]
            name = re.match(r"/?([a-zA-Z0-9]+)", tag)
            if name and not tag.endswith("/"):
                if tag.startswith("/"):
                    if stack and stack[-1] == name.group(1):
                        stack.pop()
                    depth_math -= name.group(1) == "math"
                else:
                    stack.append(name.group(1))
                    depth_math += name.group(1) == "math"
            i = end + 1
            continue
        if fragment[i] in ".!?" and not depth_math and (i + 1 == len(fragment) or fragment[i + 1].isspace()):
            return fragment[:i + 1] + "".join(f"</{t}>" for t in reversed(stack))
        i += 1
    return fragment
