"""The look shared by every figure: the original's colours (class A red, class B blue, pale regions), and every
categorical palette the builders use, each chosen to stay distinct under deuteranopia, protanopia and tritanopia
(tests/test_palettes.py simulates them and measures the smallest CIELAB distance; PALETTES lists what it checks)."""
from __future__ import annotations

CLASS_COLOURS = ["#d1352b", "#2c6fbb"]          # A red, B blue
REGION_COLOURS = [(246, 205, 200), (203, 222, 242)]  # pale red, pale blue
GRID_COLOUR = "#8a8f98"
BORDER_COLOUR = "#111111"
SIZE = 340  # px; the column is ~680 px, a phone ~340 px

CONFIG = {
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#eee", "domainColor": "#999"},
    "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
}

# A mark drawn on the figure's own picture (a decision-region image) keeps its light-theme colours in the dark
# theme, because the picture does: dark ink on pale regions. The mark's style names it (figure.js, PICTURE);
# Vega-Lite puts the mark's own style before it (["line", "picture"]), so Vega's defaults for the mark still apply.
PICTURE = "picture"
ON_PICTURE = {"style": PICTURE}   # mark properties: mark_line(**style.ON_PICTURE, ...)


# Viridis at nine evenly spaced stops (the scheme Vega calls 'viridis'), for heat maps drawn as images.
VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"]


def viridis(levels: int = 256) -> list[tuple[int, int, int]]:
    """The viridis stops interpolated to `levels` RGB colours."""
    import numpy as np
    stops = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in VIRIDIS], float)
    at = np.linspace(0, len(stops) - 1, levels)
    rgb = np.stack([np.interp(at, np.arange(len(stops)), stops[:, k]) for k in range(3)], 1)
    return [tuple(int(round(v)) for v in row) for row in rgb]

# spiralNet's classes keep the original's colour names, in its order (gold, blue, dark red, green, purple, dark
# orange, grey; the article names the first five), moved apart in lightness so that they stay distinct under
# colour-vision deficiency (the original's dark red and green were 13 apart under deuteranopia; these, at least 29).
SPIRAL_COLOURS = ["#f8d000", "#1870f0", "#880000", "#38c878", "#502090", "#d87000", "#808080"]
SPIRAL_COLOUR_NAMES = ["gold", "blue", "dark red", "green", "purple", "dark orange", "grey"]   # as the text names them
# Each class's decision region, pale, in the class's hue (the original's yellow, cyan, tomato, lime, fuchsia,
# orange, light grey, blended toward white); chosen so that the regions stay apart from one another and every
# class's points stand out on every region.
SPIRAL_REGIONS = ["#fff0a8", "#c0e0ff", "#d8a8a8", "#a0f0c8", "#c0b0d8", "#dcc8a0", "#c0d0d0"]

# Ten colours for categories with no colours of their own: the predicted digit (ten), K (six), a network's layers
# (three) take the first ones. Near Okabe and Ito's palette, moved apart in lightness; no near-white colour
# (lines and small marks are drawn on white) and none near-black (the dark theme draws on near-black).
CATEGORICAL = ["#185088", "#e8a000", "#009058", "#a878a0", "#504848", "#00b8ff", "#b04800", "#c8c870", "#a0d0a8",
               "#5800c0"]
DIGIT_COLOURS = CATEGORICAL                 # digit-fate: the predicted digit 0..9
K_COLOURS = CATEGORICAL[:6]                 # spiral-packing: K = 2..7
LAYER_COLOURS = CATEGORICAL[:3]             # branch-count: one per layer


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def spiral_backgrounds() -> list[tuple[int, int, int]]:
    """The region colours as RGB (for the region images)."""
    return [hex_rgb(c) for c in SPIRAL_REGIONS]


# The classes of one run, as every kind that draws them colours them (the plane kinds: points, curves, regions,
# legend): two classes keep Olah's red and blue, Part I's look; three to seven take spiralNet's palettes, so that
# every class has a colour of its own. A kind's declaration (figures.Classes) refuses more while gathering.
MOST_CLASSES = len(SPIRAL_COLOURS)


def _checked(classes: int) -> int:
    if not 2 <= classes <= MOST_CLASSES:
        raise ValueError(f"a figure draws 2 to {MOST_CLASSES} classes, each in a colour of its own; got {classes}")
    return classes


def class_colours(classes: int) -> list[str]:
    """Each class's colour for points and curves, class A first."""
    return list(CLASS_COLOURS) if _checked(classes) == 2 else SPIRAL_COLOURS[:classes]


def region_colours(classes: int) -> list[tuple[int, int, int]]:
    """Each class's decision-region colour as RGB (for the region images), class A first."""
    return list(REGION_COLOURS) if _checked(classes) == 2 else spiral_backgrounds()[:classes]


def class_labels(classes: int) -> list[str]:
    """Each class's name in a legend: class A, class B, class C, ..."""
    return [f"class {chr(ord('A') + c)}" for c in range(_checked(classes))]


# Every categorical palette drawn, by where it is drawn; tests/test_palettes.py simulates colour-vision deficiency
# on each and holds it to a smallest pairwise distance. "marks": small points or thin lines, told apart side by
# side at a few pixels; "areas": large patches (backgrounds, bands).
PALETTES = {
    "olah classes (points, curves)": ("marks", CLASS_COLOURS),
    "olah regions": ("areas", ["#%02x%02x%02x" % rgb for rgb in REGION_COLOURS]),
    "spiralNet classes (points, bars, ticks)": ("marks", SPIRAL_COLOURS),
    "spiralNet regions": ("areas", SPIRAL_REGIONS),
    "digits (stacked bands, legend)": ("marks", DIGIT_COLOURS),
    "K (lines)": ("marks", K_COLOURS),
    "layers (lines)": ("marks", LAYER_COLOURS),
}
