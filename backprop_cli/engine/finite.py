"""Where a result is inf or nan: the one scan behind grad's, vector mode's and batch's
"non-finite result" (exit 3, SPEC §6).

The fast path is the same everywhere: inf and nan survive a sum, so one sum per
list or column clears the common case without looking at each number. No NumPy
at import (grad's scalar path uses this module); the array functions import it.
"""

from __future__ import annotations

import math

from ..i18n import N_, _


def all_finite(numbers) -> bool:
    """Whether every float of ``numbers`` is finite (one sum; a huge sum that overflows
    to inf only sends the caller to its exact scan)."""
    return math.isfinite(sum(numbers))


def first_non_finite(result) -> str | None:
    """Scalar engine: the first slot whose value or gradient is inf/nan, described; or None.

    The order is the report's: variables, node values in evaluation order, then per
    node from the output back its gradient and local gradients, then the variables'
    gradients.
    """
    graph, isfinite = result.graph, math.isfinite
    if all_finite(result.values) and all_finite(result.grads):
        return None
    for name, slot in graph.variables.items():
        if not isfinite(result.values[slot]):
            return _("variable {name} = {value}").format(name=name, value=result.values[slot])
    for node in graph.nodes:
        if not isfinite(result.values[node.slot]):
            return _("value of node {node} ({op}) = {value}").format(node=node.name, op=node.op, value=result.values[node.slot])
    for index in range(len(graph.nodes) - 1, -1, -1):
        node = graph.nodes[index]
        if not isfinite(result.grads[node.slot]):
            return _("gradient ∂f/∂{node} ({op}) = {value}").format(node=node.name, op=node.op, value=result.grads[node.slot])
        for slot, partial in zip(node.inputs, result.partials[index]):
            if partial is not None and not isfinite(partial):
                message = _("local gradient ∂{node}/∂{input} of node {node} ({op}) = {value}")
                return message.format(node=node.name, input=graph.labels[slot], op=node.op, value=partial)
    for name, slot in graph.variables.items():
        if not isfinite(result.grads[slot]):
            return _("gradient ∂f/∂{name} = {value}").format(name=name, value=result.grads[slot])
    return None


def first_non_finite_array(result) -> str | None:
    """Array engine (vector mode): the first slot with an inf/nan element in its value,
    else in its gradient, described; or None."""
    import numpy as np

    labels = result.graph.labels
    for what, arrays in ((N_("value of {name}"), result.values), (N_("gradient ∂f/∂{name}"), result.grads)):
        for slot, array in enumerate(arrays):
            if array is not None and not np.all(np.isfinite(array)):
                return _(what).format(name=labels[slot])
    return None


def non_finite_rows(columns: list):
    """Array engine (batch): a mask of the rows with an inf or nan in any column, or None
    if there is none."""
    import numpy as np

    with np.errstate(all="ignore"):
        if all(np.isfinite(np.sum(column)) for column in columns):
            return None
    bad = np.zeros(len(columns[0]), dtype=bool)
    for column in columns:
        bad |= ~np.isfinite(column)
    return bad if bad.any() else None
