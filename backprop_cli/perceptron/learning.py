"""The perceptron learning rule, epoch by epoch, in exact arithmetic.

For each input row in the truth table's order: y = [w·x > θ]; on a mistake
w ← w + η(t − y)x and θ ← θ − η(t − y) (the threshold is a bias of the opposite sign,
learned the same way). The run starts from w = (0, 0), θ = 0, or with a seed from
values drawn in [-0.5, 0.5] in steps of 0.01, and stops after the first epoch with no
mistake (converged) or after the given number of epochs. For a linearly separable gate
(and, or, nand, nor) the perceptron convergence theorem guarantees the stop; for xor no
line separates the 1s from the 0s, so there is always a mistake.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import UsageError
from ..i18n import _
from .gates import INPUTS, truth_table
from .numbers import show
from .unit import fires

MAX_EPOCHS = 10_000


@dataclass(frozen=True)
class Epoch:
    """The weights and threshold after one epoch, and the mistakes made during it."""

    epoch: int
    weights: tuple[Fraction, Fraction]
    theta: Fraction
    mistakes: int


@dataclass
class Learning:
    """A run of the rule: where it started, every epoch, and whether it converged."""

    gate: str
    rate: Fraction
    start: tuple[tuple[Fraction, Fraction], Fraction]
    seed: int | None
    limit: int  # the most epochs it may run
    epochs: list[Epoch] = field(default_factory=list)

    @property
    def converged(self) -> bool:
        """Did the last epoch pass every row without a mistake?"""
        return bool(self.epochs) and self.epochs[-1].mistakes == 0


def starting_point(seed: int | None) -> tuple[tuple[Fraction, Fraction], Fraction]:
    """(w1, w2), θ to start from: zeros, or with ``seed`` hundredths drawn in [-0.5, 0.5]."""
    if seed is None:
        return (Fraction(0), Fraction(0)), Fraction(0)
    draw = random.Random(seed)
    w1, w2, theta = (Fraction(draw.randint(-50, 50), 100) for _ in range(3))
    return (w1, w2), theta


def check_settings(rate: Fraction, epochs: int) -> None:
    """A positive rate and 1 to MAX_EPOCHS epochs; exit 2 otherwise."""
    if rate <= 0:
        raise UsageError(_("--rate must be greater than 0, got {rate}").format(rate=show(rate)))
    if not 1 <= epochs <= MAX_EPOCHS:
        message = _("--epochs must be 1 to {limit}, got {epochs}")
        raise UsageError(message.format(limit=f"{MAX_EPOCHS:,}", epochs=epochs))


def learn(gate: str, rate: Fraction, epochs: int, seed: int | None = None) -> Learning:
    """Run the rule on ``gate`` for at most ``epochs`` epochs."""
    check_settings(rate, epochs)
    (w1, w2), theta = start = starting_point(seed)
    run = Learning(gate, rate, start, seed, epochs)
    wanted = truth_table(gate)
    for number in range(1, epochs + 1):
        mistakes = 0
        for x, target in zip(INPUTS, wanted):
            error = target - fires((w1, w2), theta, x)
            if error:
                mistakes += 1
                w1, w2, theta = w1 + rate * error * x[0], w2 + rate * error * x[1], theta - rate * error
        run.epochs.append(Epoch(number, (w1, w2), theta, mistakes))
        if not mistakes:
            break
    return run
