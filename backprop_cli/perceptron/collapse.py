"""Two linear layers are one: W2·(W1·x) = (W2·W1)·x for every x, so depth needs an activation.

The layers are ``--hidden-weights`` (W1, one row per hidden unit, one column per input) and
``--output-weights`` (W2, one row per output), or drawn with ``random.Random(seed)``
uniformly in [-1, 1] (3 hidden units, 1 output; seed 0 unless given). The inputs are every
0/1 vector of W1's width, the gate inputs for width 2. Plain floats: the two sides differ only
by rounding, far below TOLERANCE.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import product

from ..errors import UsageError
from ..i18n import _
from .numbers import exact_rows

TOLERANCE = 1e-12  # relative, with an absolute floor of the same size
MAX_INPUTS = 8  # 2**8 input rows
MAX_UNITS = 64  # rows of W1 or W2
RANDOM_SHAPE = (3, 2, 1)  # hidden units, inputs, outputs


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    """The matrix product of two lists of rows."""
    return [[sum(x * y for x, y in zip(row, column)) for column in zip(*b)] for row in a]


def apply(matrix: list[list[float]], x) -> list[float]:
    """matrix · x."""
    return [sum(w * v for w, v in zip(row, x)) for row in matrix]


@dataclass
class Collapse:
    """The two layers, their product, and per input: both sides and their difference."""

    w1: list[list[float]]
    w2: list[list[float]]
    seed: int | None

    @property
    def product(self) -> list[list[float]]:
        """W = W2·W1."""
        return matmul(self.w2, self.w1)

    def rows(self) -> list[tuple[tuple[int, ...], list[float], list[float], float]]:
        """Per input x: W2·(W1·x), (W2·W1)·x and the largest difference between them."""
        whole = self.product
        found = []
        for x in product((0, 1), repeat=len(self.w1[0])):
            layered, direct = apply(self.w2, apply(self.w1, x)), apply(whole, x)
            found.append((x, layered, direct, max(abs(a - b) for a, b in zip(layered, direct))))
        return found

    def same(self) -> bool:
        """Are both sides equal to TOLERANCE on every input?"""
        return all(
            abs(a - b) <= TOLERANCE * max(1.0, abs(a)) for _x, layered, direct, _d in self.rows() for a, b in zip(layered, direct)
        )


def layers(hidden_text: str | None, output_text: str | None, seed: int | None) -> Collapse:
    """The user's W1 and W2 (shapes checked), or random ones from ``seed``."""
    if hidden_text is None and output_text is None:
        draw = random.Random(0 if seed is None else seed)
        hidden, inputs, outputs = RANDOM_SHAPE
        w1 = [[draw.uniform(-1, 1) for _ in range(inputs)] for _ in range(hidden)]
        w2 = [[draw.uniform(-1, 1) for _ in range(hidden)] for _ in range(outputs)]
        return Collapse(w1, w2, 0 if seed is None else seed)
    if hidden_text is None or output_text is None:
        raise UsageError(_("--collapse needs both --hidden-weights (W1) and --output-weights (W2), or neither"))
    w1 = [[float(v) for v in row] for row in exact_rows(hidden_text, "--hidden-weights")]
    w2 = [[float(v) for v in row] for row in exact_rows(output_text, "--output-weights")]
    if len(w1) > MAX_UNITS or len(w2) > MAX_UNITS:
        raise UsageError(_("--hidden-weights and --output-weights: at most {limit} rows each").format(limit=MAX_UNITS))
    if len(w1[0]) > MAX_INPUTS:
        raise UsageError(_("--hidden-weights: at most {limit} columns (inputs)").format(limit=MAX_INPUTS))
    if len(w2[0]) != len(w1):
        message = _("W2·W1 needs as many columns in --output-weights as rows in --hidden-weights: {cols} and {rows}")
        raise UsageError(message.format(cols=len(w2[0]), rows=len(w1)))
    return Collapse(w1, w2, None)
