"""Vector and matrix mode (SPEC §5b): the same graph, every value a NumPy array.

Forward: each node's array from its inputs' arrays, with NumPy broadcasting.
Backward: vector–Jacobian products. A node hands each input ``g · J`` without ever
building the Jacobian ``J``: for an elementwise node that is ``g ⊙ local`` (the
scalar rule SymPy derived, evaluated elementwise), for ``W @ x`` it is ``g·xᵀ`` and
``Wᵀ·g``. Broadcasting is undone by summing over the broadcast axes, and every
gradient is checked to have exactly its input's shape (the lectures' "always
check" rule). The Jacobian's size is only described, for the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .batch_engine import router_partials
from .errors import ExpressionError, UsageError
from .graph import Graph, Node
from .rules import RULES


@dataclass
class VectorEvaluation:
    """Values, gradients and per-edge facts of one vector-mode run."""

    graph: Graph
    convention: str
    values: list  # per slot: np.ndarray (0-d for scalars)
    grads: list = field(default_factory=list)  # per slot: ∂f/∂slot, same shape as the value
    downstream: list = field(default_factory=list)  # per node: {input slot: array}
    kinks: dict = field(default_factory=dict)  # node index -> description

    @property
    def value(self) -> float:
        """The output: a scalar, by construction."""
        return float(self.values[self.graph.output])

    def gradient(self, name: str) -> np.ndarray:
        return self.grads[self.graph.variables[name]]


def evaluate(graph: Graph, bindings: dict, convention: str = "pytorch", wrt: list[str] | None = None) -> VectorEvaluation:
    """Forward and backward over arrays; exit 2 on a shape error or a non-scalar output.

    With ``wrt``, only the gradients on paths to those variables are computed (the
    others come out as zeros): ``--wrt W1,W2`` skips ∂f/∂X, a whole extra matmul.
    """
    values: list = [None] * len(graph.labels)
    for name, slot in graph.variables.items():
        values[slot] = np.asarray(bindings[name], dtype=float)
    for slot, constant in graph.constants.items():
        values[slot] = np.asarray(constant)
    with np.errstate(all="ignore"):
        for node in graph.nodes:
            values[node.slot] = _forward(graph, node, [values[s] for s in node.inputs])
        output = values[graph.output]
        if output.size != 1:
            raise UsageError(
                f"the output {graph.output_name} has shape {shape_text(output.shape)}: it must be a scalar "
                "(wrap it in sum(...) or mean(...))"
            )
        values[graph.output] = output.reshape(())
        result = VectorEvaluation(graph, convention, values)
        _backward(result, _needed(graph, wrt))
    return result


def _forward(graph: Graph, node: Node, args: list) -> np.ndarray:
    try:
        return _FORWARD[node.op](*args) if node.op in _FORWARD else _elementwise_forward(node.op, args)
    except ValueError as error:
        shapes = " and ".join(shape_text(a.shape) for a in args)
        message = f"shapes do not fit at node {node.name}: {node.op} of {shapes} ({_numpy_reason(error)})"
        raise ExpressionError(message, graph.source, graph.position(node)) from None


def _numpy_reason(error: ValueError) -> str:
    text = str(error)
    if "core dimension" in text:
        return "the inner dimensions differ"
    if "could not be broadcast" in text or "broadcast" in text and "shape mismatch" in text:
        return "they cannot be broadcast together"
    return text


def _elementwise_forward(op: str, args: list) -> np.ndarray:
    from ._derived_numpy import FORWARD

    if op in ("max", "min"):
        return _router_forward(op, args)
    result = np.asarray(FORWARD[op](*args), dtype=float)
    shape = np.broadcast_shapes(*(a.shape for a in args))
    # only a rule that ignores some inputs (relu of a constant, say) comes out smaller
    return result if result.shape == shape else np.broadcast_to(result, shape)


def _router_forward(op: str, args: list):
    """max/min elementwise over broadcast arrays."""
    stacked = np.broadcast_arrays(*args)
    return np.maximum.reduce(stacked) if op == "max" else np.minimum.reduce(stacked)


def _matmul(a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: a scalar has no dimension to contract (use * for scaling)")
    if a.ndim > 2 or b.ndim > 2:
        raise ValueError("matmul: only vectors and matrices")
    return np.matmul(a, b)


def _dot(a, b):
    if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape:
        raise ValueError("dot takes two vectors of the same length")
    return np.dot(a, b)


_FORWARD = {
    "matmul": _matmul,
    "sum": lambda a: np.asarray(a.sum()),
    "mean": lambda a: np.asarray(a.mean()),
    "dot": _dot,
    "norm": lambda a: np.asarray(np.sqrt(np.square(a).sum())),
}


def _needed(graph: Graph, wrt: list[str] | None) -> set[int] | None:
    """Slots whose gradient leads to a requested variable (None: all of them)."""
    if wrt is None:
        return None
    needed = {graph.variables[name] for name in wrt}
    for node in graph.nodes:
        if any(s in needed for s in node.inputs):
            needed.add(node.slot)
    return needed


def _backward(result: VectorEvaluation, needed: set[int] | None = None) -> None:
    graph, values = result.graph, result.values
    grads: list = [None] * len(values)
    grads[graph.output] = np.ones(())
    downstream: list = [None] * len(graph.nodes)
    for index in range(len(graph.nodes) - 1, -1, -1):
        node = graph.nodes[index]
        upstream = grads[node.slot]
        if upstream is None:
            downstream[index] = {}
            continue  # a statement that does not feed the output
        args = [values[s] for s in node.inputs]
        pieces = _vjp(result, index, node, args, upstream, needed)
        downstream[index] = {}
        for slot, piece in zip(node.inputs, pieces):
            if piece is None:
                continue
            assert piece.shape == values[slot].shape, (node.op, piece.shape, values[slot].shape)  # always check
            downstream[index][slot] = downstream[index].get(slot, 0) + piece
            grads[slot] = piece if grads[slot] is None else grads[slot] + piece
    for slot, value in enumerate(values):
        if grads[slot] is None and value is not None and slot not in graph.constants:
            grads[slot] = np.zeros_like(value, dtype=float)
    result.grads, result.downstream = grads, downstream


def _vjp(result: VectorEvaluation, index: int, node: Node, args: list, g: np.ndarray, needed) -> list:
    """upstream · local for each input, in the input's own shape (None for constants)."""
    constant = [s in result.graph.constants or (needed is not None and s not in needed) for s in node.inputs]
    op = node.op
    if op == "matmul":
        pieces = list(_matmul_vjp(*args, g, constant))
    elif op == "dot":
        pieces = [g * args[1], g * args[0]]
    elif op == "sum":
        pieces = [np.broadcast_to(g, args[0].shape).astype(float)]
    elif op == "mean":
        pieces = [np.broadcast_to(g / max(1, args[0].size), args[0].shape).astype(float)]
    elif op == "norm":
        pieces = [g * _norm_local(result, index, args[0], float(result.values[node.slot]))]
    else:
        pieces = _elementwise_vjp(result, index, node, args, g, constant)
    return [
        None if c or p is None else np.asarray(p, dtype=float).reshape(np.shape(a)) for p, a, c in zip(pieces, args, constant)
    ]


