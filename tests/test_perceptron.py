"""``backprop perceptron`` (issue #16): the notes' threshold unit, learning rule, XOR and collapse.

Every expected number here is worked out independently: truth tables written out by hand,
the unit re-implemented in ``_fires`` with exact fractions, the learning rule's first epochs
traced by hand, the collapse compared with NumPy's own matrix product.
"""

from __future__ import annotations

import json
from fractions import Fraction
from itertools import product

import numpy as np
import pytest

from backprop_cli.perceptron.learning import learn
from backprop_cli.perceptron.region import Region, polygon

TABLES = {  # rows (0,0), (0,1), (1,0), (1,1)
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}
ROWS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def _fires(w, theta, x) -> int:
    return int(w[0] * x[0] + w[1] * x[1] > theta)


def _implements(gate, w, theta) -> bool:
    return [_fires(w, theta, x) for x in ROWS] == TABLES[gate]


@pytest.mark.parametrize("gate", sorted(TABLES))
def test_every_gates_truth_table(cli, gate):
    run = cli("perceptron", gate, "--json")
    assert run.code == 0, run.err
    document = run.json()
    assert [row["x"] for row in document["rows"]] == [list(x) for x in ROWS]
    assert [row["gate"] for row in document["rows"]] == TABLES[gate]
    w, theta = [Fraction(str(v)) for v in document["weights"]], Fraction(str(document["theta"]))
    assert [row["unit"] for row in document["rows"]] == [_fires(w, theta, x) for x in ROWS]
    assert document["implements"] == (gate != "xor")  # the documented defaults implement every gate but xor


@pytest.mark.parametrize("weights", [("0.2", "0.35"), ("0.4", "0.2")])
def test_the_notes_weights_implement_and_at_theta_one_half(cli, weights):
    run = cli("perceptron", "and", "--theta", "0.5", "--weights", *weights)
    assert run.code == 0
    assert "These weights implement AND at θ = 0.5." in run.out
    units = [line.split()[3] for line in run.out.splitlines()[4:8]]
    assert units == ["0", "0", "0", "1"]


def test_weights_that_miss_say_so_and_still_exit_0(cli):
    # 0.3 + 0.2 = 0.5 is not > 0.5 (exactly: as floats 0.3 + 0.2 is 0.5 too), so (1, 1) does not fire
    run = cli("perceptron", "and", "--weights", "0.3", "0.2")
    assert run.code == 0
    assert "These weights do not implement AND at θ = 0.5: the unit is wrong on 1 of 4 rows." in run.out


def test_exact_arithmetic_decides_the_boundary(cli):
    # As floats 0.4 + 0.2 = 0.6000000000000001 > 0.6; exactly it is 0.6, not > 0.6: (1, 1) stays silent
    run = cli("perceptron", "and", "--theta", "0.6", "--weights", "0.4", "0.2", "--json")
    assert run.json()["rows"][3]["unit"] == 0 and run.json()["implements"] is False


def test_learning_traces_the_rule_by_hand(cli):
    # From zeros, η = 0.1, rows in order. Epoch 1: only (1,1) is wrong: w = (0.1, 0.1), θ = -0.1.
    # Epoch 2: (0,0) fires (0 > -0.1): θ = 0; (0,1) fires (0.1 > 0): w2 = 0, θ = 0.1; (1,0): 0.1 is not > 0.1,
    # right; (1,1): 0.1 is not > 0.1, wrong: w = (0.2, 0.1), θ = 0. Three mistakes.
    document = cli("perceptron", "and", "--learn", "--json").json()
    assert document["start"] == {"weights": [0.0, 0.0], "theta": 0.0}
    assert document["epochs"][0] == {"epoch": 1, "weights": [0.1, 0.1], "theta": -0.1, "mistakes": 1}
    assert document["epochs"][1] == {"epoch": 2, "weights": [0.2, 0.1], "theta": 0.0, "mistakes": 3}
    assert document["converged"] is True and document["epochs"][-1]["mistakes"] == 0


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
@pytest.mark.parametrize("seed", [None, 0, 1, 7, 42])
def test_learning_converges_on_the_separable_gates(gate, seed):
    run = learn(gate, Fraction("0.1"), 20, seed)
    assert run.converged
    last = run.epochs[-1]
    assert _implements(gate, last.weights, last.theta)
    assert all(epoch.mistakes > 0 for epoch in run.epochs[:-1])


@pytest.mark.parametrize("seed", [None, 0, 3])
def test_learning_never_converges_on_xor(seed):
    run = learn("xor", Fraction("0.1"), 500, seed)
    assert not run.converged and len(run.epochs) == 500
    assert all(epoch.mistakes > 0 for epoch in run.epochs)


def test_learning_on_xor_says_why_it_stopped(cli):
    run = cli("perceptron", "xor", "--learn", "--epochs", "7")
    assert run.code == 0
    assert "Stopped after 7 epochs, with mistakes in every one: XOR is not linearly separable" in run.out


