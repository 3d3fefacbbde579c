"""``backprop ops``: the operator table with its SymPy-derived local gradients."""

from __future__ import annotations

from ._derived import SYMBOLIC
from .rules import CONVENTIONS, FUNCTIONS, RULES, VECTOR_RULES

_SYNTAX = {"add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b", "pow": "a ** b, a ^ b", "neg": "-a"}
_NAMES = ("a", "b", "c")

CONVENTION_NOTES = [
    "Kinks (marked 'kink' in the table and JSON; choose with --convention):",
    "  relu'(0):        pytorch 0, jax 0, sympy 0.5 (Heaviside(0) = 1/2)",
    "  leaky_relu'(0):  only a kink when b (the slope) != 1: pytorch b, jax 1, sympy (1 + b)/2",
    "  elu'(0):         only a kink when b (alpha) != 1: pytorch b, jax b, sympy (1 + b)/2",
    "  abs'(0):         pytorch 0, jax 1, sympy 0",
    "  max/min tie:     pytorch and jax split the gradient equally (1/k each of k tied inputs);",
    "                   sympy gives Heaviside(0) = 1/2 to each tied input",
    "  sqrt'(0):        inf in every convention (exit code 3)",
    "  ∂(0**b)/∂b at b = 0: pytorch 0, jax 0, sympy nan (0**b jumps from 1 to 0)",
    "  norm'(0):        pytorch 0, jax nan, sympy nan (vector mode)",
    "Domain edges, every convention: ∂(a**b)/∂b = 0 at a = 0 < b; ∂(a**0)/∂a = 0;",
    "  the others are listed in docs/reference.md, 'Domain edges'.",
    "Unary minus is its own gate (neg, *-1); a minus written directly before a number is part of it.",
    "A variable used twice or more is a fan-out: pattern 'adder', its gradients add.",
]


def _syntax(op: str) -> str:
    if op in _SYNTAX:
        return _SYNTAX[op]
    names = [name for name, spec in FUNCTIONS.items() if spec.op == op]
    spec = FUNCTIONS[names[0]]
    if spec.max_args is None:
        args = "a, b, ..."
    elif spec.defaults:
        args = f"a[, b={spec.defaults[0]}]"
    else:
        args = "a"
    return " | ".join(f"{name}({args})" for name in names)


def _local(op: str) -> str:
    arity = RULES[op].arity or 2
    templates = SYMBOLIC[(op, arity)]
    parts = []
    for index, template in enumerate(templates):
        text = template
        for i in range(arity):
            text = text.replace(f"ARG{i}", _NAMES[i])
        parts.append(f"∂/∂{_NAMES[index]} = {text}")
    return "; ".join(parts)


def rows() -> list[tuple[str, str, str, str]]:
    """(op, syntax, local gradients, pattern) for every rule, in table order."""
    result = []
    for op, rule in RULES.items():
        pattern = rule.pattern or ""
        if op == "mul":
            pattern = "switcher (scaler with a constant)"
        result.append((op, _syntax(op), _local(op), pattern))
    for op, rule in VECTOR_RULES.items():  # vector mode: vector–Jacobian products, g the upstream gradient
        syntax = "a @ b" if rule.symbol else f"{op}({', '.join(_NAMES[: rule.arity])})"
        local = "; ".join(f"∂/∂{_NAMES[i]}: {t.format(*_NAMES)}" for i, t in enumerate(rule.local))
        result.append((op, syntax + " (arrays)", local, rule.pattern or ""))
    return result


def print_ops() -> None:
    """Print the table and the convention notes to stdout."""
    from rich.table import Table

    from .render_table import console

    table = Table(title="backprop operators (local gradients derived by SymPy)", title_justify="left")
    for header in ("op", "syntax", "local gradient", "pattern"):
        table.add_column(header)
    for row in rows():
        table.add_row(*row)
    out = console()
    out.print(table)
    out.print("Constants: pi. Conventions: " + ", ".join(CONVENTIONS) + " (default pytorch).")
    for line in CONVENTION_NOTES:
        out.print(line)
