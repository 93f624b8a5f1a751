"""Figure kinds declared in one place (generator/figures/__init__.py): builders that resolve, defaults that parse,
claims that match what the last full build measured, and the tables in docs/content.md generated from the
declaration."""
import ast
from pathlib import Path

import pytest

from generator import config, content, figures, kinds_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("kind", sorted(figures.KINDS))
def test_every_kind_is_declared_whole(kind):
    declared = figures.KINDS[kind]
    module, function = declared.builder.split(":")
    assert (ROOT / "generator" / "figures" / f"{module}.py").exists(), declared.builder
    assert callable(figures.builder(kind)), declared.builder
    assert declared.description.strip() and "\n" not in declared.description
    for name, option in declared.options.items():
        assert option.type in figures.TYPE_NAMES, (kind, name)
        assert option.description.strip() and "\n" not in option.description, (kind, name)
        if option.default is None:
            assert option.otherwise, f"{kind}.{name}: a default worked out from the run says how"
        else:
            assert isinstance(option.default, option.type if option.type is not figures.flag else bool), (kind, name)
        assert not option.choices or option.default in option.choices, (kind, name)
    required, optional = figures.declared_claims(kind, {})
    assert not required & optional


def test_options_are_merged_with_the_declared_defaults():
    assert figures.resolve_options("layer-morph", {}) == {"frames_per_stage": 16, "grid": None}
    assert figures.resolve_options("layer-morph", {"grid": 2.0}) == {"frames_per_stage": 16, "grid": 2.0}
    # writing a default out gives the same options, so the same cache key
    assert figures.resolve_options("digit-fate", {"digit": 9}) == figures.resolve_options("digit-fate", {})
    with pytest.raises(ValueError, match="no option colour"):
        figures.resolve_options("dataset", {"colour": "red"})


def test_builders_read_only_declared_options():
    """Every options["key"] a builder module reads is an option declared for a kind that module serves or imports."""
    served: dict[str, set[str]] = {}
    for kind in figures.KINDS.values():
        served.setdefault(kind.builder.split(":")[0], set()).update(kind.options)
    everything = set().union(*served.values())
    for module in served:
        tree = ast.parse((ROOT / "generator" / "figures" / f"{module}.py").read_text())
        read = {node.slice.value for node in ast.walk(tree)
                if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "options"
                and isinstance(node.slice, ast.Constant)}
        assert read <= everything, (module, read - everything)
        gets = [node for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "get"
                and isinstance(node.value, ast.Name) and node.value.id == "options"]
        assert not gets, f"{module}: defaults belong in the declaration, not in options.get(...)"


def test_claims_patterns():
    required, optional = figures.declared_claims("branch-count", {})
    assert "branches_final_layer*" in required
    required, optional = figures.declared_claims("weight-trajectories", {})
    assert "output_neurons" in required and "hidden*_neurons" in optional
    required, optional = figures.declared_claims("weight-trajectories", {"layer": 2})
    assert "output_neurons" not in required and {"hidden2_neurons", "output_neurons"} <= optional


def test_the_documented_tables_are_current():
    """docs/content.md (kinds_table.DOC) holds the tables between the markers, as generated from KINDS."""
    doc = (ROOT / kinds_table.DOC).read_text(encoding="utf-8")
    inside = doc.split(kinds_table.START)[1].split(kinds_table.END)[0]
    assert inside == "\n" + kinds_table.markdown(), "run: python -m generator kinds --readme"
    assert kinds_table.with_table(doc) == doc


def test_the_kinds_command_rewrites_the_document(tmp_path, monkeypatch):
    """`kinds --readme` writes the tables into DOC under the project's root, and leaves a current one alone."""
    from generator import cli
    doc = tmp_path / kinds_table.DOC
    doc.parent.mkdir(parents=True)
    doc.write_text(f"# Kinds\n\n{kinds_table.START}\nstale\n{kinds_table.END}\nafter\n", encoding="utf-8")
    monkeypatch.setattr(cli, "ROOT", tmp_path)
    assert cli.main(["kinds", "--readme"]) == 0
    assert doc.read_text(encoding="utf-8") == (f"# Kinds\n\n{kinds_table.START}\n{kinds_table.markdown()}"
                                               f"{kinds_table.END}\nafter\n")
    assert cli.main(["kinds", "--readme"]) == 0  # already current: unchanged


def test_the_kinds_command_prints_the_tables(capsys):
    from generator.cli import main
    assert main(["kinds"]) == 0
    assert capsys.readouterr().out == kinds_table.markdown()
