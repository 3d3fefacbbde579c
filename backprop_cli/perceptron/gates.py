"""The five two-input gates, their truth tables, and the weights and threshold each starts from."""

from __future__ import annotations

from fractions import Fraction

from ..errors import UsageError
from ..i18n import _

INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))  # the truth table's rows, in this order everywhere

_RULES = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "nand": lambda a, b: 1 - (a & b),
    "nor": lambda a, b: 1 - (a | b),
    "xor": lambda a, b: a ^ b,
}
GATES = tuple(_RULES)

# The threshold and weights a gate starts from when none are given (docs/perceptron.md).
# θ = 0.5 and (0.2, 0.35) for AND are the notes'. NAND and NOR must fire on (0, 0), where
# w·x = 0, so they need θ < 0: their default θ is -0.5. XOR's (0.6, 0.6) is OR's, right on
# three rows of four: no weights are right on all four.
DEFAULT_THETA = {"and": Fraction("0.5"), "or": Fraction("0.5"), "nand": Fraction("-0.5"), "nor": Fraction("-0.5")}
DEFAULT_THETA["xor"] = Fraction("0.5")
DEFAULT_WEIGHTS = {
    "and": (Fraction("0.2"), Fraction("0.35")),
    "or": (Fraction("0.6"), Fraction("0.6")),
    "nand": (Fraction("-0.3"), Fraction("-0.3")),
    "nor": (Fraction("-0.6"), Fraction("-0.6")),
    "xor": (Fraction("0.6"), Fraction("0.6")),
}
# The notes' example weights (seed 000: θ = 0.5, AND), marked on the region's plot.
NOTES_WEIGHTS = {"and": ((Fraction("0.2"), Fraction("0.35")), (Fraction("0.4"), Fraction("0.2")))}


def parse_gate(text: str) -> str:
    """The gate's name in lower case; exit 2 naming the choices."""
    name = text.strip().lower()
    if name not in _RULES:
        message = _("unknown gate {gate!r}: choose and, or, nand, nor or xor").format(gate=text)
        raise UsageError(message)
    return name


def truth_table(gate: str) -> tuple[int, ...]:
    """The gate's output for each row of INPUTS."""
    rule = _RULES[gate]
    return tuple(rule(a, b) for a, b in INPUTS)