def _norm_local(result: VectorEvaluation, index: int, x: np.ndarray, norm: float) -> np.ndarray:
    """∂‖x‖/∂x = x/‖x‖, and at x = 0 the convention's value (a kink)."""
    if norm != 0:
        return x / norm
    kink = RULES["norm"].kink  # the value each convention gives at norm'(0)
    (chosen,) = kink.values[result.convention]((x,))
    result.kinks[index] = f"{kink.label}: {result.convention} gives {chosen:g}"
    return np.full(np.shape(x), chosen)


def _matmul_vjp(a: np.ndarray, b: np.ndarray, g: np.ndarray, skip: list[bool]) -> tuple:
    """The lectures' ∂f/∂W = g·xᵀ and ∂f/∂x = Wᵀ·g, for each vector/matrix combination."""
    if a.ndim == 2 and b.ndim == 2:
        da, db = (lambda: g @ b.T), (lambda: a.T @ g)
    elif a.ndim == 2:  # matrix @ vector
        da, db = (lambda: np.outer(g, b)), (lambda: a.T @ g)
    elif b.ndim == 2:  # vector @ matrix
        da, db = (lambda: b @ g), (lambda: np.outer(a, g))
    else:  # vector @ vector: a dot product
        da, db = (lambda: g * b), (lambda: g * a)
    return (None if skip[0] else da()), (None if skip[1] else db())


