"""The files and numbers of one spiralNet run (one choice of K and activation), computed from its snapshots.

Positions in the 2-unit last hidden layer travel as integers 0..QUANT across each snapshot's window
(x0, y0, z): h = (x0, y0) + z * n / QUANT. A point outside the window (ReLU's window covers 99.5% of the
coordinates, so a few stragglers of an early snapshot do not shrink the rest to a dot) is drawn on its edge:
every point stays inside its panel at every snapshot. Only keyframes are shipped: snapshot i is drawn as the blend
(1 - t) * key[j] + t * key[j + 1], and keyframes are chosen (greedily, forward) so that every point of every
snapshot is drawn within TOLERANCE of the window (under 1 px) of where the network really put it. Slow
stretches of training thus cost almost nothing.

The layer's decision regions at each snapshot are exact: the output layer's scores are affine in the layer, so each
class's region in the window is a convex polygon (region_outlines), drawn as an area, never as a grid of cells.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import cache, frames
from ..analysis import packing
from . import encode, plane, style

ACTIVATIONS = ("tanh", "relu")
QUANT = 330          # levels across the window: 0.5 px on a 165 px panel
TOLERANCE = 0.006    # largest error of a blended point, as a share of the window: 1 px on 165 px
# the direction histograms' bins over the activation's range: 15° across tanh's full turn, 3.75° across ReLU's
# quadrant, so that at every K up to 7 the best-spaced class directions (360°/K, 90°/(K - 1)) lie at least three
# bins apart (45° bins put K = 5's tanh classes 1.6 bins apart); the axis's ticks (45°, 15°) fall on bin edges
DIRECTION_BINS = 24
REGION_PIXELS = 330  # the input plane's regions: 2 pixels a panel pixel at 165 px, smoothed when drawn larger
OUTLINE_LEVELS = 1000  # a region outline's vertices travel as integers 0..1000 across the window: 0.17 px at 165 px
SEAM = 0.004           # each region reaches this far past its edges (a share of the window, 0.7 px at 165 px), under
# its neighbour, so that two antialiased edges side by side never let the page through: no seams


@dataclass
class Choice:
    K: int
    act: str
    variant: object   # derive.Variant


@dataclass
class Built:
    files: dict
    claims: dict


def choice_key(K: int, act: str) -> str:
    return f"{K}-{act}"


def hidden_through_training(run: dict, activation: str) -> np.ndarray:
    """The training points in the last hidden layer at every snapshot: (snapshots, points, 2)."""
    def compute():
        X = run["X"]
        count = len(run["snapshot_steps"])
        H = np.stack([frames.forward(frames.layers(run, 0, t), X, activation)[-2] for t in range(count)])
        H.flags.writeable = False  # shared by the figures that ask
        return H
    # three figures ask for each run's (packing, training, choices): computed once a build
    return cache.remembered_for(run, f"hidden-{activation}", compute)


def windows(H: np.ndarray, activation: str) -> np.ndarray:
    """(x0, y0, z) per snapshot: tanh's square is fixed; ReLU's quadrant grows, so its window follows
    the points (smoothed over neighbouring snapshots so the camera glides)."""
    if activation == "tanh":
        return np.tile([-1.05, -1.05, 2.1], (len(H), 1))
    reach = np.array([max(1e-3, float(np.percentile(h, 99.5))) * 1.08 for h in H])
    padded = np.pad(reach, 3, mode="edge")
    reach = np.maximum(np.convolve(padded, np.ones(7) / 7, mode="valid"), reach)
    return np.stack([-0.04 * reach, -0.04 * reach, 1.04 * reach], 1)


def normalised(H: np.ndarray, win: np.ndarray) -> np.ndarray:
    """Positions as shares of each snapshot's window: (snapshots, points, 2), 0..1 inside it."""
    return (H - win[:, None, :2]) / win[:, None, 2:]


