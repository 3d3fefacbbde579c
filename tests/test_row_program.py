"""batch's compiled rows (``array_engine.RowProgram``) against the scalar engine.

The scalar engine (``engine.evaluate``) evaluates the lambdas of ``rules/generated/derived.py``
on ``math`` one row at a time; the row program strings together the NumPy
recipes of ``rules/generated/derived_numpy.py``, reuses buffers and runs spans on threads. Both
come from the same SymPy derivation by different roads, so agreement row by row
checks the recipes, the buffer reuse, the spans and the threads.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from backprop_cli.engine.arrays import RowProgram
from backprop_cli.engine.scalar import evaluate
from backprop_cli.language.graph import stage
from backprop_cli.rules import codegen_steps, sympy_defs

EVERY_OPERATOR = (
    "1/(1+exp(-(w0*x0+w1*x1+w2))) + relu(x0) + max(w0, x1, 0.5) + min(x0, w1) + abs(w1) + leaky_relu(w2)"
    " + elu(x1, 2) + sqrt(1 + w0**2) + tanh(x0) * sigmoid(w1) - softplus(x1) / (2 + cos(w2)) + sin(x0) ** 2"
    " + log(1 + x1**2) + tan(w0 / 4)"
)


def _same(got: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(got)
    return got == pytest.approx(expected, rel=1e-12, abs=1e-12)


def _check_rows(source: str, columns: dict, convention: str = "pytorch", **options) -> None:
    graph = stage(source)
    rows = len(next(iter(columns.values())))
    before = {name: column.copy() for name, column in columns.items()}
    value, grads = RowProgram(graph, convention, **options).run(columns, rows)
    for name, column in columns.items():  # buffers are written in place: never an input's
        assert np.array_equal(column, before[name], equal_nan=True), name
    for i in range(rows):
        expected = evaluate(graph, {name: float(c[i]) for name, c in columns.items()}, convention)
        assert _same(value[i], expected.value), (source, i, value[i], expected.value)
        for name in graph.variables:
            assert _same(grads[name][i], expected.gradient(name)), (source, convention, i, name)


@pytest.mark.parametrize("convention", ["pytorch", "jax", "sympy"])
def test_every_operator_agrees_with_the_scalar_engine_across_spans_and_threads(convention):
    rng = np.random.RandomState(1)
    names = ["w0", "x0", "w1", "x1", "w2"]
    columns = {name: np.round(rng.randn(300), 1) for name in names}  # rounding makes kinks and ties
    columns["x0"][:30] = 0.0
    _check_rows(EVERY_OPERATOR, columns, convention, span=7, threads=3)


def test_spans_and_threads_do_not_change_a_single_bit():
    graph = stage(EVERY_OPERATOR)
    rng = np.random.RandomState(2)
    columns = {name: rng.randn(1000) for name in graph.variables}
    one_value, one_grads = RowProgram(graph, span=1000, threads=1).run(columns, 1000)
    many_value, many_grads = RowProgram(graph, span=13, threads=4).run(columns, 1000)
    assert np.array_equal(one_value, many_value)
    assert all(np.array_equal(one_grads[name], many_grads[name]) for name in graph.variables)


@pytest.mark.parametrize(
    "source",
    [
        "x*x",  # the same input twice
        "x*y + x*z + exp(x)",  # fan-out: gradients add up
        "2*3 + x",  # a node of constants only
        "q = x + y; u = q * z; f = u + q",  # a program with a reused name
        "(x+y)*z",  # the gradients are input columns and a node's value as they are
        "-(-(-x))",
        "x / y - y ** x",
        # signs carried instead of negated: -sin, -x/y**2, sub and neg, meeting at a fan-out
        "x - y*z - exp(-y)",
        "cos(x) * -y - cos(y) / x",
        "q = x - y; f = -q * (y - q) - 1/q",
    ],
)
def test_shapes_of_graph_agree_with_the_scalar_engine(source):
    rng = np.random.RandomState(3)
    columns = {name: np.round(rng.randn(50), 1) for name in stage(source).variables}
    _check_rows(source, columns, span=8, threads=2)


@pytest.mark.parametrize("convention", ["pytorch", "jax", "sympy"])
def test_inf_nan_and_zero_rows_agree_with_the_scalar_engine(convention):
    specials = [0.0, -0.0, 1.0, -2.0, 1e300, -1e300, 1e-300, math.inf, -math.inf, math.nan]
    x, y = (np.array(column) for column in zip(*[(a, b) for a in specials for b in specials]))
    sources = ["x / y", "x * y + exp(x)", "1/(1+exp(-(x*y)))", "sqrt(x) + log(y)", "tanh(x) * y", "relu(x) + abs(y)"]
    for source in sources + ["max(x, y) + min(x, 1)", "x ** y", "sigmoid(x) + softplus(y) + elu(x, y)"]:
        _check_rows(source, {"x": x, "y": y}, convention, span=16, threads=2)


def test_reusing_the_value_is_refused_where_it_would_divide_zero_by_zero():
    a, b = sympy_defs.arg_symbols(2)
    out = codegen_steps.OUT
    assert codegen_steps.partial_in_terms_of_value(sp.exp(a), sp.exp(a), 1) == out
    assert codegen_steps.partial_in_terms_of_value(a / b, -a / b**2, 2) == -out / b
    # d(a**b)/da = b*a**(b-1): as b*out/a it would give 0/0 at a = 0, so it stays as it is
    derivative = sympy_defs.partials("pow", 2)[0]
    assert codegen_steps.partial_in_terms_of_value(a**b, derivative, 2) == derivative


def test_a_recipe_is_a_list_of_numpy_calls_into_buffers():
    x = sympy_defs.arg_symbols(1)[0]
    out = codegen_steps.OUT
    assert codegen_steps.recipe(out * (1 - out)) == ((("subtract", 1.0, "out"), ("multiply", "out", "t0")), "t1")
    assert codegen_steps.recipe(1 / (2 * sp.sqrt(x))) == ((("sqrt", "a0"), ("divide", 0.5, "t0")), "t1")
    assert codegen_steps.recipe(sp.Integer(1)) == ((), 1.0)


def test_the_neuron_compiles_to_fourteen_calls_and_three_buffers():
    program = RowProgram(stage("1/(1+exp(-(w0*x0+w1*x1+w2)))"))
    names = [function.__name__ for function, _, _ in program.steps]
    assert names.count("exp") == 1  # the local gradient of exp reuses its value
    # forward 8; backward: -value/(1+e) and neg's -1 cancel, so no negative at all
    assert names[8:] == ["divide", "multiply", "multiply", "multiply", "multiply", "multiply"]
    assert len(program.layout.buffers) == 3


def test_threads_only_for_compute_bound_graphs_unless_set(monkeypatch):
    monkeypatch.delenv("BACKPROP_THREADS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert RowProgram(stage("(x+y)*z")).threads == 1  # memory-bound: a second thread only competes
    assert RowProgram(stage("1/(1+exp(-x))")).threads == 4
    monkeypatch.setenv("BACKPROP_THREADS", "3")
    assert RowProgram(stage("(x+y)*z")).threads == 3 and RowProgram(stage("exp(x)")).threads == 3
