"""The build end to end: caching, selective retraining, errors that keep the previous site and cache."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
QUIET = dict(profile="quick", cache_dir=CACHE, log=lambda *a: None, wait=1800)  # another build may hold the cache


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cached_rebuild_trains_nothing_and_never_imports_torch(built_site, tmp_path):
    code = ("import sys, json; from pathlib import Path; from generator.build import build; "
            f"r = build(Path({str(ROOT / 'content')!r}), Path({str(tmp_path / 'out')!r}), profile='quick', "
            f"cache_dir=Path({str(CACHE)!r}), log=lambda *a: None, wait=1800); "
            "print(json.dumps([sorted(e['status'] for e in r['experiments'].values()), "
            "[m for m in ('torch', 'altair', 'vl_convert', 'scipy') if m in sys.modules]]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    statuses, imported = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(statuses) == {"cached"} and imported == []


def own_cache(folder: Path) -> dict:
    """Build options with a cache of the test's own, holding the shared cache's entries as hard links: what the
    test changes is new every run, and tests running beside it (pytest -n 2) do not change what it compares. An
    entry is written to a new folder and renamed into place, never changed in place, so the shared ones stay."""
    for kind in ("runs", "claims", "figures", "stills", "vega", "published"):
        if (CACHE / kind).is_dir():
            shutil.copytree(CACHE / kind, folder / kind, copy_function=os.link)
    return dict(QUIET, cache_dir=folder)


def test_changing_one_experiment_retrains_only_that_one(built_site, content, tmp_path):
    own = own_cache(tmp_path / "cache")
    first = build(content, tmp_path / "out", **own)
    assert {e["status"] for e in first["experiments"].values()} == {"cached"}
    path = content / "experiments" / "curves-line.toml"
    path.write_text(path.read_text().replace("steps = 150\n", "steps = 151\n"))
    report = build(content, tmp_path / "out", **own)
    status = {name: e["status"] for name, e in report["experiments"].items()}
    assert status["curves-line"] == "trained"
    assert {s for n, s in status.items() if n != "curves-line"} == {"cached"}


def test_bad_experiment_stops_the_build_and_keeps_site_and_cache(built_site, content, tmp_path):
    out, own = tmp_path / "out", own_cache(tmp_path / "cache")
    build(content, out, **own)
    entries = lambda: sorted(str(p.relative_to(own["cache_dir"])) for p in own["cache_dir"].rglob("meta.json"))
    before_site, before_cache = snapshot(out), entries()
    path = content / "experiments" / "curves-one-layer.toml"
    path.write_text(path.read_text().replace("learning_rate = 0.03", "learning_rate = -1"))
    with pytest.raises(BuildError) as err:
        build(content, out, **own)
    assert "curves-one-layer.toml:" in str(err.value) and "train.learning_rate" in str(err.value)
    assert snapshot(out) == before_site
    assert entries() == before_cache and before_cache
    assert not list(out.parent.glob(".out-staging-*"))


def test_unknown_placeholder_names_section_and_line(content, tmp_path):
    section = next(content.glob("02-*.md"))
    lines = section.read_text().splitlines()
    lines.insert(6, "Here {{curves-line.no_such_claim:.2f}} appears.")
    section.write_text("\n".join(lines) + "\n")
    # a claim the measuring code does not declare stops every profile while gathering (an optional claim a short
    # quick run did not produce is listed under checks_failed instead)
    with pytest.raises(BuildError) as err:
        build(content, tmp_path / "out", **QUIET)
    assert f"{section.name}:7: " in str(err.value) and "has no claim or setting 'no_such_claim'" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_training_nan_names_the_experiment(content, tmp_path):
    path = content / "experiments" / "curves-line.toml"
    text = path.read_text().replace('optimizer = "adam"', 'optimizer = "sgd"').replace(
        "learning_rate = 0.05", "learning_rate = 1e38")
    path.write_text(text)
    with pytest.raises(BuildError) as err:
        build(content, tmp_path / "out", **QUIET)
    assert "curves-line.toml:" in str(err.value) and "[train.learning_rate]" in str(err.value)
    assert "'curves-line'" in str(err.value) and "NaN" in str(err.value)


def test_cli_reports_errors_and_exits_nonzero(content, tmp_path):
    (content / "experiments" / "curves-line.toml").write_text("[data]\nkind = 'two-curves'\n")
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out",
                             str(tmp_path / "out"), "--profile", "quick"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "curves-line.toml" in result.stderr and "missing section [model]" in result.stderr


def test_build_report_lists_experiments_figures_and_weight(built_site):
    out, report = built_site
    on_disk = json.loads((out / "build-report.json").read_text())
    assert on_disk["experiments"].keys() == report["experiments"].keys()
    assert on_disk["page_weight"]["first_view_gzip"] > 10_000
    for fid, fig in on_disk["figures"].items():
        assert (out / "figures" / fid / "index.html").exists()
    assert on_disk["figures"]["curves-layer-morph"]["claims"]["min_det_path"]["value"] > 0
    # the published copy says what was built, not how this build went: one commit, one site, however built
    assert "seconds" not in on_disk and "stages" not in on_disk and "seconds" in report and "stages" in report
    assert all("status" not in e and "seconds" not in e and "key" in e for e in on_disk["experiments"].values())
