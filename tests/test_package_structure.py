"""The package's shape: imports only go one way (no cycles, function-level imports
included, and only down the layers of ``LAYERS``, sub-packages included), no private name
crosses a module boundary, and the documented exit codes are exactly ``ExitCode``'s members."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from backprop_cli.errors import ExitCode

PACKAGE = Path(__file__).resolve().parent.parent / "backprop_cli"
REFERENCE = PACKAGE.parent / "docs" / "reference.md"


def package_modules() -> dict[str, Path]:
    """Every module of the package by dotted name under ``backprop_cli`` (a sub-package is its ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _whereabouts(path: Path) -> tuple[str, list[str]]:
    """A file's dotted module name and the package its relative imports start from."""
    if not path.is_relative_to(PACKAGE):
        return path.stem, []
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), parts[:-1]
    return ".".join(parts), parts[:-1]


def _resolve(package: list[str], node: ast.ImportFrom) -> str | None:
    """The backprop_cli module (dotted, "" for the package) a ``from`` import names, or None when it is outside."""
    if node.level == 0:
        if not (node.module or "").startswith("backprop_cli"):
            return None
        return (node.module or "").removeprefix("backprop_cli").lstrip(".")
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def module_imports(path: Path) -> tuple[set[str], list[str]]:
    """The backprop_cli modules ``path`` imports anywhere in it, and its imports of private names."""
    modules = set(package_modules())
    me, package = _whereabouts(path)
    found, private, bound = set(), [], {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = _resolve(package, node)
            if base is None:
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}".lstrip(".")
                if full in modules:  # from . import rows_in, from ..engine import arrays
                    found.add(full)
                    bound[alias.asname or alias.name] = full
                else:
                    found.add(base)
                    if alias.name.startswith("_") and not alias.name.startswith("__") and alias.name != "_":
                        private.append(f"{me}: from .{base} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("backprop_cli."):
                    found.add(alias.name.removeprefix("backprop_cli."))
    found.discard(me)
    found.discard("")
    private += _private_attributes(tree, me, bound)
    return found, private


def _private_attributes(tree: ast.AST, me: str, bound: dict[str, str]) -> list[str]:
    """``module._name`` where ``module`` is another backprop_cli module this one imports."""
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in bound and node.attr.startswith("_") and not node.attr.startswith("__"):
                hits.append(f"{me}: {node.value.id}.{node.attr}")
    return hits


def import_graph() -> dict[str, set[str]]:
    """Every backprop_cli module and the backprop_cli modules it imports."""
    return {name: module_imports(path)[0] for name, path in package_modules().items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for other in sorted(graph.get(name, ())):
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in on_stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == name:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return cycles


def test_no_import_cycles():
    assert find_cycles(import_graph()) == []


# The layers, bottom up: a module imports only from its own sub-package or a lower layer (the
# ground floor's two modules may import each other's names; commands never import each other).
LAYERS = [("errors", "limits", "i18n"), ("inputs",), ("rules",), ("language",), ("engine",), ("report",), ("render",)]
LAYERS += [("gradient", "batch", "train", "exercise", "mark", "perceptron"), ("cli_words", "api"), ("cli",), ("__main__",)]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import from a higher layer, or from a sibling sub-package of the same layer, as "a -> b"."""
    floor = {name: level for level, names in enumerate(LAYERS) for name in names}
    hits = []
    for module, imported in sorted(graph.items()):
        mine = module.split(".")[0]
        if not mine:
            continue
        for other in sorted(imported):
            theirs = other.split(".")[0]
            if floor[theirs] > floor[mine] or (floor[theirs] == floor[mine] > 0 and theirs != mine):
                hits.append(f"{module} -> {other}")
    return hits


def test_every_top_level_module_and_sub_package_has_a_layer():
    floors = {name for names in LAYERS for name in names}
    assert {name.split(".")[0] for name in package_modules() if name} == floors


def test_imports_only_go_down_the_layers():
    assert upward_imports(import_graph()) == []


def test_the_layer_check_sees_an_upward_and_a_sideways_import():
    graph = {
        "engine.scalar": {"rules.table", "report.rows"},
        "batch.command": {"gradient.command", "errors"},
        "errors": {"limits"},
    }
    assert upward_imports(graph) == ["batch.command -> gradient.command", "engine.scalar -> report.rows"]


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_private_name_crosses_a_module():
    private = [hit for path in package_modules().values() for hit in module_imports(path)[1]]
    assert private == []


def test_the_private_name_check_sees_both_spellings(tmp_path, monkeypatch):
    source = "from .batch import _grade\nfrom . import batch\nbatch._count(1)\n"
    path = tmp_path / "example.py"
    path.write_text(source)
    assert module_imports(path) == ({"batch"}, ["example: from .batch import _grade", "example: batch._count"])


def _documented_exit_codes() -> dict[int, str]:
    text = REFERENCE.read_text(encoding="utf-8")
    section = text.split("### Exit codes and errors", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| (\d+) \| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    return {int(code): name for code, name in rows}


def test_the_exit_code_table_lists_exactly_the_exit_codes():
    assert _documented_exit_codes() == {member.value: member.name for member in ExitCode}
    assert ExitCode.INTERNAL_ERROR == 70 and ExitCode.INTERRUPTED == 130 and ExitCode.PIPE_CLOSED == 141


def test_batch_names_the_array_only_operators_from_the_table(tmp_path):
    from backprop_cli.batch.command import BatchRequest, array_only_operators, run_batch
    from backprop_cli.errors import UsageError
    from backprop_cli.rules.table import RULES

    rows = tmp_path / "rows.csv"
    rows.write_text("x\n1\n")
    with pytest.raises(UsageError) as raised:
        run_batch(BatchRequest(expression="sum(x)", input=str(rows)))
    assert raised.value.message == "batch evaluates scalar expressions; @, dot, sum, mean and norm need grad's vector mode"
    assert array_only_operators() == "@, dot, sum, mean and norm"
    assert {name for name, row in RULES.items() if row.vjp} == {"matmul", "dot", "sum", "mean", "norm"}
