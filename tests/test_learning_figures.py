"""The Part III figures built from a small synthetic run: what their data files hold, how many frames they
have, and that what the page decodes matches the run (PCA coordinates, norms, shares, images)."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from generator import figures
from generator.figures import learning_curves, weight_cloud, weight_images

T, HIDDEN1, HIDDEN2, TEST_PER_CLASS = 12, 9, 5, 7


def synthetic_run(seed: int = 0, snapshots: int = T) -> dict:
    """A 784-9-5-10 network's records: weights that drift and spread, accuracies, confusion matrices."""
    rng = np.random.default_rng(seed)
    steps = np.arange(snapshots) * 50
    t = np.linspace(0, 1, snapshots)[:, None, None, None]
    def layer(out, fan_in):
        start = rng.normal(0, 1e-3, (1, 1, out, fan_in))
        common, spread = rng.normal(0, 1, (1, 1, 1, fan_in)), rng.normal(0, 1, (1, 1, 1, fan_in))
        lateral = np.linspace(-1, 1, out)[None, None, :, None]
        return (start + t * common + t ** 2 * lateral * spread).astype(np.float32)
    confusion = np.zeros((snapshots, 1, 10, 10), np.int64)
    for s in range(snapshots):
        for true in range(10):
            # early on everything goes to one class, later more and more to the right one
            right = int(round(TEST_PER_CLASS * s / (snapshots - 1)))
            confusion[s, 0, true, true] += right
            confusion[s, 0, true, (s * 3) % 10] += TEST_PER_CLASS - right
    test_acc = np.trace(confusion[:, 0], axis1=1, axis2=2) / confusion[:, 0].sum((1, 2))
    return {"W0": layer(HIDDEN1, 784), "W1": layer(HIDDEN2, HIDDEN1), "W2": layer(10, HIDDEN2),
            "snapshot_steps": steps, "test_confusion": confusion,
            "test_accuracy": test_acc[:, None], "train_accuracy": np.clip(test_acc + 0.02, 0, 1)[:, None],
            "loss": np.linspace(2.3, 0.5, int(steps[-1]) + 1)[:, None], "accuracy": np.array([0.9]),
            "seeds": np.array([0])}


SPEC = {"model": {"activation": "sigmoid", "kind": "mlp"}}


def build(kind, options=None, run=None, claims=None):
    return figures.builder(kind)(figures.resolve_options(kind, options or {}),
                                  run if run is not None else synthetic_run(), SPEC, claims or {})


def data(out, name):
    return json.loads(out.files[name])


def walk(node):
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def frame_param(spec):
    found = [n for n in walk(spec) if isinstance(n, dict) and n.get("name") == "frame" and "bind" in n]
    assert len(found) == 1, "a moving figure needs exactly one `frame` param"
    return found[0]


def png(blob):
    return Image.open(io.BytesIO(blob))


def test_every_kind_is_registered_with_its_module():
    for kind, module in [("accuracy-curve", "learning_curves"), ("weight-norms", "learning_curves"),
                         ("digit-fate", "learning_curves"), ("confusion-matrix", "learning_curves"),
                         ("weight-trajectories", "weight_cloud"), ("learning-surface", "weight_images"),
                         ("weight-images", "weight_images")]:
        assert figures.KINDS[kind].builder.startswith(f"{module}:")
        assert callable(figures.builder(kind))


def test_accuracy_curve_ships_both_accuracies_at_every_snapshot():
    run = synthetic_run()
    out = build("accuracy-curve", run=run)
    rows = data(out, "accuracy.json")
    assert [r["s"] for r in rows] == run["snapshot_steps"].tolist()
    assert np.allclose([r["test"] for r in rows], run["test_accuracy"][:, 0], atol=1e-4)
    assert np.allclose([r["train"] for r in rows], run["train_accuracy"][:, 0], atol=1e-4)
    assert out.claims["final_test_accuracy"] == pytest.approx(run["test_accuracy"][-1, 0])
    assert out.claims["jumps_marked"] == 0 and out.frames == 0
    # the chance rule is drawn at 10%
    assert any(isinstance(n, dict) and n.get("values") == [{"y": 0.1, "label": "chance"}] for n in walk(out.spec))


