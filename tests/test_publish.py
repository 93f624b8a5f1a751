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
