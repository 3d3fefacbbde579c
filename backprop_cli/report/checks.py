"""Checks a grader or student asks for: ``--expect`` and ``--check`` (SPEC §5)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import get_close_matches

from ..engine.scalar import Evaluation, forward
from ..errors import CheckFailed, NonFiniteError, UsageError
from ..i18n import _, ngettext
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
            message = _("--expect takes NAME=VALUE (f for the output value, df/dx for a gradient), got {text!r}")
            raise UsageError(message.format(text=text))
        is_value = name == "f"
        if name.startswith(_GRADIENT_PREFIX):
            name = name[len(_GRADIENT_PREFIX) :].strip()
        if not is_value and name not in variables:
            close = get_close_matches(name, variables, n=1, cutoff=0.5)
            hint = _("; did you mean {name}?").format(name=close[0]) if close else ""
            message = _("--expect {name}: not a variable of the expression (use f for the value)")
            raise UsageError(message.format(name=name) + hint)
        label = _("f (the output value; df/df is the gradient of variable f)") if is_value and "f" in variables else ""
        result.append(Expectation(name, _expected_value(text, name, value), is_value, label))
    return result


def _expected_value(text: str, name: str, value: str):
    try:  # "the value is not a number": "value of x" would name a binding, not this --expect
        return parse_value(name, value.strip(), subject=_("the value"))
    except UsageError as error:
        raise UsageError(f"--expect {text}: {error.message}") from None


def parse_tolerance(text) -> float:
    """``--tol`` of grad and batch: a finite number >= 0, written by the bindings' number rule."""
    try:
        number = parse_value("--tol", text)
    except UsageError:
        number = None
    if not isinstance(number, float) or not 0 <= number < math.inf:  # nan fails both comparisons
        raise UsageError(_("--tol must be a finite number >= 0 (such as 1e-6), got {text!r}").format(text=text))
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


def failed_expectations(result: Evaluation, expectations: list[Expectation], tol: float) -> list[str]:
    """One message per expectation that does not hold (in vector mode: elementwise)."""
    messages = []
    for item in expectations:
        got = result.value if item.is_value else result.gradient(item.name)
        if result.arrays:  # vector mode
            message = _array_failure(item, got, tol)
            messages += [message] if message else []
        elif not within(float(got), item.expected, tol):
            expected_text, got_text = distinct_texts(item.expected, float(got))
            message = _("expected {label} = {expected}, got {got} (tolerance {tol})")
            messages.append(message.format(label=item.label(), expected=expected_text, got=got_text, tol=f"{tol:g}"))
    return messages


def _array_failure(item: Expectation, got, tol: float) -> str | None:
    import numpy as np

    from ..engine.arrays import shape_text
    from .arrays import compact

    got, expected = np.asarray(got, dtype=float), np.asarray(item.expected, dtype=float)
    if expected.shape != got.shape and expected.ndim != 0:  # a number checks every element; [3] is a shape
        message = _("expected {label} of shape {expected}, got {got}")
        return message.format(label=item.label(), expected=shape_text(expected.shape), got=shape_text(got.shape))
    if not np.all(within(got, expected, tol)):
        message = _("expected {label} = {expected}, got {got} (tolerance {tol})")
        return message.format(label=item.label(), expected=compact(expected, 12), got=compact(got, 12), tol=f"{tol:g}")
    return None


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

    def summary(self) -> str:
        """One line for --quiet's stderr."""
        return _("check {name}: relative error {error}").format(name=self.name, error=f"{self.relative_error:.2e}")

    def failure(self) -> str:
        """The message of a failed check."""
        message = _("∂f/∂{name} = {analytic} but the finite difference gives {numeric} (relative error {error})")
        return message.format(
            name=self.name, analytic=f"{self.analytic:.10g}", numeric=f"{self.numeric:.10g}", error=f"{self.relative_error:.2e}"
        )


@dataclass
class ArrayCheckRow:
    """Vector mode: one variable's worst disagreement over up to CHECK_ELEMENTS of its elements."""

    name: str
    elements: int
    relative_error: float
    ok: bool

    def summary(self) -> str:
        """One line under the tables (and on --quiet's stderr)."""
        message = _("check {name}: max relative error {error} over {count} elements")
        return message.format(name=self.name, error=f"{self.relative_error:.2e}", count=self.elements)

    def failure(self) -> str:
        """The message of a failed check."""
        message = _("∂f/∂{name}: finite differences disagree (relative error {error})")
        return message.format(name=self.name, error=f"{self.relative_error:.2e}")


CHECK_ELEMENTS = 12  # vector mode: finite differences per variable, on evenly spaced elements


def agrees_with_difference(analytic: float, numeric: float) -> bool:
    """The --check rule: an analytic gradient agrees with its finite difference unless both
    the relative error and the absolute difference exceed their limits."""
    return relative_error(analytic, numeric) <= CHECK_RELATIVE or abs(analytic - numeric) <= CHECK_ABSOLUTE


def central_difference(value_at, x: float) -> float:
    """(f(x + h) - f(x - h)) / 2h, with h = STEP·max(1, |x|)."""
    h = STEP * max(1.0, abs(x))
    return (value_at(x + h) - value_at(x - h)) / (2 * h)


def finite_difference_check(result: Evaluation, bindings: dict, names: list[str]) -> list:
    """Central differences for every variable in ``names`` (2 forward passes each;
    in vector mode on up to CHECK_ELEMENTS elements of each)."""
    if result.arrays:
        return [_array_check(result, bindings, name) for name in names]
    graph = result.graph
    behind_kink = _ancestors_of_kinks(result)
    rows = []
    for name in names:

        def value_at(x: float, name: str = name) -> float:
            return forward(graph, dict(bindings, **{name: x}))[graph.output]

        numeric = central_difference(value_at, bindings[name])
        analytic = float(result.gradient(name))
        rows.append(CheckRow(name, analytic, numeric, relative_error(analytic, numeric), graph.variables[name] in behind_kink))
    return rows


def _array_check(result, bindings: dict, name: str) -> ArrayCheckRow:
    """The worst relative error among evenly spaced elements whose difference passes the absolute floor."""
    import numpy as np

    from ..engine.arrays import evaluate

    base = np.array(bindings[name], dtype=float)
    picks = np.unique(np.linspace(0, base.size - 1, min(base.size, CHECK_ELEMENTS)).astype(int))
    analytic_grad, worst = np.asarray(result.gradient(name)).ravel(), 0.0
    for flat in picks:

        def value_at(x: float, flat: int = flat) -> float:
            moved = base.copy()
            moved.flat[flat] = x
            return evaluate(result.graph, dict(bindings, **{name: moved}), result.convention).value

        numeric, analytic = central_difference(value_at, base.flat[flat]), float(analytic_grad[flat])
        if abs(numeric - analytic) > CHECK_ABSOLUTE:
            worst = max(worst, relative_error(analytic, numeric))
    return ArrayCheckRow(name, int(len(picks)), worst, worst <= CHECK_RELATIVE)


def raise_problems(failures: list[str], non_finite: str | None, stderr) -> None:
    """Every failed check on stderr; then exit 3 for inf/nan, else exit 1 for failed checks."""
    for message in failures:  # shown even when a non-finite result decides the exit code
        stderr.write("backprop: " + _("check failed: ") + message + "\n")
    if non_finite is not None:
        raise NonFiniteError(_("non-finite result: {what}").format(what=non_finite))
    if failures:  # a result, not a usage error: "backprop: 2 checks failed" (docs/reference.md)
        count = len(failures)
        raise CheckFailed(ngettext("{count} check failed", "{count} checks failed", count).format(count=count))


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
