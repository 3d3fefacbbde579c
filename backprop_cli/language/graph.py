"""Stage parsed postfix items into the user's computational graph (SPEC §3).

Every value in the graph lives in a *slot*: a variable, a constant or a node.
Each operator application or function call becomes one node, in evaluation
order; nothing is reordered, merged or simplified, except that a minus sign
written directly before a number is part of that number (``x * -1`` multiplies
by the constant -1). A variable used twice is one slot with two uses (fan-out).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

from .. import limits
from ..errors import ExpressionError, UsageError
from ..i18n import _
from ..rules.table import VECTOR_RULES
from . import lexer
from .parser import parse
from .program import Statement, split_program


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
    """The staged program: slots, nodes in evaluation order, and the output slot."""

    source: str
    labels: list[str] = field(default_factory=list)  # per slot: variable, literal or node name
    constants: dict[int, float] = field(default_factory=dict)  # slot -> value
    variables: dict[str, int] = field(default_factory=dict)  # name -> slot, first-use order
    nodes: list[Node] = field(default_factory=list)
    output: int = 0
    named: dict[int, str] = field(default_factory=dict)  # node slot -> the user's name for it
    times_named: dict[str, int] = field(default_factory=dict)  # target -> nodes named after it so far
    assigned: dict[str, int] = field(default_factory=dict)  # assigned name -> position of its first assignment
    statements: list[tuple[int, Statement]] = field(default_factory=list)  # (first slot it creates, statement)

    def needs_arrays(self) -> bool:
        """True when the expression uses an operator that only exists on arrays (@, sum, ...)."""
        return any(node.op in VECTOR_RULES for node in self.nodes)

    def slot_uses(self) -> dict[int, int]:
        """How many node inputs read each slot (computed on demand: the hot path needs none)."""
        # Counter counts in C: a third of a second less on 200,000 nodes than a loop here
        return Counter(chain.from_iterable(map(attrgetter("inputs"), self.nodes)))

    def variable_uses(self, slot_uses: dict[int, int] | None = None) -> dict[str, int]:
        """How many edges leave each variable (its fan-out, SPEC §4): the node inputs that read
        it, by its name or through another (``b = z; f = b*x + b*y`` reads z twice). A variable
        that is itself the output, with no node reading it (``f = x``), has the one use."""
        counts = self.slot_uses() if slot_uses is None else slot_uses
        uses = {name: counts.get(slot, 0) for name, slot in self.variables.items()}
        for name, slot in self.variables.items():
            if slot == self.output and not uses[name]:
                uses[name] = 1
        return uses

    @property
    def output_name(self) -> str:
        """The name the output goes by: its node's name, else f."""
        return self.labels[self.output] if self.nodes and self.output >= 0 and self.labels[self.output] else "f"

    def position(self, node: Node) -> int:
        """Character position of the node's operator in the source, for a caret."""
        first_slots = [first for first, _ in self.statements]
        statement = self.statements[bisect_right(first_slots, node.slot) - 1][1]
        return statement.offset + lexer.position(statement.text, node.at)

    def new_slot(self, label: str) -> int:
        self.labels.append(label)
        return len(self.labels) - 1


def stage(source: str, fuse: tuple[str, ...] = (), output_name: str | None = None) -> Graph:
    """Parse a program (or one expression) and build its graph.

    ``fuse=("sigmoid",)`` folds 1/(1+exp(-t)); ``output_name`` picks the newest
    value of that name as the output instead of the last statement.
    """
    _check_size(source)
    graph = Graph(source)
    statements = split_program(source)
    later = {s.target: s.start for s in statements if s.target}  # names some statement assigns
    scope: dict[str, int] = {}  # assigned name -> slot of its newest value
    result = 0
    for statement in statements:
        graph.statements.append((len(graph.labels), statement))
        result = _stage_expression(graph, statement, scope, later)
        if statement.target:
            _assign(graph, statement, result, scope)
    graph.output = _output_slot(graph, scope, result, output_name)
    if "sigmoid" in fuse:
        _fuse_sigmoid(graph)
    _name_nodes(graph)
    return graph


def _check_size(source: str) -> None:
    """Refuse a program with more possible nodes than the limit before spending memory on it."""
    operators = sum(map(source.count, "+-*/^@("))  # C-speed counts: an upper bound of the nodes
    if operators > limits.MAX_OPERATORS:
        message = _("expression too large: {count} operators and parentheses, over the limit of {limit}")
        raise UsageError(message.format(count=f"{operators:,}", limit=f"{limits.MAX_OPERATORS:,}"))


def _stage_expression(graph: Graph, statement: Statement, scope: dict[str, int], later: dict[str, int]) -> int:
    labels, constants, nodes, variables = graph.labels, graph.constants, graph.nodes, graph.variables
    stack: list[int] = []  # slots of the values computed so far, not yet an input
    first_slot = len(labels)  # slots below belong to earlier statements (a named constant among them)
    # One flat loop: it runs once per item of expressions with 200,000 nodes, so the
    # common cases (a gate of one or two inputs, a variable seen before) are inline.
    for item in _parse(graph.source, statement):
        kind = item[0]
        if kind == "op":
            _, op, argc, at = item
            if argc == 2:
                right = stack.pop()
                inputs = (stack[-1], right)
            elif argc == 1:
                if op == "neg" and _is_literal_here(graph, stack[-1], first_slot):
                    _negate_constant(graph, stack[-1])
                    continue
                inputs = (stack[-1],)
            else:
                inputs = tuple(stack[-argc:])
                del stack[1 - argc :]  # the first input's place takes the node
            slot = len(labels)
            labels.append("")
            nodes.append(Node(op, inputs, slot, at))
            stack[-1] = slot
        elif kind == "var":
            name = item[1]
            slot = variables.get(name)  # never also in scope: a name a statement assigns is no variable
            stack.append(_name_slot(graph, statement, item, scope, later) if slot is None else slot)
        else:
            slot = len(labels)
            labels.append(item[2])
            constants[slot] = item[1]
            stack.append(slot)
    return stack[-1]


