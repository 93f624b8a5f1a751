"""spiralNet's claims (Part II): where the classes sit in the 2-unit last hidden layer, on every seed.

Measured on the final snapshot, one forward pass of the training points per seed (tanh's crowding reads every
snapshot: when two class centres stop crowding one place). The figures draw seed index 0, so the claims without
a ``seeds_`` prefix are that seed's (``figure_seed`` names it); the ``seeds_`` claims are over every seed, with
their count and spread (see spread.py).

Places, tanh: a class-centre coordinate is "at a side" of the square (-1, 1)^2 when |h| > CORNER; both
coordinates at a side: a corner, one: an edge (named by that side), none: inside. An edge class sits near its
edge's midpoint when its other coordinate is within MIDPOINT of zero (a third of the half-side). The square's
eight places are its four corners and the four midpoints of its edges; a seed "keeps to the eight places" when
every class holds one of them and no two classes hold the same.
Places, ReLU: the layer is the quadrant h >= 0, drawn with the origin at the bottom left. A centre within
ORIGIN of the origin (as a share of the farthest centre's distance) sits in that corner and is not counted
on an axis (the angle share, packing.py, still reads its direction unless it is exactly 0); the others lie on
an axis when their direction is within AXIS_DEGREES of it (the h1 axis is the bottom edge, the h2 axis the
left edge), and inside otherwise.
The prose checks only the seeds_ claims (a share of the seeds with its count and 95% interval, or a mean with
its sd, min and max); it words its sentences about the drawn network from the others with picks.
"""
from __future__ import annotations

import numpy as np

from .. import frames
from .declare import required
from .spread import over_seeds, over_seeds_names, share, share_names

# packing (scipy) is imported where it measures: the build imports this module for its declarations while
# gathering, before anything trains, and that must stay quick

# tanh's places are the corners (+-1, +-1), the edge midpoints and the centre, whose coordinates are -1, 0 or +1:
# a coordinate beyond 0.5 is nearer +-1 than 0, so each centre gets the nearest of those nine places,
# coordinate by coordinate. Measured on the 24 seeds of K = 2..7, every centre coordinate is below 0.33 or
# above 0.55 but one, 0.498 (K = 5, seed 3: a class part-way along an edge, honestly in between). At K = 2 and 3
# the centres sit well in from the corners (0.56..0.89): a threshold of 0.6 would call some of them inside.
CORNER = 0.5
# tanh: an edge class is near its edge's midpoint when its other coordinate is within a third of the half-side of
# zero. Measured on the 24 seeds of K = 2..7, edge classes' other coordinates lie at 0.00..0.12, 0.24, 0.29,
# 0.32 and one 0.498 (K = 5, seed 3); no check may hinge on one seed's side of this line (they count seeds).
MIDPOINT = 1 / 3
# tanh: two class centres still crowd one place (packing.CROWDED) "long" when they do past this share of the steps
LONG_CROWDED = 0.25
AXIS_DEGREES = 5.0   # ReLU: a centre's direction this close to an axis lies on it
# ReLU: a centre this close to the origin (as a share of the farthest centre's distance) sits there. Measured
# on the 24 seeds of K = 2..7: centres at the origin lie within 0.038 of it, the nearest one out along an axis
# at 0.054 (K = 7, seed 0); 0.045 splits that gap.
ORIGIN = 0.045


def last_hidden(run: dict, seed: int, activation: str) -> np.ndarray:
    """The training points in the 2-unit last hidden layer (after its activation), final snapshot: (N, 2)."""
    H = frames.forward(frames.layers(run, seed, -1), run["X"], activation)[-2]
    if H.shape[1] != 2:
        raise ValueError(f"the last hidden layer has {H.shape[1]} units; spiralNet's claims need 2")
    return H


def tanh_place(centre) -> str:
    """'corner top-left', 'edge bottom', 'inside', ... of one class centre in tanh's square."""
    x, y = float(centre[0]), float(centre[1])
    horizontal = ("right" if x > 0 else "left") if abs(x) > CORNER else None
    vertical = ("top" if y > 0 else "bottom") if abs(y) > CORNER else None
    if horizontal and vertical:
        return f"corner {vertical}-{horizontal}"
    if horizontal or vertical:
        return f"edge {horizontal or vertical}"
    return "inside"


def relu_places(centres: np.ndarray) -> list[str]:
    """'corner bottom-left' (the origin), 'edge bottom' (the h1 axis), 'edge left' (the h2 axis) or 'inside'."""
    norms = np.linalg.norm(centres, axis=1)
    reach = max(float(norms.max()), 1e-300)
    angles = np.degrees(np.arctan2(centres[:, 1], centres[:, 0]))
    places = []
    for norm, angle in zip(norms, angles):
        if norm <= ORIGIN * reach:
            places.append("corner bottom-left")
        elif abs(angle) <= AXIS_DEGREES:
            places.append("edge bottom")
        elif abs(angle - 90.0) <= AXIS_DEGREES:
            places.append("edge left")
        else:
            places.append("inside")
    return places


