"""The threshold unit of the notes: it fires (outputs 1) when w·x > θ, else outputs 0."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .gates import INPUTS, truth_table


def net(weights, x) -> Fraction:
    """w·x, exactly."""
    return sum((w * v for w, v in zip(weights, x)), Fraction(0))


def fires(weights, theta, x) -> int:
    """1 when w·x > θ (strictly: at w·x = θ the unit stays silent), else 0."""
    return int(net(weights, x) > theta)


@dataclass(frozen=True)
class Row:
    """One input row: the inputs, w·x, the unit's output and the gate's."""

    x: tuple[int, int]
    net: Fraction
    unit: int
    gate: int

    @property
    def right(self) -> bool:
        """Does the unit agree with the gate on this row?"""
        return self.unit == self.gate


def compare(gate: str, weights, theta) -> list[Row]:
    """The unit's truth table beside the gate's, one Row per input row."""
    wanted = truth_table(gate)
    return [Row(x, net(weights, x), fires(weights, theta, x), t) for x, t in zip(INPUTS, wanted)]


def implements(gate: str, weights, theta) -> bool:
    """Is the unit right on every input row of the gate?"""
    return all(row.right for row in compare(gate, weights, theta))
