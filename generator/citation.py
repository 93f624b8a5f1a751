"""How to cite the article, and what it says about itself: authors, dates, licence, the source it was built from,
its updates; a BibTeX entry and a plain citation; Google Scholar (citation_*), Open Graph and Twitter metadata and
a JSON-LD ScholarlyArticle for the page's head; the credit line of each figure's own page.

From content/site.toml:

    authors = ["A. Name"]                      # or tables:
    [[authors]]
    name = "A. Name"
    affiliation = "Somewhere"                  # optional
    url = "https://..."                        # optional
    organisation = true                        # optional: a group, not a person (BibTeX keeps it whole)

    published = 2026-11-22                     # TOML dates; updated defaults to the newest changelog.toml entry
    updated = 2026-11-29
    base_url = "https://..."                   # the canonical address (empty: links stay relative)
    licence = "CC BY 4.0"                      # text and figures; this is the default, with its URL
    licence_url = "https://creativecommons.org/licenses/by/4.0/"
    repository = "https://..."                 # where the source is (empty: not published)
    image = "figure-id"                        # the figure whose still is og:image (default: the first)
    bibtex_key = "name2026title"               # default: derived from the first author, year and title

content/changelog.toml holds the updates and corrections, newest first: [[change]] tables, each with a date and
a text in markdown.
The commit the page is built from is read with `git rev-parse HEAD` (else "unknown"); nothing else about the
machine or the time of the build reaches the page, so one commit builds one page.
"""
from __future__ import annotations

import datetime
import html
import json
import re
import subprocess
import tomllib
from pathlib import Path

import markdown

from .markup import NoRawHTML, markup_problems, shown
from .errors import Problem, key_line

CC_BY = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
CHANGELOG = "changelog.toml"
AUTHOR_KEYS = {"name", "affiliation", "url", "organisation"}
STRING_KEYS = ("licence", "licence_url", "repository", "image", "bibtex_key", "base_url")
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def load(path: Path, site: dict, problems: list[Problem]) -> dict:
    """site.toml's cite-this keys checked and filled in (authors as tables, dates, licence), with the changelog
    beside it and the commit the build reads; problems name the file and the key or line."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""

    def problem(message, key, line=None):
        problems.append(Problem(path, message, line=line or key_line(text, key), key=key))

    authors = _authors(site, text, problem)
    for key in STRING_KEYS:
        if key in site and not isinstance(site[key], str):
            problem(f"'{key}' must be text in quotes, got {shown(site[key])}", key)
    for key in ("licence_url", "repository", "base_url"):
        value = site.get(key, "")
        if isinstance(value, str) and value and not re.match(r"https?://", value):
            problem(f"'{key}' must start with http:// or https://, got {value!r}", key)
    dates = {}
    for key in ("published", "updated"):
        value = site.get(key)
        if value is not None and not (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
            problem(f"'{key}' must be a date written as YYYY-MM-DD, without quotes, got {shown(value)}", key)
            value = None
        dates[key] = value
    changes = changelog(path.parent / CHANGELOG, problems)
    published = dates["published"]
    updated = dates["updated"] or (changes[0]["date"] if changes else None) or published
    if published and updated and updated < published:
        problem(f"'updated' ({updated}) is before 'published' ({published})", "updated")
    licence = site.get("licence") if isinstance(site.get("licence"), str) else None
    licence_url = site.get("licence_url") if isinstance(site.get("licence_url"), str) else None
    if licence is None:
        licence, licence_url = CC_BY[0], licence_url or CC_BY[1]
    return {"authors": authors, "published": published, "updated": updated, "licence": licence,
            "licence_url": licence_url or "", "repository": str(site.get("repository", "") or ""),
            "changes": changes, "source": source(path.parent)}


def _authors(site: dict, text: str, problem) -> list[dict]:
    """site.toml's authors as tables (name, affiliation, url, organisation); each wrong one said through
    `problem(message, key, line)`, at its [[authors]] table's line where it has one (`text`: site.toml)."""
    headers = [n for n, raw in enumerate(text.splitlines(), start=1) if raw.strip() == "[[authors]]"]
    authors = []
    raw = site.get("authors", [])
    if not isinstance(raw, list) or not raw:
        problem("'authors' must be a non-empty list of names or of tables (name, affiliation, url)", "authors")
        raw = []
    for i, author in enumerate(raw):
        author_line = headers[i] if i < len(headers) else None  # an [[authors]] table's line
        if isinstance(author, str):
            author = {"name": author}
        if not isinstance(author, dict) or not isinstance(author.get("name"), str) or not author["name"].strip():
            problem(f"author {i + 1}: give a name (a string, or a table with name = \"...\")", "authors",
                    author_line)
            continue
        unknown = set(author) - AUTHOR_KEYS
        if unknown:
            problem(f"author '{author['name']}': unknown keys {', '.join(sorted(unknown))}; known: "
                    f"{', '.join(sorted(AUTHOR_KEYS))}", "authors", author_line)
        for key in ("affiliation", "url"):
            if key in author and not isinstance(author[key], str):
                problem(f"author '{author['name']}': '{key}' must be text in quotes, got {shown(author[key])}",
                        "authors", author_line)
                author = {k: v for k, v in author.items() if k != key}
        if "organisation" in author and not isinstance(author["organisation"], bool):
            problem(f"author '{author['name']}': 'organisation' must be true or false, got "
                    f"{shown(author['organisation'])}", "authors", author_line)
        url = author.get("url", "")
        if url and not re.match(r"https?://", str(url)):
            problem(f"author '{author['name']}': url must start with http:// or https://, got {url!r}", "authors",
                    author_line)
        authors.append({"name": author["name"].strip(), "affiliation": str(author.get("affiliation", "")),
                        "url": str(url), "organisation": bool(author.get("organisation", False))})
    return authors


