"""generator/threads.py: the build's own process computes on one native thread, whichever way it is started."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from generator import derive, threads
from generator.cache import Store

ROOT = Path(__file__).resolve().parents[1]

# every module that measures or draws in the build's process, imported after the libraries are limited: a module
# that loads a new native pool (one the limit did not reach) shows up with more than one thread
IMPORT_ALL = """
import importlib, pkgutil
import generator.analysis, generator.figures
for package in (generator.analysis, generator.figures):
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
import kmapper, torch
"""

IN_PROCESS = """
import json, numpy, scipy.linalg
from generator import threads
before = threads.counts()
with threads.one_thread():
""" + "\n".join("    " + line for line in IMPORT_ALL.strip().splitlines()) + """
    within = threads.counts()
print(json.dumps({"before": before, "within": within}))
"""

# the command line's entry module, run as `python -m generator --help` runs it, then the libraries
COMMAND_LINE = """
import json, runpy, sys
sys.argv = ["generator", "--help"]
try:
    runpy.run_module("generator", run_name="__main__")
except SystemExit:
    pass
""" + IMPORT_ALL + """
from generator import threads
print(json.dumps(threads.counts()))
"""


def _run(script: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_in_process_every_native_pool_is_limited_even_one_loaded_before():
    found = _run(IN_PROCESS)
    assert set(found["before"].values()) == {os.cpu_count()}  # unlimited, numpy's pool has a thread per core
    assert found["within"], "threadpoolctl found no native pool"
    assert set(found["within"].values()) == {threads.THREADS}, found["within"]
    # numpy's OpenBLAS, scipy's and OpenMP all present, so the limit had something to reach
    assert sum("openblas" in name for name in found["within"]) >= 2
    assert any("gomp" in name for name in found["within"])


def test_the_command_line_starts_every_pool_with_one_thread():
    found = _run(COMMAND_LINE)
    assert set(found.values()) == {threads.THREADS}, found
    assert sum("openblas" in name for name in found) >= 2


def test_the_thread_count_is_in_the_claims_key(tmp_path, monkeypatch):
    store = Store(tmp_path)
    measured = []
    monkeypatch.setattr("generator.analysis.claims.experiment_claims",
                        lambda arrays, spec: measured.append(1) or {"x": 1.0})
    monkeypatch.setattr(Store, "arrays", lambda self, kind, key: {})
    derive.experiment_claims(store, "run", {})
    derive.experiment_claims(store, "run", {})
    monkeypatch.setattr(derive, "THREADS", 2)
    derive.experiment_claims(store, "run", {})
    assert len(measured) == 2  # cached at one thread; measured again for two
