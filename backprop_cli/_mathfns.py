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


# The names the generated code may use (re-exported from math or defined above).
__all__ = ["copysign", "cos", "exp", "log", "mpow", "sigmoid", "sin", "softplus", "sqrt", "tan", "tanh"]
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
        "log": np.log,
        "mpow": np.power,
        "sigmoid": np_sigmoid,
        "sin": np.sin,
        "softplus": np_softplus,
        "sqrt": np.sqrt,
        "tan": np.tan,
        "tanh": np.tanh,
    }
