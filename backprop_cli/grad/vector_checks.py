"""``grad``'s checks in vector and matrix mode (SPEC §5b): ``--expect`` and ``--check`` on arrays.

Called by ``grad.command.run_grad`` when a binding is an array or the expression
uses ``@ sum mean dot norm``. The array engine evaluates; the output goes
through the same report and formats as for numbers (``report.arrays``).
"""

from __future__ import annotations

import numpy as np

from ..engine import arrays
from ..engine.arrays import ArrayEvaluation as VectorEvaluation
from ..engine.arrays import shape_text
from ..engine.finite import first_non_finite_array
from ..errors import CheckFailed, NonFiniteError
from ..report.arrays import compact
from ..report.checks import CHECK_ABSOLUTE, CHECK_RELATIVE, STEP, within_arrays

CHECK_ELEMENTS = 12  # finite differences per variable: evenly spaced elements


def expectation_failures(result: VectorEvaluation, expectations, tol: float) -> list[str]:
    """--expect NAME=VALUE with array (or scalar) values, elementwise within tol."""
    messages = []
    for item in expectations:
        got = np.asarray(result.values[result.graph.output] if item.is_value else result.gradient(item.name), dtype=float)
        expected = np.asarray(item.expected, dtype=float)
        if expected.shape != got.shape and expected.ndim != 0:  # a number checks every element; [3] is a shape
            messages.append(f"expected {item.label()} of shape {shape_text(expected.shape)}, got {shape_text(got.shape)}")
        elif not np.all(within_arrays(got, expected, tol)):
            messages.append(f"expected {item.label()} = {compact(expected, 12)}, got {compact(got, 12)} (tolerance {tol:g})")
    return messages


def finite_difference_rows(result: VectorEvaluation, bindings: dict, names: list[str]) -> list[dict]:
    """Central differences on up to CHECK_ELEMENTS evenly spaced elements of each variable."""
    graph = result.graph
    rows = []
    for name in names:
        base = np.array(bindings[name], dtype=float)
        picks = np.unique(np.linspace(0, base.size - 1, min(base.size, CHECK_ELEMENTS)).astype(int))
        worst, analytic_grad = 0.0, np.asarray(result.gradient(name)).ravel()
        for flat in picks:
            h = STEP * max(1.0, abs(base.flat[flat]))
            values = []
            for sign in (1, -1):
                moved = base.copy()
                moved.flat[flat] += sign * h
                values.append(arrays.evaluate(graph, dict(bindings, **{name: moved}), result.convention).value)
            numeric, analytic = (values[0] - values[1]) / (2 * h), float(analytic_grad[flat])
            scale = max(abs(numeric), abs(analytic))
            error = 0.0 if scale == 0 else abs(numeric - analytic) / scale
            if abs(numeric - analytic) > CHECK_ABSOLUTE:
                worst = max(worst, error)
        rows.append({"name": name, "elements": int(len(picks)), "relative_error": worst, "ok": worst <= CHECK_RELATIVE})
    return rows


def raise_problems(result: VectorEvaluation, failures: list[str], stderr) -> None:
    """Every failed check on stderr; then exit 3 for inf/nan, else exit 1 for failed checks."""
    for message in failures:
        stderr.write(f"backprop: check failed: {message}\n")
    where = first_non_finite_array(result)
    if where is not None:
        raise NonFiniteError(f"non-finite result: {where}")
    if failures:
        raise CheckFailed(f"{len(failures)} check(s) failed")