def changelog(path: Path, problems: list[Problem]) -> list[dict]:
    """content/changelog.toml as [{"date", "html"}], newest first; each [[change]] has a date and a text
    (markdown, never raw HTML). Problems name the file and the line."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        problems.append(Problem(path, f"not valid TOML: {err}", line=int(found.group(1)) if found else None))
        return []
    starts = [number for number, raw in enumerate(text.splitlines(), start=1) if raw.strip() == "[[change]]"]
    unknown = set(data) - {"change"}
    if unknown:
        problems.append(Problem(path, f"unknown keys {', '.join(sorted(unknown))}: a changelog holds [[change]] "
                                      "tables (date, text)", line=1))
    entries: list[dict] = []
    for i, change in enumerate(data.get("change", [])):
        line = starts[i] if i < len(starts) else None
        date, body = change.get("date"), change.get("text")
        if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
            problems.append(Problem(path, "a change needs date = YYYY-MM-DD (a TOML date, no quotes)", line=line,
                                    key="change.date"))
            continue
        if not isinstance(body, str) or not body.strip():
            problems.append(Problem(path, f"change of {date} needs text = \"...\"", line=line, key="change.text"))
            continue
        if set(change) - {"date", "text"}:
            problems.append(Problem(path, f"change of {date}: unknown keys "
                                          f"{', '.join(sorted(set(change) - {'date', 'text'}))}", line=line))
        made = markdown.markdown(html.escape(body.strip(), quote=False), extensions=[NoRawHTML(), "smarty"])
        problems += markup_problems(body, path, line or 1, html_text=made, source="")  # no javascript: link
        entries.append({"date": date, "line": line, "html": made})
    for newer, older in zip(entries, entries[1:]):
        if older["date"] > newer["date"]:
            problems.append(Problem(path, f"changes go newest first: {older['date']} comes after {newer['date']}",
                                    line=older["line"]))
    return entries


def source(folder: Path) -> dict:
    """The commit the page is built from (`git rev-parse HEAD` where the content lives), its date, and whether
    the working tree differed from it; "unknown" outside a git checkout."""
    def git(*args):
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None
    commit = git("rev-parse", "HEAD")
    if not commit:
        return {"commit": "unknown", "short": "unknown", "date": None, "modified": False}
    date = git("log", "-1", "--format=%cs", commit)
    # what the page is made of: this content folder (new files too) and the generator's code and templates
    status = git("status", "--porcelain", "--", ".", ":/generator", ":/templates")
    return {"commit": commit, "short": commit[:7], "date": datetime.date.fromisoformat(date) if date else None,
            "modified": bool(status)}


def check(site: dict, sections, path: Path) -> list[Problem]:
    """site.toml's `image` names a figure of the article (before anything trains)."""
    image = site.get("image")
    ids = [fig.id for s in sections for fig in s.figures]
    if isinstance(image, str) and image not in ids:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        return [Problem(path, f"'image' names no figure of the article: '{image}'", line=key_line(text, "image"),
                        key="image")]
    return []


