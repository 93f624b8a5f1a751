"""One thread for the native libraries that compute in the build's own process, on every path.

The build trains in worker processes, one per core, while its own process measures claims and draws figures.
There, numpy's and scipy's OpenBLAS, scikit-learn's OpenMP and torch each start a thread per core, which only
wait for a core a worker holds (OpenBLAS spins while it waits), and a product summed by two threads may round
differently from one summed by one: the same PCA share drawn while runs trained and drawn afterwards differed
in its last digits when the thread counts differed. So the count is fixed, and it is part of every claim's and
figure's cache key (derive.py):

- the command line sets the libraries' environment variables before any of them loads (`pin_environment`),
  which also holds for every process the build starts;
- a build called in-process (tests, the preview) limits the libraries already loaded and sets the same variables
  for those it loads later (`one_thread`): a library reads them when it loads, and a cached rebuild, which
  loads neither scipy nor scikit-learn, stays as quick as it was.
"""
from __future__ import annotations

import contextlib
import os

THREADS = 1
VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pin_environment(environ=os.environ) -> None:
    """Before numpy, scipy, scikit-learn or torch loads: every pool starts with THREADS threads."""
    for name in VARIABLES:
        environ[name] = str(THREADS)


@contextlib.contextmanager
def one_thread():
    """Within: every native pool loaded now runs THREADS threads, and one loaded later (numpy and scipy each ship
    an OpenBLAS, scikit-learn loads OpenMP, torch its own) or in a process started here starts with THREADS;
    the limits and the environment are restored on leaving."""
    from threadpoolctl import threadpool_limits
    saved = {name: os.environ.get(name) for name in VARIABLES}
    pin_environment()
    try:
        with threadpool_limits(limits=THREADS):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def counts() -> dict[str, int]:
    """Each loaded native pool's thread count, by library file name (what threadpoolctl sees)."""
    from threadpoolctl import threadpool_info
    return {os.path.basename(info["filepath"]): info["num_threads"] for info in threadpool_info()}
