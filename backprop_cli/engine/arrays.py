"""The array engine: the same graph, every value a NumPy array (SPEC §5b and §8).

A graph is compiled once into a flat program of NumPy calls (``array_compiler``),
and the program runs one of two ways:

- over whole arrays, here (``evaluate``, vector and matrix mode): values broadcast
  as NumPy does, and the backward pass hands each input its vector–Jacobian
  product ``g · J`` without ever building the Jacobian ``J``: for an elementwise
  node ``g ⊙ local`` (the SymPy-derived rule, elementwise), for ``W @ x`` the
  lectures' ``g·xᵀ`` and ``Wᵀ·g``. Broadcasting is undone by summing over the
  broadcast axes, and every gradient has exactly its input's shape. The
  Jacobian's size is only described, for the table.
- over rows, in spans on threads (``array_rows.RowProgram``, ``batch``): a batch is
  arrays with a row axis.

Kinks, domain edges and max/min ties follow the chosen convention elementwise
(``kinks``), as in the scalar engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..errors import ExpressionError, UsageError
from ..i18n import _
from ..language.graph import Graph
from .array_compiler import Compiler, Negated
from .array_rows import RowProgram, default_threads, evaluate_rows
from .array_steps import unbroadcast

__all__ = ["ArrayEvaluation", "RowProgram", "default_threads", "evaluate", "evaluate_rows", "unbroadcast"]


@dataclass
class ArrayEvaluation:
    """Values, gradients and per-edge facts of one run over whole arrays."""

    arrays: ClassVar[bool] = True  # vector mode: reports and checks read this, not the type
    graph: Graph
    convention: str
    values: list  # per slot: np.ndarray (0-d for scalars)
    grads: list = field(default_factory=list)  # per slot: ∂f/∂slot, same shape as the value (None: constant)
    downstream: list = field(default_factory=list)  # per node: {input position: array}, one per edge
    kinks: dict = field(default_factory=dict)  # node index -> description

    @property
    def value(self) -> float:
        """The output: a scalar, by construction."""
        return float(self.values[self.graph.output])

    def gradient(self, name: str) -> np.ndarray:
        """∂f/∂name for a variable, in the variable's shape."""
        return self.grads[self.graph.variables[name]]


def evaluate(graph: Graph, bindings: dict, convention: str = "pytorch", wrt: list[str] | None = None) -> ArrayEvaluation:
    """Forward and backward over arrays; exit 2 on a shape error or a non-scalar output.

    With ``wrt``, only the gradients on paths to those variables are computed (the
    others come out as zeros): ``--wrt W1,W2`` skips ∂f/∂X, a whole extra matmul.
    """
    program = Compiler(graph, convention, arrays=True, skip=_not_needed(graph, wrt))
    for index, register in enumerate(program.registers):
        register.index = index
    slots: list = [None] * len(program.registers)
    for name, slot in graph.variables.items():
        slots[program.value[slot].index] = np.asarray(bindings[name], dtype=float)
    with np.errstate(all="ignore"):
        _run(program, slots, 0, program.forward_steps)
        _scalar_output(program, slots)
        _run(program, slots, program.forward_steps, len(program.raw))
    return _evaluation(program, slots)


def _run(program: Compiler, slots: list, start: int, stop: int) -> None:
    for k in range(start, stop):
        function, operands, out = program.raw[k]
        args = [o if isinstance(o, float) else slots[o.index] for o in operands]
        try:
            slots[out.index] = function(*args)
        except ValueError as error:
            if k >= program.forward_steps:
                raise
            raise _shape_error(program, slots, program.step_nodes[k], error) from None


def _array(program: Compiler, slots: list, slot: int) -> np.ndarray:
    value = program.value[slot]
    return np.asarray(value if isinstance(value, float) else slots[value.index], dtype=float)


def _shape_error(program: Compiler, slots: list, index: int, error: ValueError) -> ExpressionError:
    graph = program.graph
    node = graph.nodes[index]
    shapes = _(" and ").join(shape_text(_array(program, slots, s).shape) for s in node.inputs)
    message = _("shapes do not fit at node {node}: {op} of {shapes} ({reason})")
    message = message.format(node=node.name, op=node.op, shapes=shapes, reason=_numpy_reason(error))
    return ExpressionError(message, graph.source, graph.position(node))


def _numpy_reason(error: ValueError) -> str:
    text = str(error)
    if "core dimension" in text:
        return _("the inner dimensions differ")
    if "could not be broadcast" in text or "broadcast" in text and "shape mismatch" in text:
        return _("they cannot be broadcast together")
    return _(text) if text else text  # engine.array_steps' own reasons are in the catalog; NumPy's stay as NumPy says them


def _scalar_output(program: Compiler, slots: list) -> None:
    """The output must be one number; it goes on as a 0-d array."""
    graph = program.graph
    output = _array(program, slots, graph.output)
    if output.size != 1:
        message = _("the output {name} has shape {shape}: it must be a scalar (wrap it in sum(...) or mean(...))")
        raise UsageError(message.format(name=graph.output_name, shape=shape_text(output.shape)))
    register = program.value[graph.output]
    if not isinstance(register, float):
        slots[register.index] = output.reshape(())


def _evaluation(program: Compiler, slots: list) -> ArrayEvaluation:
    graph = program.graph
    values = [_array(program, slots, slot) for slot in range(len(graph.labels))]
    values[graph.output] = values[graph.output].reshape(())
    grads: list = [None] * len(values)
    for slot, value in enumerate(values):
        if slot in graph.constants:
            continue
        grad = program.grads.get(slot)
        if grad is None:
            grads[slot] = np.zeros_like(value, dtype=float)
        elif isinstance(grad, float):
            grads[slot] = np.full(value.shape, grad)
        else:
            array = np.asarray(slots[grad.register.index if isinstance(grad, Negated) else grad.index], dtype=float)
            grads[slot] = -array if isinstance(grad, Negated) else array
    downstream: list = [{} for _ in graph.nodes]
    for index, position, piece in program.pieces:
        downstream[index][position] = slots[piece.index]
    kinks = {index: slots[check.index] for index, check in program.checks if slots[check.index] is not None}
    return ArrayEvaluation(graph, program.convention, values, grads, downstream, kinks)


def _not_needed(graph: Graph, wrt: list[str] | None) -> set[int]:
    """Slots whose gradient leads to no requested variable (none without ``wrt``)."""
    if wrt is None:
        return set()
    needed = {graph.variables[name] for name in wrt}
    for node in graph.nodes:
        if any(s in needed for s in node.inputs):
            needed.add(node.slot)
    return set(range(len(graph.labels))) - needed


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
