"""The operator table: one row per operator, the single source of every rule.

Each row gives the operator's SymPy definition (``define``), its gate pattern
(SPEC §4) and, where it has one, its non-differentiable point (``kink``) with the
value each framework convention uses there. Local gradients are not written
here: SymPy derives them from ``define`` (see ``codegen.py``, which writes the
derived rules into ``_derived.py`` so that the hot path never imports SymPy).

``define`` receives a namespace ``S`` of SymPy functions (``sympy_defs.S``) and
SymPy symbols, so importing this module costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

CONVENTIONS = ("pytorch", "jax", "sympy")


@dataclass(frozen=True)
class Kink:
    """A non-differentiable point of an operator and what each convention does there.

    ``at(args)`` says whether the inputs sit on the kink (elementwise when the
    arguments are NumPy arrays, as in ``batch``). ``values[convention](args)``
    gives the local gradients used there, one per input; a convention missing from
    ``values`` uses the SymPy-derived rule as it evaluates (Heaviside(0) = 1/2).
    """

    label: str
    at: Callable[[tuple], bool]
    values: dict[str, Callable[[tuple], tuple]] = field(default_factory=dict)
    inputs: tuple[int, ...] | None = None  # the inputs whose gradient is in doubt (None: all)

    def concerns(self, variable: list[bool]) -> bool:
        """Whether an input in doubt is a variable (``x**0`` at 0: the constant 0 is the
        one in doubt, so that node is no kink)."""
        return any(variable[i] for i in (self.inputs or range(len(variable))))


@dataclass(frozen=True)
class Edge:
    """A point on the edge of an operator's domain where SymPy's formula evaluates to
    0·inf or 0·log(0), but the derivative has a value, the same in every convention.

    Where ``at(args)`` holds (elementwise on arrays), input ``index`` gets ``value``:
    ``x**0`` has ∂/∂x = 0 at x = 0 (the formula 0·0**-1 gives nan). docs/reference.md
    ("Domain edges") lists every edge and where its value comes from.
    """

    label: str
    index: int
    at: Callable[[tuple], bool]
    value: float


@dataclass(frozen=True)
class Rule:
    """One operator: how it is defined, written and labelled."""

    name: str
    arity: int | None  # None: variadic (max, min)
    define: Callable
    pattern: str | None = None
    symbol: str | None = None  # infix spelling for binary operators ("+", "*", ...)
    kink: Kink | None = None
    edges: tuple[Edge, ...] = ()


def _zero_at(args: tuple) -> bool:
    return args[0] == 0


def _max_tie(args: tuple) -> bool:
    return args.count(max(args)) > 1


def _min_tie(args: tuple) -> bool:
    return args.count(min(args)) > 1


_RULE_LIST = [
    Rule("add", 2, lambda S, a, b: a + b, "distributor", "+"),
    Rule("sub", 2, lambda S, a, b: a - b, "distributor", "-"),
    Rule("mul", 2, lambda S, a, b: a * b, "switcher", "*"),
    Rule("div", 2, lambda S, a, b: a / b, None, "/"),
    Rule(
        "pow",
        2,
        lambda S, a, b: a**b,
        None,
        "**",
        # 0**y jumps from 1 (y = 0) to 0 (y > 0): ∂/∂y has no value at 0**0. PyTorch and
        # JAX give 0; SymPy's derivative there is zoo (nan).
        kink=Kink(
            "pow at 0**0",
            lambda args: (args[0] == 0) & (args[1] == 0),
            {
                "pytorch": lambda args: (0.0, 0.0),
                "jax": lambda args: (0.0, 0.0),
                "sympy": lambda args: (0.0, math.nan),
            },
            inputs=(1,),
        ),
        edges=(
            # a**0 = 1 for every a: ∂/∂a = 0 (PyTorch; the formula gives 0·0**-1 = nan at a = 0)
            Edge("a**0", 0, lambda args: args[1] == 0, 0.0),
            # 0**b = 0 for every b > 0: ∂/∂b = 0 (the limit of a**b·log(a) as a → 0+; PyTorch, JAX)
            Edge("0**b, b > 0", 1, lambda args: (args[0] == 0) & (args[1] > 0), 0.0),
        ),
    ),
    Rule("neg", 1, lambda S, a: -a, "scaler"),
    Rule("exp", 1, lambda S, a: S.exp(a)),
    Rule("log", 1, lambda S, a: S.log(a)),
    Rule(
        "sqrt",
        1,
        lambda S, a: S.sqrt(a),
        kink=Kink("sqrt at 0", _zero_at),  # every convention: inf
    ),
    Rule("sin", 1, lambda S, a: S.sin(a)),
    Rule("cos", 1, lambda S, a: S.cos(a)),
    Rule("tan", 1, lambda S, a: S.tan(a)),
    Rule("tanh", 1, lambda S, a: S.tanh(a)),
    Rule("sigmoid", 1, lambda S, a: S.sigmoid(a)),
    Rule("softplus", 1, lambda S, a: S.softplus(a)),
    Rule(
        "relu",
        1,
        lambda S, a: S.Max(0, a),
        kink=Kink(
            "relu at 0",
            _zero_at,
            {"pytorch": lambda args: (0.0,), "jax": lambda args: (0.0,)},
        ),
    ),
    Rule(
        "leaky_relu",
        2,
        lambda S, a, slope: S.Max(0, a) + slope * S.Min(0, a),
        # Only a kink when the slope != 1: leaky_relu(x, 1) is x (PyTorch and JAX give 1).
        kink=Kink(
            "leaky_relu at 0",
            lambda args: (args[0] == 0) & (args[1] != 1),
            {
                "pytorch": lambda args: (args[1], 0.0),
                "jax": lambda args: (1.0, 0.0),
            },
        ),
    ),
    Rule(
        "elu",
        2,
        lambda S, a, alpha: S.Max(0, a) + alpha * (S.exp(S.Min(0, a)) - 1),
        # Only a kink when alpha != 1: the two one-sided slopes are 1 and alpha.
        kink=Kink(
            "elu at 0",
            lambda args: (args[0] == 0) & (args[1] != 1),  # & not `and`: args may be arrays (batch)
            {
                "pytorch": lambda args: (args[1], 0.0),
                "jax": lambda args: (args[1], 0.0),
            },
        ),
    ),
    Rule(
        "abs",
        1,
        lambda S, a: S.Abs(a),
        kink=Kink(
            "abs at 0",
            _zero_at,
            {"pytorch": lambda args: (0.0,), "jax": lambda args: (1.0,)},
        ),
    ),
    # max/min: local gradients are computed by engine.router_partials (ties split
    # 1/k under pytorch and jax; Heaviside(0) = 1/2 per tied input under sympy).
    Rule("max", None, lambda S, *xs: S.Max(*xs), "router", kink=Kink("max tie", _max_tie)),
    Rule("min", None, lambda S, *xs: S.Min(*xs), "router", kink=Kink("min tie", _min_tie)),
]

RULES: dict[str, Rule] = {rule.name: rule for rule in _RULE_LIST}

BINARY_OPERATORS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "^": "pow"}


@dataclass(frozen=True)
class FunctionSpec:
    """A callable name of the expression language and how its arguments map to a rule."""

    op: str
    min_args: int
    max_args: int | None  # None: any number
    defaults: tuple = ()  # values of the optional trailing arguments


FUNCTIONS: dict[str, FunctionSpec] = {
    "exp": FunctionSpec("exp", 1, 1),
    "log": FunctionSpec("log", 1, 1),
    "ln": FunctionSpec("log", 1, 1),
    "sqrt": FunctionSpec("sqrt", 1, 1),
    "sin": FunctionSpec("sin", 1, 1),
    "cos": FunctionSpec("cos", 1, 1),
    "tan": FunctionSpec("tan", 1, 1),
    "tanh": FunctionSpec("tanh", 1, 1),
    "sigmoid": FunctionSpec("sigmoid", 1, 1),
    "relu": FunctionSpec("relu", 1, 1),
    "leaky_relu": FunctionSpec("leaky_relu", 1, 2, ("0.01",)),
    "elu": FunctionSpec("elu", 1, 2, ("1",)),
    "softplus": FunctionSpec("softplus", 1, 1),
    "abs": FunctionSpec("abs", 1, 1),
    "max": FunctionSpec("max", 2, None),
    "min": FunctionSpec("min", 2, None),
}


@dataclass(frozen=True)
class VectorRule:
    """An operator that exists only on arrays (SPEC §5b); ``vector_engine`` implements it.

    ``local`` gives each input's vector–Jacobian product as the table shows it, in
    the node's input names, with g the upstream gradient.
    """

    name: str
    arity: int
    pattern: str | None
    local: tuple[str, ...]
    symbol: str | None = None


VECTOR_RULES: dict[str, VectorRule] = {
    rule.name: rule
    for rule in [
        VectorRule("matmul", 2, "switcher", ("g·{1}ᵀ", "{0}ᵀ·g"), "@"),
        VectorRule("dot", 2, "switcher", ("g·{1}", "g·{0}")),
        VectorRule("sum", 1, "distributor", ("g·ones_like({0})",)),
        VectorRule("mean", 1, None, ("g·ones_like({0})/size({0})",)),
        VectorRule("norm", 1, None, ("g·{0}/norm({0})",)),
    ]
}

VECTOR_FUNCTIONS = ("sum", "mean", "dot", "norm")
FUNCTIONS.update(
    {
        "sum": FunctionSpec("sum", 1, 1),
        "mean": FunctionSpec("mean", 1, 1),
        "dot": FunctionSpec("dot", 2, 2),
        "norm": FunctionSpec("norm", 1, 1),
    }
)

CONSTANTS = {"pi": "3.141592653589793"}
