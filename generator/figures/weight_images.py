"""Gabella 2019, figures (8) and (9): the first layer's incoming weights seen as 28x28 images.

learning-surface: at one snapshot, the neurons sorted along that snapshot's first principal direction (the
lateral spread of the learning surface); at several snapshots, the differences between the images of
neighbouring sampled neurons, one row per snapshot, in one PNG.
weight-images: some neurons' images through training as one sprite sheet; the scrubber slides the sheet
under a clipped window, so only the scrubbed snapshot's tile shows.

Both draw with a diverging palette (red negative, white zero, blue positive, as Vega's 'redblue'), each row
or tile scaled by its own largest |value|: the weights grow by orders of magnitude through training.
"""
from __future__ import annotations

import io

import altair as alt
import numpy as np
from PIL import Image

from .. import frames
from ..analysis import learning_cloud
from . import encode, style
from .learning_curves import stride_subsample
from .output import FigureOutput
from .weight_cloud import project

SIDE = 28            # MNIST images are 28 x 28
GAP = 2              # px between cells in the learning-surface grid
WIDTH = 340          # px: the drawn image; with its labels it fits a 375 px phone at a small reduction
# ColorBrewer RdBu (Vega's 'redblue'), from -1 to +1, with pure white at 0
RDBU = ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#ffffff", "#d1e5f0", "#92c5de", "#4393c3",
        "#2166ac", "#053061"]
GAP_COLOUR = (190, 190, 190)


def learning_surface(options, run, spec, claims) -> FigureOutput:
    """Rows of snapshots `first_step`..`last_step`, columns of neurons sorted along PC1 at `reference_step`
    (options and their defaults: figures.KINDS["learning-surface"])."""
    W, steps = _first_layer(run)
    rows, columns = options["rows"], options["columns"]
    if rows < 1 or not 1 <= columns < W.shape[1]:
        raise ValueError(f"need rows >= 1 and 1 <= columns < {W.shape[1]} neurons, got {rows} and {columns}")
    first = _nearest(steps, steps[min(1, len(steps) - 1)] if options["first_step"] is None else options["first_step"])
    last = _nearest(steps, steps[-1] if options["last_step"] is None else options["last_step"])
    shown = np.unique(np.round(np.linspace(first, last, rows)).astype(int))
    reference = _nearest(steps, steps[shown[-1]] if options["reference_step"] is None else options["reference_step"])
    order, ratio = along_pc1(W[reference])
    sampled = order[np.round(np.linspace(0, len(order) - 1, columns + 1)).astype(int)]
    diffs = W[shown][:, sampled[1:]] - W[shown][:, sampled[:-1]]        # (rows, columns, 784)
    scale = np.abs(diffs).max((1, 2), keepdims=True)
    cells = (diffs / np.where(scale > 0, scale, 1)).reshape(len(shown), columns, SIDE, SIDE)
    png = grid_png(cells, levels=63)
    height_px = WIDTH * len(shown) / columns
    labels = [f"step {int(steps[t]):,}" for t in shown]
    label_expr = "[" + ", ".join(f"'{text}'" for text in labels) + "][floor(datum.value)]"
    x = alt.X("x0:Q", scale=alt.Scale(domain=[0, columns], nice=False),
              axis=alt.Axis(values=[], title=["sampled neurons, in order along",  # two lines: fits a phone
                                              f"PC1 at step {int(steps[reference]):,} →"],
                            grid=False, domain=False, ticks=False))
    y = alt.Y("y0:Q", scale=alt.Scale(domain=[0, len(shown)], nice=False, reverse=True),
              axis=alt.Axis(values=[r + 0.5 for r in range(len(shown))], labelExpr=label_expr, title=None,
                            grid=False, domain=False, ticks=False))
    image = (alt.Chart(alt.Data(values=[{"src": encode.url("surface.png"), "x0": 0, "x1": columns, "y0": 0,
                                         "y1": len(shown)}]))
             .mark_image(aspect=False, smooth=False).encode(url="src:N", x=x, x2="x1:Q", y=y, y2="y1:Q"))
    chart = alt.layer(image, _legend("difference ÷ its row's largest |difference|")).properties(
        width=WIDTH, height=round(height_px))
    figure_claims = {"rows": int(len(shown)), "columns": columns, "neurons_sampled": int(len(sampled)),
                     "reference_step": int(steps[reference]), "reference_pc1_share": float(ratio[0]),
                     "reference_pc2_share": float(ratio[1]), "first_row_step": int(steps[shown[0]]),
                     "last_row_step": int(steps[shown[-1]])}
    return FigureOutput(chart.configure(**style.CONFIG).to_dict(), {"surface.png": png}, figure_claims)


