"""Review #14, marking: follow-through credit for a student who keeps a calculator's precision,
computed here by hand (math), never with the engine."""

from __future__ import annotations

import math

import pytest
from mark_helpers import HEADLINE, NEURON, english, make_key, rounded, sheet_text  # noqa: F401 (english: an autouse fixture)

from backprop_cli.mark.marking import mark_sheet
from backprop_cli.mark.numbers import EXACT, read_answer
from backprop_cli.mark.sheets import parse_sheet


def marked(key, answers, **options):
    return mark_sheet(key, parse_sheet(sheet_text(key, answers), "sheet.csv"), **options)


def neuron_slip_at_calculator_precision() -> dict:
    """The docs' worked example: s0 = 2 (not -2), then every step right from the student's own
    numbers kept at full precision on a calculator, each written with 4 significant digits."""
    w0, x0, w1, x1, w2 = 2.0, -1.0, -3.0, -2.0, -3.0
    v = {"s0": 2.0, "s1": w1 * x1}
    v["s2"] = v["s0"] + v["s1"]
    v["s3"] = v["s2"] + w2
    v["s4"] = -v["s3"]
    v["s5"] = math.exp(v["s4"])  # 0.006737947
    v["s6"] = 1 + v["s5"]  # 1.006738: written 1.007
    v["f"] = 1 / v["s6"]  # 0.993307: written 0.9933 (1/1.007 = 0.99305 would be 0.9930)
    g = {"f": 1.0, "s6": -1 / v["s6"] ** 2}  # -0.98666: written -0.9867 (from 1.007: -0.98615)
    g["s5"] = g["s6"]
    g["s4"] = g["s5"] * v["s5"]
    g["s3"] = -g["s4"]
    g["s2"] = g["s0"] = g["s1"] = g["w2"] = g["s3"]
    g.update(w0=g["s0"] * x0, x0=g["s0"] * w0, w1=g["s1"] * x1, x1=g["s1"] * w1)
    return {name: (rounded(v[name]) if name in v else "", rounded(g[name])) for name in g}


def test_a_slip_carried_at_calculator_precision_is_carried_not_wrong():
    answers = neuron_slip_at_calculator_precision()
    assert (answers["s6"][0], answers["f"][0], answers["s6"][1]) == ("1.007", "0.9933", "-0.9867")
    result = marked(make_key(NEURON), answers)
    verdicts = {cell.label: cell.verdict for cell in result.cells}
    assert verdicts["s0"] == "wrong"
    assert verdicts["f"] == verdicts["∂f/∂s6"] == "carried"
    assert [cell.label for cell in result.cells if cell.fix_first] == ["s0"]
    assert (result.count("right"), result.count("carried"), result.count("wrong")) == (2, 18, 1)


def test_the_rounding_band_does_not_carry_a_real_slip():
    # f = 0.9950 is 0.0019 from 1/1.006738: far outside what rounding s6 to 1.007 (±0.0005) explains.
    answers = neuron_slip_at_calculator_precision()
    answers["f"] = ("0.9950", answers["f"][1])
    verdicts = {cell.label: cell.verdict for cell in marked(make_key(NEURON), answers).cells}
    assert verdicts["f"] == "wrong"


def test_a_whole_number_is_exact_not_a_rounding():
    # s2 = 8 follows from s0 = 2; s3 written 6 (not 5): "8" is no rounding, so its half unit (0.5)
    # does not widen what s3 may be, and s3 stays wrong.
    answers = neuron_slip_at_calculator_precision()
    answers["s3"] = ("6", answers["s3"][1])
    verdicts = {cell.label: cell.verdict for cell in marked(make_key(NEURON), answers).cells}
    assert verdicts["s3"] == "wrong"


HEADLINE_RIGHT = {"x": ("", "-4"), "y": ("", "-4"), "z": ("", "3"), "s0": ("3", "-4"), "f": ("-12", "1")}


def headline_cell(answers, label, **options):
    result = marked(make_key(HEADLINE), answers, **options)
    return next(cell for cell in result.cells if cell.label == label)


