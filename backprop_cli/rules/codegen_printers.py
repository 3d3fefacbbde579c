"""The SymPy printers that write the generated rules (``rules/codegen.py``): on ``math``
for ``rules/generated/derived.py``, on NumPy for ``rules/generated/derived_numpy.py``. Build time only.

Both print our own functions (``sympy_defs.HELPERS``) by their names, and Max, Min and
Heaviside as nan-propagating helpers instead of Python branches.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter

from . import sympy_defs


class _HelperCalls:
    """Our own functions (sympy_defs.HELPERS: sigmoid, ...) are called by their names."""

    def _print_Function(self, expr):  # noqa: N802 - SymPy printer dispatch name
        if expr.func in sympy_defs.HELPERS:
            return f"{expr.func.__name__}({', '.join(self._print(a) for a in expr.args)})"
        return super()._print_Function(expr)


class MathPrinter(_HelperCalls, PythonCodePrinter):
    """pycode on bare ``math`` names, with ``mpow`` for a symbolic exponent."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": False, "strict": True})

    def _print_Pow(self, expr, rational=False):  # noqa: N802 - SymPy printer dispatch name
        if expr.exp.is_Number:
            return super()._print_Pow(expr, rational=rational)
        return f"mpow({self._print(expr.base)}, {self._print(expr.exp)})"

    # nan-propagating helpers (``mathfns``) instead of Python's max, min and branches
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


class ArrayPrinter(_HelperCalls, NumPyPrinter):
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
