"""What a figure builder hands to the site: a Vega-Lite spec, its data files, its measured claims."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FigureOutput:
    spec: dict                  # Vega-Lite; data URLs are '@data/<name>' placeholders
    files: dict[str, bytes]     # name -> content, written once under site/data/ with hashed names
    claims: dict = field(default_factory=dict)
    frames: int = 0             # > 0: the figure moves; the page gives it a play button for 'frame'
    key: str = ""               # its cache key (derive), which keys the files it publishes (publish)
