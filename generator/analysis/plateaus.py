"""Plateaus and jumps of an accuracy curve sampled at snapshots (Gabella 2019: chance, then steps up).

The curve is first smoothed with a running median (robust to the snapshot-to-snapshot flicker of a
network that predicts one class for everything). A snapshot is "rising" when the smoothed curve gains
more than `slope` over the `window` snapshots around it; consecutive rising snapshots form a candidate
jump, kept when the smoothed accuracy after it exceeds the one before it by at least `min_rise`.
The plateau is everything before the first jump."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter


@dataclass(frozen=True)
class Jump:
    start: int      # snapshot index where the rise begins
    end: int        # snapshot index where it ends
    before: float   # smoothed accuracy at start
    after: float    # smoothed accuracy at end


def smooth(curve: np.ndarray, width: int = 5) -> np.ndarray:
    return median_filter(np.asarray(curve, np.float64), size=width, mode="nearest")


def jumps(curve: np.ndarray, window: int = 2, slope: float = 0.03, min_rise: float = 0.05,
          width: int = 5) -> list[Jump]:
    s = smooth(curve, width)
    n = len(s)
    if n < 2 * window + 1:
        return []
    gain = np.zeros(n)
    gain[window:n - window] = s[2 * window:] - s[:n - 2 * window]
    rising = gain > slope
    found = []
    t = 0
    while t < n:
        if not rising[t]:
            t += 1
            continue
        u = t
        while u + 1 < n and rising[u + 1]:
            u += 1
        start, end = max(t - window, 0), min(u + window, n - 1)
        # trim to where the smoothed curve actually moves
        while start < end and s[start + 1] <= s[start]:
            start += 1
        while end > start and s[end - 1] >= s[end]:
            end -= 1
        if s[end] - s[start] >= min_rise:
            found.append(Jump(int(start), int(end), float(s[start]), float(s[end])))
        t = u + 1
    return _merge(found)


def _merge(found: list[Jump]) -> list[Jump]:
    """Jumps that touch (one ends where the next starts) are one jump."""
    merged: list[Jump] = []
    for j in found:
        if merged and j.start <= merged[-1].end:
            last = merged.pop()
            j = Jump(last.start, max(last.end, j.end), last.before, max(last.after, j.after))
        merged.append(j)
    return merged


def plateau(curve: np.ndarray, found: list[Jump]) -> tuple[int, float]:
    """(snapshot index where the initial plateau ends, mean raw accuracy on it)."""
    end = found[0].start if found else len(curve) - 1
    return end, float(np.mean(np.asarray(curve)[:end + 1]))
