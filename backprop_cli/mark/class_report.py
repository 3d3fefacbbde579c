"""A class's results: one row per student (the results CSV) and the item analysis, per asked
cell, of how many students were right, carried, wrong, blank or unreadable and the most
common diagnosed mistake there (docs/marking.md, "A class").

Cells are counted by name (``s0`` value, ``∂f/∂x``): when students have different exercises,
an item joins the cells of the same name across them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .marking import VERDICTS, MarkedSheet
from .misconceptions import BY_ID, MISCONCEPTIONS, Misconception
from .scoring import Score, points_text

RESULT_COLUMNS = (
    "student",
    "sheet",
    "exercise",
    "status",
    "points",
    "max_points",
    "percent",
    *VERDICTS,
    "passed",
    "fix_first",
    "misconceptions",
    "problem",
)


@dataclass
class SheetResult:
    """One sheet of a run: marked and scored, or the reason it could not be (``problem``)."""

    where: str
    student: str
    exercise: str | None = None
    marked: MarkedSheet | None = None
    score: Score | None = None
    passed: bool | None = None  # None without --pass-mark
    problem: str = ""

    @property
    def status(self) -> str:
        return "marked" if self.marked is not None else "not marked"


def result_row(result: SheetResult) -> list[str]:
    """The student's row of the results CSV (``RESULT_COLUMNS``)."""
    identity = [result.student, result.where, result.exercise or "", result.status]
    if result.marked is None:
        return identity + [""] * (len(RESULT_COLUMNS) - len(identity) - 1) + [result.problem]
    score, cells = result.score, result.marked.cells
    passed = "" if result.passed is None else "yes" if result.passed else "no"
    fix_first = " ".join(f"{cell.node}.{cell.column}" for cell in cells if cell.fix_first)
    mistakes = " ".join(f"{cell.node}.{cell.column}={cell.misconception.id}" for cell in cells if cell.misconception)
    numbers = [points_text(score.points), points_text(score.maximum), f"{score.percent:.1f}"]
    return identity + numbers + [str(score.counts[v]) for v in VERDICTS] + [passed, fix_first, mistakes, result.problem]


@dataclass
class Item:
    """One asked cell across the class: how many got each verdict, and the commonest mistake."""

    node: str
    column: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    mistakes: Counter = field(default_factory=Counter)

    @property
    def mistake(self) -> Misconception | None:
        """The most common diagnosed misconception (a tie: the first in the table)."""
        if not self.mistakes:
            return None
        order = {row.id: at for at, row in enumerate(MISCONCEPTIONS)}
        best = max(self.mistakes.items(), key=lambda pair: (pair[1], -order[pair[0]]))
        return BY_ID[best[0]]

    @property
    def mistake_count(self) -> int:
        mistake = self.mistake
        return self.mistakes[mistake.id] if mistake else 0

    def to_json(self) -> dict:
        mistake = self.mistake
        data = {"node": self.node, "cell": self.column, "label": self.label, **self.counts}
        return {**data, "mistake": mistake.id if mistake else None, "mistake_count": self.mistake_count}


def item_analysis(results: list[SheetResult]) -> list[Item]:
    """Every asked cell of the marked sheets, in the order first met."""
    items: dict[tuple[str, str], Item] = {}
    for result in results:
        if result.marked is None:
            continue
        for cell in result.marked.cells:
            item = items.get((cell.node, cell.column))
            if item is None:
                item = items[(cell.node, cell.column)] = Item(cell.node, cell.column, cell.label)
            item.counts[cell.verdict] += 1
            if cell.misconception is not None:
                item.mistakes[cell.misconception.id] += 1
    return list(items.values())
