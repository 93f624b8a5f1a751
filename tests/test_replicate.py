"""Replication: the content's checks read again on networks the build did not train (other seeds, another numeric
path), compared with the built site; a claim that does not generalise fails it, and the site is left alone."""
from pathlib import Path

import pytest

from generator import replicate
from generator.build import BuildOptions, build
from tests.test_prose import tiny_content

# a claim of the method that any seed bears out, and one tied to the seeds themselves, which the replica changes
CHECKS = "{{check: curves-line.accuracy_worst >= 0}} {{check exact: curves-line.train_first_seed < 1}}"


@pytest.fixture(scope="module")
def main_build(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("replicate")
    folder = tiny_content(scratch, CHECKS)
    out = scratch / "site"
    build(folder, out, profile="full", cache_dir=scratch / "cache", log=lambda *a: None)
    return scratch, folder, out


@pytest.fixture
def scratch(main_build, monkeypatch):
    monkeypatch.setattr(replicate, "CACHE", main_build[0] / "replica-cache")
    monkeypatch.setattr(replicate, "MAIN_CACHE", main_build[0] / "cache")
    return main_build


def test_other_seeds_fail_the_claim_that_does_not_generalise_and_leave_the_site_alone(scratch):
    root, folder, out = scratch
    before = (out / "index.html").read_bytes()
    said = []
    assert replicate.replicate(BuildOptions(folder, out, jobs=1), said.append, mode="seeds") == 1
    text = "\n".join(said)
    assert "checks failing in B: 1 (1 held in A)" in text and "curves-line.train_first_seed = 2" in text
    assert "accuracy_worst" not in text.split("checks failing in B")[1].split("picks whose")[0]
    assert "replication (seeds) FAILS" in text
    assert (out / "index.html").read_bytes() == before
    assert (root / ".site-replicate-seeds" / "build-report.json").exists()  # beside the site, never over it


def test_the_path_mode_trains_the_same_seeds_on_the_other_path_and_counts_bitwise_changes(scratch):
    _, folder, out = scratch
    said = []
    assert replicate.replicate(BuildOptions(folder, out, jobs=1), said.append, mode="path") == 0
    (counted,) = [line for line in said if line.startswith("runs that came out different")]
    assert counted.endswith("of 1"), counted  # the one run was found in both caches and compared
    assert any(line.startswith("replication (path) passes") for line in said), said


def test_the_published_report_names_the_machine_and_what_each_check_decided(main_build):
    import json
    _, _, out = main_build
    report = json.loads((out / "build-report.json").read_text())
    assert report["machine"]["numeric_path"]["mkl_cbwr"] == "AVX2" and report["machine"]["cpu"]
    checks = [s for s in report["sentences"] if s["kind"] == "check"]
    assert [c["outcome"] for c in checks] == ["holds", "holds"] and checks[0]["file"].endswith("01-a.md")
    page = (out / "index.html").read_text()
    assert report["machine"]["cpu"] in page and "MKL_CBWR=AVX2" in page  # the reproduce block names them


def test_the_command_replicates_even_when_the_site_is_current(main_build, monkeypatch):
    """`build --replicate` after a build that left its stamp: the stamp's "site is current" must not end it."""
    from generator import cli
    scratch, folder, out = main_build
    build(folder, out, profile="full", cache_dir=scratch / "cache", log=lambda *a: None)  # current now
    called = []
    monkeypatch.setattr(replicate, "replicate", lambda *args: called.append(args) or 0)
    code = cli.main(["build", "--replicate", "seeds", "--content", str(folder), "--out", str(out),
                     "--cache", str(scratch / "cache")])
    assert code == 0 and len(called) == 1 and called[0][-1] == "seeds"
