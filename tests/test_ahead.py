"""Figures drawn while runs train (generator/ahead.py), in a pool of processes or in the build's own: the same site
as drawing them after training in the build's process, and each worker's idle share reported."""
import shutil
from pathlib import Path

from generator import ahead
from generator.build import build, published_report
from tests.test_prose import tiny_content

FIGURES = ("\n```figure\nid: regions\nkind: decision-regions\nexperiment: curves-line\ncaption: Where the line puts "
           "each class.\nalt: Two coloured half-planes.\n```\n\n```figure\nid: norms\nkind: weight-norms\n"
           "experiment: curves-line\ncaption: How long each weight vector grows.\nalt: Lines rising.\n```\n")


def _site(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_drawing_while_training_publishes_the_same_site(tmp_path, monkeypatch):
    folder = tiny_content(tmp_path, "")
    section = folder / "01-a.md"
    section.write_text(section.read_text() + FIGURES)
    said = []
    report = build(folder, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", log=said.append)
    assert report["training"]["ahead_figures"] == 2, said  # both drawn as soon as their run was filed
    assert any(line.startswith("  drawn while training: 2 of 2 figures") for line in said), said
    (worker, shares), = report["training"]["workers"].items()  # one run: one worker
    assert 0 <= shares["idle_share"] < 1 and shares["busy_seconds"] > 0
    assert "training" not in published_report(report)

    inline = build(folder, tmp_path / "inline", profile="full", cache_dir=tmp_path / "inline-cache", jobs=1,
                   log=lambda *a: None)  # one job: drawn in the build's own process as the run lands
    assert inline["training"]["ahead_figures"] == 2

    monkeypatch.setattr(ahead.Ahead, "filed", lambda self, name, key: None)  # everything after training instead
    monkeypatch.setattr(ahead.Ahead, "finish", lambda self: None)            # and in the build's own process
    late = build(folder, tmp_path / "late", profile="full", cache_dir=tmp_path / "late-cache", log=lambda *a: None)
    assert late["training"]["ahead_figures"] == 0
    assert _site(tmp_path / "late") == _site(tmp_path / "site") == _site(tmp_path / "inline")


def test_figures_of_runs_already_cached_are_drawn_in_the_pool_after_training(tmp_path):
    """A second build that finds the run cached but not its figures (their code changed, say) draws them in the
    pool, and one that finds them cached starts no pool."""
    folder = tiny_content(tmp_path, "")
    section = folder / "01-a.md"
    section.write_text(section.read_text() + FIGURES)
    cache = tmp_path / "cache"
    build(folder, tmp_path / "site", profile="full", cache_dir=cache, log=lambda *a: None)
    first = _site(tmp_path / "site")
    for kind in ("figures", "published"):  # the run and its claims stay
        shutil.rmtree(cache / kind)
    again = build(folder, tmp_path / "again", profile="full", cache_dir=cache, log=lambda *a: None)
    assert again["training"]["ahead_figures"] == 2
    assert _site(tmp_path / "again") == first
    section.write_text(section.read_text() + "\nOne more sentence.\n")  # a rebuild with every figure cached
    quiet = build(folder, tmp_path / "quiet", profile="full", cache_dir=cache, log=lambda *a: None)
    assert quiet["training"]["ahead_figures"] == 0


def test_a_figure_that_fails_ahead_is_reported_by_the_stage_after_training(tmp_path, monkeypatch):
    folder = tiny_content(tmp_path, "")
    section = folder / "01-a.md"
    section.write_text(section.read_text() + FIGURES)
    calls = []

    def failing(*args, **kwargs):
        calls.append(args[1].id)
        raise RuntimeError("drawn ahead: this must not escape")
    monkeypatch.setattr(ahead, "draw", failing)  # only the work ahead: build.py holds its own reference
    report = build(folder, tmp_path / "site", profile="full", cache_dir=tmp_path / "cache", jobs=1,
                   log=lambda *a: None)  # (one job: drawn in this process, where the patch holds)
    assert sorted(calls) == ["norms", "regions"] and report["training"]["ahead_figures"] == 0
    assert (tmp_path / "site" / "figures" / "regions" / "index.html").exists()
