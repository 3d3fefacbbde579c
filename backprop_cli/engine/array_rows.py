"""The array engine over rows (``batch``, SPEC §8): a batch is arrays with a row axis.

``RowProgram`` takes a graph compiled by ``array_compiler`` and lays its registers
out as buffers: a buffer is reused once it is no longer read, and a result's buffer
is the output column itself. It then runs the flat list of NumPy calls over
cache-sized spans of rows: no temporary is allocated per operation, every
intermediate stays in the CPU cache, and spans run on several threads, since
NumPy releases the GIL inside each call.
"""

from __future__ import annotations

import os

import numpy as np

from ..language.graph import Graph
from ..rules.generated.derived_numpy import COMPUTE_BOUND
from .array_compiler import Compiler, Negated, Register

SPAN_ROWS = (4096, 65536)  # rows per pass, at least and at most
SPAN_BYTES = 8 << 20  # one thread's buffers stay within this much cache
THREADS_VARIABLE = "BACKPROP_THREADS"


def evaluate_rows(
    graph: Graph, columns: dict[str, np.ndarray], rows: int, convention: str = "pytorch"
) -> tuple[np.ndarray, dict]:
    """The output value and ∂f/∂variable for every row (arrays of length ``rows``)."""
    return RowProgram(graph, convention).run(columns, rows)


