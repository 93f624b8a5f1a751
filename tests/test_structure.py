"""The code's shape, kept: no import circle among generator modules, no function over 60 lines or taking more
than 6 parameters (issue 25's limits), each read from the source with ast."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
MAX_LINES, MAX_PARAMETERS = 60, 6
# the training code: any edit there changes the runs' cache key and retrains every network, so these stay as they are
TRAINING_CODE = {"datasets.py:k_spirals", "knn.py:_fit"}


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name ('generator.figures.plane', 'generator.figures' for its __init__) -> its file."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imported(name: str, path: Path, known: dict[str, Path]) -> dict[str, int]:
    """The package's modules one module imports, at top level, inside a function or under TYPE_CHECKING alike ->
    the line of the first such import; a name imported from a package counts as its submodule when one exists."""
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(here[:len(here) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else (node.module or "")
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        for target in targets:
            if target in known and target != name:
                found.setdefault(target, node.lineno)
    return found


def import_graph(package: Path) -> dict[str, dict[str, int]]:
    known = modules(package)
    return {name: imported(name, path, known) for name, path in known.items()}


def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Every import circle, as the modules around it (one circle per strongly connected group; Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def oversized(package: Path) -> list[str]:
    """'file:line name: N lines' or '... N parameters' for each function over the limits (self and cls not
    counted; *args and **kwargs count one each)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package).as_posix()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or f"{where}:{node.name}" in TRAINING_CODE:
                continue
            a = node.args
            count = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + bool(a.vararg) + bool(a.kwarg)
            count -= bool(a.args) and a.args[0].arg in ("self", "cls")
            length = node.end_lineno - node.lineno + 1
            if length > MAX_LINES:
                found.append(f"{where}:{node.lineno} {node.name}: {length} lines")
            if count > MAX_PARAMETERS:
                found.append(f"{where}:{node.lineno} {node.name}: {count} parameters")
    return found


def test_no_import_circle_among_generator_modules():
    graph = import_graph(PACKAGE)
    assert {"generator.runs", "generator.cluster", "generator.build", "generator.figures.plane"} <= set(graph)
    assert "generator.worker" in graph["generator.cluster"]  # an import inside a function counts too
    found = circles(graph)
    assert not found, "import circles: " + "; ".join(
        " -> ".join(f"{a} (line {graph[a][b]})" for a, b in zip(group, group[1:] + group[:1]) if b in graph[a])
        or ", ".join(group) for group in found)


def test_the_config_reader_does_not_import_the_figure_library():
    reach, todo, graph = set(), ["generator.config"], import_graph(PACKAGE)
    while todo:
        for other in graph[todo.pop()]:
            if other not in reach:
                reach.add(other)
                todo.append(other)
    assert not {m for m in reach if m == "generator.figures" or m.startswith("generator.figures.")}


def test_the_circle_finder_finds_a_circle_inside_a_function_and_across_a_package(tmp_path):
    package = tmp_path / "generator"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def late():\n    from .sub import c\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "c.py").write_text("from ..a import thing\n")
    (package / "d.py").write_text("import generator.a\n")
    graph = import_graph(package)
    assert graph["generator.b"] == {"generator.sub.c": 2} and graph["generator.d"] == {"generator.a": 1}
    assert circles(graph) == [["generator.a", "generator.b", "generator.sub.c"]]


def test_no_function_over_60_lines_or_6_parameters():
    assert not oversized(PACKAGE), "\n".join(oversized(PACKAGE))


def test_the_size_check_counts_lines_and_parameters_as_stated(tmp_path):
    (tmp_path / "m.py").write_text("class K:\n    def ok(self, a, b, c, d, e, f):\n        pass\n\n"
                                   "def wide(a, b, c, d, e, *rest, g, **more):\n    pass\n\n"
                                   "def long():\n" + "    x = 1\n" * 60)
    assert oversized(tmp_path) == ["m.py:5 wide: 8 parameters", "m.py:8 long: 61 lines"]
