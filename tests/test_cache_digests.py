"""Cache entries are verified when read: damage of any kind is reported in one line, the entry removed and
computed again, never published."""
import json

import numpy as np
import pytest

from generator.cache import CorruptEntry, Store


@pytest.fixture
def store(tmp_path):
    said = []
    s = Store(tmp_path / "cache", warn=said.append)
    s.said = said
    s.put("runs", "ab" * 32, {"seconds": 1.0}, arrays={"W0": np.arange(1000.0).reshape(10, 100)})
    s.put("claims", "cd" * 32, {"claims": {"accuracy": 0.5}})
    s.put("stills", "ef" * 32, {}, files={"still.png": bytes(range(256)) * 40})
    return s


def test_an_intact_entry_reads_back(store):
    assert store.has("runs", "ab" * 32) and store.has("claims", "cd" * 32) and store.has("stills", "ef" * 32)
    assert store.arrays("runs", "ab" * 32)["W0"][3, 7] == 307
    assert store.meta("claims", "cd" * 32)["claims"] == {"accuracy": 0.5}
    assert store.file("stills", "ef" * 32, "still.png")[:3] == bytes([0, 1, 2])
    assert store.said == []


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(path):
    path.write_bytes(b"")


def _flip(path):
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0x10
    path.write_bytes(bytes(blob))


@pytest.mark.parametrize("damage", [_truncate, _empty, _flip])
@pytest.mark.parametrize("kind,key,name", [("runs", "ab" * 32, "arrays.npz"), ("stills", "ef" * 32, "still.png"),
                                           ("claims", "cd" * 32, "meta.json")])
def test_damage_is_found_reported_in_one_line_and_the_entry_removed(store, damage, kind, key, name):
    damage(store.path(kind, key) / name)
    # truncation and emptying are found without reading the data (sizes); a flipped bit when the data is read
    try:
        found = not store.has(kind, key)
        if not found:
            {"runs": lambda: store.arrays(kind, key), "stills": lambda: store.file(kind, key, name),
             "claims": lambda: store.meta(kind, key)}[kind]()
    except CorruptEntry as err:
        assert err.kind == kind and err.name == name
        found = True
    assert found
    assert len(store.said) == 1 and "\n" not in store.said[0] and kind in store.said[0] and name in store.said[0]
    assert not store.path(kind, key).exists() and not store.has(kind, key)


def test_an_edited_claim_is_not_read(store):
    meta = store.path("claims", "cd" * 32) / "meta.json"
    meta.write_text(meta.read_text().replace("0.5", "0.9"))  # same size, valid JSON
    assert not store.has("claims", "cd" * 32)
    assert "meta.json" in store.said[0]


def test_an_entry_without_digests_counts_as_missing(store):
    (store.path("claims", "cd" * 32) / "meta.sha256").unlink()  # as entries written before digests existed
    assert not store.has("claims", "cd" * 32)


def test_a_missing_file_is_damage_too(store):
    (store.path("stills", "ef" * 32) / "still.png").unlink()
    assert not store.has("stills", "ef" * 32)
    assert len(store.said) == 1


# --- end to end: a damaged entry is rebuilt, and the site comes out byte-identical ---

def _site(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _entries(cache):
    return {p.parent.relative_to(cache).as_posix() for p in cache.glob("*/*/*/meta.json")}


def test_damaged_entries_are_rebuilt_and_never_published(tmp_path):
    from generator.build import build
    from tests.test_prose import tiny_content
    folder = tiny_content(tmp_path, "")
    section = folder / "01-a.md"
    section.write_text(section.read_text() + "\n```figure\nid: regions\nkind: decision-regions\nexperiment: curves-line\n"
                                             "caption: Where the line puts each class.\nalt: Two coloured half-planes.\n```\n")
    out, cache, said = tmp_path / "site", tmp_path / "cache", []
    build(folder, out, profile="full", cache_dir=cache, log=said.append)
    first, entries = _site(out), _entries(cache)
    assert {e.split("/")[0] for e in entries} >= {"runs", "claims", "figures", "vega", "stills", "published"}

    # a prose-only edit retrains and redraws nothing: no new cache entry, only the article (and its weight in the report) changes
    section.write_text(section.read_text().replace("A line separates", "One line separates"))
    build(folder, out, profile="full", cache_dir=cache, log=said.append)
    assert _entries(cache) == entries
    assert {p for p, b in _site(out).items() if first.get(p) != b} == {"index.html", "build-report.json"}  # its page weight
    section.write_text(section.read_text().replace("One line separates", "A line separates"))
    build(folder, out, profile="full", cache_dir=cache, log=said.append)

    # damage of every kind, then a rebuild: each reported in one line, recomputed, and the site as it was
    store = Store(cache)
    by_kind = {e.split("/")[0]: e for e in sorted(entries)}
    _flip(cache / by_kind["stills"] / "still.png")
    _truncate(cache / by_kind["runs"] / "arrays.npz")
    meta = cache / by_kind["claims"] / "meta.json"
    meta.write_text(meta.read_text().replace('"seeds": 2', '"seeds": 3'))  # an edited claim
    _empty(cache / by_kind["vega"] / "spec.json")
    _flip(cache / by_kind["published"] / "page.vg.json")  # so the specs and stills above are read again
    said.clear()
    build(folder, out, profile="full", cache_dir=cache, log=said.append)  # nothing changed: the cache is not read
    assert len(said) == 1 and "is current" in said[0] and _site(out) == first
    build(folder, out, profile="full", cache_dir=cache, log=said.append, force=True)
    warned = [line for line in said if "does not match the digest" in line]
    assert {line.split()[2].split("/")[0] for line in warned} >= {"stills", "runs", "claims", "vega", "published"}, warned
    assert _site(out) == first
    assert all(store.has(*e.split("/")[::2]) for e in entries)


def test_one_figure_option_changed_redraws_only_that_figure(tmp_path):
    from generator.build import build
    from tests.test_prose import tiny_content
    folder = tiny_content(tmp_path, "")
    section = folder / "01-a.md"
    block = "\n```figure\nid: {id}\nkind: weight-norms\nexperiment: curves-line\nscale: {scale}\n" \
            "caption: How long each weight vector grows.\nalt: Lines rising.\n```\n"
    section.write_text(section.read_text() + block.format(id="first", scale="linear")
                       + block.format(id="second", scale="linear"))
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(folder, out, profile="full", cache_dir=cache, log=lambda *a: None)
    before, first = _entries(cache), _site(out)
    section.write_text(section.read_text()[::-1].replace("linear"[::-1], "log"[::-1], 1)[::-1])  # the second's
    build(folder, out, profile="full", cache_dir=cache, log=lambda *a: None)
    added = _entries(cache) - before
    assert {e.split("/")[0] for e in added} <= {"figures", "vega", "stills", "published"} and added  # nothing trained or measured
    assert len([e for e in added if e.startswith("published/")]) == 1  # its published files alone
    assert len([e for e in added if e.startswith("figures/")]) == 1  # that figure alone redrawn
    changed = {p for p, b in _site(out).items() if first.get(p) != b}
    assert any(p.startswith("figures/second/") for p in changed)
    assert not any(p.startswith("figures/first/") for p in changed)