def places(centres: np.ndarray, activation: str) -> list[str]:
    return [tanh_place(c) for c in centres] if activation == "tanh" else relu_places(centres)


def corner_counts(places_: list[str]) -> dict:
    """How the classes spread over tanh's square: distinct corners, classes at corners, at edges, inside."""
    corners = [p for p in places_ if p.startswith("corner")]
    return {"corners_occupied": len(set(corners)), "classes_at_corners": len(corners),
            "classes_at_edges": sum(p.startswith("edge") for p in places_),
            "classes_inside": sum(p == "inside" for p in places_)}


def all_at_distinct_corners(places_: list[str]) -> bool:
    """Every class alone at a corner of its own (possible only for K <= 4)."""
    return all(p.startswith("corner") for p in places_) and len(set(places_)) == len(places_)


def rim_place(centre) -> str | None:
    """The one of the square's eight places a class centre holds: its corner ('corner top-left', ...), or its
    edge's midpoint ('edge bottom', ...) when its other coordinate is within MIDPOINT of zero; None when it is
    inside, or on an edge but part-way to a corner."""
    place = tanh_place(centre)
    if place.startswith("corner"):
        return place
    if place.startswith("edge") and min(abs(float(centre[0])), abs(float(centre[1]))) < MIDPOINT:
        return place
    return None


def keeps_to_eight_places(centres: np.ndarray) -> bool:
    """Every class at one of the square's eight places (rim_place), no two classes at the same one."""
    held = [rim_place(c) for c in centres]
    return all(p is not None for p in held) and len(set(held)) == len(held)


def smallest_coordinate(centres: np.ndarray) -> float:
    """The smallest |coordinate| of any class centre: near 1 when every class sits at a corner."""
    return float(np.abs(centres).min())


def axis_shared(places_: list[str]) -> bool:
    """ReLU: two or more class centres on the same axis (one edge of the quadrant), told apart only by distance."""
    return max(places_.count("edge bottom"), places_.count("edge left")) >= 2


def last_hidden_at(run: dict, seed: int, activation: str, snapshots) -> np.ndarray:
    """The training points in the 2-unit last hidden layer of one seed at the given snapshots: (len, N, 2).
    frames.forward's arithmetic, one matrix product per layer for all the snapshots together."""
    act = frames.ACTIVATIONS[activation]
    index = np.asarray(snapshots, int)
    h = np.broadcast_to(np.asarray(run["X"], np.float64), (len(index), *np.shape(run["X"])))
    for i in range(sum(1 for k in run if k.startswith("W")) - 1):  # the hidden layers; not the output layer
        W, b = run[f"W{i}"][index, seed].astype(np.float64), run[f"b{i}"][index, seed].astype(np.float64)
        h = act(h @ W.transpose(0, 2, 1) + b[:, None, :])
    return h


def crowding(run: dict, seed: int, classes: int, chunk: int = 16) -> tuple[int, bool]:
    """tanh: (the last step at which two class centres of this seed crowd one place, whether they still do at
    the end), as the packing figure measures the drawn seed (packing.last_crowded over its distance shares).
    Read backwards from the last snapshot, a chunk at a time, stopping at the first crowded one."""
    from . import packing
    steps = np.asarray(run["snapshot_steps"])
    for stop in range(len(steps), 0, -chunk):
        index = np.arange(max(0, stop - chunk), stop)
        shares = [packing.distance_ratio(h, run["y"], classes) for h in last_hidden_at(run, seed, "tanh", index)]
        crowded = [i for i, share in zip(index, shares) if steps[i] > 0 and share < packing.CROWDED]
        if crowded:
            return int(steps[crowded[-1]]), bool(crowded[-1] == len(steps) - 1)
    return int(steps[0]), False  # never crowded after step 0: packing.last_crowded's snapshot 0


def opposite_corners(centres: np.ndarray) -> bool:
    """Two class centres toward diagonally opposite corners of the square: in opposite quadrants (both
    coordinates change sign). Whether they are at those corners is their places' business."""
    if len(centres) != 2:
        return False
    signs = np.sign(centres)
    return bool(np.all(signs[0] * signs[1] < 0))


def centroid_angle(centres: np.ndarray) -> float:
    """Angle (degrees, 0..180) between the directions of the first two class centres."""
    a, b = centres[0], centres[1]
    cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


