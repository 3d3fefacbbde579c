"""Why a step function cannot be trained by backpropagation, computed by grad's own engine.

The operator table has no step function. relu(x)/abs(x) is the step for every x ≠ 0 (1 for
x > 0, 0 for x < 0, undefined at 0), built from the table's operators, so ``backprop grad``
can differentiate it: its gradient is 0 at every x ≠ 0. sigmoid, the smooth step that
``train`` uses, has a gradient everywhere (at most 1/4, at 0).
"""

from __future__ import annotations

STEP = "relu(x)/abs(x)"
SMOOTH = "sigmoid(x)"
POINTS = (-2.0, -0.5, 0.5, 2.0)


def gradients(expression: str) -> list[tuple[float, float, float]]:
    """(x, value, d/dx) at each of POINTS, by the same staging and engine as ``grad``."""
    from ..engine.scalar import evaluate
    from ..language.graph import stage

    graph = stage(expression)
    found = []
    for x in POINTS:
        result = evaluate(graph, {"x": x})
        found.append((x, result.value, result.gradient("x")))
    return found
