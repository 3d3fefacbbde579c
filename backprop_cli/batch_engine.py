"""Forward and backward over many binding rows at once (``batch``, SPEC §8).

The same graph and the same SymPy-derived rules as ``engine.py``, but every slot
holds a NumPy array with one entry per row: one parse, one staging, and each node
is a handful of whole-array operations. Kinks follow the chosen convention
elementwise. ``batch.py`` feeds it cache-sized chunks of rows.
"""

from __future__ import annotations

import numpy as np

from ._derived_numpy import FORWARD, PARTIALS
from .graph import Graph
from .rules import RULES

_RULES = {op: (FORWARD.get(op), PARTIALS.get(op), rule.kink) for op, rule in RULES.items()}


def evaluate_rows(
    graph: Graph, columns: dict[str, np.ndarray], rows: int, convention: str = "pytorch"
) -> tuple[np.ndarray, dict]:
    """The output value and ∂f/∂variable for every row (arrays of length ``rows``)."""
    values: list = [None] * len(graph.labels)
    for name, slot in graph.variables.items():
        values[slot] = columns[name]
    for slot, constant in graph.constants.items():
        values[slot] = constant
    with np.errstate(all="ignore"):  # inf and nan are results here, reported by row
        for node in graph.nodes:
            args = [values[s] for s in node.inputs]
            forward = _RULES[node.op][0]
            values[node.slot] = forward(*args) if forward is not None else router_forward(node.op, args)
        grads = _backward(graph, values, rows, convention)
    value = np.broadcast_to(np.asarray(values[graph.output], dtype=float), (rows,))
    zero = np.zeros(rows)
    return value, {name: np.broadcast_to(grads.get(slot, zero), (rows,)) for name, slot in graph.variables.items()}


def _backward(graph: Graph, values: list, rows: int, convention: str) -> dict:
    grads: dict = {graph.output: np.ones(rows)}
    constants = graph.constants
    for node in reversed(graph.nodes):
        upstream = grads.get(node.slot)
        if upstream is None:
            continue  # a statement that does not feed the output
        args = [values[s] for s in node.inputs]
        for slot, local in zip(node.inputs, local_gradients(node.op, args, convention, [s in constants for s in node.inputs])):
            if local is None:
                continue
            # add, sub and neg have local gradients ±1: no need to multiply a whole array by them
            contribution = upstream if _is(local, 1) else -upstream if _is(local, -1) else upstream * local
            grads[slot] = contribution if slot not in grads else grads[slot] + contribution
    return grads


def _is(local, number: int) -> bool:
    return isinstance(local, int) and local == number


def local_gradients(op: str, args: list, convention: str, constant: list[bool]) -> list:
    """∂node/∂input per input (None for constants), with the convention at kinks."""
    _, partials, kink = _RULES[op]
    if partials is None:
        return [None if c else p for p, c in zip(router_partials(op, args, convention), constant)]
    local = [None if c else fn(*args) for fn, c in zip(partials, constant)]
    if kink is not None and convention in kink.values:
        at = kink.at(tuple(args))
        if np.any(at):
            chosen = kink.values[convention](tuple(args))
            local = [None if p is None else np.where(at, k, p) for p, k in zip(local, chosen)]
    return local


def router_forward(op: str, args: list):
    """max/min elementwise over broadcast arrays."""
    stacked = np.broadcast_arrays(*args)
    return np.maximum.reduce(stacked) if op == "max" else np.minimum.reduce(stacked)


def router_partials(op: str, args: list, convention: str) -> list:
    """max/min: the winner takes the gradient; ties as in ``engine.router_partials``."""
    stacked = np.array(np.broadcast_arrays(*args), dtype=float)
    best = stacked.max(axis=0) if op == "max" else stacked.min(axis=0)
    winners = stacked == best
    if convention != "sympy":
        return list(winners / winners.sum(axis=0))
    local = []
    for i in range(len(args)):
        others = np.delete(stacked, i, axis=0)
        gap = stacked[i] - others.max(axis=0) if op == "max" else others.min(axis=0) - stacked[i]
        local.append(np.heaviside(gap, 0.5))
    return local
