"""What ``mark`` shows: a sheet's cells as a table and its result line, a class's item analysis,
and both as JSON (docs/marking.md lists every field; the JSON keys and verdicts are data and
never translated; ``reason``, ``explanation`` and ``notes`` are for people, in the run's language).

The tables look like grad's (``render.table_layout``: borderless, fitted to the terminal or
stacked, plain text in a pipe). Rich is imported only when a table is drawn.
"""

from __future__ import annotations

import json

from ..i18n import N_, _, ngettext
from .class_report import Item, SheetResult
from .marking import CellMark
from .scoring import VERDICT_WORDS, result_line

FORMAT, CLASS_FORMAT, VERSION = "backprop-mark", "backprop-mark-class", 1
CELL_COLUMNS = [(N_("cell"), ""), (N_("answer"), ""), (N_("mark"), ""), (N_("key"), ""), (N_("note"), "")]
ITEM_COLUMNS = [(N_("cell"), ""), *((word, "") for word in VERDICT_WORDS.values()), (N_("most common mistake"), "")]


def number_text(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def cell_note(cell: CellMark) -> str:
    """Fix first, the diagnosed misconception, and why: what a student reads beside a cell."""
    parts = [_("fix first")] if cell.fix_first else []
    if cell.misconception is not None:
        parts.append(f"{_(cell.misconception.explanation)} [{cell.misconception.id}]")
    if cell.reason:
        parts.append(cell.reason)
    return "; ".join(parts)


def cell_json(cell: CellMark) -> dict:
    answer = cell.answer
    mistake = cell.misconception
    return {
        "node": cell.node,
        "cell": cell.column,
        "label": cell.label,
        "verdict": cell.verdict,
        "answer": answer.text if answer else None,
        "number": answer.number if answer else None,
        "expected": cell.expected,
        "recomputed": cell.recomputed,
        "fix_first": cell.fix_first,
        "misconception": mistake.id if mistake else None,
        "explanation": _(mistake.explanation) if mistake else None,
        "reason": cell.reason or None,
    }


def result_json(result: SheetResult) -> dict:
    """One sheet: its identity, score and cells, or why it could not be marked."""
    data = {"sheet": result.where, "student": result.student, "exercise": result.exercise, "status": result.status}
    if result.marked is None:
        return {**data, "problem": result.problem}
    score = result.score
    data.update(points=score.points, max_points=score.maximum, percent=round(score.percent, 2), passed=result.passed)
    data.update(counts=score.counts, cells=[cell_json(cell) for cell in result.marked.cells], notes=result.marked.notes)
    return data


def write_json(document: dict, stdout, indent: int | None = 1) -> None:
    """One JSON document; a class's is written on one line (indenting 500 sheets' cells triples the time)."""
    stdout.write(json.dumps(document, indent=indent) + "\n")  # ASCII, as grad's --json: any stdout takes it


def sheet_document(result: SheetResult) -> dict:
    return {"format": FORMAT, "version": VERSION, **result_json(result)}


def class_document(results: list[SheetResult], items: list[Item]) -> dict:
    students = [result_json(result) for result in results]
    return {"format": CLASS_FORMAT, "version": VERSION, "students": students, "items": [item.to_json() for item in items]}


def print_sheet(result: SheetResult, stdout) -> None:
    """A marked sheet: one row per asked cell, the notes about ignored rows, then the result line."""
    from rich.text import Text

    from ..render.table_layout import console, print_section

    out = console(stdout)
    marked = result.marked
    rows = [
        [
            Text(cell.label),
            Text(cell.answer.text if cell.answer else ""),
            Text(_(VERDICT_WORDS[cell.verdict])),
            Text(number_text(cell.expected)),
            Text(cell_note(cell)),
        ]
        for cell in marked.cells
    ]
    title = Text(_("{expression}   exercise {exercise}").format(**_identity(result)))
    print_section(out, title, CELL_COLUMNS, rows, marked.key.output)
    for note in marked.notes:
        out.print(Text(note))
    out.print(Text(result_line(result.student, result.score) + _passed_words(result)))


def _identity(result: SheetResult) -> dict:
    expression = " ".join(result.marked.key.expression.split())
    return {"exercise": result.exercise, "expression": expression if len(expression) <= 60 else expression[:57] + "..."}


def _passed_words(result: SheetResult) -> str:
    if result.passed is None:
        return ""
    return " " + (_("passed") if result.passed else _("below the pass mark"))


def print_items(results: list[SheetResult], items: list[Item], stream) -> None:
    """A class: each student's result line (or why a sheet was not marked), then the item analysis."""
    from rich.text import Text

    from ..render.table_layout import console, print_section

    lines = []  # one write: Rich's print per line would cost a second for a class of 500
    for result in results:
        if result.marked is None:
            lines.append(_("{student}: not marked: {problem}").format(student=result.student, problem=result.problem))
        else:
            lines.append(result_line(result.student, result.score) + _passed_words(result))
    stream.write("".join(line + "\n" for line in lines))
    out = console(stream)
    rows = [[Text(item.label), *(Text(str(item.counts[v])) for v in VERDICT_WORDS), Text(_mistake_text(item))] for item in items]
    if rows:
        out.print()
        print_section(out, Text(_item_title(_marked(results))), ITEM_COLUMNS, rows, "f")


def _item_title(count: int) -> str:
    return ngettext("Item analysis: {count} sheet marked", "Item analysis: {count} sheets marked", count).format(count=count)


def _marked(results: list[SheetResult]) -> int:
    return sum(result.marked is not None for result in results)


def _mistake_text(item: Item) -> str:
    if item.mistake is None:
        return ""
    return f"{item.mistake.id} ({item.mistake_count})"
