"""The large profile: [large.data], [large.model] and [large.train] tables change that profile's runs only; the
full and quick runs (and so their cache keys) are those of the files without them; bad keys name file and line;
a missing full MNIST names the path and where its files go."""
import re
import shutil
from pathlib import Path

import pytest

from generator import config, runs, worker
from generator.cache import Store
from generator.errors import BuildError
from generator.progress import Plain
from tests.test_config import GOOD, write

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = ROOT / "content" / "experiments"


def without_large(text: str) -> str:
    """The file with every [large...] table (its header and keys, up to the next table) cut out."""
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        header = re.match(r"\s*\[\[?([^\]]+)\]", line)
        if header:
            inside = header.group(1).strip().startswith("large")
        if not inside:
            kept.append(line)
    return "".join(kept)


def test_large_tables_leave_the_full_and_quick_runs_and_their_keys_alone(tmp_path):
    stripped = tmp_path / "experiments"
    shutil.copytree(EXPERIMENTS, stripped)
    with_large = [p.name for p in stripped.glob("*.toml") if "[large." in p.read_text()]
    assert len(with_large) >= 3, "the content's experiment files should carry [large] tables"
    for path in stripped.glob("*.toml"):
        path.write_text(without_large(path.read_text()))
    assert not [p.name for p in stripped.glob("*.toml") if "[large" in p.read_text()]
    for profile in ("full", "quick"):
        real, bare = config.load_experiments(EXPERIMENTS, profile), config.load_experiments(stripped, profile)
        assert sorted(real) == sorted(bare)
        assert {n: e.spec for n, e in real.items()} == {n: e.spec for n, e in bare.items()}
        assert {n: runs.run_key(e) for n, e in real.items()} == {n: runs.run_key(e) for n, e in bare.items()}
    # and the large profile does change the runs of the files that say so, and only theirs
    full, large = config.load_experiments(EXPERIMENTS, "full"), config.load_experiments(EXPERIMENTS, "large")
    changed = {n for n in full if full[n].spec != large[n].spec}
    assert changed == {n for n, e in full.items() if e.path.name in with_large}
    assert {large[n].spec["train"]["seeds"] for n in changed if n.startswith("spiralnet-")} == {32}
    assert large["mnist-knn"].spec["data"]["idx_dir"] == "data/mnist"
    assert runs.run_key(large["curves-line"]) == runs.run_key(full["curves-line"])  # shared with full in the cache


LARGE = GOOD + """
[large.data]
points_per_class = 200

[large.train]
seeds = 16
steps = 40
"""


def test_large_profile_overrides_data_and_train_keys(tmp_path):
    folder = write(tmp_path, LARGE)
    full, quick, large = (config.load_experiments(folder, p)["exp"].spec for p in ("full", "quick", "large"))
    assert (full["train"]["seeds"], full["train"]["steps"], full["data"]["points_per_class"]) == (2, 10, 20)
    assert (quick["train"]["seeds"], quick["train"]["steps"], quick["data"]["points_per_class"]) == (2, 3, 20)
    assert (large["train"]["seeds"], large["train"]["steps"], large["data"]["points_per_class"]) == (16, 40, 200)
    assert full == config.load_experiments(write(tmp_path, GOOD, "exp.toml"), "full")["exp"].spec


@pytest.mark.parametrize("table, key, words", [
    ("[large.train]\nseedz = 3\n", "large.train.seedz", "unknown key 'seedz' in [large.train]"),
    ("[large.train]\nseeds = 0\n", "large.train.seeds", "'seeds' must be positive"),
    ("[large.train]\nseeds = 5000\n", "large.train.seeds", "must be at most 1,024"),
    ("[large.data]\npoints = 300\n", "large.data.points", "dataset 'two-curves' has no parameter 'points'"),
    ("[large.data]\nnoise = -1.0\n", "large.data.noise", "'noise' must be zero or more"),
    ("[large.data]\nkind = \"spirals\"\n", "large.data.kind", "cannot change the dataset's kind"),
    ("[large.model]\nactivation = \"swish\"\n", "large.model.activation", "must be one of"),
    ("[large]\nseeds = 32\n", "large.seeds", "it holds the tables [large.data], [large.model] and [large.train]"),
])
@pytest.mark.parametrize("profile", ["full", "quick", "large"])
def test_a_bad_large_key_names_file_line_and_key_in_every_profile(tmp_path, table, key, words, profile):
    text = GOOD + "\n" + table
    folder = write(tmp_path, text)
    with pytest.raises(BuildError) as err:
        config.load_experiments(folder, profile)
    (problem,) = err.value.problems
    line = text.splitlines().index(table.splitlines()[1]) + 1
    assert problem.key == key and problem.line == line and words in problem.message
    assert f"exp.toml:{line} [{key}]" in str(problem)


def test_large_cannot_override_a_swept_key(tmp_path):
    text = GOOD + '\n[sweep]\n"train.seeds" = [1, 2]\n\n[large.train]\nseeds = 8\n'
    folder = write(tmp_path, text)
    with pytest.raises(BuildError) as err:
        config.load_experiments(folder, "full")
    assert {p.key for p in err.value.problems} == {"large.train.seeds"}
    assert "is swept in [sweep]" in str(err.value)


def test_a_missing_full_mnist_names_the_path_and_where_the_files_go(tmp_path):
    mnist = (EXPERIMENTS / "mnist-knn.toml").read_text().split("\n# The claims table")[0]
    empty = tmp_path / "no-mnist-here"
    empty.mkdir()
    folder = write(tmp_path, mnist.replace('idx_dir = "data/mnist"', f'idx_dir = "{empty}"'), "mnist-knn.toml")
    experiments = config.load_experiments(folder, "large")
    with pytest.raises(BuildError) as err:  # before anything trains: nothing is written
        runs.ensure_runs(experiments, Store(tmp_path / "cache"), 1, Plain(lambda *a: None))
    (problem,) = err.value.problems
    text = str(problem)
    assert problem.key == "large.data.idx_dir" and problem.line == mnist.splitlines().index("[large.data]") + 2
    assert str(empty / "train-images-idx3-ubyte") in text and "put them in that folder" in text
    assert "t10k-labels-idx1-ubyte" in text and len(text.splitlines()) == 1
    assert not (tmp_path / "cache").exists()


def test_a_relative_idx_dir_is_read_from_the_checkout_where_the_run_trains(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "ROOT", tmp_path)  # the checkout of the machine that trains
    spec = {"data": {"kind": "mnist", "idx_dir": "data/mnist"}}
    assert worker.missing_data(spec) == str(tmp_path / "data" / "mnist" / "train-images-idx3-ubyte")
    (tmp_path / "data" / "mnist").mkdir(parents=True)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte"):
        (tmp_path / "data" / "mnist" / name).write_bytes(b"")
    assert worker.missing_data(spec) == str(tmp_path / "data" / "mnist" / "t10k-labels-idx1-ubyte")
    (tmp_path / "data" / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"")
    assert worker.missing_data(spec) is None
    assert worker._here(spec)["data"]["idx_dir"] == str(tmp_path / "data" / "mnist")
    assert spec["data"]["idx_dir"] == "data/mnist"  # the key keeps it relative
    assert worker.missing_data({"data": {"kind": "mnist", "idx_dir": ""}}) is None