def test_a_whole_number_for_a_whole_number_answer_is_no_rounding():
    # f = (x+y)*z = 3 * -4 = -12 by hand. "-10" is a slip, not -12 rounded to 1 digit.
    answers = {**HEADLINE_RIGHT, "f": ("-10", "1")}
    cell = headline_cell(answers, "f")
    assert (cell.verdict, cell.reason) == ("wrong", "")
    assert headline_cell(answers, "f", min_digits=1).verdict == "wrong"


@pytest.mark.parametrize(("text", "number"), [("½", 0.5), ("-¼", -0.25), ("1½", 1.5), ("−¾", -0.75)])
def test_a_vulgar_fraction_is_an_exact_number(text, number):
    answer = read_answer(text, decimal_comma=False)
    assert (answer.number, answer.digits) == (number, EXACT)


def test_a_vulgar_fraction_in_a_sheet_is_right():
    # ∂f/∂z = x + y = -2 + 5 = 3; s0 = 3: "3" right; ∂f/∂x = z = -4 written "-4"; a half would be wrong
    answers = {**HEADLINE_RIGHT, "z": ("", "3")}
    assert headline_cell(answers, "∂f/∂z").verdict == "right"
    assert headline_cell({**answers, "z": ("", "2½")}, "∂f/∂z").verdict == "wrong"


def sigmoid(t: float) -> float:
    return 1 / (1 + math.exp(-t))


@pytest.mark.parametrize(
    ("text", "target", "right"),
    [
        ("0.31", 0.3100255, True),  # typed 0.3100; a spreadsheet saves the number as 0.31
        ("-1.6", -1.600049, True),  # typed -1.600
        ("0.2", 0.19661193, False),  # 0.200 is not 0.1966 rounded: still wrong
        ("0.20", 0.19661193, False),
        ("0", 0.0001, False),  # zero has no digits to pad
        ("10", 12.0, False),  # a whole number for a whole number: no rounding
    ],
)
def test_a_number_saved_without_its_trailing_zeros_is_padded_to_min_digits(text, target, right):
    assert read_answer(text, decimal_comma=False).matches(target, 1e-6, 3) is right


def test_a_spreadsheet_sheet_without_trailing_zeros_is_all_right():
    # sigmoid(w*x+b)*y at w=1, x=0.8, b=-1.6, y=2: s1 = -0.8, s2 = sigmoid(-0.8) = 0.31002552,
    # f = 0.62005104; a student types 0.3100 and 0.6201, the spreadsheet saves 0.31 and 0.6201.
    example = ("sigmoid(w*x+b)*y", {"w": 1.0, "x": 0.8, "b": -1.6, "y": 2.0})
    key = make_key(example)
    s2 = sigmoid(-0.8)
    assert f"{s2:.4g}" == "0.31"
    answers = {cell.node: (rounded(cell.value), rounded(cell.gradient)) for cell in key.cells}
    answers["s2"] = ("0.31", rounded(2.0))
    result = marked(key, answers)
    assert {cell.label: cell.verdict for cell in result.cells}["s2"] == "right"
    assert result.count("right") == len(result.cells)


def test_an_overflowing_recomputation_carries_nothing():
    # s0 = 4.49e307 (a slip): f = s0 * z = -1.796e308 just fits in a float, but s0 + half a unit
    # (4.495e307 * 4) overflows to inf; that must not make every answer for f "carried".
    answers = {**HEADLINE_RIGHT, "s0": ("4.49e307", "-4"), "f": ("7.00", "1")}
    assert headline_cell(answers, "f").verdict == "wrong"


def test_one_significant_digit_is_singular():
    # ∂f/∂w2 of the neuron is 0.19661193: "0.2" is it rounded to 1 significant digit
    key = make_key(NEURON)
    answers = {cell.node: (rounded(cell.value), rounded(cell.gradient)) for cell in key.cells}
    answers["w2"] = ("", "0.2")
    cell = next(cell for cell in marked(key, answers).cells if cell.label == "∂f/∂w2")
    assert (cell.verdict, cell.reason) == ("wrong", "rounded to 1 significant digit: write at least 3")