def test_jumps_named_by_the_claims_are_drawn_in_order():
    claims = {"jump2_start_step": 400, "jump2_end_step": 450, "jump1_start_step": 100, "jump1_end_step": 200,
              "jump_count": 2, "jump1_from": 0.1}
    assert learning_curves.jump_spans(claims) == [(100, 200), (400, 450)]
    assert learning_curves.jump_spans({"plateau_end_step": 5}) == []
    for kind in ("accuracy-curve", "weight-norms"):
        out = build(kind, claims=claims)
        assert out.claims["jumps_marked"] == 2
        assert any(isinstance(n, dict) and n.get("values") == [{"s": 100, "e": 200}, {"s": 400, "e": 450}]
                   for n in walk(out.spec)), kind


def test_weight_norms_decode_to_the_norm_of_every_neuron():
    run = synthetic_run()
    out = build("weight-norms", run=run)
    rows = data(out, "norms.json")
    assert len(rows) == 3 * T
    for layer, width in enumerate((HIDDEN1, HIDDEN2, 10)):
        norms = np.linalg.norm(run[f"W{layer}"][:, 0].astype(np.float64), axis=2)
        mine = [r for r in rows if r["L"] == layer]
        decoded = np.array([np.array(r["v"]) * r["u"] for r in mine])
        assert decoded.shape == (T, width)
        assert np.allclose(decoded, norms, atol=norms.max() / 900)
    thin = build("weight-norms", {"max_points": 5}, run=run)
    kept = sorted({r["s"] for r in data(thin, "norms.json")})
    assert len(kept) <= 5 and kept[0] == 0 and kept[-1] == run["snapshot_steps"][-1]
    log = data(build("weight-norms", {"scale": "log"}, run=run), "norms.json")
    assert min(v for r in log for v in r["v"]) > 0
    with pytest.raises(ValueError):
        build("weight-norms", {"scale": "sqrt"}, run=run)


@pytest.mark.parametrize("count, most", [(12, 200), (201, 200), (201, 101), (201, 100), (7, 2), (10, 3)])
def test_stride_subsample_keeps_ends_and_a_bound(count, most):
    picked = learning_curves.stride_subsample(count, most)
    assert picked[0] == 0 and picked[-1] == count - 1
    assert len(picked) <= most and np.all(np.diff(picked) > 0)
    if count <= most:
        assert len(picked) == count


def test_digit_fate_shares_sum_to_one_and_match_the_confusion_rows():
    run = synthetic_run()
    for digit in (9, 3):
        out = build("digit-fate", {"digit": digit}, run=run)
        rows = data(out, "fate.json")
        assert len(rows) == T
        shares = np.array([r["f"] for r in rows])
        assert shares.shape == (T, 10)
        assert np.allclose(shares.sum(1), 1, atol=2e-3)
        counts = run["test_confusion"][:, 0, digit]
        assert np.allclose(shares, counts / counts.sum(1, keepdims=True), atol=1e-4)
        assert out.claims["digit_count"] == TEST_PER_CLASS
        assert out.claims["main_wrong"] != digit
        assert out.claims["final_correct"] == pytest.approx(shares[-1, digit], abs=1e-4)
    with pytest.raises(ValueError):
        build("digit-fate", {"digit": 10}, run=run)


def test_digit_fate_counts_single_class_snapshots():
    run = synthetic_run()
    out = build("digit-fate", run=run)
    # only the first snapshot sends every image to one class ((0 * 3) % 10 = 0)
    assert out.claims["single_class_snapshots"] == 1
    assert out.claims["single_class_switches"] == 0


def test_confusion_matrix_totals_equal_the_test_count():
    run = synthetic_run()
    out = build("confusion-matrix", run=run)
    rows = data(out, "confusion.json")
    assert len(rows) == 100
    assert sum(r["n"] for r in rows) == out.claims["test_count"] == 10 * TEST_PER_CLASS
    matrix = np.zeros((10, 10), int)
    for r in rows:
        matrix[r["t"], r["p"]] = r["n"]
    assert np.array_equal(matrix, run["test_confusion"][-1, 0])
    assert out.claims["accuracy"] == pytest.approx(np.trace(matrix) / matrix.sum())
    early = build("confusion-matrix", {"snapshot": 0}, run=run)
    assert early.claims["step"] == 0 and early.claims["accuracy"] == pytest.approx(run["test_accuracy"][0, 0])


def decoded_tracks(out, layer):
    """The page's view of one layer: (frames, neurons, 2) from first values and differences."""
    rows = sorted((r for r in data(out, "tracks.json") if r["L"] == layer), key=lambda r: r["n"])
    xy = np.stack([np.stack([np.cumsum(r["x"]), np.cumsum(r["y"])], 1) * r["u"] for r in rows], 1)
    return xy


