"""Checks a grader or student asks for: ``--expect`` and ``--check`` (SPEC §5)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import get_close_matches

from ..engine.scalar import Evaluation, forward
from ..errors import UsageError
from ..inputs.bindings import parse_value

# Central differences: h ~ cbrt(machine epsilon) balances truncation and rounding.
STEP = 6e-6
# A variable fails --check when both are exceeded: the relative error (CS231n's
# |a - n| / max(|a|, |n|)) and an absolute floor, so that gradients that are zero
# up to rounding do not fail on a meaningless relative error.
CHECK_RELATIVE = 1e-5
CHECK_ABSOLUTE = 1e-8


@dataclass
class Expectation:
    """``--expect NAME=VALUE``: the gradient of variable ``name``, or the output value."""

    name: str  # the variable, or "f" for the value
    expected: float
    is_value: bool = False
    label_text: str = ""

    def label(self) -> str:
        return self.label_text or ("f" if self.is_value else f"∂f/∂{self.name}")


# --expect df/dx=VALUE: batch's column name for the gradient, and the one spelling that
# reaches a variable named f (plain f is the output value, as batch's expected_f is).
_GRADIENT_PREFIX = "df/d"


def parse_expectations(texts: list[str], variables: list[str]) -> list[Expectation]:
    """Parse and validate every ``--expect`` before anything is computed.

    ``f=V`` is the output value, ``x=V`` and ``df/dx=V`` the gradient with respect
    to ``x``; ``df/df=V`` is the gradient of a variable named ``f``.
    """
    result = []
    for text in texts:
        name, sep, value = text.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--expect takes NAME=VALUE (f for the output value, df/dx for a gradient), got {text!r}")
        is_value = name == "f"
        if name.startswith(_GRADIENT_PREFIX):
            name = name[len(_GRADIENT_PREFIX) :].strip()
        if not is_value and name not in variables:
            close = get_close_matches(name, variables, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UsageError(f"--expect {name}: not a variable of the expression (use f for the value){hint}")
        label = "f (the output value; df/df is the gradient of variable f)" if is_value and "f" in variables else ""
        result.append(Expectation(name, _expected_value(text, name, value), is_value, label))
    return result


def _expected_value(text: str, name: str, value: str):
    try:
        return parse_value(name, value.strip())
    except UsageError as error:  # "value of x is not a number" would name a binding, not this --expect
        raise UsageError(f"--expect {text}: {error.message.replace(f'value of {name} ', 'the value ', 1)}") from None


def parse_tolerance(text) -> float:
    """``--tol`` of grad and batch: a finite number >= 0, written by the bindings' number rule."""
    try:
        number = parse_value("--tol", text)
    except UsageError:
        number = None
    if not isinstance(number, float) or not 0 <= number < math.inf:  # nan fails both comparisons
        raise UsageError(f"--tol must be a finite number >= 0 (such as 1e-6), got {text!r}")
    return number


def within(got, expected, tol: float):
    """The tolerance rule of --expect and --expect-columns: relative, with an absolute
    floor of ``tol`` near zero; nan and inf match only themselves. Floats give a bool;
    arrays (batch's grading, vector mode's --expect) give it elementwise."""
    if isinstance(got, (int, float)) and isinstance(expected, (int, float)):
        if math.isnan(expected):
            return math.isnan(got)
        if math.isinf(expected):
            return got == expected
        return abs(got - expected) <= tol * max(1.0, abs(expected))
    import numpy as np  # not at the top: grad's scalar path never imports NumPy

    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    with np.errstate(invalid="ignore"):
        close = np.abs(got - expected) <= tol * np.maximum(1.0, np.abs(expected))
    # |got - inf| <= tol·inf holds for any got: an infinite expectation is matched exactly
    return (close & np.isfinite(expected)) | (np.isnan(expected) & np.isnan(got)) | (np.isinf(expected) & (got == expected))


within_arrays = within  # the old name, still used by grad/vector_checks.py


def failed_expectations(result: Evaluation, expectations: list[Expectation], tol: float) -> list[str]:
    """One message per expectation that does not hold."""
    messages = []
    for item in expectations:
        got = result.value if item.is_value else result.gradient(item.name)
        if not within(float(got), item.expected, tol):
            expected_text, got_text = distinct_texts(item.expected, float(got))
            messages.append(f"expected {item.label()} = {expected_text}, got {got_text} (tolerance {tol:g})")
    return messages


def distinct_texts(a: float, b: float) -> tuple[str, str]:
    """Two numbers in the shortest of a few forms that shows them different (3 vs 3.0000031, not 3 vs 3)."""
    for form in ("g", ".10g", "r"):
        texts = (repr(a), repr(b)) if form == "r" else (format(a, form), format(b, form))
        if texts[0] != texts[1]:
            return texts
    return texts


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
        return self.at_kink or agrees_with_difference(self.analytic, self.numeric)


def agrees_with_difference(analytic: float, numeric: float) -> bool:
    """The --check rule: an analytic gradient agrees with its finite difference unless both
    the relative error and the absolute difference exceed their limits."""
    return relative_error(analytic, numeric) <= CHECK_RELATIVE or abs(analytic - numeric) <= CHECK_ABSOLUTE


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
