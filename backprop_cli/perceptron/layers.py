"""Two layers of threshold units: XOR = AND(OR(x1, x2), NAND(x1, x2)), or the user's weights.

A unit is its weights and its threshold θ. The hidden units read (x1, x2); the output unit
reads the hidden units' outputs. With ``--hidden-weights`` each hidden unit is one row
``[w1, w2, θ]`` and ``--output-weights`` is ``[v1, ..., vk, θ]`` for k hidden units.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import UsageError
from ..i18n import _
from .gates import DEFAULT_THETA, DEFAULT_WEIGHTS, INPUTS, truth_table
from .numbers import exact_rows
from .unit import fires

MAX_HIDDEN = 16


@dataclass(frozen=True)
class Unit:
    """A threshold unit: fires when weights · inputs > theta."""

    name: str
    weights: tuple[Fraction, ...]
    theta: Fraction

    def output(self, inputs) -> int:
        """1 or 0 for these inputs."""
        return fires(self.weights, self.theta, inputs)


def _gate_unit(gate: str) -> Unit:
    return Unit(gate.upper(), DEFAULT_WEIGHTS[gate], DEFAULT_THETA[gate])


XOR_HIDDEN = (_gate_unit("or"), _gate_unit("nand"))
XOR_OUTPUT = _gate_unit("and")  # the notes' (0.2, 0.35) at θ = 0.5, now reading (OR, NAND)


@dataclass(frozen=True)
class Network:
    """Hidden units and one output unit."""

    hidden: tuple[Unit, ...]
    output: Unit

    def run(self, x) -> tuple[tuple[int, ...], int]:
        """The hidden units' outputs and the network's, for input row ``x``."""
        hidden = tuple(unit.output(x) for unit in self.hidden)
        return hidden, self.output.output(hidden)


def network(gate: str, hidden_text: str | None, output_text: str | None) -> Network:
    """The user's network, or for xor (given neither) AND(OR, NAND); exit 2 on anything else."""
    if hidden_text is None and output_text is None:
        if gate != "xor":
            raise UsageError(_("--layers 2 has default weights for xor only; give --hidden-weights and --output-weights"))
        return Network(XOR_HIDDEN, XOR_OUTPUT)
    if hidden_text is None or output_text is None:
        raise UsageError(_("--layers 2 needs both --hidden-weights and --output-weights (or neither, for xor)"))
    rows = exact_rows(hidden_text, "--hidden-weights")
    if len(rows[0]) != 3 or len(rows) > MAX_HIDDEN:
        message = _("--hidden-weights: each hidden unit is one row [w1, w2, θ], 1 to {limit} rows")
        raise UsageError(message.format(limit=MAX_HIDDEN))
    hidden = tuple(Unit(f"h{i + 1}", tuple(row[:2]), row[2]) for i, row in enumerate(rows))
    rows = exact_rows(output_text, "--output-weights")
    out = rows[0]
    if len(rows) != 1 or len(out) != len(hidden) + 1:
        message = _("--output-weights: one row, one weight per hidden unit ({count}) and then θ, {size} numbers in all")
        raise UsageError(message.format(count=len(hidden), size=len(hidden) + 1))
    return Network(hidden, Unit("y", tuple(out[:-1]), out[-1]))


def table(net: Network, gate: str) -> list[tuple[tuple[int, int], tuple[int, ...], int, int]]:
    """Per input row: x, the hidden outputs, the network's output, the gate's."""
    return [(x, *net.run(x), want) for x, want in zip(INPUTS, truth_table(gate))]