def test_a_seeded_start_is_drawn_in_hundredths_and_repeats(cli):
    first = cli("perceptron", "or", "--learn", "--seed", "5", "--json").json()
    assert first == cli("perceptron", "or", "--learn", "--seed", "5", "--json").json()
    start = first["start"]["weights"] + [first["start"]["theta"]]
    assert all(-0.5 <= v <= 0.5 and round(v * 100) == pytest.approx(v * 100) for v in start)
    assert start != [0.0, 0.0, 0.0]


def test_the_and_region_boundaries_exactly():
    region = Region("and", Fraction("0.5"))  # w1 ≤ 0.5, w2 ≤ 0.5, w1 + w2 > 0.5
    assert region.contains((Fraction("0.5"), Fraction("0.5")))  # both bounds of ≤ hold with equality
    assert not region.contains((Fraction("0.5") + Fraction(1, 10**9), Fraction("0.3")))
    assert not region.contains((Fraction("0.25"), Fraction("0.25")))  # w1 + w2 = θ: not > θ
    assert region.contains((Fraction("0.25"), Fraction("0.25") + Fraction(1, 10**9)))
    corners = sorted(polygon(region))
    assert corners == [(Fraction(0), Fraction("0.5")), (Fraction("0.5"), Fraction(0)), (Fraction("0.5"), Fraction("0.5"))]


@pytest.mark.parametrize("gate", sorted(TABLES))
@pytest.mark.parametrize("theta", ["-1", "-0.5", "0", "0.25", "0.5", "2"])
def test_the_region_agrees_with_the_unit_on_a_grid(gate, theta):
    theta = Fraction(theta)
    region = Region(gate, theta)
    grid = [Fraction(k, 8) for k in range(-24, 25)]
    inside = [(a, b) for a, b in product(grid, grid) if _implements(gate, (a, b), theta)]
    assert inside == [(a, b) for a, b in product(grid, grid) if region.contains((a, b))]
    if region.empty_reason() is None:  # a nonempty region has a point inside: its polygon's centre, nudged
        corners = polygon(region)
        centre = (sum(c[0] for c in corners) / len(corners), sum(c[1] for c in corners) / len(corners))
        assert _implements(gate, centre, theta)
    else:
        assert inside == []


@pytest.mark.parametrize("theta", ["-2", "-0.5", "0", "0.5", "3"])
def test_the_xor_region_is_empty_at_every_theta(cli, theta):
    assert Region("xor", Fraction(theta)).empty_reason() is not None
    run = cli("perceptron", "xor", "--theta", theta, "--json")
    assert run.json()["region"]["empty"] is True
    assert f"No weights implement XOR at θ = {theta}:" in cli("perceptron", "xor", "--theta", theta).out


def test_the_region_chart_marks_the_notes_weights(cli):
    out = cli("perceptron", "and").out
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith(" 1 w2 "))
    chart = lines[top : top + 21]
    assert chart[10].startswith(" 0    ----") and chart[20].startswith("-1    ....")
    # (0.2, 0.35): column 20 + 0.2/0.05 = 24, row 10 - 0.35/0.1 = 6.5 -> 6 (rounded half to even); (0.4, 0.2): column 28, row 8
    body = [line[-41:] for line in chart]
    assert body[6][24] == "A" and body[8][28] == "B"
    assert "A (0.2, 0.35) (the notes'; these weights)   B (0.4, 0.2) (the notes')" in out


