"""A rebuild with nothing changed stops after hashing its inputs and the site (generator/stamp.py); anything
that could change the site sends it down the whole path."""
import fcntl
import shutil
import subprocess
import sys
from pathlib import Path

from generator import stamp
from generator.build import build
from tests.test_prose import tiny_content

ROOT = Path(__file__).resolve().parent.parent


def _site(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _built(tmp_path):
    folder = tiny_content(tmp_path, "")
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(folder, out, profile="full", cache_dir=cache, log=lambda *a: None)
    return folder, out, cache


def test_a_no_change_rebuild_reads_no_cache_and_writes_nothing(tmp_path):
    folder, out, cache = _built(tmp_path)
    before = {p: p.stat().st_ino for p in out.rglob("*")}  # the same files, not rewritten copies
    shutil.rmtree(cache / "runs")  # not even read: a run it needed would be retrained otherwise
    said = []
    report = build(folder, out, profile="full", cache_dir=cache, log=said.append)
    # one line, the stamp's (its time formatted from the unrounded seconds the report rounds)
    assert report["unchanged"] and len(said) == 1 and said[0].split("(checked")[0] == stamp.said(out, 0).split("(checked")[0]
    assert {p: p.stat().st_ino for p in out.rglob("*")} == before
    assert not (cache / "runs").exists()


def test_the_command_line_answers_before_importing_the_build(tmp_path):
    folder, out, cache = _built(tmp_path)
    code = ("import sys; from generator.cli import main; "
            f"code = main(['build', '--content', {str(folder)!r}, '--out', {str(out)!r}, '--cache', {str(cache)!r}]); "
            "print(code, sorted(m for m in ('numpy', 'jinja2', 'markdown', 'generator.build') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[-2] == "0 []", done.stdout + done.stderr
    assert "is current" in done.stderr


def test_every_kind_of_change_takes_the_whole_path_and_restores_the_site(tmp_path):
    folder, out, cache = _built(tmp_path)
    first = _site(out)
    said = []

    def rebuilt(**options) -> bool:
        said.clear()
        report = build(folder, out, profile="full", cache_dir=cache, log=said.append, **options)
        return not report.get("unchanged")

    (out / "index.html").write_text("edited by hand")  # a damaged site file
    assert rebuilt() and _site(out) == first
    (out / "stray.txt").write_text("x")  # a file the build did not write
    assert rebuilt() and _site(out) == first
    next((out / "assets").iterdir()).unlink()  # one missing
    assert rebuilt() and _site(out) == first
    assert not rebuilt()
    (folder / "notes.txt").write_text("a new file in the content folder")
    assert rebuilt() and not rebuilt()
    section = folder / "01-a.md"
    section.write_text(section.read_text().replace("A line separates", "One line separates"))
    assert rebuilt() and "One line separates" in (out / "index.html").read_text()
    assert rebuilt(force=True)
    other = tmp_path / "other"
    build(folder, other, profile="full", cache_dir=cache, log=lambda *a: None)  # its own stamp, by output folder
    assert not rebuilt()


def test_a_build_holding_the_locks_sends_the_next_one_down_the_whole_path(tmp_path):
    folder, out, cache = _built(tmp_path)
    with open(cache.parent / f".{cache.name}.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a build that may be about to change the site would
        assert stamp.unchanged(cache, folder, out, "full")[1] is None
    assert stamp.unchanged(cache, folder, out, "full")[1] is not None


def test_the_digest_covers_code_templates_packages_and_profile(tmp_path, monkeypatch):
    copy = tmp_path / "root"
    for part in ("generator", "templates/static", "templates/article.html"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / part)
    monkeypatch.setattr(stamp, "ROOT", copy)
    folder, out = ROOT / "content", tmp_path / "site"
    base = stamp.inputs(folder, out, "full")
    assert stamp.inputs(folder, out, "full") == base
    assert stamp.inputs(folder, out, "quick") != base
    assert stamp.inputs(folder, tmp_path / "elsewhere", "full") != base
    for edited in ("generator/figures/morph.py", "templates/static/player.js", "templates/article.html"):
        path = copy / edited
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert stamp.inputs(folder, out, "full") != base, edited
        path.write_bytes(original)
    (copy / "generator" / "__pycache__").mkdir(exist_ok=True)
    (copy / "generator" / "__pycache__" / "x.pyc").write_bytes(b"compiled")  # not an input
    assert stamp.inputs(folder, out, "full") == base
    monkeypatch.setattr(stamp, "_installed", lambda: ["numpy-9.9.dist-info"])
    assert stamp.inputs(folder, out, "full") != base
