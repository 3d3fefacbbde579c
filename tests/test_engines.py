"""Two engines, one set of conventions: the scalar engine (floats) and the array engine
(vector mode over whole arrays, ``batch`` over rows) agree at every kink, tie and edge.

Kinks, edges and the max/min tie rule live in ``kinks``; non-finite scanning in
``finite``. The points below sit on each kinked rule's kink (checked against the
rule table itself); the expected values are written by hand from SPEC §4 and
docs/reference.md, not read back from the engines.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from backprop_cli.engine import arrays as array_engine
from backprop_cli.engine import finite, kinks
from backprop_cli.engine import scalar as engine
from backprop_cli.engine.arrays import RowProgram
from backprop_cli.language.graph import stage
from backprop_cli.rules.table import CONVENTIONS, RULES

NAN = math.nan

# rule -> (expression, bindings on the kink, the kink's args, local gradients per convention)
AT_KINK = {
    "pow": ("x**y", {"x": 0.0, "y": 0.0}, (0.0, 0.0), {"pytorch": (0.0, 0.0), "jax": (0.0, 0.0), "sympy": (0.0, NAN)}),
    "sqrt": ("sqrt(x)", {"x": 0.0}, (0.0,), {c: (math.inf,) for c in CONVENTIONS}),
    "relu": ("relu(x)", {"x": 0.0}, (0.0,), {"pytorch": (0.0,), "jax": (0.0,), "sympy": (0.5,)}),
    "leaky_relu": (
        "leaky_relu(x, s)",
        {"x": 0.0, "s": 0.25},
        (0.0, 0.25),
        {"pytorch": (0.25, 0.0), "jax": (1.0, 0.0), "sympy": (0.625, 0.0)},  # sympy: (1 + s)/2
    ),
    "elu": ("elu(x, a)", {"x": 0.0, "a": 3.0}, (0.0, 3.0), {"pytorch": (3.0, 0.0), "jax": (3.0, 0.0), "sympy": (2.0, 0.0)}),
    "abs": ("abs(x)", {"x": 0.0}, (0.0,), {"pytorch": (0.0,), "jax": (1.0,), "sympy": (0.0,)}),
    "max": (
        "max(x, y, z)",
        {"x": 2.0, "y": 2.0, "z": 1.0},
        (2.0, 2.0, 1.0),
        {"pytorch": (0.5, 0.5, 0.0), "jax": (0.5, 0.5, 0.0), "sympy": (0.5, 0.5, 0.0)},
    ),
    "min": (
        "min(x, y, z)",
        {"x": 1.0, "y": 1.0, "z": 1.0},
        (1.0, 1.0, 1.0),
        {"pytorch": (1 / 3,) * 3, "jax": (1 / 3,) * 3, "sympy": (0.5,) * 3},
    ),
}


def _same(got, want) -> bool:
    return np.array_equal(np.asarray(got, dtype=float), np.asarray(want, dtype=float), equal_nan=True)


def test_every_kinked_rule_is_covered_and_each_point_is_on_its_kink():
    # norm's kink is array-only (no scalar form): tests/test_domain_edges.py covers it in vector mode
    assert set(AT_KINK) == {name for name, rule in RULES.items() if rule.kink is not None and rule.vjp is None}
    for name, (_, _, args, _) in AT_KINK.items():
        assert RULES[name].kink.at(args), name


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("op", sorted(AT_KINK))
def test_scalar_vector_and_rows_give_the_same_kink_values(op, convention):
    source, bindings, _, expected = AT_KINK[op]
    want = expected[convention]
    graph = stage(source)
    scalar = engine.evaluate(graph, bindings, convention)
    assert _same([scalar.gradient(n) for n in graph.variables], want), scalar.grads
    assert list(scalar.kinks.values())[0].startswith(f"{RULES[op].kink.label}: {convention} gives ")
    # rows: the kink row between two ordinary rows
    columns = {n: np.array([0.7 + i, v, 1.3 + i]) for i, (n, v) in enumerate(bindings.items())}
    _, grads = RowProgram(graph, convention, span=1).run(columns, 3)
    assert _same([grads[n][1] for n in graph.variables], want)
    # vector mode: the same rows as vectors under sum(...)
    vector = array_engine.evaluate(stage(f"sum({source})"), columns, convention)
    assert _same([vector.gradient(n)[1] for n in graph.variables], want)
    assert list(vector.kinks.values()) == [f"{RULES[op].kink.label}: {convention} rule applied elementwise"]


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_a_batch_is_arrays_with_a_row_axis_bit_for_bit(convention):
    source = "relu(x) * max(x, y, 0.5) + abs(y) ** z - leaky_relu(x * z) / (1 + exp(-y)) + sqrt(z * z)"
    rng = np.random.default_rng(3)
    columns = {n: np.round(rng.standard_normal(500), 1) for n in "xyz"}
    columns["x"][:40] = 0.0
    _, rows = RowProgram(stage(source), convention, span=64, threads=2).run(columns, 500)
    vector = array_engine.evaluate(stage(f"sum({source})"), columns, convention)
    for name in "xyz":
        assert np.array_equal(rows[name], vector.gradient(name), equal_nan=True), name


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_the_tie_rule_on_floats_and_on_arrays_is_one_rule(convention):
    cases = [(3.0, 1.0, 2.0), (2.0, 2.0, 1.0), (5.0, 5.0, 5.0), (1.0, NAN, 1.0)]
    for args in cases:
        floats = kinks.router_partials("max", list(args), convention)
        columns = [np.array([a]) for a in args]
        best = np.fmax.reduce(columns) if not any(map(math.isnan, args)) else np.array([NAN])
        count = kinks.tie_count_into(*columns, best)
        with np.errstate(divide="ignore", invalid="ignore"):  # no winner among nan: 1/0, then 0 * inf
            share = kinks.winner_share_into(count, kinks.winner_share_table(convention, len(args)))
            arrays = [float(kinks.router_partial_into(c, best, share)[0]) for c in columns]
        assert _same(arrays, floats), (args, floats, arrays)
    assert kinks.router_partials("max", [2.0, 2.0, 1.0], convention) == ((0.5, 0.5, 0.0))
    assert kinks.router_partials("min", [4.0, 4.0, 4.0], "jax") == (1 / 3,) * 3


def test_norm_at_zero_is_a_kink_of_the_array_engine():
    result = array_engine.evaluate(stage("norm(x)"), {"x": np.zeros(3)}, "pytorch")
    assert result.kinks == {0: "norm at 0: pytorch gives 0"}
    assert _same(result.gradient("x"), [0.0, 0.0, 0.0])
    assert _same(array_engine.evaluate(stage("norm(x)"), {"x": np.zeros(2)}, "jax").gradient("x"), [NAN, NAN])


def test_non_finite_scans():
    assert finite.non_finite_rows([np.array([1.0, 2.0]), np.array([3.0, 4.0])]) is None
    mask = finite.non_finite_rows([np.array([1.0, np.inf, 2.0]), np.array([NAN, 0.0, 1.0])])
    assert mask.tolist() == [True, True, False]
    assert finite.non_finite_rows([np.array([1e308, 1e308])]) is None  # the sum overflows; no element does
    scalar = engine.evaluate(stage("log(x) * y"), {"x": 0.0, "y": 2.0})
    assert finite.first_non_finite(scalar) == "value of node s0 (log) = -inf"
    vector = array_engine.evaluate(stage("sum(log(x))"), {"x": np.array([1.0, 0.0])})
    assert finite.first_non_finite_array(vector) == "value of s0"


def test_the_scalar_engine_and_its_conventions_load_without_numpy():
    modules = "backprop_cli.engine.scalar, backprop_cli.engine.kinks, backprop_cli.engine.finite"
    code = f"import sys, {modules}; print('numpy' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout == "False\n"
