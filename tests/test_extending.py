"""docs/extending.md's worked examples, built as the guide says: its figure kind (the KINDS entry and the builder
module) and its dataset (the function and its KINDS entry) pasted into a scratch copy of the generator, an
experiment on the new dataset, a section placing the new figure, and a real build of it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "extending.md"


def blocks() -> list[str]:
    """The guide's python code blocks, in order."""
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)


def kind_entry() -> str:
    return next(b for b in blocks() if b.lstrip().startswith('"loss-curve": Kind('))


def builder_module() -> str:
    return next(b for b in blocks() if "def loss_curve(" in b)


def dataset_code() -> tuple[str, str]:
    """(the function, its KINDS entry's name) of the guide's dataset."""
    code = next(b for b in blocks() if "def two_moons(" in b)
    function = code.split("\nKINDS = ")[0]
    return function, re.search(r'"([a-z-]+)": two_moons', code).group(1)


def test_the_guides_dataset_is_what_it_says_it_is():
    function, name = dataset_code()
    space: dict = {"np": np}
    exec(function, space)
    X, y = space["two_moons"](points_per_class=50, seed=3)
    assert name == "two-moons" and X.dtype == np.float32 and X.shape == (100, 2)
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [50, 50]
    again, _ = space["two_moons"](points_per_class=50, seed=3)
    assert np.array_equal(X, again)  # a pure seeded function, as the guide asks


def scratch_project(tmp_path: Path) -> Path:
    """The generator and templates copied, with the guide's figure kind and dataset pasted in where it says."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "generator", root / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "templates").symlink_to(ROOT / "templates")
    shutil.copy(ROOT / "pyproject.toml", root)
    figures = root / "generator" / "figures"
    (figures / "loss.py").write_text(builder_module())
    init = figures / "__init__.py"
    init.write_text(init.read_text().replace("KINDS = {\n", "KINDS = {\n    " + kind_entry().strip() + "\n", 1))
    function, name = dataset_code()
    data = root / "generator" / "datasets.py"
    source = data.read_text()
    start = re.search(r"^KINDS = \{", source, re.M).start()
    data.write_text(source[:start] + function.strip() + "\n\n\n" + source[start:].replace(
        "KINDS = {", f'KINDS = {{"{name}": two_moons, ', 1))
    claims = root / "generator" / "analysis" / "claims.py"
    claims.write_text(claims.read_text().replace("INPUT_WIDTH = {", f'INPUT_WIDTH = {{"{name}": 2, ', 1))
    return root


def moons_content(folder: Path) -> Path:
    (folder / "experiments").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.toml", folder)
    (folder / "experiments" / "moons.toml").write_text(
        '[meta]\ntitle = "Two moons"\nsource = "olah2014"\n\n[data]\nkind = "two-moons"\npoints_per_class = 100\n'
        'noise = 0.1\n\n[model]\nhidden = [2]\nactivation = "tanh"\n\n[train]\noptimizer = "adam"\n'
        'learning_rate = 0.03\nsteps = 60\nseeds = 2\nsnapshots = 5\n')
    (folder / "01-moons.md").write_text(
        '+++\ntitle = "Moons"\norder = 1\n+++\n\nTwo moons, trained {{moons.steps:d}} steps.\n\n```figure\n'
        "id: moons-loss\nkind: loss-curve\nexperiment: moons\nscale: linear\n"
        "caption: The loss of each of the {{lines:d}} seeds; the lowest ends at {{final_loss_min:.3f}}.\n"
        "alt: Two falling loss curves.\n```\n")
    return folder


def test_the_guides_figure_kind_and_dataset_build_into_a_site(tmp_path):
    root = scratch_project(tmp_path)
    content, out = moons_content(tmp_path / "content"), tmp_path / "site"
    env = os.environ | {"PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out),
                           "--cache", str(tmp_path / "cache"), "--jobs", "1"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figure = out / "figures" / "moons-loss"
    assert (figure / "index.html").exists() and list((out / "data").glob("moons-loss-loss.*.json"))
    page = (out / "index.html").read_text()
    assert "Two moons, trained 60 steps." in page and "The loss of each of the 2 seeds" in page
    assert re.search(r"the lowest ends at \d\.\d{3}", page)
