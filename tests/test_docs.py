"""The documentation as a project keeps it: a short README, guides in docs/ whose links and named files resolve, and
no file in the repository that reads as a development log."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# numbered stretches of work: a session or a round named by its number, alone or in pairs ("sessions N and M")
LOG_WORDING = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"\bsessions? \d+\b",
    r"\bsessions? \d+ (and|to|or) \d+\b",
    r"\bin round \d+\b",
    r"\bround \d+ of (the )?work\b",
    r"\b(this|last|next|previous|earlier) session'?s? (measurements|numbers|figures|work)\b",
)]
LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(`{3,}|~{3,})")


def _repository_files() -> list[Path]:
    """Tracked files, and new ones not ignored: what a commit of this tree would hold (never .git)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return sorted({ROOT / name for name in listed if name and (ROOT / name).is_file()})


def _text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _prose(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the Markdown outside fenced code blocks (a fence closes on one at least as long)."""
    out, fence = [], ""
    for number, line in enumerate(text.splitlines(), start=1):
        found = FENCE.match(line.strip())
        if found and not fence:
            fence = found.group(0)
        elif found and fence and found.group(0)[0] == fence[0] and len(found.group(0)) >= len(fence) \
                and not line.strip().strip(fence[0]):
            fence = ""
        elif not fence:
            out.append((number, line))
    return out


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation removed, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for _, line in _prose(path.read_text(encoding="utf-8"))
            if re.match(r"#{1,6} ", line)}


def test_the_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200, f"README.md has {len(lines)} lines: move the detail to docs/"


def test_the_readme_links_every_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for guide in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{guide.name})" in readme, f"README.md does not link docs/{guide.name}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(doc):
    """Links to files of the repository exist, and their #anchors name a heading there."""
    broken = []
    for number, line in _prose(doc.read_text(encoding="utf-8")):
        for match in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
            target = match.group(1) or match.group(2)
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            name, _, anchor = target.partition("#")
            path = (doc.parent / name).resolve() if name else doc
            if not path.exists() or ROOT not in path.parents:
                broken.append(f"{doc.name}:{number}: {target} (no such file)")
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append(f"{doc.name}:{number}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_named_file_exists(doc):
    """A path in backticks under one of the repository's own folders (`generator/cache.py`, `tests/bench/`) exists;
    build output (site/, .cache/) and patterns (`content/<nn>-<slug>.md`) are not files to find."""
    tracked = {path.relative_to(ROOT).parts[0] for path in _repository_files()}
    missing = []
    for number, line in _prose(doc.read_text(encoding="utf-8")):
        for span in re.findall(r"`([^`\s]+)`", line):
            if not re.fullmatch(r"[\w.-]+(/[\w.-]+)*/?", span) or span.split("/")[0] not in tracked:
                continue
            if "/" not in span and "." not in span:
                continue  # a bare word that happens to name a folder
            if not (ROOT / span).exists():
                missing.append(f"{doc.name}:{number}: `{span}`")
    assert not missing, "named but not in the repository:\n" + "\n".join(missing)


def test_no_file_reads_as_a_development_log():
    """Documents, comments and docstrings say what is, not which stretch of work did it: measurements carry a date,
    a commit and a machine (docs/benchmarks.md), never a session's or a round's number."""
    found = []
    for path in _repository_files():
        text = _text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for pattern in LOG_WORDING:
                hit = pattern.search(line)
                if hit:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {hit.group(0)!r}")
    assert not found, "development-log wording:\n" + "\n".join(found)
