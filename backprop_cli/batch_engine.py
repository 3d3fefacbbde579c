"""Forward and backward over many binding rows at once (``batch``, SPEC §8).

The same graph and the same SymPy-derived rules as ``engine.py``, but every slot
holds a NumPy array with one entry per row: one parse, one staging, and each node
is a handful of whole-array operations. Kinks follow the chosen convention
elementwise.

``RowProgram`` compiles a graph once into a flat list of NumPy calls that write
into buffers it owns (the rules' recipes in ``_derived_numpy.py``), then runs it
over cache-sized spans of rows: no temporary is allocated per operation, every
intermediate stays in the CPU cache, and spans run on several threads, since
NumPy releases the GIL inside each call. ``router_partials`` also serves vector
mode.
"""

from __future__ import annotations

import os

import numpy as np

from . import engine
from ._derived_numpy import COMPUTE_BOUND, ROW_FORWARD, ROW_PARTIALS
from .graph import Graph
from .rules import RULES

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
        compiled = _Compiler(graph, convention)
        self.variables = list(graph.variables)
        self.steps, self.layout, self.given = compiled.steps, compiled.layout, compiled.given
        fitting = SPAN_BYTES // (8 * max(1, len(self.layout.buffers)))
        self.span = span or max(SPAN_ROWS[0], min(SPAN_ROWS[1], fitting))
        # Elementwise arithmetic is bound by memory bandwidth, which a second thread does not
        # add to (measured: (x+y)*z runs slower on two); exp, log, tanh and the like are bound
        # by the CPU and scale with cores (each row's flag: rules.Operator.compute_bound).
        compute_bound = any(node.op in COMPUTE_BOUND for node in graph.nodes)
        self.threads = threads or default_threads(compute_bound)
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


class _Register:
    """A value of the compiled program: an input column, a buffer or an output."""

    __slots__ = ("kind", "name", "index")

    def __init__(self, kind: str, name=None) -> None:
        self.kind, self.name, self.index = kind, name, None


class _Layout:
    """Where each register lives in a worker's slot list."""

    def __init__(self, size: int, constants: list, inputs: list, outputs: list, buffers: list) -> None:
        self.size, self.constants, self.inputs, self.outputs, self.buffers = size, constants, inputs, outputs, buffers


