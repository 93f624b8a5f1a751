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


SITE = ('title = "T"\ndescription = "D"\nauthors = ["A. Name"]\n\n[references.olah2014]\nauthors = "C. Olah"\n'
        'title = "N"\nyear = 2014\nurl = "https://colah.github.io/"\n')


def site_problems(tmp_path, text):
    (tmp_path / "site.toml").write_text(text)
    with pytest.raises(BuildError) as err:
        config.load_site(tmp_path / "site.toml")
    return err.value.problems


def test_a_minimal_site_loads(tmp_path):
    (tmp_path / "site.toml").write_text(SITE)
    site = config.load_site(tmp_path / "site.toml")
    assert site["title"] == "T" and site["references"]["olah2014"]["year"] == 2014


@pytest.mark.parametrize("old, new, key, line, words", [
    ('title = "T"', "title = 3", "title", 1, "'title' must be text in quotes, got a whole number 3"),
    ('description = "D"', 'description = ["a"]', "description", 2, "got a list ['a']"),
    ('title = "T"', 'title = "T"\nlanguage = 5', "language", 2, "'language' must be a language tag"),
    ('title = "T"', 'title = "T"\nlicence_uri = "x"', "licence_uri", 2, "unknown key 'licence_uri'; did you mean "
                                                                      "licence_url"),
    ('title = "T"', 'title = "T"\nimage = 3', "image", 2, "'image' must be text in quotes"),
    ("year = 2014", "year = {a = 1}", "references.olah2014.year", 8, "got a table {'a': 1}"),
    ('authors = "C. Olah"', "authors = 3", "references.olah2014.authors", 6, "'authors' must be text"),
    ('url = "https://colah.github.io/"', 'link = "https://colah.github.io/"', "references.olah2014.link", 9,
     "unknown key 'link'"),
    ("[references.olah2014]", "[[references]]", "references", 5, "'references' must be [references.<key>] tables"),
    ('authors = ["A. Name"]', '[[authors]]\nname = "A"\naffiliation = {a = 1}', "authors", 10,
     "'affiliation' must be text in quotes, got a table"),
])
def test_site_keys_are_known_and_typed(tmp_path, old, new, key, line, words):
    """Every site.toml key and reference field is one it may hold, of its type; no traceback, no "{'a': 1}"."""
    text = SITE.replace(old, new)
    if new.startswith("[[authors]]"):  # tables come after the top-level keys
        text = text.replace(new + "\n", "") + "\n" + new + "\n"
    found = site_problems(tmp_path, text)
    assert any(p.key == key and p.line == line and words in p.message for p in found), [str(p) for p in found]


def test_a_vector_field_network_keeps_the_inputs_width_checked_while_loading(tmp_path):
    vector = GOOD.replace("hidden = [2]", 'kind = "vector-field"\nhidden = [2, 3]')
    (problem,) = problems_of(write(tmp_path, vector))
    assert problem.key == "model.hidden" and problem.line == 7 and "every hidden width must be 2" in problem.message
    tori = vector.replace('"two-curves"', '"tori"').replace("[2, 3]", "[3, 3]")
    (problem,) = problems_of(write(tmp_path, tori))
    assert problem.key == "model.hidden" and "moves points of the plane" in problem.message
    swept = '[sweep]\n"model.hidden" = [[2], [2, 5]]\n\n' + GOOD.replace("hidden = [2]", 'kind = "vector-field"')
    (problem,) = problems_of(write(tmp_path, swept))
    assert problem.key == "sweep.model.hidden" and problem.line == 2
    spec = config.load_experiments(write(tmp_path, vector.replace("[2, 3]", "[2, 2]")))["exp"].spec
    assert spec["model"]["hidden"] == [2, 2]


def test_two_experiments_with_one_id_are_refused_naming_both(tmp_path):
    folder = write(tmp_path, GOOD, "cl-tanh.toml")
    write(tmp_path, '[sweep]\n"model.activation" = ["tanh", "relu"]\n\n' + GOOD, "cl.toml")
    (problem,) = problems_of(folder)
    assert problem.path.name == "cl.toml" and problem.line == 2 and problem.key == "sweep"
    assert "'cl-tanh' is made twice" in problem.message and "cl-tanh.toml" in problem.message
    (folder / "cl-tanh.toml").unlink()
    (folder / "cl.toml").write_text('[sweep]\n"train.learning_rate" = [1.5, 15]\n\n' + GOOD)
    (problem,) = problems_of(folder)
    assert "'cl-15' is made twice" in problem.message and "1.5" in problem.message and "= 15)" in problem.message
    assert problem.line == 2


def test_a_compare_row_with_a_script_link_is_refused(tmp_path):
    row = ('\n[[compare]]\nclaim = "accuracy_best"\nstatement = "See [x](javascript:alert(1))"\noriginal = "o"\n'
           'source = "olah2014"\nwhy = "w"\n')
    (problem,) = problems_of(write(tmp_path, GOOD + row))
    assert problem.key == "compare.statement" and "javascript:alert(1)" in problem.message
    assert problem.line == GOOD.count("\n") + 2


@pytest.mark.parametrize("old, new, key", [
    ("hidden = [2]", "hidden = [1000000]", "model.hidden"),
    ("hidden = [2]", "hidden = [2]\nanchors_per_side = 100000", "model.anchors_per_side"),
    ("seeds = 2", "seeds = 2\nknn_k = 100000", "train.knn_k"),
    ("points_per_class = 20", 'points_per_class = 20\nclasses = 100000', "data.classes"),
])
def test_sizes_that_would_exhaust_memory_are_capped(tmp_path, old, new, key):
    text = GOOD.replace(old, new)
    if "classes" in new:
        text = text.replace('"two-curves"', '"k-spirals"')
    (problem,) = problems_of(write(tmp_path, text))
    assert problem.key == key and problem.line is not None and "at most" in problem.message


def test_a_sweep_of_more_than_a_thousand_experiments_is_refused(tmp_path):
    sweep = '[sweep]\n"train.first_seed" = [' + ", ".join(map(str, range(40))) + ']\n"train.steps" = [' + ", ".join(
        map(str, range(1, 41))) + "]\n\n"
    (problem,) = problems_of(write(tmp_path, sweep + GOOD))
    assert problem.key == "sweep" and problem.line == 1 and "1,600 experiments" in problem.message


def test_a_sweeps_stem_that_is_another_sweeps_variant_is_refused(tmp_path):
    folder = write(tmp_path, '[sweep]\n"train.steps" = [1, 2]\n\n' + GOOD, "a.toml")
    write(tmp_path, '[sweep]\n"train.steps" = [3]\n\n' + GOOD, "a-1.toml")
    (problem,) = problems_of(folder)
    assert problem.path.name == "a-1.toml" and problem.line == 1 and "stem 'a-1'" in problem.message
    assert "a.toml's [sweep] (train.steps = 1)" in problem.message
