"""Marking one sheet against its key: every asked cell right, carried, wrong, blank or unreadable
(docs/marking.md).

Values are marked in evaluation order, then gradients in reverse order, so that every cell
a recomputation reads has its verdict already. A cell is **right** when its answer matches
the key (``numbers.Answer.matches``); **carried** when it is not, but matches what follows
from the student's own earlier numbers (``recompute``), at least one of which was carried
or wrong (when they were all right, only rounded, the cell is right too); else **wrong**.
A wrong cell whose inputs were all right or carried is where the chain went wrong: it is
marked "fix first". Wrong gradients are diagnosed with ``misconceptions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _, ngettext
from ..report.worksheet import ASKED, Key, KeyCell
from . import recompute
from .misconceptions import Misconception, Situation, diagnose
from .numbers import EXACT, Answer, Unreadable, read_answer
from .sheets import Sheet, SheetError

VERDICTS = ("right", "carried", "wrong", "blank", "unreadable")
_SLIPS = ("carried", "wrong")  # verdicts of a cell whose number is not the key's


@dataclass
class CellMark:
    """The verdict of one asked cell, with what the student wrote and why."""

    node: str
    column: str  # "value" or "gradient"
    label: str  # "s0" or "∂f/∂s0": how the lecture names the cell
    verdict: str = "blank"  # one of VERDICTS
    expected: float = 0.0
    answer: Answer | None = None
    reason: str = ""  # in the run's language: why unreadable, what it follows from, ...
    recomputed: float | None = None  # what follows from the student's own numbers
    misconception: Misconception | None = None
    fix_first: bool = False
    depends: list[tuple[str, str]] = field(default_factory=list)  # the cells its recomputation reads


@dataclass
class MarkedSheet:
    """A marked sheet: its cells in the sheet's order and the notes about rows it ignored."""

    key: Key
    sheet: Sheet
    cells: list[CellMark]
    notes: list[str]

    def count(self, verdict: str) -> int:
        return sum(cell.verdict == verdict for cell in self.cells)


def check_exercise(key: Key, sheet: Sheet) -> None:
    """A sheet of another exercise cannot be marked against this key (SheetError)."""
    if sheet.exercise is None:
        message = _("{file}: no #exercise line: cannot tell which exercise it is (the key is for {want})")
        raise SheetError(message.format(file=sheet.where, want=key.exercise))
    if sheet.exercise != key.exercise:
        message = _("{file}: a sheet of exercise {got}, but the key is for exercise {want}")
        raise SheetError(message.format(file=sheet.where, got=sheet.exercise, want=key.exercise))


def mark_sheet(key: Key, sheet: Sheet, tol: float = 1e-6, min_digits: int = 3) -> MarkedSheet:
    """Every asked cell of ``sheet`` marked against ``key``; raises SheetError for another exercise."""
    check_exercise(key, sheet)
    marker = _Marker(key, sheet, tol, min_digits)
    return MarkedSheet(key, sheet, marker.run(), marker.notes())


