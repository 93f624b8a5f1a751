"""Content-addressed store: entries keyed by a hash of everything that made them, written atomically.

Runs are .npz arrays plus spec.json (why the key exists); derived artifacts are files plus meta.json.
Never pickle, never modification times.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

FORMAT = 1


def digest(*parts) -> str:
    """A stable hash of JSON-able parts (dicts are key-sorted)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


PACKAGE = Path(__file__).parent


def source_hash(*modules: str, package: Path = PACKAGE) -> str:
    """Hash of the source files of generator modules, e.g. 'train', 'figures/morph'."""
    h = hashlib.sha256()
    for name in modules:
        h.update(name.encode())
        h.update(_source(package, name))
    return h.hexdigest()


def code_hash(*entries: str, package: Path = PACKAGE) -> str:
    """Hash of every generator module that the entry modules import, directly or not, at top level or inside a
    function: the key of anything they compute follows the code that computes it, found from the code itself."""
    return _remembered(("code", entries, package), lambda: source_hash(
        *sorted(set().union(*(import_closure(e, package) for e in entries))), package=package))


_memo: dict | None = None  # while a build runs (`remembering`): each source read once, each code hash made once


@contextlib.contextmanager
def remembering():
    """Within one build, read each generator source once and compute each code hash once (a build asks for the
    same few hundred times); nothing is kept between builds, whose sources may differ."""
    global _memo
    previous, _memo = _memo, {}
    try:
        yield
    finally:
        _memo = previous


def _remembered(key, compute):
    if _memo is None:
        return compute()
    if key not in _memo:
        _memo[key] = compute()
    return _memo[key]


def remembered_for(owner, name: str, compute):
    """compute(), once per build for one object (a run's arrays, which `Store.arrays` shares within a build)."""
    held = _remembered((name, id(owner)), lambda: (owner, compute()))
    return held[1] if held[0] is owner else compute()


def import_closure(entry: str, package: Path = PACKAGE) -> set[str]:
    """The generator modules (as 'analysis/claims') reachable from entry through its imports."""
    seen, todo = set(), [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [m for m in _imports(package, name) if m not in seen]
    return seen


def _source(package: Path, name: str) -> bytes:
    def read():
        path = package / f"{name}.py"
        return path.read_bytes() if path.exists() else (package / name / "__init__.py").read_bytes()
    return _remembered(("source", package, name), read)


def _imports(package: Path, name: str) -> list[str]:
    """Generator modules one module imports: `from . import x`, `from .x import y`, `from ..x import y`,
    `import generator.x`; a name imported from a package counts as its submodule when one exists. Parsed
    once per source text (a build asks for the same closures a few hundred times)."""
    return _parsed_imports(package, name, _source(package, name))


@functools.lru_cache(maxsize=1024)
def _parsed_imports(package: Path, name: str, source: bytes) -> list[str]:
    import ast
    here = name.split("/")[:-1] if (package / f"{name}.py").exists() else name.split("/")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - (node.level - 1)] if node.level > 1 else list(here)
            elif (node.module or "").split(".")[0] == "generator":
                base = []
                node = ast.ImportFrom(module=".".join(node.module.split(".")[1:]) or None, names=node.names, level=1)
            else:
                continue
            parts = base + (node.module.split(".") if node.module else [])
            if parts:
                found.append("/".join(parts))
            found += ["/".join(parts + [a.name]) for a in node.names]
        elif isinstance(node, ast.Import):
            found += ["/".join(a.name.split(".")[1:]) for a in node.names if a.name.startswith("generator.")]
    return [m for m in found if m and ((package / f"{m}.py").exists() or (package / m / "__init__.py").exists())]


def versions(*packages: str) -> dict:
    """Installed versions, read without importing the packages (importing torch costs over a second); read
    once per process (reading package metadata is a quarter of a no-change rebuild otherwise)."""
    return {p: _version(p) for p in packages}


@functools.cache
def _version(package: str) -> str:
    return metadata.version(package)


class CorruptEntry(Exception):
    """A cache entry that failed its digest check when read; it has been removed, so computing again rewrites it."""

    def __init__(self, kind: str, key: str, name: str):
        super().__init__(f"cache entry {kind}/{key[:12]}: {name} does not match the digest stored when it was "
                         f"written; removed, computing it again")
        self.kind, self.key, self.name = kind, key, name


DIGESTS = "_digests"    # in meta.json: each file's [size, sha256] at write time
SEAL = "meta.sha256"    # beside meta.json: the sha256 of meta.json itself (an edited claim is caught too)