class _Compiler:
    """Strings the rules' recipes together for one graph: forward, backward, outputs."""

    def __init__(self, graph: Graph, convention: str) -> None:
        self.graph, self.convention = graph, convention
        self.raw: list[tuple] = []  # (function, operands, out register); operands: registers or floats
        self.registers: list[_Register] = []
        self._router_shares: dict[int, _Register] = {}  # max/min node slot -> its winners' share
        value = self._forward()
        grads = self._backward(value)
        results = [value[graph.output]] + [grads.get(slot, 0.0) for slot in graph.variables.values()]
        self._outputs(results)
        physical, buffers = self._allocate()
        self.layout = self._lay_out(buffers)
        self.steps = [
            (function, tuple(self._slot(o, physical) for o in operands), self._slot(out, physical))
            for function, operands, out in self.raw
        ]

    def new(self, kind: str = "buffer", name=None) -> _Register:
        register = _Register(kind, name)
        self.registers.append(register)
        return register

    def emit(self, function, operands, out: _Register | None = None) -> _Register:
        out = out or self.new()
        self.raw.append((function, tuple(operands), out))
        return out

    def apply(self, recipe: tuple, args: list, value=None) -> tuple:
        """Emit a recipe's steps; the result and the buffers made just now (only those may be
        taken over and written again: the others are inputs or values still to be read)."""
        steps, result = recipe
        names = {f"a{i}": arg for i, arg in enumerate(args)} | {"out": value}
        for k, (function, *operands) in enumerate(steps):
            names[f"t{k}"] = self.emit(function, [o if isinstance(o, float) else names[o] for o in operands])
        made = {names[f"t{k}"] for k in range(len(steps))}
        return (result if isinstance(result, float) else names[result]), made

    def _forward(self) -> dict:
        graph = self.graph
        value: dict = {slot: float(constant) for slot, constant in graph.constants.items()}
        for name, slot in graph.variables.items():
            value[slot] = self.new("input", name)
        for node in graph.nodes:
            args = [value[s] for s in node.inputs]
            if node.op in ROW_FORWARD:
                value[node.slot] = self.apply(ROW_FORWARD[node.op], args)[0]
            else:  # max/min of any number of inputs
                pairwise = np.maximum if node.op == "max" else np.minimum
                value[node.slot] = args[0]
                for arg in args[1:]:
                    value[node.slot] = self.emit(pairwise, [value[node.slot], arg])
        return value

    def _backward(self, value: dict) -> dict:
        graph = self.graph
        grads: dict = {graph.output: 1.0}
        owned: set = set()  # gradient buffers this program may add into in place
        for node in reversed(graph.nodes):
            upstream = grads.get(node.slot)
            if upstream is None:
                continue  # a statement that does not feed the output
            args = [value[s] for s in node.inputs]
            for i, slot in enumerate(node.inputs):
                if slot in graph.constants:
                    continue
                local, made = self._local(node, i, args, value[node.slot])
                contribution, made = self._times(upstream, local, made)
                self._accumulate(grads, owned, slot, contribution, made)
        return grads

    def _local(self, node, i: int, args: list, value) -> tuple:
        if node.op not in ROW_PARTIALS:  # max/min: one share per node, then one step per input
            return self._router_local(node, i, args, value), True
        local, made = self.apply(ROW_PARTIALS[node.op][i], args, value)
        rule = RULES[node.op]
        for edge in rule.edges:
            if edge.index == i:
                local = self.emit(_EdgeFix(edge), [*args, local], out=local if local in made else None)
                made = {local}
        kink = rule.kink
        if kink is not None and self.convention in kink.values:
            return self.emit(_KinkFix(kink, self.convention, i), [*args, local], out=local if local in made else None), True
        last = self.raw[-1] if local in made else None
        if last is not None and last[0] is np.negative and last[2] is local and isinstance(last[1][0], _Register):
            self.raw.pop()  # -sin(x), -y/x**2: carry the sign instead of a pass that flips it
            return _Negated(last[1][0]), last[1][0] in made
        return local, local in made

    def _router_local(self, node, i: int, args: list, value) -> _Register:
        """One input's share of a max/min: the count of winners and their share are
        computed once per node; an input tied several times gets its whole share on its
        last edge (``engine.repeated_inputs``)."""
        if node.slot not in self._router_shares:
            count = self.emit(_TieCount(), [*args, value])
            share = self.emit(_WinnerShare(self.convention), [count])
            positions = engine.repeated_inputs(node.inputs)
            last = {p[-1]: len(p) for p in positions} if self.convention != "sympy" else {}
            self._router_shares[node.slot] = count, share, last
        count, share, last = self._router_shares[node.slot]
        if i in last:
            return self.emit(_RouterLastShare(last[i]), [args[i], value, share, count])
        return self.emit(_ROUTER_PARTIAL, [args[i], value, share])

    def _times(self, upstream, local, made: bool) -> tuple:
        """upstream × local, without a pass for the ±1 of add, sub and neg or for a sign."""
        if isinstance(upstream, float) and isinstance(local, float):
            return upstream * local, False
        if isinstance(local, float) and abs(local) == 1.0:
            return (upstream if local > 0 else _negated(upstream)), False
        if isinstance(upstream, float) and abs(upstream) == 1.0:
            return (local if upstream > 0 else _negated(local)), made
        (a, sign_a), (b, sign_b) = _split(upstream), _split(local)
        if isinstance(b, float):  # a constant factor takes the sign along
            return self.emit(np.multiply, [a, sign_a * sign_b * b]), True
        product = self.emit(np.multiply, [a, b])
        return (product if sign_a == sign_b else _Negated(product)), True

    def _accumulate(self, grads: dict, owned: set, slot: int, contribution, made: bool) -> None:
        if slot not in grads:
            grads[slot] = contribution
            if made:
                owned.add(_split(contribution)[0])
            return
        current = grads[slot]
        if isinstance(current, float) and isinstance(contribution, float):
            grads[slot] = current + contribution
            return
        (g, sign_g), (c, sign_c) = _split(current), _split(contribution)
        # add into the gradient's own buffer when it has one; a borrowed one gets a new buffer
        target = g if isinstance(g, _Register) and g in owned else self.new()
        owned.add(target)
        if sign_g == sign_c:  # g + c, or -(g + c)
            self.emit(np.add, [g, c], out=target)
            grads[slot] = target if sign_g > 0 else _Negated(target)
        else:  # g - c, or c - g
            self.emit(np.subtract, [g, c] if sign_g > 0 else [c, g], out=target)
            grads[slot] = target

    def _outputs(self, results: list) -> None:
        """Let a result's buffer be the output itself; an input or a constant needs no step."""
        self.given: dict[int, str | float] = {}
        for k, result in enumerate(results):
            if isinstance(result, float):
                self.given[k] = result
            elif isinstance(result, _Negated):
                self.emit(np.negative, [result.register], out=self.new("output", k))
            elif result.kind == "input":
                self.given[k] = result.name  # ∂(x*y)/∂y is the column x itself
            elif result.kind == "buffer":
                result.kind, result.name = "output", k
            else:  # already another result's output
                self.emit(np.positive, [result], out=self.new("output", k))

    def _allocate(self) -> tuple[dict, int]:
        """A buffer number for each buffer, reusing a number once its buffer is no longer read;
        and how many numbers there are."""
        last = {}
        for i, (_, operands, out) in enumerate(self.raw):
            for register in (*operands, out):
                if isinstance(register, _Register):
                    last[register] = i
        free: list[int] = []
        physical: dict[_Register, int] = {}
        count = 0
        for i, (_, operands, out) in enumerate(self.raw):
            if out.kind == "buffer" and out not in physical:
                if free:
                    physical[out] = free.pop()
                else:
                    physical[out], count = count, count + 1
            for register in {*operands, out}:
                if isinstance(register, _Register) and register.kind == "buffer" and last[register] == i:
                    free.append(physical[register])
        return physical, count

    def _lay_out(self, buffer_count: int) -> _Layout:
        """The slot list every worker fills: constants, inputs, outputs, then buffers."""
        constants = sorted({repr(o): o for _, operands, _ in self.raw for o in operands if isinstance(o, float)}.items())
        self.constant_slots = {text: i for i, (text, _) in enumerate(constants)}
        size = len(constants)
        inputs, outputs = [], []
        for register in self.registers:
            if register.kind in ("input", "output"):
                register.index = size
                (inputs if register.kind == "input" else outputs).append((size, register.name))
                size += 1
        buffers = list(range(size, size + buffer_count))
        return _Layout(size + len(buffers), [(i, v) for i, (_, v) in enumerate(constants)], inputs, outputs, buffers)

    def _slot(self, operand, physical: dict) -> int:
        if isinstance(operand, float):
            return self.constant_slots[repr(operand)]
        if operand.kind == "buffer":
            return self.layout.buffers[physical[operand]]
        return operand.index


