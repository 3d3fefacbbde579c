"""Compile a staged graph into an array program: one flat list of NumPy calls.

The rules' recipes (``rules/generated/derived_numpy.py``) are strung together, forward then
backward, into steps ``(function, operands, out register)``; an operand is a
register or a float. The same compiler serves both ways the array engine runs:

- over rows (``batch``, ``array_rows``): every register becomes a buffer that
  later steps may reuse once it is no longer read, the ±1 of add, sub and neg
  costs no pass, a sign is carried until a value needs it;
- over whole arrays (vector mode, ``engine.arrays``): every register is written
  once, and the program also fits each gradient piece to its input's shape (undoing
  broadcasting), keeps the pieces for the report and checks for kinks. Only this
  way has the array operators of ``rules.VECTOR_RULES``.
"""

from __future__ import annotations

import numpy as np

from ..language.graph import Graph
from ..rules.generated.derived_numpy import ROW_FORWARD, ROW_PARTIALS
from ..rules.table import RULES
from . import array_steps, kinks


class Register:
    """A value of the program: an input column, a buffer, a result, a kink text."""

    __slots__ = ("kind", "name", "index")

    def __init__(self, kind: str, name=None) -> None:
        self.kind, self.name, self.index = kind, name, None


class Negated:
    """A gradient that is minus a register: the sign is carried until a value needs it."""

    __slots__ = ("register",)

    def __init__(self, register: Register) -> None:
        self.register = register


def negated(gradient):
    """Minus a gradient (a float, a register or a Negated)."""
    if isinstance(gradient, float):
        return -gradient
    return gradient.register if isinstance(gradient, Negated) else Negated(gradient)


def split(gradient) -> tuple:
    """(register or float, sign)."""
    return (gradient.register, -1) if isinstance(gradient, Negated) else (gradient, 1)


