"""Write ``_derived.py``: the rules SymPy derives, as plain Python on ``math``.

Run ``python -m backprop_cli.codegen`` after changing a row of ``rules.py``;
``tests/test_codegen.py`` fails while the file differs from what SymPy derives
today. Generating the code (instead of calling SymPy at run time) keeps the
common path of ``backprop grad`` free of SymPy's import time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter

from . import codegen_steps, sympy_defs
from ._mathfns import NAMES
from .rules import RULES

TARGET = Path(__file__).with_name("_derived.py")
NUMPY_TARGET = Path(__file__).with_name("_derived_numpy.py")
VARIADIC_ARITIES = (2, 3)  # max/min templates generated ahead; others derived on demand

HEADER = '''"""Rules derived by SymPy from ``rules.py``. Generated: do not edit.

Regenerate with ``python -m backprop_cli.codegen``. FORWARD takes the inputs as
ARG0, ARG1, ...; PARTIALS the inputs and then the node's value OUT; SYMBOLIC
holds the partials as text templates, in the inputs only.
"""
# ruff: noqa
from ._mathfns import {names}

'''


class _MathPrinter(PythonCodePrinter):
    """pycode on bare ``math`` names, with ``mpow`` for a symbolic exponent."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": False, "strict": True})

    def _print_Pow(self, expr, rational=False):  # noqa: N802 - SymPy printer dispatch name
        if expr.exp.is_Number:
            return super()._print_Pow(expr, rational=rational)
        return f"mpow({self._print(expr.base)}, {self._print(expr.exp)})"

    def _print_sigmoid(self, expr):
        return f"sigmoid({self._print(expr.args[0])})"

    def _print_softplus(self, expr):
        return f"softplus({self._print(expr.args[0])})"

    # nan-propagating helpers (``_mathfns``) instead of Python's max, min and branches
    def _print_Max(self, expr):  # noqa: N802
        return f"maximum({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr):  # noqa: N802
        return f"minimum({', '.join(self._print(a) for a in expr.args)})"

    def _print_Heaviside(self, expr):  # noqa: N802
        if len(expr.args) > 1 and expr.args[1] != sp.Rational(1, 2):
            raise ValueError("heaviside() takes Heaviside(0) = 1/2")
        return f"heaviside({self._print(expr.args[0])})"

    def _print_sign(self, expr):
        return f"sign({self._print(expr.args[0])})"


class _ArrayPrinter(NumPyPrinter):
    """The same rules on NumPy arrays (``batch``): elementwise, no Python branches."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": True, "strict": True})

    def _print_Heaviside(self, expr):  # noqa: N802 - SymPy printer dispatch name
        return f"numpy.heaviside({self._print(expr.args[0])}, 0.5)"

    def _print_Max(self, expr):  # noqa: N802
        return self._nested("numpy.maximum", expr.args)

    def _print_Min(self, expr):  # noqa: N802
        return self._nested("numpy.minimum", expr.args)

    def _nested(self, function: str, args) -> str:
        text = self._print(args[0])
        for arg in args[1:]:
            text = f"{function}({text}, {self._print(arg)})"
        return text

    def _print_sigmoid(self, expr):
        return f"sigmoid({self._print(expr.args[0])})"

    def _print_softplus(self, expr):
        return f"softplus({self._print(expr.args[0])})"


NUMPY_HEADER = '''"""The rules of ``_derived.py`` on NumPy arrays, for ``batch``. Generated: do not edit.

