"""The author's text as the build reads it: a file as UTF-8, a wrong value as an error shows it, and markdown
without raw HTML whose links and attributes are audited (nothing that could run a script reaches the page)."""
from __future__ import annotations

import datetime
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown

from .errors import BuildError, Problem

# the only link targets prose, captions and references may have: the web, mail, and places on the page
SAFE_URL = re.compile(r"(https?://|mailto:|#)", re.I)
# [words]{.live}: words that ask for what only a script gives (press play, drag the slider), shown only where
# scripts run: not with scripts off, not in print (style.css), not in previews, titles or metadata (without_live)
LIVE = re.compile(r"\[([^\[\]\n]+)\]\{\.live\}")
LIVE_MARK = "{.live}"
LIVE_HTML = re.compile(r'<span class="live">[^<]*(?:<(?!/?span\b)[^<]*)*</span>')


def shown(value) -> str:
    """A wrong value as an error shows it: its TOML type and a short repr ("a table {'a': 1}")."""
    if value is None:
        return "nothing"
    kind = {str: "text", bool: "true/false", int: "a whole number", float: "a number", list: "a list",
            dict: "a table", datetime.date: "a date", datetime.datetime: "a date and time",
            datetime.time: "a time"}.get(type(value), type(value).__name__)
    text = value.isoformat() if isinstance(value, (datetime.date, datetime.time)) else repr(value)
    return f"{kind} {text if len(text) <= 40 else text[:37] + '...'}"


class NoRawHTML(markdown.Extension):
    """Markdown without raw HTML: a tag written in prose, a caption or a footnote is printed as text (&lt;b&gt;),
    never passed through. Nothing in content/ writes HTML: emphasis, links, tables and math are markdown's."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


# what markdown (with attr_list, tables and footnotes) may put on the page; anything else is refused
MARKUP_TAGS = {"p", "a", "em", "strong", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
               "blockquote", "hr", "br", "img", "table", "thead", "tbody", "tr", "th", "td", "div", "sup", "sub",
               "span", "dl", "dt", "dd", "del", "ins", "abbr"}
MARKUP_ATTRIBUTES = {"id", "class", "href", "title", "src", "alt", "style", "start", "align", "colspan", "rowspan",
                     "lang", "dir", "width", "height", "rel", "role", "scope"}
URL_ATTRIBUTES = {"href", "src"}
ALIGN_STYLE = re.compile(r"\s*text-align:\s*(left|right|center);?\s*")


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (what is refused and why, the text to look for in the source)

    def handle_starttag(self, tag, attrs):
        if tag not in MARKUP_TAGS:
            self.found.append((f"the element <{tag}> is refused: markdown makes no such element", f"<{tag}"))
        for name, value in attrs:
            value = value or ""
            if name in URL_ATTRIBUTES and not safe_url(value):
                self.found.append((f"the link to {value!r} is refused: links go to http(s), mailto or a place on the "
                                   "page (#...)", value))
            elif name not in MARKUP_ATTRIBUTES and not name.startswith("aria-"):
                self.found.append((f"the attribute {name}= is refused: an attribute list {{: ...}} takes an id, "
                                   "classes and a title", name))
            elif name == "style" and not ALIGN_STYLE.fullmatch(value):
                self.found.append((f"the attribute style={value!r} is refused: only a table column's alignment",
                                   "style"))


def unsafe_markup(fragment: str) -> list[tuple[str, str]]:
    """What in HTML that markdown made could reach a reader as script: an element markdown does not make, an event
    or other attribute an attribute list ({: ...}) added, a link that is not http(s), mailto or #. Each as (what,
    the text to look for in the source, for its line)."""
    audit = _Audit()
    audit.feed(fragment)
    audit.close()
    return audit.found


def markdown_html(text: str, inline: bool = False) -> str:
    """Markdown as the page's renderer reads it (render.py): raw HTML escaped; tables, attribute lists and
    footnotes in prose, smart punctuation in a caption."""
    if inline:
        return markdown.markdown(text, extensions=[NoRawHTML(), "smarty"])
    return markdown.markdown(text, extensions=[NoRawHTML(), "footnotes", "tables", "attr_list", "smarty"])


def unsafe_links(text: str, inline: bool = False) -> list[str]:
    """What unsafe_markup refuses in markdown text (prose, or a caption with inline=True), as messages."""
    return [what for what, _ in unsafe_markup(markdown_html(text, inline))]


def markup_problems(text: str, path: Path, first_line: int, inline: bool = False, html_text: str | None = None,
                    source: str | None = None) -> list[Problem]:
    """unsafe_markup of markdown text (or of `html_text` made from it) as problems at the line where the source
    holds each (`source`: the text the lines count in; default `text`)."""
    source = text if source is None else source
    found = unsafe_markup(markdown_html(text, inline) if html_text is None else html_text)
    problems = []
    for what, needle in found:
        line = first_line + _line_in(source, needle)
        problems.append(Problem(path, what, line=line))
    return problems


def _line_in(source: str, needle: str) -> int:
    """The line (from 0) of the source that holds `needle` as markdown made it (character references decoded, a
    tab as spaces), else 0."""
    if not needle:
        return 0
    at = source.find(needle)
    if at >= 0:
        return source.count("\n", 0, at)
    decoded = html.unescape(source)  # a reference holds no newline: the lines stay where they were
    pattern = r"\s*".join(re.escape(c) for c in re.sub(r"\s+", "", needle)[:40])
    found = re.search(pattern, decoded, re.I) if pattern else None
    return decoded.count("\n", 0, found.start()) if found else 0


def safe_url(url: str) -> bool:
    """A link target prose, a caption or a reference may have: http(s), mailto or a place on the page (#...).
    Read as a browser reads it: character references decoded, and the whitespace and control characters it
    ignores (java&#x09;script:) dropped."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(str(url)))
    return bool(SAFE_URL.match(cleaned))


def live_problems(text: str, path: Path, line_of) -> list[Problem]:
    """Each {.live} that does not close a [words] span (on one line, without brackets inside) names its line."""
    closed = {m.end() for m in LIVE.finditer(text)}
    return [Problem(path, "'{.live}' must follow the words it hides without scripts, in brackets on one line "
                          "and with no bracket inside: [Press play, or drag the slider.]{.live}",
                    line=line_of(at.start()))
            for at in re.finditer(re.escape(LIVE_MARK), text) if at.end() not in closed]


def without_live(fragment: str) -> str:
    """Rendered HTML without its live spans: the text a preview, a title or the page's metadata reads."""
    return re.sub(r"  +", " ", LIVE_HTML.sub("", fragment)).strip()


def read_utf8(path: Path) -> str:
    """A content file's text, its lines ended by \n whatever the file used; bytes that are not UTF-8 are a content
    error naming the file and line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise BuildError([Problem(path, f"not UTF-8 text: byte {data[err.start]:#04x} at position {err.start}; "
                                        "save the file as UTF-8", line=line)]) from None
    # any line ending (Windows' \r\n, old Macs' \r) reads as \n, and a byte-order mark is no content
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
