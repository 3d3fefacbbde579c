"""SymPy side of the operator table: the namespace ``S`` that ``Operator.define`` uses.

Imported only where SymPy is needed: by ``rules/codegen.py`` (which writes
``rules/generated/derived.py``), by the tests that keep ``rules/generated/derived.py`` honest, and at run time
when a node needs a derivative the generated table lacks (constant inputs,
repeated inputs, max/min with many arguments). SymPy only ever sees expressions
built here, never text a user typed.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .table import RULES


class sigmoid(sp.Function):  # noqa: N801 - printed name must match the language
    """σ(x) = 1/(1 + exp(-x)); its derivative is the lectures' σ(x)(1 - σ(x))."""

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _eval_is_real(self):
        return self.args[0].is_real


class softplus(sp.Function):  # noqa: N801
    """softplus(x) = log(1 + exp(x)); its derivative is sigmoid(x)."""

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _eval_is_real(self):
        return self.args[0].is_real


HELPERS = (sigmoid, softplus)
"""Functions SymPy does not know: the generated code calls a helper of the same name
in ``mathfns`` and ``numpyfns`` (``codegen`` checks that it exists)."""


class _Namespace:
    """``S.exp``, ``S.asinh``, ...: every SymPy function, and our helpers by their names."""

    def __init__(self) -> None:
        self.__dict__.update({fn.__name__: fn for fn in HELPERS})

    def __getattr__(self, name: str):
        return getattr(sp, name)


S = _Namespace()


def arg_symbols(count: int) -> list[sp.Symbol]:
    """The placeholder symbols ``ARG0, ARG1, ...`` that templates are written in."""
    return [sp.Symbol(f"ARG{i}", real=True) for i in range(count)]


def define(op: str, args: list) -> sp.Expr:
    """The SymPy expression of ``op`` applied to ``args``."""
    return RULES[op].define(S, *args)


@cache
def partials(op: str, arity: int) -> tuple[sp.Expr, ...]:
    """SymPy's derivative of ``op`` with respect to each of its ``arity`` inputs."""
    symbols = arg_symbols(arity)
    expression = define(op, symbols)
    return tuple(sp.powsimp(sp.diff(expression, s)) for s in symbols)


def to_text(expression: sp.Expr) -> str:
    """How a symbolic local gradient is shown (short floats, SymPy's str order)."""
    return sp.sstr(expression, full_prec=False)
