"""The numbers every experiment reports (accuracy over seeds, dataset facts, det W of the shown network)."""
from __future__ import annotations

import numpy as np

from .. import datasets, frames

HELDOUT_POINTS = 20_000  # per class: a dense fresh sample of the same sets, never seen in training


def experiment_claims(run: dict, spec: dict) -> dict:
    if "knn_error" in run:
        return knn_claims(run, spec)
    if "test_accuracy" in run:  # scored on a held-out split at every snapshot (Part III): its own claims too
        from .learning_claims import learning_claims
        return generic_claims(run, spec) | learning_claims(run, spec)
    return generic_claims(run, spec)


def generic_claims(run: dict, spec: dict) -> dict:
    accuracy = run["accuracy"]
    best = frames.best_seed(run)
    claims = {
        "seeds": int(len(accuracy)),
        "steps": int(spec["train"]["steps"]),
        "accuracy_mean": float(accuracy.mean()),
        "accuracy_best": float(accuracy.max()),
        "accuracy_worst": float(accuracy.min()),
        "share_perfect": float((accuracy >= 1.0).mean()),
        "shown_seed": int(run["seeds"][best]),
        "final_loss_shown": float(run["loss"][-1, best]),
    }
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
    return claims


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
    return {"heldout_points": int(len(y)), "heldout_accuracy_mean": float(scores.mean()),
            "heldout_accuracy_best": float(scores.max()), "heldout_share_perfect": float((scores >= 1).mean())}


def knn_claims(run: dict, spec: dict) -> dict:
    """O15: test error of softmax, of k-NN on its representation, and of a network trained for k-NN."""
    claims = {"seeds": int(len(run["seeds"])), "steps": int(spec["train"]["steps"]), "knn_k": spec["train"]["knn_k"],
              "train_images": int(run["train_count"]), "test_images": int(run["test_count"])}
    for name in ("softmax_error", "knn_error", "knn_trained_error"):
        claims[name] = float(run[name].mean())
        claims[f"{name}_best"] = float(run[name].min())
    claims["knn_gain"] = claims["softmax_error"] - claims["knn_error"]  # > 0: k-NN beats softmax
    return claims
