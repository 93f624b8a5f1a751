"""The numbers every experiment reports (accuracy over seeds, dataset facts, det W of the shown network).

Each measuring function has a `..._declared(spec)` beside it: the names it produces, known from the spec before
anything trains (see declare.py); `declared_claims(spec)` gathers them for the build's checks. Cheap to import
(numpy, no torch, no scipy): the build reads the declarations while gathering."""
from __future__ import annotations

import numpy as np

from .. import datasets, frames
from .declare import merge, optional, required, split
from .spread import over_seeds, over_seeds_names, share, share_names

# claims no processor's rounding can change (counts and settings a run copies): a check may read them with
# claims over seeds (prose.lint refuses a check that reads the drawn network alone)
EXACT = frozenset({"seeds", "steps", "figure_seed", "heldout_points", "knn_k", "train_images", "test_images",
                   "a_max_y", "b_min_y", "corner_distance", "crushed_below", "fold_mesh"})
HELDOUT_POINTS = 20_000  # per class: a dense fresh sample of the same sets, never seen in training
JACOBIAN_GRID = 101      # points per side of the grid over the input square where |det J| is measured
CORNER_DISTANCE = 0.05   # a hidden point is "at a corner" of the square [-1, 1]^2 when both coordinates lie within
                         # this distance of -1 or 1 (both units saturated)
CRUSHED_BELOW = 0.1      # a network "crushes" its data when the stretch at its median data point is below this
FOLD_MESH = 100          # cells per side of the mesh whose vertices sample the square for folds (as field-morph's)


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


def declared_claims(spec: dict) -> tuple[set[str], set[str]]:
    """(required, optional) names of experiment_claims(run, spec) for any run of this spec; names may be
    fnmatch globs for families whose size only the measurement knows (jump1_to, jump2_to, ...)."""
    return split(experiment_claims_declared(spec))


def experiment_claims_declared(spec: dict) -> dict[str, str]:
    """experiment_claims' dispatch, read from the spec instead of the run."""
    if spec["model"]["kind"] == "convnet-knn":                 # knn.train_knn: softmax_error, knn_error, ...
        return knn_claims_declared(spec)
    if scored_on_test_split(spec["data"]):                     # train.py records test_accuracy
        from .learning_claims import learning_claims_declared
        return merge(generic_claims_declared(spec), learning_claims_declared(spec))
    if spec["data"]["kind"] == "k-spirals":
        from .spiral_claims import spiral_claims_declared
        return merge(generic_claims_declared(spec), spiral_claims_declared(spec))
    return generic_claims_declared(spec)


def scored_on_test_split(data: dict) -> bool:
    """Whether training scores a test split at every snapshot (datasets.held_out, without loading the data)."""
    return "split" in data and data["split"] != "test"


# Input width of every dataset kind (datasets.KINDS), so the layers' shapes are known before anything trains.
INPUT_WIDTH = {"two-curves": 2, "spirals": 2, "k-spirals": 2, "annulus": 2, "interval-1d": 1, "tori": 3, "mnist": 784}


def weight_shapes(spec: dict) -> list[tuple[int, int]]:
    """(out, in) of each W the run records, output layer last: frames.layers' shapes, from the spec."""
    data = spec["data"]
    classes = int(data.get("classes", 10 if data["kind"] == "mnist" else 2))
    if spec["model"]["kind"] == "vector-field":  # the field layers are V{l}; the only W is the 2 -> classes output
        return [(classes, 2)]
    widths = [INPUT_WIDTH[data["kind"]], *spec["model"]["hidden"], classes]
    return [(out, into) for into, out in zip(widths[:-1], widths[1:])]


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
        claims |= threshold_claims(run, spec)
    square = [i for i, (W, _) in enumerate(params[:-1]) if W.shape[0] == W.shape[1]]
    for i in square:
        claims[f"det_w{i + 1}"] = float(np.linalg.det(params[i][0]))
    if square:
        claims["det_w"] = claims[f"det_w{square[0] + 1}"]
        claims |= det_sign_claims(run, square[0])
    if len(params) > 1 and params[0][0].shape == (2, 2):
        claims |= stretch_claims(run, spec, best)
    if stretch_measured(spec, [W.shape for W, _ in params]):
        claims |= data_stretch_claims(run, spec)
    if spec["model"].get("kind") == "vector-field":
        claims |= fold_claims(run, spec)
    return claims


