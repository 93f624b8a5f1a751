"""Figures in the built site: specs that compile, data that resolves from the figure folder, stills,
and frame data that matches the model evaluated directly."""
import json
import re
from pathlib import Path

import numpy as np

from generator import cache, frames
from generator.figures import plane
from generator.runs import run_key
from generator import config

ROOT = Path(__file__).resolve().parent.parent


def data_urls(spec):
    """Every data file a spec names: `url` of data sources and `src` of image marks."""
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k in ("url", "src") and isinstance(v, str) and not v.startswith("data:"):
                yield v
            yield from data_urls(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from data_urls(v)


def test_every_figure_folder_is_complete(built_site):
    out, report = built_site
    for fid in report["figures"]:
        folder = out / "figures" / fid
        spec = json.loads((folder / "spec.vl.json").read_text())
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        urls = list(data_urls(spec))
        assert urls, f"{fid} references no data file"
        for url in urls:
            assert (folder / url).resolve().is_file(), f"{fid}: {url} does not resolve from its folder"
        png = (folder / "still.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) <= 200_000, f"{fid}: still.png of {len(png):,} bytes"
        svg = folder / "still.svg"  # published only under 1 MB
        assert not svg.exists() or (b"<svg" in svg.read_bytes()[:400] and svg.stat().st_size <= 1_000_000), fid
        assert json.loads((folder / "spec.vg.json").read_text())["$schema"].startswith("https://vega.github.io/schema/vega/")


def test_no_spec_inlines_frame_data(built_site):
    out, report = built_site
    for fid in report["figures"]:
        # compact JSON, so a sweep figure's map of file URLs is counted without its indentation
        text = json.dumps(json.loads((out / "figures" / fid / "spec.vl.json").read_text()), separators=(",", ":"))
        assert len(text) < 20_000, f"{fid}: spec is {len(text)} bytes; data belongs in files"


def test_data_files_have_content_hashed_names(built_site):
    out, _ = built_site
    names = [p.name for p in (out / "data").iterdir()]
    assert names and all(re.search(r"\.[0-9a-f]{10}\.(json|png)$", n) for n in names)


def test_morph_frames_on_the_page_match_the_model(built_site):
    out, report = built_site
    spec = json.loads((out / "figures" / "curves-layer-morph" / "spec.vl.json").read_text())
    folder = out / "figures" / "curves-layer-morph"
    files = {Path(u).name.split(".")[0].split("-")[-1]: json.loads((folder / u).read_text())
             for u in data_urls(spec) if u.endswith(".json")}
    points, frame_rows = files["points"][0], files["frames"]
    assert len(frame_rows) == report["figures"]["curves-layer-morph"]["frames"]
    # the grid is one path per kind, its lines parted by break rows (no position): one line family a path
    breaks = np.array(points["g"]) == plane.BREAK
    assert breaks.any() and all(points["x"][i] is None and points["k"][i] in plane.LINES for i in np.flatnonzero(breaks))
    assert not any(points["x"][i] is None for i in np.flatnonzero(~breaks))
    points = {name: [v for v, b in zip(values, breaks) if not b] for name, values in points.items() if isinstance(values, list)}
    last = frame_rows[-1]
    x = np.stack([points["x"], points["y"]], 1)
    M = np.array([[last["a"], last["b"]], [last["c"], last["d"]]])
    drawn = frames.apply_frame({"M": M, "c": np.array([last["e"], last["f"]]), "s": last["s"]}, x)

    exp = config.load_experiments(ROOT / "content" / "experiments", "quick")["curves-one-layer"]
    run = cache.Store(ROOT / ".cache").arrays("runs", run_key(exp))
    params, _ = frames.positive_determinants(frames.layers(run, frames.best_seed(run)))
    kinds = np.array(points["k"])
    classes = x[kinds <= 1]
    # the class points entering layer 1 are the inputs, in order; the last frame must be the hidden layer
    assert np.allclose(classes, run["X"], atol=1e-3)
    expected = frames.forward(params, run["X"], logits=True)[1]
    assert np.allclose(drawn[kinds <= 1], expected, atol=5e-3)
    assert all(np.linalg.det([[f["a"], f["b"]], [f["c"], f["d"]]]) > 0 for f in frame_rows)


def test_field_morph_frames_match_the_field_network(built_site):
    out, report = built_site
    folder = out / "figures" / "spirals-field-morph"
    spec = json.loads((folder / "spec.vl.json").read_text())
    files = {Path(u).name.split(".")[0].split("-")[-1]: json.loads((folder / u).read_text())
             for u in data_urls(spec) if u.endswith(".json")}
    rows = {row["layer"]: row for row in files["points"]}
    exp = config.load_experiments(ROOT / "content" / "experiments", "quick")["spirals-vector-field"]
    run = cache.Store(ROOT / ".cache").arrays("runs", run_key(exp))
    seed = frames.best_seed(run)
    for layer, row in rows.items():
        kept = np.array(row["g"]) != plane.BREAK   # break rows part the lines of one path
        row = {name: [v for v, keep in zip(values, kept) if keep] for name, values in row.items() if isinstance(values, list)}
        x = np.stack([row["x"], row["y"]], 1)
        end = x + np.stack([row["dx"], row["dy"]], 1)  # the frame at t = 1 of this layer
        expected = x + frames.field(x, frames.field_layers(run, seed)[layer], run["anchors"], exp.spec["model"]["bump_width"])
        assert np.allclose(end, expected, atol=5e-3), f"layer {layer + 1}: drawn push differs from the field"
    assert len(files["frames"]) == report["figures"]["spirals-field-morph"]["frames"]


def test_no_page_links_a_still_that_is_not_published(built_site):
    """An SVG still over 1 MB is left out, and then neither the article's panel nor any page may link it."""
    out, _ = built_site
    for page in [out / "index.html", *sorted((out / "figures").glob("*/index.html"))]:
        for href in re.findall(r'(?:href|src|content)="([^"]*still\.(?:svg|png))"', page.read_text()):
            target = (page.parent / href).resolve() if not href.startswith("http") else None
            assert target is None or target.is_file(), f"{page.relative_to(out)} links {href}, which is not published"


def test_a_plane_draws_each_line_family_as_one_path():
    """A morph's grid, border and curves are one path per kind, parted by break rows (issue 14: a path per line made
    Vega run a facet per line at every frame): pack() puts a break between two lines of one kind, drawn() lifts the
    pen there and groups no line mark by line."""
    xy = np.arange(20, dtype=float).reshape(10, 2)
    parts = plane.classes(xy[:4], np.array([0, 1, 0, 1]), 2) + [
        (xy[4:8], np.array([10, 10, 11, 11]), plane.GRID), (xy[8:], np.array([12, 12]), plane.BORDER)]
    row = plane.pack(parts, extra={"dx": np.ones(10)})[0]
    assert row["g"] == [0, 0, 1, 1, 10, 10, plane.BREAK, 11, 11, 12, 12]
    assert row["x"][6] is None and row["dx"][6] is None and row["k"][6] == plane.GRID
    assert [v for v in row["x"] if v is not None] == np.concatenate([p[0] for p in parts])[:, 0].tolist()
    spec = plane.drawn("@data/points.json", -1, 1, classes=2).to_dict()
    lines = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert len(lines) == 6 and all("detail" not in layer["encoding"] for layer in lines)
    assert all(layer["mark"]["aria"] is False for layer in lines)
    assert spec["transform"][-1] == {"calculate": f"datum.g == {plane.BREAK} ? null : datum.px", "as": "px"}
