"""Forward and backward passes over a staged graph, on plain Python floats.

Forward: each node's value from its inputs, in evaluation order. Backward: from
∂f/∂f = 1, each node hands ``upstream × local`` to each input, in reverse order;
``+=`` makes fan-out (the adder gate) right for free. Local gradients come from
the SymPy-derived rules in ``_derived.py``; at a kink the chosen framework
convention decides (SPEC §4). Both passes are loops, never recursion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import FunctionType

from . import _mathfns
from ._derived import FORWARD, PARTIALS
from .graph import Graph
from .rules import RULES

_FORWARD = dict(FORWARD, max=_mathfns.maximum, min=_mathfns.minimum)  # nan wins, as in NumPy
# op -> (partial functions or None for max/min, the rule if it has a kink or domain edges)
_BACKWARD_RULES = {op: (PARTIALS.get(op), rule if rule.kink or rule.edges else None) for op, rule in RULES.items()}
_IEEE_CACHE: dict = {}


@dataclass
class Evaluation:
    """Everything the renderers show: values, gradients and local gradients."""

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
    for node in graph.nodes:
        fn = table[node.op]
        args = [values[s] for s in node.inputs]
        try:
            values[node.slot] = fn(*args)
        except (ArithmeticError, ValueError):
            values[node.slot] = _ieee_call(fn, args)
    return values


def _backward(result: Evaluation) -> None:
    graph, values = result.graph, result.values
    grads = [0.0] * len(values)
    grads[graph.output] = 1.0
    constants = graph.constants
    nodes = graph.nodes
    partials: list = [None] * len(nodes)
    rules = _BACKWARD_RULES
    # One flat loop: it runs once per node of graphs with 200,000 nodes.
    for index in range(len(nodes) - 1, -1, -1):
        node = nodes[index]
        inputs = node.inputs
        functions, special = rules[node.op]
        if special is None and functions is not None and _smooth_step(node, functions, values, constants, grads, partials, index):
            continue
        kink, edges = (special.kink, special.edges) if special is not None else (None, ())
        args = [values[s] for s in inputs]
        if functions is None:  # max/min
            shares = router_partials(node.op, args, result.convention, inputs)
            local = [None if s in constants else p for s, p in zip(inputs, shares)]
        else:
            local = []
            with_value = [*args, values[node.slot]]  # the rules take the node's value last
            for fn, slot in zip(functions, inputs):
                if slot in constants:
                    local.append(None)  # constants get no gradient (and may lie outside fn's domain)
                    continue
                try:
                    local.append(fn(*with_value))
                except (ArithmeticError, ValueError):
                    local.append(_ieee_call(fn, with_value))
        for edge in edges:
            if local[edge.index] is not None and edge.at(args):
                local[edge.index] = edge.value
        if kink is not None and kink.at(args):
            variable = [s not in constants for s in inputs]
            if kink.concerns(variable):
                local = _at_kink(result, index, kink, args, variable, local)
        partials[index] = local
        upstream = grads[node.slot]
        for slot, partial in zip(inputs, local):
            if partial is not None:
                grads[slot] += upstream * partial
    result.grads, result.partials = grads, partials


def _smooth_step(node, functions, values, constants, grads, partials, index) -> bool:
    """The common case, unrolled: a one- or two-input node without a kink (twice as fast).

    Returns False to leave the node to the general path (a math error to redo on
    IEEE floats, or more inputs).
    """
    inputs = node.inputs
    try:
        if len(inputs) == 2:
            a, b = inputs
            va, vb, out = values[a], values[b], values[node.slot]
            pa = None if a in constants else functions[0](va, vb, out)
            pb = None if b in constants else functions[1](va, vb, out)
            partials[index] = (pa, pb)
            upstream = grads[node.slot]
            if pa is not None:
                grads[a] += upstream * pa
            if pb is not None:
                grads[b] += upstream * pb
            return True
        if len(inputs) == 1:
            a = inputs[0]
            pa = None if a in constants else functions[0](values[a], values[node.slot])
            partials[index] = (pa,)
            if pa is not None:
                grads[a] += grads[node.slot] * pa
            return True
    except (ArithmeticError, ValueError):
        pass
    return False


def _at_kink(result: Evaluation, index: int, kink, args: list, variable: list, local: list) -> list:
    """Apply the chosen convention at a non-differentiable point and record it."""
    op = result.graph.nodes[index].op
    if op in ("max", "min"):
        chosen = local  # router_partials already followed the convention
    elif result.convention in kink.values:
        chosen = kink.values[result.convention](tuple(args))
    else:
        chosen = local  # the SymPy-derived rule already is the sympy convention
    local = [c if v else None for c, v in zip(chosen, variable)]
    shown = "/".join(f"{p:g}" for p in local if p is not None)
    result.kinks[index] = f"{kink.label}: {result.convention} gives {shown}"
    return local


def router_partials(op: str, args: list, convention: str, inputs: list | None = None) -> tuple:
    """Local gradients of max/min: the winner takes the gradient.

    Ties: pytorch and jax split it equally (1/k each of k tied inputs); sympy
    evaluates its derivative Heaviside(a_i - max(others)), which is 1/2 for each
    tied input (Heaviside(0)) and 1 for a sole winner. One pass over the inputs,
    so a max of thousands of inputs costs thousands of steps, not millions. Given
    the input slots, an input tied several times gets exactly its whole share
    (``repeated_inputs``).
    """
    if any(a != a for a in args):
        return (math.nan,) * len(args)  # as batch's array version: no winner among nan
    best = max(args) if op == "max" else min(args)
    ties = args.count(best)
    if convention == "sympy":
        return tuple((0.5 if ties > 1 else 1.0) if a == best else 0.0 for a in args)
    shares = [1.0 / ties if a == best else 0.0 for a in args]
    if inputs is not None and ties > 1:
        for positions in repeated_inputs(inputs):
            if not shares[positions[0]]:
                continue  # a loser: every edge of one input has the same value
            total = 0.0
            for i in positions[:-1]:
                total += shares[i]
            shares[positions[-1]] = len(positions) / ties - total
    return tuple(shares)


def repeated_inputs(inputs: list) -> list[list[int]]:
    """The edge positions of each input slot that a node uses more than once.

    ``max(x, x, ..., x)`` of 500 copies gives each edge 1/500, and 500 float shares
    of 1/500 add up to 1.0000000000000007. The engines therefore give the last edge
    of a tied input used m times its whole share m/k minus its other edges' running
    sum (exact: the two are within a factor of 2), so that the input's gradient is
    m/k to the last bit, while each edge still shows 1/k.
    """
    positions: dict = {}
    for i, slot in enumerate(inputs):
        positions.setdefault(slot, []).append(i)
    return [p for p in positions.values() if len(p) > 1]


def _ieee_call(fn, args: list) -> float:
    """Evaluate a generated rule on NumPy float64, which yields inf/nan where math raises."""
    import numpy as np

    ieee = _IEEE_CACHE.get(fn)
    if ieee is None:
        namespace = dict(fn.__globals__, **_mathfns.ieee_namespace())
        ieee = _IEEE_CACHE[fn] = FunctionType(fn.__code__, namespace)
    with np.errstate(all="ignore"):
        return float(ieee(*[np.float64(a) for a in args]))


def first_non_finite(result: Evaluation) -> str | None:
    """Describe the first slot whose value or gradient is inf/nan, or None."""
    graph, isfinite = result.graph, math.isfinite
    # Fast path: inf and nan survive a sum (and a non-finite local gradient always
    # reaches ``grads``), so two sums clear the common case without a scan.
    if isfinite(sum(result.values)) and isfinite(sum(result.grads)):
        return None
    for name, slot in graph.variables.items():
        if not isfinite(result.values[slot]):
            return f"variable {name} = {result.values[slot]}"
    for node in graph.nodes:
        if not isfinite(result.values[node.slot]):
            return f"value of node {node.name} ({node.op}) = {result.values[node.slot]}"
    for index in range(len(graph.nodes) - 1, -1, -1):
        node = graph.nodes[index]
        if not isfinite(result.grads[node.slot]):
            return f"gradient ∂f/∂{node.name} ({node.op}) = {result.grads[node.slot]}"
        for slot, partial in zip(node.inputs, result.partials[index]):
            if partial is not None and not isfinite(partial):
                return f"local gradient ∂{node.name}/∂{graph.labels[slot]} of node {node.name} ({node.op}) = {partial}"
    for name, slot in graph.variables.items():
        if not isfinite(result.grads[slot]):
            return f"gradient ∂f/∂{name} = {result.grads[slot]}"
    return None