# ---- what the page shows

def author_names(authors: list[dict]) -> str:
    names = [a["name"] for a in authors]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def canonical(site: dict) -> str:
    return site["base_url"].rstrip("/") + "/" if site.get("base_url") else ""


def year(site: dict) -> int | None:
    date = site.get("published") or site.get("updated") or (site["source"]["date"] if site.get("source") else None)
    return date.year if date else None


def bibtex(site: dict) -> str:
    """A BibTeX @misc entry (an @article needs a journal): authors, title, year and month, the canonical URL,
    and the commit in a note."""
    when = site.get("published") or site.get("updated")
    fields = [("author", " and ".join("{" + _tex(a["name"]) + "}" if a["organisation"] else _tex(a["name"])
                                      for a in site["authors"])),
              ("title", "{" + _tex(site["title"]) + "}")]
    if when:
        fields += [("year", str(when.year)), ("month", MONTHS[when.month - 1])]
    url = canonical(site)
    if url:
        fields.append(("url", url))
        fields.append(("howpublished", "\\url{" + url + "}"))
        if site.get("updated"):
            fields.append(("urldate", site["updated"].isoformat()))
    note = "Interactive article"
    if site["source"]["commit"] != "unknown":
        note += f", built from commit {site['source']['short']}"
    fields.append(("note", note))
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(site)},\n{body}\n}}"


def bibtex_key(site: dict) -> str:
    """site.toml's bibtex_key, else the first author's last name (a group's first word), year, first title word."""
    if site.get("bibtex_key"):
        return site["bibtex_key"]
    stop = {"a", "an", "the", "how", "on", "of", "and"}
    first = site["authors"][0]
    words = first["name"].split()
    name = next((w for w in words if w.lower() not in stop), words[0]) if first["organisation"] else words[-1]
    title = [w for w in re.findall(r"[a-z0-9]+", site["title"].lower()) if w not in stop]
    return f"{re.sub(r'[^a-z0-9]', '', name.lower())}{year(site) or ''}{title[0] if title else ''}"


def _tex(text: str) -> str:
    """Text as BibTeX field content: LaTeX's special characters escaped."""
    special = {"\\": "\\textbackslash{}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"}
    return re.sub(r"[\\&%$#_{}~^]", lambda m: special.get(m.group(0), "\\" + m.group(0)), text)


def plain(site: dict) -> str:
    """Authors (year). Title. URL, commit."""
    when = f" ({year(site)})" if year(site) else ""
    url = f" {canonical(site)}" if canonical(site) else ""
    commit = f", built from commit {site['source']['short']}" if site["source"]["commit"] != "unknown" else ""
    return f"{author_names(site['authors'])}{when}. {site['title']}. Interactive article{commit}.{url}"