def keyframes(U: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Indices of the snapshots to ship, first and last included, such that blending linearly (in `times`)
    between consecutive keyframes puts every point of every snapshot within TOLERANCE of its position."""
    keys = [0]
    while keys[-1] < len(U) - 1:
        start, end = keys[-1], keys[-1] + 1
        while end + 1 < len(U) and _blend_error(U, times, start, end + 1) <= TOLERANCE:
            end += 1
        keys.append(end)
    return np.array(keys)


def _blend_error(U, times, a, b) -> float:
    if b - a < 2:
        return 0.0
    t = ((times[a + 1:b] - times[a]) / (times[b] - times[a]))[:, None, None]
    blend = (1 - t) * U[a] + t * U[b]
    return float(np.abs(blend - U[a + 1:b]).max())


def blend_weights(keys: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each snapshot: the keyframe slot j before it and the weight t of slot j + 1."""
    slot = np.clip(np.searchsorted(keys, np.arange(len(times)), side="right") - 1, 0, len(keys) - 2)
    a, b = keys[slot], keys[slot + 1]
    return slot, np.where(b > a, (times - times[a]) / np.maximum(times[b] - times[a], 1e-12), 0.0)


def clamped(U: np.ndarray) -> np.ndarray:
    """Window shares held inside the window, 0..1: a point beyond it is drawn on its edge."""
    return np.clip(U, 0.0, 1.0)


def quantised(U: np.ndarray) -> np.ndarray:
    return np.clip(np.round(U * QUANT), 0, QUANT).astype(np.int32)


def choice_files(choice: Choice) -> Built:
    run, spec, K, act = choice.variant.run(), choice.variant.spec, choice.K, choice.act
    tag = choice_key(K, act)
    X, y = run["X"].astype(np.float64), run["y"]
    steps = run["snapshot_steps"]
    loss = run["loss"][:, 0]
    H = hidden_through_training(run, act)
    win = windows(H, act)
    U = clamped(normalised(H, win))
    times = np.log1p(steps.astype(np.float64))                # snapshots are log-spaced: blend in log time
    keys = keyframes(U, times)
    slot, weight = blend_weights(keys, times)
    ints = quantised(U[keys])                                 # (keyframes, N, 2)
    lo, hi = plane.square_extent(X)

    points = [{"c": int(c), "ix": int(round(px / hi * 1000)), "iy": int(round(py / hi * 1000)),
               "x": ints[:, n, 0].tolist(), "y": ints[:, n, 1].tolist()}
              for n, ((px, py), c) in enumerate(zip(X, y))]
    rows, ratios, dists = [], [], []
    for t, step in enumerate(steps):
        W_out, b_out = frames.layers(run, 0, t)[-1]
        ratio = packing.angle_ratio(H[t], y, K, act)
        ratios.append(ratio)
        row = {"i": t, "j": int(slot[t]), "t": round(float(weight[t]), 4), "step": int(step),
               "loss": float(f"{loss[min(step, len(loss) - 1)]:.4g}"),
               "x0": round(float(win[t, 0]), 4), "y0": round(float(win[t, 1]), 4),
               "z": round(float(win[t, 2]), 4), "angle": round(ratio, 3)}
        if act == "tanh":
            dists.append(packing.distance_ratio(H[t], y, K))
            row["dist"] = round(dists[-1], 3)
        # the loss in the article's format (its tables and captions: three decimals), one format at every step
        row["label"] = f"step {int(step):,} of {int(spec['train']['steps']):,} · loss {row['loss']:.3f}"
        rows.append(row | outline_fields(region_outlines(W_out, b_out, win[t])))

    final = frames.layers(run, 0, -1)
    files = {f"frames-{tag}.json": encode.json_file(rows), f"points-{tag}.json": encode.json_file(points),
             f"input-{tag}.png": input_regions_png(run, act)}
    predicted = frames.forward(final, X, act)[-1].argmax(1)
    decoded = ints / QUANT
    drawn = (1 - weight[:, None, None]) * decoded[slot] + weight[:, None, None] * decoded[np.minimum(slot + 1, len(keys) - 1)]
    claims = {"frames": len(steps), "keyframes": len(keys),
              "drawn_error": float(np.abs(drawn - U).max()),  # share of the window, quantisation included
              "accuracy": float((predicted == y).mean()),
              "final_loss": float(loss[-1]), "packing_angle": ratios[-1], "packing_angle_best": max(ratios)}
    if dists:
        claims |= {"packing_distance": dists[-1]}
    return Built(files, claims)


def region_outlines(W_out: np.ndarray, b_out: np.ndarray, win) -> list[tuple[int, np.ndarray]]:
    """Each class's decision region in the window (x0, y0, z) as (class, its convex polygon's vertices in window
    shares, (V, 2)), for the classes with a region there. Class k's region is where its score is at least every
    other's: the window's square cut by K - 1 half-planes, each moved SEAM outward (see SEAM)."""
    x0, y0, z = (float(v) for v in win)
    W_out, b_out = np.asarray(W_out, np.float64), np.asarray(b_out, np.float64)
    slope = z * W_out                                   # scores in window shares u: slope @ u + offset
    offset = W_out @ np.array([x0, y0]) + b_out
    edge = 0.01                                         # past the panel, which clips: no antialiased rim
    square = np.array([[-edge, -edge], [1 + edge, -edge], [1 + edge, 1 + edge], [-edge, 1 + edge]])
    found = []
    for k in range(len(W_out)):
        polygon = square
        for j in range(len(W_out)):
            if j == k or len(polygon) == 0:
                continue
            normal, lead = slope[k] - slope[j], offset[k] - offset[j]
            polygon = _clipped(polygon, normal, lead + SEAM * float(np.hypot(*normal)))
        if len(polygon) >= 3:
            found.append((k, polygon))
    return found


def _clipped(polygon: np.ndarray, normal: np.ndarray, lead: float) -> np.ndarray:
    """The part of a convex polygon where normal . u + lead >= 0 (Sutherland and Hodgman's clipping)."""
    out = []
    side = polygon @ normal + lead
    for i in range(len(polygon)):
        j = (i + 1) % len(polygon)
        if side[i] >= 0:
            out.append(polygon[i])
        if (side[i] >= 0) != (side[j] >= 0):
            out.append(polygon[i] + (polygon[j] - polygon[i]) * side[i] / (side[i] - side[j]))
    return np.array(out).reshape(-1, 2)


def outline_fields(outlines: list[tuple[int, np.ndarray]]) -> dict:
    """A frame row's regions as an area each, in four lists of equal length (the page flattens them together): rc
    the class, rx a vertex's x and ry, ry2 the region's lowest and highest y there, in OUTLINE_LEVELS across the
    window. A convex polygon is, at every x between its vertices, one span of y, so its area through the spans at
    its vertices' x is the polygon exactly (to the rounding of a level; vertices one level apart are one span)."""
    fields = {"rc": [], "rx": [], "ry": [], "ry2": []}
    for k, polygon in outlines:
        ends = np.roll(polygon, -1, 0)
        spans: dict[int, tuple[float, float]] = {}
        for at in np.unique(polygon[:, 0]):
            ys = []
            for p, q in zip(polygon, ends):
                lo, hi = sorted((p[0], q[0]))
                if lo <= at <= hi:
                    ys += [p[1], q[1]] if hi - lo < 1e-12 else [p[1] + (q[1] - p[1]) * (at - p[0]) / (q[0] - p[0])]
            x = int(round(at * OUTLINE_LEVELS))
            low, high = spans.get(x, (np.inf, -np.inf))
            spans[x] = (min(low, min(ys)), max(high, max(ys)))
        for x, (low, high) in sorted(spans.items()):
            fields["rc"].append(int(k))
            fields["rx"].append(x)
            fields["ry"].append(int(np.floor(low * OUTLINE_LEVELS)))
            fields["ry2"].append(int(np.ceil(high * OUTLINE_LEVELS)))
    return fields


def input_regions_png(run: dict, act: str) -> bytes:
    """The trained network's decision regions over the input square, in the original's region colours."""
    def compute():
        final = frames.layers(run, 0, -1)
        lo, hi = plane.square_extent(run["X"])
        image = frames.class_image(lambda p: frames.forward(final, p, act)[-1].argmax(1), lo, hi, REGION_PIXELS)
        return encode.class_png(image, style.spiral_backgrounds())
    # three figures publish each run's (training, choices, directions): computed once a build
    return cache.remembered_for(run, f"input-regions-{act}", compute)


def direction_files(choice: Choice, grid: int, arrows: int) -> Built:
    """Figures (2), (5), (6) of one choice: the final last hidden layer with its decision regions, the
    field of unit arrows of x -> h(x) on an arrows x arrows grid over the input plane, and the histograms
    (DIRECTION_BINS over the activation's range) of h(x)'s direction over a grid x grid input grid, by predicted
    class, with circular means and standard deviations."""
    run, K, act = choice.variant.run(), choice.K, choice.act
    tag = choice_key(K, act)
    X, y = run["X"].astype(np.float64), run["y"]
    final = frames.layers(run, 0, -1)
    lo, hi = plane.square_extent(X)
    H = frames.forward(final, X, act)[-2]
    win = windows(H[None], act)[0] if act == "tanh" else _final_window(H)
    U = quantised(clamped(normalised(H[None], win[None])))[0]
    W_out, b_out = final[-1]
    hidden = {"i": 0, "x0": round(float(win[0]), 4), "y0": round(float(win[1]), 4), "z": round(float(win[2]), 4),
              "w": [float(f"{v:.4g}") for v in np.column_stack([W_out, b_out]).ravel()]}
    points = [{"c": int(c), "u": int(u), "v": int(v), "ix": int(round(px / hi * 1000)), "iy": int(round(py / hi * 1000))}
              for (u, v), (px, py), c in zip(U, X, y)]

    ticks = (np.arange(arrows) + 0.5) / arrows * 2 - 1
    ax, ay = np.meshgrid(ticks, ticks)
    at = np.stack([ax.ravel(), ay.ravel()], 1)
    reps = frames.forward(final, at * hi, act)
    field = [{"ax": round(float(p[0]), 3), "ay": round(float(p[1]), 3), "deg": round(float(d), 1), "c": int(c)}
             for p, d, c in zip(at, packing.direction_angles(reps[-2]), reps[-1].argmax(1))]

    span = 360.0 if act == "tanh" else 90.0
    ticks = np.linspace(lo, hi, grid)
    gx, gy = np.meshgrid(ticks, ticks)
    dense = frames.forward(final, np.stack([gx.ravel(), gy.ravel()], 1), act)
    angles, predicted = packing.direction_angles(dense[-2]), dense[-1].argmax(1)
    bars, summary, claims = [], [], {"grid_points": int(grid * grid), "bins": DIRECTION_BINS}
    for k in range(K):
        mine = angles[predicted == k]
        if not len(mine):
            continue
        counts, edges = np.histogram(np.minimum(mine, span - 1e-9) if act == "relu" else mine, bins=DIRECTION_BINS,
                                     range=(0, span))
        bars += [{"c": k, "b0": round(float(a), 2), "b1": round(float(b), 2), "n": int(n)}
                 for a, b, n in zip(edges[:-1], edges[1:], counts) if n]   # an empty bin stacks nothing
        mean, std = packing.circular_summary(mine)
        summary.append({"c": k, "mean": round(mean, 1), "std": round(std, 1), "share": round(len(mine) / len(angles), 3)})
        claims |= {f"angle_mean_{k}": mean, f"angle_std_{k}": std}
    files = {f"final-{tag}.json": encode.json_file([hidden | {"points": points}]),
             f"arrows-{tag}.json": encode.json_file(field),
             f"hist-{tag}.json": encode.json_file(bars), f"angles-{tag}.json": encode.json_file(summary),
             f"input-{tag}.png": input_regions_png(run, act)}
    return Built(files, claims)


def _final_window(H: np.ndarray) -> np.ndarray:
    reach = max(1e-3, float(np.percentile(H, 99.5))) * 1.08
    return np.array([-0.04 * reach, -0.04 * reach, 1.04 * reach])
