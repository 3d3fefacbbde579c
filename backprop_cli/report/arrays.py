"""The rows of a vector-mode evaluation (SPEC §5b): ``report.NodeRows`` over arrays.

The same row layout as for numbers (``report.NodeRows.rows``), with each array
wrapped in an ``ArrayText`` that writes itself as each format wants it, and each
local gradient's place holding the Jacobian's description (it is never built).
NumPy is imported here, not by ``report``, so the scalar path never loads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np

from ..engine.arrays import jacobian_text, shape_text
from .numbers import json_number

NUMBER_SPEC = ".6g"  # the scalar table's form: shortest readable, six significant digits


def nested(array) -> object:
    """An array for JSON: nested lists, non-finite numbers as strings."""
    array = np.asarray(array, dtype=float)
    if array.ndim == 0:
        return json_number(float(array))
    return [nested(item) for item in array]


def compact(array, limit: int = 6, spec: str = "") -> str:
    """A small array in full, a large one by its shape.

    Each number is written as scalar mode writes one (``format(x, spec)``, ``.6g`` by
    default): ``[1, 1]``, ``[0.5, -2]``, not NumPy's ``[1., 1.]`` or its column padding.
    """
    array = np.asarray(array, dtype=float)
    spec = spec or NUMBER_SPEC
    if array.ndim == 0:
        return format(float(array), spec)
    if array.size <= limit:
        return _listed(array.tolist(), spec)
    return f"{shape_text(array.shape)} array"


def _listed(items: list, spec: str) -> str:
    """Nested lists of floats as ``[a, b]`` / ``[[a, b], [c, d]]``, each number by ``spec``."""
    parts = (_listed(item, spec) if isinstance(item, list) else format(item, spec) for item in items)
    return "[" + ", ".join(parts) + "]"


class ArrayText:
    """An array in a row: ``repr`` is its JSON, ``format`` its short text (``compact``).

    A format spec applies to each number (``f"{text:.3g}"``); none means ``.6g``.
    """

    __slots__ = ("array",)

    def __init__(self, array) -> None:
        self.array = np.asarray(array, dtype=float)

    def __repr__(self) -> str:
        return json.dumps(nested(self.array))

    def __format__(self, spec: str) -> str:
        return compact(self.array, spec=spec)

    @property
    def shape(self) -> str:
        """The shape as the table shows it: scalar, (3,), (2, 2)."""
        return shape_text(self.array.shape)

    @property
    def shape_json(self) -> str:
        """The shape as a JSON list: [2, 2]."""
        return json.dumps(list(self.array.shape))


def array_rows(rows, start: int, stop: int, labels: list[str]) -> Iterator[tuple]:
    """``(shape, row)`` per node of an array evaluation (``report.NodeRows.rows``)."""
    result, graph = rows.result, rows.graph
    values = result.values
    for index in range(start, stop):
        node = graph.nodes[index]
        shape = rows.shape(node.op, node.inputs)
        value = values[node.slot]
        grad = result.grads[node.slot]
        jacobians, downstream = [], []
        for position in shape.positions:
            slot = node.inputs[position]
            jacobians.append(jacobian_text(node.op, values[slot].shape, value.shape, position))
            piece = result.downstream[index].get(position)
            downstream.append(ArrayText(np.zeros_like(values[slot], dtype=float) if piece is None else piece))
        yield (
            shape,
            (
                labels[node.slot],
                rows.uses.get(node.slot, 0),
                result.kinks.get(index),
                *[labels[s] for s in node.inputs],
                ArrayText(value),
                ArrayText(np.zeros_like(value, dtype=float) if grad is None else grad),
                *jacobians,
                *downstream,
            ),
        )