class _Marker:
    """One sheet's marking: the cells, the student's numbers (the key's where a cell is not
    readable) and the verdicts so far."""

    def __init__(self, key: Key, sheet: Sheet, tol: float, min_digits: int) -> None:
        self.key, self.sheet, self.tol, self.min_digits = key, sheet, tol, min_digits
        self.uses = recompute.consumers(key)
        self.cells = {cell.node: cell for cell in key.cells}
        self.values = {cell.node: cell.value for cell in key.cells}
        self.grads = {cell.node: cell.gradient for cell in key.cells}
        self.student = recompute.Numbers(self.values, self.grads, key.convention)  # filled in by _read
        self.key_numbers: recompute.Numbers | None = None  # the key's own, made when a diagnosis needs them
        self.verdicts: dict[tuple[str, str], str] = {}
        self.marks: dict[tuple[str, str], CellMark] = {}
        for cell in key.cells:
            for column in ASKED:
                if column in cell.given:
                    self.verdicts[(cell.node, column)] = "given"
                else:
                    self.marks[(cell.node, column)] = self._read(cell, column)

    def _read(self, cell: KeyCell, column: str) -> CellMark:
        label = cell.node if column == "value" else f"∂{self.key.output}/∂{cell.node}"
        mark = CellMark(cell.node, column, label, expected=getattr(cell, column))
        row = self.sheet.rows.get(cell.node)
        if row is None:
            mark.verdict, mark.reason = "unreadable", _("no row named {node} on the sheet").format(node=cell.node)
            return mark
        if row.problem:
            mark.verdict, mark.reason = "unreadable", row.problem
            return mark
        try:
            mark.answer = read_answer(getattr(row, column), self.sheet.decimal_comma)
        except Unreadable as error:
            mark.verdict, mark.reason = "unreadable", str(error)
            return mark
        if mark.answer is not None:
            (self.values if column == "value" else self.grads)[cell.node] = mark.answer.number
        return mark

    def run(self) -> list[CellMark]:
        for cell in self.key.cells:
            mark = self.marks.get((cell.node, "value"))
            if mark is not None and cell.op is not None:
                mark.depends = [(name, "value") for name in cell.inputs if isinstance(name, str)]
                self._judge(mark, recompute.forward_value(cell, self.values))
            elif mark is not None:  # a variable's value asked (not on the sheets exercise writes)
                self._judge(mark, None)
        for cell in reversed(self.key.cells):
            mark = self.marks.get((cell.node, "gradient"))
            if mark is not None:
                edges = self.uses[cell.node]
                mark.depends = _gradient_depends(edges)
                recomputed = self.student.backward_value(edges) if edges else None
                self._judge(mark, recomputed)
                if mark.verdict == "wrong":
                    mark.misconception = self._diagnose(mark, edges)
        # In the order the work is done: the forward pass, then the backward pass from ∂f/∂f
        forward = [self.marks[(cell.node, "value")] for cell in self.key.cells if (cell.node, "value") in self.marks]
        backward = [self.marks[(c.node, "gradient")] for c in reversed(self.key.cells) if (c.node, "gradient") in self.marks]
        return forward + backward

    def _judge(self, mark: CellMark, recomputed: float | None) -> None:
        slips = [dep for dep in mark.depends if self.verdicts.get(dep) in _SLIPS]
        if mark.answer is not None:
            mark.recomputed = recomputed
            mark.verdict = self._verdict(mark, recomputed, slips)
        self.verdicts[(mark.node, mark.column)] = mark.verdict

    def _verdict(self, mark: CellMark, recomputed: float | None, slips: list) -> str:
        answer = mark.answer
        if answer.matches(mark.expected, self.tol, self.min_digits):
            return "right"
        if recomputed is not None and (
            answer.matches(recomputed, self.tol, self.min_digits) or self._within_rounding(mark, recomputed)
        ):
            if not slips:
                mark.reason = _("follows from your rounded numbers")
                return "right"
            shown = ", ".join(f"{self.marks[dep].label} = {self.marks[dep].answer.text}" for dep in slips)
            mark.reason = _("follows from your {cells}").format(cells=shown)
            return "carried"
        mark.fix_first = "wrong" not in [self.verdicts.get(dep) for dep in slips]
        if answer.digits < self.min_digits and answer.rounds_to(mark.expected):
            message = ngettext(
                "rounded to {digits} significant digit: write at least {least}",
                "rounded to {digits} significant digits: write at least {least}",
                answer.digits,
            )
            mark.reason = message.format(digits=answer.digits, least=self.min_digits)
        return "wrong"

    def _within_rounding(self, mark: CellMark, recomputed: float) -> bool:
        """The answer is what follows from the student's numbers before they rounded them: a
        student keeps a calculator's precision and writes 1.007 for 1.006738, then 0.9933 for
        1/1.006738, where 1/1.007 gives 0.99305. Each number the recomputation reads that the
        student wrote rounded (at least --min-digits significant digits; a whole number like 8
        is taken as exact) may be off by half a unit of its last digit; the answer may be off
        by half of its own."""
        answer = mark.answer
        if answer.digits < self.min_digits or answer.digits >= EXACT:
            return False
        band = 0.0 if answer.whole else answer.half_unit
        for dep in mark.depends:
            source = self.marks.get(dep)
            written = source.answer if source is not None else None
            if not self._maybe_rounded(written):
                continue
            for step in (written.half_unit, -written.half_unit):
                moved = self._follow(mark, dep, written.number + step)
                if moved is None:
                    return False
                band += abs(moved - recomputed) / 2
        return abs(answer.number - recomputed) <= band * (1 + 1e-9)

    def _maybe_rounded(self, written: Answer | None) -> bool:
        """A number the student may have rounded: enough digits, and a decimal mark or an exponent."""
        if written is None or not self.min_digits <= written.digits < EXACT:
            return False
        return not written.whole

    def _follow(self, mark: CellMark, dep: tuple[str, str], number: float) -> float | None:
        """``mark``'s recomputation with the student's number at ``dep`` replaced by ``number``."""
        values, grads = dict(self.values), dict(self.grads)
        (values if dep[1] == "value" else grads)[dep[0]] = number
        if mark.column == "value":
            return recompute.forward_value(self.cells[mark.node], values)
        return recompute.Numbers(values, grads, self.key.convention).backward_value(self.uses[mark.node])

    def _diagnose(self, mark: CellMark, edges) -> Misconception | None:
        if not edges:
            return None
        if self.key_numbers is None:
            cells = self.key.cells
            values, grads = {c.node: c.value for c in cells}, {c.node: c.gradient for c in cells}
            self.key_numbers = recompute.Numbers(values, grads, self.key.convention)
        situations = [Situation(mark.node, edges, self.uses, numbers) for numbers in (self.student, self.key_numbers)]
        return diagnose(mark.answer, situations, self.tol, self.min_digits)

    def notes(self) -> list[str]:
        """The sheet's notes, then a line for each row that is no node of the exercise."""
        known = {cell.node for cell in self.key.cells}
        extra = [(row.line, name) for name, row in self.sheet.rows.items() if name not in known]
        message = _("line {line}: no node named {name!r} in this exercise: the row is ignored")
        return self.sheet.notes + [message.format(line=line, name=name) for line, name in sorted(extra)]


def _gradient_depends(edges) -> list[tuple[str, str]]:
    """What a gradient's recomputation reads: each user's gradient and the values its local gradient reads."""
    depends: list[tuple[str, str]] = []
    for edge in edges:
        consumer = edge.consumer
        depends.append((consumer.node, "gradient"))
        depends += [(name, "value") for name in edge.reads]
    return list(dict.fromkeys(depends))
