"""The lecture notes' worked examples (shared/seeds), to 1e-9.

Expected numbers are computed here by hand-written math, independently of the
engine: the chain rule written out for each example.
"""

from __future__ import annotations

import math

import pytest

HEADLINE = ["grad", "(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4"]
NEURON = "1/(1+exp(-(w0*x0+w1*x1+w2)))"
NEURON_BINDINGS = ["-w0", "2", "-x0", "-1", "-w1", "-3", "-x1", "-2", "-w2", "-3"]


def _neuron_expected():
    w0, x0, w1, x1, w2 = 2.0, -1.0, -3.0, -2.0, -3.0
    dot = w0 * x0 + w1 * x1 + w2
    sigma = 1 / (1 + math.exp(-dot))
    dsigma = sigma * (1 - sigma)  # the lectures' (1 - σ)σ
    values = [w0 * x0, w1 * x1, w0 * x0 + w1 * x1, dot, -dot, math.exp(-dot), 1 + math.exp(-dot), sigma]
    grads = {"w0": x0 * dsigma, "x0": w0 * dsigma, "w1": x1 * dsigma, "x1": w1 * dsigma, "w2": dsigma}
    return values, grads


def test_headline_json(cli):
    run = cli(*HEADLINE, "--json")
    assert run.code == 0, run.err
    data = run.json()
    assert list(data) == ["expression", "value", "gradients", "nodes", "variables"]
    assert data["expression"] == "(x+y)*z"
    assert data["value"] == pytest.approx(-12, abs=1e-9)
    assert data["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}
    s0, f = data["nodes"]
    assert s0 == {
        "name": "s0",
        "op": "add",
        "expr": "x + y",
        "inputs": ["x", "y"],
        "value": 3.0,
        "grad": -4.0,
        "local": {"x": {"symbolic": "1", "value": 1.0}, "y": {"symbolic": "1", "value": 1.0}},
        "downstream": {"x": -4.0, "y": -4.0},
        "edges": [
            {"input": "x", "local": {"symbolic": "1", "value": 1.0}, "downstream": -4.0},
            {"input": "y", "local": {"symbolic": "1", "value": 1.0}, "downstream": -4.0},
        ],
        "pattern": "distributor",
    }
    assert f["name"] == "f" and f["op"] == "mul" and f["pattern"] == "switcher"
    assert f["local"] == {"s0": {"symbolic": "z", "value": -4.0}, "z": {"symbolic": "s0", "value": 3.0}}
    assert f["downstream"] == {"s0": -4.0, "z": 3.0}
    assert data["variables"] == [
        {"name": "x", "value": -2.0, "grad": -4.0, "uses": 1},
        {"name": "y", "value": 5.0, "grad": -4.0, "uses": 1},
        {"name": "z", "value": -4.0, "grad": 3.0, "uses": 1},
    ]


def test_headline_quiet_is_exact(cli):
    run = cli(*HEADLINE, "--quiet")
    assert (run.code, run.out, run.err) == (0, "x\t-4.0\ny\t-4.0\nz\t3.0\n", "")


def test_headline_table_plain_text(cli):
    run = cli(*HEADLINE)
    assert run.code == 0
    assert "\x1b[" not in run.out  # stdout is not a terminal: no ANSI codes
    rows = [line.split() for line in run.out.splitlines()]
    assert ["f", "=", "s0", "*", "z", "-12", "1", "s0", "z", "=", "-4", "-4", "switcher"] in rows
    assert "distributor" in run.out


def test_neuron_nodes_values_and_gradients(cli):
    values, grads = _neuron_expected()
    data = cli("grad", NEURON, *NEURON_BINDINGS, "--json").json()
    nodes = data["nodes"]
    assert [n["op"] for n in nodes] == ["mul", "mul", "add", "add", "neg", "exp", "add", "div"]
    assert [n["name"] for n in nodes] == ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "f"]
    assert [n["expr"] for n in nodes][4:] == ["-s3", "exp(s4)", "1 + s5", "1 / s6"]
    for node, expected in zip(nodes, values):
        assert node["value"] == pytest.approx(expected, abs=1e-9)
    # The lectures' rounded figures.
    assert [round(n["value"], 2) for n in nodes] == [-2, 6, 4, 1, -1, 0.37, 1.37, 0.73]
    for name, expected in grads.items():
        assert data["gradients"][name] == pytest.approx(expected, abs=1e-9)
    assert {k: round(v, 2) for k, v in data["gradients"].items()} == {
        "w0": -0.2,
        "x0": 0.39,
        "w1": -0.39,
        "x1": -0.59,
        "w2": 0.2,
    }
    assert nodes[4]["pattern"] == "scaler" and nodes[4]["local"]["s3"]["value"] == -1.0


