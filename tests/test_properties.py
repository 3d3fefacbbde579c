"""Property tests: random expressions over the whole operator set.

The oracle is independent of our parser and rules: Python's own ``ast`` parses
the same text (our language's precedence is Python's, with ``**`` for power), the
tree is turned into a SymPy expression from textbook formulas, and SymPy
differentiates the *whole* expression. Finite differences check the same
gradients a second way. Hypothesis runs derandomized (see conftest.py).
"""

from __future__ import annotations

import ast
import math

import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st
from independent import BINARY, SYMPY_FUNCTIONS

from backprop_cli.engine.scalar import evaluate, forward
from backprop_cli.language.graph import stage

VARIABLES = ("x", "y", "z")
SYMBOLS = {name: sp.Symbol(name, real=True) for name in VARIABLES}

# The textbook formulas and Python's operators, shared with the program evaluator.
TEXTBOOK = SYMPY_FUNCTIONS


def oracle(text: str) -> sp.Expr:
    """Python's parse of ``text`` as a SymPy expression (never evaluated as Python)."""
    todo = [ast.parse(text, mode="eval").body]
    order = []
    while todo:  # iterative post-order, as deep trees are generated too
        node = todo.pop()
        order.append(node)
        todo.extend(ast.iter_child_nodes(node))
    built = {}
    for node in reversed(order):
        if isinstance(node, ast.BinOp):
            built[node] = BINARY[type(node.op)](built[node.left], built[node.right])
        elif isinstance(node, ast.UnaryOp):
            operand = built[node.operand]
            built[node] = -operand if isinstance(node.op, ast.USub) else operand
        elif isinstance(node, ast.Call):
            built[node] = TEXTBOOK[node.func.id](*[built[a] for a in node.args])
        elif isinstance(node, ast.Name) and node.id in SYMBOLS:
            built[node] = SYMBOLS[node.id]
        elif isinstance(node, ast.Constant):
            built[node] = sp.nsimplify(node.value)
    return built[order[0]]


leaves = st.sampled_from(["x", "y", "z", "2", "0.5", "3", "x", "y"])


def _extend(children):
    unary = st.sampled_from(["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "relu", "abs", "leaky_relu", "elu", "tan"])
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        st.tuples(children, children).map(lambda t: f"({t[0]}) / (1 + ({t[1]})**2)"),
        st.tuples(children, st.sampled_from(["2", "3"])).map(lambda t: f"({t[0]})**{t[1]}"),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"2**-({c})"),
        st.tuples(unary, children).map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda c: f"log(1 + ({c})**2)"),
        children.map(lambda c: f"sqrt(2 + ({c})**2)"),
        st.tuples(st.sampled_from(["max", "min"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(children, children, children).map(lambda t: f"max({t[0]}, {t[1]}, {t[2]})"),
    )


expressions = st.recursive(leaves, _extend, max_leaves=10)
values = st.floats(min_value=-2, max_value=2, allow_nan=False).map(lambda v: round(v, 3))


def _evaluate(text, point):
    graph = stage(text)
    bindings = {name: point[name] for name in graph.variables}
    result = evaluate(graph, bindings)
    assume(not result.kinks)  # at a kink the conventions (not SymPy's Piecewise) decide
    assume(math.isfinite(result.value) and abs(result.value) < 1e6)
    return graph, bindings, result


@given(expressions, st.fixed_dictionaries({name: values for name in VARIABLES}))
def test_gradients_agree_with_sympy_whole_expression_derivative(text, point):
    graph, bindings, result = _evaluate(text, point)
    expression = oracle(text)
    subs = {SYMBOLS[name]: sp.Float(value, 30) for name, value in bindings.items()}
    expected_value = complex(expression.evalf(30, subs=subs))
    assume(abs(expected_value.imag) < 1e-12)
    assert math.isclose(result.value, expected_value.real, rel_tol=1e-9, abs_tol=1e-9), text
    for name in graph.variables:
        expected = complex(sp.diff(expression, SYMBOLS[name]).evalf(30, subs=subs)).real
        assert math.isclose(result.gradient(name), expected, rel_tol=1e-7, abs_tol=1e-9), (text, name)


@given(expressions, st.fixed_dictionaries({name: values for name in VARIABLES}))
def test_gradients_agree_with_central_finite_differences(text, point):
    graph, bindings, result = _evaluate(text, point)
    for name in graph.variables:
        h = 1e-6
        plus = forward(graph, dict(bindings, **{name: bindings[name] + h}))[graph.output]
        minus = forward(graph, dict(bindings, **{name: bindings[name] - h}))[graph.output]
        numeric = (plus - minus) / (2 * h)
        assume(math.isfinite(numeric))
        # A kink within h of the point makes the difference meaningless: skip those.
        assume(not evaluate(graph, dict(bindings, **{name: bindings[name] + h})).kinks)
        assert math.isclose(result.gradient(name), numeric, rel_tol=1e-4, abs_tol=1e-5), (text, name)


cells = st.one_of(st.sampled_from([0.0, 1.0, -1.0]), values.map(lambda v: round(v, 1)))
rows = st.lists(cells, min_size=6, max_size=6)


@given(expressions, st.fixed_dictionaries({name: rows for name in VARIABLES}), st.sampled_from(["pytorch", "jax", "sympy"]))
def test_batch_rows_agree_with_grad_row_by_row(text, columns, convention):
    """batch's compiled program (buffers reused, signs carried, spans on threads) against grad's engine.

    Zeros, ones and values rounded to one decimal put rows on kinks and ties, where the
    conventions differ.
    """
    import numpy as np

    from backprop_cli.engine.arrays import RowProgram

    graph = stage(text)
    arrays = {name: np.array(columns[name]) for name in graph.variables}
    value, grads = RowProgram(graph, convention, span=4, threads=2).run(arrays, 6)
    for i in range(6):
        expected = evaluate(graph, {name: columns[name][i] for name in graph.variables}, convention)
        pairs = [(value[i], expected.value)] + [(grads[name][i], expected.gradient(name)) for name in graph.variables]
        for got, want in pairs:
            assert (math.isnan(got) and math.isnan(want)) or math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (text, i)
