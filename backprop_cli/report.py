"""The per-node and per-variable facts every renderer shows, computed once.

Renderers (table, JSON, explain) only format these rows; the numbers and texts
are decided here, so every output agrees with every other.
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Evaluation
from .rules import RULES, VECTOR_RULES
from .symbolic import local_symbolic


@dataclass
class LocalGradient:
    """∂node/∂input: its text in input names, its value, and upstream × local."""

    input: str
    symbolic: str
    value: float
    downstream: float


@dataclass
class NodeReport:
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
    graph = result.graph
    uses = graph.slot_uses()
    reports = []
    for index, node in enumerate(graph.nodes):
        labels = [graph.labels[s] for s in node.inputs]
        constant = [graph.is_constant(s) for s in node.inputs]
        upstream = float(result.grads[node.slot])
        texts = local_symbolic(node.op, labels, constant)
        totals: dict[str, float] = {}
        for label, partial in zip(labels, result.partials[index]):
            if partial is not None:
                totals[label] = totals.get(label, 0.0) + float(partial)
        local = [LocalGradient(label, text, value, upstream * value) for (label, value), text in zip(totals.items(), texts)]
        reports.append(
            NodeReport(
                name=node.name,
                op=node.op,
                expr=expression_text(node.op, labels),
                inputs=labels,
                value=float(result.values[node.slot]),
                grad=upstream,
                locals=local,
                gate=graph.pattern(node),
                uses=uses.get(node.slot, 0),
                kink=result.kinks.get(index),
            )
        )
    return reports


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
    symbol = (RULES.get(op) or VECTOR_RULES[op]).symbol
    if symbol is not None:
        return f"{labels[0]} {symbol} {labels[1]}"
    if op == "neg":
        return f"-{labels[0]}"
    return f"{op}({', '.join(labels)})"
