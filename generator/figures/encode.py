"""Data files for figures: packed, rounded JSON and small palette PNGs. Never inline in a spec."""
from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image


def rounded(values, decimals: int = 3) -> list:
    """A numpy array as a list of rounded numbers (ints where rounding leaves no fraction)."""
    out = np.round(np.asarray(values, np.float64), decimals)
    return [int(v) if v == int(v) else float(v) for v in out.ravel()]


def json_file(rows) -> bytes:
    return json.dumps(rows, separators=(",", ":"), allow_nan=False).encode()


def class_png(classes: np.ndarray, colours: list[tuple[int, int, int]]) -> bytes:
    """An image of class indices drawn in the given colours, as an optimised palette PNG."""
    image = Image.fromarray(classes.astype(np.uint8), mode="P")
    palette = [c for rgb in colours for c in rgb]
    image.putpalette(palette + [0] * (768 - len(palette)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def url(name: str) -> str:
    """The placeholder a spec uses for one of its figure's data files; the site writer resolves it."""
    return f"@data/{name}"
