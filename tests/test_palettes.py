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

The dark theme draws the palettes on its dark background, with a lighter twin for each colour too dark for it
(figure.js, DARK_TWINS): every palette with its twins is held to the same distances, and every colour drawn as a
small mark to WCAG's 3:1 (1.4.11, non-text contrast) against that background.

`python tests/test_palettes.py` prints the table of smallest distances.
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from generator.figures import style

PLAYER = Path(__file__).resolve().parent.parent / "templates" / "static" / "figure.js"

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
    figure.js gives it to Vega."""
    dark = re.search(r'\bBG = "(#[0-9a-fA-F]{6})"', PLAYER.read_text(encoding="utf-8"))
    assert dark, "figure.js names its dark background BG"
    return {"light": "#ffffff", "dark": dark.group(1)}


def dark_twins() -> dict[str, str]:
    """figure.js's DARK_TWINS: each data colour too dark for the dark background, and the lighter colour the dark
    theme draws instead (lower case)."""
    block = re.search(r"const DARK_TWINS = \{(.*?)\};", PLAYER.read_text(encoding="utf-8"), re.S)
    assert block, "figure.js lists the dark theme's twins in DARK_TWINS"
    pairs = re.findall(r'"(#[0-9a-fA-F]{6})":\s*"(#[0-9a-fA-F]{6})"', block.group(1))
    assert pairs, "DARK_TWINS lists no colour"
    return {old.lower(): new.lower() for old, new in pairs}


def as_drawn(colours, theme: str) -> list[str]:
    """A palette as `theme` draws it on the page's background."""
    twins = dark_twins() if theme == "dark" else {}
    return [twins.get(c.lower(), c) for c in colours]


def contrast(a: str, b: str) -> float:
    """WCAG 2's contrast ratio of two colours."""
    lum = {c: float(linear_rgb([c])[0] @ [0.2126, 0.7152, 0.0722]) for c in (a, b)}
    light, dark = max(lum.values()), min(lum.values())
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("classes", range(2, style.MOST_CLASSES + 1))
def test_class_points_stand_out_on_the_light_and_the_dark_page(classes, vision):
    """The dataset, the morphs and the 3-D view draw a run's class points straight on the page's background: every
    class colour (in the dark, its twin where it has one) stays a small mark's distance from it."""
    for theme, background in page_backgrounds().items():
        colours = as_drawn(style.class_colours(classes), theme)
        distance = np.linalg.norm(seen(colours, vision) - seen([background], vision), axis=1)
        assert distance.min() >= MARKS, (f"{colours[distance.argmin()]} on the {theme} page ({background}) under "
                                         f"{vision}: ΔE {distance.min():.1f}")


MARK_PALETTES = sorted(name for name, (use, _) in style.PALETTES.items() if use == "marks")


@pytest.mark.parametrize("name", MARK_PALETTES)
@pytest.mark.parametrize("vision", VISIONS)
def test_palette_stays_distinct_with_its_dark_twins(name, vision):
    """The dark theme draws a palette with its twins (the regions, drawn as images, are the same in both themes):
    it stays as far apart as the light one must."""
    use, colours = style.PALETTES[name]
    dark = as_drawn(colours, "dark")
    distance, a, b = smallest_distance(dark, vision)
    assert distance >= THRESHOLD[use], f"{name} in the dark under {vision}: {a} and {b} are only ΔE {distance:.1f} apart"


@pytest.mark.parametrize("name", MARK_PALETTES)
def test_every_mark_colour_reaches_3_to_1_on_the_dark_background(name):
    background = page_backgrounds()["dark"]
    short = {c: round(contrast(c, background), 2) for c in as_drawn(style.PALETTES[name][1], "dark")
             if contrast(c, background) < 3.0}
    assert short == {}, f"{name}: under 3:1 on the dark background ({background}): {short}"


