"""What every worksheet shows, whatever its format: its rows, its numbers and its words.

A sheet has one row per cell of the key (report.worksheet), in the key's order: the
variables first, their value given and their gradient asked, then the nodes in
evaluation order, value and gradient asked. Numbers are written as a student writes
them (``-4``, ``0.2``, ``0.1966``); the key keeps full precision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..i18n import N_, _
from ..report.worksheet import Key

SIGNIFICANT = 4  # digits a student writes when a number does not end sooner

# The words of the Markdown and LaTeX sheets (translated where they are shown).
TITLE = N_("Backpropagation worksheet")
FORWARD = N_("Forward pass: fill in every node's value, from the inputs to {output}.")
BACKWARD = N_(
    "Backward pass: fill in every gradient ∂{output}/∂node, from ∂{output}/∂{output} = 1 back to the inputs:"
    " downstream = upstream × local."
)
ROUNDING = N_("Write numbers with 4 significant digits.")
INPUTS = N_("Inputs")
NODES = N_("Nodes")
GRAPH = N_("Computational graph")
COLUMNS = (N_("node"), N_("expression"), N_("value"), N_("gradient"))
EXERCISE = N_("Exercise {exercise}")
STUDENT = N_("student {student}")
LEVEL = N_("level {level}")
NAME_LINE = N_("Name:")


@dataclass
class SheetRow:
    """One row of a sheet: the node, its expression, and its value when it is given (else None)."""

    node: str
    expr: str
    value: str | None


def number_text(value: float) -> str:
    """``value`` as a student writes it: ``-4``, ``0.2``, ``0.1966`` (at most 4 significant digits)."""
    if value == 0:
        return "0"  # also -0.0
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.{SIGNIFICANT}g}"
    if "e" in text and 1e-4 <= abs(value) < 1e15:  # .4g writes 12345.6 as 1.235e+04
        text = f"{value:.{SIGNIFICANT}f}".rstrip("0").rstrip(".")
    return text


def has_more_digits(value: float) -> bool:
    """Whether ``value`` needs rounding to be written with 4 significant digits."""
    return math.isfinite(value) and not math.isclose(float(f"{value:.{SIGNIFICANT}g}"), value, rel_tol=1e-9, abs_tol=1e-12)


def sheet_rows(key: Key) -> list[SheetRow]:
    """The key's cells as a sheet's rows, the given values written out."""
    return [SheetRow(cell.node, cell.expr, number_text(cell.value) if "value" in cell.given else None) for cell in key.cells]


def inputs_text(key: Key) -> str:
    """The given inputs on one line: ``x = -2, y = 5, z = -4``."""
    return ", ".join(f"{row.node} = {row.value}" for row in sheet_rows(key) if row.value is not None)


def needs_rounding(key: Key) -> bool:
    """Whether some answer has more than 4 significant digits (the sheet then says to round)."""
    return any(has_more_digits(cell.value) or has_more_digits(cell.gradient) for cell in key.cells)


def identity_line(key: Key) -> str:
    """``Exercise 3f2a9c1e · student s001 · level 1`` (the parts the key has), in the run's language."""
    parts = [_(EXERCISE).format(exercise=key.exercise)]
    if key.student is not None:
        parts.append(_(STUDENT).format(student=key.student))
    if key.level is not None:
        parts.append(_(LEVEL).format(level=key.level))
    return " · ".join(parts)


def instructions(key: Key) -> list[str]:
    """The sheet's instructions, one paragraph each, in the run's language."""
    lines = [_(FORWARD).format(output=key.output), _(BACKWARD).format(output=key.output)]
    if needs_rounding(key):
        lines.append(_(ROUNDING))
    return lines


def column_names() -> list[str]:
    """The table's headings in the run's language (the CSV's are data: report.worksheet.SHEET_COLUMNS)."""
    return [_(name) for name in COLUMNS]
