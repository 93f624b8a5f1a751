"""One build at a time on one cache and one output folder, and nothing left behind by a build that was killed.

The locks are flock(2) locks: the kernel drops them when the holding process dies, even by kill -9, so a
stale lock never blocks the next build. Holding both, a build may remove what a killed build left: staging
and old-site folders beside the output, half-written cache entries."""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from pathlib import Path

from .errors import BuildError, Problem


@contextlib.contextmanager
def exclusive(cache: Path, out: Path, wait: float = 0, log=print):
    """Both locks, or a BuildError in one line; with `wait` > 0, first wait that many seconds for the build
    holding them to finish (saying so once)."""
    cache, out = Path(cache), Path(out).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    # the locks sit beside the folders they guard, so a refused build leaves both byte-identical
    with _held(cache.parent / f".{cache.name}.lock", wait, log), _held(out.parent / f".{out.name}.lock", wait, log):
        _sweep(cache, out)
        yield


@contextlib.contextmanager
def _held(path: Path, wait: float, log):
    handle = open(path, "a+")
    deadline, said = time.monotonic() + wait, False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            if time.monotonic() >= deadline:
                handle.close()
                raise BuildError([Problem(path, f"another build (pid {holder}) is using this; wait for it to finish "
                                                "or stop it, then build again")]) from None
            if not said:
                log(f"waiting for another build (pid {holder}) to finish with {path.name} (up to {wait:.0f} s)")
                said = True
            time.sleep(0.5)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing drops the lock


def _sweep(cache: Path, out: Path) -> None:
    """What killed builds left: staging and old-site folders beside the output, cache entries half written."""
    for leftover in list(out.parent.glob(f".{out.name}-staging-*")) + list(out.parent.glob(f".{out.name}-old-*")):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in cache.glob("*/*/.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
