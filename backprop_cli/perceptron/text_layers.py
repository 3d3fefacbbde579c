"""What ``perceptron --layers 2`` and ``--collapse`` print: the two-layer XOR, the step's gradient, W2·W1."""

from __future__ import annotations

from ..i18n import _
from .collapse import TOLERANCE, Collapse
from .layers import Network
from .numbers import show
from .step import SMOOTH, STEP
from .text import pair, table


def _unit_words(unit) -> str:
    return _("{name}: w = {w}, θ = {theta}").format(name=unit.name, w=pair(unit.weights), theta=show(unit.theta))


def layers_lines(net: Network, gate: str, rows) -> list[str]:
    """Each unit, the hidden units' truth tables beside the output and the gate, and the verdict."""
    name = gate.upper()
    lines = [_("Two layers of threshold units (each fires when w·inputs > θ):")]
    lines += [f"  h{i + 1} = " + _unit_words(unit) for i, unit in enumerate(net.hidden)]
    reads = ", ".join(f"h{i + 1}" for i in range(len(net.hidden)))
    lines += ["  y  = " + _unit_words(net.output) + " " + _("(reads {inputs})").format(inputs=reads), ""]
    headers = ["x1", "x2"] + [
        f"h{i + 1} {unit.name}" if unit.name != f"h{i + 1}" else unit.name for i, unit in enumerate(net.hidden)
    ]
    headers += ["y", name, _("right")]
    body = [[*x, *hidden, y, want, _("yes") if y == want else _("NO")] for x, hidden, y, want in rows]
    lines += table(headers, body) + [""]
    wrong = sum(y != want for _x, _h, y, want in rows)
    if not wrong:
        lines.append(_("Right on all 4 inputs: these two layers implement {gate}.").format(gate=name))
    else:
        lines.append(_("Wrong on {wrong} of 4 inputs: these two layers do not implement {gate}.").format(wrong=wrong, gate=name))
    return lines


def step_lines(step: list, smooth: list) -> list[str]:
    """The pointer to train, and the step's zero gradient beside sigmoid's, from grad's engine."""
    lines = [_("To learn XOR from data with sigmoid units and backpropagation: backprop train --dataset xor"), ""]
    lines.append(
        _(
            "Backpropagation cannot train threshold units: the step's gradient is 0 wherever it is defined (and it is"
            " undefined at 0), so no gradient reaches the weights. The operator table has no step function; {step} is"
            " the step for x ≠ 0. grad's engine gives:"
        ).format(step=STEP)
    )
    headers = ["x", STEP, "d/dx", SMOOTH, "d/dx"]
    body = [[show(x), show(v), show(g), show(sv), show(sg)] for (x, v, g), (_x, sv, sg) in zip(step, smooth)]
    lines += table(headers, body) + [""]
    lines.append(
        _('Try it: backprop grad "{step}" -x 2 --explain, and backprop grad "{smooth}" -x 2').format(step=STEP, smooth=SMOOTH)
    )
    return lines


def _matrix(values) -> str:
    return "[" + "; ".join(" ".join(f"{v:.6g}" for v in row) for row in values) + "]"


def collapse_lines(c: Collapse) -> list[str]:
    """W1, W2 and W = W2·W1, both sides on every input, and what it means."""
    hidden, inputs, outputs = len(c.w1), len(c.w1[0]), len(c.w2)
    given = _("drawn with seed {seed}").format(seed=c.seed) if c.seed is not None else _("given")
    title = _("Two linear layers, no activation ({given}): W1 is {h}×{d}, W2 is {c}×{h}, W = W2·W1 is {c}×{d}")
    lines = [title.format(given=given, h=hidden, d=inputs, c=outputs), ""]
    lines += [f"  W1 = {_matrix(c.w1)}", f"  W2 = {_matrix(c.w2)}", f"  W  = {_matrix(c.product)}", ""]
    rows = c.rows()
    body = [[" ".join(map(str, x)), _vector(a), _vector(b), f"{d:.2g}"] for x, a, b, d in rows]
    lines += table(["x", "W2·(W1·x)", "(W2·W1)·x", _("difference")], body) + [""]
    largest = max(d for *_rest, d in rows)
    if c.same():
        message = _(
            "The same outputs on all {count} inputs (largest difference {largest:.2g}, tolerance {tol:g}): two linear"
            " layers are the one linear layer W = W2·W1, so depth adds nothing without an activation function between them."
        )
    else:
        message = _("The outputs differ beyond {tol:g} (largest difference {largest:.2g}): the weights are too large for floats.")
    lines.append(message.format(count=len(rows), largest=largest, tol=TOLERANCE))
    return lines


def _vector(values) -> str:
    return " ".join(f"{v:.12g}" for v in values)
