"""Write ``rules/generated/derived.py`` and ``rules/generated/derived_numpy.py``: the rules SymPy derives from the
operator table (``rules/table.py``), as plain Python on ``math`` and on NumPy.

Regenerate with ``python -m backprop_cli.rules.codegen`` after changing a row of
``rules/table.py`` (``--check`` exits 1 while a file is out of date). Generating the code
(instead of calling SymPy at run time) keeps the common path of ``backprop grad``
free of SymPy's import time. Every name the generated code calls is checked here:
``math``'s functions, the helpers of ``mathfns`` and ``numpyfns``, NumPy's
ufuncs; a call to anything else stops code generation with the name to add.
``tests/test_rules.py`` holds the files to the table (``FINGERPRINT``) and to SymPy.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import math
import sys
from pathlib import Path

import numpy as np
import sympy as sp

from ..errors import ExitCode
from . import codegen_steps, mathfns, numpyfns, sympy_defs
from .codegen_printers import ArrayPrinter, MathPrinter
from .table import RULES

TARGET = Path(__file__).with_name("generated") / "derived.py"
NUMPY_TARGET = Path(__file__).with_name("generated") / "derived_numpy.py"
VARIADIC_ARITIES = (2, 3)  # max/min templates generated ahead; others derived on demand

HEADER = '''"""Rules derived by SymPy {version} from ``rules/table.py``. Generated: do not edit.

Regenerate with ``python -m backprop_cli.rules.codegen``. FORWARD takes the inputs as
ARG0, ARG1, ...; PARTIALS the inputs and then the node's value OUT; SYMBOLIC
holds the partials as text templates, in the inputs only.
"""
# ruff: noqa
{imports}

FINGERPRINT = {fingerprint!r}  # of the table rows these rules come from (codegen.fingerprint)

'''


class CodegenError(Exception):
    """The generated code would call a name that does not exist (says which, and where to add it)."""


def fingerprint() -> str:
    """A digest of what the generated files depend on: each row's name, arity, SymPy
    definition and thread flag. A row added or changed without regenerating fails a test."""
    parts = []
    for rule in RULES.values():
        if rule.define is not None:
            arities = (rule.arity,) if rule.arity is not None else VARIADIC_ARITIES
            definitions = [sp.srepr(sympy_defs.define(rule.name, sympy_defs.arg_symbols(n))) for n in arities]
            parts.append(repr((rule.name, rule.arity, definitions, rule.compute_bound)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def called_names(text: str) -> set[str]:
    """Every name generated code reads besides its parameters: 'exp', 'sigmoid', 'numpy.exp'."""
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            names.add(f"{node.value.id}.{node.attr}")
        elif (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id != "numpy"
            and node.id[:3] not in ("ARG", "OUT")
        ):
            names.add(node.id)
    return names - set(dir(builtins))  # abs, frozenset


def math_imports(names: set[str]) -> str:
    """The import lines of ``rules/generated/derived.py``; CodegenError for a name nobody defines."""
    constants = sorted(n for n in names if isinstance(getattr(math, n, None), float))  # pi: the same on NumPy
    functions = sorted(n for n in names if callable(getattr(math, n, None)))
    helpers = sorted(names - set(functions) - set(constants))
    for name in helpers:
        if not callable(getattr(mathfns, name, None)):
            raise CodegenError(
                f"the generated rules call {name}(), which neither math nor mathfns has: add it to rules/mathfns.py"
            )
    for name in functions + helpers:
        if name not in mathfns.ieee_namespace([name]):
            raise CodegenError(f"{name} has no NumPy version for the IEEE fallback: add one to mathfns.ieee_namespace")
    lines = [f"from math import {', '.join(sorted(functions + constants))}"] if functions or constants else []
    return "\n".join(lines + ([f"from ..mathfns import {', '.join(helpers)}"] if helpers else []))


def numpy_imports(names: set[str]) -> str:
    """The helper import of ``rules/generated/derived_numpy.py``; CodegenError for a name nobody defines."""
    for name in sorted(n for n in names if n.startswith("numpy.")):
        if not hasattr(np, name.removeprefix("numpy.")):
            raise CodegenError(f"the generated array rules call {name}, which NumPy does not have")
    helpers = sorted(n for n in names if not n.startswith("numpy."))
    for name in helpers:
        if name not in codegen_steps.HELPERS or not hasattr(numpyfns, name):
            raise CodegenError(f"the generated array rules call {name}(), which numpyfns lacks: add it there")
    return f"from ..numpyfns import {', '.join(helpers)}" if helpers else ""


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


def _scalar_rows():
    return [rule for rule in RULES.values() if rule.define is not None]


def generate() -> str:
    """The full text of ``rules/generated/derived.py``."""
    printer = MathPrinter()
    forward, partials, symbolic = [], [], []
    for rule in _scalar_rows():
        arities = (rule.arity,) if rule.arity is not None else VARIADIC_ARITIES
        for arity in arities:
            derived = sympy_defs.partials(rule.name, arity)
            texts = ", ".join(repr(sympy_defs.to_text(d)) for d in derived)
            symbolic.append(f"    ({rule.name!r}, {arity}): ({texts},),")
        if rule.arity == 2:  # x + x, x * x: a repeated input is common enough to keep SymPy out of it
            symbolic.append(f"    ({rule.name!r}, (0, 0)): ({_repeated_input_text(rule.name)!r},),")
        if rule.arity is None:
            continue  # numeric max/min live in kinks.router_partials
        symbols = sympy_defs.arg_symbols(rule.arity)
        body = sympy_defs.define(rule.name, symbols)
        forward.append(f"    {rule.name!r}: {_lambda(printer, rule.arity, body)},")
        lambdas = ", ".join(_lambda(printer, rule.arity, d, value=True) for d in _partials_reusing_value(rule.name, rule.arity))
        partials.append(f"    {rule.name!r}: ({lambdas},),")
    body = "\n".join(
        [
            "FORWARD = {\n" + "\n".join(forward) + "\n}\n",
            "PARTIALS = {\n" + "\n".join(partials) + "\n}\n",
            "SYMBOLIC = {\n" + "\n".join(symbolic) + "\n}\n",
        ]
    )
    imports = math_imports(called_names(body))
    return HEADER.format(version=sp.__version__, imports=imports, fingerprint=fingerprint()) + "\n" + body


NUMPY_HEADER = '''"""The rules of ``rules/generated/derived.py`` on NumPy arrays, for ``batch``. Generated: do not edit.

