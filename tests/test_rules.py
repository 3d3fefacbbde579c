"""The rule table: generated code equals what SymPy derives today; kinks per convention."""

from __future__ import annotations

import math
import re

import pytest
import sympy as sp

from backprop_cli.rules import codegen, sympy_defs
from backprop_cli.rules.generated import derived as _derived
from backprop_cli.rules.generated import derived_numpy
from backprop_cli.rules.table import RULES

# Points away from every kink and inside every domain (log, sqrt need x > 0).
POINTS = [(0.7, 0.3), (1.9, -0.4), (0.05, 2.5)]


def test_generated_files_come_from_this_table():
    """A row added or changed without regenerating fails here, whichever SymPy is installed."""
    fingerprint = codegen.fingerprint()
    assert _derived.FINGERPRINT == fingerprint, "run: python -m backprop_cli.rules.codegen"
    assert derived_numpy.FINGERPRINT == fingerprint, "run: python -m backprop_cli.rules.codegen"


def test_generated_files_are_what_codegen_writes_with_the_recorded_sympy():
    """Byte for byte, under the SymPy release that wrote them (named in rules/generated/derived.py's first line).

    Another release may print the same rules differently (term order, say): the files are
    then held to the table by the fingerprint above and to SymPy by the numbers below, so a
    new SymPy cannot turn this suite red on its own (docs/reference.md, "Adding an operator").
    """
    recorded = re.search(r"derived by SymPy (\S+) from", codegen.TARGET.read_text()).group(1)
    if recorded != sp.__version__:
        pytest.skip(f"generated with SymPy {recorded}, installed {sp.__version__}")
    assert codegen.TARGET.read_text() == codegen.generate(), "run: python -m backprop_cli.rules.codegen"
    assert codegen.NUMPY_TARGET.read_text() == codegen.generate_numpy(), "run: python -m backprop_cli.rules.codegen"


def test_custom_sympy_functions_match_their_textbook_formulas():
    x = sp.Symbol("x", real=True)
    for fn in (sympy_defs.sigmoid, sympy_defs.softplus):
        explicit = fn(x).rewrite(sp.exp)
        difference = sp.diff(fn(x), x).rewrite(sp.exp) - sp.diff(explicit, x)
        assert sp.simplify(difference) == 0


def _textbook(expression):
    """Replace our SymPy functions by their explicit formulas, so SymPy differentiates from scratch."""
    return expression.replace(sympy_defs.sigmoid, lambda a: 1 / (1 + sp.exp(-a))).replace(
        sympy_defs.softplus, lambda a: sp.log(1 + sp.exp(a))
    )


@pytest.mark.parametrize("op", [op for op, rule in RULES.items() if rule.arity is not None and rule.define is not None])
def test_numeric_rules_equal_sympy_at_sample_points(op):
    arity = RULES[op].arity
    symbols = sympy_defs.arg_symbols(arity)
    expression = _textbook(sympy_defs.define(op, symbols))
    for point in POINTS:
        args = point[:arity]
        subs = dict(zip(symbols, args))
        for rules in (_derived, derived_numpy):  # on math and on NumPy
            assert rules.FORWARD[op](*args) == pytest.approx(float(expression.evalf(subs=subs)), rel=1e-12, abs=1e-12)
            value = rules.FORWARD[op](*args)  # the rules take the node's value last
            for i, s in enumerate(symbols):
                expected = float(sp.diff(expression, s).evalf(subs=subs))
                assert rules.PARTIALS[op][i](*args, value) == pytest.approx(expected, rel=1e-10, abs=1e-12), (op, i, args)


@pytest.mark.parametrize("key", [key for key in _derived.SYMBOLIC if isinstance(key[1], int)])
def test_symbolic_templates_equal_sympy_at_sample_points(key):
    """The texts ``grad`` shows are SymPy's derivatives, compared as numbers (not as text)."""
    op, arity = key
    symbols = sympy_defs.arg_symbols(arity)
    names = {**{s.name: s for s in symbols}, "sigmoid": sympy_defs.sigmoid, "softplus": sympy_defs.softplus}
    for template, derived in zip(_derived.SYMBOLIC[key], sympy_defs.partials(op, arity)):
        shown = sp.sympify(template, locals=names)  # our own generated text, never a user's
        for point in POINTS:
            subs = dict(zip(symbols, (point * 2)[:arity]))
            assert complex(shown.evalf(subs=subs)) == pytest.approx(complex(derived.evalf(subs=subs)), rel=1e-12, abs=1e-12)


def test_stable_sigmoid_and_softplus_at_extremes():
    from backprop_cli.rules.mathfns import sigmoid, softplus

    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000.0) == 1.0
    assert softplus(1000.0) == 1000.0 and softplus(-1000.0) == 0.0


