"""Every categorical palette the figures draw stays distinct under colour-vision deficiency.

Deuteranopia, protanopia and tritanopia are simulated with the matrices of Machado, Oliveira & Fernandes (2009,
"A physiologically-based model for simulation of color vision deficiency", severity 1.0), applied to linear RGB;
colours are then compared in CIELAB (D65) by ΔE*ab (CIE76, the Euclidean distance).

Thresholds. ΔE76 ≈ 2.3 is a just-noticeable difference between two large patches side by side, and the difference
needed grows fast as marks shrink: at the size of our points (3-4 px) and lines (1-2 px) it is several times larger
(Stone, Szafir & Setlur 2014, "An engineering model for color difference as a function of size"). So palettes drawn
as small marks (points, lines, legend swatches) must keep every pair at least MARKS = 20 apart, about nine large-patch
JNDs, under normal vision and each simulation; palettes drawn as large areas (decision regions) at least AREAS = 10,
and a class's points at least ON_REGION = 12 from every region they may sit on. The ten-colour digit palette is held
to the same 20 as the shorter ones: it reaches it (measured 24.7 at worst, under tritanopia).

`python tests/test_palettes.py` prints the table of smallest distances.
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from generator.figures import style

PLAYER = Path(__file__).resolve().parent.parent / "templates" / "static" / "player.js"

# Machado et al. 2009, severity 1.0; rows act on linear (R, G, B)
MACHADO = {
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
VISIONS = ("normal", *MACHADO)
MARKS, AREAS, ON_REGION = 20.0, 10.0, 12.0
THRESHOLD = {"marks": MARKS, "areas": AREAS}


def linear_rgb(colours) -> np.ndarray:
    srgb = np.array([style.hex_rgb(c) for c in colours], float) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def simulate(linear: np.ndarray, vision: str) -> np.ndarray:
    return linear if vision == "normal" else np.clip(linear @ np.array(MACHADO[vision]).T, 0, 1)


def lab(linear: np.ndarray) -> np.ndarray:
    """CIELAB (D65 white) of linear sRGB."""
    to_xyz = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                       [0.0193339, 0.1191920, 0.9503041]])
    xyz = linear @ to_xyz.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)


def seen(colours, vision: str) -> np.ndarray:
    return lab(simulate(linear_rgb(colours), vision))


def smallest_distance(colours, vision: str) -> tuple[float, str, str]:
    """The smallest ΔE76 between two colours of the palette as `vision` sees them, and the pair."""
    points = seen(colours, vision)
    pairs = itertools.combinations(range(len(colours)), 2)
    return min((float(np.linalg.norm(points[i] - points[j])), colours[i], colours[j]) for i, j in pairs)


def test_the_simulation_confuses_what_each_deficiency_confuses():
    for vision, matrix in MACHADO.items():  # white stays white, black stays black
        assert np.allclose(np.array(matrix).sum(1), 1, atol=1e-3), vision
    red_green = ["#d62728", "#2ca02c"]  # the pair deuteranopes and protanopes confuse
    blue_green = ["#1f77b4", "#2ca02c"]
    normal = smallest_distance(red_green, "normal")[0]
    assert smallest_distance(red_green, "deuteranopia")[0] < normal / 3
    assert smallest_distance(red_green, "protanopia")[0] < normal / 3
    assert smallest_distance(blue_green, "tritanopia")[0] < smallest_distance(blue_green, "normal")[0] / 2
    # the palette the digit figures used to draw: red (2) and green (4) collapse for deuteranopes
    tableau10 = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d",
                 "#bab0ac"]
    assert smallest_distance(tableau10, "deuteranopia")[0] < 5


@pytest.mark.parametrize("name", sorted(style.PALETTES))
@pytest.mark.parametrize("vision", VISIONS)
def test_palette_stays_distinct(name, vision):
    use, colours = style.PALETTES[name]
    distance, a, b = smallest_distance(colours, vision)
    assert distance >= THRESHOLD[use], f"{name} under {vision}: {a} and {b} are only ΔE {distance:.1f} apart"


@pytest.mark.parametrize("vision", VISIONS)
def test_class_points_stand_out_on_every_region(vision):
    for points, regions in ((style.SPIRAL_COLOURS, style.SPIRAL_REGIONS),
                            (style.CLASS_COLOURS, ["#%02x%02x%02x" % rgb for rgb in style.REGION_COLOURS])):
        distance = np.linalg.norm(seen(points, vision)[:, None] - seen(regions, vision)[None], axis=2)
        worst = np.unravel_index(distance.argmin(), distance.shape)
        assert distance.min() >= ON_REGION, (f"under {vision}, points {points[worst[0]]} on region {regions[worst[1]]}: "
                                             f"ΔE {distance.min():.1f}")


def page_backgrounds() -> dict[str, str]:
    """What a figure is drawn on where no region is: the light page's white, and the dark theme's background, as
    player.js gives it to Vega (its colours of the data stay as they are in the dark)."""
    dark = re.search(r'\bBG = "(#[0-9a-fA-F]{6})"', PLAYER.read_text(encoding="utf-8"))
    assert dark, "player.js names its dark background BG"
    return {"light": "#ffffff", "dark": dark.group(1)}


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("classes", range(2, style.MOST_CLASSES + 1))
def test_class_points_stand_out_on_the_light_and_the_dark_page(classes, vision):
    """The dataset, the morphs and the 3-D view draw a run's class points straight on the page's background: every
    class colour stays a small mark's distance from it, in light and in dark."""
    colours = style.class_colours(classes)
    for theme, background in page_backgrounds().items():
        distance = np.linalg.norm(seen(colours, vision) - seen([background], vision), axis=1)
        assert distance.min() >= MARKS, (f"{colours[distance.argmin()]} on the {theme} page ({background}) under "
                                         f"{vision}: ΔE {distance.min():.1f}")


def test_the_class_colours_come_from_the_tested_palettes():
    """style.class_colours and region_colours, which every kind drawing a run's classes uses, hand out only colours
    of the palettes above, for every K they allow."""
    marks = [colours for use, colours in style.PALETTES.values() if use == "marks"]
    areas = [colours for use, colours in style.PALETTES.values() if use == "areas"]
    for classes in range(2, style.MOST_CLASSES + 1):
        assert any(style.class_colours(classes) == colours[:classes] for colours in marks), classes
        regions = ["#%02x%02x%02x" % rgb for rgb in style.region_colours(classes)]
        assert any(regions == colours[:classes] for colours in areas), classes


def test_palettes_are_the_ones_the_builders_draw():
    from generator.figures import learning_curves, learning_graph
    assert learning_curves.DIGIT_COLOURS is style.DIGIT_COLOURS
    assert learning_graph.LAYER_COLOURS is style.LAYER_COLOURS
    assert len(style.DIGIT_COLOURS) == 10 and len(style.SPIRAL_COLOURS) == 7 and len(style.K_COLOURS) == 6


if __name__ == "__main__":
    for name, (use, colours) in style.PALETTES.items():
        cells = [f"{vision} {smallest_distance(colours, vision)[0]:.1f}" for vision in VISIONS]
        print(f"{name} ({len(colours)} colours, {use}): " + ", ".join(cells))
