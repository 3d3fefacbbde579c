"""Each misconception of the table, diagnosed on the gates of the seeds' examples, with the wrong
number worked out by hand: headline (x+y)*z at x=-2, y=5, z=-4 (s0 = 3, f = -12, ∂f/∂s0 = -4,
∂f/∂z = 3, ∂f/∂x = ∂f/∂y = -4) and the neuron with w0=2 x0=-1 w1=-3 x1=-2 w2=-3 (every node
below the sigmoid has ∂f/∂s = σ(1)(1-σ(1)) = 0.1966, σ(1) = 0.7311)."""

from __future__ import annotations

import pytest
from mark_helpers import HEADLINE, NEURON, english, key_answers, make_key, sheet_text  # noqa: F401 (english: an autouse fixture)

from backprop_cli.mark.marking import mark_sheet
from backprop_cli.mark.misconceptions import MISCONCEPTIONS
from backprop_cli.mark.sheets import parse_sheet


def diagnosis(key, node: str, wrong_gradient: str):
    """The verdict and misconception of ∂f/∂node on an otherwise right sheet with this one slip."""
    answers = key_answers(key, 6)
    answers[node] = (answers[node][0], wrong_gradient)
    result = mark_sheet(key, parse_sheet(sheet_text(key, answers), "s.csv"))
    cell = next(cell for cell in result.cells if cell.node == node and cell.column == "gradient")
    return cell.verdict, cell.misconception.id if cell.misconception else None, cell.fix_first


@pytest.mark.parametrize(
    ("example", "fuse", "node", "wrong", "expected"),
    [
        # mul: ∂f/∂s0 = upstream · s0 = 1 · 3 instead of 1 · z = -4
        (HEADLINE, (), "s0", "3", "switcher-swapped"),
        # mul: ∂f/∂z = 1 · z = -4 instead of 1 · s0 = 3
        (HEADLINE, (), "z", "-4", "switcher-swapped"),
        # neuron's w0*x0: ∂f/∂w0 = 0.1966 · w0 = 0.3932 instead of 0.1966 · x0 = -0.1966
        (NEURON, (), "w0", "0.3932", "switcher-swapped"),
        # neuron's w1*x1: ∂f/∂x1 = 0.1966 · x1 = -0.3932 instead of 0.1966 · w1 = -0.5898
        (NEURON, (), "x1", "-0.3932", "switcher-swapped"),
        # add: ∂f/∂x = -4 / 2 instead of -4
        (HEADLINE, (), "x", "-2", "split-not-copied"),
        # neuron's s2 + w2: ∂f/∂w2 = 0.1966 / 2 = 0.0983
        (NEURON, (), "w2", "0.0983", "split-not-copied"),
        # neg: ∂f/∂s3 = ∂f/∂s4 · (+1) = -0.1966 instead of · (-1) = 0.1966
        (NEURON, (), "s3", "-0.1966", "dropped-minus"),
        # 1/(1+exp(-s3)) written out: ∂f/∂s3 = 1 · σ = 0.7311 instead of σ(1-σ) = 0.1966
        (NEURON, (), "s3", "0.7311", "sigmoid-sigma"),
        # the fused sigmoid gate: the same slip
        (NEURON, ("sigmoid",), "s3", "0.7311", "sigmoid-sigma"),
    ],
)
def test_a_misconception_on_the_seeds_gates(example, fuse, node, wrong, expected):
    assert diagnosis(make_key(example, fuse), node, wrong) == ("wrong", expected, True)


MAX_TIMES_Z = ("max(x, y)*z", {"x": -2.0, "y": 5.0, "z": -4.0})  # s0 = 5 (y wins), ∂f/∂s0 = -4
MINUS_TIMES_Z = ("(x - y)*z", {"x": -2.0, "y": 5.0, "z": -4.0})  # ∂f/∂x = -4, ∂f/∂y = +4
FAN_OUT = ("x*y + x", {"x": -2.0, "y": 5.0})  # ∂f/∂x = y + 1 = 6


@pytest.mark.parametrize(
    ("example", "node", "wrong", "expected"),
    [
        (MAX_TIMES_Z, "x", "-4", "router-both"),  # the loser x given the whole -4 (right: 0)
        (MAX_TIMES_Z, "y", "0", "router-loser"),  # the winner y given 0 (right: -4)
        (MINUS_TIMES_Z, "y", "-4", "dropped-minus"),  # sub's second input: -4 · (+1), right -4 · (-1) = 4
        (FAN_OUT, "x", "5", "adder-missed"),  # only the mul branch: y = 5 (right: 5 + 1 = 6)
        (FAN_OUT, "x", "1", "adder-missed"),  # only the add branch: 1
    ],
)
def test_a_misconception_at_the_other_gates(example, node, wrong, expected):
    assert diagnosis(make_key(example), node, wrong) == ("wrong", expected, True)


def test_a_wrong_number_no_misconception_explains_is_only_wrong():
    assert diagnosis(make_key(HEADLINE), "z", "7") == ("wrong", None, True)


def test_the_table_has_one_row_per_misconception_with_gates_and_an_explanation():
    ids = [row.id for row in MISCONCEPTIONS]
    assert ids == [
        "switcher-swapped",
        "adder-missed",
        "split-not-copied",
        "router-both",
        "router-loser",
        "sigmoid-sigma",
        "dropped-minus",
    ]
    assert all(row.gates and row.explanation for row in MISCONCEPTIONS)


def test_a_misconception_is_found_from_the_students_own_upstream():
    # ∂f/∂s0 written 2 (wrong); then ∂f/∂x = 2/2 = 1 is "split" of the student's own upstream
    key = make_key(HEADLINE)
    answers = {"x": ("", "1"), "y": ("", "2"), "z": ("", "3"), "s0": ("3", "2"), "f": ("-12", "1")}
    result = mark_sheet(key, parse_sheet(sheet_text(key, answers), "s.csv"))
    cells = {cell.label: cell for cell in result.cells}
    assert cells["∂f/∂x"].verdict == "wrong" and cells["∂f/∂x"].misconception.id == "split-not-copied"
    assert not cells["∂f/∂x"].fix_first and cells["∂f/∂s0"].fix_first
    assert cells["∂f/∂y"].verdict == "carried"
