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

from . import sympy_defs
from ._mathfns import NAMES
from .rules import RULES

TARGET = Path(__file__).with_name("_derived.py")
NUMPY_TARGET = Path(__file__).with_name("_derived_numpy.py")
VARIADIC_ARITIES = (2, 3)  # max/min templates generated ahead; others derived on demand

HEADER = '''"""Rules derived by SymPy from ``rules.py``. Generated: do not edit.

Regenerate with ``python -m backprop_cli.codegen``. FORWARD and PARTIALS take the
inputs as ARG0, ARG1, ...; SYMBOLIC holds the same partials as text templates.
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
    forward, partials = [], []
    for rule in RULES.values():
        if rule.arity is None:
            continue  # max/min: batch_engine.router_partials
        symbols = sympy_defs.arg_symbols(rule.arity)
        body = sympy_defs.define(rule.name, symbols)
        forward.append(f"    {rule.name!r}: {_lambda(printer, rule.arity, body)},")
        lambdas = ", ".join(_lambda(printer, rule.arity, d) for d in sympy_defs.partials(rule.name, rule.arity))
        partials.append(f"    {rule.name!r}: ({lambdas},),")
    return "\n".join(
        [
            NUMPY_HEADER,
            "FORWARD = {\n" + "\n".join(forward) + "\n}\n",
            "PARTIALS = {\n" + "\n".join(partials) + "\n}\n",
        ]
    )


def _lambda(printer, arity: int, body: sp.Expr) -> str:
    params = ", ".join(f"ARG{i}" for i in range(arity))
    return f"lambda {params}: {printer.doprint(body)}"


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
        if rule.arity is None:
            continue  # numeric max/min live in engine.router_partials
        symbols = sympy_defs.arg_symbols(rule.arity)
        body = sympy_defs.define(rule.name, symbols)
        forward.append(f"    {rule.name!r}: {_lambda(printer, rule.arity, body)},")
        lambdas = ", ".join(_lambda(printer, rule.arity, d) for d in sympy_defs.partials(rule.name, rule.arity))
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
