"""A worksheet's answer key and the fillable sheet's columns: the contract between
``backprop exercise`` (which writes them) and ``backprop mark`` (which reads them).

A key holds every cell a student fills in, in the node names ``grad`` uses: first the
variables (their value is given, their gradient asked), then the nodes in evaluation
order (value and gradient asked). Each node keeps its op and inputs, so that ``mark``
can recompute a cell from the student's own earlier numbers (follow-through credit).
A constant input is written as its number, a variable or node input as its name.

The key is JSON (``docs/worksheets.md``)::

    {"format": "backprop-worksheet-key", "version": 1, "exercise": "3f2a9c1e",
     "student": "s001", "seed": 7, "level": 1, "expression": "(x+y)*z",
     "convention": "pytorch", "output": "f",
     "cells": [{"node": "x", "op": null, "expr": "x", "inputs": [], "value": -2.0,
                "gradient": -4.0, "given": ["value"]}, ...]}

A class's keys are ``{"format": "backprop-worksheet-keys", "version": 1, "keys": [key, ...]}``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from ..engine.scalar import Evaluation
from ..errors import UsageError
from ..i18n import _

KEY_FORMAT, KEYS_FORMAT, VERSION = "backprop-worksheet-key", "backprop-worksheet-keys", 1
# The fillable CSV: a row per cell of the key, in its order; ``value``/``gradient`` blank
# where asked. Rows before the header whose first field starts with "#" carry the sheet's
# identity: ``#exercise,<id>`` and ``#student,<id>``. Column names are data: never translated.
SHEET_COLUMNS = ("node", "expr", "value", "gradient")
ASKED = ("value", "gradient")


@dataclass
class KeyCell:
    """One row of a worksheet: a variable (``op`` None) or a node, and its right numbers."""

    node: str
    op: str | None
    expr: str  # as grad writes it: "x + y", "exp(s4)"; a variable's own name
    inputs: list  # names, or numbers for constant inputs
    value: float
    gradient: float
    given: list[str] = field(default_factory=list)  # cells printed on the sheet, not asked ("value" of a variable)


@dataclass
class Key:
    """A worksheet's answer key."""

    exercise: str  # short id of (expression, bindings, convention): a sheet names it
    expression: str
    convention: str
    output: str
    cells: list[KeyCell]
    student: str | None = None
    seed: int | None = None
    level: int | None = None

    def to_json(self) -> dict:
        """The key as the JSON object above."""
        data = {"format": KEY_FORMAT, "version": VERSION, **asdict(self)}
        data["cells"] = data.pop("cells")  # last: the long part
        return data


def exercise_id(expression: str, bindings: dict[str, float], convention: str) -> str:
    """A short stable id of an exercise (the same text and numbers give the same id)."""
    text = json.dumps([expression, sorted(bindings.items()), convention])
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def key_from_evaluation(result: Evaluation, expression: str, bindings: dict[str, float], **identity) -> Key:
    """The key of an evaluated scalar graph; ``identity``: student, seed, level."""
    graph = result.graph
    labels, values, grads = graph.labels, result.values, result.grads
    cells = [
        KeyCell(name, None, name, [], float(values[slot]), float(grads[slot]), ["value"])
        for name, slot in graph.variables.items()
    ]
    from .rows import NodeRows

    rows = NodeRows(result)
    for index, node in enumerate(graph.nodes):
        inputs = [float(values[s]) if s in graph.constants else labels[s] for s in node.inputs]
        expr, _pattern = rows.describe(index)
        cells.append(KeyCell(labels[node.slot], node.op, expr, inputs, float(values[node.slot]), float(grads[node.slot])))
    ident = exercise_id(expression, bindings, result.convention)
    return Key(ident, expression, result.convention, graph.output_name, cells, **identity)


def keys_document(keys: list[Key]) -> dict:
    """A class's keys as one JSON object."""
    return {"format": KEYS_FORMAT, "version": VERSION, "keys": [key.to_json() for key in keys]}


def read_keys(text: str, where: str) -> list[Key]:
    """The keys in a key file's text (one key or a class's); ``where`` names the file in errors."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UsageError(_("{file}: not a JSON key file ({reason})").format(file=where, reason=error)) from None
    kind = data.get("format") if isinstance(data, dict) else None
    if kind not in (KEY_FORMAT, KEYS_FORMAT) or data.get("version") != VERSION:
        raise UsageError(_("{file}: not a backprop worksheet key (made by backprop exercise)").format(file=where))
    try:
        return [_key(item) for item in (data["keys"] if kind == KEYS_FORMAT else [data])]
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(_("{file}: a damaged worksheet key ({reason})").format(file=where, reason=error)) from None


def _key(data: dict) -> Key:
    cells = [KeyCell(**{name: cell[name] for name in KeyCell.__dataclass_fields__}) for cell in data["cells"]]
    for cell in cells:
        cell.value, cell.gradient = float(cell.value), float(cell.gradient)
    names = ("exercise", "expression", "convention", "output", "student", "seed", "level")
    return Key(cells=cells, **{name: data[name] for name in names})
