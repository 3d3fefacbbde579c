"""What follows from a student's own numbers: a node's value from its inputs' values, and a
gradient from its consumers' gradients times the local gradients (follow-through marking).

The functions are the engine's: ``rules.generated.derived`` FORWARD and PARTIALS (the
SymPy-derived rules; PARTIALS take the inputs and then the node's value), max and min
from ``rules.mathfns``, and the key's convention at kinks and ties (``engine.kinks``).
A student's number outside a function's domain (log of a negative) gives no recomputed
number: such a cell cannot be carried.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..engine import kinks
from ..errors import UsageError
from ..i18n import _
from ..report.worksheet import ASKED, Key, KeyCell
from ..rules import mathfns
from ..rules.generated.derived import FORWARD, PARTIALS
from ..rules.table import RULES

_FORWARD = dict(FORWARD, max=mathfns.maximum, min=mathfns.minimum)
_FAILED = (ArithmeticError, ValueError, TypeError)


def check_key(key: Key, where: str) -> None:
    """A key ``mark`` can work with (UsageError, exit 2, otherwise): every node's op known with its
    number of inputs, each input an earlier cell's name or a number, no name twice."""
    seen: set[str] = set()
    for cell in key.cells:
        problem = _cell_problem(cell, seen)
        if problem:
            raise UsageError(_("{file}: a damaged worksheet key ({reason})").format(file=where, reason=problem))
        seen.add(cell.node)
    problem = "no cells" if not seen else None if key.output in seen else f"the output {key.output!r} is not a cell"
    if problem:  # a hand-edited key: nothing to mark would be "0/0 passed"
        raise UsageError(_("{file}: a damaged worksheet key ({reason})").format(file=where, reason=problem))


def _cell_problem(cell: KeyCell, seen: set[str]) -> str | None:
    if not isinstance(cell.node, str) or cell.node in seen:
        return f"cell {cell.node!r} is not a new name"
    if not isinstance(cell.given, list) or not all(isinstance(g, str) and g in ASKED for g in cell.given):
        return f"{cell.node}: given {cell.given!r} is not a list of {', '.join(ASKED)}"
    for column in ASKED:
        if not math.isfinite(getattr(cell, column)):
            return f"{cell.node}: {column} {getattr(cell, column)!r} is not a finite number"
    if cell.op is None:
        return None
    if cell.op not in _FORWARD:
        return f"{cell.node}: unknown op {cell.op!r}"
    arity = len(PARTIALS[cell.op]) if cell.op in PARTIALS else None
    if not isinstance(cell.inputs, list) or (arity is not None and len(cell.inputs) != arity) or len(cell.inputs) < 1:
        return f"{cell.node}: {cell.op} with inputs {cell.inputs!r}"
    for name in cell.inputs:
        if isinstance(name, str) and name not in seen:
            return f"{cell.node}: input {name!r} is not an earlier cell"
        if not isinstance(name, (str, int, float)) or isinstance(name, bool):
            return f"{cell.node}: input {name!r} is neither a name nor a number"
    return None


@dataclass(frozen=True)
class Edge:
    """Input ``position`` of node ``consumer``: one path a gradient takes back (fan-out: several)."""

    consumer: KeyCell
    position: int
    reads: tuple[str, ...] = ()  # the values its local gradient reads (``reads``)


def consumers(key: Key) -> dict[str, list[Edge]]:
    """Each variable's and node's edges to the nodes that use it, in evaluation order."""
    found: dict[str, list[Edge]] = {cell.node: [] for cell in key.cells}
    for cell in key.cells:
        for position, name in enumerate(cell.inputs):
            if isinstance(name, str) and name in found:
                found[name].append(Edge(cell, position, tuple(reads(cell, position))))
    return found


def arguments(cell: KeyCell, values: dict[str, float]) -> list[float]:
    """The node's input values: a constant's number, else the named value in ``values``."""
    return [values[name] if isinstance(name, str) else float(name) for name in cell.inputs]


