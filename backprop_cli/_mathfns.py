"""The functions that the generated rules in ``_derived.py`` call.

Two namespaces with the same names: plain ``math`` (fast, used on every node) and
an IEEE one on NumPy float64, used only when ``math`` raises (overflow, log(0),
division by zero), so that such a node yields inf or nan instead of a crash.
"""

from __future__ import annotations

import math
from math import copysign, cos, exp, log, sin, sqrt, tan, tanh

mpow = math.pow  # float ** float without Python's silent switch to complex numbers


def sigmoid(x: float) -> float:
    """Numerically stable logistic function."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def softplus(x: float) -> float:
    """Numerically stable log(1 + exp(x))."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


# nan goes through these as it goes through NumPy's, so that grad and batch agree
# on every row: Python's max(0, nan) is 0 and copysign(1, nan) is 1.


def maximum(a: float, b: float, *more: float) -> float:
    """The largest argument; nan if any is nan. A loop: max of any number of inputs."""
    best = a if a != a or a >= b else b
    for c in more:
        best = best if best != best or best >= c else c
    return best


def minimum(a: float, b: float, *more: float) -> float:
    """The smallest argument; nan if any is nan. A loop: min of any number of inputs."""
    best = a if a != a or a <= b else b
    for c in more:
        best = best if best != best or best <= c else c
    return best


def heaviside(x: float) -> float:
    """0 below zero, 1/2 at zero (SymPy's Heaviside(0)), 1 above; nan stays nan."""
    return x if x != x else 0.0 if x < 0 else 0.5 if x == 0 else 1.0


def sign(x: float) -> float:
    """-1, 0 or 1; nan stays nan."""
    return x if x != x else 0.0 if x == 0 else copysign(1.0, x)


# The names the generated code may use (re-exported from math or defined above).
__all__ = [
    "copysign",
    "cos",
    "exp",
    "heaviside",
    "log",
    "maximum",
    "minimum",
    "mpow",
    "sigmoid",
    "sign",
    "sin",
    "softplus",
    "sqrt",
    "tan",
    "tanh",
]
NAMES = tuple(__all__)


def ieee_namespace() -> dict:
    """The same names on NumPy float64, which returns inf/nan where math raises."""
    import numpy as np

    def np_sigmoid(x):
        return np.exp(-np.logaddexp(0.0, -x))

    def np_softplus(x):
        return np.logaddexp(0.0, x)

    return {
        "copysign": np.copysign,
        "cos": np.cos,
        "exp": np.exp,
        "heaviside": lambda x: np.heaviside(x, 0.5),
        "log": np.log,
        "maximum": lambda *args: np.maximum.reduce(args),
        "minimum": lambda *args: np.minimum.reduce(args),
        "mpow": np.power,
        "sign": np.sign,
        "sigmoid": np_sigmoid,
        "sin": np.sin,
        "softplus": np_softplus,
        "sqrt": np.sqrt,
        "tan": np.tan,
        "tanh": np.tanh,
    }
