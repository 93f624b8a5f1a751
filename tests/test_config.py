"""Experiment files and site settings: every file in content/ validates; bad input names file, line and key."""
from pathlib import Path

import pytest

from generator import config
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent
GOOD = """[data]
kind = "two-curves"
points_per_class = 20

[model]
hidden = [2]

[train]
learning_rate = 0.01
steps = 10
seeds = 2

[quick]
steps = 3
"""


def write(tmp_path, text, name="exp.toml"):
    folder = tmp_path / "experiments"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return folder


def problems_of(folder):
    with pytest.raises(BuildError) as err:
        config.load_experiments(folder)
    return err.value.problems


def test_every_content_experiment_validates():
    experiments = config.load_experiments(ROOT / "content" / "experiments")
    assert experiments, "content/experiments has no experiment files"
    for exp in experiments.values():
        assert exp.spec["train"]["steps"] > 0 and exp.spec["data"]["kind"]


def test_defaults_filled_and_quick_profile_overrides(tmp_path):
    folder = write(tmp_path, GOOD)
    full = config.load_experiments(folder)["exp"].spec
    quick = config.load_experiments(folder, "quick")["exp"].spec
    assert full["train"]["steps"] == 10 and quick["train"]["steps"] == 3
    assert full["model"]["activation"] == "tanh" and full["data"]["noise"] == 0.0


def test_bad_value_names_file_line_and_key(tmp_path):
    folder = write(tmp_path, GOOD.replace("steps = 10", "steps = -4"))
    (problem,) = problems_of(folder)
    assert problem.path.name == "exp.toml" and problem.key == "train.steps" and problem.line == 10
    assert "-4" in str(problem) and "exp.toml:10" in str(problem)


def test_unknown_key_and_wrong_type_are_all_reported(tmp_path):
    folder = write(tmp_path, GOOD.replace("seeds = 2", "seeds = 2\nlearning_rat = 3").replace(
        "hidden = [2]", 'hidden = "two"'))
    found = {p.key for p in problems_of(folder)}
    assert found == {"train.learning_rat", "model.hidden"}


def test_unknown_dataset_parameter_and_kind(tmp_path):
    folder = write(tmp_path, GOOD.replace("points_per_class = 20", "radius = 3"))
    (problem,) = problems_of(folder)
    assert problem.key == "data.radius" and problem.line == 3
    folder = write(tmp_path, GOOD.replace('"two-curves"', '"three-curves"'))
    assert "unknown dataset kind" in str(problems_of(folder)[0])


def test_broken_toml_names_the_line(tmp_path):
    folder = write(tmp_path, GOOD.replace("seeds = 2", "seeds = "))
    (problem,) = problems_of(folder)
    assert problem.line == 11 and "TOML" in problem.message


def test_site_settings_load():
    site = config.load_site(ROOT / "content" / "site.toml")
    assert site["title"] and {"olah2014", "ranlot2017", "gabella2019"} <= set(site["references"])


def test_a_sweep_makes_one_experiment_per_combination_in_order(tmp_path):
    sweep = '[sweep]\n"model.activation" = ["tanh", "relu"]\n"data.points_per_class" = [10, 30]\n\n'
    experiments = config.load_experiments(write(tmp_path, sweep + GOOD, "sw.toml"))
    assert list(experiments) == ["sw-tanh-10", "sw-tanh-30", "sw-relu-10", "sw-relu-30"]
    chosen = experiments["sw-relu-30"]
    assert chosen.spec["model"]["activation"] == "relu" and chosen.spec["data"]["points_per_class"] == 30
    assert chosen.group == "sw" and chosen.variant == {"model.activation": "relu", "data.points_per_class": 30}
    assert config.groups(experiments) == {"sw": list(experiments)}


def test_a_bad_sweep_value_names_the_sweep_line(tmp_path):
    text = '[sweep]\n"data.points_per_class" = [5]\n"model.activation" = ["tanh", "swish"]\n\n' + GOOD
    found = problems_of(write(tmp_path, text))
    assert any(p.line == 3 and "swish" in p.message and p.key == "sweep.model.activation" for p in found)
    found = problems_of(write(tmp_path, '[sweep]\n"train.steps" = 3\n\n' + GOOD))
    assert [(p.line, "non-empty list" in p.message) for p in found] == [(2, True)]


@pytest.mark.parametrize("old, new, key", [
    ("points_per_class = 20", "points_per_class = -5", "data.points_per_class"),
    ("points_per_class = 20", "points_per_class = 0", "data.points_per_class"),
    ("points_per_class = 20", "points_per_class = 20\nnoise = -0.1", "data.noise"),
    ("points_per_class = 20", "points_per_class = 20\nnoise = nan", "data.noise"),
    ("learning_rate = 0.01", "learning_rate = inf", "train.learning_rate"),
    ("[quick]\nsteps = 3", "[quick]\nsteps = 3\nstpes = 4", "quick.stpes"),
    ("[quick]\nsteps = 3", "[quick]\nsteps = -3", "quick.steps"),
])
def test_ranges_and_quick_keys_are_checked_in_the_full_profile(tmp_path, old, new, key):
    folder = write(tmp_path, GOOD.replace(old, new))
    (problem,) = problems_of(folder)
    assert problem.key == key and problem.line is not None and problem.path.name == "exp.toml"


def test_a_reference_url_that_is_not_http_is_refused(tmp_path):
    text = (ROOT / "content" / "site.toml").read_text()
    first = text.index('url = "', text.index("[references."))
    end = text.index('"', first + 7)
    (tmp_path / "site.toml").write_text(text[:first] + 'url = "javascript:alert(1)' + text[end:])
    with pytest.raises(BuildError) as err:
        config.load_site(tmp_path / "site.toml")
    assert "http:// or https://" in str(err.value) and "site.toml:" in str(err.value)


def test_settings_are_named_for_placeholders(tmp_path):
    spec = config.load_experiments(write(tmp_path, GOOD.replace("hidden = [2]", "hidden = [8, 16]")))["exp"].spec
    found = config.settings(spec)
    assert found["model_hidden1"] == 8 and found["model_hidden2"] == 16 and found["train_learning_rate"] == 0.01
    assert found["data_points_per_class"] == 20 and "model_hidden" not in found