def spiral_claims(run: dict, spec: dict) -> dict:
    from . import packing
    K = int(spec["data"]["classes"])
    act = spec["model"]["activation"]
    y = run["y"]
    measured = []  # per seed: (H, centres, places)
    for seed in range(len(run["seeds"])):
        H = last_hidden(run, seed, act)
        centres = packing.centroids(H, y, K)
        measured.append((H, centres, places(centres, act)))

    H, centres, where = measured[0]
    claims = {"figure_seed": int(run["seeds"][0]), "packing_angle": float(packing.angle_ratio(H, y, K, act))}
    claims |= over_seeds("seeds_packing_angle", [packing.angle_ratio(h, y, K, act) for h, _, _ in measured])
    claims |= over_seeds("seeds_final_loss", np.asarray(run["loss"])[-1])
    for k, ((cx, cy), place) in enumerate(zip(centres, where)):
        claims |= {f"centroid_{k}_x": float(cx), f"centroid_{k}_y": float(cy), f"class_{k}_place": place}

    if act == "tanh":
        claims["packing_distance"] = float(packing.distance_ratio(H, y, K))
        claims |= over_seeds("seeds_packing_distance", [packing.distance_ratio(h, y, K) for h, _, _ in measured])
        claims |= corner_counts(where)
        counts = [corner_counts(p) for _, _, p in measured]
        claims |= over_seeds("seeds_corners_occupied", [c["corners_occupied"] for c in counts])
        claims |= over_seeds("seeds_classes_at_edges", [c["classes_at_edges"] for c in counts])
        claims |= share("seeds_none_inside", [c["classes_inside"] == 0 for c in counts])
        claims["eight_places"] = int(keeps_to_eight_places(centres))
        claims |= share("seeds_eight_places", [keeps_to_eight_places(c) for _, c, _ in measured])
        claims |= over_seeds("seeds_smallest_coordinate", [smallest_coordinate(c) for _, c, _ in measured])
        if K > 4:  # more classes than corners: how long two of them crowd one place (read through training)
            crowded = [crowding(run, seed, K) for seed in range(len(measured))]
            steps = int(spec["train"]["steps"])
            claims |= over_seeds("seeds_crowded_until_step", [step for step, _ in crowded])
            claims |= share("seeds_long_crowded", [step > LONG_CROWDED * steps for step, _ in crowded])
            claims |= share("seeds_crowded_at_end", [at_end for _, at_end in crowded])
        if K <= 4:
            claims |= share("seeds_all_at_distinct_corners", [all_at_distinct_corners(p) for _, _, p in measured])
        if K == 2:
            claims["centroid_angle"] = centroid_angle(centres)
            claims["opposite_corners"] = int(opposite_corners(centres))
            claims |= share("seeds_opposite_corners", [opposite_corners(c) for _, c, _ in measured])
    else:
        on_axes = [sum(p.startswith("edge") for p in pl) for _, _, pl in measured]
        claims["classes_on_axes"] = int(on_axes[0])
        claims["classes_at_origin"] = int(sum(p.startswith("corner") for p in where))
        claims |= over_seeds("seeds_classes_on_axes", on_axes)
        claims |= share("seeds_axis_shared", [axis_shared(pl) for _, _, pl in measured])
    return claims


def spiral_claims_declared(spec: dict) -> dict[str, str]:
    """The names spiral_claims produces for any run of this spec: one centre and place per class."""
    K = int(spec["data"]["classes"])
    out = required("figure_seed", "packing_angle", over_seeds_names("seeds_packing_angle"),
                   over_seeds_names("seeds_final_loss"),
                   *({f"centroid_{k}_x", f"centroid_{k}_y", f"class_{k}_place"} for k in range(K)))
    if spec["model"]["activation"] == "tanh":
        out |= required("packing_distance", over_seeds_names("seeds_packing_distance"), "corners_occupied",
                        "classes_at_corners", "classes_at_edges", "classes_inside",
                        over_seeds_names("seeds_corners_occupied"), over_seeds_names("seeds_classes_at_edges"),
                        share_names("seeds_none_inside"), "eight_places", share_names("seeds_eight_places"),
                        over_seeds_names("seeds_smallest_coordinate"))
        if K > 4:
            out |= required(over_seeds_names("seeds_crowded_until_step"), share_names("seeds_long_crowded"),
                            share_names("seeds_crowded_at_end"))
        if K <= 4:
            out |= required(share_names("seeds_all_at_distinct_corners"))
        if K == 2:
            out |= required("centroid_angle", "opposite_corners", share_names("seeds_opposite_corners"))
    else:
        out |= required("classes_on_axes", "classes_at_origin", over_seeds_names("seeds_classes_on_axes"),
                        share_names("seeds_axis_shared"))
    return out
