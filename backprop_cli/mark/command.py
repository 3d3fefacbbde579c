"""``backprop mark``: mark one sheet (``--key``) or a class (``--keys``, or several sheets).

One sheet: its cells as a table (or ``--json``) and its result line; exit 0 when it was
read, 2 when it could not be, 1 below ``--pass-mark``. A class: the results CSV (stdout
or ``--output``) and the item analysis (on stdout when the CSV goes to a file, else on
stderr; in ``--json`` one document on stdout); a sheet that cannot be marked gets its
reason in its row and the others are marked; at the end, exit 2 if a sheet was not
marked, else 1 if a student is below the pass mark, else 0 (docs/marking.md).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CheckFailed, UsageError
from ..i18n import _, ngettext
from ..inputs.files import read_text_file
from ..render import files
from ..report.checks import parse_tolerance
from ..report.worksheet import Key, read_keys
from .class_report import RESULT_COLUMNS, SheetResult, item_analysis, result_row
from .marking import mark_sheet
from .recompute import check_key
from .scoring import PassMark, parse_pass_mark, parse_points, points_text, score_sheet
from .sheets import Sheet, SheetError, read_sheet
from .show import class_document, print_items, print_sheet, sheet_document, write_json
from .writing import output_target, write_rows


@dataclass
class MarkRequest:
    """Everything the ``mark`` command line asked for."""

    sheets: list[str] = field(default_factory=list)
    key: str | None = None  # one exercise's key
    keys: str | None = None  # a class's keys, matched by #student (else the file name) or the exercise
    tol: float = 1e-6
    min_digits: int = 3
    points: str | None = None  # "right=1,carried=1,wrong=0"
    pass_mark: str | None = None  # "12" or "75%"
    json: bool = False
    output: str | None = None  # the class's results CSV


@dataclass
class _Settings:
    keys: list[Key]
    key_file: str
    tol: float
    min_digits: int
    points: dict[str, float]
    pass_mark: PassMark | None
    by_student: dict[str, list[Key]] = field(default_factory=dict)  # a class of 500: no search per sheet
    by_exercise: dict[str, list[Key]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key in self.keys:
            if key.student is not None:
                self.by_student.setdefault(key.student, []).append(key)
            self.by_exercise.setdefault(key.exercise, []).append(key)


def run_mark(request: MarkRequest, stdin=None, stdout=None, stderr=None) -> None:
    """Run one ``mark`` request; raises BackpropError subclasses for the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    settings = _settings(request)
    if request.keys is not None or len(request.sheets) > 1 or request.output is not None:
        _mark_class(request, settings, stdin, stdout, stderr)
        return
    result = mark_one(request.sheets[0], settings, stdin, single=True)
    if request.json:
        write_json(sheet_document(result), stdout)
    else:
        print_sheet(result, stdout)
    if result.passed is False:
        message = _("{student}: {points} points is below the pass mark")
        raise CheckFailed(message.format(student=result.student, points=points_text(result.score.points)))


def _settings(request: MarkRequest) -> _Settings:
    if not request.sheets:
        raise UsageError(_("name the sheets to mark: backprop mark SHEET.csv --key KEY.json"))
    if (request.key is None) == (request.keys is None):
        raise UsageError(_("give the answer key: --key FILE (one exercise) or --keys FILE (a class's keys), not both"))
    if not 1 <= request.min_digits <= 17:
        raise UsageError(_("--min-digits must be from 1 to 17, got {n}").format(n=request.min_digits))
    if request.sheets.count("-") > 1:
        raise UsageError(_("standard input (-) can be read only once"))
    points, pass_mark = parse_points(request.points), parse_pass_mark(request.pass_mark)
    key_file = request.key or request.keys
    keys = read_keys(read_text_file(key_file, _("key file {path}").format(path=key_file)), key_file)
    if not keys:
        raise UsageError(_("{file}: the key file holds no key").format(file=key_file))
    for key in keys:
        check_key(key, key_file)
    return _Settings(keys, key_file, parse_tolerance(request.tol), request.min_digits, points, pass_mark)


def mark_one(path: str, settings: _Settings, stdin=None, single: bool = False) -> SheetResult:
    """One sheet marked and scored; in a class, a sheet that cannot be marked is a result with
    its problem (``single``: the SheetError is raised, exit 2)."""
    result = SheetResult(path, "stdin" if path == "-" else Path(path).stem)
    try:
        sheet = read_sheet(path, stdin)
        result.student, result.exercise = sheet.student or result.student, sheet.exercise
        marked = mark_sheet(choose_key(settings, sheet, result.student), sheet, settings.tol, settings.min_digits)
    except SheetError as error:
        if single:
            raise
        result.problem = error.message
        return result
    result.marked, result.score = marked, score_sheet(marked, settings.points)
    if settings.pass_mark is not None:
        result.passed = settings.pass_mark.passed(result.score)
    return result


def choose_key(settings: _Settings, sheet: Sheet, student: str) -> Key:
    """The sheet's key: the only one, else the student's (of the sheet's exercise, if the student
    has several), else the only key of the sheet's exercise."""
    if len(settings.keys) == 1:
        return settings.keys[0]
    if student in settings.by_student:  # two weeks' keys joined name a student twice: the sheet's exercise
        mine = settings.by_student[student]
        return next((key for key in mine if key.exercise == sheet.exercise), mine[0])
    same = settings.by_exercise.get(sheet.exercise or "", [])
    if len(same) == 1:
        return same[0]
    message = _("{file}: no key in {keys} for student {student} (nor one key of exercise {exercise})")
    where = settings.key_file
    raise SheetError(message.format(file=sheet.where, keys=where, student=student, exercise=sheet.exercise or "?"))


def _mark_class(request: MarkRequest, settings: _Settings, stdin, stdout, stderr) -> None:
    target = output_target(request.output, [*request.sheets, settings.key_file], stdin, stdout)
    results = [mark_one(path, settings, stdin) for path in request.sheets]
    items = item_analysis(results)
    to_file = target.kind != "stdout"
    if to_file or not request.json:
        with files.removed_on_signals():  # no .part file left behind by a signal
            write_rows(target, RESULT_COLUMNS, [result_row(result) for result in results], stdout)
    if request.json:
        write_json(class_document(results, items), stdout, indent=None)
    else:
        print_items(results, items, stdout if to_file else stderr)
    _class_exit(results)


def _class_exit(results: list[SheetResult]) -> None:
    """Exit 2 if a sheet was not marked, else 1 if a student is below the pass mark."""
    count = len(results)
    unmarked = sum(result.marked is None for result in results)
    if unmarked:
        message = ngettext(
            "{bad} of {count} sheet could not be marked (its row says why)",
            "{bad} of {count} sheets could not be marked (their rows say why)",
            count,
        )
        raise UsageError(message.format(bad=unmarked, count=count))
    below = sum(result.passed is False for result in results)
    if below:
        message = ngettext(
            "{below} of {count} student is below the pass mark", "{below} of {count} students are below the pass mark", count
        )
        raise CheckFailed(message.format(below=below, count=count))
