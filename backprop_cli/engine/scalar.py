"""Forward and backward passes over a staged graph, on plain Python floats.

Forward: each node's value from its inputs, in evaluation order. Backward: from
∂f/∂f = 1, each node hands ``upstream × local`` to each input, in reverse order;
``+=`` makes fan-out (the adder gate) right for free. Local gradients come from
the SymPy-derived rules in ``rules/generated/derived.py``; at a kink, a domain edge or a max/min
tie the chosen framework convention decides (SPEC §4), as ``kinks`` says, the same
module the array engine uses. Both passes are loops, never recursion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import FunctionType
from typing import ClassVar

from ..language.graph import Graph
from ..rules import mathfns
from ..rules.generated.derived import FORWARD, PARTIALS
from ..rules.table import RULES
from . import kinks

_FORWARD = dict(FORWARD, max=mathfns.maximum, min=mathfns.minimum)  # nan wins, as in NumPy
# op -> (partial functions or None for max/min, the rule if it has a kink or domain edges)
_BACKWARD_RULES = {op: (PARTIALS.get(op), rule if rule.kink or rule.edges else None) for op, rule in RULES.items()}
_IEEE_CACHE: dict = {}


@dataclass
class Evaluation:
    """Everything the renderers show: values, gradients and local gradients."""

    arrays: ClassVar[bool] = False  # the array engine's evaluation says True (vector mode)
    graph: Graph
    convention: str
    values: list  # per slot
    grads: list = field(default_factory=list)  # per slot: ∂f/∂slot (0 for constants)
    partials: list = field(default_factory=list)  # per node: local gradient per input (None: constant)
    kinks: dict = field(default_factory=dict)  # node index -> "relu at 0: pytorch gives 0"

    @property
    def value(self) -> float:
        """The output value f."""
        return self.values[self.graph.output]

    def gradient(self, name: str) -> float:
        """∂f/∂name for a variable."""
        return self.grads[self.graph.variables[name]]


def evaluate(graph: Graph, bindings: dict, convention: str = "pytorch") -> Evaluation:
    """Run the forward and the backward pass for the given variable values."""
    result = Evaluation(graph, convention, forward(graph, bindings))
    _backward(result)
    return result


def forward(graph: Graph, bindings: dict) -> list:
    """The value of every slot (variables, constants, nodes)."""
    values: list = [0.0] * len(graph.labels)
    for name, slot in graph.variables.items():
        values[slot] = bindings[name]
    for slot, constant in graph.constants.items():
        values[slot] = constant
    table = _FORWARD
    for node in graph.nodes:  # hot loop: one and two inputs (nearly every node) without a list
        fn, inputs = table[node.op], node.inputs
        try:
            if len(inputs) == 2:
                values[node.slot] = fn(values[inputs[0]], values[inputs[1]])
            elif len(inputs) == 1:
                values[node.slot] = fn(values[inputs[0]])
            else:
                values[node.slot] = fn(*[values[s] for s in inputs])
        except (ArithmeticError, ValueError):
            values[node.slot] = _ieee_call(fn, [values[s] for s in inputs])
    return values


def _backward(result: Evaluation) -> None:
    graph, values = result.graph, result.values
    grads = [0.0] * len(values)
    grads[graph.output] = 1.0
    constants = graph.constants
    nodes = graph.nodes
    partials: list = [None] * len(nodes)
    rules = _BACKWARD_RULES
    # One flat loop: it runs once per node of graphs with 200,000 nodes. The common
    # case, a smooth gate of one or two inputs, is written out here (a function call
    # per node would cost a fifth of the pass); the rest takes the general path.
    for index in range(len(nodes) - 1, -1, -1):
        node = nodes[index]
        inputs = node.inputs
        functions, special = rules[node.op]
        if special is None and functions is not None and len(inputs) <= 2:
            try:
                out = values[node.slot]
                if len(inputs) == 2:
                    a, b = inputs
                    va, vb = values[a], values[b]
                    pa = None if a in constants else functions[0](va, vb, out)
                    pb = None if b in constants else functions[1](va, vb, out)
                    partials[index] = (pa, pb)
                    upstream = grads[node.slot]
                    if pa is not None:
                        grads[a] += upstream * pa
                    if pb is not None:
                        grads[b] += upstream * pb
                else:
                    a = inputs[0]
                    pa = None if a in constants else functions[0](values[a], out)
                    partials[index] = (pa,)
                    if pa is not None:
                        grads[a] += grads[node.slot] * pa
                continue
            except (ArithmeticError, ValueError):
                pass  # a math error: the general path redoes the node on IEEE floats
        args = [values[s] for s in inputs]
        local = _local(node.op, functions, args, values[node.slot], inputs, constants, result.convention)
        if special is not None:
            local = kinks.fix_edges(special.edges, args, local)
            if special.kink is not None:
                variable = [s not in constants for s in inputs]
                chosen = kinks.at_kink(special.kink, result.convention, args, variable, local)
                if chosen is not None:
                    local, result.kinks[index] = chosen
        partials[index] = local
        upstream = grads[node.slot]
        for slot, partial in zip(inputs, local):
            if partial is not None:
                grads[slot] += upstream * partial
    result.grads, result.partials = grads, partials


def _local(op: str, functions, args: list, value: float, inputs, constants, convention: str) -> list:
    """Each input's local gradient (None for a constant) by the general path."""
    if functions is None:  # max/min
        shares = kinks.router_partials(op, args, convention, inputs)
        return [None if s in constants else p for s, p in zip(inputs, shares)]
    local = []
    with_value = [*args, value]  # the rules take the node's value last
    for fn, slot in zip(functions, inputs):
        if slot in constants:
            local.append(None)  # constants get no gradient (and may lie outside fn's domain)
            continue
        try:
            local.append(fn(*with_value))
        except (ArithmeticError, ValueError):
            local.append(_ieee_call(fn, with_value))
    return local


def _ieee_call(fn, args: list) -> float:
    """Evaluate a generated rule on NumPy float64, which yields inf/nan where math raises."""
    import numpy as np

    ieee = _IEEE_CACHE.get(fn)
    if ieee is None:
        namespace = dict(fn.__globals__, **mathfns.ieee_namespace())
        ieee = _IEEE_CACHE[fn] = FunctionType(fn.__code__, namespace)
    with np.errstate(all="ignore"):
        return float(ieee(*[np.float64(a) for a in args]))
