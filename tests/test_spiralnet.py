"""spiralNet (Part II): the packing metric on configurations with known answers, the figures' per-choice data
(keyframes that reproduce every snapshot, files that follow the reader's choice), and the network's shapes."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest

from generator import config, derive, figures, frames, train
from generator.analysis import packing
from generator.figures import choices, spiral_data, spiralnet

ROOT = Path(__file__).resolve().parent.parent


def ring(K, radius=1.0, turn=0.0):
    angles = turn + 2 * np.pi * np.arange(K) / K
    return radius * np.stack([np.cos(angles), np.sin(angles)], 1)


def as_classes(centres, spread=0.0, per_class=5, seed=0):
    rng = np.random.default_rng(seed)
    H = np.repeat(centres, per_class, axis=0) + spread * rng.standard_normal((len(centres) * per_class, 2))
    return H, np.repeat(np.arange(len(centres)), per_class)


@pytest.mark.parametrize("K", [2, 3, 5, 7])
def test_evenly_spread_directions_pack_perfectly_for_tanh(K):
    H, y = as_classes(ring(K, 0.9, turn=0.3))
    assert packing.angle_ratio(H, y, K, "tanh") == pytest.approx(1.0)


def test_relu_quadrant_best_is_the_edges_and_even_steps_between():
    for K in (2, 3, 4, 6):
        angles = np.radians(np.linspace(0, 90, K))
        H, y = as_classes(np.stack([np.cos(angles), np.sin(angles)], 1) * 3.0)
        assert packing.angle_ratio(H, y, K, "relu") == pytest.approx(1.0)
    H, y = as_classes(np.array([[1.0, 0.1], [1.0, 0.2]]))  # nearly the same direction
    assert packing.angle_ratio(H, y, 2, "relu") < 0.1


def test_angles_are_scale_free_and_collapsed_classes_score_zero():
    H, y = as_classes(ring(4, 1.0, 0.2), spread=0.05)
    assert packing.angle_ratio(H * 37.0, y, 4, "tanh") == pytest.approx(packing.angle_ratio(H, y, 4, "tanh"))
    same = np.array([[0.5, 0.5], [1.0, 1.0], [-1, 0.2]])
    assert packing.angle_ratio(*as_classes(same), 3, "tanh") == pytest.approx(0.0, abs=1e-6)


def test_a_class_at_the_origin_has_no_direction():
    centres = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])  # ReLU's corner, and the two edges
    H, y = as_classes(centres)
    assert packing.angle_ratio(H, y, 3, "relu") == pytest.approx(1.0)  # the two with a direction: 90 deg of 90


def test_distance_ratio_knows_the_best_spreads_in_the_square():
    corners = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], float)
    assert packing.distance_ratio(*as_classes(corners), 4) == pytest.approx(1.0)
    assert packing.distance_ratio(*as_classes(corners[[0, 3]]), 2) == pytest.approx(1.0)
    # five points: the corners and the centre are the best spread (side 2: distance sqrt 2)
    five = np.vstack([corners, [[0, 0]]])
    assert packing.distance_ratio(*as_classes(five), 5) == pytest.approx(1.0)
    # random configurations never beat the known optimum
    rng = np.random.default_rng(0)
    for K in range(2, 8):
        for _ in range(200):
            assert packing.distance_ratio(*as_classes(rng.uniform(-1, 1, (K, 2))), K) <= 1.0 + 1e-9


def test_circular_mean_wraps_around_zero():
    mean, std = packing.circular_summary(np.array([350.0, 10.0, 355.0, 5.0]))
    assert min(mean, 360 - mean) < 1e-6 and 0 < std < 10
    assert packing.direction_angles(np.array([[0.0, 1.0], [-1.0, 0.0], [0.0, -2.0]])).tolist() == [90, 180, 270]


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    """Four small runs of spiralnet.toml's sweep (K = 2, 3; tanh, ReLU), trained for 40 steps."""
    problems = []
    found = config.load_variants(ROOT / "content" / "experiments" / "spiralnet.toml", "quick", problems)
    assert not problems
    out = []
    for e in found:
        if e.spec["data"]["classes"] > 3:
            continue
        spec = copy.deepcopy(e.spec)
        spec["data"]["points_per_class"] = 30
        spec["train"] |= {"steps": 40, "snapshots": 30}
        run = train.train(e.id, spec)
        out.append(FakeVariant(e.id, e.variant, spec, {}, run))
    return out


class FakeVariant(derive.Variant):
    def __init__(self, id, values, spec, claims, arrays):
        super().__init__(id, values, spec, claims, "")
        object.__setattr__(self, "arrays", arrays)

    def run(self):
        return self.arrays


