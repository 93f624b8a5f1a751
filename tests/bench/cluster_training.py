"""The engine's overhead for `make bench`: the 12 spiralNet runs trained by the process pool (2 processes) and by a
local Dask cluster (distributed.LocalCluster: 2 worker processes, one thread each), each into an empty cache, as
one ratio; and the bytes each run sends back to the builder. The quick profile's runs (300 steps): the full ones
take about 30 minutes on 2 cores, twice."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GROUP = "spiralnet"
PROFILE = "quick"


def measure(jobs: int = 2) -> dict:
    from distributed import LocalCluster
    from generator import config, runs
    from generator.cache import Store
    from generator.progress import Plain
    experiments = {name: e for name, e in config.load_experiments(ROOT / "content" / "experiments", PROFILE).items()
                   if e.group == GROUP}
    quiet = Plain(lambda *a: None)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        pool, dask = Store(Path(tmp) / "pool"), Store(Path(tmp) / "dask")
        load = [os.getloadavg()[0]]  # the machine may be shared: its load beside each figure
        started = time.perf_counter()
        pooled = runs.ensure_runs(experiments, pool, jobs, quiet)
        pool_s = time.perf_counter() - started
        load.append(os.getloadavg()[0])
        with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:  # started before the clock, as workers would be
            started = time.perf_counter()
            status = runs.ensure_runs(experiments, dask, jobs, quiet, scheduler=cluster.scheduler_address)
            dask_s = time.perf_counter() - started
        load.append(os.getloadavg()[0])
        back, stored, identical = {}, {}, True
        for name, entry in status.items():
            arrays, local = dask.arrays("runs", entry["key"]), pool.arrays("runs", entry["key"])
            back[name] = sum(a.nbytes for a in arrays.values())  # Dask sends the arrays' buffers as they are
            stored[name] = (dask.path("runs", entry["key"]) / "arrays.npz").stat().st_size
            identical &= sorted(arrays) == sorted(local) and all(np.array_equal(arrays[k], local[k]) for k in arrays)
    return {"profile": PROFILE, "runs": len(experiments), "steps": sorted({e.spec["train"]["steps"]
                                                                          for e in experiments.values()}),
            "pool_s": round(pool_s, 1), "dask_s": round(dask_s, 1), "ratio": round(dask_s / pool_s, 2),
            # the runs' own seconds, summed: where the two differ, the runs trained slower, not the engine
            "pool_run_s": round(sum(s["seconds"] for s in pooled.values()), 1),
            "dask_run_s": round(sum(s["seconds"] for s in status.values()), 1),
            "load_before_pool_after_pool_after_dask": [round(v, 1) for v in load],
            "bytes_back_per_run": back, "bytes_back_mean": round(sum(back.values()) / len(back)),
            "bytes_back_max": max(back.values()), "npz_bytes_mean": round(sum(stored.values()) / len(stored)),
            "identical_to_pool": bool(identical)}
