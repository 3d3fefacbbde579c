"""An evaluator of our language that shares no code with backprop_cli (tests only).

Python's ``ast`` reads the text (our syntax and precedence are Python's: statements
separated by ``;`` or newlines, ``**`` for power; ``^`` and ``ln`` are spelled out
first); each operator is computed from textbook formulas, on floats or as SymPy
expressions. It records every operator node's value in evaluation order
(post-order, left to right), so that a staged graph can be checked node for node.

The one rule of our language that Python does not have is written out here: a
minus directly before a number is part of the number (``-2`` is no node), while a
minus before a name is a node even when the name holds a constant (``q = 2; -q``).
"""

from __future__ import annotations

import ast
import math

import sympy as sp

VARIABLES = ("x", "y", "z")


def _sigmoid(a):
    return 1 / (1 + math.exp(-a))


FLOAT_FUNCTIONS = {
    "exp": math.exp,
    "log": math.log,
    "ln": math.log,
    "tan": math.tan,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "softplus": lambda a: math.log(1 + math.exp(a)),
    "relu": lambda a: a if a > 0 else 0.0,
    "abs": abs,
    "leaky_relu": lambda a, s=0.01: a if a > 0 else s * a,
    "elu": lambda a, alpha=1.0: a if a > 0 else alpha * (math.exp(a) - 1),
    "max": max,
    "min": min,
}
SYMPY_FUNCTIONS = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "tan": sp.tan,
    "sqrt": sp.sqrt,
    "sin": sp.sin,
    "cos": sp.cos,
    "tanh": sp.tanh,
    "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
    "softplus": lambda a: sp.log(1 + sp.exp(a)),
    "relu": lambda a: sp.Piecewise((a, a > 0), (0, True)),
    "abs": sp.Abs,
    "leaky_relu": lambda a, s=None: sp.Piecewise((a, a > 0), ((sp.Rational(1, 100) if s is None else s) * a, True)),
    "elu": lambda a, alpha=1: sp.Piecewise((a, a > 0), (alpha * (sp.exp(a) - 1), True)),
    "max": sp.Max,
    "min": sp.Min,
}
BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def meaning(program: str, leaf, functions) -> tuple[dict, list]:
    """Evaluate ``program`` statement by statement; returns (names' newest values, operator values in order).

    ``leaf(node)`` gives a Name's or a number's value; ``functions`` the calls.
    """
    env: dict = {}
    operators: list = []
    for statement in ast.parse(program.replace("^", "**")).body:
        target = statement.targets[0].id if isinstance(statement, ast.Assign) else None
        env[target] = _expression(statement.value, env, leaf, functions, operators)
    return env, operators


def _expression(root, env, leaf, functions, operators):
    built: dict = {}
    for node in _post_order(root):
        if isinstance(node, ast.Constant):
            built[node] = leaf(node.value)
        elif isinstance(node, ast.Name):
            built[node] = env[node.id] if node.id in env else leaf(node.id)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            built[node] = built[node.operand]  # unary plus makes no node
        elif isinstance(node, ast.UnaryOp):
            built[node] = -built[node.operand]
            if not isinstance(node.operand, ast.Constant):  # -2 is a number, -q a node
                operators.append(built[node])
        elif isinstance(node, ast.BinOp):
            built[node] = BINARY[type(node.op)](built[node.left], built[node.right])
            operators.append(built[node])
        else:
            built[node] = functions[node.func.id](*[built[a] for a in node.args])
            operators.append(built[node])
    return built[root]


def _children(node) -> list:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _post_order(root) -> list:
    """Left-to-right post-order without recursion."""
    order, todo = [], [(root, False)]
    while todo:
        node, expanded = todo.pop()
        if expanded:
            order.append(node)
            continue
        todo.append((node, True))
        todo.extend((child, False) for child in reversed(_children(node)))
    return order


def float_meaning(program: str, point: dict) -> tuple[dict, list]:
    """Values by the textbook formulas on floats."""

    def leaf(item):
        if item == "pi":
            return math.pi
        return point[item] if isinstance(item, str) else float(item)

    return meaning(program, leaf, FLOAT_FUNCTIONS)


def sympy_meaning(program: str) -> dict:
    """Each assigned name (and None: the last bare expression) as one SymPy expression."""

    def leaf(item):
        if item == "pi":
            return sp.pi
        return sp.Symbol(item, real=True) if isinstance(item, str) else sp.nsimplify(item)

    return meaning(program, leaf, SYMPY_FUNCTIONS)[0]
