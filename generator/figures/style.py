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
