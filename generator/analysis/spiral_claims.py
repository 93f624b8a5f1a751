"""spiralNet's claims (Part II): where the classes sit in the 2-unit last hidden layer, on every seed.

Measured on the final snapshot, one forward pass of the training points per seed. The figures draw seed
index 0, so the claims without a ``seeds_`` prefix are that seed's (``figure_seed`` names it); the ``seeds_``
claims are over every seed, with their count and spread (see spread.py).

Places, tanh: a class-centre coordinate is "at a side" of the square (-1, 1)^2 when |h| > CORNER; both
coordinates at a side: a corner, one: an edge (named by that side), none: inside.
Places, ReLU: the layer is the quadrant h >= 0, drawn with the origin at the bottom left. A centre within
ORIGIN of the origin (as a share of the farthest centre's distance) sits in that corner and is not counted
on an axis (the angle share, packing.py, still reads its direction unless it is exactly 0); the others lie on
an axis when their direction is within AXIS_DEGREES of it (the h1 axis is the bottom edge, the h2 axis the
left edge), and inside otherwise.
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
    for k, ((cx, cy), place) in enumerate(zip(centres, where)):
        claims |= {f"centroid_{k}_x": float(cx), f"centroid_{k}_y": float(cy), f"class_{k}_place": place}

    if act == "tanh":
        claims["packing_distance"] = float(packing.distance_ratio(H, y, K))
        claims |= over_seeds("seeds_packing_distance", [packing.distance_ratio(h, y, K) for h, _, _ in measured])
        claims |= corner_counts(where)
        counts = [corner_counts(p) for _, _, p in measured]
        claims |= over_seeds("seeds_corners_occupied", [c["corners_occupied"] for c in counts])
        claims |= over_seeds("seeds_classes_at_edges", [c["classes_at_edges"] for c in counts])
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
    return claims


def spiral_claims_declared(spec: dict) -> dict[str, str]:
    """The names spiral_claims produces for any run of this spec: one centre and place per class."""
    K = int(spec["data"]["classes"])
    out = required("figure_seed", "packing_angle", over_seeds_names("seeds_packing_angle"),
                   *({f"centroid_{k}_x", f"centroid_{k}_y", f"class_{k}_place"} for k in range(K)))
    if spec["model"]["activation"] == "tanh":
        out |= required("packing_distance", over_seeds_names("seeds_packing_distance"), "corners_occupied",
                        "classes_at_corners", "classes_at_edges", "classes_inside",
                        over_seeds_names("seeds_corners_occupied"), over_seeds_names("seeds_classes_at_edges"))
        if K <= 4:
            out |= required(share_names("seeds_all_at_distinct_corners"))
        if K == 2:
            out |= required("centroid_angle", "opposite_corners", share_names("seeds_opposite_corners"))
    else:
        out |= required("classes_on_axes", "classes_at_origin", over_seeds_names("seeds_classes_on_axes"))
    return out