def weight_images(options, run, spec, claims) -> FigureOutput:
    """`neurons` sampled evenly along PC1 at the last snapshot, at most `max_frames` snapshots, `levels` colours
    (at most 15: a 4-bit PNG); options and their defaults: figures.KINDS["weight-images"]."""
    W, steps = _first_layer(run)
    count = options["neurons"] if options["neurons"] is not None else min(16, W.shape[1])
    levels = options["levels"]
    if not 1 <= count <= W.shape[1]:
        raise ValueError(f"neurons must be 1..{W.shape[1]}, got {count}")
    if levels % 2 == 0 or not 3 <= levels <= 15:
        raise ValueError(f"levels must be odd, 3..15, got {levels}")
    order, _ = along_pc1(W[-1])
    picked = order[np.round(np.linspace(0, len(order) - 1, count)).astype(int)]
    kept = stride_subsample(len(steps), options["max_frames"])
    side = int(np.ceil(np.sqrt(count)))                                   # a side x side tile per frame
    tiles, largest = [], []
    for t in kept:
        images = W[t, picked]
        top = float(np.abs(images).max())
        largest.append(top)
        cells = np.zeros((side * side, SIDE * SIDE))
        cells[:count] = images / (top if top > 0 else 1)
        tiles.append(cells.reshape(side, side, SIDE, SIDE))
    across = int(np.ceil(np.sqrt(len(kept))))                             # tiles per row of the sheet
    down = int(np.ceil(len(kept) / across))
    sheet = sprite_png(tiles, across, levels)
    frame_rows = [{"i": i, "label": f"step {int(steps[t]):,} of {int(steps[-1]):,} · largest |w| {largest[i]:.2g}"}
                  for i, t in enumerate(kept)]
    # opens on the last snapshot, the whole story; play starts again from the first
    frame = alt.param(name="frame", value=len(kept) - 1, bind=alt.binding_range(min=0, max=len(kept) - 1, step=1,
                                                                     name="snapshot "))
    frames_data = alt.Data(url=encode.url("frames.json"), format=alt.DataFormat(type="json"))
    unit = alt.Scale(domain=[0, 1], nice=False)
    # the sheet, shifted so the scrubbed frame's tile fills the view; the rest is clipped away
    sheet_layer = (alt.Chart(alt.Data(values=[{"src": encode.url("sheet.png")}]))
                   .transform_calculate(c=f"frame % {across}", r=f"floor(frame / {across})")
                   .transform_calculate(x0="-datum.c", x1=f"{across} - datum.c", y0="-datum.r", y1=f"{down} - datum.r")
                   .mark_image(aspect=False, smooth=False, clip=True)
                   .encode(url="src:N", x=alt.X("x0:Q", scale=unit, axis=None), x2="x1:Q",
                           y=alt.Y("y0:Q", scale=alt.Scale(domain=[0, 1], nice=False, reverse=True), axis=None),
                           y2="y1:Q"))
    view = alt.layer(sheet_layer, _legend("weight ÷ this snapshot's largest |w|")).properties(width=WIDTH, height=WIDTH)
    # the scrubbed snapshot's label, looked up from the frames file (not a filter on it: Vega-Lite would filter the
    # file's own dataset, and the player reads every frame's label there for the slider's value, figure.js)
    label = (alt.Chart(alt.Data(values=[{}])).transform_calculate(fk="frame")
             .transform_lookup(lookup="fk", from_=alt.LookupData(data=frames_data, key="i", fields=["label"]))
             .mark_text(align="left", baseline="middle", fontSize=11, color="#222")
             .encode(text="label:N", x=alt.value(0), y=alt.value(8))
             .properties(width=WIDTH, height=16))
    chart = alt.vconcat(label, view, spacing=4).add_params(frame)
    figure_claims = {"neurons_shown": count, "frames": int(len(kept)), "levels": levels,
                     "largest_start": largest[0], "largest_end": largest[-1],
                     "growth": largest[-1] / largest[0] if largest[0] > 0 else float("inf")}
    if not np.isfinite(figure_claims["growth"]):
        del figure_claims["growth"]
    spec_out = chart.configure(**style.CONFIG).to_dict()
    return FigureOutput(spec_out, {"sheet.png": sheet, "frames.json": encode.json_file(frame_rows)}, figure_claims,
                        frames=len(kept))