Regenerate with ``python -m backprop_cli.codegen``. Imported only by ``batch``, so
that ``grad`` never pays for NumPy.
"""
# ruff: noqa
import numpy

from ._numpyfns import sigmoid, softplus

'''


def generate_numpy() -> str:
    """The full text of ``_derived_numpy.py``."""
    printer = _ArrayPrinter()
    forward, partials, row_forward, row_partials = [], [], [], []
    for rule in RULES.values():
        if rule.arity is None:
            continue  # max/min: batch_engine.router_partials
        symbols = sympy_defs.arg_symbols(rule.arity)
        body = sympy_defs.define(rule.name, symbols)
        reusing = _partials_reusing_value(rule.name, rule.arity)
        forward.append(f"    {rule.name!r}: {_lambda(printer, rule.arity, body)},")
        lambdas = ", ".join(_lambda(printer, rule.arity, d, value=True) for d in reusing)
        partials.append(f"    {rule.name!r}: ({lambdas},),")
        row_forward.append(f"    {rule.name!r}: {_recipe_text(body)},")
        row_partials.append(f"    {rule.name!r}: ({', '.join(_recipe_text(d) for d in reusing)},),")
    return "\n".join(
        [
            NUMPY_HEADER,
            "FORWARD = {\n" + "\n".join(forward) + "\n}\n",
            "PARTIALS = {\n" + "\n".join(partials) + "\n}\n",
            ROW_COMMENT + "ROW_FORWARD = {\n" + "\n".join(row_forward) + "\n}\n",
            "ROW_PARTIALS = {\n" + "\n".join(row_partials) + "\n}\n",
        ]
    )


ROW_COMMENT = """# The same rules as recipes of NumPy calls for batch's compiled rows (codegen_steps.py):
# (steps, result). Step K, (function, operand, ...), writes buffer 'tK'; an operand is
# an input 'a0', 'a1', the node's value 'out', an earlier 'tK' or a float.
"""


def _recipe_text(expression: sp.Expr) -> str:
    steps, result = codegen_steps.recipe(expression)
    names = [f if f in codegen_steps.HELPERS else f"numpy.{f}" for f, *_ in steps]
    texts = [f"({', '.join([name] + [repr(o) for o in operands])})" for name, (_, *operands) in zip(names, steps)]
    return f"(({''.join(t + ', ' for t in texts)}), {result!r})"


def _lambda(printer, arity: int, body: sp.Expr, value: bool = False) -> str:
    params = ", ".join([f"ARG{i}" for i in range(arity)] + (["OUT"] if value else []))
    return f"lambda {params}: {printer.doprint(body)}"


def _partials_reusing_value(op: str, arity: int) -> list[sp.Expr]:
    """The local gradients as the engines compute them: in terms of the node's value OUT
    where that is safe (exp: OUT; tanh: 1 - OUT**2). PyTorch's backward formulas do the same."""
    body = sympy_defs.define(op, sympy_defs.arg_symbols(arity))
    return [codegen_steps.partial_in_terms_of_value(body, d, arity) for d in sympy_defs.partials(op, arity)]


def _repeated_input_text(op: str) -> str:
    """The local gradient of ``op(a, a)`` with respect to ``a``, as symbolic._derive writes it."""
    (a,) = sympy_defs.arg_symbols(1)
    return sympy_defs.to_text(sp.powsimp(sp.diff(sympy_defs.define(op, [a, a]), a)))


def generate() -> str:
    """The full text of ``_derived.py``."""
    printer = _MathPrinter()
    forward, partials, symbolic = [], [], []
    for rule in RULES.values():
        arities = (rule.arity,) if rule.arity is not None else VARIADIC_ARITIES
        for arity in arities:
            derived = sympy_defs.partials(rule.name, arity)
            texts = ", ".join(repr(sympy_defs.to_text(d)) for d in derived)
            symbolic.append(f"    ({rule.name!r}, {arity}): ({texts},),")
        if rule.arity == 2:  # x + x, x * x: a repeated input is common enough to keep SymPy out of it
            symbolic.append(f"    ({rule.name!r}, (0, 0)): ({_repeated_input_text(rule.name)!r},),")
        if rule.arity is None:
            continue  # numeric max/min live in engine.router_partials
        symbols = sympy_defs.arg_symbols(rule.arity)
        body = sympy_defs.define(rule.name, symbols)
        forward.append(f"    {rule.name!r}: {_lambda(printer, rule.arity, body)},")
        lambdas = ", ".join(_lambda(printer, rule.arity, d, value=True) for d in _partials_reusing_value(rule.name, rule.arity))
        partials.append(f"    {rule.name!r}: ({lambdas},),")
    parts = [
        HEADER.format(names=", ".join(NAMES)),
        "FORWARD = {\n" + "\n".join(forward) + "\n}\n",
        "PARTIALS = {\n" + "\n".join(partials) + "\n}\n",
        "SYMBOLIC = {\n" + "\n".join(symbolic) + "\n}\n",
    ]
    return "\n".join(parts)


def main() -> int:
    """Write the file, or with ``--check`` exit 1 when it is out of date."""
    outputs = {TARGET: generate(), NUMPY_TARGET: generate_numpy()}
    if "--check" in sys.argv[1:]:
        return 0 if all(path.read_text() == text for path, text in outputs.items()) else 1
    for path, text in outputs.items():
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
