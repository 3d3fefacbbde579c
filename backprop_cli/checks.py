"""Checks a grader or student asks for: ``--expect`` and ``--check`` (SPEC §5)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import get_close_matches

from .bindings import parse_value
from .engine import Evaluation, forward
from .errors import UsageError

# Central differences: h ~ cbrt(machine epsilon) balances truncation and rounding.
STEP = 6e-6
# A variable fails --check when both are exceeded: the relative error (CS231n's
# |a - n| / max(|a|, |n|)) and an absolute floor, so that gradients that are zero
# up to rounding do not fail on a meaningless relative error.
CHECK_RELATIVE = 1e-5
CHECK_ABSOLUTE = 1e-8


@dataclass
class Expectation:
    """``--expect NAME=VALUE``: NAME is a variable (its gradient) or ``f`` (the value)."""

    name: str
    expected: float

    def label(self) -> str:
        return "f" if self.name == "f" else f"∂f/∂{self.name}"


def parse_expectations(texts: list[str], variables: list[str]) -> list[Expectation]:
    """Parse and validate every ``--expect`` before anything is computed."""
    result = []
    for text in texts:
        name, sep, value = text.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--expect takes NAME=VALUE (f for the output value), got {text!r}")
        if name != "f" and name not in variables:
            close = get_close_matches(name, variables, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UsageError(f"--expect {name}: not a variable of the expression (use f for the value){hint}")
        result.append(Expectation(name, parse_value(name, value.strip())))
    return result


def within(got: float, expected: float, tol: float) -> bool:
    """Relative tolerance with an absolute floor of ``tol`` near zero; nan and inf match themselves."""
    if math.isnan(expected):
        return math.isnan(got)
    if math.isinf(expected):
        return got == expected
    return abs(got - expected) <= tol * max(1.0, abs(expected))


def within_arrays(got, expected, tol: float):
    """``within`` elementwise on NumPy arrays (batch's grading, vector mode's --expect)."""
    import numpy as np  # not at the top: grad's scalar path never imports NumPy

    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    with np.errstate(invalid="ignore"):
        close = np.abs(got - expected) <= tol * np.maximum(1.0, np.abs(expected))
    # |got - inf| <= tol·inf holds for any got: an infinite expectation is matched exactly
    return (close & np.isfinite(expected)) | (np.isnan(expected) & np.isnan(got)) | (np.isinf(expected) & (got == expected))


def failed_expectations(result: Evaluation, expectations: list[Expectation], tol: float) -> list[str]:
    """One message per expectation that does not hold."""
    messages = []
    for item in expectations:
        got = result.value if item.name == "f" else result.gradient(item.name)
        if not within(float(got), item.expected, tol):
            messages.append(f"expected {item.label()} = {item.expected:g}, got {float(got):.10g} (tolerance {tol:g})")
    return messages


@dataclass
class CheckRow:
    """One variable's analytic gradient against its central finite difference."""

    name: str
    analytic: float
    numeric: float
    relative_error: float
    at_kink: bool

    @property
    def ok(self) -> bool:
        """Passes, or cannot be judged because a kink lies on its path."""
        if self.at_kink:
            return True
        return self.relative_error <= CHECK_RELATIVE or abs(self.analytic - self.numeric) <= CHECK_ABSOLUTE


def finite_difference_check(result: Evaluation, bindings: dict, names: list[str]) -> list[CheckRow]:
    """Central differences for every variable in ``names`` (2 forward passes each)."""
    graph = result.graph
    behind_kink = _ancestors_of_kinks(result)
    rows = []
    for name in names:
        x = bindings[name]
        h = STEP * max(1.0, abs(x))
        plus = forward(graph, dict(bindings, **{name: x + h}))[graph.output]
        minus = forward(graph, dict(bindings, **{name: x - h}))[graph.output]
        numeric = (plus - minus) / (2 * h)
        analytic = float(result.gradient(name))
        rows.append(CheckRow(name, analytic, numeric, relative_error(analytic, numeric), graph.variables[name] in behind_kink))
    return rows


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), 0 when both are 0."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def _ancestors_of_kinks(result: Evaluation) -> set[int]:
    """Slots whose gradient passes through a node sitting on a kink."""
    graph = result.graph
    marked = {graph.nodes[index].slot for index in result.kinks}
    for node in reversed(graph.nodes):
        if node.slot in marked:
            marked.update(node.inputs)
    return marked