class Store:
    """Entries are written whole (a temporary folder renamed into place) and verified when read: `has` checks
    the seal of meta.json and every file's size (cheap: no data read), each read checks the bytes' sha256.
    A damaged entry (truncated, emptied, bit-flipped or edited by hand) is reported in one line through
    `warn`, removed, and counts as missing, so it is computed again and never published."""

    def __init__(self, root: Path, warn=None):
        self.root = Path(root)
        self.warn = warn or (lambda text: print(text, file=sys.stderr))
        self._verified: dict[tuple[str, str], tuple[tuple[int, int], dict]] = {}

    def path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def has(self, kind: str, key: str) -> bool:
        folder = self.path(kind, key)
        if not (folder / "meta.json").exists():
            return False
        try:
            meta = self._meta(kind, key)
            for name, (size, _) in meta[DIGESTS].items():
                if (folder / name).stat().st_size != size:
                    raise CorruptEntry(kind, key, name)
        except FileNotFoundError:
            self._drop(CorruptEntry(kind, key, "a file"))
            return False
        except CorruptEntry as err:
            self._drop(err)
            return False
        return True

    def put(self, kind: str, key: str, meta: dict, files: dict[str, bytes] | None = None,
            arrays: dict[str, np.ndarray] | None = None) -> Path:
        """Write an entry into a temporary folder, then rename it into place (atomic)."""
        final = self.path(kind, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=final.parent))
        try:
            for name, blob in (files or {}).items():
                (tmp / name).write_bytes(blob)
            if arrays is not None:
                np.savez_compressed(tmp / "arrays.npz", **arrays)
            digests = {p.name: [p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()]
                       for p in sorted(tmp.iterdir())}
            text = json.dumps({"format": FORMAT, **meta, DIGESTS: digests}, indent=1, sort_keys=True).encode()
            (tmp / "meta.json").write_bytes(text)
            (tmp / SEAL).write_text(hashlib.sha256(text).hexdigest())
            if final.exists():
                shutil.rmtree(final)
            os.rename(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
        return final

    def meta(self, kind: str, key: str) -> dict:
        try:
            return self._meta(kind, key)
        except CorruptEntry as err:
            raise self._drop(err)

    def arrays(self, kind: str, key: str) -> dict[str, np.ndarray]:
        """An entry's arrays; within one build (`remembering`) read and unpacked once, the same read-only arrays
        for every figure that asks (a run's snapshots are read by up to six figures)."""
        def load():
            blob = self.file(kind, key, "arrays.npz")
            with np.load(io.BytesIO(blob), allow_pickle=False) as z:
                found = {k: z[k] for k in z.files}
            if _memo is not None:
                for value in found.values():
                    value.flags.writeable = False  # shared: a figure that wrote into a run would change the next
            return found
        return _remembered(("arrays", self.root, kind, key), load)

    def file(self, kind: str, key: str, name: str) -> bytes:
        try:
            blob = (self.path(kind, key) / name).read_bytes()
            size, sha = self._meta(kind, key)[DIGESTS].get(name, (None, None))
            if sha is None or len(blob) != size or hashlib.sha256(blob).hexdigest() != sha:
                raise CorruptEntry(kind, key, name)
        except FileNotFoundError:
            raise self._drop(CorruptEntry(kind, key, name)) from None
        except CorruptEntry as err:
            raise self._drop(err) from None
        return blob

    def _meta(self, kind: str, key: str) -> dict:
        """meta.json checked against its seal; an entry's files are each checked against it, so it is read and
        verified once while it stays unchanged (its size and modification time), not once per file."""
        folder = self.path(kind, key)
        stat = (folder / "meta.json").stat()
        known = self._verified.get((kind, key))
        if known and known[0] == (stat.st_mtime_ns, stat.st_size):
            return known[1]
        text = (folder / "meta.json").read_bytes()
        seal = folder / SEAL
        if not seal.exists() or seal.read_text().strip() != hashlib.sha256(text).hexdigest():
            raise CorruptEntry(kind, key, "meta.json")  # also an entry written before entries were sealed
        meta = json.loads(text)
        if DIGESTS not in meta:
            raise CorruptEntry(kind, key, "meta.json")
        self._verified[(kind, key)] = ((stat.st_mtime_ns, stat.st_size), meta)
        return meta

    def _drop(self, err: CorruptEntry) -> CorruptEntry:
        """Report in one line and remove the entry (atomically: renamed aside first)."""
        self.warn(str(err))
        self._verified.pop((err.kind, err.key), None)
        folder = self.path(err.kind, err.key)
        if folder.exists():
            aside = folder.with_name(f".tmp-corrupt-{folder.name}")
            shutil.rmtree(aside, ignore_errors=True)
            os.rename(folder, aside)
            shutil.rmtree(aside, ignore_errors=True)
        return err