def test_the_region_png(cli, tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "and.png"
    run = cli("perceptron", "and", "--plot", str(target))
    assert run.code == 0, run.err
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_two_layers_implement_xor_on_all_four_inputs(cli):
    document = cli("perceptron", "xor", "--layers", "2", "--json").json()
    assert [row["hidden"] for row in document["rows"]] == [[0, 1], [1, 1], [1, 1], [1, 0]]  # OR, NAND
    assert [row["output"] for row in document["rows"]] == TABLES["xor"]
    assert document["implements"] is True
    assert all(point["gradient"] == 0.0 for point in document["step_gradients"])
    assert [p["value"] for p in document["step_gradients"]] == [0.0, 0.0, 1.0, 1.0]
    sigmoid = {p["x"]: p["gradient"] for p in document["sigmoid_gradients"]}
    s = 1 / (1 + np.exp(-2.0))
    assert sigmoid[2.0] == pytest.approx(s * (1 - s), rel=1e-12)


def test_two_layers_point_to_train_and_explain_the_step(cli):
    out = cli("perceptron", "xor", "--layers", "2").out
    assert "Right on all 4 inputs: these two layers implement XOR." in out
    assert "backprop train --dataset xor" in out
    assert "The operator table has no step function; relu(x)/abs(x) is the step for x ≠ 0." in out


def test_two_layers_with_the_users_weights(cli):
    # h1 = x1 AND NOT x2, h2 = x2 AND NOT x1, y = h1 OR h2: another XOR
    hidden = "[[1, -1, 0.5], [-1, 1, 0.5]]"
    run = cli("perceptron", "xor", "--layers", "2", "--hidden-weights", hidden, "--output-weights", "[1, 1, 0.5]", "--json")
    assert [row["hidden"] for row in run.json()["rows"]] == [[0, 0], [0, 1], [1, 0], [0, 0]]
    assert run.json()["implements"] is True


def test_collapse_is_exact_to_1e_12(cli):
    document = cli("perceptron", "--collapse", "--seed", "3", "--json").json()
    w1, w2 = np.array(document["w1"]), np.array(document["w2"])
    assert w1.shape == (3, 2) and w2.shape == (1, 3)
    assert np.allclose(document["product"], w2 @ w1, rtol=0, atol=1e-15)
    for row in document["rows"]:
        x = np.array(row["x"], dtype=float)
        assert np.allclose(row["layered"], w2 @ (w1 @ x), rtol=0, atol=1e-15)
        assert abs(row["layered"][0] - row["product"][0]) <= 1e-12
    assert [row["x"] for row in document["rows"]] == [list(x) for x in ROWS]
    assert document["same"] is True


def test_collapse_with_given_layers(cli):
    run = cli("perceptron", "--collapse", "--hidden-weights", "[[1, 2], [3, 4]]", "--output-weights", "[[5, 6]]", "--json")
    document = run.json()
    assert document["product"] == [[23.0, 34.0]]  # 5·1 + 6·3, 5·2 + 6·4
    assert [row["layered"] for row in document["rows"]] == [[0.0], [34.0], [23.0], [57.0]]


BAD = [
    (["xnor"], "unknown gate 'xnor': choose and, or, nand, nor or xor"),
    (["and", "--theta", "abc"], "--theta must be a finite number of size at most 1e12, got 'abc'"),
    (["and", "--theta", "nan"], "--theta must be a finite number of size at most 1e12, got 'nan'"),
    (["and", "--weights", "0.2", "1e13"], "--weights must be a finite number of size at most 1e12, got '1e13'"),
    (["and", "--layers", "3"], "--layers must be 1 or 2, got 3"),
    (["and", "--learn", "--collapse"], "choose one of --learn, --layers 2 and --collapse, not --learn and --collapse"),
    (["and", "--learn", "--theta", "0.5"], "--theta does not go with --learn"),
    (["and", "--rate", "0.5"], "--rate does not go with the truth table"),
    (["and", "--learn", "--rate", "-1"], "--rate must be greater than 0, got -1"),
    (["and", "--learn", "--epochs", "0"], "--epochs must be 1 to 10,000, got 0"),
    (["and", "--layers", "2"], "--layers 2 has default weights for xor only; give --hidden-weights and --output-weights"),
    (["and", "--collapse"], "--collapse takes no GATE: its inputs are every 0/1 vector of W1's width"),
    ([], "give a GATE: and, or, nand, nor or xor (only --collapse needs none)"),
    (
        ["--collapse", "--hidden-weights", "[[1, 2]]", "--output-weights", "[[1, 2]]"],
        "W2·W1 needs as many columns in --output-weights as rows in --hidden-weights: 2 and 1",
    ),
    (["--collapse", "--hidden-weights", "[[1, 2]]"], "--collapse needs both --hidden-weights (W1) and --output-weights (W2)"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line_and_exit_2(cli, args, message):
    run = cli("perceptron", *args)
    assert run.code == 2
    assert run.err.startswith("backprop: error: " + message)
    assert run.err.count("\n") == 1 and run.out == ""


def test_korean_words(cli):
    run = cli("perceptron", "and", "--lang", "ko")
    assert "이 가중치는 θ = 0.5에서 AND을(를) 구현합니다." in run.out
    assert "유닛" in run.out.splitlines()[2]
    learned = cli("perceptron", "xor", "--learn", "--lang", "ko").out
    assert "XOR은 선형 분리가 불가능하므로" in learned and "에포크" in learned
    error = cli("perceptron", "xnor", "--lang", "ko")
    assert error.code == 2 and "알 수 없는 게이트 'xnor'" in error.err


def test_json_keys_do_not_change_with_the_language(cli):
    english = cli("perceptron", "xor", "--layers", "2", "--json").json()
    assert json.dumps(english) == json.dumps(cli("perceptron", "xor", "--layers", "2", "--json", "--lang", "ko").json())


def test_the_command_is_in_the_help(cli):
    run = cli("--help")
    assert "perceptron" in run.out
    page = cli("perceptron", "--help").out
    assert "--learn" in page and "--collapse" in page and "backprop perceptron xor --layers 2" in page
