"""Content-addressed store: entries keyed by a hash of everything that made them, written atomically.

Runs are .npz arrays plus spec.json (why the key exists); derived artifacts are files plus meta.json.
Never pickle, never modification times.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

FORMAT = 1


def digest(*parts) -> str:
    """A stable hash of JSON-able parts (dicts are key-sorted)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def source_hash(*modules: str) -> str:
    """Hash of the source files of generator modules, e.g. 'train', 'figures/morph'."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in modules:
        h.update(name.encode())
        h.update((here / f"{name}.py").read_bytes())
    return h.hexdigest()


def versions(*packages: str) -> dict:
    """Installed versions, read without importing the packages (importing torch costs over a second)."""
    return {p: metadata.version(p) for p in packages}


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def has(self, kind: str, key: str) -> bool:
        return (self.path(kind, key) / "meta.json").exists()

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
            (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, **meta}, indent=1, sort_keys=True))
            if final.exists():
                shutil.rmtree(final)
            os.rename(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
        return final

    def meta(self, kind: str, key: str) -> dict:
        return json.loads((self.path(kind, key) / "meta.json").read_text())

    def arrays(self, kind: str, key: str) -> dict[str, np.ndarray]:
        with np.load(self.path(kind, key) / "arrays.npz", allow_pickle=False) as z:
            return {k: z[k] for k in z.files}

    def file(self, kind: str, key: str, name: str) -> bytes:
        return (self.path(kind, key) / name).read_bytes()
