"""How a student's number is read and when it is right (mark.numbers; docs/marking.md)."""

from __future__ import annotations

import pytest
from mark_helpers import english  # noqa: F401 (an autouse fixture)

from backprop_cli.mark.numbers import Unreadable, read_answer

SIGMA_PRIME = 0.19661193324148185  # σ(1)(1 - σ(1)), the neuron's ∂f/∂w2


@pytest.mark.parametrize(
    ("text", "comma", "number", "digits"),
    [
        ("-4", False, -4.0, 1),
        ("  3 ", False, 3.0, 1),
        ("\u22123", False, -3.0, 1),  # U+2212, copied from the notes
        ("+3", False, 3.0, 1),
        ("1e-3", False, 0.001, 1),
        ("1.97e-1", False, 0.197, 3),
        ("0,5", True, 0.5, 1),
        ("-0,1966", True, -0.1966, 4),
        ("0.200", False, 0.2, 3),
        ("0.0500", False, 0.05, 3),
        ("1200", False, 1200.0, 2),
        ("1200.", False, 1200.0, 4),
        (".5", False, 0.5, 1),
    ],
)
def test_numbers_as_students_write_them(text, comma, number, digits):
    answer = read_answer(text, decimal_comma=comma)
    assert (answer.number, answer.digits) == (number, digits)


def test_a_blank_cell_is_none_and_a_fraction_is_exact():
    assert read_answer("  ", False) is None
    assert read_answer("-1/4", False).number == -0.25


@pytest.mark.parametrize(
    ("text", "comma", "reason"),
    [
        ("abc", False, "'abc' is not a number"),
        ("0,5", False, "'0,5' has a comma: write the decimal point as '.'"),
        ("1.234,5", True, "'1.234,5' has both '.' and ',': write one decimal mark"),
        ("x+y", False, "'x+y' is not a number"),
        ("1e", False, "'1e' is not a number"),
        ("1/0", False, "'1/0' is not a number"),
    ],
)
def test_what_is_not_a_number_says_why(text, comma, reason):
    with pytest.raises(Unreadable) as raised:
        read_answer(text, comma)
    assert str(raised.value) == reason


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("0.1966", True),  # 4 digits, |0.1966 - 0.19661193| = 1.2e-5 <= 5e-5
        ("0.197", True),  # 3 digits, 3.9e-4 <= 5e-4
        ("0.19661", True),
        ("1.966e-1", True),
        ("0.196", False),  # 3 digits, 1.6e-3 > 5e-4
        ("0.1967", False),  # 4 digits, 8.8e-5 > 5e-5
        ("0.20", False),  # rounds right, but only 2 digits (--min-digits 3)
        ("0.2", False),
        ("0.200", False),  # 3 digits, 3.4e-3 > 5e-4
        ("-0.1966", False),
    ],
)
def test_the_rounding_rule_at_its_edges(text, right):
    assert read_answer(text, False).matches(SIGMA_PRIME, 1e-6, 3) is right


def test_min_digits_and_the_tolerance_decide_the_rest():
    assert not read_answer("0.197", False).matches(SIGMA_PRIME, 1e-6, 4)
    assert read_answer("0.20", False).matches(SIGMA_PRIME, 1e-6, 2)
    assert read_answer("0.2", False).matches(SIGMA_PRIME, 0.02, 3)  # |0.2 - 0.1966| = 3.4e-3 <= 0.02·1
    assert read_answer("-4", False).matches(-4.0, 1e-6, 3)  # exact: the digits do not matter
    assert read_answer("-4.000001", False).matches(-4.0, 1e-6, 3)  # within 1e-6 · 4
    assert not read_answer("-4.0001", False).matches(-4.0, 1e-6, 3)


def test_a_tie_rounds_either_way():
    # 0.1245 is a tie at 3 digits: 0.124 (half to even) and 0.125 (half up) are both right
    assert read_answer("0.124", False).matches(0.1245, 1e-6, 3)
    assert read_answer("0.125", False).matches(0.1245, 1e-6, 3)
    assert not read_answer("0.126", False).matches(0.1245, 1e-6, 3)
