"""The per-node and per-variable facts every renderer shows, computed once.

Renderers (table, JSON, explain) only format these rows; the numbers and texts
are decided here, so every output agrees with every other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .engine import Evaluation
from .rules import RULES
from .symbolic import local_symbolic


class LocalGradient(NamedTuple):
    """∂node/∂input: its text in input names, its value, and upstream × local."""

    input: str
    symbolic: str
    value: float
    downstream: float


class NodeReport(NamedTuple):
    """One row of the table / one element of the JSON ``nodes`` list."""

    name: str
    op: str
    expr: str
    inputs: list[str]
    value: float
    grad: float
    locals: list[LocalGradient]
    gate: str | None  # the gate's own pattern: distributor, switcher, ...
    uses: int  # how many node inputs read this node
    kink: str | None

    @property
    def pattern(self) -> str | None:
        """SPEC §4: a node used twice or more is a fan-out (adder); else its gate's pattern."""
        return "adder" if self.uses >= 2 else self.gate


@dataclass
class VariableReport:
    """A leaf the user bound: its value, ∂f/∂it, and how many times it is used."""

    name: str
    value: float
    grad: float
    uses: int

    @property
    def pattern(self) -> str | None:
        """Fan-out: a variable used twice or more is a copy gate whose gradients add."""
        return "adder" if self.uses >= 2 else None


def node_reports(result: Evaluation) -> list[NodeReport]:
    """One report per node, in evaluation order."""
    return list(NodeReports(result))


class NodeReports:
    """The reports of one evaluation's nodes, made as they are read.

    Renderers stream these: a 200,000-node graph is shown without holding
    200,000 reports. Per node this is a few dict and list look-ups; what depends
    only on the node's shape (its op, which inputs are constants, which repeat)
    is worked out once per shape (``_Shape``).
    """

    def __init__(self, result: Evaluation) -> None:
        self.result = result
        self.uses = result.graph.slot_uses()
        self.shapes: dict[tuple, _Shape] = {}

    def __len__(self) -> int:
        return len(self.result.graph.nodes)

    def __iter__(self) -> Iterator[NodeReport]:
        return self.between(0, len(self))

    def __reversed__(self) -> Iterator[NodeReport]:
        block = 1024  # made forwards a block at a time, handed out backwards
        for stop in range(len(self), 0, -block):
            yield from reversed(list(self.between(stop - block, stop)))

    def uses_by_name(self) -> dict[str, int]:
        """Each node's ``uses``, by name, without making the reports."""
        uses = self.uses
        return {node.name: uses.get(node.slot, 0) for node in self.result.graph.nodes}

    def pattern(self, index: int) -> str | None:
        """Node ``index``'s pattern (``NodeReport.pattern``) without making its report."""
        node = self.result.graph.nodes[index]
        return "adder" if self.uses.get(node.slot, 0) >= 2 else self._shape(node.op, node.inputs).gate

    def expr(self, index: int) -> str:
        """Node ``index``'s ``expr`` without making its report."""
        node, labels = self.result.graph.nodes[index], self.result.graph.labels
        return self._shape(node.op, node.inputs).expr.format(*[labels[s] for s in node.inputs])

    def at(self, index: int) -> NodeReport:
        """The report of node ``index``."""
        return next(self.between(index, index + 1))

    def between(self, start: int, stop: int) -> Iterator[NodeReport]:
        """The reports of nodes ``start`` .. ``stop - 1``, in evaluation order."""
        result = self.result
        graph = result.graph
        labels_of, nodes, uses, shape_of = graph.labels, graph.nodes, self.uses, self._shape
        values, grads, partials, kinks = result.values, result.grads, result.partials, result.kinks
        new = tuple.__new__  # NamedTuple(...) without its Python-level __new__: this runs per node
        for index in range(max(start, 0), min(stop, len(nodes))):
            node = nodes[index]
            inputs, slot = node.inputs, node.slot
            shape = shape_of(node.op, inputs)
            labels = [labels_of[s] for s in inputs]
            upstream = float(grads[slot])
            if shape.simple:  # distinct variable or node inputs: no constants, no repeats
                local = []
                for label, text, partial in zip(labels, shape.templates, partials[index]):
                    value = 0.0 + float(partial)  # 0.0 + : -0.0 shows as 0.0, as it always has
                    local.append(new(LocalGradient, (label, text.format(*labels), value, upstream * value)))
            else:
                distinct = [labels[p[0]] for p in shape.positions]
                local = [
                    LocalGradient(label, text.format(*distinct), value, upstream * value)
                    for label, text, value in zip(distinct, shape.templates, shape.totals(partials[index]))
                ]
            yield new(
                NodeReport,
                (
                    node.name,
                    node.op,
                    shape.expr.format(*labels),
                    labels,
                    float(values[slot]),
                    upstream,
                    local,
                    shape.gate,
                    uses.get(slot, 0),
                    kinks.get(index),
                ),
            )

    def _shape(self, op: str, inputs: tuple[int, ...]) -> _Shape:
        graph = self.result.graph
        constants = graph.constants
        if len(inputs) == 2:  # most nodes; the key is built without a loop (see the general case below)
            a, b = inputs
            constant_a, constant_b = a in constants, b in constants
            if not (constant_a or constant_b):
                key = (op, 2) if a != b else (op, (0, 0))
            else:
                labels = graph.labels
                key = (op, (labels[a] if constant_a else 0, labels[b] if constant_b else int(not constant_a)))
        elif len(inputs) == 1 and inputs[0] not in constants:
            key = (op, 1)
        elif len(set(inputs)) == len(inputs) and not any(s in constants for s in inputs):
            key = (op, len(inputs))
        else:
            labels, first = graph.labels, {}
            key = (op, tuple(labels[s] if s in constants else first.setdefault(s, len(first)) for s in inputs))
        shape = self.shapes.get(key)
        if shape is None:
            pattern = key[1] if isinstance(key[1], tuple) else tuple(range(key[1]))
            shape = self.shapes[key] = _Shape(op, pattern)
        return shape