def test_the_network_has_a_two_unit_last_hidden_layer(variants):
    for v in variants:
        shapes = [W.shape for W, _ in frames.layers(v.run(), 0)]
        assert shapes == [(120, 2), (80, 120), (40, 80), (2, 40), (v.values["data.classes"], 2)]


def test_keyframes_redraw_every_snapshot_within_tolerance(variants):
    for v in variants:
        K, act = v.values["data.classes"], v.values["model.activation"]
        built = spiral_data.choice_files(spiral_data.Choice(K, act, v))
        rows = json.loads(built.files[f"frames-{K}-{act}.json"])
        points = json.loads(built.files[f"points-{K}-{act}.json"])
        run = v.run()
        assert [r["step"] for r in rows] == run["snapshot_steps"].tolist()
        H = spiral_data.hidden_through_training(run, act)
        for row in rows:  # decode as the page does, compare with the network evaluated directly
            t, j = row["t"], row["j"]
            u = np.array([((1 - t) * p["x"][j] + t * p["x"][j + 1]) / spiral_data.QUANT for p in points])
            v_ = np.array([((1 - t) * p["y"][j] + t * p["y"][j + 1]) / spiral_data.QUANT for p in points])
            drawn = np.stack([u, v_], 1)
            true = (H[row["i"]] - [row["x0"], row["y0"]]) / row["z"]
            # every point inside the panel at every snapshot; the few beyond the window drawn on its edge
            assert drawn.min() >= 0 and drawn.max() <= 1, f"{K}-{act} snapshot {row['i']}: a point outside its panel"
            outside = np.any((true < 0) | (true > 1), axis=1)
            # ReLU's window covers 99.5% of the coordinates: at most 1% of the points (one, for a few dozen) lie beyond
            assert outside.sum() <= np.ceil(0.01 * len(outside)), f"{K}-{act} snapshot {row['i']}: {outside.sum()} on the edge"
            error = np.abs(drawn - np.clip(true, 0, 1)).max()
            assert error <= spiral_data.TOLERANCE + 1.0 / spiral_data.QUANT + 1e-3
        assert built.claims["keyframes"] <= len(rows)
        assert built.claims["drawn_error"] <= spiral_data.TOLERANCE + 1.0 / spiral_data.QUANT


def test_the_training_figure_names_every_choice_and_follows_k(variants):
    out = spiralnet.spiral_training(figures.resolve_options("spiral-training", {}), variants)
    assert out.frames == len(variants[0].run()["snapshot_steps"])
    names = {f"{stem}-{K}-{act}.{ext}" for K in (2, 3) for act in ("tanh", "relu")
             for stem, ext in (("frames", "json"), ("points", "json"), ("input", "png"))}
    assert names <= set(out.files)
    files_param = next(p for p in out.spec["params"] if p["name"] == "files")["value"]
    assert files_param == {n: f"@data/{n}" for n in out.files}
    signals = dict(out.spec["usermeta"]["choices"])
    assert signals["@data/frames-2-tanh.json"] == "files['frames-' + K + '-tanh.json']"
    vega = {"data": [{"name": "a", "url": "@data/frames-2-tanh.json"}, {"name": "b", "url": "@data/other.json"}]}
    patched = choices.patch(vega, out.spec)
    assert patched["data"][0]["url"] == {"signal": "files['frames-' + K + '-tanh.json']"}
    assert patched["data"][1]["url"] == "@data/other.json"
    assert {p["name"] for p in out.spec["params"]} >= {"K", "frame", "files"}


def test_a_sweep_figure_spec_shows_one_run_and_its_vega_switches(variants):
    """Vega-Lite cannot load another run's files when K changes, so its spec has no K picker (it shows the default
    run whole); the compiled Vega binds the picker again and fetches the picked run's files."""
    import vl_convert
    for out, pickers in ((spiralnet.spiral_training(figures.resolve_options("spiral-training", {}), variants), {"K"}),
                         (spiralnet.spiral_directions(figures.resolve_options("spiral-directions", {"angle_grid": 20,
                                                                                                   "arrows": 4}),
                                                      variants), {"K", "act"})):
        params = {p["name"]: p for p in out.spec["params"]}
        assert all("bind" not in params[name] for name in pickers), "a picker is bound in the Vega-Lite spec"
        assert set(out.spec["usermeta"]["bind"]) == pickers
        default = f"-{params['K']['value']}-" + (params["act"]["value"] if "act" in params else "")
        named = [url for url, _ in out.spec["usermeta"]["choices"]]
        assert named and all(default in url for url in named), named
        vega = choices.patch(vl_convert.vegalite_to_vega(out.spec), out.spec)
        signals = {s["name"]: s for s in vega["signals"]}
        assert all(signals[name]["bind"]["input"] == "radio" for name in pickers)
        assert all(isinstance(d["url"], dict) for d in vega["data"] if d.get("url") in named or
                   isinstance(d.get("url"), dict))
        assert sum(isinstance(d.get("url"), dict) for d in vega["data"]) == len(named)