def generic_claims_declared(spec: dict) -> dict[str, str]:
    shapes = weight_shapes(spec)
    out = required("seeds", "steps", "accuracy_best", "accuracy_worst", "shown_seed", "final_loss_shown",
                   over_seeds_names("accuracy_mean"), share_names("share_perfect"), "accuracy_best_n",
                   "accuracy_worst_n")
    out |= dataset_claims_declared(spec["data"])
    if spec["data"]["kind"] in datasets.SAMPLED:
        out |= heldout_claims_declared(spec)
    if shapes[0][1] == 1:
        out |= required(f"threshold{unit}" for unit in range(1, shapes[0][0] + 1))
        out |= threshold_claims_declared(spec)
    square = [i for i, (rows, columns) in enumerate(shapes[:-1]) if rows == columns]
    out |= required(f"det_w{i + 1}" for i in square)
    if square:
        out |= required("det_w") | det_sign_claims_declared(spec)
    if len(shapes) > 1 and shapes[0] == (2, 2):
        out |= stretch_claims_declared(spec)
    if stretch_measured(spec, shapes):
        out |= data_stretch_claims_declared(spec)
    if spec["model"].get("kind") == "vector-field":
        out |= fold_claims_declared(spec)
    return out


def det_sign_claims(run: dict, layer: int) -> dict:
    """The first square hidden layer's det W on every seed: the share of seeds where it comes out negative (the
    layer, as trained, mirrors the plane; swapping its two units makes it positive, computing the same function)."""
    dets = np.array([np.linalg.det(frames.layers(run, s)[layer][0]) for s in range(len(run["seeds"]))])
    return share("seeds_det_w_negative", dets < 0)


def det_sign_claims_declared(spec: dict) -> dict[str, str]:
    return required(share_names("seeds_det_w_negative"))


def stretch_measured(spec: dict, shapes) -> bool:
    """Part I's networks of a 2-D input with a hidden layer (not vector fields, not spiralNet's K spirals); shapes:
    (out, in) of each W, output layer last."""
    return (shapes[0][1] == 2 and len(shapes) > 1 and spec["model"].get("kind", "mlp") == "mlp"
            and spec["data"]["kind"] != "k-spirals")


def data_stretch_claims(run: dict, spec: dict) -> dict:
    """A 2-D input: on every seed, the stretch of the whole hidden stack at the training points (frames.stretch:
    the largest singular value of d(last hidden layer)/d(input)), its median and its largest; the share of seeds
    whose median is below CRUSHED_BELOW (half the data sit where every direction is shortened tenfold)."""
    activation = spec["model"]["activation"]
    per_seed = [frames.stretch(frames.layers(run, s), run["X"], activation) for s in range(len(run["seeds"]))]
    medians = np.array([np.median(v) for v in per_seed])
    return ({"crushed_below": CRUSHED_BELOW} | over_seeds("seeds_stretch_median_data", medians)
            | over_seeds("seeds_stretch_max_data", [v.max() for v in per_seed])
            | share("seeds_crushed", medians < CRUSHED_BELOW))


def data_stretch_claims_declared(spec: dict) -> dict[str, str]:
    return required("crushed_below", over_seeds_names("seeds_stretch_median_data"),
                    over_seeds_names("seeds_stretch_max_data"), share_names("seeds_crushed"))


def fold_claims(run: dict, spec: dict) -> dict:
    """Vector-field layers x -> x + F(x) on every seed: where they fold the plane, sampled at the vertices of a
    FOLD_MESH x FOLD_MESH mesh over the square the field-morph figure draws by default. Per seed: the share of the
    square some layer turns inside out where the square has arrived by then (seeds_folded_any_share), and the
    share the layers together leave inside out, the sign of the product of their Jacobian determinants
    (seeds_folded_share: two folds over the same place leave it the right way round); the share of seeds with
    any fold at all (seeds_folding) and with some of the square left inside out (seeds_inside_out)."""
    width = spec["model"]["bump_width"]
    anchors = run["anchors"].astype(np.float64)
    reach = max(1.0, np.ceil(np.abs(run["X"]).max() * 4) / 4)
    square = frames.mesh(-reach, reach, FOLD_MESH)
    overall, anywhere = [], []
    for s in range(len(run["seeds"])):
        arrived = frames.field_forward(run, s, square, width)
        dets = [frames.field_jacobian_det(at, vectors, anchors, width)
                for at, vectors in zip(arrived, frames.field_layers(run, s))]
        overall.append(float((np.prod([np.sign(d) for d in dets], axis=0) < 0).mean()))
        anywhere.append(float(np.logical_or.reduce([d < 0 for d in dets]).mean()))
    overall, anywhere = np.array(overall), np.array(anywhere)
    return ({"fold_mesh": FOLD_MESH} | over_seeds("seeds_folded_share", overall)
            | over_seeds("seeds_folded_any_share", anywhere)
            | share("seeds_folding", anywhere > 0) | share("seeds_inside_out", overall > 0))


