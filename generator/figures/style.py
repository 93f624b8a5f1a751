"""The look shared by every figure: the original's colours (class A red, class B blue, pale regions)."""
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

# Viridis at nine evenly spaced stops (the scheme Vega calls 'viridis'), for heat maps drawn as images.
VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"]


def viridis(levels: int = 256) -> list[tuple[int, int, int]]:
    """The viridis stops interpolated to `levels` RGB colours."""
    import numpy as np
    stops = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in VIRIDIS], float)
    at = np.linspace(0, len(stops) - 1, levels)
    rgb = np.stack([np.interp(at, np.arange(len(stops)), stops[:, k]) for k in range(3)], 1)
    return [tuple(int(round(v)) for v in row) for row in rgb]

# spiralNet's class colours, in the original's order (gold, blue, dark red, green, purple, dark orange, grey),
# and its region colours (yellow, cyan, tomato, lime, fuchsia, orange, light grey), blended halfway to white
# so the points stay visible on them.
SPIRAL_COLOURS = ["#ffd700", "#0000ff", "#8b0000", "#008000", "#800080", "#ff8c00", "#808080"]
SPIRAL_REGIONS = ["#ffff00", "#00ffff", "#ff6347", "#00ff00", "#ff00ff", "#ffa500", "#d3d3d3"]


def spiral_backgrounds(blend: float = 0.5) -> list[tuple[int, int, int]]:
    """The region colours as RGB, blended toward white."""
    return [tuple(int(round(int(c[i:i + 2], 16) * (1 - blend) + 255 * blend)) for i in (1, 3, 5))
            for c in SPIRAL_REGIONS]
