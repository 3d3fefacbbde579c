"""``backprop ops --plot NAME``: a one-input operator and its derivative, drawn.

The derivative is never a second formula: each point is a ``grad`` run on the staged
expression ``NAME(x)`` (``engine.scalar.evaluate``, the SymPy-derived rule of
``rules/generated/derived.py``), so a kink gets the value the chosen convention gives
and the text ``grad`` marks it with ("relu at 0: pytorch gives 0"). The terminal plot is
characters; ``--plot-file`` draws the same points with matplotlib (the ``plot`` extra).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import get_close_matches

from ..engine.scalar import evaluate
from ..errors import UsageError
from ..i18n import _
from ..language.graph import stage
from ..rules.generated.derived import SYMBOLIC
from ..rules.table import FUNCTIONS, RULES
from .png import figure_to, pyplot

WIDTH = 61  # columns of the terminal plot: x = -6, -5.8, ..., 6 (0 falls on a column, so kinks are hit)
HEIGHT = 11  # rows of each panel
X_RANGE = (-6.0, 6.0)
_LABEL = 8  # width of the y labels, axis included


def plottable() -> dict[str, str]:
    """Every one-input operator (defaults filled in: leaky_relu, elu) and the text ``grad`` stages."""
    texts = {}
    for op, row in RULES.items():
        if row.define is None or row.arity is None or row.arity - len(row.defaults) != 1:
            continue
        texts[op] = f"{row.infix.spellings[0]}x" if row.infix is not None else f"{op}(x)"
    return texts


def resolve(name: str) -> str:
    """The operator NAME names (an alias such as ln included), or a UsageError with the close match."""
    texts = plottable()
    spec = FUNCTIONS.get(name)
    op = spec.op if spec is not None else name
    if op in texts:
        return op
    if op in RULES:
        raise UsageError(
            _("--plot draws functions of one number; {name} is not one: choose one of {names}").format(
                name=name, names=", ".join(texts)
            )
        )
    close = get_close_matches(name, [*texts, *(n for n, s in FUNCTIONS.items() if s.op in texts)], n=1, cutoff=0.5)
    hint = _(" (did you mean {close}?)").format(close=close[0]) if close else ""
    raise UsageError(
        _("unknown function {name}{hint}; --plot draws: {names}").format(name=name, hint=hint, names=", ".join(texts))
    )


@dataclass(frozen=True)
class Point:
    """One x, the function's value there and ``grad``'s derivative (and its kink text, if any)."""

    x: float
    value: float
    slope: float
    kink: str | None


def curve(op: str, xs: list[float], convention: str = "pytorch") -> list[Point]:
    """``grad`` of the staged ``op(x)`` at every x (nan outside the function's domain)."""
    graph = stage(plottable()[op])
    points = []
    for x in xs:
        result = evaluate(graph, {"x": x}, convention)
        value, slope = result.value, result.gradient("x")
        if math.isnan(value):
            slope = math.nan  # outside the domain (log of a negative): nothing to draw
        points.append(Point(x, value, slope, next(iter(result.kinks.values()), None)))
    return points


def grid(width: int = WIDTH, x_range: tuple[float, float] = X_RANGE) -> list[float]:
    """``width`` evenly spaced x, computed as lo + span·i/(n - 1) so that 0 is exact."""
    lo, hi = x_range
    return [lo + (hi - lo) * i / (width - 1) for i in range(width)]


def derivative_text(op: str) -> str:
    """The derived local gradient ``grad`` shows, in x (and the default of a second input)."""
    row = RULES[op]
    text = SYMBOLIC[(op, row.arity)][0].replace("ARG0", "x")
    for i, default in enumerate(row.defaults, start=1):
        text = text.replace(f"ARG{i}", default)
    return text


def panel(ys: list[float], marks: list[bool]) -> list[str]:
    """One panel of the terminal plot: a '*' per column (an 'o' on a kink), y labels at the
    top, at 0 and at the bottom; values that are not finite are left out."""
    finite = [y for y in ys if math.isfinite(y)]
    top, bottom = max(finite + [0.0]), min(finite + [0.0])
    if top == bottom:
        top, bottom = top + 1, bottom - 1
    rows = [[" "] * len(ys) for _ in range(HEIGHT)]
    for column, (y, mark) in enumerate(zip(ys, marks)):
        if math.isfinite(y):
            rows[round((top - y) / (top - bottom) * (HEIGHT - 1))][column] = "o" if mark else "*"
    zero = round(top / (top - bottom) * (HEIGHT - 1))
    labels = {0: top, zero: 0.0, HEIGHT - 1: bottom}
    lines = []
    for index, row in enumerate(rows):
        label = f"{labels[index]:.3g} ┤" if index in labels else "│"
        lines.append(label.rjust(_LABEL) + "".join(row).rstrip())
    return lines


def x_axis(xs: list[float]) -> list[str]:
    """The axis under a panel, with a tick and a label at each end and at 0."""
    ticks = [i for i, x in enumerate(xs) if x == 0]
    axis = ["┬" if i in ticks else "─" for i in range(len(xs))]
    labels = [" "] * len(xs)
    for column in [0, *ticks, len(xs) - 1]:
        text = f"{xs[column]:g}"
        start = min(max(0, column - len(text) // 2), len(xs) - len(text))
        labels[start : start + len(text)] = text
    return [" " * (_LABEL - 1) + "└" + "".join(axis), " " * _LABEL + "".join(labels).rstrip()]


def plot_lines(op: str, convention: str = "pytorch") -> list[str]:
    """The terminal plot: the function's panel, the derivative's panel, and the kinks."""
    xs = grid()
    points = curve(op, xs, convention)
    marks = [p.kink is not None for p in points]
    text = plottable()[op]
    lines = [_("{function} for x from {lo:g} to {hi:g}").format(function=text, lo=xs[0], hi=xs[-1])]
    lines += panel([p.value for p in points], marks) + x_axis(xs)
    lines.append(_("its derivative, the rule grad uses: {rule}").format(rule=derivative_text(op)))
    lines += panel([p.slope for p in points], marks) + x_axis(xs)
    kinks = [p.kink for p in points if p.kink]
    if kinks:
        lines += [_("o: a kink, marked as grad marks it: {kink}").format(kink=kink) for kink in kinks]
    return lines


def print_plot(op: str, convention: str = "pytorch") -> None:
    """Print the terminal plot of ``op`` to stdout."""
    from .table_layout import console

    out = console()
    for line in plot_lines(op, convention):
        out.print(line, markup=False, highlight=False, crop=False, soft_wrap=True)


def write_png(path: str, op: str, convention: str = "pytorch") -> None:
    """The function and its derivative as a PNG (matplotlib, the optional ``plot`` extra)."""
    pyplot("--plot-file")  # before the points: no work without matplotlib
    points = curve(op, grid(601), convention)
    with figure_to(path, "--plot-file", (7, 4)) as (_figure, axes):
        _draw_function(axes, op, points, convention)


def _draw_function(axes, op: str, points: list, convention: str) -> None:
    kinks = [p for p in points if p.kink]
    axes.plot([p.x for p in points], [p.value for p in points], label=f"f(x) = {plottable()[op]}")
    # The derivative jumps at a kink: leave the kink out of its line (drawn as a circle below).
    slopes = [math.nan if p.kink else p.slope for p in points]
    axes.plot([p.x for p in points], slopes, "--", label=f"f'(x) = {derivative_text(op)}")
    for p in kinks:
        axes.plot([p.x, p.x], [p.value, p.slope], "o", fillstyle="none", color="black")
        axes.annotate(p.kink, (p.x, p.slope), textcoords="offset points", xytext=(6, -12), fontsize=8)
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.axvline(0, color="grey", linewidth=0.5)
    axes.set_xlabel("x")
    axes.set_title(f"backprop ops --plot {op} ({convention})")
    axes.legend(loc="best", fontsize=8)
    axes.grid(True, alpha=0.3)
