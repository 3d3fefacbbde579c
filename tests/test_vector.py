"""Vector and matrix mode (SPEC §5b): Jacobians as the lectures teach them."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from backprop_cli.engine import arrays as vector_engine
from backprop_cli.language.graph import stage
from backprop_cli.train import network

W = "W=[[0.1,0.5],[-0.3,0.8]]"
X = "x=[0.2,0.4]"


def arr(values) -> str:
    return json.dumps(np.asarray(values).tolist())


def test_twenty_in_ten_out_shows_the_lectures_shapes(cli):
    rng = np.random.default_rng(0)
    a, v = rng.standard_normal((10, 20)), rng.standard_normal(20)
    data = cli("grad", "sum(tanh(A @ v))", f"A={arr(a)}", f"v={arr(v)}", "--json").json()
    matmul = data["nodes"][0]
    assert matmul["shape"] == [10] and np.shape(matmul["grad"]) == (10,)  # upstream 10
    assert matmul["local"]["v"] == {"symbolic": "Aᵀ·g", "jacobian": "10×20 (the other factor)"}  # local 10×20
    assert np.shape(matmul["downstream"]["v"]) == (20,)  # downstream 20
    assert matmul["local"]["A"] == {"symbolic": "g·vᵀ", "jacobian": "10×200 (sparse, rows of the other factor)"}
    expected_v = a.T @ (1 - np.tanh(a @ v) ** 2)
    assert np.allclose(data["gradients"]["v"], expected_v, atol=1e-12)
    table = cli("grad", "sum(tanh(A @ v))", f"A={arr(a)}", f"v={arr(v)}").out
    rows = [line.split() for line in table.splitlines()]
    edge = ["v", "Aᵀ·g", "(10,)", "·", "10×20", "(the", "other", "factor)", "→", "(20,)"]
    assert [edge + ["(20,)", "array"]] == [row for row in rows if row[:10] == edge]  # one row per edge, its downstream


def test_two_layer_loss_agrees_with_the_hand_written_backward_pass(cli, tmp_path):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((8, 5)), rng.standard_normal((8, 3))
    w1, w2 = rng.standard_normal((5, 4)), rng.standard_normal((4, 3))
    path = tmp_path / "net.npz"
    np.savez(path, X=x, Y=y, W1=w1, W2=w2)
    data = cli("grad", "sum((sigmoid(X @ W1) @ W2 - Y)**2)", "--bindings", str(path), "--json").json()
    loss, grads = network.loss_and_grads(network.Weights(w1.copy(), w2.copy()), x, y, "sigmoid", "l2", 0.0, True)
    assert data["value"] == pytest.approx(loss, rel=1e-12)
    assert np.allclose(data["gradients"]["W1"], grads["w1"], rtol=1e-10, atol=1e-12)
    assert np.allclose(data["gradients"]["W2"], grads["w2"], rtol=1e-10, atol=1e-12)


def test_broadcasting_is_undone_in_the_backward_pass(cli):
    data = cli("grad", "sum(W * c + b)", "W=[[1,2,3],[4,5,6]]", "b=[10,20,30]", "c=2", "--json").json()
    assert data["gradients"]["b"] == [2.0, 2.0, 2.0]  # summed over the broadcast rows
    assert data["gradients"]["c"] == 21.0  # a scalar against a matrix: the sum
    assert data["gradients"]["W"] == [[2.0] * 3, [2.0] * 3]
    row = cli("grad", "sum(W * b)", "W=[[1,2,3],[4,5,6]]", "b=[[1,1,1]]", "--json").json()
    assert row["gradients"]["b"] == [[5.0, 7.0, 9.0]]  # keeps its (1, 3) shape


def test_mean_dot_and_reductions(cli):
    data = cli("grad", "mean(x * x) + dot(x, y)", "x=[1,2,3,4]", "y=[1,0,1,0]", "--json").json()
    assert data["value"] == pytest.approx(30 / 4 + 4)
    assert data["gradients"]["x"] == pytest.approx([2 * 1 / 4 + 1, 2 * 2 / 4, 2 * 3 / 4 + 1, 2 * 4 / 4])
    assert data["gradients"]["y"] == [1.0, 2.0, 3.0, 4.0]


def test_the_output_must_be_a_scalar(cli):
    run = cli("grad", "W @ x", W, X)
    assert run.code == 2
    assert run.err == ("backprop: error: the output f has shape (2,): it must be a scalar (wrap it in sum(...) or mean(...))\n")


@pytest.mark.parametrize(
    "expr, bindings, message",
    [
        (
            "sum(W @ y)",
            [W, "y=[1,2,3]"],
            "shapes do not fit at node s0: matmul of (2, 2) and (3,) (the inner dimensions differ) (column 7)",
        ),
        (
            "sum(x + y)",
            [X, "y=[1,2,3]"],
            "shapes do not fit at node s0: add of (2,) and (3,) (they cannot be broadcast together) (column 7)",
        ),
        (
            "dot(x, W)",
            [X, W],
            "shapes do not fit at node f: dot of (2,) and (2, 2) (dot takes two vectors of the same length) (column 1)",
        ),
    ],
)
def test_shape_errors_name_the_node_shapes_and_operator(cli, expr, bindings, message):
    run = cli("grad", expr, *bindings)
    assert run.code == 2
    assert run.err.splitlines()[0] == f"backprop: error: {message}"
    assert run.err.splitlines()[-1].strip() == "^"


def test_expect_and_check_with_arrays(cli):
    ok = cli("grad", "norm(W @ x)**2", W, X, "--quiet", "--expect", "x=[-0.112, 0.636]", "--expect", "f=0.116", "--check")
    assert ok.code == 0, ok.err
    bad = cli("grad", "norm(W @ x)**2", W, X, "--quiet", "--expect", "x=[-0.112, 0.6]")
    assert bad.code == 1
    assert "expected ∂f/∂x = [-0.112, 0.6], got [-0.112, 0.636]" in bad.err


def test_quiet_prints_arrays_as_json(cli):
    run = cli("grad", "sum((W @ x)**2)", W, X, "--quiet", "--wrt", "x")
    assert json.loads(run.out) == pytest.approx([-0.112, 0.636], abs=1e-12)


def test_explain_names_the_shapes(cli):
    lines = cli("grad", "sum((W @ x)**2)", W, X, "--explain").out.splitlines()
    assert lines[0] == "∂f/∂f = 1"
    # W has one edge: "=", not "+=" (as in scalar mode)
    assert lines[-2].startswith("∂f/∂W = g·xᵀ with g = ∂f/∂s0 (2,): Jacobian 2×4 (sparse, rows of the other factor) → (2, 2)")


def test_explain_adds_the_edges_of_an_array_read_twice(cli):
    lines = cli("grad", "sum(x*x)", "x=[1,2,3]", "--explain").out.splitlines()
    assert lines[2:] == [
        "∂f/∂x += g ⊙ (x) with g = ∂f/∂s0 (3,): Jacobian 3×3 (diagonal) → (3,) = [1, 2, 3]   [switcher]",
        "∂f/∂x += g ⊙ (x) with g = ∂f/∂s0 (3,): Jacobian 3×3 (diagonal) → (3,) = [1, 2, 3]   [switcher]",
        "∂f/∂x = [1, 2, 3] + [1, 2, 3] = [2, 4, 6]   [adder]",  # 2x, each edge the other factor x
    ]


def test_batch_refuses_vector_mode(cli):
    run = cli("batch", "sum(x)", "--input", "-", stdin="x\n1\n")
    assert run.code == 2 and "need grad's vector mode" in run.err


def test_no_jacobian_is_built_for_a_large_elementwise_node():
    graph = stage("sum(tanh(x))")
    x = np.linspace(-1, 1, 4096)
    result = vector_engine.evaluate(graph, {"x": x})
    assert np.allclose(result.gradient("x"), 1 - np.tanh(x) ** 2)
    assert vector_engine.jacobian_text("tanh", (4096,), (4096,), 0) == "4096×4096 (diagonal)"


# --- properties: random shapes against finite differences and SymPy ------------------------

TEMPLATES = [
    "sum(tanh(W @ x) * c)",
    "norm(W @ x + b)**2",
    "sum(sigmoid(W @ x) ** 2)",
    "mean(exp(x) * y) + dot(x, y)",
    "sum(W) * dot(x, y)",
    "sum(relu(W @ x - b) + softplus(b))",
    "sum((W @ x) / (1 + b**2))",
    "sum(tanh(W @ V) * c)",  # matrix @ matrix
    "sum(sin(x @ V))",  # vector @ matrix
    "(x @ y) * sum(b)",  # vector @ vector
]


def _bindings(rng, m: int, n: int) -> dict:
    return {
        "W": np.round(rng.standard_normal((m, n)), 2),
        "x": np.round(rng.standard_normal(n), 2),
        "y": np.round(rng.standard_normal(n), 2),
        "b": np.round(rng.standard_normal(m), 2),
        "c": 0.7,
        "V": np.round(rng.standard_normal((n, 2)), 2),
    }


@given(st.sampled_from(TEMPLATES), st.integers(1, 4), st.integers(1, 4), st.integers(0, 10_000))
def test_random_shapes_agree_with_finite_differences(template, m, n, seed):
    rng = np.random.default_rng(seed)
    graph = stage(template)
    values = {k: v for k, v in _bindings(rng, m, n).items() if k in graph.variables}
    result = vector_engine.evaluate(graph, values)
    if result.kinks:
        return  # at a kink the convention decides, not the limit
    for name, value in values.items():
        base = np.array(value, dtype=float)
        numeric = np.zeros_like(base)
        for index in np.ndindex(base.shape):
            for sign in (1, -1):
                moved = base.copy()
                moved[index] += sign * 1e-6
                numeric[index] += sign * vector_engine.evaluate(graph, dict(values, **{name: moved})).value / 2e-6
        assert np.allclose(result.gradient(name), numeric, rtol=1e-5, atol=1e-6), (template, name)


def test_small_case_agrees_with_sympys_matrix_derivative():
    w = sp.Matrix(2, 3, lambda i, j: sp.Symbol(f"w{i}{j}"))
    xs = sp.Matrix(3, 1, lambda i, _: sp.Symbol(f"x{i}"))
    q = w * xs
    f = sum((sp.tanh(q[i]) * sp.Rational(7, 10) for i in range(2)), sp.Integer(0))
    rng = np.random.default_rng(3)
    bindings = _bindings(rng, 2, 3)
    point = {w[i, j]: bindings["W"][i, j] for i in range(2) for j in range(3)} | {xs[i]: bindings["x"][i] for i in range(3)}
    result = vector_engine.evaluate(stage("sum(tanh(W @ x) * c)"), {k: bindings[k] for k in ("W", "x", "c")})
    expected_w = np.array([[float(sp.diff(f, w[i, j]).subs(point)) for j in range(3)] for i in range(2)])
    expected_x = np.array([float(sp.diff(f, xs[i]).subs(point)) for i in range(3)])
    assert np.allclose(result.gradient("W"), expected_w, atol=1e-12)
    assert np.allclose(result.gradient("x"), expected_x, atol=1e-12)


def test_wrt_prunes_the_backward_pass_but_not_the_answer(cli, tmp_path):
    rng = np.random.default_rng(2)
    path = tmp_path / "net.npz"
    np.savez(
        path,
        X=rng.standard_normal((6, 4)),
        Y=rng.standard_normal((6, 2)),
        W1=rng.standard_normal((4, 3)),
        W2=rng.standard_normal((3, 2)),
    )
    loss = "sum((sigmoid(X @ W1) @ W2 - Y)**2)"
    every = cli("grad", loss, "--bindings", str(path), "--json").json()
    some = cli("grad", loss, "--bindings", str(path), "--json", "--wrt", "W1,W2").json()
    assert set(some["gradients"]) == {"W1", "W2"}
    assert some["gradients"]["W1"] == every["gradients"]["W1"] and some["gradients"]["W2"] == every["gradients"]["W2"]


def test_wrt_reports_fewer_gradients_but_every_node_keeps_its_own(cli):
    """--wrt y: the gradients reported are y's, but the nodes' are computed, not shown as the zeros
    of a pruned backward pass (∂f/∂s0 of sum(tanh(x*x)*y) is y·(1 - tanh(x²)²)); --quiet prunes."""
    words = ["sum(tanh(x*x)*y)", "-x", "[0.1, 0.5, 1]", "-y", "[1, 2, 3]"]
    some = cli("grad", *words, "--wrt", "y", "--json").json()
    every = cli("grad", *words, "--json").json()
    assert list(some["gradients"]) == ["y"] and some["nodes"] == every["nodes"]
    x, y = np.array([0.1, 0.5, 1.0]), np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(some["nodes"][0]["grad"], y * (1 - np.tanh(x * x) ** 2), rtol=1e-12)
    quiet = cli("grad", *words, "--wrt", "y", "--quiet").out  # pruned: only y's gradient, tanh(x²)
    np.testing.assert_allclose(json.loads(quiet), np.tanh(x * x), rtol=1e-12)


def test_check_in_json(cli):
    data = cli("grad", "norm(W @ x)**2", W, X, "--json", "--check").json()
    assert set(data["check"]) == {"W", "x"}
    assert data["check"]["W"]["elements"] == 4 and data["check"]["W"]["ok"] is True
    assert data["check"]["x"]["relative_error"] < 1e-7
