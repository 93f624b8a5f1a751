"""The live trainer's figure reads the data sets it offers from the build's own experiments: an author's folder
with experiments of its own names builds, an unknown or 3-D name is a content error at the option's line before
anything trains, and another experiment's data keys the drawing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import figures
from generator.build import build
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENT = ('[meta]\ntitle = "{title}"\nsource = "olah2014"\n\n[data]\nkind = "{kind}"\npoints_per_class = {points}\n\n'
              '[model]\nhidden = [2]\nactivation = "tanh"\n\n[train]\noptimizer = "adam"\nlearning_rate = 0.05\n'
              'steps = 30\nseeds = 2\nsnapshots = 3\n')


def authors_content(folder: Path, offered: str) -> Path:
    (folder / "experiments").mkdir(parents=True)
    (folder / "site.toml").write_text((ROOT / "content" / "site.toml").read_text())
    (folder / "experiments" / "my-curves.toml").write_text(EXPERIMENT.format(title="Mine", kind="two-curves", points=40))
    (folder / "experiments" / "my-ring.toml").write_text(EXPERIMENT.format(title="Ring", kind="annulus", points=30))
    (folder / "01-a.md").write_text('+++\ntitle = "A"\norder = 1\n+++\n\nTrain it yourself.\n\n```figure\nid: live-mine\n'
                                   f"kind: live-training\nexperiment: my-curves\ndatasets: {offered}\n"
                                   "caption: A network to train.\nalt: Decision regions of a small network.\n```\n")
    return folder


def live_data(site: Path) -> list[str]:
    (found,) = (site / "data").glob("live-mine-live.*.json")
    return [d["key"] for d in json.loads(found.read_text())["data"]]


def test_the_offered_data_sets_are_the_builds_own_experiments(tmp_path):
    content = authors_content(tmp_path / "content", "my-ring")
    build(content, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=lambda *a: None)
    assert live_data(tmp_path / "site") == ["data", "my-ring"]
    ring = content / "experiments" / "my-ring.toml"  # another experiment's data changes: the figure follows
    ring.write_text(ring.read_text().replace("points_per_class = 30", "points_per_class = 31"))
    build(content, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=lambda *a: None)
    (found,) = (tmp_path / "site" / "data").glob("live-mine-live.*.json")
    assert len(json.loads(found.read_text())["data"][1]["y"]) == 62


@pytest.mark.parametrize("offered, said", [("my-rings", "no experiment named 'my-rings'"),
                                            ("my-curves, nowhere", "no experiment named 'nowhere'")])
def test_an_unknown_data_set_is_named_at_its_line_before_training(tmp_path, offered, said):
    content = authors_content(tmp_path / "content", offered)
    with pytest.raises(BuildError) as err:
        build(content, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=lambda *a: None)
    assert f"01-a.md:12 [datasets]: figure 'live-mine' (live-training): option 'datasets' {said}" in str(err.value)
    assert not (tmp_path / "cache" / "runs").exists()  # nothing trained


def test_names_are_read_from_the_option_the_kind_declares():
    assert figures.named("live-training", {"datasets": " a, b ,"}) == ["a", "b"]
    assert figures.named("live-training", {"datasets": None}) == [] and figures.named("dataset", {}) == []
    known = {"flat": {"data": {"kind": "two-curves"}}, "deep": {"data": {"kind": "tori"}}}
    problems = figures.requirements("live-training", {"datasets": "deep"}, [{"data": {"kind": "two-curves"},
                                    "model": {"kind": "mlp", "hidden": [2]}, "train": {}}], known)
    assert problems == [("datasets", "deep's data is not in the plane (inputs of 2 numbers)")]


def test_every_drawn_panel_of_the_live_trainer_has_a_name_from_the_start():
    """The panels are images (role="img") named from the markup that makes them: the worker's first drawing, which
    names them after what they show, comes later, and axe-core read them unnamed in between on a busy machine."""
    import re
    script = (ROOT / "templates" / "static" / "live.js").read_text()
    images = re.findall(r"<canvas[^>]*role=\"img\"[^>]*>", script)
    assert len(images) >= 3 and all(re.search(r'aria-label="[^"]+"', tag) for tag in images), images