def test_the_directions_figure_histograms_count_every_grid_point(variants):
    out = spiralnet.spiral_directions(figures.resolve_options("spiral-directions", {"angle_grid": 40, "arrows": 6}), variants)
    for K in (2, 3):
        for act in ("tanh", "relu"):
            bars = json.loads(out.files[f"hist-{K}-{act}.json"])
            assert sum(b["n"] for b in bars) == 40 * 40
            span = 360 if act == "tanh" else 90
            assert all(0 <= b["b0"] < b["b1"] <= span for b in bars)
            arrows = json.loads(out.files[f"arrows-{K}-{act}.json"])
            assert len(arrows) == 36 and all(0 <= a["deg"] <= 360 for a in arrows)
            if act == "relu":
                assert all(a["deg"] <= 90 for a in arrows)
    assert out.claims["original_angle_mean_0_tanh_k2"] == 41.4


def test_the_packing_figure_finds_the_last_crowded_snapshot(variants):
    """`crowded_until_*`: the last snapshot at which two tanh class centres sit closer than CROWDED of the best
    spacing; none after it, and the step matches the run's own schedule."""
    from generator.figures import spiralnet
    out = spiralnet.spiral_packing(figures.resolve_options("spiral-packing", {}), variants)
    for v in variants:
        if v.values["model.activation"] != "tanh":
            assert not any(k.endswith(f"relu_k{v.values['data.classes']}") and k.startswith("crowded") for k in out.claims)
            continue
        K = v.values["data.classes"]
        trace = spiralnet.packing_trace(spiralnet.by_choice([v])[(K, "tanh")])
        last = out.claims[f"crowded_until_snapshot_tanh_k{K}"]
        assert out.claims[f"crowded_until_step_tanh_k{K}"] == int(v.run()["snapshot_steps"][last])
        assert all(dist >= packing.CROWDED for step, _, dist in trace[last + 1:])
        assert last == 0 or trace[last][2] < packing.CROWDED


def test_the_training_figure_redraws_little_per_frame(variants):
    """A frame change redraws little (issue 14): the input plane's points are one path per class, built once when the
    data loads (no mark of theirs reads the frame), and the loss scales' domains are given per K, so no scale, axis
    or layout is computed again when the frame moves (a domain drawn from the data would include the marked step)."""
    import vl_convert
    out = spiralnet.spiral_training(figures.resolve_options("spiral-training", {}), variants)
    vega = choices.patch(vl_convert.vegalite_to_vega(out.spec), out.spec)
    data = {d["name"]: d for d in vega["data"]}

    def reads_frame(name):
        d = data[name]
        return "frame" in json.dumps(d.get("transform", [])) or ("source" in d and reads_frame(d["source"]))

    marks = []
    def walk(node):
        for m in node.get("marks", []):
            marks.append(m)
            walk(m)
    walk(vega)
    paths = [m for m in marks if m["type"] == "symbol" and "shape" in m["encode"]["update"]
             and "field" in m["encode"]["update"]["shape"]]
    assert len(paths) == 2, "one path mark per column for the input plane's points"
    for m in paths:
        source = data[m["from"]["data"]]
        aggregate = [t for t in source["transform"] if t["type"] == "aggregate"]
        assert aggregate and aggregate[0]["groupby"] == ["c"], "one path per class"
        assert not reads_frame(source["name"])
        assert m["encode"]["update"]["strokeWidth"]["value"] == spiralnet.DOT
    # the only marks drawn from data that follows the frame, in each column: the moving points, the label, the loss
    # dot, and one region area per class colour (spiralnet._region_areas: an area a class, never a facet)
    from generator.figures import style
    moving = [m for m in marks if "from" in m and "data" in m["from"] and reads_frame(m["from"]["data"])]
    assert len(moving) == 2 * (3 + len(style.spiral_backgrounds())), [m["name"] for m in moving]
    assert sum(m["type"] == "area" for m in moving) == 2 * len(style.spiral_backgrounds())
    for scale in vega["scales"]:
        domain = scale.get("domain")
        if isinstance(domain, dict):
            assert "signal" in domain, f"{scale['name']}: a domain drawn from data"
            assert "frame" not in domain["signal"]
    ks = sorted({int(v.values["data.classes"]) for v in variants})
    assert all(f"K == {k}" in json.dumps(vega["scales"]) for k in ks[:-1])
