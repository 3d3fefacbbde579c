"""The expression language (SPEC §2) and staging (SPEC §3): order, precedence, errors."""

from __future__ import annotations

import math

import pytest

from backprop_cli.errors import ExpressionError
from backprop_cli.language.graph import stage
from backprop_cli.language.parser import parse


def ops_and_inputs(source: str, **fuse):
    graph = stage(source, **fuse)
    return [(n.name, n.op, [graph.labels[s] for s in n.inputs]) for n in graph.nodes]


def value_of(cli, source: str, *bindings: str) -> float:
    run = cli("grad", source, *bindings, "--json")
    assert run.code == 0, run.err
    return run.json()["value"]


def test_left_associative_sum_in_source_order():
    assert ops_and_inputs("a + b + c") == [("s0", "add", ["a", "b"]), ("f", "add", ["s0", "c"])]


def test_power_is_right_associative_and_binds_tighter_than_unary_minus(cli):
    assert ops_and_inputs("-x**2") == [("s0", "pow", ["x", "2"]), ("f", "neg", ["s0"])]
    assert value_of(cli, "2**3**2") == 512.0
    assert value_of(cli, "2^3^2") == 512.0
    assert value_of(cli, "2**-x", "-x", "1") == 0.5
    assert value_of(cli, "-x**2", "-x", "3") == -9.0


def test_precedence_of_mul_over_add(cli):
    assert value_of(cli, "1 + 2 * 3 - 4 / 2") == 5.0
    assert value_of(cli, "(1 + 2) * 3") == 9.0


def test_minus_before_a_number_is_part_of_it_but_minus_before_a_name_is_a_gate():
    assert ops_and_inputs("x * -1") == [("f", "mul", ["x", "-1"])]
    assert ops_and_inputs("-x") == [("f", "neg", ["x"])]
    assert ops_and_inputs("-(-2)") == [("f", "neg", ["-2"])]


def test_unary_plus_is_the_identity_without_a_gate():
    assert ops_and_inputs("+x * +y") == [("f", "mul", ["x", "y"])]


def test_number_literals_and_pi(cli):
    assert value_of(cli, "2.5 + .5 + 1e-3 + 1E2") == pytest.approx(103.001, abs=1e-12)
    assert value_of(cli, "pi") == math.pi
    assert ops_and_inputs("pi * r") == [("f", "mul", ["pi", "r"])]


def test_functions_and_defaults(cli):
    assert ops_and_inputs("leaky_relu(x)") == [("f", "leaky_relu", ["x", "0.01"])]
    assert ops_and_inputs("elu(x, 2)") == [("f", "elu", ["x", "2"])]
    assert ops_and_inputs("ln(x)") == [("f", "log", ["x"])]
    assert ops_and_inputs("max(a, b, c)") == [("f", "max", ["a", "b", "c"])]
    assert value_of(cli, "leaky_relu(x)", "-x", "-2") == pytest.approx(-0.02, abs=1e-15)


def test_fan_out_variable_is_one_slot_with_two_uses(cli):
    data = cli("grad", "x*y + x", "-x", "3", "-y", "4", "--json").json()
    assert data["gradients"] == {"x": 5.0, "y": 3.0}
    assert data["variables"][0] == {"name": "x", "value": 3.0, "grad": 5.0, "uses": 2}


def test_repeated_input_of_one_node_is_two_edges_added_up_by_name(cli):
    """x*x: the switcher hands each x the other one (x = 3); "local" keeps one key per name, the sum."""
    data = cli("grad", "x*x", "-x", "3", "--json").json()
    assert [edge["local"] for edge in data["nodes"][0]["edges"]] == [{"symbolic": "x", "value": 3.0}] * 2
    assert data["nodes"][0]["local"] == {"x": {"symbolic": "x + x", "value": 6.0}}
    assert data["gradients"] == {"x": 6.0}


def test_constant_inputs_get_sympy_simplified_local_gradients(cli):
    data = cli("grad", "x**2 + 3*y", "-x", "5", "-y", "1", "--json").json()
    pow_node, mul_node, _ = data["nodes"]
    assert pow_node["local"] == {"x": {"symbolic": "2*x", "value": 10.0}}
    assert mul_node["local"] == {"y": {"symbolic": "3", "value": 3.0}} and mul_node["pattern"] == "scaler"


def test_intermediate_names_avoid_variable_names():
    nodes = ops_and_inputs("s0 * s1 + f")
    assert [name for name, _, _ in nodes] == ["t0", "f_"]


ERRORS = [
    ("2x", "implicit multiplication is not supported: write '*' between the factors (column 2)\n  2x\n   ^"),
    ("x +", "expression ends too early (column 4)\n  x +\n     ^"),
    ("x $ 2", "unexpected character '$' (column 3)\n  x $ 2\n    ^"),
    ("x % 2", "'%' (modulo) is not supported (column 3)\n  x % 2\n    ^"),
    ("(x", "'(' is never closed (column 1)\n  (x\n  ^"),
    ("exp(x, y)", "exp() takes 1 argument(s), got 2 (column 1)\n  exp(x, y)\n  ^"),
    ("max(x)", "max() takes at least 2 argument(s), got 1 (column 1)\n  max(x)\n  ^"),
    ("exp + 1", "'exp' is a function: call it as exp(...) (column 1)\n  exp + 1\n  ^"),
    ("x, y", "',' outside a function call (column 2)\n  x, y\n   ^"),
    ("'a'", "strings are not supported (column 1)\n  'a'\n  ^"),
]


@pytest.mark.parametrize("source, message", ERRORS)
def test_error_messages_point_at_the_position(source, message):
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert caught.value.render() == message


HOSTILE = [
    "__import__('os').system('touch /tmp/pwned')",
    "().__class__.__bases__[0]",
    "x.__class__",
    "lambda: 1",
    "[x for x in y]",
    "open('/etc/passwd')",
    "x if y else z",
    "x == y",
    "'%s' % x",
    "x[0]",
    "{}",
    "x; y",
    "eval('1')",
    "x := 2",
    "f'{x}'",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_is_rejected_with_exit_2_and_no_traceback(cli, source, tmp_path):
    run = cli("grad", source, "-x", "1")
    assert run.code == 2
    assert run.out == ""
    lines = run.err.splitlines()
    assert lines[0].startswith("backprop: error: ") and "Traceback" not in run.err
    assert lines[-1].strip() == "^"


def test_matmul_of_scalars_is_a_shape_error(cli):
    run = cli("grad", "A @ x", "-A", "1", "-x", "2")
    assert run.code == 2
    assert run.err == (
        "backprop: error: shapes do not fit at node f: matmul of scalar and scalar "
        "(matmul: a scalar has no dimension to contract (use * for scaling)) (column 3)\n  A @ x\n    ^\n"
    )
