"""The fast writers for numbers (render.graph_scalar) write exactly what the general ones write.

``--format tree|dot|mermaid`` on numbers goes through ``render.graph_scalar``
(templates per shape, each slot's texts made once); ``render.graph_export``'s
``tree``/``dot``/``mermaid`` are the general writers vector mode still uses. Both
are run here on the same random programs (fixed seed) and must agree byte for byte.
"""

from __future__ import annotations

import random

import pytest

from backprop_cli.engine.scalar import evaluate
from backprop_cli.language.graph import stage
from backprop_cli.render import graph_export, graph_scalar
from backprop_cli.render.graph_export import TREE_INDENT_LEVELS, GraphView

VARIABLES = ["x", "y", "z"]
BINDINGS = {"x": 0.5, "y": -1.25, "z": 0.0}  # z = 0: relu, abs and max at their kinks


def _random_expression(rng: random.Random, depth: int) -> str:
    """A random expression over x, y, z and constants (repeats and n-ary max/min included)."""
    if depth == 0 or rng.random() < 0.2:
        return rng.choice([*VARIABLES, *VARIABLES, "2", "0.5", "1"])
    kind = rng.randrange(6)
    a, b = _random_expression(rng, depth - 1), _random_expression(rng, depth - 1)
    if kind == 0:
        return f"({a} {rng.choice('+-*')} {b})"
    if kind == 1:
        return f"{rng.choice(['sin', 'tanh', 'relu', 'abs', 'exp'])}({a})"
    if kind == 2:
        return f"({a} * {a})"  # the same subexpression twice
    if kind == 3:
        return f"{rng.choice(['max', 'min'])}({a}, {b}, {a}, 1, 1)"
    if kind == 4:
        return f"(-{a} + 2*{b})"
    return f"({a} / (1 + {b} * {b}))"


def _random_program(rng: random.Random) -> str:
    """One to four statements; later ones use earlier names (and reassign them)."""
    names: list[str] = []
    statements = []
    for _ in range(rng.randint(1, 4)):
        expression = _random_expression(rng, rng.randint(1, 4))
        if names and rng.random() < 0.7:
            expression = f"{expression} + {rng.choice(names)} * {rng.choice(names)}"
        name = rng.choice(["a", "b", "q", "f"])
        statements.append(f"{name} = {expression}")
        names.append(name)
    return "; ".join(statements)


def _programs(count: int = 200, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [_random_program(rng) for _ in range(count)]


def _fast_and_general(source: str, writer: str) -> tuple[str, str]:
    view = GraphView(evaluate(stage(source), BINDINGS))
    if writer == "tree":
        if not view.graph.nodes:  # a single leaf: write_tree uses the general writer
            return "", ""
        fast = graph_scalar.tree(view, TREE_INDENT_LEVELS)
    else:
        fast = getattr(graph_scalar, writer)(view)
    return "\n".join(fast), "\n".join(getattr(graph_export, writer)(view))


@pytest.mark.parametrize("writer", ["tree", "dot", "mermaid"])
def test_fast_writer_equals_general_writer_on_random_programs(writer):
    compared = 0
    for source in _programs():
        fast, general = _fast_and_general(source, writer)
        assert fast == general, source
        compared += fast != ""
    assert compared >= 150


@pytest.mark.parametrize("writer", ["tree", "dot", "mermaid"])
@pytest.mark.parametrize(
    "source",
    [
        "x*x",  # one input twice: two tree lines, one edge
        "2*2 + x",  # two equal constants: one edge, one const node
        "max(x, y, x, z, 1, 1)",  # n-ary with repeats
        "q = 2.5; f = q*x; g = -q + f",  # a named constant
        "sin(" * 60 + "x" + ")" * 60,  # deeper than TREE_INDENT_LEVELS: levels shown as [N]
        "x" + "+x" * 5000,  # more lines than one block
    ],
)
def test_fast_writer_equals_general_writer_on_edge_cases(writer, source):
    fast, general = _fast_and_general(source, writer)
    assert fast == general
    assert fast.count("\n") >= 2


def test_tree_texts_made_in_small_column_blocks_are_in_their_places(monkeypatch):
    """The tree's node texts are made a column group of a block at a time: blocks of 3 nodes
    put every group's texts (and the nodes at kinks or with repeats) back where they belong."""
    monkeypatch.setattr(graph_scalar, "BLOCK_NODES", 3)
    for source in _programs(60, seed=5):
        fast, general = _fast_and_general(source, "tree")
        assert fast == general, source


@pytest.mark.parametrize("latex", [False, True])
def test_explain_made_in_small_column_blocks_equals_one_block(monkeypatch, latex):
    """--explain's lines are made a column group of a block at a time, last block first; with
    blocks of 1 and 3 nodes, fan-outs spanning blocks still add up, and every line is in its place."""
    from backprop_cli.render import explain
    from backprop_cli.report.rows import NodeRows, variable_reports

    def lines(source: str, block: int) -> str:
        monkeypatch.setattr(explain, "BLOCK", block)
        result = evaluate(stage(source), BINDINGS)
        nodes = NodeRows(result)
        return "\n".join(explain.explain_lines(nodes, variable_reports(result), result.graph.output_name, latex=latex))

    for source in _programs(80, seed=7):
        whole = lines(source, 4096)
        assert lines(source, 1) == whole == lines(source, 3), source


def test_streamed_table_lines_made_in_small_column_blocks_equal_one_block(monkeypatch):
    """A big table's lines are made a column group of a block at a time; with blocks of 1 and 3
    nodes every node's lines (kinks, repeats and n-ary gates among them) are in their places."""
    from backprop_cli.render import table_stream
    from backprop_cli.report.rows import NodeRows

    def lines(source: str, block: int) -> str:
        monkeypatch.setattr(table_stream, "BLOCK_NODES", block)
        nodes = NodeRows(evaluate(stage(source), BINDINGS))
        widths = table_stream.widths_of(["node"] * 7, table_stream.sample_cells(nodes, 6))
        return "\n".join(table_stream.node_lines(nodes, 6, widths))

    for source in _programs(80, seed=9):
        whole = lines(source, 4096)
        assert lines(source, 1) == whole == lines(source, 3), source
        assert whole.count("\n") + 1 >= len(stage(source).nodes)  # a line per node at least


def test_deep_tree_lines_carry_their_level():
    fast, _ = _fast_and_general("sin(" * 60 + "x" + ")" * 60, "tree")
    lines = fast.split("\n")
    assert len(lines) == 61
    guides = " " * 4 * TREE_INDENT_LEVELS  # one input per node: every guide is blank
    assert lines[TREE_INDENT_LEVELS + 1].startswith(guides + f"[{TREE_INDENT_LEVELS + 1}] └── s18 = sin(s17) = ")
    assert lines[-1].startswith(guides + "[60] └── x = 0.5   ∂f/∂x = ")


def test_dot_id_escapes_quotes_and_backslashes():
    assert graph_scalar.dot_id("x") == '"x"'
    assert graph_scalar.dot_id('a"b\\c') == '"a\\"b\\\\c"'
