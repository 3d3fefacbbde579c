"""Points per cell, a sheet's score, its result line and the pass mark (docs/marking.md, "Score").

``--points right=1,carried=1,wrong=0`` (verdicts not named keep their default: right 1,
carried 1 (follow-through credit), wrong, blank and unreadable 0). The maximum is the asked
cells times the points of a right cell. ``--pass-mark`` is points (``12``) or a percent of
the maximum (``75%``); a sheet below it fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import UsageError
from ..i18n import N_, _
from .marking import VERDICTS, MarkedSheet

DEFAULT_POINTS = {"right": 1.0, "carried": 1.0, "wrong": 0.0, "blank": 0.0, "unreadable": 0.0}
# The verdicts as a person reads them (JSON and CSV keep the English names: data).
VERDICT_WORDS = {"right": N_("right"), "carried": N_("carried"), "wrong": N_("wrong"), "blank": N_("blank")}
VERDICT_WORDS["unreadable"] = N_("unreadable")


def _number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_points(text: str | None) -> dict[str, float]:
    """``right=1,carried=0.5``: the points of each verdict (the defaults for the others)."""
    points = dict(DEFAULT_POINTS)
    for part in filter(str.strip, (text or "").split(",")):  # a trailing comma is no verdict
        name, sep, value = part.partition("=")
        name, number = name.strip().lower(), _number(value)
        if not sep or name not in points or number is None:
            message = _("--points takes VERDICT=NUMBER,... with verdicts {verdicts}, got {text!r}")
            raise UsageError(message.format(verdicts=", ".join(VERDICTS), text=part.strip()))
        points[name] = number
    if points["right"] <= 0:
        raise UsageError(_("--points: a right cell must earn more than 0 points (the maximum is counted in them)"))
    return points


@dataclass(frozen=True)
class PassMark:
    """``--pass-mark``: a number of points, or a percent of the maximum."""

    value: float
    percent: bool

    def passed(self, score: Score) -> bool:
        least = self.value * score.maximum / 100 if self.percent else self.value
        return score.points >= least - 1e-9 * max(1.0, abs(least))  # 0.1+0.2 points pass a mark of 0.3


def parse_pass_mark(text: str | None) -> PassMark | None:
    """``12`` (points) or ``75%`` (of the maximum); None when not given."""
    if text is None:
        return None
    stripped = text.strip()
    percent = stripped.endswith("%")
    number = _number(stripped.removesuffix("%"))
    if number is None or number < 0 or (percent and number > 100):
        raise UsageError(_("--pass-mark takes points (such as 12) or a percent (such as 75%), got {text!r}").format(text=text))
    return PassMark(number, percent)


@dataclass(frozen=True)
class Score:
    """A sheet's points, the most it could get, and how many cells got each verdict."""

    points: float
    maximum: float
    counts: dict[str, int]

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.maximum if self.maximum else 0.0


def score_sheet(marked: MarkedSheet, points: dict[str, float]) -> Score:
    """The points of every cell of a marked sheet."""
    counts = {verdict: marked.count(verdict) for verdict in VERDICTS}
    total = sum(points[verdict] * count for verdict, count in counts.items())
    return Score(total, points["right"] * len(marked.cells), counts)


def points_text(number: float) -> str:
    """14, 14.5: points as a person writes them."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def result_line(student: str, score: Score) -> str:
    """``s001: 14/16 (right 12, carried 2, wrong 2)``; blank and unreadable only when there are some."""
    shown = [v for v in VERDICTS if v in ("right", "carried", "wrong") or score.counts[v]]
    counts = ", ".join(f"{_(VERDICT_WORDS[v])} {score.counts[v]}" for v in shown)
    return f"{student}: {points_text(score.points)}/{points_text(score.maximum)} ({counts})"