def test_weight_trajectories_reproduce_sklearn_pca():
    from sklearn.decomposition import PCA
    run = synthetic_run()
    out = build("weight-trajectories", run=run)
    assert out.frames == T == len(data(out, "frames.json"))
    param = frame_param(out.spec)
    assert param["bind"]["input"] == "range" and (param["bind"]["min"], param["bind"]["max"]) == (0, T - 1)
    for layer, name, width in ((0, "hidden1", HIDDEN1), (1, "hidden2", HIDDEN2), (2, "output", 10)):
        cloud = run[f"W{layer}"][:, 0].astype(np.float64).reshape(T * width, -1)
        model = PCA(2, svd_solver="full").fit(cloud)
        expected = model.transform(cloud).reshape(T, width, 2)
        got = decoded_tracks(out, layer)
        assert got.shape == (T, width, 2)
        tolerance = np.abs(expected).max() / weight_cloud.QUANT
        for k in range(2):  # a principal direction's sign is a convention: compare up to sign
            sign = np.sign(np.sum(got[..., k] * expected[..., k])) or 1
            assert np.allclose(sign * got[..., k], expected[..., k], atol=tolerance)
        shares = [out.claims[f"{name}_pc1_share"], out.claims[f"{name}_pc2_share"]]
        assert shares == pytest.approx(model.explained_variance_ratio_, rel=1e-6)
        assert shares[0] >= shares[1]


def test_weight_trajectories_subsample_frames_and_pick_a_layer():
    run = synthetic_run(snapshots=30)
    out = build("weight-trajectories", {"max_frames": 10, "layer": 3, "colour": "neuron"}, run=run)
    steps = [r["s"] for r in data(out, "frames.json")]
    assert out.frames == len(steps) <= 10
    assert steps[0] == 0 and steps[-1] == run["snapshot_steps"][-1]
    assert {r["L"] for r in data(out, "tracks.json")} == {2}
    assert all(len(r["x"]) == out.frames for r in data(out, "tracks.json"))
    # neurons coloured by rank: every rank once
    assert sorted(r["r"] for r in data(out, "tracks.json")) == list(range(10))
    with pytest.raises(ValueError):
        build("weight-trajectories", {"layer": 4}, run=run)
    with pytest.raises(ValueError):
        build("weight-trajectories", {"colour": "loss"}, run=run)


def line_run(snapshots: int = 6, neurons: int = 11) -> tuple[dict, np.ndarray]:
    """First-layer neurons on a line at every snapshot: neuron n = a_t + n * d_t, so PC1 orders them by n and
    neighbours differ by exactly d_t. Returns the run and the d_t."""
    run = synthetic_run(snapshots=snapshots)
    rng = np.random.default_rng(5)
    a = rng.normal(0, 1, (snapshots, 1, 784))
    d = rng.normal(0, 1, (snapshots, 1, 784))
    d[:, :, :50] = 0  # a block of pixels where neighbours do not differ: drawn white
    run["W0"] = (a + np.arange(neurons)[None, :, None] * d)[:, None].astype(np.float64)
    return run, d[:, 0]


def test_learning_surface_draws_neighbour_differences_row_by_row():
    run, d = line_run()
    rows, columns = 3, 5
    out = build("learning-surface", {"rows": rows, "columns": columns, "first_step": 0}, run=run)
    image = png(out.files["surface.png"])
    pitch = weight_images.SIDE + weight_images.GAP
    assert image.size == (columns * pitch + weight_images.GAP, rows * pitch + weight_images.GAP)
    assert out.claims["rows"] == rows and out.claims["neurons_sampled"] == columns + 1
    assert out.claims["reference_pc1_share"] == pytest.approx(1.0)
    colours = np.array(image.convert("RGB"))
    shown = np.round(np.linspace(0, len(run["snapshot_steps"]) - 1, rows)).astype(int)
    ends = [tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5)) for colour in (weight_images.RDBU[0], weight_images.RDBU[-1])]
    for r, t in enumerate(shown):
        top = weight_images.GAP + r * pitch
        row = colours[top:top + 28]
        assert {tuple(p) for p in row.reshape(-1, 3)} & set(ends), "each row is scaled to its largest difference"
        for c in range(columns):
            top, left = weight_images.GAP + r * pitch, weight_images.GAP + c * pitch
            cell = colours[top:top + 28, left:left + 28].reshape(784, 3).astype(int)
            assert np.all(cell[:50] == 255), "zero difference must be white"
            # the sampled neighbours are two steps of d_t apart; blue where the difference is positive
            sign = np.sign(d[t][50:]) * np.sign(np.dot(d[t], d[shown[-1]]) or 1)
            bluer = cell[50:, 2] > cell[50:, 0]
            redder = cell[50:, 0] > cell[50:, 2]
            agree = (bluer & (sign > 0)) | (redder & (sign < 0))
            flipped = (bluer & (sign < 0)) | (redder & (sign > 0))
            assert max(agree.mean(), flipped.mean()) > 0.9   # up to the sign PCA picks for the reference