def forward_value(cell: KeyCell, values: dict[str, float]) -> float | None:
    """The node's value computed from ``values`` of its inputs (None where that fails)."""
    try:
        return float(_FORWARD[cell.op](*arguments(cell, values)))
    except _FAILED:
        return None


def local_gradients(cell: KeyCell, values: dict[str, float], convention: str) -> list[float | None]:
    """∂cell/∂input for each input at ``values`` (the node's own value included), as the engine
    takes them; None for a constant input or where the rule fails."""
    args = arguments(cell, values)
    variable = [isinstance(name, str) for name in cell.inputs]
    if cell.op in ("max", "min"):
        shares = kinks.router_partials(cell.op, args, convention, cell.inputs)
        return [share if is_variable else None for share, is_variable in zip(shares, variable)]
    local: list[float | None] = []
    with_value = [*args, values[cell.node]]
    for rule, is_variable in zip(PARTIALS[cell.op], variable):
        try:
            local.append(float(rule(*with_value)) if is_variable else None)
        except _FAILED:
            local.append(None)
    row = RULES[cell.op]
    if row.edges:
        local = kinks.fix_edges(row.edges, args, local)
    if row.kink is not None:
        chosen = kinks.at_kink(row.kink, convention, args, variable, local)
        if chosen is not None:
            local = chosen[0]
    return local


def reads(cell: KeyCell, position: int) -> list[str]:
    """The names whose values the local gradient on input ``position`` reads: some of the
    node's inputs, and the node itself (``exp`` and ``sigmoid`` read their own value)."""
    count = len(cell.inputs)
    used = _READS.get((cell.op, count, position))
    if used is None:
        used = _READS[(cell.op, count, position)] = _read_positions(cell.op, count, position)
    names = [cell.inputs[i] if i < count else cell.node for i in used]
    return [name for name in names if isinstance(name, str)]


_READS: dict[tuple, tuple[int, ...]] = {}


def _read_positions(op: str, count: int, position: int) -> tuple[int, ...]:
    """Which arguments (the inputs, then the node's value) a rule reads, found by moving each
    at a point inside every domain; max, min and every rule with a kink (relu, abs) read
    all their inputs too (which side of the kink they are on)."""
    everything = tuple(range(count + 1))
    if op in ("max", "min"):
        return tuple(range(count))
    sides = tuple(range(count)) if RULES[op].kink is not None else ()
    rule = PARTIALS[op][position]
    point = [0.3 + 0.17 * i for i in range(count)] + [0.61]
    try:
        base = rule(*point)
        moved = [i for i in everything if rule(*[a + 0.05 * (j == i) for j, a in enumerate(point)]) != base]
        return tuple(sorted(set(sides) | set(moved)))
    except _FAILED:
        return everything


class Numbers:
    """One set of numbers on the key's graph, by name: the student's (the key's where a cell
    is not readable) or the key's own; local gradients at them are cached, since a sheet's
    numbers do not change while it is marked."""

    def __init__(self, values: dict[str, float], grads: dict[str, float], convention: str) -> None:
        self.values, self.grads, self.convention = values, grads, convention
        self._locals: dict[str, list[float | None]] = {}

    def local(self, cell: KeyCell) -> list[float | None]:
        """``local_gradients`` of ``cell`` at these values."""
        found = self._locals.get(cell.node)
        if found is None:
            found = self._locals[cell.node] = local_gradients(cell, self.values, self.convention)
        return found

    def contribution(self, edge: Edge) -> float | None:
        """What ``edge`` hands back: the consumer's gradient times its local gradient on that input."""
        local = self.local(edge.consumer)[edge.position]
        return None if local is None else self.grads[edge.consumer.node] * local

    def backward_value(self, edges: list[Edge]) -> float | None:
        """A gradient summed over every edge (fan-out adds), None when one edge cannot be computed."""
        total = 0.0
        for edge in edges:
            part = self.contribution(edge)
            if part is None:
                return None
            total += part
        return total
