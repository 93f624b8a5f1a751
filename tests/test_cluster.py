"""Runs on a Dask cluster, for real: a `dask scheduler` and two `dask worker` processes (one thread each) on
127.0.0.1, started from the venv's bin. The quick runs trained there equal the local ones bit for bit (so do their
claims), a worker killed while it trains has its run trained again, an unreachable scheduler is one line, given up
on within twice the connection timeout (cluster.CONNECT_SECONDS), a worker with other versions is refused, a local
build never imports Dask, and no process outlives a test."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from generator.build import build
from generator.cache import Store, versions
from generator.errors import BuildError
from generator.progress import Plain
from tests.test_prose import tiny_content

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin: `dask scheduler` and `dask worker` come with the pinned packages
PART_ONE = ["curves-line", "curves-one-layer", "interval-1", "interval-2", "annulus-2", "annulus-2-contractive",
            "annulus-3", "spirals-4x2", "spirals-5x2", "spirals-vector-field", "tori-3wide", "tori-4wide",
            "unlink-3wide"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


class Cluster:
    """A scheduler and `workers` workers (each with its nanny), every one in its own process group."""

    def __init__(self, folder: Path, workers: int = 2, preload: Path | None = None):
        self.folder, self.groups, self.processes = folder, [], []
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", self.address.rsplit(":", 1)[1],
                                 "--no-dashboard"])
        for i in range(workers):
            self.spawn(f"worker{i}", ["worker", self.address, "--nthreads", "1", "--host", "127.0.0.1",
                                      "--no-dashboard", "--name", f"w{i}"]
                       + (["--preload", str(preload)] if preload else []))
        from distributed import Client
        self.client = Client(self.address, timeout=30, set_as_default=False)
        self.client.wait_for_workers(workers, timeout=120)

    def spawn(self, name: str, args: list[str]) -> None:
        with open(self.folder / f"{name}.log", "w") as log:
            process = subprocess.Popen([str(BIN / "dask"), *args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append(process)
        self.groups.append(process.pid)

    def worker_pids(self) -> dict[str, int]:
        return self.client.run(os.getpid)

    def close(self) -> list[int]:
        """Everything stopped (SIGTERM, then SIGKILL); the processes still alive after, which should be none."""
        self.client.close()
        for pgid in reversed(self.groups):  # workers first, the scheduler last
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(group_members(g) for g in self.groups):
            time.sleep(0.2)
        for pgid in self.groups:
            for pid in group_members(pgid):
                os.kill(pid, signal.SIGKILL)
        for process in self.processes:
            process.wait(timeout=15)
        time.sleep(0.5)
        return [pid for g in self.groups for pid in group_members(g)]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = Cluster(tmp_path_factory.mktemp("dask"))
    yield started
    assert started.close() == [], "processes of the Dask cluster outlived the tests"


def small_content(tmp_path: Path, names: list[str]) -> Path:
    """site.toml, the named experiment files without their [[compare]] rows, and one section."""
    folder = tmp_path / "content"
    (folder / "experiments").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.toml", folder)
    for name in names:
        text = (ROOT / "content" / "experiments" / f"{name}.toml").read_text()
        cut = re.search(r"^(# The claims table|\[\[compare\]\])", text, flags=re.M)
        (folder / "experiments" / f"{name}.toml").write_text(text[:cut.start()] if cut else text)
    (folder / "01-a.md").write_text('+++\ntitle = "A"\norder = 1\n+++\n\nRuns trained on a cluster.\n')
    return folder


def same_as_local(report: dict, local: dict, cache: Path) -> None:
    """Every run of `report` equals the session's local quick run: the arrays bit for bit, and the claims."""
    here, there = Store(ROOT / ".cache"), Store(cache)
    for name, entry in report["experiments"].items():
        assert entry["status"] == "trained"
        assert entry["key"] == local["experiments"][name]["key"]
        ours, theirs = there.arrays("runs", entry["key"]), here.arrays("runs", entry["key"])
        assert sorted(ours) == sorted(theirs), name
        for array in ours:
            assert ours[array].dtype == theirs[array].dtype and np.array_equal(ours[array], theirs[array]), \
                f"{name}: {array} differs from the local run"
        assert entry["claims"] == local["experiments"][name]["claims"], name


def test_quick_runs_on_two_dask_workers_equal_the_local_runs(built_site, cluster, tmp_path):
    _, local = built_site  # the session's local quick build: its runs are in the project .cache
    folder = small_content(tmp_path, PART_ONE + ["mnist-knn"])
    lines = []
    report = build(folder, tmp_path / "out", profile="quick", cache_dir=tmp_path / "cache", log=lines.append,
                   scheduler=cluster.address)
    assert sorted(report["experiments"]) == sorted(PART_ONE + ["mnist-knn"])
    same_as_local(report, local, tmp_path / "cache")
    workers = {m.group(1) for line in lines if (m := re.search(r"training on (tcp://\S+)", line))}
    assert workers == set(cluster.worker_pids()), "both workers should have trained runs"
    assert any(re.search(r"mnist-knn\s+started: ", line) for line in lines)  # steps relayed from the workers
    # a second build finds everything in its cache and does not need the cluster
    again = build(folder, tmp_path / "out", profile="quick", cache_dir=tmp_path / "cache", log=lambda *a: None,
                  scheduler="tcp://127.0.0.1:1", force=True)
    assert {e["status"] for e in again["experiments"].values()} == {"cached"}


