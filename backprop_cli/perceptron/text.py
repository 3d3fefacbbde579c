"""What ``perceptron`` prints for a person: the truth tables, the region, the learning run."""

from __future__ import annotations

from unicodedata import east_asian_width

from ..i18n import _
from .gates import NOTES_WEIGHTS
from .learning import Learning
from .numbers import show
from .region import Region, chart


def width(text: str) -> int:
    """Terminal columns of ``text``: a wide (Korean) character takes two."""
    return len(text) + sum(east_asian_width(c) in "WF" for c in text)


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Columns right-aligned to their widest cell, a rule under the headers."""
    sizes = [max(width(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells) -> str:
        return "  ".join(" " * (size - width(str(cell))) + str(cell) for cell, size in zip(cells, sizes)).rstrip()

    return [line(headers), "─" * (sum(sizes) + 2 * (len(sizes) - 1))] + [line(row) for row in rows]


def pair(values) -> str:
    """``(0.2, 0.35)``."""
    return "(" + ", ".join(show(v) for v in values) + ")"


def compare_lines(gate: str, weights, theta, rows) -> list[str]:
    """The unit's truth table beside the gate's, and whether the weights implement the gate."""
    name = gate.upper()
    title = _("Threshold unit: fires (1) when w1·x1 + w2·x2 > θ; weights w = {w}, θ = {theta}")
    lines = [title.format(w=pair(weights), theta=show(theta)), ""]
    headers = ["x1", "x2", "w·x", _("unit"), name, _("right")]
    body = [[*row.x, show(row.net), row.unit, row.gate, _("yes") if row.right else _("NO")] for row in rows]
    lines += table(headers, body) + [""]
    wrong = sum(not row.right for row in rows)
    if not wrong:
        lines.append(_("These weights implement {gate} at θ = {theta}.").format(gate=name, theta=show(theta)))
    else:
        message = _("These weights do not implement {gate} at θ = {theta}: the unit is wrong on {wrong} of 4 rows.")
        lines.append(message.format(gate=name, theta=show(theta), wrong=wrong))
    return lines


def marks(gate: str, weights) -> list[tuple[str, tuple]]:
    """The letters on the region's plot: the notes' weights (A, B) and the weights given (W, unless they are the notes')."""
    found = [(chr(ord("A") + i), w) for i, w in enumerate(NOTES_WEIGHTS.get(gate, ()))]
    return found + ([] if tuple(weights) in (w for _letter, w in found) else [("W", tuple(weights))])


def _legend(gate: str, weights, shown) -> str:
    legend = [_("# implements {gate}").format(gate=gate.upper())]
    for letter, w in shown:
        words = [_("the notes'")] if letter != "W" else []
        words += [_("these weights")] if w == tuple(weights) else []
        legend.append(f"{letter} {pair(w)} (" + "; ".join(words) + ")")
    return "   ".join(legend)


def region_lines(region: Region, weights) -> list[str]:
    """The exact region as inequalities, its chart, and the chart's legend."""
    name, theta = region.gate.upper(), show(region.theta)
    reason = region.empty_reason()
    if reason is None:
        bounds = ", ".join(bound.text(region.theta) for bound in region.bounds)
        lines = [_("The weights that implement {gate} at θ = {theta}: {bounds}.").format(gate=name, theta=theta, bounds=bounds)]
    else:
        lines = [_("No weights implement {gate} at θ = {theta}: {reason}.").format(gate=name, theta=theta, reason=reason)]
    if region.gate == "xor":
        lines.append(
            _(
                "XOR is not linearly separable: at every θ, no line w1·x1 + w2·x2 = θ has (0, 1) and (1, 0) on one side"
                " and (0, 0) and (1, 1) on the other. Two layers can: backprop perceptron xor --layers 2"
            )
        )
    shown = marks(region.gate, weights)
    lines += [""] + chart(region, shown) + [""]
    lines.append(_legend(region.gate, weights, shown))
    return lines


def learning_lines(run: Learning) -> list[str]:
    """The rule, one row per epoch, and how the run ended."""
    name = run.gate.upper()
    (w1, w2), theta = run.start
    start = _("seed {seed}").format(seed=run.seed) if run.seed is not None else _("zeros")
    title = _(
        "Perceptron learning rule on {gate}: rate η = {rate}, start w = {w}, θ = {theta} ({start}), at most {epochs} epochs"
    )
    lines = [title.format(gate=name, rate=show(run.rate), w=pair((w1, w2)), theta=show(theta), start=start, epochs=run.limit)]
    lines += [_("on each mistake (unit y ≠ target t): w ← w + η(t − y)x and θ ← θ − η(t − y)"), ""]
    body = [[0, show(w1), show(w2), show(theta), "-"]]
    body += [[e.epoch, show(e.weights[0]), show(e.weights[1]), show(e.theta), e.mistakes] for e in run.epochs]
    lines += table([_("epoch"), "w1", "w2", "θ", _("mistakes")], body) + [""]
    last = run.epochs[-1]
    if run.converged:
        message = _("Converged in epoch {epoch} (no mistake): w = {w}, θ = {theta} implement {gate}.")
        lines.append(message.format(epoch=last.epoch, w=pair(last.weights), theta=show(last.theta), gate=name))
    elif run.gate == "xor":
        message = _(
            "Stopped after {epochs} epochs, with mistakes in every one: XOR is not linearly separable, so no w and θ"
            " are right on all four rows and the rule never converges (the perceptron convergence theorem needs a"
            " separating line)."
        )
        lines.append(message.format(epochs=len(run.epochs)))
    else:
        message = _(
            "Stopped after {epochs} epochs, still making mistakes; {gate} is linearly separable, so more --epochs will converge."
        )
        lines.append(message.format(epochs=len(run.epochs), gate=name))
    return lines
