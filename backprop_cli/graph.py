"""Stage parsed postfix items into the user's computational graph (SPEC §3).

Every value in the graph lives in a *slot*: a variable, a constant or a node.
Each operator application or function call becomes one node, in evaluation
order; nothing is reordered, merged or simplified, except that a minus sign
written directly before a number is part of that number (``x * -1`` multiplies
by the constant -1). A variable used twice is one slot with two uses (fan-out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lexer
from .errors import ExpressionError
from .parser import parse
from .rules import RULES


@dataclass(slots=True)
class Node:
    """One gate: ``op`` applied to the values in ``inputs`` (slot ids), stored in ``slot``.

    ``at`` is the index of the operator's token (``lexer.position`` gives its column).
    """

    op: str
    inputs: tuple[int, ...]
    slot: int
    at: int
    name: str = ""


@dataclass
class Graph:
    """The staged expression: slots, nodes in evaluation order, and the output slot."""

    source: str
    labels: list[str] = field(default_factory=list)  # per slot: variable, literal or node name
    constants: dict[int, float] = field(default_factory=dict)  # slot -> value
    variables: dict[str, int] = field(default_factory=dict)  # name -> slot, first-use order
    uses: dict[str, int] = field(default_factory=dict)  # variable name -> number of uses
    nodes: list[Node] = field(default_factory=list)
    output: int = 0

    def is_constant(self, slot: int) -> bool:
        """True for a constant leaf (it receives no gradient)."""
        return slot in self.constants

    def pattern(self, node: Node) -> str | None:
        """The gate pattern of SPEC §4 (fan-out is a property of variables: see report)."""
        if node.op == "mul" and any(s in self.constants for s in node.inputs):
            return "scaler"
        return RULES[node.op].pattern

    def new_slot(self, label: str) -> int:
        self.labels.append(label)
        return len(self.labels) - 1


def stage(source: str, fuse: tuple[str, ...] = ()) -> Graph:
    """Parse ``source`` and build its graph; ``fuse=("sigmoid",)`` folds 1/(1+exp(-t))."""
    graph = Graph(source)
    labels, constants, nodes = graph.labels, graph.constants, graph.nodes
    stack: list[int] = []
    # One flat loop: it runs once per token of expressions with 200,000 nodes.
    for item in parse(source):
        kind = item[0]
        if kind == "op":
            _, op, argc, at = item
            inputs = tuple(stack[-argc:])
            del stack[-argc:]
            if op == "neg" and inputs[0] in constants and labels[inputs[0]][0] != "-":
                stack.append(_negate_constant(graph, inputs[0]))
                continue
            if op not in RULES:
                message = f"'{op}' needs vector mode (array bindings), which this version does not have yet"
                raise ExpressionError(message, source, lexer.position(source, at))
            slot = len(labels)
            labels.append("")
            nodes.append(Node(op, inputs, slot, at))
            stack.append(slot)
        elif kind == "var":
            stack.append(_variable_slot(graph, item[1]))
        else:
            slot = len(labels)
            labels.append(item[2])
            constants[slot] = item[1]
            stack.append(slot)
    graph.output = stack[-1]
    if "sigmoid" in fuse:
        _fuse_sigmoid(graph)
    _name_nodes(graph)
    return graph


def _variable_slot(graph: Graph, name: str) -> int:
    slot = graph.variables.get(name)
    if slot is None:
        slot = graph.variables[name] = graph.new_slot(name)
        graph.uses[name] = 0
    graph.uses[name] += 1
    return slot


def _negate_constant(graph: Graph, slot: int) -> int:
    """-2 is the number -2, not a gate (but -(-2) keeps its outer minus as a gate)."""
    graph.constants[slot] = -graph.constants[slot]
    graph.labels[slot] = "-" + graph.labels[slot]
    return slot


def _fuse_sigmoid(graph: Graph) -> None:
    """Replace each 1/(1+exp(-t)) (either order of the sum) by one sigmoid(t) node."""
    producer = {node.slot: node for node in graph.nodes}
    dead: set[int] = set()

    def node_of(slot: int, op: str) -> Node | None:
        node = producer.get(slot)
        return node if node is not None and node.op == op else None

    def is_one(slot: int) -> bool:
        return graph.constants.get(slot) == 1.0

    for node in graph.nodes:
        if node.op != "div" or not is_one(node.inputs[0]):
            continue
        add = node_of(node.inputs[1], "add")
        if add is None:
            continue
        left, right = add.inputs
        exp_slot = right if is_one(left) else left if is_one(right) else None
        exp = node_of(exp_slot, "exp") if exp_slot is not None else None
        neg = node_of(exp.inputs[0], "neg") if exp is not None else None
        if neg is None:
            continue
        node.op, node.inputs = "sigmoid", neg.inputs
        dead.update((add.slot, exp.slot, neg.slot))
    if dead:
        graph.nodes = [node for node in graph.nodes if node.slot not in dead]


_NUMBERED = re.compile(r"(.*?)\d+$")


def _name_nodes(graph: Graph) -> None:
    """Name nodes s0, s1, ... and the output f, avoiding every variable's name."""
    prefix = _free_prefix(set(graph.variables))
    output_name = "f"
    while output_name in graph.variables:
        output_name += "_"
    labels = graph.labels
    for index, node in enumerate(graph.nodes):
        node.name = labels[node.slot] = f"{prefix}{index}"
    if graph.nodes:
        last = graph.nodes[-1]
        last.name = labels[last.slot] = output_name


def _free_prefix(variables: set[str]) -> str:
    taken = {m.group(1) for m in map(_NUMBERED.match, variables) if m}
    for prefix in ("s", "t", "u", "n"):
        if prefix not in taken:
            return prefix
    prefix = "s_"
    while prefix in taken:
        prefix += "_"
    return prefix