def _placeholder(index: int) -> str:
    return f"\x00{index}\x01"


_PLACEHOLDER = re.compile("\x00(\\d+)\x01")


def _template(text: str, count: int) -> str:
    """``text`` with placeholders 0..count-1 turned into ``str.format`` fields.

    One pass over the text: a max of n inputs has n texts of n names each, and a
    replace per placeholder would cost n³.
    """
    text = text.replace("{", "{{").replace("}", "}}")
    return _PLACEHOLDER.sub(lambda m: f"{{{m.group(1)}}}" if int(m.group(1)) < count else m.group(0), text)


class _Shape:
    """A node's texts given its op and which inputs are constants or repeats, worked out once.

    ``key`` holds, per input, the constant's literal, or for a variable or node
    input the index of its first appearance among them (``x*x`` is ``(0, 0)``).
    """

    __slots__ = ("expr", "gate", "positions", "simple", "templates")

    def __init__(self, op: str, key: tuple) -> None:
        count = 1 + max((k for k in key if isinstance(k, int)), default=-1)
        labels = [k if isinstance(k, str) else _placeholder(k) for k in key]
        constant = [isinstance(k, str) for k in key]
        # local_symbolic's texts depend on the input names only by substituting them,
        # so one call with placeholders gives the text of every node of this shape.
        self.templates = [_template(text, count) for text in local_symbolic(op, labels, constant)]
        self.expr = _template(expression_text(op, [_placeholder(i) for i in range(len(key))]), len(key))
        self.gate = _gate(op, key)
        self.positions = [[p for p, k in enumerate(key) if k == i] for i in range(count)]
        self.simple = count == len(key)  # every input a distinct variable or node

    def totals(self, partial) -> list[float]:
        """∂node/∂input per distinct input; a repeated input's partials add, left to right."""
        totals = []
        for positions in self.positions:
            total = 0.0
            for p in positions:
                total += float(partial[p])
            totals.append(total)
        return totals


def _gate(op: str, key: tuple) -> str | None:
    """SPEC §4: the gate's own pattern, as ``Graph.pattern`` gives it (mul by a constant is a scaler)."""
    if op == "mul" and any(isinstance(k, str) for k in key):
        return "scaler"
    return RULES[op].pattern


def variable_reports(result: Evaluation, wrt: list[str] | None = None) -> list[VariableReport]:
    """The variables in first-use order (only those in ``wrt`` when given)."""
    graph = result.graph
    names = wrt if wrt is not None else list(graph.variables)
    return [
        VariableReport(
            name,
            float(result.values[graph.variables[name]]),
            float(result.grads[graph.variables[name]]),
            graph.uses[name],
        )
        for name in names
    ]


def expression_text(op: str, labels: list[str]) -> str:
    """How the node is written in its input names: ``x + y``, ``-s3``, ``exp(s4)``."""
    symbol = RULES[op].symbol
    if symbol is not None:
        return f"{labels[0]} {symbol} {labels[1]}"
    if op == "neg":
        return f"-{labels[0]}"
    return f"{op}({', '.join(labels)})"
