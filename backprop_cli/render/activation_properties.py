"""``backprop ops --properties``: what the lectures say of each activation function, computed.

Nothing here is typed in. Each property comes from a dense scan of the function and of
the derivative ``grad`` uses (``function_plot.curve``: x from -10 to 10 in steps of
0.01, 0 included, plus x = -80, -40, 40 and 80 for the limits), so sigmoid's largest
derivative, 1/4, is what the rule gives at x = 0. A kink is left out of the sets
(its value depends on the convention; ``ops`` lists it), so relu's dead zone is x < 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..i18n import N_, _
from .function_plot import Point, curve, grid

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus")
SCAN = (-10.0, 10.0)
SCAN_POINTS = 2001  # steps of 0.01
FAR = (40.0, 80.0)  # far enough that every saturating function here has reached its limit to 1e-9
SATURATED = 0.01  # |f'(x)| below this: the gradient barely passes (the lectures' "saturates")
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Properties:
    """One row of the table: the texts shown, and the largest derivative as a number (tests)."""

    name: str
    value_range: str
    zero_centred: str
    saturates: str
    largest_slope: float
    largest_where: str
    dead_zone: str


def _limit(first: float, second: float) -> float | None:
    """The limit of f as x → ±∞ from f at 40 and 80 (signed), or None if it keeps growing."""
    if abs(second - first) > _TOLERANCE * max(1.0, abs(first)):
        return None
    return round(second, 6) + 0.0  # + 0.0: no "-0"


def value_range(points: list[Point], far: dict[float, Point]) -> str:
    """The range as an interval: an end is closed when f reaches it at a finite x, open when
    f only approaches it as x → ±∞ (or grows without bound)."""
    values = [p.value for p in points]
    ends = [min(values), max(values)]
    for side in (-1, 1):
        first, second = far[side * FAR[0]].value, far[side * FAR[1]].value
        limit = _limit(first, second)
        ends.append(limit if limit is not None else math.copysign(math.inf, second - first))
    low, high = min(ends), max(ends)
    return ("[" if low in values else "(") + f"{_end(low)}, {_end(high)}" + ("]" if high in values else ")")


def _end(value: float) -> str:
    return f"{value:g}"  # inf and -inf print as such (no ∞: a stdout in ASCII must show it)


def intervals(points: list[Point], holds: list[bool], far: tuple[bool, bool]) -> str:
    """The x where ``holds``, as intervals; an interval that reaches the end of the scan and
    still holds at ±40 and ±80 (``far``) goes on to ±∞. Kinks are left out."""
    xs = [p.x for p in points]
    parts, start = [], None
    for i, ok in enumerate([*holds, False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            low = None if start == 0 and far[0] else _bound(points, start - 1, start)
            high = None if i == len(xs) and far[1] else _bound(points, i, i - 1)
            parts.append(_interval_text(low, high))
            start = None
    if not parts:
        return _("none")
    if len(parts) == 2 and parts[0] == f"x < -{parts[1][4:]}" and parts[1].startswith("x > "):
        return f"|x| > {parts[1][4:]}"  # symmetric: x < -a or x > a
    return _(" or ").join(parts)


def _bound(points: list[Point], outside: int, inside: int) -> float:
    """Where an interval ends: at a kink next to it exactly, else at its last point."""
    if 0 <= outside < len(points) and points[outside].kink is not None:
        return points[outside].x
    return round(points[inside].x, 2)


def _interval_text(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return _("every x")
    if low is None:
        return f"x < {high:g}"
    if high is None:
        return f"x > {low:g}"
    return f"{low:g} < x < {high:g}"


def zero_centred(points: list[Point]) -> str:
    """yes: odd (f(-x) = -f(x)); partly: outputs of both signs, not symmetric; no: one sign only."""
    values = [p.value for p in points]
    if all(abs(a + b) <= _TOLERANCE for a, b in zip(values, reversed(values))):
        return _("yes")
    if min(values) < 0 < max(values):
        return _("partly")
    return _("no")


def properties(op: str) -> Properties:
    """Scan ``op`` (one of ``ACTIVATIONS``: the limits assume f settles or grows past |x| = 40)
    and its derivative (pytorch convention; kinks left out) and describe them."""
    points = curve(op, grid(SCAN_POINTS, SCAN))
    far = {p.x: p for p in curve(op, [-FAR[1], -FAR[0], FAR[0], FAR[1]])}
    smooth = [p.kink is None for p in points]
    slopes = [abs(p.slope) for p in points]
    far_slopes = (abs(far[-FAR[0]].slope), abs(far[FAR[0]].slope))
    saturated = [s < SATURATED and ok for s, ok in zip(slopes, smooth)]
    dead = [s == 0 and ok for s, ok in zip(slopes, smooth)]
    largest = max(s for s, ok in zip(slopes, smooth) if ok)
    if max(far_slopes) > largest:  # still growing at the end of the scan: the limit
        largest = round(max(far_slopes), 6)
        where = "x → -inf" if far_slopes[0] > far_slopes[1] else "x → inf"
    else:
        at = [abs(s - largest) <= _TOLERANCE and ok for s, ok in zip(slopes, smooth)]
        ends = (far_slopes[0] >= largest - _TOLERANCE, far_slopes[1] >= largest - _TOLERANCE)
        runs = intervals(points, at, ends)
        single = [p.x for p, ok in zip(points, at) if ok]
        where = f"x = {single[0]:g}" if len(single) == 1 else runs
    return Properties(
        op,
        value_range(points, far),
        zero_centred(points),
        intervals(points, saturated, (far_slopes[0] < SATURATED, far_slopes[1] < SATURATED)),
        largest,
        where,
        intervals(points, dead, (far_slopes[0] == 0, far_slopes[1] == 0)),
    )


PROPERTY_COLUMNS = [
    (N_("function"), ""),
    (N_("range"), ""),
    (N_("zero-centred"), ""),
    (N_("saturates"), ""),
    (N_("largest f'"), ""),
    (N_("dead zone"), ""),
]


def print_properties() -> None:
    """Print the table for the activation functions, then how it was computed."""
    from .table_layout import console, print_section

    out = console()
    rows = []
    for op in ACTIVATIONS:
        row = properties(op)
        largest = f"{row.largest_slope:g} ({row.largest_where})"
        rows.append([op, row.value_range, row.zero_centred, row.saturates, largest, row.dead_zone])
    print_section(out, _("activation functions (computed from the rules grad uses)"), PROPERTY_COLUMNS, rows, "f")
    for line in NOTES:
        out.print(_(line), markup=False, highlight=False)


NOTES = [
    N_("saturates: |f'| < 0.01; dead zone: f' = 0; partly: both signs, not symmetric."),
    N_(
        "Scanned at x = -10, -9.99, ..., 10 and at -80, -40, 40, 80 (the limits);\n"
        "kinks left out (their value depends on --convention)."
    ),
    N_("leaky_relu has slope 0.01 and elu alpha 1 (their defaults)."),
    N_(
        "Maxout, max(w1*x + b1, w2*x + b2), is a max node (pattern router):\n"
        "backprop grad gives the whole gradient to the larger input."
    ),
]
