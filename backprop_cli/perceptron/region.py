"""The (w1, w2) that make the threshold unit implement a gate at a given θ: exact, and drawn.

Each input row x is one linear inequality in (w1, w2): w·x > θ where the gate wants 1,
w·x ≤ θ where it wants 0. Row (0, 0) does not involve the weights (w·x = 0), so it only
asks θ < 0 or θ ≥ 0. Row (0, 1) bounds w2, row (1, 0) bounds w1, row (1, 1) bounds
w1 + w2: the region is empty exactly when the bounds on w1 and w2 force w1 + w2 to the
wrong side of θ, which ``empty_reason`` decides exactly (no sampling).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..i18n import _
from .gates import INPUTS, truth_table
from .numbers import show


@dataclass(frozen=True)
class Bound:
    """One row's inequality: coefficients · (w1, w2) > θ (fires) or ≤ θ (silent)."""

    x: tuple[int, int]
    fires: bool

    def holds(self, weights, theta) -> bool:
        """Does (w1, w2) satisfy it, exactly?"""
        total = self.x[0] * weights[0] + self.x[1] * weights[1]
        return total > theta if self.fires else total <= theta

    def text(self, theta) -> str:
        """``w1 + w2 > 0.5``."""
        left = " + ".join(name for name, v in zip(("w1", "w2"), self.x) if v)
        return f"{left} {'>' if self.fires else '≤'} {show(theta)}"


@dataclass(frozen=True)
class Region:
    """The weights that implement ``gate`` at ``theta``."""

    gate: str
    theta: Fraction

    @property
    def bounds(self) -> list[Bound]:
        """The inequalities of rows (0, 1), (1, 0), (1, 1)."""
        return [Bound(x, bool(t)) for x, t in zip(INPUTS, truth_table(self.gate)) if any(x)]

    @property
    def origin_ok(self) -> bool:
        """Row (0, 0): the unit fires there (0 > θ) exactly when the gate wants 1."""
        return (0 > self.theta) == bool(truth_table(self.gate)[0])

    def contains(self, weights) -> bool:
        """Do these weights implement the gate at θ?"""
        return self.origin_ok and all(bound.holds(weights, self.theta) for bound in self.bounds)

    def empty_reason(self) -> str | None:
        """Why no (w1, w2) works, or None when some do."""
        theta, want = self.theta, truth_table(self.gate)
        if not self.origin_ok:
            needs = "θ < 0" if want[0] else "θ ≥ 0"
            message = _("at (0, 0) w·x = 0 whatever the weights, and the gate wants {out} there, which needs {needs}")
            return message.format(out=want[0], needs=needs)
        by_row = {bound.x: bound.fires for bound in self.bounds}
        one, two, both = by_row[(1, 0)], by_row[(0, 1)], by_row[(1, 1)]
        if one and two and not both and theta >= 0:
            return _("w1 > θ and w2 > θ give w1 + w2 > 2θ ≥ θ (θ ≥ 0), so w1 + w2 ≤ θ cannot hold")
        if not one and not two and both and theta <= 0:
            return _("w1 ≤ θ and w2 ≤ θ give w1 + w2 ≤ 2θ ≤ θ (θ ≤ 0), so w1 + w2 > θ cannot hold")
        return None


def window(theta: Fraction) -> Fraction:
    """Half the side of the square drawn around (0, 0): 1, or 2|θ| when that is larger."""
    return max(Fraction(1), 2 * abs(theta))


COLUMNS, ROWS = 41, 21  # w1 across, w2 up: a terminal cell is about twice as tall as wide


def chart(region: Region, marks: list[tuple[str, tuple]]) -> list[str]:
    """The region as characters: # inside, . outside, axes at 0, each mark's letter at its weights.

    Every character is one exact grid point (w1, w2) tested with ``Region.contains``.
    """
    span = window(region.theta)
    step_x, step_y = 2 * span / (COLUMNS - 1), 2 * span / (ROWS - 1)
    grid = []
    for row in range(ROWS):
        w2 = span - row * step_y
        line = []
        for column in range(COLUMNS):
            w1 = -span + column * step_x
            if region.contains((w1, w2)):
                line.append("#")
            else:
                line.append("+" if w1 == 0 and w2 == 0 else "|" if w1 == 0 else "-" if w2 == 0 else ".")
        grid.append(line)
    for letter, (w1, w2) in marks:
        column, row = round((w1 + span) / step_x), round((span - w2) / step_y)
        if 0 <= column < COLUMNS and 0 <= row < ROWS:
            grid[row][column] = letter
    labels = {0: show(span), ROWS // 2: "0", ROWS - 1: show(-span)}
    width = max(len(text) for text in labels.values())
    lines = [f"{labels.get(row, ''):>{width}} {'w2' if row == 0 else '  '} " + "".join(grid[row]) for row in range(ROWS)]
    left, right = show(-span), show(span)
    middle = (COLUMNS - 1) // 2
    axis = left + " " * (middle - len(left)) + "0" + " " * (COLUMNS - middle - 1 - len(right)) + right + "  w1"
    lines.append(" " * (width + 4) + axis)
    return lines


def polygon(region: Region) -> list[tuple[Fraction, Fraction]]:
    """The region's closure inside the drawn square, as a convex polygon's corners (empty: [])."""
    if region.empty_reason() is not None:
        return []
    span = window(region.theta)
    corners = [(-span, -span), (span, -span), (span, span), (-span, span)]
    for bound in region.bounds:
        corners = _clip(corners, bound, region.theta)
    return corners


def _clip(corners: list, bound: Bound, theta: Fraction) -> list:
    """Sutherland–Hodgman: the part of the polygon on the bound's side of its line (line included)."""

    def side(point) -> Fraction:
        value = bound.x[0] * point[0] + bound.x[1] * point[1] - theta
        return value if bound.fires else -value  # >= 0: inside

    kept = []
    for i, here in enumerate(corners):
        before = corners[i - 1]
        a, b = side(before), side(here)
        if (a >= 0) != (b >= 0):
            t = a / (a - b)
            kept.append((before[0] + t * (here[0] - before[0]), before[1] + t * (here[1] - before[1])))
        if b >= 0:
            kept.append(here)
    return kept
