"""Turn a rule's SymPy expression into a recipe of NumPy calls, for the array engine.

A recipe is ``(steps, result)``. Each step is ``(function, operand, ...)`` and
writes its result into a buffer of its own, named ``t0, t1, ...`` in step order.
An operand is ``'a0', 'a1', ...`` (the node's inputs), ``'out'`` (the node's own
value, for a local gradient), an earlier step's ``'tK'`` or a float. ``result``
is the operand that holds the answer, which may need no step at all (the local
gradient of ``x*y`` with respect to ``x`` is ``'a1'``).

``array_compiler`` strings the recipes of a whole graph together into one flat list
of ufunc calls with ``out=`` buffers, so a chunk of rows is computed without
allocating a single temporary. Build time only: ``rules/codegen.py`` imports this.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from . import sympy_defs

OUT = sp.Symbol("OUT", real=True)

_NUMPY = NumPyPrinter({"fully_qualified_modules": True, "strict": True})
HELPERS = tuple(fn.__name__ for fn in sympy_defs.HELPERS)  # from numpyfns; every other name is numpy's

# Arithmetic that is bound by memory bandwidth: a program of these alone runs on one
# thread in batch (a second one only adds contention); any other step (exp, power,
# tanh, ...) is bound by the CPU and scales with cores.
MEMORY_BOUND = frozenset(
    {"add", "subtract", "multiply", "divide", "negative", "square", "sqrt", "absolute", "sign", "maximum", "minimum", "heaviside"}
)


def numpy_function(func) -> str:
    """The ufunc that computes a one-argument SymPy function (asinh: arcsinh), or our helper."""
    if func in sympy_defs.HELPERS:
        return func.__name__
    try:  # SymPy's own NumPy spelling: "numpy.arcsinh(x)"
        name = _NUMPY.doprint(func(sp.Symbol("x"))).partition("(")[0].removeprefix("numpy.")
    except NotImplementedError:  # the strict printer knows no NumPy spelling for it
        name = ""
    ufunc = getattr(np, name, None)
    if not isinstance(ufunc, np.ufunc):  # batch calls every step with out=: only ufuncs take it
        raise NotImplementedError(f"no NumPy ufunc for {func}: give it a helper in numpyfns and sympy_defs.HELPERS")
    return ufunc.__name__


def compute_bound(recipes) -> bool:
    """Whether recipes call anything but memory-bound arithmetic (see MEMORY_BOUND)."""
    return any(function not in MEMORY_BOUND for steps, _ in recipes for function, *_ in steps)


class _Recipe:
    def __init__(self) -> None:
        self.steps: list[tuple] = []
        self.seen: dict[tuple, str] = {}  # the same call twice is computed once

    def emit(self, function: str, *operands) -> str:
        key = (function, *operands)
        if key not in self.seen:
            self.steps.append(key)
            self.seen[key] = f"t{len(self.steps) - 1}"
        return self.seen[key]

    def walk(self, e: sp.Expr):
        if e == OUT:
            return "out"
        if e.is_Symbol:
            return "a" + e.name.removeprefix("ARG")
        if e.is_Number:
            return float(e)
        if e.is_Add:
            return self._add(e)
        if e.is_Mul:
            return self._mul(e)
        if e.is_Pow:
            return self._pow(e.base, e.exp)
        if isinstance(e, sp.Heaviside):
            middle = e.args[1] if len(e.args) > 1 else sp.Rational(1, 2)
            return self.emit("heaviside", self.walk(e.args[0]), float(middle))
        if isinstance(e, (sp.Max, sp.Min)):
            return self._nested("maximum" if isinstance(e, sp.Max) else "minimum", e.args)
        if isinstance(e, sp.Function) and len(e.args) == 1:
            return self.emit(numpy_function(e.func), self.walk(e.args[0]))
        raise NotImplementedError(f"no NumPy step for {e.func}")

    def _nested(self, function: str, args) -> str:
        result = self.walk(args[0])
        for arg in args[1:]:
            result = self.emit(function, result, self.walk(arg))
        return result

    def _add(self, e: sp.Add):
        plus = [t for t in e.args if not t.could_extract_minus_sign()]
        minus = [-t for t in e.args if t.could_extract_minus_sign()]
        result = self.walk(plus.pop(0)) if plus else self.emit("negative", self.walk(minus.pop(0)))
        for term in plus:
            result = self.emit("add", result, self.walk(term))
        for term in minus:
            result = self.emit("subtract", result, self.walk(term))
        return result

    def _mul(self, e: sp.Mul):
        coefficient, factors = e.as_coeff_mul()
        above = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
        below = [1 / f for f in factors if f.is_Pow and f.exp.is_negative]
        if not above:
            result = float(coefficient)  # 1/x, -1/x**2: the coefficient is the numerator
        else:
            result = self.walk(above[0])
            for factor in above[1:]:
                result = self.emit("multiply", result, self.walk(factor))
            if coefficient not in (1, -1):
                result = self.emit("multiply", float(coefficient), result)
        for factor in below:
            result = self.emit("divide", result, self.walk(factor))
        return self.emit("negative", result) if above and coefficient == -1 else result

    def _pow(self, base, exponent):
        if exponent == 2:
            return self.emit("square", self.walk(base))
        if exponent == sp.Rational(1, 2):
            return self.emit("sqrt", self.walk(base))
        if exponent.is_Number and exponent < 0:
            return self.emit("divide", 1.0, self._pow(base, -exponent))
        if exponent == 1:
            return self.walk(base)
        return self.emit("power", self.walk(base), self.walk(exponent))


def recipe(expression: sp.Expr) -> tuple[tuple, object]:
    """``(steps, result)`` computing ``expression`` (see the module docstring)."""
    built = _Recipe()
    result = built.walk(sp.sympify(expression))
    return tuple(built.steps), result


def partial_in_terms_of_value(forward: sp.Expr, partial: sp.Expr, arity: int) -> sp.Expr:
    """The local gradient reusing the node's value where that is cheaper and safe.

    exp's derivative is the value itself; tanh's is 1 - value², sigmoid's
    value·(1 - value). Substituting saves recomputing the function on every row.
    It is kept only where it gives the same numbers as the original on ordinary
    inputs, zero included: pow's ``y·out/x`` would turn 0 into 0/0 and is refused.
    """
    rewritten = partial.subs(forward, OUT)
    if rewritten == partial or not _same_numbers(partial, rewritten, forward, arity):
        return partial
    return rewritten


_SAMPLES = (-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.5)


def _same_numbers(original: sp.Expr, rewritten: sp.Expr, forward: sp.Expr, arity: int) -> bool:
    from . import numpyfns

    symbols = sympy_defs.arg_symbols(arity)
    helpers = {name: getattr(numpyfns, name) for name in HELPERS}
    modules = [{**helpers, "Heaviside": lambda x, h=0.5: np.heaviside(x, h)}, "numpy"]
    grid = np.array(np.meshgrid(*[_SAMPLES] * arity)).reshape(arity, -1)
    with np.errstate(all="ignore"):
        value = sp.lambdify(symbols, forward, modules)(*grid)
        before = sp.lambdify(symbols, original, modules)(*grid) * np.ones(grid.shape[1])
        after = sp.lambdify([*symbols, OUT], rewritten, modules)(*grid, value) * np.ones(grid.shape[1])
    return bool(np.allclose(before, after, rtol=1e-12, atol=0, equal_nan=True))