def _name_slot(graph: Graph, statement: Statement, item: tuple, scope: dict[str, int], later: dict[str, int]) -> int:
    """The slot a name not yet a variable reads: an assigned value, or a new variable."""
    _item, name, at = item
    if name in scope:
        return scope[name]
    if name in later:
        position = statement.offset + lexer.position(statement.text, at)
        raise ExpressionError(_("{name} is used before it is assigned").format(name=name), graph.source, position)
    slot = graph.variables[name] = graph.new_slot(name)
    return slot


def _parse(source: str, statement: Statement) -> list[tuple]:
    """Parse one statement's expression; errors point into the whole program."""
    if statement.offset == 0 and statement.text is source:
        return parse(source)
    try:
        return parse(statement.text)
    except ExpressionError as error:
        raise ExpressionError(error.message, source, statement.offset + error.position) from None


def _assign(graph: Graph, statement: Statement, result: int, scope: dict[str, int]) -> None:
    """Name the statement's last node after its target (c, then c', c'' when re-assigned)."""
    target = statement.target
    created_here = bool(graph.nodes) and graph.nodes[-1].slot == result >= graph.statements[-1][0]
    if created_here:
        primes = graph.times_named.get(target, 0)  # a count, not a scan: programs may have 10^5 statements
        graph.named[result] = _primed(target, primes)
        graph.times_named[target] = primes + 1
    graph.assigned.setdefault(target, statement.start)
    scope[target] = result  # `q = x` makes q another name for x: no node


def _primed(target: str, count: int) -> str:
    """c, c', c'', c''' as the lectures write them; then c'4, c'5, ... (names stay short)."""
    return target + "'" * count if count <= 3 else f"{target}'{count}"


def _output_slot(graph: Graph, scope: dict[str, int], result: int, output_name: str | None) -> int:
    if output_name is None:
        return result
    if output_name not in scope:
        known = ", ".join(scope) or _("none")
        message = _("--output-name {name}: no statement assigns it (assigned: {known})")
        raise UsageError(message.format(name=output_name, known=known))
    return scope[output_name]


def _is_literal_here(graph: Graph, slot: int, first_slot: int) -> bool:
    """A number written in this statement and not yet negated: ``-2`` may fold into it.

    A constant from an earlier statement (``q = 2.5`` then ``-q``) is shared by every
    use of ``q``; negating it in place would change them all, so it gets a neg node.
    """
    return slot >= first_slot and slot in graph.constants and graph.labels[slot][0] != "-"


def _negate_constant(graph: Graph, slot: int) -> int:
    """-2 is the number -2, not a gate (but -(-2) keeps its outer minus as a gate)."""
    graph.constants[slot] = -graph.constants[slot]
    graph.labels[slot] = "-" + graph.labels[slot]
    return slot


def _fuse_sigmoid(graph: Graph) -> None:
    """Replace each 1/(1+exp(-t)) (either order of the sum) by one sigmoid(t) node.

    Only where the inner nodes are the user's unnamed, single-use intermediates:
    a node the program names or reads twice stays as written.
    """
    producer = {node.slot: node for node in graph.nodes}
    uses = graph.slot_uses()
    dead: set[int] = set()

    def inner(slot: int | None, op: str) -> Node | None:
        node = producer.get(slot)
        if node is None or node.op != op or uses.get(slot) != 1 or slot in graph.named:
            return None
        return node

    def is_one(slot: int) -> bool:
        return graph.constants.get(slot) == 1.0

    for node in graph.nodes:
        if node.op != "div" or not is_one(node.inputs[0]):
            continue
        add = inner(node.inputs[1], "add")
        if add is None:
            continue
        left, right = add.inputs
        exp = inner(right if is_one(left) else left if is_one(right) else None, "exp")
        neg = inner(exp.inputs[0], "neg") if exp is not None else None
        if neg is None:
            continue
        node.op, node.inputs = "sigmoid", neg.inputs
        dead.update((add.slot, exp.slot, neg.slot))
    if dead:
        graph.nodes = [node for node in graph.nodes if node.slot not in dead]


_NUMBERED = re.compile(r"(.*?)\d+$")


def _name_nodes(graph: Graph) -> None:
    """The user's names where given; s0, s1, ... elsewhere; f for an unnamed output."""
    taken = set(graph.variables) | set(graph.assigned)
    prefix = _free_prefix(taken)
    output_name = "f"
    while output_name in taken:
        output_name += "_"
    labels, named = graph.labels, graph.named
    counter = 0
    for node in graph.nodes:
        name = named.get(node.slot)
        if name is None:
            if node.slot == graph.output:
                name = output_name
            else:
                name = f"{prefix}{counter}"
                counter += 1
        node.name = labels[node.slot] = name


def _free_prefix(variables: set[str]) -> str:
    taken = {m.group(1) for m in map(_NUMBERED.match, variables) if m}
    for prefix in ("s", "t", "u", "n"):
        if prefix not in taken:
            return prefix
    prefix = "s_"
    while prefix in taken:
        prefix += "_"
    return prefix
