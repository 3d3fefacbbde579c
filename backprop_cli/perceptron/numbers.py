"""Numbers of ``perceptron``: exact fractions read from the decimals a person typed, and shown back."""

from __future__ import annotations

import json
from fractions import Fraction

from ..errors import UsageError
from ..i18n import _
from ..inputs.bindings import number_hint, parse_number

MAX_SIZE = 1e12  # weights, thresholds and rates beyond this are typing mistakes, not lessons


def _exact(value: float) -> Fraction | None:
    """The decimal ``repr`` of a float as an exact fraction (0.35 is 7/20), or None beyond MAX_SIZE or not finite.

    Through the float's shortest decimal, not the text: "1e-999999999" would otherwise
    build a 10**999999999 denominator.
    """
    if not abs(value) <= MAX_SIZE:
        return None
    return Fraction(repr(value))


def exact_number(text: str, option: str) -> Fraction:
    """``text`` (grad's number rule, finite, at most MAX_SIZE) as the exact fraction it spells; exit 2 otherwise."""
    value = parse_number(text) if isinstance(text, str) else None
    exact = None if value is None else _exact(value)
    if exact is None:
        message = _("{option} must be a finite number of size at most 1e12, got {text!r}").format(option=option, text=text)
        raise UsageError(message + number_hint(text))
    return exact


def show(value) -> str:
    """A number as a person reads it: the shortest decimal to 6 significant digits, no -0."""
    number = float(value)
    text = f"{number:.6g}"
    return "0" if text == "-0" else text


def _json_number(text: str) -> Fraction:
    exact = _exact(float(text))
    if exact is None:
        raise ValueError(text)
    return exact


def _json_constant(text: str):
    raise ValueError(text)  # NaN, Infinity: not a weight


def exact_rows(text: str, option: str) -> list[list[Fraction]]:
    """A JSON list of rows of numbers (``[[0.6, 0.6, 0.5], [-0.3, -0.3, -0.5]]``) as exact fractions.

    One flat list is one row. json.loads reads the text: never eval.
    """
    example = _('e.g. "[[0.6, 0.6, 0.5], [-0.3, -0.3, -0.5]]"')
    try:
        rows = json.loads(text, parse_float=_json_number, parse_int=_json_number, parse_constant=_json_constant)
    except ValueError:
        rows = None
    if isinstance(rows, list) and rows and all(isinstance(v, Fraction) for v in rows):
        rows = [rows]
    good = isinstance(rows, list) and rows and all(isinstance(row, list) and row for row in rows)
    if not good or not all(isinstance(v, Fraction) for row in rows for v in row):
        raise UsageError(
            _("{option} must be a JSON list of rows of finite numbers (size at most 1e12), {example}").format(
                option=option, example=example
            )
        )
    if len({len(row) for row in rows}) != 1:
        raise UsageError(_("{option}: every row must have the same length").format(option=option))
    return rows
