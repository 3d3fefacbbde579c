"""Local gradients as text, in each node's own input names.

For the common case (every input a distinct variable or node) the template that
SymPy derived ahead of time (``derived.SYMBOLIC``) is filled in with the input
names: for ``f = s0*z``, ∂f/∂s0 = ``z`` and ∂f/∂z = ``s0``. A node with constant
inputs (``x**2``) or a repeated input (``x*x``) asks SymPy at run time, once per
distinct shape of node, so that it shows ``2*x`` and not ``x**(2 - 1)*2``. A max or
min of more than three inputs is written directly (``router_text``), in one pass.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .generated.derived import SYMBOLIC
from .table import RULES

_PLACEHOLDER = re.compile(r"ARG(\d+)")


# Where a positive whole number can be written into a template and print exactly what
# SymPy would (1 + s5, 1/s6, 2*x) is each row's ``plain_constants``: the lectures'
# examples then need no SymPy at run time. (x/2 would print 1/2 for SymPy's 1/2, but
# x/1 prints 1/1: div has only input 0.)


def local_symbolic(op: str, labels: list[str], constant: list[bool]) -> list[str]:
    """One text per distinct non-constant input label, in first-use order."""
    distinct = list(dict.fromkeys(label for label, c in zip(labels, constant) if not c))
    if not distinct:
        return []  # a node of constants passes no gradient
    if RULES[op].arity is None and len(labels) > 3:  # max, min
        unique = list(dict.fromkeys(labels))
        return [router_text(op, label, unique) for label in distinct]
    if len(distinct) == len(labels) or _textual(op, labels, constant, distinct):
        templates = SYMBOLIC.get((op, len(labels)))
        if templates is not None:
            return [_fill(t, labels) for t, c in zip(templates, constant) if not c]
    signature = tuple(label if c else distinct.index(label) for label, c in zip(labels, constant))
    templates = SYMBOLIC.get((op, signature)) or _derive(op, signature)  # derived ahead of time for (0, 0)
    return [_fill(t, distinct) for t in templates]


# A max/min local gradient names the other inputs up to this many, and counts them
# beyond: the texts of a max of n inputs then take O(n) characters in all, not O(n²).
ROUTER_NAMED = 8


def router_text(op: str, label: str, inputs: list[str]) -> str:
    """∂max/∂label as SymPy writes it, Heaviside(label - Max(others)), built as text.

    ``inputs`` are the node's distinct input labels. SymPy's own derivative of a Max
    takes minutes for fifty inputs and recurses for hundreds; this takes one pass.
    """
    count = len(inputs) - 1  # the others
    if count == 0:
        return "1"  # max(x, x, ...) is x
    if count > ROUTER_NAMED:
        other = f"{op} of the {count} other inputs"
    else:
        others = [other for other in inputs if other != label]
        other = others[0] if count == 1 else f"{op.capitalize()}({', '.join(others)})"
    if op == "max":
        return f"Heaviside({label} + {other[1:]})" if other.startswith("-") else f"Heaviside({label} - {other})"
    return f"Heaviside(-{label} - {other[1:]})" if other.startswith("-") else f"Heaviside(-{label} + {other})"


def _textual(op: str, labels: list[str], constant: list[bool], distinct: list[str]) -> bool:
    """Positive whole-number constants, where the op prints them as SymPy would."""
    positions = RULES[op].plain_constants
    if not positions or len(distinct) != constant.count(False):
        return False
    return all(i in positions and label.isdigit() and label.strip("0") for i, (label, c) in enumerate(zip(labels, constant)) if c)


def _fill(template: str, labels: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: labels[int(m.group(1))], template)


@lru_cache(maxsize=4096)
def _derive(op: str, signature: tuple) -> tuple[str, ...]:
    """Templates for a node whose inputs are constants (str) or symbol indices (int)."""
    import sympy as sp

    from . import sympy_defs

    count = len({item for item in signature if isinstance(item, int)})  # distinct inputs: x*x has one
    symbols = sympy_defs.arg_symbols(count)
    args = [symbols[item] if isinstance(item, int) else _constant(sp, item) for item in signature]
    expression = sympy_defs.define(op, args)
    return tuple(sympy_defs.to_text(sp.powsimp(sp.diff(expression, s))) for s in symbols)


def _constant(sp, literal: str):
    """The SymPy number a literal stands for (integers stay exact: 2, not 2.0)."""
    sign = -1 if literal.startswith("-") else 1
    body = literal.lstrip("-")
    if body == "pi":
        return sign * sp.pi
    value = sign * float(body)
    if value.is_integer() and abs(value) < 1e15:
        return sp.Integer(int(value))
    return sp.Float(value)
