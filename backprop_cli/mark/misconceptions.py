"""The known mistakes of the backward pass: one row per misconception, and the diagnosis of a
wrong gradient cell (docs/marking.md, "Misconceptions").

Each row has an id (data: never translated), a one-line explanation (translated where it is
shown), the gates it applies to, and a function giving the wrong number(s) that mistake
produces at a cell. A function sees the cell's edges to the nodes that use it, and one set
of numbers: the student's own (their upstream gradients and values) or the key's; a wrong
answer that matches a number of either set, by the marking's comparison rule, is diagnosed
with the first such row. A new misconception is one row and its function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..i18n import N_
from ..report.worksheet import KeyCell
from .recompute import Edge, Numbers


@dataclass(frozen=True)
class Situation:
    """A gradient cell and one set of numbers: what a misconception's function reads."""

    node: str
    edges: list[Edge]  # to the nodes that use this one (several: a fan-out)
    uses: dict[str, list[Edge]]  # every name's edges, to recognise a written-out sigmoid
    numbers: Numbers

    @property
    def values(self) -> dict[str, float]:
        return self.numbers.values

    @property
    def grads(self) -> dict[str, float]:
        return self.numbers.grads

    def part(self, edge: Edge) -> float | None:
        """What ``edge`` rightly hands back with these numbers."""
        return self.numbers.contribution(edge)

    def instead(self, edge: Edge, mistaken: float | None) -> float | None:
        """The cell's gradient when ``edge`` hands back ``mistaken`` and the others their right share."""
        if mistaken is None:
            return None
        others = [self.part(other) for other in self.edges if other is not edge]
        return None if None in others else mistaken + sum(others)


@dataclass(frozen=True)
class Misconception:
    """One known mistake: ``wrong`` gives the number(s) it produces at a gradient cell."""

    id: str
    explanation: str  # N_(): translated where shown
    gates: tuple[str, ...]
    wrong: Callable[[Situation], list[float]]


def _each_edge(gates: tuple[str, ...], mistaken: Callable[[Situation, Edge], float | None]):
    """A row's function from what one edge of a gate of ``gates`` wrongly hands back."""

    def wrong(situation: Situation) -> list[float]:
        found = []
        for edge in situation.edges:
            if edge.consumer.op in gates:
                number = situation.instead(edge, mistaken(situation, edge))
                if number is not None:
                    found.append(number)
        return found

    return wrong


def _upstream(situation: Situation, edge: Edge) -> float:
    return situation.grads[edge.consumer.node]


def _own_value(situation: Situation, edge: Edge) -> float | None:
    """mul: upstream × this input's own value (the switcher not switched)."""
    inputs = edge.consumer.inputs
    if not all(isinstance(name, str) for name in inputs) or inputs[0] == inputs[1]:
        return None  # a scaler (a constant factor) or x*x: nothing to swap
    return _upstream(situation, edge) * situation.values[inputs[edge.position]]


def _halved(situation: Situation, edge: Edge) -> float | None:
    part = situation.part(edge)
    return None if part is None else part / 2


def _flipped(situation: Situation, edge: Edge) -> float | None:
    if edge.consumer.op == "sub" and edge.position != 1:
        return None  # only the subtracted input carries the minus
    part = situation.part(edge)
    return None if part is None else -part


def _router_shares(situation: Situation, edge: Edge) -> list[float | None]:
    return situation.numbers.local(edge.consumer)


def _to_every_input(situation: Situation, edge: Edge) -> float | None:
    share = _router_shares(situation, edge)[edge.position]
    return _upstream(situation, edge) if share == 0 else None  # a loser given the gradient too


def _to_the_loser(situation: Situation, edge: Edge) -> float | None:
    share = _router_shares(situation, edge)[edge.position]
    return None if share is None else _upstream(situation, edge) * (1.0 if share == 0 else 0.0)


def _sigma_fused(situation: Situation, edge: Edge) -> float | None:
    return _upstream(situation, edge) * situation.values[edge.consumer.node]


def _missed_a_branch(situation: Situation) -> list[float]:
    """A fan-out given all its branches but one."""
    if len(situation.edges) < 2:
        return []
    parts = [situation.part(edge) for edge in situation.edges]
    if None in parts:
        return []
    return [sum(parts) - part for part in parts]


def written_out_sigmoid(uses: dict[str, list[Edge]], edges: list[Edge]) -> KeyCell | None:
    """The ``1/(1+exp(-t))`` node above t when t's only use starts that chain, else None."""
    chain = [("neg", None), ("exp", None), ("add", 1.0), ("div", 1.0)]
    current = edges
    for op, constant in chain:
        if len(current) != 1 or current[0].consumer.op != op:
            return None
        node = current[0].consumer
        if constant is not None and constant not in node.inputs:
            return None
        current = uses.get(node.node, [])
    return node


def _sigma_written_out(situation: Situation) -> list[float]:
    top = written_out_sigmoid(situation.uses, situation.edges)
    if top is None:
        return []
    return [situation.grads[top.node] * situation.values[top.node]]


def _sigma(situation: Situation) -> list[float]:
    return _each_edge(("sigmoid",), _sigma_fused)(situation) + _sigma_written_out(situation)


MISCONCEPTIONS = (
    Misconception(
        "switcher-swapped",
        N_("mul gate: each input gets upstream × the OTHER input's value, not its own"),
        ("mul",),
        _each_edge(("mul",), _own_value),
    ),
    Misconception(
        "adder-missed",
        N_("fan-out: a value used more than once adds the gradients of all its uses; one was left out"),
        ("fan-out",),
        _missed_a_branch,
    ),
    Misconception(
        "split-not-copied",
        N_("add gate: each input gets the whole upstream gradient (copied), not half of it"),
        ("add", "sub"),
        _each_edge(("add", "sub"), _halved),
    ),
    Misconception(
        "router-both",
        N_("max/min gate: only the winning input gets the gradient; the other gets 0"),
        ("max", "min"),
        _each_edge(("max", "min"), _to_every_input),
    ),
    Misconception(
        "router-loser",
        N_("max/min gate: the gradient goes to the winning input (the larger for max), not the other"),
        ("max", "min"),
        _each_edge(("max", "min"), _to_the_loser),
    ),
    Misconception(
        "sigmoid-sigma",
        N_("sigmoid: the local gradient is σ(1−σ), not σ"),
        ("sigmoid", "1/(1+exp(-t))"),
        _sigma,
    ),
    Misconception(
        "dropped-minus",
        N_("a minus was dropped: sub's second input and neg's input get −upstream"),
        ("sub", "neg"),
        _each_edge(("sub", "neg"), _flipped),
    ),
)
BY_ID = {row.id: row for row in MISCONCEPTIONS}


def diagnose(answer, situations: list[Situation], tol: float, min_digits: int) -> Misconception | None:
    """The first misconception whose wrong number (with either set of numbers) the answer matches."""
    for row in MISCONCEPTIONS:
        for situation in situations:
            if any(answer.matches(number, tol, min_digits) for number in row.wrong(situation)):
                return row
    return None
