"""The numbers every experiment reports (accuracy over seeds, dataset facts, det W of the shown network)."""
from __future__ import annotations

import numpy as np

from .. import datasets, frames
from .spread import over_seeds, share

HELDOUT_POINTS = 20_000  # per class: a dense fresh sample of the same sets, never seen in training
JACOBIAN_GRID = 101      # points per side of the grid over the input square where |det J| is measured


def experiment_claims(run: dict, spec: dict) -> dict:
    if "knn_error" in run:
        return knn_claims(run, spec)
    if "test_accuracy" in run:  # scored on a held-out split at every snapshot (Part III): its own claims too
        from .learning_claims import learning_claims
        return generic_claims(run, spec) | learning_claims(run, spec)
    if spec["data"]["kind"] == "k-spirals":  # spiralNet: where the classes sit in the 2-unit layer, every seed
        from .spiral_claims import spiral_claims
        return generic_claims(run, spec) | spiral_claims(run, spec)
    return generic_claims(run, spec)


def generic_claims(run: dict, spec: dict) -> dict:
    accuracy = run["accuracy"]
    best = frames.best_seed(run)
    claims = {
        "seeds": int(len(accuracy)),
        "steps": int(spec["train"]["steps"]),
        "accuracy_best": float(accuracy.max()),
        "accuracy_worst": float(accuracy.min()),
        "shown_seed": int(run["seeds"][best]),
        "final_loss_shown": float(run["loss"][-1, best]),
    }
    claims |= over_seeds("accuracy_mean", accuracy) | share("share_perfect", accuracy >= 1.0)
    claims |= {"accuracy_best_n": int(len(accuracy)), "accuracy_worst_n": int(len(accuracy))}  # extremes over seeds
    claims |= dataset_claims(run, spec["data"])
    if spec["data"]["kind"] in datasets.SAMPLED:
        claims |= heldout_claims(run, spec)
    params = frames.layers(run, best)
    if params[0][0].shape[1] == 1:  # 1-D input: each hidden unit is a threshold at x = -b/w
        W, b = params[0]
        for unit, threshold in enumerate(sorted(-b / W[:, 0]), start=1):
            claims[f"threshold{unit}"] = float(threshold)
    square = [i for i, (W, _) in enumerate(params[:-1]) if W.shape[0] == W.shape[1]]
    for i in square:
        claims[f"det_w{i + 1}"] = float(np.linalg.det(params[i][0]))
    if square:
        claims["det_w"] = claims[f"det_w{square[0] + 1}"]
    if len(params) > 1 and params[0][0].shape == (2, 2):
        claims |= stretch_claims(run, spec, best)
    return claims


def stretch_claims(run: dict, spec: dict, best: int) -> dict:
    """A 2 -> 2 first hidden layer: its W's singular values on every seed (sigma_min/sigma_max near 0: W
    flattens the plane onto a line), and how much area the layer keeps, |det J| of x -> act(Wx + b)."""
    sigmas = np.array([np.linalg.svd(frames.layers(run, s)[0][0], compute_uv=False) for s in range(len(run["seeds"]))])
    ratios = sigmas[:, 1] / sigmas[:, 0]
    claims = over_seeds("seeds_sigma_max", sigmas[:, 0]) | over_seeds("seeds_sigma_min", sigmas[:, 1])
    claims |= over_seeds("seeds_sigma_ratio", ratios)
    claims |= {"sigma_ratio_median": float(np.median(ratios)), "sigma_ratio_median_n": int(len(ratios)),
               "sigma_max": float(sigmas[best, 0]), "sigma_min": float(sigmas[best, 1]),
               "sigma_ratio": float(ratios[best])}
    W, b = frames.layers(run, best)[0]
    half = float(np.abs(run["X"]).max())  # the square around the data: [-half, half]^2
    ticks = np.linspace(-half, half, JACOBIAN_GRID)
    grid = np.stack(np.meshgrid(ticks, ticks), -1).reshape(-1, 2)
    activation = spec["model"]["activation"]
    claims["det_jacobian_median"] = float(np.median(abs_det_jacobian(W, b, grid, activation)))
    claims["det_jacobian_median_data"] = float(np.median(abs_det_jacobian(W, b, run["X"], activation)))
    return claims


def abs_det_jacobian(W: np.ndarray, b: np.ndarray, x: np.ndarray, activation: str) -> np.ndarray:
    """|det J| of x -> act(Wx + b) at each point, J = diag(act'(Wx + b)) W: the factor by which the layer
    scales small areas there (1: kept, near 0: crushed onto a line or a point)."""
    u = np.asarray(x, np.float64) @ W.T + b
    if activation == "tanh":  # 1 - tanh^2 as 4 e^-2|u| / (1 + e^-2|u|)^2: no cancellation to 0 past |u| ~ 19
        e = np.exp(-2 * np.abs(u))
        slope = 4 * e / (1 + e) ** 2
    else:
        h = frames.ACTIVATIONS[activation](u)
        slope = (u > 0).astype(float) if activation == "relu" else h * (1 - h)
    return np.abs(slope.prod(1) * np.linalg.det(W))


def dataset_claims(run: dict, data: dict) -> dict:
    if data["kind"] != "two-curves":
        return {}
    X, y = run["X"], run["y"]
    return {"a_max_y": float(X[y == 0, 1].max()), "b_min_y": float(X[y == 1, 1].min())}


def heldout_claims(run: dict, spec: dict) -> dict:
    """Accuracy of every seed on a dense fresh sample of the same sets (the theorem is about the sets)."""
    data = spec["data"] | {"seed": spec["data"]["seed"] + 1, "points_per_class": HELDOUT_POINTS}
    X, y = datasets.make(data)
    scores = np.array([(frames.predict(run, s, X, spec["model"]) == y).mean() for s in range(len(run["seeds"]))])
    return ({"heldout_points": int(len(y)), "heldout_accuracy_best": float(scores.max()),
             "heldout_accuracy_best_n": int(len(scores))}
            | over_seeds("heldout_accuracy_mean", scores) | share("heldout_share_perfect", scores >= 1))


def knn_claims(run: dict, spec: dict) -> dict:
    """O15: test error of softmax, of k-NN on its representation, and of a network trained for k-NN."""
    claims = {"seeds": int(len(run["seeds"])), "steps": int(spec["train"]["steps"]), "knn_k": spec["train"]["knn_k"],
              "train_images": int(run["train_count"]), "test_images": int(run["test_count"])}
    for name in ("softmax_error", "knn_error", "knn_trained_error"):
        claims |= over_seeds(name, run[name])  # the mean over seeds, with n, sd, min and max
        claims |= {f"{name}_best": float(run[name].min()), f"{name}_best_n": int(len(run[name]))}
    gain = run["softmax_error"].astype(np.float64) - run["knn_error"]  # per seed; > 0: k-NN beats softmax
    claims |= over_seeds("knn_gain", gain)
    # test images k-NN gets right and softmax wrong, minus the reverse, per seed (both score the same images)
    claims |= over_seeds("knn_gain_images", np.rint(gain * int(run["test_count"])))
    claims |= share("seeds_knn_beats_softmax", gain > 0)
    return claims