def test_a_worker_killed_while_training_has_its_run_trained_again(built_site, cluster, tmp_path):
    _, local = built_site
    folder = small_content(tmp_path, ["mnist-knn", "curves-line", "interval-1"])
    pids, lines, killed = cluster.worker_pids(), [], []

    def log(line: str) -> None:  # on the build's threads: kill the worker training mnist-knn once its steps come
        lines.append(line)
        on = [m.group(1) for seen in lines if (m := re.search(r"mnist-knn\s+training on (tcp://\S+)", seen))]
        if on and not killed and re.search(r"mnist-knn\s+started: ", line):
            killed.append(on[-1])
            os.kill(pids[on[-1]], signal.SIGKILL)

    report = build(folder, tmp_path / "out", profile="quick", cache_dir=tmp_path / "cache", log=log,
                   progress=Plain(log, every=0.5), scheduler=cluster.address)
    assert killed, "the run was never seen training"
    assert len([line for line in lines if re.search(r"mnist-knn\s+training on ", line)]) >= 2  # sent again
    same_as_local(report, local, tmp_path / "cache")
    cluster.client.wait_for_workers(2, timeout=120)  # the nanny restarts the killed worker
    assert pids[killed[0]] not in cluster.worker_pids().values()


def test_a_run_that_fails_on_a_worker_names_the_experiment(cluster, tmp_path):
    folder = tiny_content(tmp_path, "")
    path = folder / "experiments" / "curves-line.toml"
    path.write_text(path.read_text().replace('optimizer = "adam"', 'optimizer = "sgd"').replace(
        "learning_rate = 0.05", "learning_rate = 1e38"))
    with pytest.raises(BuildError) as err:
        build(folder, tmp_path / "out", cache_dir=tmp_path / "cache", log=lambda *a: None, scheduler=cluster.address)
    assert "curves-line.toml:" in str(err.value) and "[train.learning_rate]" in str(err.value)
    assert "'curves-line'" in str(err.value) and "NaN" in str(err.value)
    assert not (tmp_path / "out").exists() and not list((tmp_path / "cache").glob("runs/*/*"))


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_an_unreachable_scheduler_is_one_line_and_no_wait_past_the_connect_time(tmp_path, how):
    folder = tiny_content(tmp_path, "")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    flag = ["--scheduler", address] if how == "flag" else []
    env = os.environ | ({"DASK_SCHEDULER_ADDRESS": address} if how == "environment" else {})
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(folder), "--out",
                           str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--wait", "0", *flag],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    said = done.stderr.strip().splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stderr and "distributed" not in done.stderr
    assert said[-2].startswith("build failed;"), done.stderr  # the CLI's heading, then the one line of the error
    assert said[-1].startswith(f"{address}: cannot reach the Dask scheduler"), done.stderr
    assert not (tmp_path / "out").exists()
    # the wait itself is the connection's, bounded by cluster.CONNECT_SECONDS whatever else the machine runs (the
    # command's own start, Python and its imports, is not: on a loaded machine it took 11.6 s in all)
    from generator import cluster
    import distributed  # noqa: F401 - loaded before the clock starts
    started = time.monotonic()
    with pytest.raises(BuildError, match="cannot reach the Dask scheduler"):
        cluster.connect(address)
    seconds = time.monotonic() - started
    assert seconds < 2 * cluster.CONNECT_SECONDS, f"the connection gave up after {seconds:.1f} s"


PRELOAD = """# a worker whose torch differs: the version it reports is what a worker with another torch would report
import generator.cache


def other(package, real=generator.cache._version):  # the real one bound now: Dask may run this file twice
    return "0.0.1-other" if package == "torch" else real(package)


generator.cache._version = other
"""


def test_a_worker_with_another_torch_is_refused_naming_both_versions(tmp_path):
    preload = tmp_path / "other_torch.py"
    preload.write_text(PRELOAD)
    other = Cluster(tmp_path, workers=1, preload=preload)
    try:
        with pytest.raises(BuildError) as err:
            build(tiny_content(tmp_path, ""), tmp_path / "out", cache_dir=tmp_path / "cache", log=lambda *a: None,
                  scheduler=other.address)
    finally:
        left = other.close()
    (problem,) = err.value.problems
    text = str(problem)
    assert text.startswith(f"{other.address}: worker tcp://127.0.0.1:") and "refused" in text
    assert f"torch 0.0.1-other there, {versions('torch')['torch']} here" in text and "numpy" not in text
    assert not list((tmp_path / "cache").glob("runs/*/*"))
    assert left == [], "processes of the Dask cluster outlived the test"


def test_a_local_build_never_imports_dask(tmp_path):
    folder = tiny_content(tmp_path, "")
    code = ("import sys, json; from pathlib import Path; from generator.build import build; "
            f"r = build(Path({str(folder)!r}), Path({str(tmp_path / 'out')!r}), "
            f"cache_dir=Path({str(tmp_path / 'cache')!r}), log=lambda *a: None); "
            "print(json.dumps([sorted(e['status'] for e in r['experiments'].values()), "
            "sorted(m for m in sys.modules if m.split('.')[0] in ('distributed', 'dask') "
            "or m == 'generator.cluster')]))")
    env = {k: v for k, v in os.environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    statuses, imported = json.loads(out.stdout.strip().splitlines()[-1])
    assert statuses == ["trained"] and imported == []
