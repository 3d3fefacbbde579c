"""``grad``: the ``grad`` command's calculation as a function (SPEC §1: the same functions are
a Python API). Bindings come as Python values; options as keyword arguments.

The work is ``gradient.command.calculate``, the very function ``backprop grad`` calls, so
the API refuses, warns and computes exactly as the command line does. Errors are the
``errors`` module's exceptions, each with the CLI's ``exit_code``; nothing exits.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from ..engine.finite import first_non_finite, first_non_finite_array
from ..errors import NonFiniteError, UsageError
from ..gradient.command import Calculation, calculate
from ..i18n import _
from ..inputs.bindings import parse_value
from ..report.checks import raise_problems
from ..report.rows import GradReport
from ..rules.table import CONVENTIONS
from .result import GradResult, result_from_report

FUSIONS = ("sigmoid",)  # what ``fuse=`` may name (the CLI's --fuse choices)


def grad(
    expression: str,
    bindings: Mapping[str, Any] | None = None,
    /,
    *,
    convention: str = "pytorch",
    fuse: str | Iterable[str] | None = (),
    wrt: str | Iterable[str] | None = None,
    output_name: str | None = None,
    **values: Any,
) -> GradResult:
    """The value and every gradient of ``expression`` at the given values, with every node.

    ``grad("(x+y)*z", x=-2, y=5, z=-4).gradients == {"x": -4.0, "y": -4.0, "z": 3.0}``.
    Values are numbers, or NumPy arrays and nested lists for vector mode (docs/vector.md); a
    variable named like an option (``wrt``) goes in ``bindings``. ``wrt`` ("x,y" or a list)
    restricts the gradients reported; ``fuse="sigmoid"`` folds 1/(1+exp(-t)) into one gate.
    Raises UsageError, ExpressionError (exit code 2) or NonFiniteError (3, the result attached).
    """
    if not isinstance(expression, str):
        raise UsageError(_("the expression must be text, not {kind}").format(kind=type(expression).__name__))
    if bindings is not None and not isinstance(bindings, Mapping):
        raise UsageError(_("bindings must be a mapping of names to values, not {kind}").format(kind=type(bindings).__name__))
    given = _given(bindings or {}, values)
    calculation = Calculation(
        expression,
        lambda _variables: dict(given),
        fuse=_fusions(fuse),
        convention=_convention(convention),
        output_name=output_name,
        wrt=_names(wrt),
    )
    notes = io.StringIO()
    calculated = calculate(calculation, notes)
    for line in notes.getvalue().splitlines():  # a binding a program's constant overrides
        warnings.warn(line, UserWarning, stacklevel=2)
    result = result_from_report(GradReport(expression, calculated.result, calculated.wrt))
    _refuse_non_finite(result)
    return result


def _given(bindings: Mapping[str, Any], values: dict[str, Any]) -> dict:
    """Both ways of binding as one ``{name: float or nested lists}``; a name bound both ways is refused."""
    given = {}
    for source in (bindings, values):
        for name, value in source.items():
            if name in given:
                raise UsageError(_("variable {name} is bound twice").format(name=name))
            given[str(name)] = parse_value(str(name), _plain(value))
    return given


def _plain(value: Any) -> Any:
    """A NumPy array or scalar as Python numbers and lists; tuples as lists (vector mode reads lists)."""
    if hasattr(value, "tolist"):  # numpy.float64 is a float, but writes itself as np.float64(2.0)
        value = value.tolist()
    if isinstance(value, tuple | list):
        return [_element(_plain(item)) for item in value]
    return value


def _element(item: Any) -> Any:
    """An array's integer past float range as ±inf, as the CLI reads a long JSON integer (NumPy would overflow)."""
    if isinstance(item, int) and not isinstance(item, bool):
        try:
            float(item)
        except OverflowError:
            return math.inf if item > 0 else -math.inf
    return item


def _fusions(fuse: str | Iterable[str] | None) -> tuple[str, ...]:
    if fuse is None:
        return ()
    if not isinstance(fuse, str | Iterable):
        raise UsageError(_("fuse= takes a fusion's name or a list of them, not {kind}").format(kind=type(fuse).__name__))
    names = (fuse,) if isinstance(fuse, str) else tuple(fuse)
    for name in names:
        if name not in FUSIONS:
            message = _("fuse={name!r}: not a fusion; choose from {names}")
            raise UsageError(message.format(name=name, names=", ".join(FUSIONS)))
    return names


def _convention(convention: str) -> str:
    if convention not in CONVENTIONS:
        message = _("convention={name!r}: not a convention; choose from {names}")
        raise UsageError(message.format(name=convention, names=", ".join(CONVENTIONS)))
    return convention


def _names(wrt: str | Iterable[str] | None) -> str | None:
    """``wrt`` as --wrt spells it ("x,y"); the command's check then names a wrong one."""
    if wrt is None or isinstance(wrt, str):
        return wrt
    if not isinstance(wrt, Iterable):
        raise UsageError(_('wrt= takes variable names ("x,y" or a list), not {kind}').format(kind=type(wrt).__name__))
    return ",".join(str(name) for name in wrt)


def _refuse_non_finite(result: GradResult) -> None:
    """inf or nan: NonFiniteError (exit code 3) naming the first place, with the result attached."""
    evaluation = result.report.result
    where = (first_non_finite_array if evaluation.arrays else first_non_finite)(evaluation)
    try:
        raise_problems([], where, io.StringIO())
    except NonFiniteError as error:
        error.result = result
        raise
