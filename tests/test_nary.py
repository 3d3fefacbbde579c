"""max/min of any number of arguments: no recursion, one pass, correct router gradients.

The router gives the whole gradient to the winner; ties split it 1/k under pytorch
and jax and give Heaviside(0) = 1/2 to each tied input under sympy (SPEC §4). The
expected values below follow from that rule by hand.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from backprop_cli.engine import arrays as vector_engine
from backprop_cli.engine import scalar as engine
from backprop_cli.engine.arrays import RowProgram
from backprop_cli.language.graph import stage
from backprop_cli.rules import symbolic

N = 2000
NAMES = [f"x{i}" for i in range(N)]


def _source(op: str, names: list[str] = NAMES) -> str:
    return f"{op}({', '.join(names)})"


def _values(tied: tuple[int, ...] = ()) -> dict[str, float]:
    """x_i = i (x1999 the largest, x0 the smallest); the inputs in ``tied`` all equal 5000."""
    return {name: (5000.0 if i in tied else float(i)) for i, name in enumerate(NAMES)}


def _expected(op: str, winners: list[int], convention: str) -> list[float]:
    share = 1.0 / len(winners) if convention != "sympy" or len(winners) == 1 else 0.5
    return [share if i in winners else 0.0 for i in range(N)]


@pytest.mark.parametrize("op, winner", [("max", N - 1), ("min", 0)])
def test_two_thousand_distinct_arguments_route_to_the_winner_in_every_engine(op, winner):
    graph = stage(_source(op))
    values = _values()
    want = _expected(op, [winner], "pytorch")
    result = engine.evaluate(graph, values)
    assert result.value == values[NAMES[winner]]
    assert [result.gradient(n) for n in NAMES] == want
    _, grads = RowProgram(graph).run({n: np.array([v]) for n, v in values.items()}, 1)
    assert [float(grads[n][0]) for n in NAMES] == want
    vector = vector_engine.evaluate(stage(f"sum({_source(op)})"), {n: np.array([v]) for n, v in values.items()})
    assert [float(vector.gradient(n)[0]) for n in NAMES] == want


@pytest.mark.parametrize("convention", ["pytorch", "jax", "sympy"])
def test_a_three_way_tie_among_two_thousand(convention):
    graph = stage(_source("max"))
    values = _values(tied=(3, 700, 1999))
    want = _expected("max", [3, 700, 1999], convention)
    result = engine.evaluate(graph, values, convention)
    assert [result.gradient(n) for n in NAMES] == want
    assert list(result.kinks.values())[0].startswith(f"max tie: {convention} gives ")
    _, grads = RowProgram(graph, convention).run({n: np.array([v]) for n, v in values.items()}, 1)
    assert [float(grads[n][0]) for n in NAMES] == want


def test_rows_with_different_winners_and_a_nan_row():
    graph = stage(_source("min"))
    columns = {n: np.array([float(i), float(-i), np.nan if i == 5 else 1.0]) for i, n in enumerate(NAMES)}
    _, grads = RowProgram(graph).run(columns, 3)
    assert grads["x0"][0] == 1.0 and grads[NAMES[-1]][1] == 1.0
    assert sum(grads[n][0] for n in NAMES) == 1.0 and sum(grads[n][1] for n in NAMES) == 1.0
    assert all(np.isnan(grads[n][2]) for n in NAMES)  # no winner among nan, as in grad
    scalar = engine.evaluate(graph, {n: float(c[2]) for n, c in columns.items()})
    assert all(np.isnan(scalar.gradient(n)) for n in NAMES)


def test_cli_json_and_quiet_for_two_thousand_arguments(cli, tmp_path):
    bindings = tmp_path / "b.json"
    bindings.write_text(json.dumps(_values()))
    expression = tmp_path / "max.txt"
    expression.write_text(_source("max"))
    run = cli("grad", f"@{expression}", "--bindings", str(bindings), "--json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["gradients"]["x1999"] == 1.0 and data["gradients"]["x0"] == 0.0
    local = data["nodes"][0]["local"]
    assert local["x0"]["symbolic"] == "Heaviside(x0 - max of the 1999 other inputs)"
    assert local["x1999"]["value"] == 1.0
    quiet = cli("grad", f"@{expression}", "--bindings", str(bindings), "--quiet", "--wrt", "x1999")
    assert (quiet.code, quiet.out) == (0, "1.0\n")


def test_one_variable_repeated_two_thousand_times(cli):
    source = _source("max", ["x"] * N)
    run = cli("grad", source, "-x", "3", "--json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["value"] == 3.0
    assert data["gradients"]["x"] == 1.0  # 2000 shares of 1/2000, the last one making it whole
    edges = data["nodes"][0]["edges"]
    assert len(edges) == N and all(e["local"]["value"] == pytest.approx(1 / N, rel=1e-9) for e in edges)  # shares of the tie
    assert data["nodes"][0]["local"]["x"]["value"] == 1.0  # max(x, x, ...) is x: the shares add up to 1
    assert data["nodes"][0]["local"]["x"]["symbolic"] == f"{N}*(Heaviside(x - max of the {N - 1} other inputs))"
    assert data["nodes"][0]["kink"].startswith("max tie: pytorch gives 0.0005, 0.0005, ")


@pytest.mark.parametrize("op", ["max", "min"])
def test_router_text_is_sympys_derivative_for_a_few_arguments(op):
    # SymPy's own derivative (slow, but fine for five arguments) against the text built directly
    names = [f"v{i}" for i in range(5)]
    assert symbolic.local_symbolic(op, names, [False] * 5) == _via_sympy(op, tuple(range(5)), names)
    labels, constant = ["2", "x", "y", "z"], [True, False, False, False]
    assert symbolic.local_symbolic(op, labels, constant) == _via_sympy(op, ("2", 0, 1, 2), ["x", "y", "z"])


def _via_sympy(op: str, signature: tuple, names: list[str]) -> list[str]:
    return [symbolic._fill(t, names) for t in symbolic._derive(op, signature)]


def test_router_text_names_up_to_eight_others_and_counts_beyond():
    nine = [f"a{i}" for i in range(9)]
    assert symbolic.local_symbolic("max", nine, [False] * 9)[0] == f"Heaviside(a0 - Max({', '.join(nine[1:])}))"
    ten = [*nine, "a9"]
    assert symbolic.local_symbolic("min", ten, [False] * 10)[0] == "Heaviside(-a0 + min of the 9 other inputs)"
    assert symbolic.local_symbolic("min", ["x", "x", "x", "-2"], [False, False, False, True]) == ["Heaviside(-x - 2)"]


@pytest.mark.parametrize("copies", [3, 10, 500, 5000])
def test_an_input_tied_with_itself_gets_exactly_the_whole_gradient(cli, copies):
    run = cli("grad", _source("max", ["x"] * copies), "-x", "1", "--quiet")
    assert (run.code, run.out) == (0, "x\t1.0\n")  # was 1.0000000000000007 for 500 copies


def test_repeated_tied_inputs_get_m_over_k_and_distinct_ones_keep_1_over_k(cli):
    # 6 tied edges: x three times, y twice, z once -> 3/6, 2/6 and 1/6 of the upstream 3
    run = cli("grad", "max(x, y, x, x, y, z) * 3", "-x", "1", "-y", "1", "-z", "1", "--quiet")
    assert run.out == "x\t1.5\ny\t1.0\nz\t0.5\n"
    run = cli("grad", "max(x, y, z)", "-x", "1", "-y", "1", "-z", "1", "--quiet")
    assert run.out == f"x\t{1 / 3}\ny\t{1 / 3}\nz\t{1 / 3}\n"  # distinct inputs: 1/3 each, as before


@pytest.mark.parametrize("convention", ["pytorch", "jax", "sympy"])
def test_repeated_ties_agree_bit_for_bit_in_the_three_engines(convention):
    source = "max(" + ", ".join(["x", "y"] * 250 + ["z"] * 7) + ") * w"
    graph, vector_graph = stage(source), stage(f"sum({source})")
    rows = {
        "x": np.array([1.0, 1.0, 2.0, np.nan, 1.0]),
        "y": np.array([1.0, 0.0, 2.0, 1.0, 1.0]),
        "z": np.array([1.0, 1.0, 2.0, 1.0, 3.0]),
        "w": np.array([0.3, 1.7, 1.0, 1.0, 1.0]),
    }
    _, grads = RowProgram(graph, convention, span=2).run(rows, 5)
    for r in range(5):
        scalar = engine.evaluate(graph, {k: float(c[r]) for k, c in rows.items()}, convention)
        vector = vector_engine.evaluate(vector_graph, {k: c[r : r + 1] for k, c in rows.items()}, convention)
        expected = [scalar.gradient(n) for n in "xyzw"]
        assert np.array_equal(expected, [grads[n][r] for n in "xyzw"], equal_nan=True), (r, convention)
        assert np.array_equal(expected, [vector.gradient(n)[0] for n in "xyzw"], equal_nan=True), (r, convention)
    # row 4: z wins on its own but is 7 tied edges; sympy gives each Heaviside(0) = 1/2
    assert np.isnan(grads["x"][3]) and grads["z"][4] == (3.5 if convention == "sympy" else 1.0)
