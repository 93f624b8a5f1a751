"""Runs -> plain arrays for figures: forward passes, warped grids, decision images, layer morphs.

numpy only (no torch): a build whose runs are cached never imports torch.
"""
from __future__ import annotations

import numpy as np

ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda u: np.maximum(u, 0.0),
    "sigmoid": lambda u: 1.0 / (1.0 + np.exp(-u)),
}


def best_seed(run: dict) -> int:
    """Index of the seed the figures show: highest training accuracy, then lowest final loss."""
    order = np.lexsort((run["loss"][-1], -run["accuracy"]))
    return int(order[0])


def layers(run: dict, seed: int, snapshot: int = -1) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(W, b), ...] of one seed at one snapshot, W: (out, in), b: (out,)."""
    count = sum(1 for k in run if k.startswith("W"))
    return [(run[f"W{i}"][snapshot, seed].astype(np.float64), run[f"b{i}"][snapshot, seed].astype(np.float64))
            for i in range(count)]


def field_layers(run: dict, seed: int, snapshot: int = -1) -> list[np.ndarray]:
    """The learned vectors v_i of every vector-field layer of one seed: [(anchors, 2), ...]."""
    count = sum(1 for k in run if k.startswith("V"))
    return [run[f"V{l}"][snapshot, seed].astype(np.float64) for l in range(count)]


def field(x: np.ndarray, vectors: np.ndarray, anchors: np.ndarray, width: float) -> np.ndarray:
    """F(x) = sum_i v_i f_i(x) / (1 + sum_i f_i(x)) with Gaussian bumps f_i around the anchors."""
    bumps = np.exp(-((x[:, None, :] - anchors[None]) ** 2).sum(-1) / (2 * width ** 2))
    return bumps @ vectors / (1 + bumps.sum(-1, keepdims=True))


def field_forward(run: dict, seed: int, x: np.ndarray, width: float, snapshot: int = -1) -> list[np.ndarray]:
    """x through every vector-field layer: [x, after layer 1, ...]."""
    reps = [np.asarray(x, np.float64)]
    for vectors in field_layers(run, seed, snapshot):
        reps.append(reps[-1] + field(reps[-1], vectors, run["anchors"].astype(np.float64), width))
    return reps


def predict(run: dict, seed: int, x: np.ndarray, model: dict, snapshot: int = -1) -> np.ndarray:
    """Predicted class of each point, for any kind of network."""
    params = layers(run, seed, snapshot)
    if model["kind"] == "vector-field":
        x = field_forward(run, seed, x, model["bump_width"], snapshot)[-1]
    return forward(params, x, model["activation"])[-1].argmax(1)


def forward(params, x: np.ndarray, activation: str = "tanh", logits: bool = True) -> list[np.ndarray]:
    """Every representation of x: [x, hidden_1, ..., last]; the last layer stays linear if `logits`."""
    act = ACTIVATIONS[activation]
    reps = [np.asarray(x, np.float64)]
    for i, (W, b) in enumerate(params):
        u = reps[-1] @ W.T + b
        reps.append(u if logits and i == len(params) - 1 else act(u))
    return reps


def positive_determinants(params):
    """Swap two units of every square hidden layer whose det W < 0 (the network computes the same function).

    Returns (new params, list of layer indices where units were swapped).
    """
    params = [(W.copy(), b.copy()) for W, b in params]
    swapped = []
    for i in range(len(params) - 1):
        W, b = params[i]
        if W.shape[0] == W.shape[1] and np.linalg.det(W) < 0:
            W[[0, 1]] = W[[1, 0]]
            b[[0, 1]] = b[[1, 0]]
            params[i + 1][0][:, [0, 1]] = params[i + 1][0][:, [1, 0]]
            swapped.append(i)
    return params, swapped


def grid_lines(lo: float, hi: float, lines: int = 21, points: int = 41):
    """A grid of `lines` lines each way over [lo, hi]^2. Returns (xy (M, 2), line id (M,), border (M,) bool)."""
    ticks = np.linspace(lo, hi, lines)
    along = np.linspace(lo, hi, points)
    xy, ids, border = [], [], []
    for j, c in enumerate(ticks):
        edge = j in (0, lines - 1)
        for k, seg in enumerate((np.stack([np.full(points, c), along], 1), np.stack([along, np.full(points, c)], 1))):
            xy.append(seg)
            ids.append(np.full(points, 2 * j + k))
            border.append(np.full(points, edge))
    return np.concatenate(xy), np.concatenate(ids), np.concatenate(border)


def mesh(lo: float, hi: float, side: int) -> np.ndarray:
    """The vertices of a side x side mesh of square cells over [lo, hi]^2, row by row: ((side + 1)^2, 2)."""
    ticks = np.linspace(lo, hi, side + 1)
    gx, gy = np.meshgrid(ticks, ticks)
    return np.stack([gx.ravel(), gy.ravel()], 1)


def field_jacobian_det(points: np.ndarray, vectors: np.ndarray, anchors: np.ndarray, width: float,
                       h: float = 1e-5) -> np.ndarray:
    """det of the Jacobian of one field layer, x -> x + F(x), at each point (central differences, float64).
    Negative where the layer turns the plane inside out: a smooth map that does that somewhere but not
    everywhere folds the plane along the curves where the determinant is 0, and is not one-to-one there."""
    move = lambda p: p + field(p, vectors, anchors, width)
    dx, dy = ((move(points + h * e) - move(points - h * e)) / (2 * h) for e in np.eye(2))
    return dx[:, 0] * dy[:, 1] - dx[:, 1] * dy[:, 0]


def class_image(classify, lo: float, hi: float, resolution: int = 200) -> np.ndarray:
    """Predicted class at the centre of every pixel of [lo, hi]^2; row 0 is the top (largest y)."""
    centres = lo + (np.arange(resolution) + 0.5) * (hi - lo) / resolution
    gx, gy = np.meshgrid(centres, centres[::-1])
    return classify(np.stack([gx.ravel(), gy.ravel()], 1)).reshape(resolution, resolution)


def linear_boundary(W_out: np.ndarray, b_out: np.ndarray, lo: float, hi: float):
    """Endpoints of the two-class boundary line w.x + c = 0 clipped to [lo, hi]^2, or None."""
    w = W_out[1] - W_out[0]
    c = b_out[1] - b_out[0]
    ends = []
    for t in (lo, hi):
        if abs(w[1]) > 1e-12:
            y = -(c + w[0] * t) / w[1]
            if lo <= y <= hi:
                ends.append((t, y))
        if abs(w[0]) > 1e-12:
            x = -(c + w[1] * t) / w[0]
            if lo <= x <= hi:
                ends.append((x, t))
    ends = sorted(set((round(a, 9), round(b, 9)) for a, b in ends))
    return (ends[0], ends[-1]) if len(ends) >= 2 else None


def rotation_power(R: np.ndarray, t: float) -> np.ndarray:
    """R^t for a rotation R, along the shortest path from the identity."""
    if R.shape == (2, 2):
        angle = np.arctan2(R[1, 0], R[0, 0]) * t
        return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    from scipy.linalg import expm, logm
    return expm(t * np.real(logm(R)))


def matrix_path(W: np.ndarray, t: float) -> np.ndarray:
    """P(t) with P(0) = I, P(1) = W and det P(t) > 0 throughout, for det W > 0.

    Polar decomposition W = R S (R a rotation, S symmetric positive definite, via the SVD W = U D V^T:
    R = U V^T, S = V D V^T); P(t) = R^t S^t, with S^t = V D^t V^T, so det P(t) = prod(D^t) > 0.
    """
    U, D, Vt = np.linalg.svd(W)
    R = U @ Vt
    if np.linalg.det(R) < 0:
        raise ValueError("matrix_path needs det W > 0; swap two units first")
    return rotation_power(R, t) @ (Vt.T @ np.diag(D ** t) @ Vt)


def morph_frames(params, per_stage: int):
    """Frame parameters of the three-stage motion through every hidden layer.

    Each frame shows u = M x + c, then p = (1 - s) u + s act(u), applied to the representation entering
    `layer`. Stage 1: M = P(t), c = 0, s = 0; stage 2: M = W, c = t b; stage 3: M = W, c = b, s = t.
    """
    frames = []
    ts = np.linspace(0.0, 1.0, per_stage + 1)
    for layer, (W, b) in enumerate(params[:-1]):
        zero = np.zeros_like(b)
        for stage in (1, 2, 3):
            for t in ts[1:] if (stage > 1 or layer > 0) else ts:
                M = matrix_path(W, t) if stage == 1 else W
                c = t * b if stage == 2 else (b if stage == 3 else zero)
                frames.append({"layer": layer, "stage": stage, "t": float(t), "M": M, "c": c,
                               "s": float(t) if stage == 3 else 0.0})
    return frames


def apply_frame(frame: dict, x: np.ndarray, activation: str = "tanh") -> np.ndarray:
    """Where the points x (entering the frame's layer) are drawn in this frame: the formula the page uses."""
    u = x @ frame["M"].T + frame["c"]
    return (1 - frame["s"]) * u + frame["s"] * ACTIVATIONS[activation](u)


def stretch(params, x: np.ndarray, activation: str = "tanh") -> np.ndarray:
    """Largest singular value of d(last hidden layer)/d(input) at each point: how much the network
    stretches the input there (the chain rule through every hidden layer)."""
    slopes = {"tanh": lambda h, u: 1 - h ** 2, "relu": lambda h, u: (u > 0).astype(float),
              "sigmoid": lambda h, u: h * (1 - h)}[activation]
    h = np.asarray(x, np.float64)
    J = np.broadcast_to(np.eye(h.shape[1]), (len(h), h.shape[1], h.shape[1]))
    for W, b in params[:-1]:
        u = h @ W.T + b
        h = ACTIVATIONS[activation](u)
        J = slopes(h, u)[:, :, None] * np.einsum("oi,nij->noj", W, J)
    return np.linalg.svd(J, compute_uv=False)[:, 0]