def test_neuron_fused_sigmoid_same_gradients_fewer_nodes(cli):
    plain = cli("grad", NEURON, *NEURON_BINDINGS, "--json").json()
    fused = cli("grad", NEURON, *NEURON_BINDINGS, "--json", "--fuse", "sigmoid").json()
    assert [n["op"] for n in fused["nodes"]] == ["mul", "mul", "add", "add", "sigmoid"]
    last = fused["nodes"][-1]
    assert last["local"]["s3"]["symbolic"] == "(1 - sigmoid(s3))*sigmoid(s3)"
    sigma = 1 / (1 + math.exp(-1.0))
    assert last["local"]["s3"]["value"] == pytest.approx(sigma * (1 - sigma), abs=1e-12)
    for name, grad in plain["gradients"].items():
        assert fused["gradients"][name] == pytest.approx(grad, abs=1e-12)
    assert fused["value"] == pytest.approx(plain["value"], abs=1e-12)


def test_fuse_matches_either_order_of_the_sum(cli):
    data = cli("grad", "1/(exp(-t)+1)", "-t", "0.5", "--json", "--fuse", "sigmoid").json()
    assert [n["op"] for n in data["nodes"]] == ["sigmoid"]
    sigma = 1 / (1 + math.exp(-0.5))
    assert data["gradients"]["t"] == pytest.approx(sigma * (1 - sigma), abs=1e-12)


@pytest.mark.parametrize("expr", ["sum((W @ x)**2)", "norm(W @ x)**2"])
def test_vector_worked_example(cli, expr):
    data = cli("grad", expr, "W=[[0.1,0.5],[-0.3,0.8]]", "x=[0.2,0.4]", "--json").json()
    # q = W·x = [0.22, 0.26]; f = |q|^2; df/dW = 2·q·xᵀ; df/dx = 2·Wᵀ·q (computed here by hand)
    q = [0.1 * 0.2 + 0.5 * 0.4, -0.3 * 0.2 + 0.8 * 0.4]
    assert data["value"] == pytest.approx(q[0] ** 2 + q[1] ** 2, abs=1e-12) and round(data["value"], 3) == 0.116
    expected_w = [[2 * q[0] * 0.2, 2 * q[0] * 0.4], [2 * q[1] * 0.2, 2 * q[1] * 0.4]]
    expected_x = [2 * (0.1 * q[0] - 0.3 * q[1]), 2 * (0.5 * q[0] + 0.8 * q[1])]
    assert data["gradients"]["W"] == [pytest.approx(row, abs=1e-12) for row in expected_w]
    assert data["gradients"]["x"] == pytest.approx(expected_x, abs=1e-12)
    assert data["gradients"]["W"] == [pytest.approx([0.088, 0.176], abs=1e-12), pytest.approx([0.104, 0.208], abs=1e-12)]
    assert data["gradients"]["x"] == pytest.approx([-0.112, 0.636], abs=1e-12)
    assert data["nodes"][0]["shape"] == [2] and data["nodes"][-1]["shape"] == []
