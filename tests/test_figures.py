"""Figures in the built site: specs that compile, data that resolves from the figure folder, stills,
and frame data that matches the model evaluated directly."""
import json
import re
from pathlib import Path

import numpy as np

from generator import cache, frames
from generator.figures import plane
from generator.runs import run_key
from generator import config, embed

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
        if not urls:  # a small figure's spec carries its data (generator/embed.py)
            text = (folder / "spec.vl.json").read_bytes()
            assert b'"values"' in text and len(text) <= embed.INLINE_BUDGET, f"{fid}: no data, by URL or inline"
        for url in urls:
            assert (folder / url).resolve().is_file(), f"{fid}: {url} does not resolve from its folder"
        png = (folder / "still.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) <= 200_000, f"{fid}: still.png of {len(png):,} bytes"
        svg = folder / "still.svg"  # published only under 1 MB
        assert not svg.exists() or (b"<svg" in svg.read_bytes()[:400] and svg.stat().st_size <= 1_000_000), fid
        assert json.loads((folder / "spec.vg.json").read_text())["$schema"].startswith("https://vega.github.io/schema/vega/")


def test_no_spec_inlines_frame_data(built_site):
    """A spec carries its data only while it stays small (embed.INLINE_BUDGET, as written); larger data is in files.
    Some figures of the quick build do each."""
    out, report = built_site
    inline = []
    for fid in report["figures"]:
        written = (out / "figures" / fid / "spec.vl.json").read_bytes()
        # compact JSON, so a sweep figure's map of file URLs is counted without its indentation
        text = json.dumps(json.loads(written), separators=(",", ":"))
        assert len(text) < 20_000, f"{fid}: spec is {len(text)} bytes; data belongs in files"
        if not list(data_urls(json.loads(written))):
            assert len(written) <= embed.INLINE_BUDGET, f"{fid}: inlined into {len(written):,} bytes"
            inline.append(fid)
    assert 0 < len(inline) < len(report["figures"]), f"inline: {inline}"


def figure_data(out: Path, fid: str) -> dict:
    """A figure's JSON data files, by name ('points', 'frames'), read from the site's data folder (its spec may
    carry the same data inline)."""
    return {path.name[len(fid) + 1:].split(".")[0]: json.loads(path.read_text())
            for path in (out / "data").glob(f"{fid}-*.json")}


def test_data_files_have_content_hashed_names(built_site):
    out, _ = built_site
    names = [p.name for p in (out / "data").iterdir()]
    assert names and all(re.search(r"\.[0-9a-f]{10}\.(json|png)$", n) for n in names)


def test_morph_frames_on_the_page_match_the_model(built_site):
    out, report = built_site
    files = figure_data(out, "curves-layer-morph")
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
    files = figure_data(out, "spirals-field-morph")
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


def test_region_outlines_are_the_output_layers_argmax():
    """spiral-training's hidden-layer regions are drawn as exact polygons (spiral_data.region_outlines), not a grid of
    cells (a staircase): every point of the window lies in its own class's area, and an area reaches past the true
    edge by at most its seam overlap, for random output layers of 2 to 7 classes in fixed and moving windows."""
    from generator.figures.spiral_data import OUTLINE_LEVELS, SEAM, outline_fields, region_outlines
    rng = np.random.default_rng(26)
    grid = (np.arange(160) + 0.5) / 160
    u, v = (a.ravel() for a in np.meshgrid(grid, grid))
    for trial in range(120):
        K = int(rng.integers(2, 8))
        W, b = rng.normal(size=(K, 2)) * 3, rng.normal(size=K)
        win = np.array([-1.05, -1.05, 2.1]) if trial % 2 else np.array([-0.1, -0.1, rng.uniform(0.5, 5)])
        fields = outline_fields(region_outlines(W, b, win))
        assert len({len(values) for values in fields.values()}) == 1
        scores = np.stack([win[0] + u * win[2], win[1] + v * win[2]], 1) @ W.T + b
        truth = scores.argmax(1)
        rc = np.array(fields["rc"])
        rx, ry, ry2 = (np.array(fields[name]) / OUTLINE_LEVELS for name in ("rx", "ry", "ry2"))
        for k in range(K):
            mine = rc == k
            if not mine.any():
                assert not (truth == k).any(), f"trial {trial}: class {k} has points but no area"
                continue
            order = np.argsort(rx[mine], kind="stable")
            xs, lo, hi = rx[mine][order], ry[mine][order], ry2[mine][order]
            inside = (u >= xs[0]) & (u <= xs[-1]) & (v >= np.interp(u, xs, lo)) & (v <= np.interp(u, xs, hi))
            assert inside[truth == k].all(), f"trial {trial}: class {k}'s points outside its area"
            # how far inside another class's region a point of k's area lies, in window shares
            spread = np.linalg.norm((W[k] - W) * win[2], axis=1)
            spread[k] = 1
            behind = ((scores[:, [k]] - scores) / spread).min(1)
            assert (behind[inside] >= -2 * SEAM).all(), f"trial {trial}: class {k}'s area overreaches"


def test_spiral_training_regions_and_labels_at_every_snapshot(built_site):
    """Every snapshot of every choice carries its regions (areas over the whole window) and a label that reads its
    own step and its loss in the article's format; the last snapshot is the last step of training."""
    out, _ = built_site
    folder = out / "figures" / "spiral-training"
    spec = json.loads((folder / "spec.vl.json").read_text())
    files = {u for u in json.dumps(spec).split('"') if "frames-" in u and u.endswith(".json") and (folder / u).is_file()}
    assert len(files) >= 2, f"frames files named: {files}"
    for url in files:
        rows = json.loads((folder / url).read_text())
        for row in rows:
            assert row["label"].startswith(f"step {row['step']:,} of "), row["label"]
            assert re.search(r"· loss \d+\.\d{3}$", row["label"]), row["label"]
            assert row["rc"] and min(row["rx"]) < 0 and max(row["rx"]) > 1000, f"{url} frame {row['i']}: regions"
        assert rows[-1]["label"].startswith(f"step {rows[-1]['step']:,} of {rows[-1]['step']:,} "), rows[-1]["label"]


def test_the_disk_fills_its_inset_at_every_frame(built_site):
    """annulus-training (the disk through training) draws a second panel whose window follows the red disk: at every
    frame every red point is inside it and spans at least a third of it, however the whole square's view squeezes it
    (the fault the inset answers: at the last frame of the full profile, a red L two pixels wide in a corner)."""
    out, _ = built_site
    folder = out / "figures" / "annulus-training"
    spec = json.loads((folder / "spec.vl.json").read_text())
    urls = {Path(u).name.split(".")[0].split("-")[-1]: u for u in data_urls(spec) if u.endswith(".json")}
    points = json.loads((folder / urls["points"]).read_text())[0]
    rows = json.loads((folder / urls["frames"]).read_text())
    red = np.array(points["k"]) == plane.CURVE_A
    xy = np.array([[x, y] for x, y, r in zip(points["x"], points["y"], red) if r and x is not None], float)
    for row in rows:
        assert {"ix", "iy", "iz", "ilabel"} <= set(row), f"frame {row['i']}: no inset"
        h = np.tanh(xy @ np.array([[row["a"], row["c"]], [row["b"], row["d"]]]) + [row["e"], row["f"]])
        q = (h - [row["ix"], row["iy"]]) / row["iz"]
        assert np.abs(q).max() <= 1, f"frame {row['i']}: red outside the inset"
        assert (q.max(0) - q.min(0)).max() >= 2 / 3, f"frame {row['i']}: red spans {q.max(0) - q.min(0)} of 2"
