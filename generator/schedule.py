"""When a run records its weights: the snapshot schedule, without torch (the gathering process counts snapshots
with it, and training records on it)."""
from __future__ import annotations

import numpy as np


def snapshot_steps(steps: int, count: int, spacing: str = "linear") -> np.ndarray:
    """Distinct snapshot steps, 0 (the initial weights) and the last step included. linear: `count` steps evenly
    spaced up to `steps`; log: the distinct integers of logspace(0, log10(steps - 1), count), as spiralNet saved
    them (10,000 steps and 350 points give 249 distinct steps, the last 9,998), plus 0 and the last step, so the
    last snapshot shows the trained network."""
    if spacing == "log":
        logged = np.logspace(0, np.log10(max(steps - 1, 1)), count).astype(np.int64)
        return np.unique(np.concatenate([[0], logged, [steps]]))
    return np.unique(np.linspace(0, steps, max(count, 2)).round().astype(np.int64))