def _local_gradients(op: str, args: list, value, convention: str, constant: list[bool], inputs: list | None = None) -> list:
    """∂node/∂input per input (None for constants), with the convention at kinks."""
    from ._derived_numpy import PARTIALS

    kink = RULES[op].kink
    if op not in PARTIALS:
        return [None if c else p for p, c in zip(router_partials(op, args, convention, inputs), constant)]
    local = [None if c else fn(*args, value) for fn, c in zip(PARTIALS[op], constant)]
    for edge in RULES[op].edges:
        if local[edge.index] is not None:
            local[edge.index] = np.where(edge.at(tuple(args)), edge.value, local[edge.index])
    if kink is not None and convention in kink.values:
        at = kink.at(tuple(args))
        if np.any(at):
            chosen = kink.values[convention](tuple(args))
            local = [None if p is None else np.where(at, k, p) for p, k in zip(local, chosen)]
    return local


def _elementwise_vjp(result, index, node, args, g, constant) -> list:
    local = _local_gradients(node.op, args, result.values[node.slot], result.convention, constant, node.inputs)
    kink = RULES[node.op].kink
    if kink is not None and kink.concerns([not c for c in constant]) and _any_kink(node.op, kink, args):
        result.kinks[index] = f"{kink.label}: {result.convention} rule applied elementwise"
    out_shape = np.broadcast_shapes(*(np.shape(a) for a in args))
    pieces = []
    for arg, part in zip(args, local):
        if part is None:
            pieces.append(None)
            continue
        full = np.broadcast_to(g, out_shape) * part
        pieces.append(unbroadcast(np.broadcast_to(full, out_shape), np.shape(arg)))
    return pieces


def _any_kink(op: str, kink, args: list) -> bool:
    if op in ("max", "min"):
        stacked = np.array(np.broadcast_arrays(*args))
        best = stacked.max(axis=0) if op == "max" else stacked.min(axis=0)
        return bool(((stacked == best).sum(axis=0) > 1).any())
    return bool(np.any(kink.at(tuple(args))))


def unbroadcast(gradient: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a gradient over the axes NumPy broadcast, back to the input's shape."""
    while gradient.ndim > len(shape):
        gradient = gradient.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and gradient.shape[axis] != 1:
            gradient = gradient.sum(axis=axis, keepdims=True)
    return gradient


def shape_text(shape: tuple) -> str:
    """A shape as the table and errors show it: scalar, (3,), (2, 2)."""
    return "scalar" if shape == () else str(tuple(shape))


_ROW_JACOBIANS = {"sum": "ones", "mean": "1/n", "norm": "x/‖x‖", "dot": "the other vector"}


def jacobian_text(op: str, input_shape: tuple, output_shape: tuple, input_index: int) -> str:
    """The Jacobian's size and kind, described (never built)."""
    m, n = math.prod(output_shape), math.prod(input_shape)
    if op in _ROW_JACOBIANS:
        return f"{m}×{n} (a row: {_ROW_JACOBIANS[op]})"
    if op == "matmul":
        return f"{m}×{n} ({'sparse, rows of the other factor' if input_index == 0 else 'the other factor'})"
    if input_shape == output_shape:
        return f"{m}×{n} (diagonal)" if m > 1 else "1×1"
    return f"{m}×{n} (diagonal, broadcast)"