def _grad(cli, expr, convention, *bindings):
    data = cli("grad", expr, *bindings, "--json", "--convention", convention).json()
    return data["gradients"], [n.get("kink") for n in data["nodes"]]


@pytest.mark.parametrize(
    "expr, bindings, expected, kink",
    [
        ("relu(x)", ["-x", "0"], {"pytorch": 0.0, "jax": 0.0, "sympy": 0.5}, "relu at 0: {} gives {:g}"),
        ("abs(x)", ["-x", "0"], {"pytorch": 0.0, "jax": 1.0, "sympy": 0.0}, "abs at 0: {} gives {:g}"),
        ("leaky_relu(x, 0.2)", ["-x", "0"], {"pytorch": 0.2, "jax": 1.0, "sympy": 0.6}, "leaky_relu at 0: {} gives {:g}"),
        ("elu(x, 3)", ["-x", "0"], {"pytorch": 3.0, "jax": 3.0, "sympy": 2.0}, "elu at 0: {} gives {:g}"),
    ],
)
def test_kinks_per_convention(cli, expr, bindings, expected, kink):
    for convention, value in expected.items():
        grads, kinks = _grad(cli, expr, convention, *bindings)
        assert grads["x"] == pytest.approx(value, abs=1e-15)
        assert kinks == [kink.format(convention, value)]


def test_elu_with_alpha_one_has_no_kink(cli):
    grads, kinks = _grad(cli, "elu(x)", "pytorch", "-x", "0")
    assert grads == {"x": 1.0} and kinks == [None]


def test_max_tie_splits_and_is_marked(cli):
    for convention in ("pytorch", "jax", "sympy"):
        grads, kinks = _grad(cli, "max(x, y)", convention, "-x", "2", "-y", "2")
        assert grads == {"x": 0.5, "y": 0.5}
        assert kinks == [f"max tie: {convention} gives 0.5, 0.5"]


def test_three_way_tie_pytorch_splits_in_thirds_sympy_gives_half_each(cli):
    grads, _ = _grad(cli, "min(x, y, z)", "pytorch", "-x", "1", "-y", "1", "-z", "1")
    assert grads == pytest.approx({"x": 1 / 3, "y": 1 / 3, "z": 1 / 3})
    grads, _ = _grad(cli, "min(x, y, z)", "sympy", "-x", "1", "-y", "1", "-z", "1")
    assert grads == {"x": 0.5, "y": 0.5, "z": 0.5}


def test_max_routes_the_whole_gradient_to_the_winner(cli):
    data = cli("grad", "max(x, y) * 2", "-x", "4", "-y", "1", "--json").json()
    assert data["gradients"] == {"x": 2.0, "y": 0.0}
    assert data["nodes"][0]["pattern"] == "router" and "kink" not in data["nodes"][0]
    assert data["nodes"][0]["local"]["x"]["symbolic"] == "Heaviside(x - y)"


def test_max_with_many_arguments_shows_sympy_derivative(cli):
    data = cli("grad", "max(a, b, c, d)", "-a", "1", "-b", "5", "-c", "2", "-d", "0", "--json").json()
    assert data["gradients"] == {"a": 0.0, "b": 1.0, "c": 0.0, "d": 0.0}
    assert data["nodes"][0]["local"]["b"]["symbolic"] == "Heaviside(b - Max(a, c, d))"


def test_sqrt_at_zero_is_inf_and_exit_3(cli):
    run = cli("grad", "sqrt(x)", "-x", "0", "--json")
    assert run.code == 3
    assert run.json()["nodes"][0]["kink"] == "sqrt at 0: pytorch gives inf"
    assert run.err == "backprop: error: non-finite result: local gradient ∂f/∂x of node f (sqrt) = inf\n"


def test_negative_base_fractional_power_is_nan_not_complex(cli):
    run = cli("grad", "x ** 0.5", "-x", "-4", "--quiet")
    assert run.code == 3 and "value of node f (pow) = nan" in run.err


def test_pow_of_a_negative_base_with_an_integer_exponent(cli):
    data = cli("grad", "x ** 3", "-x", "-2", "--json").json()
    assert data["value"] == -8.0 and data["gradients"] == {"x": 12.0}


def test_math_domain_errors_fall_back_to_ieee_values():
    from backprop_cli.engine.scalar import forward
    from backprop_cli.language.graph import stage

    graph = stage("exp(x) + log(y)")
    values = forward(graph, {"x": 1000.0, "y": 0.0})
    assert values[graph.output] == math.inf or math.isnan(values[graph.output])
    assert [values[n.slot] for n in graph.nodes][:2] == [math.inf, -math.inf]
