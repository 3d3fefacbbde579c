"""The per-node and per-variable facts every renderer shows, computed once.

Renderers (table, JSON, explain) only format these rows; the numbers and texts
are decided here, so every output agrees with every other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from operator import mul

from ..engine.scalar import Evaluation
from .shapes import Shape


class NodeRows:
    """The rows of one evaluation's nodes, made as they are read.

    Renderers stream these: a 200,000-node graph is shown without holding a row
    per node. What depends only on a node's shape (its op, which inputs are
    constants, which repeat) is worked out once per shape (``Shape``).
    """

    def __init__(self, result: Evaluation) -> None:
        self.result = result
        self.graph = result.graph
        self.uses = result.graph.slot_uses()
        self.shapes: dict[tuple, Shape] = {}
        # Vector mode (SPEC §5b): values are arrays, and each edge has a vector–Jacobian product.
        self.arrays = result.arrays

    def __len__(self) -> int:
        return len(self.graph.nodes)

    def rows(self, start: int = 0, stop: int | None = None, labels: list[str] | None = None) -> Iterator[tuple]:
        """``(shape, row)`` for nodes ``start`` .. ``stop - 1`` in evaluation order.

        ``labels`` replaces the graph's slot labels in the rows (a renderer passes
        its escaped or typeset names).
        """
        result, graph = self.result, self.graph
        nodes, uses, shape_of = graph.nodes, self.uses, self.shape
        labels_of = graph.labels if labels is None else labels
        stop = len(nodes) if stop is None else min(stop, len(nodes))
        if self.arrays:
            from .arrays import array_rows

            yield from array_rows(self, max(start, 0), stop, labels_of)
            return
        values, grads, partials, kinks = result.values, result.grads, result.partials, result.kinks
        # Hot loop: runs once per node. One and two distinct inputs (nearly every
        # node) are written out, without list building; 0.0 + shows -0.0 as 0.0.
        for index in range(max(start, 0), stop):
            node = nodes[index]
            inputs, slot = node.inputs, node.slot
            shape = shape_of(node.op, inputs)
            upstream, partial = float(grads[slot]), partials[index]
            kind = shape.kind
            if kind == 2:
                a, b = inputs
                pa, pb = 0.0 + partial[0], 0.0 + partial[1]
                yield shape, (
                    labels_of[slot], uses.get(slot, 0), kinks.get(index), labels_of[a], labels_of[b],
                    float(values[slot]), upstream, pa, pb, upstream * pa, upstream * pb,
                )  # fmt: skip
            elif kind == 3:  # x*3, 2**x: two inputs, one edge
                a, b = inputs
                pa = 0.0 + partial[shape.positions[0]]
                yield shape, (
                    labels_of[slot], uses.get(slot, 0), kinks.get(index), labels_of[a], labels_of[b],
                    float(values[slot]), upstream, pa, upstream * pa,
                )  # fmt: skip
            elif kind == 1:
                pa = 0.0 + partial[0]
                yield shape, (
                    labels_of[slot], uses.get(slot, 0), kinks.get(index), labels_of[inputs[0]],
                    float(values[slot]), upstream, pa, upstream * pa,
                )  # fmt: skip
            else:
                local = [0.0 + p for p in partial if p is not None]
                yield shape, (
                    labels_of[slot], uses.get(slot, 0), kinks.get(index), *[labels_of[s] for s in inputs],
                    float(values[slot]), upstream, *local, *[upstream * p for p in local],
                )  # fmt: skip

    def column_blocks(
        self, labels: list, block: int = 4096, edges: bool = True, reverse: bool = False
    ) -> Iterator[tuple[int, list, list]]:
        """The rows of ``block`` nodes at a time, as columns: ``(start, groups, others)``.

        ``groups``: per shape of node (and whether it is used twice) ``(shape, used_twice,
        places, columns)``, where ``columns[k]`` holds field ``k`` of the rows of the
        nodes at ``start + place``. A writer formats a column group with one C-level
        ``map``, which is several times faster than a row at a time. ``others``: the
        nodes that take more care (at a kink, an input read twice, three or more inputs),
        as ``(place, shape, row)``. ``edges=False``: the columns stop at ∂f/∂node (a writer
        that shows no local or downstream gradient is spared making them). ``reverse``: the last
        block first (the backward pass's order). Scalar results only.
        """
        nodes, uses, kinks, shape_of = self.graph.nodes, self.uses, self.result.kinks, self.shape
        starts = range(0, len(nodes), block)
        for start in reversed(starts) if reverse else starts:
            stop = min(start + block, len(nodes))
            places: dict[tuple, list[int]] = {}
            others = []
            for index in range(start, stop):  # hot loop: once per node, as little as possible
                node = nodes[index]
                inputs = node.inputs
                shape = shape_of(node.op, inputs)
                # kinds 1-3 read an input twice only as x*x (Shape.repeats, here on slots: no row yet)
                if not shape.kind or index in kinks or (shape.kind == 2 and inputs[0] == inputs[1]):
                    others.append((index - start, shape, next(self.rows(index, index + 1, labels))[1]))
                    continue
                key = (shape, uses.get(node.slot, 0) >= 2)
                group = places.get(key)
                if group is None:
                    places[key] = [index - start]
                else:
                    group.append(index - start)
            groups = [
                (shape, twice, at, self.columns(shape, [start + p for p in at], labels, edges))
                for (shape, twice), at in places.items()
            ]
            yield start, groups, others

    def columns(self, shape: Shape, indices: list[int], labels: list[str], edges: bool = True) -> list[list]:
        """The row fields (``rows``) of the nodes ``indices``, all of one shape of one or two
        inputs, as columns: each made by one comprehension or ``map`` over the nodes."""
        result, uses = self.result, self.uses
        nodes = list(map(self.graph.nodes.__getitem__, indices))
        slots = [node.slot for node in nodes]
        inputs = [node.inputs for node in nodes]
        grads = list(map(float, map(result.grads.__getitem__, slots)))
        partials = list(map(result.partials.__getitem__, indices)) if edges else []
        locals_ = [[0.0 + local[p] for local in partials] for p in shape.positions] if edges else []  # 0.0 + makes -0.0 0.0
        return [
            list(map(labels.__getitem__, slots)),
            [uses.get(slot, 0) for slot in slots],
            [None] * len(slots),
            *[list(map(labels.__getitem__, [each[p] for each in inputs])) for p in range(shape.inputs)],
            list(map(float, map(result.values.__getitem__, slots))),
            grads,
            *locals_,
            *[list(map(mul, grads, local)) for local in locals_],
        ]

    def reversed_rows(self, labels: list[str] | None = None, block: int = 1024) -> Iterator[tuple]:
        """``rows`` from the last node to the first (made forwards a block at a time)."""
        for stop in range(len(self), 0, -block):
            yield from reversed(list(self.rows(stop - block, stop, labels)))

    def pattern(self, index: int) -> str | None:
        """Node ``index``'s pattern (SPEC §4): adder when used twice or more, else its gate's."""
        node = self.graph.nodes[index]
        return self.shape(node.op, node.inputs).pattern(self.uses.get(node.slot, 0))

    def describe(self, index: int) -> tuple[str, str | None]:
        """Node ``index`` as written in its input names (``x + y``, ``exp(s4)``), and its pattern."""
        node, labels = self.graph.nodes[index], self.graph.labels
        shape = self.shape(node.op, node.inputs)
        return shape.expr_format.format(*[labels[s] for s in node.inputs]), shape.pattern(self.uses.get(node.slot, 0))

    def shape(self, op: str, inputs: tuple[int, ...]) -> Shape:
        """The shape of a node: its op, and per input a constant's literal or its position."""
        constants = self.graph.constants
        if len(inputs) == 2:  # most nodes; the key is built without a loop (see the general case below)
            a, b = inputs
            constant_a, constant_b = a in constants, b in constants
            if not (constant_a or constant_b):
                key = (op, 2)
            else:
                labels = self.graph.labels
                key = (op, (labels[a] if constant_a else 0, labels[b] if constant_b else 1))
        elif len(inputs) == 1:
            key = (op, 1) if inputs[0] not in constants else (op, (self.graph.labels[inputs[0]],))
        elif not any(s in constants for s in inputs):
            key = (op, len(inputs))
        else:
            labels = self.graph.labels
            key = (op, tuple(labels[s] if s in constants else p for p, s in enumerate(inputs)))
        shape = self.shapes.get(key)
        if shape is None:
            pattern = key[1] if isinstance(key[1], tuple) else tuple(range(key[1]))
            shape = self.shapes[key] = Shape(op, pattern, self.arrays)
        return shape


@dataclass
class VariableReport:
    """A leaf the user bound: its value, ∂f/∂it, and how many times it is used."""

    name: str
    value: float  # an array in vector mode
    grad: float
    uses: int

    @property
    def pattern(self) -> str | None:
        """Fan-out: a variable used twice or more is a copy gate whose gradients add."""
        return "adder" if self.uses >= 2 else None


@dataclass
class GradReport:
    """What every output format writes: the expression, its evaluation and any checks."""

    source: str
    result: Evaluation
    wrt: list[str] | None = None  # the variables asked for (None: all)
    checks: list = field(default_factory=list)  # --check's rows
    checked: bool = False  # --check was given (JSON then has a "check" object, even an empty one)
    digits: int = 6  # significant digits of numbers on screen (--digits); --json and --quiet keep all

    @cached_property
    def nodes(self) -> NodeRows:
        """The nodes' rows, made as they are read (made once: each counts every node's uses)."""
        return NodeRows(self.result)

    @property
    def variables(self) -> list[VariableReport]:
        """The variables asked for (``--wrt``), in first-use order."""
        return variable_reports(self.result, self.wrt, self.nodes.uses)

    @property
    def output(self) -> str:
        """The output's name (f unless the program names it)."""
        return self.result.graph.output_name


def variable_reports(result: Evaluation, wrt: list[str] | None = None, slot_uses: dict | None = None) -> list[VariableReport]:
    """The variables in first-use order (only those in ``wrt`` when given); ``slot_uses``:
    ``NodeRows.uses`` where a report has counted them already."""
    graph = result.graph
    names = wrt if wrt is not None else list(graph.variables)
    uses = graph.variable_uses(slot_uses)
    number = (lambda x: x) if result.arrays else float  # vector mode: values and gradients stay arrays
    return [
        VariableReport(name, number(result.values[graph.variables[name]]), number(result.gradient(name)), uses[name])
        for name in names
    ]
