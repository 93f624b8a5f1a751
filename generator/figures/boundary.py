"""The output layer's decision boundary where the layer before it is drawn: lines in a 2-unit layer, planes in a
3-unit one, for any number of classes.

Two classes part where their two scores tie: one line (or plane). For K classes the boundary between classes i
and j is the part of their tie where both score above every other class; scores are affine, so that part is
convex: one segment of the tie line per pair (or none), and one piece of the tie plane.
"""
from __future__ import annotations

import itertools

import numpy as np

from .. import frames

Segment = tuple[tuple[float, float], tuple[float, float]]


def segments(W_out: np.ndarray, b_out: np.ndarray, lo: float, hi: float) -> list[Segment]:
    """The boundary of the classes that W_out (K, 2) and b_out (K,) score, as segments clipped to [lo, hi]^2:
    for two classes the line frames.linear_boundary draws, for more each pair's stretch of it."""
    found = []
    for i, j in itertools.combinations(range(len(W_out)), 2):
        ends = frames.linear_boundary(W_out[[i, j]], b_out[[i, j]], lo, hi)
        if ends is None:
            continue
        start, end = np.array(ends[0], float), np.array(ends[1], float)
        # along start + t (end - start), class i's lead over each other class k is lead_k + t rise_k (affine)
        t_from, t_to = 0.0, 1.0
        for k in set(range(len(W_out))) - {i, j}:
            lead = (W_out[i] - W_out[k]) @ start + b_out[i] - b_out[k]
            rise = (W_out[i] - W_out[k]) @ (end - start)
            if abs(rise) < 1e-12:
                t_to = t_to if lead >= 0 else -1.0
            elif rise > 0:
                t_from = max(t_from, -lead / rise)
            else:
                t_to = min(t_to, -lead / rise)
        if t_to - t_from > 1e-9:
            cut = [tuple(float(v) for v in start + t * (end - start)) for t in (t_from, t_to)]
            found.append((cut[0], cut[1]) if (t_from, t_to) != (0.0, 1.0) else ends)
    return found


def frame_fields(found: list[Segment], zoom: float, classes: int) -> dict:
    """A moving figure's frame row's boundary, in its window of half-width zoom: two classes' one line as numbers
    bx0, by0, bx1, by1 (as it always was), more classes' segments as lists of them (motion.moving_frames flattens
    them); no fields where nothing of the boundary is in the window."""
    if not found:
        return {}
    scaled = [np.array(segment) / zoom for segment in found]
    if classes <= 2:
        ((x0, y0), (x1, y1)), = scaled
        return {"bx0": round(x0, 4), "by0": round(y0, 4), "bx1": round(x1, 4), "by1": round(y1, 4)}
    return {name: [round(float(s[end, axis]), 4) for s in scaled]
            for name, (end, axis) in {"bx0": (0, 0), "by0": (0, 1), "bx1": (1, 0), "by1": (1, 1)}.items()}


def leads(W_out: np.ndarray, b_out: np.ndarray, pair: tuple[int, int], points: np.ndarray) -> np.ndarray:
    """Whether both classes of the pair score at least as high as every other class at each point (N, d)."""
    scores = points @ W_out.T + b_out
    others = [k for k in range(len(W_out)) if k not in pair]
    if not others:
        return np.ones(len(points), bool)
    return scores[:, list(pair)].min(1) >= scores[:, others].max(1)