class _Negated:
    """A gradient that is minus a register: the sign is carried until a value needs it."""

    __slots__ = ("register",)

    def __init__(self, register: _Register) -> None:
        self.register = register


def _negated(gradient):
    if isinstance(gradient, float):
        return -gradient
    return gradient.register if isinstance(gradient, _Negated) else _Negated(gradient)


def _split(gradient) -> tuple:
    """(register or float, sign)."""
    return (gradient.register, -1) if isinstance(gradient, _Negated) else (gradient, 1)


class _KinkFix:
    """Replace a local gradient by the convention's value on the rows at the kink."""

    def __init__(self, kink, convention: str, index: int) -> None:
        self.kink, self.convention, self.index = kink, convention, index

    def __call__(self, *operands, out):
        *args, local = operands
        if local is not out:
            np.copyto(out, local)
        at = self.kink.at(tuple(args))
        if np.any(at):
            np.copyto(out, self.kink.values[self.convention](tuple(args))[self.index], where=at)


class _EdgeFix:
    """Replace a local gradient by a domain edge's value on the rows at the edge."""

    def __init__(self, edge) -> None:
        self.edge = edge

    def __call__(self, *operands, out):
        *args, local = operands
        if local is not out:
            np.copyto(out, local)
        np.copyto(out, self.edge.value, where=self.edge.at(tuple(args)))


class _TieCount:
    """max/min, once per node: how many inputs equal the node's value (0 on a nan row)."""

    def __call__(self, *operands, out):
        *args, best = operands
        out.fill(0.0)
        for arg in args:
            out += np.equal(arg, best)


class _WinnerShare:
    """max/min, once per node: what each winning input gets, given the count of winners."""

    def __init__(self, convention: str) -> None:
        self.convention = convention

    def __call__(self, count, out):
        _share_of_winners(count, self.convention, out=out)


class _RouterLastShare:
    """The last edge of an input tied m times: m/k minus its other edges' running sum."""

    def __init__(self, m: int) -> None:
        self.m = m

    def __call__(self, arg, best, share, count, out):
        total = share.copy()  # the running sum, in the order the gradients are added
        for _ in range(self.m - 2):
            total += share
        np.subtract(np.divide(float(self.m), count), total, out=out)
        np.multiply(np.equal(arg, best), out, out=out)


class _RouterPartial:
    """max/min: one input's local gradient, its share where it equals the node's value."""

    def __call__(self, arg, best, share, out):
        np.multiply(np.equal(arg, best), share, out=out)


def _share_of_winners(count, convention: str, out=None):
    """Each winner's share given the number of winners (0 on a row with a nan: nan)."""
    if convention != "sympy":
        return np.divide(1.0, count, out=out)  # 1/0 = inf, and 0 * inf = nan for every input
    share = np.where(count > 1, 0.5, np.where(count == 1, 1.0, np.nan))  # Heaviside(0) = 1/2 at a tie
    if out is None:
        return share
    np.copyto(out, share)
    return out


def router_partials(op: str, args: list, convention: str, inputs: list | None = None) -> list:
    """max/min: the winner takes the gradient; ties as in ``engine.router_partials``,
    an input tied several times included (given the input slots)."""
    stacked = np.array(np.broadcast_arrays(*args), dtype=float)
    best = stacked.max(axis=0) if op == "max" else stacked.min(axis=0)
    winners = stacked == best
    count = winners.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = _share_of_winners(count, convention)
        local = list(winners * share)
        if inputs is not None and convention != "sympy":
            for positions in engine.repeated_inputs(inputs):
                total = local[positions[0]].copy()
                for i in positions[1:-1]:
                    total += local[i]
                local[positions[-1]] = winners[positions[-1]] * (len(positions) / count - total)
    return local


_ROUTER_PARTIAL = _RouterPartial()
