"""The one writer: every file of the site goes through here, into a staging folder swapped in at the end."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path


def hashed_name(folder: str, name: str, content: bytes | str) -> str:
    """The site-relative path a file is published under: its name with a hash of its content (cacheable
    forever), known before anything is written, so the compute stage can point specs at it."""
    data = content.encode() if isinstance(content, str) else content
    stem, _, ext = name.rpartition(".")
    return f"{folder}/{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}"


class SiteWriter:
    def __init__(self, out: Path):
        self.out = Path(out).resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}-staging-", dir=self.out.parent))
        self.written: dict[str, int] = {}
        self.digests: dict[str, str] = {}  # each file's sha256, as written (the no-change stamp keeps them)

    def write(self, relative: str, content: bytes | str) -> str:
        data = content.encode() if isinstance(content, str) else content
        target = self.staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[relative] = len(data)
        self.digests[relative] = hashlib.sha256(data).hexdigest()
        return relative

    def hashed(self, folder: str, name: str, content: bytes | str) -> str:
        """Write under a content-hashed name (cacheable forever); return the site-relative path."""
        data = content.encode() if isinstance(content, str) else content
        relative = hashed_name(folder, name, data)
        if relative not in self.written:
            self.write(relative, data)
        return relative

    def json(self, relative: str, obj) -> str:
        return self.write(relative, json.dumps(obj, indent=1, sort_keys=True))

    def gzipped_size(self, relative: str) -> int:
        return len(gzip.compress((self.staging / relative).read_bytes(), compresslevel=6, mtime=0))

    def finish(self) -> None:
        """Swap the staging folder into place; the previous site survives until this moment."""
        old = None
        if self.out.exists():
            old = self.out.with_name(f".{self.out.name}-old-{os.getpid()}")
            os.rename(self.out, old)
        os.rename(self.staging, self.out)
        if old:
            shutil.rmtree(old)

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