Regenerate with ``python -m backprop_cli.rules.codegen``. Imported only by ``batch``, so
that ``grad`` never pays for NumPy.
"""
# ruff: noqa
import numpy

{imports}

FINGERPRINT = {fingerprint!r}

'''

ROW_COMMENT = """# The same rules as recipes of NumPy calls for batch's compiled rows (rules/codegen_steps.py):
# (steps, result). Step K, (function, operand, ...), writes buffer 'tK'; an operand is
# an input 'a0', 'a1', the node's value 'out', an earlier 'tK' or a float.
"""


THREADS_COMMENT = "# batch runs a graph with any of these on several threads (rules.Operator.compute_bound)\n"


def _recipe_text(recipe: tuple) -> str:
    steps, result = recipe
    names = [f if f in codegen_steps.HELPERS else f"numpy.{f}" for f, *_ in steps]
    texts = [f"({', '.join([name] + [repr(o) for o in operands])})" for name, (_, *operands) in zip(names, steps)]
    return f"(({''.join(t + ', ' for t in texts)}), {result!r})"


def _threads(rule, recipes: list) -> bool:
    """The row's own compute_bound flag, or what its recipes say (codegen_steps.MEMORY_BOUND)."""
    return rule.compute_bound if rule.compute_bound is not None else codegen_steps.compute_bound(recipes)


def generate_numpy() -> str:
    """The full text of ``rules/generated/derived_numpy.py``."""
    printer = ArrayPrinter()
    forward, partials, row_forward, row_partials, bound = [], [], [], [], []
    for rule in _scalar_rows():
        if rule.arity is None:
            bound += [rule.name] if rule.compute_bound else []
            continue  # max/min: array_compiler's router steps
        body = sympy_defs.define(rule.name, sympy_defs.arg_symbols(rule.arity))
        reusing = _partials_reusing_value(rule.name, rule.arity)
        recipes = [codegen_steps.recipe(body)] + [codegen_steps.recipe(d) for d in reusing]
        bound += [rule.name] if _threads(rule, recipes) else []
        forward.append(f"    {rule.name!r}: {_lambda(printer, rule.arity, body)},")
        lambdas = ", ".join(_lambda(printer, rule.arity, d, value=True) for d in reusing)
        partials.append(f"    {rule.name!r}: ({lambdas},),")
        row_forward.append(f"    {rule.name!r}: {_recipe_text(recipes[0])},")
        row_partials.append(f"    {rule.name!r}: ({', '.join(_recipe_text(r) for r in recipes[1:])},),")
    body = "\n".join(
        [
            "FORWARD = {\n" + "\n".join(forward) + "\n}\n",
            "PARTIALS = {\n" + "\n".join(partials) + "\n}\n",
            ROW_COMMENT + "ROW_FORWARD = {\n" + "\n".join(row_forward) + "\n}\n",
            "ROW_PARTIALS = {\n" + "\n".join(row_partials) + "\n}\n",
        ]
    )
    imports = numpy_imports(called_names(body))
    threads = THREADS_COMMENT + f"COMPUTE_BOUND = frozenset({sorted(bound)!r})\n"
    return NUMPY_HEADER.format(imports=imports, fingerprint=fingerprint()) + "\n" + body + "\n" + threads


def main() -> int:
    """Write both files, or with ``--check`` exit 1 when one is out of date. Nothing is
    written when a row cannot be generated (exit 1, the reason on stderr)."""
    try:
        outputs = {TARGET: generate(), NUMPY_TARGET: generate_numpy()}
    except (CodegenError, NotImplementedError) as error:
        print(f"codegen: error: {error}", file=sys.stderr)
        return ExitCode.CHECK_FAILED
    if "--check" in sys.argv[1:]:
        fresh = all(path.read_text() == text for path, text in outputs.items())
        return ExitCode.OK if fresh else ExitCode.CHECK_FAILED
    for path, text in outputs.items():
        path.write_text(text)
        print(f"wrote {path}")
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