def test_learning_surface_rejects_impossible_grids():
    run, _ = line_run()
    with pytest.raises(ValueError):
        build("learning-surface", {"columns": 11}, run=run)    # 11 neurons give at most 10 differences
    with pytest.raises(ValueError):
        build("learning-surface", run=synthetic_run() | {"W0": np.zeros((T, 1, 4, 100), np.float32)})


def test_weight_images_sprite_holds_one_tile_per_frame():
    run, d = line_run(snapshots=9)
    out = build("weight-images", {"neurons": 4, "levels": 7}, run=run)
    assert out.frames == 9 == len(data(out, "frames.json"))
    frame_param(out.spec)
    sheet = png(out.files["sheet.png"])
    assert sheet.mode == "P" and len(sheet.getpalette()) // 3 <= 16   # a small palette: a 4-bit PNG
    side = 2                                    # 4 neurons: a 2 x 2 tile
    size = side * (weight_images.SIDE + 1) + 1
    across = int(np.ceil(np.sqrt(9)))
    assert sheet.size == (across * size, int(np.ceil(9 / across)) * size)
    # palette: the middle level of an odd palette is white, so zero weights are white
    palette = np.array(sheet.getpalette()).reshape(-1, 3)
    assert tuple(palette[7 // 2]) == (255, 255, 255)
    pixels = np.array(sheet)
    # in every tile, every pixel lies on the palette's levels, and the largest |w| of the frame hits an end
    for i in range(9):
        tile = pixels[(i // across) * size:(i // across + 1) * size, (i % across) * size:(i % across + 1) * size]
        cells = tile[1:-1, 1:-1]
        assert {0, 6} & set(np.unique(cells).tolist()), f"frame {i}: no saturated pixel"
    assert out.claims["neurons_shown"] == 4 and out.claims["levels"] == 7


def test_weight_images_options_are_checked():
    run, _ = line_run()
    with pytest.raises(ValueError):
        build("weight-images", {"levels": 8}, run=run)
    with pytest.raises(ValueError):
        build("weight-images", {"neurons": 12}, run=run)


@pytest.mark.parametrize("kind", ["accuracy-curve", "weight-norms", "digit-fate", "confusion-matrix",
                                  "weight-trajectories", "learning-surface", "weight-images"])
def test_specs_are_small_and_name_only_their_own_files(kind):
    out = build(kind)
    text = json.dumps(out.spec)
    assert len(text) < 20_000
    named = {n[len("@data/"):] for n in walk(out.spec) if isinstance(n, str) and n.startswith("@data/")}
    assert named == set(out.files), (named, set(out.files))
    assert "W0" not in text
    assert (out.frames > 0) == (kind in ("weight-trajectories", "weight-images"))
    if out.frames:
        assert frame_param(out.spec)["bind"]["max"] == out.frames - 1


def test_the_same_run_gives_the_same_files():
    for kind in ("weight-trajectories", "learning-surface", "weight-images"):
        assert build(kind).files == build(kind).files


def test_weight_trajectories_frame_picks_each_neurons_point():
    """A frame change costs little (issue 14): the ringed dots are a row per neuron holding its whole track (built
    once when the data loads), so a frame picks each neuron's point instead of filtering the whole cloud; the trail
    is a path per snapshot, filtered by the frame (a few hundred rows)."""
    out = build("weight-trajectories", run=synthetic_run())
    panels = out.spec["vconcat"]
    assert len(panels) == 3
    for panel in panels:
        trail, now = panel["layer"][0], panel["layer"][1]
        assert now["mark"]["type"] == "circle"
        steps = now["transform"]
        aggregate = [t for t in steps if "aggregate" in t]
        assert len(aggregate) == 1 and aggregate[0]["groupby"] == ["n"]
        after = steps[steps.index(aggregate[0]):]
        assert not [t for t in steps if "filter" in t and "frame" in json.dumps(t)], "a filter over the cloud by frame"
        assert any("calculate" in t and "frame" in t["calculate"] for t in after)
        assert any("aggregate" in t and t["groupby"][0] == "i" for t in trail["transform"]), "a trail path per snapshot"
