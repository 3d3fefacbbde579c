"""The helper functions that the generated rules in ``rules/generated/derived.py`` call.

``rules/generated/derived.py`` imports SymPy's functions from ``math`` (exp, asinh, ...) and the
helpers below by name; ``codegen`` refuses to write a call to a name that exists in
neither. Each name also has an IEEE version on NumPy float64 (``ieee_namespace``),
used only when ``math`` raises (overflow, log(0), division by zero), so that such a
node yields inf or nan instead of a crash.
"""

from __future__ import annotations

import math
from math import copysign

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


def numpy_name(name: str) -> str | None:
    """The NumPy function that stands for ``math.<name>`` on float64 (asinh: arcsinh), or None."""
    import numpy as np

    for candidate in (name, "arc" + name[1:] if name.startswith("a") else name):
        if isinstance(getattr(np, candidate, None), np.ufunc):
            return candidate
    return None


def ieee_namespace(names=None) -> dict:
    """The given names (default: every helper and math function) on NumPy float64, which
    returns inf/nan where math raises."""
    import numpy as np

    helpers = {  # one per function defined above
        "heaviside": lambda x: np.heaviside(x, 0.5),
        "maximum": lambda *args: np.maximum.reduce(args),
        "minimum": lambda *args: np.minimum.reduce(args),
        "mpow": np.power,
        "sigmoid": lambda x: np.exp(-np.logaddexp(0.0, -x)),
        "sign": np.sign,
        "softplus": lambda x: np.logaddexp(0.0, x),
    }
    names = (*helpers, *dir(math)) if names is None else names
    found = {name: helpers.get(name) or getattr(np, numpy_name(name) or "", None) for name in names}
    return {name: fn for name, fn in found.items() if fn is not None}
