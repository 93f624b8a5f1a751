"""A rebuild with nothing changed: the digest of everything a build reads, and of the site it wrote.

A successful build leaves a stamp in the cache: the digest of its inputs (every file of the content folder,
the generator's code, the templates, Vega's runtime, the installed packages, the commit, the profile, the
output folder) and the sha256 of every file it published. When the next build finds the same inputs and a site
whose files still hash to the stamp, the site is current: nothing is read from the cache, trained or written.
Any edit, a damaged or missing site file, or another build holding the locks sends the build down the whole
path (which also verifies every cache entry it reads). Content, not modification times, decides.

Kept light on purpose: the command line asks it before importing the build (numpy, jinja2, markdown, ...).
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from . import numeric

ROOT = Path(__file__).resolve().parent.parent
VERSION = 1
SKIP = {"__pycache__", "node_modules", ".git"}
VEGA_RUNTIME = ROOT / "templates" / "vendor" / "node_modules" / "vega" / "build" / "vega.min.js"


def _files(folder: Path):
    """Every file under folder, in a stable order, skipping caches, packages and dot-files."""
    for here, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and not name.endswith(".pyc"):
                yield Path(here) / name


def _installed() -> list[str]:
    """Name and version of every installed package (the dist-info folders' names): any upgrade counts."""
    found = []
    for entry in sys.path:
        if entry.endswith("site-packages") and os.path.isdir(entry):
            found += sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-link", ".pth")))
    return found


def _commit(folder: Path) -> str:
    """The commit the page names (citation.source reads it the same way), '' outside a checkout."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def inputs(content_dir: Path, out: Path, profile: str) -> str:
    """The digest of what a build of content_dir into out reads."""
    content_dir = Path(content_dir).resolve()
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)

    for folder, name in ((content_dir, "content"), (ROOT / "generator", "generator"), (ROOT / "templates", "templates")):
        for path in _files(folder):
            add(f"{name}/{path.relative_to(folder).as_posix()}", path.read_bytes())
    for path in (VEGA_RUNTIME, ROOT / "pyproject.toml"):
        add(path.name, path.read_bytes() if path.exists() else b"")
    # the page's date is the commit's, SOURCE_DATE_EPOCH's or (outside a checkout) today's
    facts = [VERSION, profile, str(Path(out).resolve()), sys.version, _installed(), _commit(content_dir),
             os.environ.get("SOURCE_DATE_EPOCH", ""), datetime.date.today().isoformat(),
             numeric.cpu()[0], numeric.path()]  # the processor and its numeric path: a cache copied to another machine trains anew
    add("facts", json.dumps(facts).encode())
    return h.hexdigest()


def _path(cache: Path, out: Path, profile: str) -> Path:
    where = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:16]
    return Path(cache) / "stamps" / f"{profile}-{where}.json"


def _site_files(out: Path) -> dict[str, str]:
    out = Path(out)
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (out / r / n for r, _, names in os.walk(out) for n in names)}


def current(cache: Path, out: Path, digest: str, profile: str) -> dict | None:
    """The last build's report if its stamp matches `digest` and every file of out still hashes to it."""
    try:
        stamp = json.loads(_path(cache, out, profile).read_text())
        if stamp.get("inputs") != digest or _site_files(out) != stamp["site"]:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return stamp["report"]


def seal(cache: Path, out: Path, digest: str, profile: str, report: dict, site: dict[str, str]) -> None:
    """After a successful build: what it read and what it published (`site`: each file's sha256, from the
    writer, which hashed the bytes as it wrote them)."""
    path = _path(cache, out, profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps({"inputs": digest, "site": site, "report": report}, sort_keys=True))
    os.replace(partial, path)


def forget(cache: Path, out: Path, profile: str) -> None:
    """Before a build changes out: the old stamp no longer describes what will be there."""
    _path(cache, out, profile).unlink(missing_ok=True)


def unchanged(cache: Path, content_dir: Path, out: Path, profile: str) -> tuple[str, dict | None]:
    """The inputs' digest, and the last build's report if the site is current. A build holding either lock
    may be about to change the site, so then the answer is no (the caller takes the whole path, and waits)."""
    from . import lock
    from .errors import BuildError
    digest = inputs(content_dir, out, profile)
    try:
        with lock.exclusive(Path(cache), Path(out), 0, log=lambda *_: None):
            return digest, current(cache, out, digest, profile)
    except BuildError:
        return digest, None


def said(out: Path, seconds: float) -> str:
    return (f"{out} is current: content, code, templates, packages and the site's files match the last build "
            f"(checked in {seconds:.2f} s; --force rebuilds)")
