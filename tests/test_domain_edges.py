"""Every rule at the edges of its domain, in grad, batch and vector mode and every convention.

One line per edge: the expression, the bindings, the expected gradients and, at a
kink, its label. Expected values are the limit (or the exact partial derivative
where the formula only evaluates badly), worked out by hand or with SymPy's
``limit``; the comment on each line says which. Where the frameworks are named,
their values were read off PyTorch 2.13 and JAX 0.10 (float64) once and are written
here: the tests never import them. The table in docs/reference.md ("Domain edges")
lists the same values.

grad is ``engine.evaluate`` (plus the CLI for the case from the issue), batch is
``array_engine.RowProgram`` and vector mode is ``array_engine.evaluate`` with every
variable a one-element array under ``sum(...)``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_cli.engine import arrays as vector_engine
from backprop_cli.engine import scalar
from backprop_cli.engine.arrays import RowProgram
from backprop_cli.language.graph import stage

INF, NAN = math.inf, math.nan
CONVENTIONS = ("pytorch", "jax", "sympy")


def same(got: float, expected: float) -> bool:
    """Equal, nan equal to nan, and a relative 1e-12 for the few inexact values."""
    if math.isnan(expected):
        return math.isnan(got)
    return got == expected or got == pytest.approx(expected, rel=1e-12, abs=0)


# (expression, bindings, expected gradients). No kink: every convention gives these.
SMOOTH_EDGES = [
    # pow, base 0: 0**y = 0 for y > 0, so ∂/∂y = 0 (SymPy: limit(x**y*log(x), x, 0, '+') = 0; PyTorch, JAX 0)
    ("x**y", {"x": 0, "y": 2}, {"x": 0.0, "y": 0.0}),  # ∂/∂x = 2·0**1 = 0 by hand
    ("x**y", {"x": 0, "y": 3}, {"x": 0.0, "y": 0.0}),
    ("x**y", {"x": 0, "y": 1}, {"x": 1.0, "y": 0.0}),  # ∂/∂x = 1·0**0 = 1
    ("x**y", {"x": 0, "y": 0.5}, {"x": INF, "y": 0.0}),  # ∂/∂x = 0.5/sqrt(x) → inf as x → 0+
    ("x**y", {"x": 0, "y": -1}, {"x": -INF, "y": -INF}),  # the value is inf; PyTorch's numbers
    ("0**x", {"x": 1}, {"x": 0.0}),
    ("x**y", {"x": 0, "y": INF}, {"x": NAN, "y": 0.0}),  # ∂/∂x = inf·0**inf: no limit
    # pow, exponent 0: x**0 = 1 for every x, ∂/∂x = 0 (the formula gives 0·0**-1; PyTorch 0)
    ("x**0", {"x": 0}, {"x": 0.0}),
    ("x**0", {"x": 3}, {"x": 0.0}),
    ("x**y", {"x": 2, "y": 0}, {"x": 0.0, "y": math.log(2)}),
    ("x**1", {"x": 0}, {"x": 1.0}),
    # pow, negative base: (-2)**y is real only at whole y, so no ∂/∂y (PyTorch, JAX nan)
    ("x**y", {"x": -2, "y": 2}, {"x": -4.0, "y": NAN}),
    ("x**y", {"x": -2, "y": 0.5}, {"x": NAN, "y": NAN}),  # the value itself is nan
    ("x**3", {"x": -2}, {"x": 12.0}),
    # div: ∂/∂a = 1/b, ∂/∂b = -(a/b)/b (PyTorch's and JAX's numbers at every line)
    ("x/y", {"x": 0, "y": 2}, {"x": 0.5, "y": 0.0}),
    ("x/y", {"x": 1, "y": 0}, {"x": INF, "y": -INF}),  # limits as y → 0+
    ("x/y", {"x": -1, "y": 0}, {"x": INF, "y": INF}),
    ("x/y", {"x": 0, "y": 0}, {"x": INF, "y": NAN}),  # 0/0 has no value
    ("x/y", {"x": 1e-200, "y": 1e-200}, {"x": 1e200, "y": -1e200}),  # -a/b**2 would overflow to -inf
    ("x/x", {"x": 2}, {"x": 0.0}),
    # log: 1/x → inf as x → 0+; below 0 the value is nan and the frameworks give 1/x
    ("log(x)", {"x": 0}, {"x": INF}),
    ("log(x)", {"x": -1}, {"x": -1.0}),
    ("sqrt(x)", {"x": -1}, {"x": NAN}),  # the value is nan, and so is 1/(2·nan)
    # tan: no float is a pole, so the derivative 1 + tan² is large but finite (PyTorch, JAX)
    ("tan(x)", {"x": math.pi / 2}, {"x": 2.6670937881135714e32}),
    # overflow: exp's limit is inf; softplus' slope is sigmoid, 1 and 0 at the ends
    ("exp(x)", {"x": 1000}, {"x": INF}),
    ("exp(x)", {"x": -1000}, {"x": 0.0}),
    ("softplus(x)", {"x": 1000}, {"x": 1.0}),
    ("softplus(x)", {"x": -1000}, {"x": 0.0}),
    ("sigmoid(x)", {"x": 1000}, {"x": 0.0}),
    ("sigmoid(x)", {"x": -1000}, {"x": 0.0}),
    ("tanh(x)", {"x": 40}, {"x": 0.0}),
    # leaky_relu with slope 1 is x: no kink, slope 1 (PyTorch, JAX)
    ("leaky_relu(x, 1)", {"x": 0}, {"x": 1.0}),
    ("leaky_relu(x, -0.5)", {"x": -1}, {"x": -0.5}),
    ("elu(x, 2)", {"x": -1000}, {"x": 0.0}),  # 2·exp(-1000) underflows to 0, as the limit
    ("elu(x)", {"x": 0}, {"x": 1.0}),  # alpha 1: both sides have slope 1
]

# (expression, bindings, kink label, expected gradients per convention)
KINK_EDGES = [
    # 0**y jumps from 1 to 0 at y = 0: no ∂/∂y. PyTorch 0, JAX 0, SymPy's derivative zoo (nan).
    ("x**y", {"x": 0, "y": 0}, "pow at 0**0", {"pytorch": (0.0, 0.0), "jax": (0.0, 0.0), "sympy": (0.0, NAN)}),
    ("0**x", {"x": 0}, "pow at 0**0", {"pytorch": (0.0,), "jax": (0.0,), "sympy": (NAN,)}),
    ("sqrt(x)", {"x": 0}, "sqrt at 0", {"pytorch": (INF,), "jax": (INF,), "sympy": (INF,)}),
    ("relu(x)", {"x": 0}, "relu at 0", {"pytorch": (0.0,), "jax": (0.0,), "sympy": (0.5,)}),
    ("abs(x)", {"x": 0}, "abs at 0", {"pytorch": (0.0,), "jax": (1.0,), "sympy": (0.0,)}),
    # one-sided slopes 1 and a: PyTorch a, JAX 1 (where(x >= 0, ...)), SymPy (1 + a)/2
    ("leaky_relu(x, -0.5)", {"x": 0}, "leaky_relu at 0", {"pytorch": (-0.5,), "jax": (1.0,), "sympy": (0.25,)}),
    ("leaky_relu(x, 2)", {"x": 0}, "leaky_relu at 0", {"pytorch": (2.0,), "jax": (1.0,), "sympy": (1.5,)}),
    ("elu(x, 0)", {"x": 0}, "elu at 0", {"pytorch": (0.0,), "jax": (0.0,), "sympy": (0.5,)}),
    ("elu(x, -1)", {"x": 0}, "elu at 0", {"pytorch": (-1.0,), "jax": (-1.0,), "sympy": (0.0,)}),
    ("max(x, y)", {"x": INF, "y": INF}, "max tie", {c: (0.5, 0.5) for c in CONVENTIONS}),
    ("min(x, y, z)", {"x": 1, "y": 1, "z": 1}, "min tie", {c: (1 / 3,) * 3 for c in ("pytorch", "jax")} | {"sympy": (0.5,) * 3}),
]


def _grad(expr: str, bindings: dict, convention: str) -> tuple[list[float], list[str]]:
    graph = stage(expr)
    result = scalar.evaluate(graph, {k: float(v) for k, v in bindings.items()}, convention)
    return [result.gradient(name) for name in graph.variables], list(result.kinks.values())


def _batch(expr: str, bindings: dict, convention: str) -> tuple[list[float], list[str]]:
    graph = stage(expr)
    columns = {k: np.array([float(v), 0.5]) for k, v in bindings.items()}  # a second, ordinary row
    _, grads = RowProgram(graph, convention).run(columns, 2)
    return [float(grads[name][0]) for name in graph.variables], []


def _vector(expr: str, bindings: dict, convention: str) -> tuple[list[float], list[str]]:
    graph = stage(f"sum({expr})")
    result = vector_engine.evaluate(graph, {k: np.array([float(v)]) for k, v in bindings.items()}, convention)
    return [float(result.gradient(name)[0]) for name in graph.variables], list(result.kinks.values())


ENGINES = {"grad": _grad, "batch": _batch, "vector": _vector}


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
@pytest.mark.parametrize("expr, bindings, expected", SMOOTH_EDGES, ids=[f"{e} at {b}" for e, b, _ in SMOOTH_EDGES])
def test_smooth_edge_has_its_limit_in_every_engine_and_convention(engine_name, expr, bindings, expected):
    for convention in CONVENTIONS:
        got, kinks = ENGINES[engine_name](expr, bindings, convention)
        want = list(expected.values())
        assert all(same(g, w) for g, w in zip(got, want)), (engine_name, convention, got, want)
        assert kinks == [], (engine_name, convention)


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
@pytest.mark.parametrize("expr, bindings, label, expected", KINK_EDGES, ids=[f"{e} at {b}" for e, b, _, _ in KINK_EDGES])
def test_kink_edge_gives_each_conventions_value_in_every_engine(engine_name, expr, bindings, label, expected):
    for convention, want in expected.items():
        got, kinks = ENGINES[engine_name](expr, bindings, convention)
        assert all(same(g, w) for g, w in zip(got, want)), (engine_name, convention, got, want)
        if engine_name != "batch":  # batch reports numbers only
            assert len(kinks) == 1 and kinks[0].startswith(f"{label}: {convention}"), kinks


def test_kink_message_names_each_value_under_grad():
    assert _grad("x**y", {"x": 0, "y": 0}, "sympy")[1] == ["pow at 0**0: sympy gives 0, nan"]
    assert _grad("x**y", {"x": 0, "y": 0}, "pytorch")[1] == ["pow at 0**0: pytorch gives 0, 0"]


def test_zero_to_a_variable_power_is_exit_0_with_gradient_0(cli):
    # the case of issue #11: was ∂/∂y = nan and exit 3
    run = cli("grad", "x**y", "-x", "0", "-y", "2", "--quiet")
    assert (run.code, run.out, run.err) == (0, "x\t0.0\ny\t0.0\n", "")


def test_x_to_the_zero_at_zero_is_exit_0_and_no_kink(cli):
    run = cli("grad", "x**0", "-x", "0", "--json")
    assert run.code == 0 and run.json()["gradients"] == {"x": 0.0}
    assert "kink" not in run.json()["nodes"][0]


def test_batch_command_gives_the_limit_row_by_row(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("x,y\n0,2\n0,0\n2,0\n")
    run = cli("batch", "x**y", "--input", str(rows))
    assert run.code == 0, run.err
    lines = run.out.strip().splitlines()
    assert lines[1:] == ["0,2,0.0,0.0,0.0", "0,0,1.0,0.0,0.0", "2,0,1.0,0.0,0.6931471805599453"]


@pytest.mark.parametrize("convention, expected", [("pytorch", 0.0), ("jax", NAN), ("sympy", NAN)])
def test_norm_at_zero_per_convention(cli, convention, expected):
    # x/‖x‖ = 0/0: torch.linalg.norm gives 0, jnp.linalg.norm nan, SymPy's x/sqrt(x·x) nan
    run = cli("grad", "norm(x)", "x=[0,0]", "--convention", convention, "--json")
    data = run.json()
    assert all(same(g, expected) for g in _numbers(data["gradients"]["x"]))
    assert data["nodes"][0]["kink"] == f"norm at 0: {convention} gives {expected:g}"
    assert run.code == (0 if expected == 0 else 3)


def _numbers(values: list) -> list[float]:
    return [float(v) for v in values]  # JSON writes nan as the string "nan"