class Compiler:
    """Strings the rules' recipes together for one graph: forward, then backward.

    ``arrays``: compile for vector mode (see the module's docstring). ``skip``: slots
    that get no gradient besides the constants (vector mode's ``--wrt``).
    """

    def __init__(self, graph: Graph, convention: str, arrays: bool = False, skip: set | None = None) -> None:
        self.graph, self.convention, self.arrays = graph, convention, arrays
        self.skip = set(graph.constants) | (skip or set())
        self.raw: list[tuple] = []  # (function, operands, out register)
        self.registers: list[Register] = []
        self.step_nodes: list[int] = []  # per forward step: its node's index (for shape errors)
        self.pieces: list[tuple] = []  # vector mode: (node index, input position, piece register): one per edge
        self.checks: list[tuple] = []  # vector mode: (node index, kink text register)
        self._shares: dict[int, tuple] = {}  # max/min node slot -> (count, share, last edges)
        self.value = self._forward()
        self.forward_steps = len(self.raw)
        self.grads = self._backward()

    def new(self, kind: str = "buffer", name=None) -> Register:
        register = Register(kind, name)
        self.registers.append(register)
        return register

    def emit(self, function, operands, out: Register | None = None, kind: str = "buffer") -> Register:
        """A step; ``out`` is a register to write again (over rows only: in vector mode
        every step writes a new one)."""
        out = out if out is not None and not self.arrays else self.new(kind)
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
        for index, node in enumerate(graph.nodes):
            args = [value[s] for s in node.inputs]
            if node.op in ROW_FORWARD:
                value[node.slot] = self.apply(ROW_FORWARD[node.op], args)[0]
            elif node.op in array_steps.VECTOR_FORWARD:
                value[node.slot] = self.emit(array_steps.VECTOR_FORWARD[node.op], args)
            else:  # max/min of any number of inputs, pairwise
                value[node.slot] = args[0]
                for arg in args[1:]:
                    value[node.slot] = self.emit(array_steps.router_forward(node.op), [value[node.slot], arg])
            self.step_nodes += [index] * (len(self.raw) - len(self.step_nodes))
        return value

    def _backward(self) -> dict:
        graph, value = self.graph, self.value
        grads: dict = {graph.output: 1.0}
        owned: set = set()  # gradient buffers this program may add into in place
        for index in range(len(graph.nodes) - 1, -1, -1):
            node = graph.nodes[index]
            upstream = grads.get(node.slot)
            if upstream is None:
                continue  # a statement that does not feed the output
            args = [value[s] for s in node.inputs]
            if self.arrays:
                self._check_kink(index, node, args)
            for i, slot in enumerate(node.inputs):
                if slot in self.skip:
                    continue
                if node.op in array_steps.VECTOR_FORWARD:
                    contribution, made = self._vector_piece(node, i, args, upstream), True
                else:
                    local, made = self._local(node, i, args, value[node.slot])
                    contribution, made = self._times(upstream, local, made)
                if self.arrays:
                    contribution = self.emit(array_steps.Fit(split(contribution)[1]), [split(contribution)[0], args[i]])
                    self.pieces.append((index, i, contribution))
                self._accumulate(grads, owned, slot, contribution, made)
        return grads

    def _local(self, node, i: int, args: list, value) -> tuple:
        if node.op not in ROW_PARTIALS:  # max/min: one share per node, then one step per input
            return self._router_local(node, i, args, value), True
        local, made = self.apply(ROW_PARTIALS[node.op][i], args, value)
        rule = RULES[node.op]
        for edge in rule.edges:
            if edge.index == i:
                local = self.emit(array_steps.EdgeFix(edge), [*args, local], out=local if local in made else None)
                made = {local}
        kink = rule.kink
        if kink is not None and self.convention in kink.values:
            fix = array_steps.KinkFix(kink, self.convention, i)
            return self.emit(fix, [*args, local], out=local if local in made else None), True
        last = self.raw[-1] if local in made else None
        if last is not None and last[0] is np.negative and last[2] is local and isinstance(last[1][0], Register):
            self.raw.pop()  # -sin(x), -y/x**2: carry the sign instead of a pass that flips it
            return Negated(last[1][0]), last[1][0] in made
        return local, local in made

    def _router(self, node, args: list, value) -> tuple:
        """max/min: the count of winners and their share, once per node; an input tied
        several times gets its whole share on its last edge (``kinks.repeated_inputs``)."""
        if node.slot not in self._shares:
            count = self.emit(kinks.tie_count_into, [*args, value])
            share = self.emit(array_steps.WinnerShare(self.convention, len(args)), [count])
            positions = kinks.repeated_inputs(node.inputs)
            last = {p[-1]: len(p) for p in positions} if self.convention != "sympy" else {}
            self._shares[node.slot] = count, share, last
        return self._shares[node.slot]

    def _router_local(self, node, i: int, args: list, value) -> Register:
        count, share, last = self._router(node, args, value)
        if i in last:
            return self.emit(array_steps.RouterLastShare(last[i]), [args[i], value, share, count])
        return self.emit(kinks.router_partial_into, [args[i], value, share])

    def _check_kink(self, index: int, node, args: list) -> None:
        """Vector mode: a step that gives the node's kink text if an element is on its kink."""
        if node.op == "norm":
            self.checks.append((index, self.emit(array_steps.NormCheck(self.convention), [args[0], self.value[node.slot]])))
            return
        kink = RULES[node.op].kink if node.op in RULES else None
        if kink is None or not kink.concerns([s not in self.skip for s in node.inputs]):
            return
        if node.op in ("max", "min"):
            count = self._router(node, args, self.value[node.slot])[0]
            self.checks.append((index, self.emit(array_steps.TieCheck(kink, self.convention), [count])))
        else:
            self.checks.append((index, self.emit(array_steps.KinkCheck(kink, self.convention), args)))

    def _vector_piece(self, node, i: int, args: list, g) -> Register:
        """An array operator's vector–Jacobian product for input i (vector mode only)."""
        op = node.op
        if op == "matmul":
            return self.emit(array_steps.MatmulGrad(i), [g, *args])
        if op == "dot":
            return self.emit(np.multiply, [g, args[1 - i]])
        if op == "sum":
            return self.emit(array_steps.spread, [g, args[0]])
        if op == "mean":
            return self.emit(array_steps.spread_mean, [g, args[0]])
        local = self.emit(array_steps.NormLocal(self.convention), [args[0], self.value[node.slot]])
        return self.emit(np.multiply, [g, local])

    def _times(self, upstream, local, made: bool) -> tuple:
        """upstream × local, without a pass for the ±1 of add, sub and neg or for a sign."""
        if isinstance(upstream, float) and isinstance(local, float):
            return upstream * local, False
        if isinstance(local, float) and abs(local) == 1.0:
            return (upstream if local > 0 else negated(upstream)), False
        if isinstance(upstream, float) and abs(upstream) == 1.0:
            return (local if upstream > 0 else negated(local)), made
        (a, sign_a), (b, sign_b) = split(upstream), split(local)
        if isinstance(b, float):  # a constant factor takes the sign along
            return self.emit(np.multiply, [a, sign_a * sign_b * b]), True
        product = self.emit(np.multiply, [a, b])
        return (product if sign_a == sign_b else Negated(product)), True

    def _accumulate(self, grads: dict, owned: set, slot: int, contribution, made: bool) -> None:
        if slot not in grads:
            grads[slot] = contribution
            if made:
                owned.add(split(contribution)[0])
            return
        current = grads[slot]
        if isinstance(current, float) and isinstance(contribution, float):
            grads[slot] = current + contribution
            return
        (g, sign_g), (c, sign_c) = split(current), split(contribution)
        # add into the gradient's own buffer when it has one; a borrowed one gets a new buffer
        target = g if isinstance(g, Register) and g in owned else None
        if sign_g == sign_c:  # g + c, or -(g + c)
            target = self.emit(np.add, [g, c], out=target)
            grads[slot] = target if sign_g > 0 else Negated(target)
        else:  # g - c, or c - g
            target = self.emit(np.subtract, [g, c] if sign_g > 0 else [c, g], out=target)
            grads[slot] = target
        owned.add(target)