def test_each_dark_twin_is_its_colour_lighter():
    """A twin keeps its colour's name (the article calls spiralNet's classes gold, blue, dark red, green, purple):
    the same hue within 20 degrees (CIELAB), or grey for a grey, and lighter; and every twin stands for a colour of
    a palette drawn as marks."""
    drawn = {c.lower() for name in MARK_PALETTES for c in style.PALETTES[name][1]}
    for old, new in dark_twins().items():
        assert old in drawn, f"DARK_TWINS lists {old}, which no palette of style.PALETTES draws as marks"
        (l0, a0, b0), (l1, a1, b1) = seen([old, new], "normal")
        assert l1 > l0, f"the twin {new} of {old} is not lighter"
        if np.hypot(a0, b0) < 10:  # a grey
            assert np.hypot(a1, b1) < 10, f"the twin {new} of the grey {old} is not grey"
            continue
        turn = abs((np.degrees(np.arctan2(b1, a1) - np.arctan2(b0, a0)) + 180) % 360 - 180)
        assert turn <= 20, f"the twin {new} of {old} turns its hue by {turn:.0f} degrees"


def dark_viridis() -> list[str]:
    """figure.js's DARK_VIRIDIS: the stops of viridis as the dark theme draws it (lower case)."""
    block = re.search(r"const DARK_VIRIDIS = \[(.*?)\];", PLAYER.read_text(encoding="utf-8"), re.S)
    assert block, "figure.js lists the dark theme's viridis in DARK_VIRIDIS"
    return [c.lower() for c in re.findall(r'"(#[0-9a-fA-F]{6})"', block.group(1))]


def blended(colour: str, alpha: float, background: str) -> str:
    """`colour` drawn at `alpha` over `background`, as a canvas blends (in sRGB)."""
    mixed = [round(alpha * a + (1 - alpha) * b) for a, b in zip(style.hex_rgb(colour), style.hex_rgb(background))]
    return "#%02x%02x%02x" % tuple(mixed)


def ramp_length(colours, vision: str) -> float:
    """How far a sequential palette travels through CIELAB from stop to stop as `vision` sees it."""
    return float(np.linalg.norm(np.diff(seen(colours, vision), axis=0), axis=1).sum())


def test_the_dark_viridis_is_viridis_lifted():
    """Viridis on the dark ground (the weight trails' steps, the learning graphs' nodes): the same hues from purple to
    yellow (the article names them), still rising in lightness, its first step's trail dots (drawn at
    TRAIL_OPACITY) 3:1 from the dark background as on white, and, under each simulated vision, at least 4/5 of
    viridis' own way from stop to stop (its dark end is lifted, so it spans less lightness)."""
    from generator.figures.weight_cloud import TRAIL_OPACITY
    light, dark = [c.lower() for c in style.VIRIDIS], dark_viridis()
    assert len(dark) == len(light) and dark[-1] == light[-1]
    lab_light, lab_dark = seen(light, "normal"), seen(dark, "normal")
    assert np.all(np.diff(lab_dark[:, 0]) > 0), "the dark viridis does not rise in lightness"
    hue = lambda lab: np.degrees(np.arctan2(lab[:, 2], lab[:, 1]))
    turns = np.abs((hue(lab_dark) - hue(lab_light) + 180) % 360 - 180)
    assert turns.max() <= 20, f"a stop of the dark viridis turns its hue by {turns.max():.0f} degrees"
    background = page_backgrounds()["dark"]
    assert contrast(blended(light[0], TRAIL_OPACITY, "#ffffff"), "#ffffff") >= 3.0  # the light theme's first step
    first = contrast(blended(dark[0], TRAIL_OPACITY, background), background)
    assert first >= 3.0, f"the first step's trail is {first:.2f}:1 on the dark background"
    for vision in VISIONS:
        assert ramp_length(dark, vision) >= 0.8 * ramp_length(light, vision), vision


def test_the_picture_style_is_the_one_the_player_keeps():
    """Marks drawn on a figure's own picture keep their colours in the dark (style.ON_PICTURE): figure.js knows them
    by the same style name."""
    named = re.search(r'\bconst PICTURE = "([^"]+)"', PLAYER.read_text(encoding="utf-8"))
    assert named and named.group(1) == style.PICTURE
    assert style.ON_PICTURE == {"style": style.PICTURE}


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