class RowProgram:
    """A graph compiled for rows: build once per run, then ``run`` every chunk."""

    def __init__(self, graph: Graph, convention: str = "pytorch", span: int | None = None, threads: int | None = None) -> None:
        compiled = Compiler(graph, convention)
        self.variables = list(graph.variables)
        self.steps, self.layout, self.given = _lay_out(compiled)
        fitting = SPAN_BYTES // (8 * max(1, len(self.layout.buffers)))
        self.span = span or max(SPAN_ROWS[0], min(SPAN_ROWS[1], fitting))
        self.threads = threads or default_threads(is_compute_bound(graph))
        self._workers: list[_Worker] = []

    def run(self, columns: dict[str, np.ndarray], rows: int) -> tuple[np.ndarray, dict]:
        """Value and gradients for ``rows`` rows of ``columns`` (one array per variable)."""
        inputs = {name: np.asarray(columns[name], dtype=float) for name in self.variables}
        results = [self._result(k, inputs, rows) for k in range(1 + len(self.variables))]
        span = min(self.span, max(SPAN_ROWS[0], -(-rows // self.threads)))  # every thread gets rows
        spans = [(start, min(rows, start + span)) for start in range(0, rows, span)]
        count = max(1, min(self.threads, len(spans)))
        while len(self._workers) < count:
            self._workers.append(_Worker(self, self.span))
        shares = [spans[k * len(spans) // count : (k + 1) * len(spans) // count] for k in range(count)]
        if count == 1:
            self._workers[0].run(inputs, results, spans)
        else:
            list(_pool(count).map(lambda k: self._workers[k].run(inputs, results, shares[k]), range(count)))
        return results[0], dict(zip(self.variables, results[1:]))

    def _result(self, k: int, inputs: dict, rows: int) -> np.ndarray:
        """Result k's array: written by the program, or an input column or constant as it is."""
        given = self.given.get(k)
        if given is None:
            return np.empty(rows)
        return inputs[given] if isinstance(given, str) else np.full(rows, given)


def is_compute_bound(graph: Graph) -> bool:
    """Elementwise arithmetic is bound by memory bandwidth, which a second thread does not
    add to (measured: (x+y)*z runs slower on two); exp, log, tanh and the like are bound
    by the CPU and scale with cores (each row's flag: rules.Operator.compute_bound)."""
    return any(node.op in COMPUTE_BOUND for node in graph.nodes)


def default_threads(compute_bound: bool = True) -> int:
    """BACKPROP_THREADS if set; else the cores this process may use (at most 8) for a
    compute-bound program, and one thread for a memory-bound one."""
    given = os.environ.get(THREADS_VARIABLE, "")
    if given.isdigit() and int(given) > 0:
        return int(given)
    if not compute_bound:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 8))


_POOLS: dict = {}


def _pool(threads: int):
    if threads not in _POOLS:
        from concurrent.futures import ThreadPoolExecutor

        _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="backprop-rows")
    return _POOLS[threads]


class _Worker:
    """One thread's buffers, and the loop that runs the program over its spans."""

    def __init__(self, program: RowProgram, span: int) -> None:
        self.steps, self.layout = program.steps, program.layout
        self.pool = [np.empty(span) for _ in self.layout.buffers]
        self.slots: list = [None] * self.layout.size
        for index, constant in self.layout.constants:
            self.slots[index] = constant
        self.rows = -1

    def run(self, inputs: dict, results: list, spans: list) -> None:
        slots, layout = self.slots, self.layout
        with np.errstate(all="ignore"):  # inf and nan are results here, reported by row
            for start, stop in spans:
                if stop - start != self.rows:
                    self.rows = stop - start
                    for index, buffer in zip(layout.buffers, self.pool):
                        slots[index] = buffer[: self.rows]
                for index, name in layout.inputs:
                    slots[index] = inputs[name][start:stop]
                for index, k in layout.outputs:
                    slots[index] = results[k][start:stop]
                for function, operands, out in self.steps:
                    function(*[slots[i] for i in operands], out=slots[out])


class _Layout:
    """Where each register lives in a worker's slot list: constants, inputs, outputs, buffers."""

    def __init__(self, size: int, constants: list, inputs: list, outputs: list, buffers: list) -> None:
        self.size, self.constants, self.inputs, self.outputs, self.buffers = size, constants, inputs, outputs, buffers


def _lay_out(compiled: Compiler) -> tuple[list, _Layout, dict]:
    """The steps on slot numbers, the layout, and the results no step writes."""
    graph = compiled.graph
    results = [compiled.value[graph.output]] + [compiled.grads.get(slot, 0.0) for slot in graph.variables.values()]
    given = _outputs(compiled, results)
    physical, count = _allocate(compiled.raw)
    raw = compiled.raw
    constants = sorted({repr(o): o for _, operands, _ in raw for o in operands if isinstance(o, float)}.items())
    constant_slots = {text: i for i, (text, _) in enumerate(constants)}
    size = len(constants)
    inputs, outputs = [], []
    for register in compiled.registers:
        if register.kind in ("input", "output"):
            register.index = size
            (inputs if register.kind == "input" else outputs).append((size, register.name))
            size += 1
    buffers = list(range(size, size + count))
    layout = _Layout(size + count, [(i, v) for i, (_, v) in enumerate(constants)], inputs, outputs, buffers)

    def slot(operand) -> int:
        if isinstance(operand, float):
            return constant_slots[repr(operand)]
        return buffers[physical[operand]] if operand.kind == "buffer" else operand.index

    steps = [(function, tuple(slot(o) for o in operands), slot(out)) for function, operands, out in raw]
    return steps, layout, given


def _outputs(compiled: Compiler, results: list) -> dict[int, str | float]:
    """Let a result's buffer be the output itself; an input or a constant needs no step."""
    given: dict[int, str | float] = {}
    for k, result in enumerate(results):
        if isinstance(result, float):
            given[k] = result
        elif isinstance(result, Negated):
            compiled.emit(np.negative, [result.register], out=compiled.new("output", k))
        elif result.kind == "input":
            given[k] = result.name  # ∂(x*y)/∂y is the column x itself
        elif result.kind == "buffer":
            result.kind, result.name = "output", k
        else:  # already another result's output
            compiled.emit(np.positive, [result], out=compiled.new("output", k))
    return given


def _allocate(raw: list) -> tuple[dict, int]:
    """A buffer number for each buffer, reusing a number once its buffer is no longer read;
    and how many numbers there are."""
    last = {}
    for i, (_, operands, out) in enumerate(raw):
        for register in (*operands, out):
            if isinstance(register, Register):
                last[register] = i
    free: list[int] = []
    physical: dict[Register, int] = {}
    count = 0
    for i, (_, operands, out) in enumerate(raw):
        if out.kind == "buffer" and out not in physical:
            if free:
                physical[out] = free.pop()
            else:
                physical[out], count = count, count + 1
        for register in dict.fromkeys((*operands, out)):  # in order: the same buffers every run
            if isinstance(register, Register) and register.kind == "buffer" and last[register] == i:
                free.append(physical[register])
    return physical, count
