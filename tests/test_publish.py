"""What one figure publishes is computed before the write stage: names from content, stills at the last frame."""
from generator import publish
from generator.site import SiteWriter, hashed_name


def test_a_still_shows_the_last_frame_and_leaves_other_params_alone():
    spec = {"params": [{"name": "k", "value": 4}, {"name": "frame", "value": 0, "bind": {"input": "range"}}],
            "mark": "point"}
    last = publish.at_frame(spec, 47)
    assert last["params"] == [{"name": "k", "value": 4}, {"name": "frame", "value": 47, "bind": {"input": "range"}}]
    assert spec["params"][1]["value"] == 0                       # the page's own spec still opens at frame 0
    assert publish.at_frame({"mark": "point"}, -1) == {"mark": "point"}  # a still figure has no frames


def test_the_published_name_is_known_before_writing_and_is_the_one_written(tmp_path):
    blob = b'{"values": [1, 2, 3]}'
    writer = SiteWriter(tmp_path / "site")
    try:
        assert writer.hashed("data", "fig-points.json", blob) == hashed_name("data", "fig-points.json", blob)
        assert hashed_name("data", "fig-points.json", blob) != hashed_name("data", "fig-points.json", blob + b" ")
    finally:
        writer.abandon()


def test_a_png_still_is_reduced_to_a_palette_deterministically():
    import io

    import numpy as np
    from PIL import Image

    from generator import derive
    x, y = np.meshgrid(np.linspace(0, 1, 600), np.linspace(0, 1, 500))
    noise = np.random.default_rng(0).normal(0, 3, x.shape)  # a rendered ramp's fine texture: many colours
    pixels = np.stack([x * 250 + noise, y * 250, (x * y) * 250 - noise, np.full_like(x, 255)], axis=-1).clip(0, 255)
    pixels = pixels.astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, "PNG")
    original = out.getvalue()
    small = derive.small_png(original)
    assert small == derive.small_png(original)            # same pixels, same bytes
    assert len(small) < len(original) and len(small) <= derive.PNG_BUDGET
    reduced = Image.open(io.BytesIO(small))
    assert reduced.mode == "P" and reduced.size == (600, 500)
    # the colours stay close to the original's (dithering spreads the error; no band of a wrong colour)
    error = np.abs(np.asarray(reduced.convert("RGBA"), dtype=float) - pixels).mean()
    assert error < 6, error


def test_a_figure_declares_the_frame_its_stills_show(monkeypatch):
    import pytest

    from generator import derive
    from generator.figures.output import FigureOutput
    shown = []
    monkeypatch.setattr(derive, "vega_spec", lambda store, spec: {})
    monkeypatch.setattr(derive, "stills", lambda store, spec, files: shown.append(spec["params"][0]["value"]) or {})
    moving = FigureOutput({"params": [{"name": "frame", "value": 0}]}, {}, {}, frames=12)  # no key: not cached
    publish.figure_files(None, "f", moving, "")
    publish.figure_files(None, "f", moving, "", still=3)
    assert shown == [11, 3]  # the last frame unless the figure names one
    with pytest.raises(ValueError, match=r"past its last frame: it has 12 \(0 to 11\)"):
        publish.figure_files(None, "f", moving, "", still=12)
    with pytest.raises(ValueError, match="does not move"):
        publish.figure_files(None, "f", FigureOutput({}, {}, {}, frames=0), "", still=0)
