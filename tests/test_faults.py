"""Faults during a build: a second build refuses in one line, a killed build leaves no process behind, and the
next build sweeps what it left."""
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import build
from generator.errors import BuildError
from tests.test_prose import tiny_content

ROOT = Path(__file__).resolve().parent.parent


def test_a_second_build_on_the_same_cache_refuses_in_one_line(tmp_path):
    folder = tiny_content(tmp_path, "")
    cache = tmp_path / "cache"
    with open(tmp_path / ".cache.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        with pytest.raises(BuildError) as err:
            build(folder, tmp_path / "site", profile="full", cache_dir=cache, log=lambda *a: None)
    assert "another build (pid 4242)" in str(err.value) and len(str(err.value).splitlines()) == 1
    assert not (tmp_path / "site").exists()


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


def test_a_killed_build_leaves_no_worker_and_the_next_build_sweeps_its_staging(tmp_path):
    folder = tiny_content(tmp_path, "")
    path = folder / "experiments" / "curves-line.toml"
    path.write_text(path.read_text().replace("steps = 200", "steps = 400000"))  # long enough to be killed
    out, cache = tmp_path / "site", tmp_path / "cache"
    code = (f"from pathlib import Path; from generator.build import build; build(Path({str(folder)!r}), "
            f"Path({str(out)!r}), profile='full', cache_dir=Path({str(cache)!r}), log=lambda *a: None)")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 60
    workers = []
    while time.monotonic() < deadline and not workers:
        time.sleep(0.5)
        workers = children(parent.pid)
    assert workers, "the build started no worker"
    time.sleep(2)
    (tmp_path / ".site-staging-left").mkdir()  # as a build killed while writing would leave it
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.2)
    assert not any(alive(p) for p in workers), "worker processes outlived the killed build"
    path.write_text(path.read_text().replace("steps = 400000", "steps = 20"))
    build(folder, out, profile="full", cache_dir=cache, log=lambda *a: None)
    assert (out / "index.html").exists() and not (tmp_path / ".site-staging-left").exists()


def test_a_second_build_told_to_wait_waits_for_the_first(tmp_path):
    folder = tiny_content(tmp_path, "")
    cache, said = tmp_path / "cache", []
    with open(tmp_path / ".cache.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        started = time.monotonic()
        with pytest.raises(BuildError):
            build(folder, tmp_path / "site", profile="full", cache_dir=cache, log=said.append, wait=1.0)
        assert time.monotonic() - started >= 1.0
    assert said == [f"waiting for another build (pid 4242) to finish with .cache.lock (up to 1 s)"]
    build(folder, tmp_path / "site", profile="full", cache_dir=cache, log=said.append, wait=1.0)  # free now
    assert (tmp_path / "site" / "index.html").exists()


def test_a_build_that_waited_for_the_same_site_finds_it_current(tmp_path):
    """The test session's quick site: one process builds it, others wait for it and must not build it again."""
    import threading
    folder = tiny_content(tmp_path, "")
    cache, said = tmp_path / "cache", []
    build(folder, tmp_path / "site", profile="full", cache_dir=cache, log=lambda *a: None)
    index = (tmp_path / "site" / "index.html").stat().st_mtime_ns
    reports = []
    with open(tmp_path / ".cache.lock", "a+") as held:  # a build of the same site holds the cache
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = threading.Thread(target=lambda: reports.append(
            build(folder, tmp_path / "site", profile="full", cache_dir=cache, log=said.append, wait=60)))
        waiting.start()
        deadline = time.monotonic() + 30
        while not any("waiting for another build" in line for line in said) and time.monotonic() < deadline:
            time.sleep(0.05)
    waiting.join(60)
    assert any("waiting for another build" in line for line in said) and reports[0].get("unchanged")
    assert " is current: " in said[-1] and (tmp_path / "site" / "index.html").stat().st_mtime_ns == index