def fold_claims_declared(spec: dict) -> dict[str, str]:
    return required("fold_mesh", over_seeds_names("seeds_folded_share"), over_seeds_names("seeds_folded_any_share"),
                    share_names("seeds_folding"), share_names("seeds_inside_out"))


def threshold_claims(run: dict, spec: dict) -> dict:
    """A 1-D input: every seed's thresholds -b/w, sorted, over seeds (seeds_threshold1, ...), and the share of
    seeds with a threshold in each gap of the interval data, (-outer_from, -inner) and (inner, outer_from)."""
    data = spec["data"]
    inner, outer = float(data.get("inner", 1 / 3)), float(data.get("outer_from", 2 / 3))
    per_seed = []
    for s in range(len(run["seeds"])):
        W, b = frames.layers(run, s)[0]
        per_seed.append(np.sort(-b / W[:, 0]))
    thresholds = np.array(per_seed)
    claims = {}
    for unit in range(thresholds.shape[1]):
        claims |= over_seeds(f"seeds_threshold{unit + 1}", thresholds[:, unit])
    left = ((thresholds > -outer) & (thresholds < -inner)).any(1)
    right = ((thresholds > inner) & (thresholds < outer)).any(1)
    return claims | share("seeds_threshold_in_each_gap", left & right)


def threshold_claims_declared(spec: dict) -> dict[str, str]:
    units = weight_shapes(spec)[0][0]
    return required(*(over_seeds_names(f"seeds_threshold{unit}") for unit in range(1, units + 1)),
                    share_names("seeds_threshold_in_each_gap"))


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
    per_seed = [float(np.median(abs_det_jacobian(*frames.layers(run, s)[0], run["X"], activation)))
                for s in range(len(run["seeds"]))]  # the same median on every seed
    claims["det_jacobian_median_data"] = per_seed[best]
    claims |= over_seeds("seeds_det_jacobian_median_data", per_seed)
    # the share of the training points the first layer puts at a corner of its square, on every seed
    corners = []
    for s in range(len(run["seeds"])):
        W, b = frames.layers(run, s)[0]
        h = frames.ACTIVATIONS[activation](run["X"].astype(np.float64) @ W.T + b)
        corners.append(float((np.abs(h) >= 1 - CORNER_DISTANCE).all(1).mean()))
    corners = np.array(corners)
    return (claims | {"corner_distance": CORNER_DISTANCE, "corner_share": float(corners[best])}
            | over_seeds("seeds_corner_share", corners) | share("seeds_half_at_corners", corners >= 0.5))


def stretch_claims_declared(spec: dict) -> dict[str, str]:
    return required(over_seeds_names("seeds_sigma_max"), over_seeds_names("seeds_sigma_min"),
                    over_seeds_names("seeds_sigma_ratio"), "sigma_ratio_median", "sigma_ratio_median_n",
                    "sigma_max", "sigma_min", "sigma_ratio", "det_jacobian_median", "det_jacobian_median_data",
                    over_seeds_names("seeds_det_jacobian_median_data"), "corner_distance", "corner_share",
                    over_seeds_names("seeds_corner_share"), share_names("seeds_half_at_corners"))


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


def dataset_claims_declared(data: dict) -> dict[str, str]:
    return required("a_max_y", "b_min_y") if data["kind"] == "two-curves" else {}


def heldout_claims(run: dict, spec: dict) -> dict:
    """Accuracy of every seed on a dense fresh sample of the same sets (the theorem is about the sets)."""
    data = spec["data"] | {"seed": spec["data"]["seed"] + 1, "points_per_class": HELDOUT_POINTS}
    X, y = datasets.make(data)
    scores = np.array([(frames.predict(run, s, X, spec["model"]) == y).mean() for s in range(len(run["seeds"]))])
    return ({"heldout_points": int(len(y)), "heldout_accuracy_best": float(scores.max()),
             "heldout_accuracy_best_n": int(len(scores))}
            | over_seeds("heldout_accuracy_mean", scores) | share("heldout_share_perfect", scores >= 1))


def heldout_claims_declared(spec: dict) -> dict[str, str]:
    return required("heldout_points", "heldout_accuracy_best", "heldout_accuracy_best_n",
                    over_seeds_names("heldout_accuracy_mean"), share_names("heldout_share_perfect"))


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


def knn_claims_declared(spec: dict) -> dict[str, str]:
    errors = ("softmax_error", "knn_error", "knn_trained_error")
    return required("seeds", "steps", "knn_k", "train_images", "test_images",
                    *(over_seeds_names(name) | {f"{name}_best", f"{name}_best_n"} for name in errors),
                    over_seeds_names("knn_gain"), over_seeds_names("knn_gain_images"),
                    share_names("seeds_knn_beats_softmax"))