def along_pc1(neurons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Neuron indices sorted by their coordinate on the first principal direction of these neurons (one
    snapshot), and the share of variance of the first two directions."""
    coords, ratio = project(neurons, 2)
    return np.argsort(coords[:, 0], kind="stable"), ratio


def palette(levels: int) -> list[tuple[int, int, int]]:
    """`levels` colours from -1 to +1 along RDBU; the middle one is white."""
    stops = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in RDBU], float)
    at = np.linspace(0, len(stops) - 1, levels)
    rgb = np.stack([np.interp(at, np.arange(len(stops)), stops[:, k]) for k in range(3)], 1)
    return [tuple(int(round(v)) for v in row) for row in rgb]


def levels_of(values: np.ndarray, levels: int) -> np.ndarray:
    """Values in [-1, 1] -> palette indices 0..levels-1, zero exactly on the middle one."""
    return np.clip(np.round((np.asarray(values) + 1) / 2 * (levels - 1)), 0, levels - 1).astype(np.uint8)


def grid_png(cells: np.ndarray, levels: int) -> bytes:
    """(rows, columns, 28, 28) values in [-1, 1] -> one palette PNG, cells GAP px apart on a grey ground."""
    rows, columns = cells.shape[:2]
    pitch = SIDE + GAP
    canvas = np.full((rows * pitch + GAP, columns * pitch + GAP), levels, np.uint8)   # index `levels`: gap grey
    for r in range(rows):
        for c in range(columns):
            canvas[GAP + r * pitch:GAP + r * pitch + SIDE, GAP + c * pitch:GAP + c * pitch + SIDE] = levels_of(cells[r, c], levels)
    return _png(canvas, palette(levels) + [GAP_COLOUR])


def sprite_png(tiles: list[np.ndarray], across: int, levels: int) -> bytes:
    """Tiles of (side, side, 28, 28) values in [-1, 1], laid `across` per row; each tile has a 1 px grey
    border around every cell. Tile i sits at column i % across, row i // across."""
    side = tiles[0].shape[0]
    pitch = SIDE + 1
    size = side * pitch + 1
    down = int(np.ceil(len(tiles) / across))
    canvas = np.full((down * size, across * size), levels, np.uint8)
    for i, tile in enumerate(tiles):
        top, left = (i // across) * size, (i % across) * size
        for r in range(side):
            for c in range(side):
                y, x = top + 1 + r * pitch, left + 1 + c * pitch
                canvas[y:y + SIDE, x:x + SIDE] = levels_of(tile[r, c], levels)
    return _png(canvas, palette(levels) + [GAP_COLOUR])


def _png(indices: np.ndarray, colours: list[tuple[int, int, int]]) -> bytes:
    """A palette PNG holding exactly these colours (Pillow writes 4 bits per pixel for 16 or fewer)."""
    image = Image.fromarray(indices, mode="P")
    image.putpalette([v for rgb in colours for v in rgb])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _legend(title: str) -> alt.Chart:
    """An invisible mark that only carries the diverging colour legend."""
    return (alt.Chart(alt.Data(values=[{"v": -1}, {"v": 1}])).mark_point(opacity=0)
            .encode(color=alt.Color("v:Q", title=title, scale=alt.Scale(scheme="redblue", domain=[-1, 1]),
                                    legend=alt.Legend(orient="bottom", gradientLength=180, values=[-1, 0, 1],
                                                      titleLimit=320))))


def _first_layer(run: dict) -> tuple[np.ndarray, np.ndarray]:
    W = learning_cloud.weights(run, 0, frames.best_seed(run))           # (T, neurons, fan_in)
    if W.shape[2] != SIDE * SIDE:
        raise ValueError(f"the first layer's fan-in is {W.shape[2]}, not {SIDE}x{SIDE} pixels")
    return W, np.asarray(run["snapshot_steps"])


def _nearest(steps: np.ndarray, step) -> int:
    return int(np.abs(steps - int(step)).argmin())