def head(site: dict, references: list[dict], image_figure: dict | None, root: str) -> dict:
    """<head> metadata of the article: citation_* for Google Scholar, Open Graph, Twitter card, JSON-LD."""
    url = canonical(site)
    image = (url or root) + image_figure["still_url"] if image_figure else ""
    published, updated = site.get("published"), site.get("updated")
    tags = [("name", "citation_title", site["title"])]
    for author in site["authors"]:
        tags.append(("name", "citation_author", author["name"]))
        if author["affiliation"]:
            tags.append(("name", "citation_author_institution", author["affiliation"]))
    if published:
        tags += [("name", "citation_publication_date", published.strftime("%Y/%m/%d")),
                 ("name", "citation_online_date", published.strftime("%Y/%m/%d"))]
    if url:
        tags += [("name", "citation_fulltext_html_url", url), ("name", "citation_public_url", url)]
    tags.append(("name", "citation_language", site.get("language", "en")))
    for ref in references:
        parts = [f"citation_title={ref['title']}", f"citation_author={ref['authors']}",
                 f"citation_publication_date={ref['year']}"]
        if ref.get("url"):
            parts.append(f"citation_fulltext_html_url={ref['url']}")
        tags.append(("name", "citation_reference", ";".join(p.replace(";", ",") for p in parts)))
    tags += [("property", "og:type", "article"), ("property", "og:title", site["title"]),
             ("property", "og:description", site["description"]), ("property", "og:site_name", site["title"])]
    if re.fullmatch(r"[a-z]{2}[-_][A-Z]{2}", site.get("language", "")):  # Open Graph wants language_TERRITORY
        tags.append(("property", "og:locale", site["language"].replace("-", "_")))
    if url:
        tags.append(("property", "og:url", url))
    if image:
        tags += [("property", "og:image", image),
                 ("property", "og:image:alt", image_figure["alt"] or image_figure["caption_text"])]
    if published:
        tags.append(("property", "article:published_time", published.isoformat()))
    if updated:
        tags.append(("property", "article:modified_time", updated.isoformat()))
    tags += [("name", "twitter:card", "summary_large_image" if image else "summary"),
             ("name", "twitter:title", site["title"]), ("name", "twitter:description", site["description"])]
    if image:
        tags += [("name", "twitter:image", image),
                 ("name", "twitter:image:alt", image_figure["alt"] or image_figure["caption_text"])]
    return {"canonical": url, "tags": tags, "json_ld": json_ld(site, references, image)}


def json_ld(site: dict, references: list[dict], image: str) -> str:
    """schema.org ScholarlyArticle, as the text of a <script type="application/ld+json"> (</ cannot end it)."""
    def person(author):
        out = {"@type": "Organization" if author["organisation"] else "Person", "name": author["name"]}
        if author["url"]:
            out["url"] = author["url"]
        if author["affiliation"]:
            out["affiliation"] = {"@type": "Organization", "name": author["affiliation"]}
        return out
    data = {"@context": "https://schema.org", "@type": "ScholarlyArticle", "headline": site["title"],
            "name": site["title"], "description": site["description"], "inLanguage": site.get("language", "en"),
            "author": [person(a) for a in site["authors"]], "license": site["licence_url"] or site["licence"],
            "citation": [{"@type": "CreativeWork", "name": r["title"], "author": r["authors"],
                          "datePublished": str(r["year"])} | ({"url": r["url"]} if r.get("url") else {})
                         for r in references]}
    if site.get("published"):
        data["datePublished"] = site["published"].isoformat()
    if site.get("updated"):
        data["dateModified"] = site["updated"].isoformat()
    if canonical(site):
        data["url"] = data["mainEntityOfPage"] = canonical(site)
    if image:
        data["image"] = image
    if site.get("repository"):
        data["isBasedOn"] = {"@type": "SoftwareSourceCode", "codeRepository": site["repository"],
                             "version": site["source"]["commit"]}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def figure_head(site: dict, fig: dict, root: str) -> dict:
    """<head> metadata of a figure's own page: Open Graph and Twitter card with its still, and its credit."""
    url = canonical(site)
    page = f"{url}figures/{fig['id']}/" if url else ""
    image = f"{url or root}{fig['still_url']}"
    title = f"{fig['number_label']}: {figure_title(fig)}"
    tags = [("property", "og:type", "article"), ("property", "og:title", title),
            ("property", "og:description", fig["alt"] or fig["caption_text"]),
            ("property", "og:site_name", site["title"]), ("property", "og:image", image),
            ("property", "og:image:alt", fig["alt"] or fig["caption_text"]),
            ("name", "twitter:card", "summary_large_image"), ("name", "twitter:title", title),
            ("name", "twitter:image", image)]
    if page:
        tags.insert(2, ("property", "og:url", page))
    return {"canonical": page, "tags": tags, "json_ld": ""}


def figure_title(fig: dict) -> str:
    """A figure's title: its caption's first sentence, as plain text."""
    text = fig["caption_text"].strip()
    found = re.search(r"[.!?](\s|$)", text)
    return text[:found.start() + 1] if found else text


def figure_credit(site: dict, fig: dict) -> dict:
    """What a figure's own page says about it: number, title, where it comes from, its licence."""
    return {"number": fig["number_label"], "title": figure_title(fig), "article": site["title"],
            "authors": author_names(site["authors"]), "year": year(site), "licence": site["licence"],
            "licence_url": site["licence_url"], "anchor": f"#fig-{fig['id']}"}
