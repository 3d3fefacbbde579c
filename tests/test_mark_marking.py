"""Marking one sheet: right, carried (follow-through), wrong and "fix first", on the seeds' examples."""

from __future__ import annotations

import math

import pytest
from mark_helpers import HEADLINE, NEURON, english, key_answers, make_key, rounded, sheet_text  # noqa: F401 (english: an autouse fixture)

from backprop_cli.mark.marking import mark_sheet
from backprop_cli.mark.sheets import SheetError, parse_sheet


def marked(key, answers, **options):
    return mark_sheet(key, parse_sheet(sheet_text(key, answers), "sheet.csv"), **options)


def verdicts(result) -> dict:
    return {cell.label: cell.verdict for cell in result.cells}


def test_a_correct_headline_sheet_is_all_right():
    key = make_key(HEADLINE)
    answers = {"x": ("", "-4"), "y": ("", "-4"), "z": ("", "3"), "s0": ("3", "-4"), "f": ("-12", "1")}
    result = marked(key, answers)
    assert verdicts(result) == {
        "∂f/∂x": "right",
        "∂f/∂y": "right",
        "∂f/∂z": "right",
        "s0": "right",
        "∂f/∂s0": "right",
        "f": "right",
        "∂f/∂f": "right",
    }
    assert result.notes == [] and not any(cell.fix_first or cell.misconception for cell in result.cells)


def test_a_correct_neuron_sheet_rounded_to_four_digits_is_all_right():
    key = make_key(NEURON)
    result = marked(key, key_answers(key, 4))
    assert set(verdicts(result).values()) == {"right"} and len(result.cells) == 5 + 2 * 8


def student_neuron_with_a_slip() -> dict:
    """The neuron worked by a student who wrote s0 = w0·x0 = 2 (not -2), then carried on
    correctly from their own numbers, each written with 4 significant digits."""
    w0, x0, w1, x1, w2 = 2.0, -1.0, -3.0, -2.0, -3.0
    v = {"s0": 2.0, "s1": w1 * x1}
    v["s2"] = float(rounded(v["s0"] + v["s1"]))  # 8
    v["s3"] = float(rounded(v["s2"] + w2))  # 5
    v["s4"] = -v["s3"]  # -5
    v["s5"] = float(rounded(math.exp(v["s4"])))  # 0.006738
    v["s6"] = float(rounded(1 + v["s5"]))  # 1.007
    v["f"] = float(rounded(1 / v["s6"]))  # 0.993
    g = {"f": 1.0}
    g["s6"] = float(rounded(-1 / v["s6"] ** 2))
    g["s5"] = g["s6"]
    g["s4"] = float(rounded(g["s5"] * v["s5"]))
    g["s3"] = -g["s4"]
    g["s2"] = g["w2"] = g["s0"] = g["s1"] = g["s3"]
    g.update(w0=float(rounded(g["s0"] * x0)), x0=float(rounded(g["s0"] * w0)))
    g.update(w1=float(rounded(g["s1"] * x1)), x1=float(rounded(g["s1"] * w1)))
    return {name: (rounded(v[name]) if name in v else "", rounded(g[name])) for name in g}


def test_one_early_slip_makes_every_later_cell_carried():
    key = make_key(NEURON)
    result = marked(key, student_neuron_with_a_slip())
    assert verdicts(result) == {
        "∂f/∂w0": "carried",
        "∂f/∂x0": "carried",
        "∂f/∂w1": "carried",
        "∂f/∂x1": "carried",
        "∂f/∂w2": "carried",
        "s0": "wrong",
        "∂f/∂s0": "carried",
        "s1": "right",
        "∂f/∂s1": "carried",
        "s2": "carried",
        "∂f/∂s2": "carried",
        "s3": "carried",
        "∂f/∂s3": "carried",
        "s4": "carried",
        "∂f/∂s4": "carried",
        "s5": "carried",
        "∂f/∂s5": "carried",
        "s6": "carried",
        "∂f/∂s6": "carried",
        "f": "carried",
        "∂f/∂f": "right",
    }
    assert [cell.label for cell in result.cells if cell.fix_first] == ["s0"]
    s2 = next(cell for cell in result.cells if cell.label == "s2")
    assert (s2.recomputed, s2.reason) == (8.0, "follows from your s0 = 2")


def test_a_wrong_cell_after_a_wrong_cell_is_not_fix_first():
    key = make_key(HEADLINE)
    answers = {"x": ("", "-4"), "y": ("", "-4"), "z": ("", "5"), "s0": ("4", "-4"), "f": ("-13", "1")}
    result = marked(key, answers)
    assert verdicts(result)["f"] == "wrong" and verdicts(result)["∂f/∂z"] == "wrong"
    assert [cell.label for cell in result.cells if cell.fix_first] == ["s0"]  # f and ∂f/∂z follow s0's slip


def test_rounded_inputs_keep_a_cell_right():
    # s5 written 0.37 would be wrong (2 digits); 0.368 is right, and s6 = 1.368 follows from it.
    key = make_key(NEURON)
    answers = key_answers(key, 4)
    answers["s5"] = ("0.368", answers["s5"][1])
    answers["s6"] = ("1.368", answers["s6"][1])
    result = marked(key, answers)
    assert verdicts(result)["s5"] == verdicts(result)["s6"] == "right"


def test_too_few_digits_is_wrong_and_says_so():
    key = make_key(NEURON)
    answers = key_answers(key, 4)
    answers["w2"] = ("", "0.20")
    cell = next(cell for cell in marked(key, answers).cells if cell.label == "∂f/∂w2")
    assert (cell.verdict, cell.reason) == ("wrong", "rounded to 2 significant digits: write at least 3")
    again = next(cell for cell in marked(key, answers, min_digits=2).cells if cell.label == "∂f/∂w2")
    assert again.verdict == "right"


def test_a_sheet_of_another_exercise_cannot_be_marked():
    key = make_key(HEADLINE)
    with pytest.raises(SheetError) as raised:
        mark_sheet(key, parse_sheet(sheet_text(key, {}, exercise="deadbeef"), "s.csv"))
    assert raised.value.message == f"s.csv: a sheet of exercise deadbeef, but the key is for exercise {key.exercise}"
    text = sheet_text(key, {}).split("\n", 1)[1]  # no #exercise line
    with pytest.raises(SheetError, match="no #exercise line"):
        mark_sheet(key, parse_sheet(text, "s.csv"))
