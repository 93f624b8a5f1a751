"""spiralNet's "optimal packing", measured scale-free in the 2-unit last hidden layer.

Angles: the smallest angle between two class-centroid directions, over the best possible for K directions
in the activation's range (360/K over tanh's whole plane, 90/(K-1) over ReLU's quadrant).
Distances (tanh): the smallest distance between two class centroids, over the best possible for K points in
the square [-1, 1]^2 (the known optimal spreads of K points in a square, scaled to side 2).
"""
from __future__ import annotations

import numpy as np
from scipy import stats

# Largest possible smallest distance between K points in a unit square (K = 2..7): sqrt 2, sqrt 6 - sqrt 2,
# 1, sqrt 2 / 2, sqrt 13 / 6, 4 - 2 sqrt 3 (Schaer and Meir 1965; Graham and Lubachevsky 1996).
UNIT_SQUARE_SPREAD = {2: np.sqrt(2), 3: np.sqrt(6) - np.sqrt(2), 4: 1.0, 5: np.sqrt(2) / 2,
                      6: np.sqrt(13) / 6, 7: 4 - 2 * np.sqrt(3)}
CROWDED = 0.25  # a distance share below this: two class centres sit within a quarter of the best spacing


def centroids(H: np.ndarray, y: np.ndarray, classes: int) -> np.ndarray:
    """Mean position of each class in the layer: (classes, 2)."""
    return np.stack([H[y == k].mean(0) for k in range(classes)])


def best_angle(classes: int, activation: str) -> float:
    """The largest possible smallest angle (degrees) between `classes` directions in the activation's range."""
    return 360.0 / classes if activation == "tanh" else 90.0 / (classes - 1)


def smallest_angle(points: np.ndarray) -> float:
    """Smallest angle (degrees, 0..180) between the directions of any two points seen from the origin."""
    unit = points / np.linalg.norm(points, axis=1, keepdims=True)
    cosines = np.clip(unit @ unit.T, -1.0, 1.0)
    upper = np.triu_indices(len(points), 1)
    return float(np.degrees(np.arccos(cosines[upper])).min())


def smallest_distance(points: np.ndarray) -> float:
    gaps = np.linalg.norm(points[:, None] - points[None], axis=-1)
    return float(gaps[np.triu_indices(len(points), 1)].min())


def at_corner(points: np.ndarray) -> np.ndarray:
    """Centroids at the origin (ReLU's corner: every unit off for the whole class) have no direction."""
    norms = np.linalg.norm(points, axis=1)
    return norms <= 1e-9 * max(float(norms.max()), 1e-300)


def angle_ratio(H: np.ndarray, y: np.ndarray, classes: int, activation: str) -> float:
    """1 when the class centroids' directions are spread as far apart as the range allows. Centroids at the
    origin are left out, and the best possible is then that of the classes that remain (0 if under 2)."""
    points = centroids(H, y, classes)
    directional = points[~at_corner(points)]
    if len(directional) < 2:
        return 0.0
    return smallest_angle(directional) / best_angle(len(directional), activation)


def distance_ratio(H: np.ndarray, y: np.ndarray, classes: int) -> float:
    """tanh: 1 when the class centroids are spread as far apart as K points in (-1, 1)^2 can be."""
    return smallest_distance(centroids(H, y, classes)) / (2 * UNIT_SQUARE_SPREAD[classes])


def direction_angles(H: np.ndarray) -> np.ndarray:
    """Angle (degrees, 0..360) of each point's direction in the layer, as the arrows of the field show it."""
    return np.degrees(np.arctan2(H[:, 1], H[:, 0])) % 360.0


def circular_summary(angles_deg: np.ndarray) -> tuple[float, float]:
    """Circular mean (0..360) and circular standard deviation (degrees) of angles."""
    radians = np.radians(angles_deg)
    return (float(np.degrees(stats.circmean(radians)) % 360.0),
            float(np.degrees(stats.circstd(radians))))


def last_crowded(steps, shares) -> int:
    """Index of the last snapshot after step 0 whose distance share is below CROWDED (two class centres still
    crowd one place); 0 if there is none."""
    crowded = [i for i, (step, share) in enumerate(zip(steps, shares)) if step > 0 and share < CROWDED]
    return crowded[-1] if crowded else 0
