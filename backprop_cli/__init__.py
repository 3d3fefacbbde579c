"""backprop: a command-line gradient calculator for learning, teaching and grading backpropagation.

The names in ``__all__`` are the stable Python API (docs/api.md): ``grad`` and its typed
result, and the errors it raises. They are imported on first use (PEP 562), so
``import backprop_cli`` and ``backprop grad`` on numbers stay fast: neither imports the API,
NumPy or SymPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Each public name and the module that defines it (imported when the name is first read).
_HOMES = {
    "grad": ".api.functions",
    "GradResult": ".api.result",
    "Node": ".api.result",
    "Edge": ".api.result",
    "Local": ".api.result",
    "Variable": ".api.result",
    "BackpropError": ".errors",
    "UsageError": ".errors",
    "ExpressionError": ".errors",
    "NonFiniteError": ".errors",
    "CheckFailed": ".errors",
}

__all__ = [  # the stable surface: every name but __version__ is one of _HOMES
    "__version__",
    "grad",
    "GradResult",
    "Node",
    "Edge",
    "Local",
    "Variable",
    "BackpropError",
    "UsageError",
    "ExpressionError",
    "NonFiniteError",
    "CheckFailed",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports these
    from .api.functions import grad
    from .api.result import Edge, GradResult, Local, Node, Variable
    from .errors import BackpropError, CheckFailed, ExpressionError, NonFiniteError, UsageError


def __getattr__(name: str):
    """Import a public name's module the first time the name is read (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value  # read once: later reads are plain attribute look-ups
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
