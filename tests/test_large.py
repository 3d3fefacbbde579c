"""Depth 10,000 and 200,000 nodes: no recursion anywhere, no hang (SPEC §2)."""

from __future__ import annotations

import math

import pytest

from backprop_cli.engine.scalar import evaluate
from backprop_cli.language import parser
from backprop_cli.language.graph import stage

DEPTH = 10_000


def test_deep_parentheses(cli):
    run = cli("grad", "(" * DEPTH + "x" + ")" * DEPTH + " * 2", "-x", "3", "--quiet")
    assert (run.code, run.out) == (0, "x\t2.0\n")


def test_deep_unary_minus_chain():
    graph = stage("-" * DEPTH + "x")
    assert len(graph.nodes) == DEPTH
    assert evaluate(graph, {"x": 1.5}).gradient("x") == 1.0  # an even number of sign flips


def test_deep_nested_calls(cli):
    run = cli("grad", "sin(" * DEPTH + "x" + ")" * DEPTH, "-x", "0", "--quiet")
    assert (run.code, run.out) == (0, "x\t1.0\n")  # sin'(0) = 1 at every level


def test_deep_right_associative_power():
    graph = stage("**".join(["x"] * DEPTH))
    result = evaluate(graph, {"x": 1.0})
    assert result.value == 1.0 and len(graph.nodes) == DEPTH - 1


def test_deep_left_nested_sum_json(cli):
    run = cli("grad", "x" + "+x" * DEPTH, "-x", "2", "--json")
    data = run.json()
    assert data["value"] == 2.0 * (DEPTH + 1) and data["gradients"] == {"x": DEPTH + 1.0}
    assert data["variables"][0]["uses"] == DEPTH + 1


def _big_expression(terms: int) -> str:
    # each term is 3 nodes (mul, sin, add) -> about 3 * terms nodes
    return "+".join(f"sin(x{i % 50}*{1 + i % 7})" for i in range(terms))


def test_two_hundred_thousand_nodes_from_a_file(cli, tmp_path):
    terms = 66_700
    path = tmp_path / "big.txt"
    path.write_text(_big_expression(terms))
    bindings = [f"x{i}=0.{i + 1}" for i in range(50)]
    run = cli("grad", f"@{path}", *bindings, "--quiet", "--wrt", "x7")
    assert run.code == 0, run.err
    x7 = 0.8
    expected = sum((1 + i % 7) * math.cos(x7 * (1 + i % 7)) for i in range(terms) if i % 50 == 7)
    assert float(run.out) == pytest.approx(expected, rel=1e-9)
    assert len(stage(path.read_text()).nodes) >= 200_000


def test_beyond_the_size_limit_the_error_is_clean(cli, monkeypatch):
    monkeypatch.setattr(parser, "MAX_LENGTH", 100)
    run = cli("grad", "+".join(["x"] * 200), "-x", "1")
    assert run.code == 2
    assert run.err.startswith("backprop: error: expression too large (over 100 characters)")
    assert "Traceback" not in run.err


def test_beyond_the_operator_limit_the_error_is_clean_and_comes_before_parsing(cli, monkeypatch):
    from backprop_cli import limits
    from backprop_cli.language import graph

    monkeypatch.setattr(limits, "MAX_OPERATORS", 10)
    monkeypatch.setattr(graph, "parse", None)  # refused from a count alone: parsing would raise TypeError
    run = cli("grad", "q = x*(x+1); f = " + "+".join(["q"] * 9), "-x", "1")
    assert run.code == 2
    assert run.err == "backprop: error: expression too large: 11 operators and parentheses, over the limit of 10\n"


def test_at_the_operator_limit_the_program_runs(cli, monkeypatch):
    from backprop_cli import limits

    monkeypatch.setattr(limits, "MAX_OPERATORS", 11)
    run = cli("grad", "q = x*(x+1); f = " + "+".join(["q"] * 9), "-x", "1", "--quiet")
    assert (run.code, run.out) == (0, "x\t27.0\n")  # f = 9x(x+1), f' = 9(2x+1) = 27 at x = 1
