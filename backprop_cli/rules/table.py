"""The operator table: one row (``Operator``) per operator, the single source of each.

A row gives the operator's name and the names it is called by (``aliases``: ln is
log), its arity and default arguments, its infix or prefix symbol and binding power,
its SymPy definition (``define``), its gate pattern (SPEC §4), its non-differentiable
point (``kink``) with the value each framework convention uses there, its domain
``edges``, whether ``batch`` should run it on several threads, and for an operator
that exists only on arrays, its vector–Jacobian products (``vjp``). The parser, the
lexer, ``backprop ops``, code generation and the engines all read this table.

Local gradients are not written here: SymPy derives them from ``define``, and
``python -m backprop_cli.rules.codegen`` writes them into ``rules/generated/derived.py`` (on ``math``) and
``rules/generated/derived_numpy.py`` (on NumPy), so that the hot path never imports SymPy. Adding a
function SymPy knows is one row here plus that command (docs/reference.md, "Adding
an operator").

``define`` receives a namespace ``S`` (``sympy_defs.S``: every SymPy function, plus
our own sigmoid and softplus) and SymPy symbols, so importing this module costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ..i18n import N_

CONVENTIONS = ("pytorch", "jax", "sympy")
CONSTANTS = {"pi": "3.141592653589793"}


@dataclass(frozen=True)
class Kink:
    """A non-differentiable point of an operator and what each convention does there.

    ``at(args)`` says whether the inputs sit on the kink (elementwise when the
    arguments are NumPy arrays, as in ``batch``). ``values[convention](args)``
    gives the local gradients used there, one per input; a convention missing from
    ``values`` uses the SymPy-derived rule as it evaluates (Heaviside(0) = 1/2).
    ``shown`` and ``note`` are the line ``backprop ops`` prints about it (none: no line).
    """

    label: str
    at: Callable[[tuple], bool]
    values: dict[str, Callable[[tuple], tuple]] = field(default_factory=dict)
    inputs: tuple[int, ...] | None = None  # the inputs whose gradient is in doubt (None: all)
    shown: str | None = None
    note: str = ""

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
class Infix:
    """How an operator is written with a symbol: ``a + b`` (two inputs) or ``-a`` (one)."""

    spellings: tuple[str, ...]  # the first is how it is shown ("**"; "^" is also read)
    binding: int  # binding power: higher binds tighter
    right: bool = False  # right-associative: 2**3**2 is 2**(3**2)


@dataclass(frozen=True)
class FunctionSpec:
    """A callable name of the expression language and how its arguments map to a row."""

    op: str
    min_args: int
    max_args: int | None  # None: any number
    defaults: tuple = ()  # values of the optional trailing arguments


@dataclass(frozen=True)
class Operator:
    """One operator: how it is written, defined, labelled and run (module docstring)."""

    name: str
    arity: int | None  # None: variadic (max, min: two or more)
    define: Callable | None  # SymPy definition; None for an operator only on arrays
    pattern: str | None = None
    infix: Infix | None = None  # None: called by name, name(a, ...)
    aliases: tuple[str, ...] = ()  # further names to call it by
    defaults: tuple[str, ...] = ()  # literals of the optional trailing arguments
    kink: Kink | None = None
    edges: tuple[Edge, ...] = ()
    # batch: True runs on several threads (exp, tanh: bound by the CPU), False on one
    # (x*y: bound by memory bandwidth). None: codegen decides from the NumPy recipe.
    compute_bound: bool | None = None
    vjp: tuple[str, ...] | None = None  # only on arrays: each input's g·J as the table shows it
    # Inputs where a positive whole number is written into the derived text as SymPy would
    # print it (1 + s5, 2*x), so the node needs no SymPy at run time (tests/test_symbolic.py).
    plain_constants: frozenset[int] = frozenset()

    @property
    def symbol(self) -> str | None:
        """The infix spelling of a binary operator ("+", "**"), else None."""
        return self.infix.spellings[0] if self.infix and self.arity == 2 else None

    @property
    def local(self) -> tuple[str, ...] | None:
        """The vector–Jacobian products of an operator only on arrays (vector mode's texts)."""
        return self.vjp

    def call(self) -> FunctionSpec | None:
        """How a call by name maps to this row (None for an operator written with a symbol)."""
        if self.infix is not None:
            return None
        if self.arity is None:
            return FunctionSpec(self.name, 2, None)
        return FunctionSpec(self.name, self.arity - len(self.defaults), self.arity, self.defaults)


def _zero_at(args: tuple) -> bool:
    return args[0] == 0


def _tie(pick: Callable) -> Callable[[tuple], bool]:
    return lambda args: args.count(pick(args)) > 1


# Notes are shown to students by `backprop ops` (translated there: N_ marks them for the catalogs).
_TIE_NOTE = N_(
    "pytorch and jax split the gradient equally (1/k each of k tied inputs);\nsympy gives Heaviside(0) = 1/2 to each tied input"
)

TABLE = [
    Operator("add", 2, lambda S, a, b: a + b, "distributor", Infix(("+",), 10), plain_constants=frozenset({0, 1})),
    Operator("sub", 2, lambda S, a, b: a - b, "distributor", Infix(("-",), 10), plain_constants=frozenset({0, 1})),
    Operator("mul", 2, lambda S, a, b: a * b, "switcher", Infix(("*",), 20), plain_constants=frozenset({0, 1})),
    Operator("div", 2, lambda S, a, b: a / b, None, Infix(("/",), 20), plain_constants=frozenset({0})),
    Operator(
        "pow",
        2,
        lambda S, a, b: a**b,
        None,
        Infix(("**", "^"), 40, right=True),
        # 0**y jumps from 1 (y = 0) to 0 (y > 0): ∂/∂y has no value at 0**0. PyTorch and
        # JAX give 0; SymPy's derivative there is zoo (nan).
        kink=Kink(
            N_("pow at 0**0"),
            lambda args: (args[0] == 0) & (args[1] == 0),
            {
                "pytorch": lambda args: (0.0, 0.0),
                "jax": lambda args: (0.0, 0.0),
                "sympy": lambda args: (0.0, math.nan),
            },
            inputs=(1,),
            shown="∂(0**b)/∂b at b = 0",
            note=N_("pytorch 0, jax 0, sympy nan (0**b jumps from 1 to 0)"),
        ),
        edges=(
            # a**0 = 1 for every a: ∂/∂a = 0 (PyTorch; the formula gives 0·0**-1 = nan at a = 0)
            Edge("a**0", 0, lambda args: args[1] == 0, 0.0),
            # 0**b = 0 for every b > 0: ∂/∂b = 0 (the limit of a**b·log(a) as a → 0+; PyTorch, JAX)
            Edge("0**b, b > 0", 1, lambda args: (args[0] == 0) & (args[1] > 0), 0.0),
        ),
    ),
    # Unary minus sits between * and ** so that -x**2 is -(x**2) and 2**-x is 2**(-x).
    Operator("neg", 1, lambda S, a: -a, "scaler", Infix(("-",), 30)),
    Operator("exp", 1, lambda S, a: S.exp(a)),
    Operator("log", 1, lambda S, a: S.log(a), aliases=("ln",)),
    Operator(
        "sqrt",
        1,
        lambda S, a: S.sqrt(a),
        kink=Kink(N_("sqrt at 0"), _zero_at, shown="sqrt'(0)", note=N_("inf in every convention (exit code 3)")),
    ),
    Operator("sin", 1, lambda S, a: S.sin(a)),
    Operator("cos", 1, lambda S, a: S.cos(a)),
    Operator("tan", 1, lambda S, a: S.tan(a)),
    Operator("tanh", 1, lambda S, a: S.tanh(a)),
    Operator("sigmoid", 1, lambda S, a: S.sigmoid(a)),
    Operator("softplus", 1, lambda S, a: S.softplus(a)),
    Operator(
        "relu",
        1,
        lambda S, a: S.Max(0, a),
        kink=Kink(
            N_("relu at 0"),
            _zero_at,
            {"pytorch": lambda args: (0.0,), "jax": lambda args: (0.0,)},
            shown="relu'(0)",
            note=N_("pytorch 0, jax 0, sympy 0.5 (Heaviside(0) = 1/2)"),
        ),
    ),
    Operator(
        "leaky_relu",
        2,
        lambda S, a, slope: S.Max(0, a) + slope * S.Min(0, a),
        defaults=("0.01",),
        # Only a kink when the slope != 1: leaky_relu(x, 1) is x (PyTorch and JAX give 1).
        kink=Kink(
            N_("leaky_relu at 0"),
            lambda args: (args[0] == 0) & (args[1] != 1),
            {"pytorch": lambda args: (args[1], 0.0), "jax": lambda args: (1.0, 0.0)},
            shown="leaky_relu'(0)",
            note=N_("only a kink when b (the slope) != 1: pytorch b, jax 1, sympy (1 + b)/2"),
        ),
    ),
    Operator(
        "elu",
        2,
        lambda S, a, alpha: S.Max(0, a) + alpha * (S.exp(S.Min(0, a)) - 1),
        defaults=("1",),
        # Only a kink when alpha != 1: the two one-sided slopes are 1 and alpha.
        kink=Kink(
            N_("elu at 0"),
            lambda args: (args[0] == 0) & (args[1] != 1),  # & not `and`: args may be arrays (batch)
            {"pytorch": lambda args: (args[1], 0.0), "jax": lambda args: (args[1], 0.0)},
            shown="elu'(0)",
            note=N_("only a kink when b (alpha) != 1: pytorch b, jax b, sympy (1 + b)/2"),
        ),
    ),
    Operator(
        "abs",
        1,
        lambda S, a: S.Abs(a),
        kink=Kink(
            N_("abs at 0"),
            _zero_at,
            {"pytorch": lambda args: (0.0,), "jax": lambda args: (1.0,)},
            shown="abs'(0)",
            note=N_("pytorch 0, jax 1, sympy 0"),
        ),
    ),
    # max/min: local gradients are computed by kinks.router_partials (ties split
    # 1/k under pytorch and jax; Heaviside(0) = 1/2 per tied input under sympy).
    Operator(
        "max",
        None,
        lambda S, *xs: S.Max(*xs),
        "router",
        kink=Kink(N_("max tie"), _tie(max), shown=N_("max/min tie"), note=_TIE_NOTE),
    ),
    Operator("min", None, lambda S, *xs: S.Min(*xs), "router", kink=Kink(N_("min tie"), _tie(min))),
    # Only on arrays (SPEC §5b): engine.arrays implements them; g is the upstream gradient.
    Operator("matmul", 2, None, "switcher", Infix(("@",), 20), vjp=("g·{1}ᵀ", "{0}ᵀ·g")),
    Operator("dot", 2, None, "switcher", vjp=("g·{1}", "g·{0}")),
    Operator("sum", 1, None, "distributor", vjp=("g·ones_like({0})",)),
    Operator("mean", 1, None, vjp=("g·ones_like({0})/size({0})",)),
    Operator(
        "norm",
        1,
        None,
        vjp=("g·{0}/norm({0})",),
        # norm'(0) = x/‖x‖ = 0/0: PyTorch gives 0 (torch.linalg.norm), JAX nan (jnp.linalg.norm),
        # and SymPy's x/sqrt(x·x) is nan there.
        kink=Kink(
            N_("norm at 0"),
            lambda args: (args[0] == 0).all(),
            {"pytorch": lambda args: (0.0,), "jax": lambda args: (math.nan,), "sympy": lambda args: (math.nan,)},
            shown="norm'(0)",
            note=N_("pytorch 0, jax nan, sympy nan (vector mode)"),
        ),
    ),
]


def index(table: list[Operator]) -> tuple[dict[str, Operator], dict[str, FunctionSpec]]:
    """The rows by name, and every callable name (aliases included) with its FunctionSpec."""
    rows = {row.name: row for row in table}
    functions = {name: row.call() for row in table if row.call() for name in (row.name, *row.aliases)}
    return rows, functions


RULES, FUNCTIONS = index(TABLE)
VECTOR_RULES = {name: row for name, row in RULES.items() if row.vjp is not None}  # the rows only on arrays
