"""A class list: the students' ids from a CSV file with an ``id`` column, each safe as a file name.

The id column is ``id``, ``student`` or ``student_id`` (any case); other columns are
ignored. A spreadsheet's habits are read: a byte-order mark, semicolons instead of
commas. An empty or repeated id is refused with its line number, and so is an id that
cannot name a file (``a/b``, ``..``); spaces in an id become ``_`` in its file name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from ..errors import UsageError
from ..i18n import _
from ..inputs.files import read_text_file

ID_COLUMNS = ("id", "student", "student_id")
# Letters (any script), digits, "_", "-" and "."; not starting with "." or "-".
_SAFE = re.compile(r"[^\W][\w.-]*")
_MAX_NAME = 100
# Names Windows keeps for devices, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}


@dataclass
class Student:
    """One student of the roster: the id as written (in the key and the sheet) and its file name stem."""

    id: str
    file_stem: str
    line: int


def read_roster(path: str) -> list[Student]:
    """The students of the roster file at ``path``, in its order."""
    text = read_text_file(path, _("roster {path}").format(path=path))
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    if not rows:
        raise UsageError(_("roster {path} is empty: it needs a header with an id column").format(path=path))
    column = _id_column(rows[0], path)
    students: list[Student] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(field.strip() for field in row):
            continue  # a blank line, as spreadsheets leave at the end
        ident = row[column].strip() if column < len(row) else ""
        where = _("{path} line {line}").format(path=path, line=line)
        if not ident:
            raise UsageError(_("{where}: the student id is empty").format(where=where))
        stem = file_stem(ident, where)
        first = seen.setdefault(stem.lower(), line)
        if first != line:
            if any(student.id == ident for student in students):
                message = _("{where}: student id {id!r} is already on line {first}")
            else:
                message = _(
                    "{where}: student id {id!r} would share a file name with line {first} (ids differing only in case or spaces)"
                )
            raise UsageError(message.format(where=where, id=ident, first=first))
        students.append(Student(ident, stem, line))
    if not students:
        raise UsageError(_("roster {path} has no students").format(path=path))
    return students


def _delimiter(text: str) -> str:
    """A comma, or a semicolon when the header line has semicolons and no comma (a European spreadsheet)."""
    header = text.split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


def _id_column(header: list[str], path: str) -> int:
    names = [name.strip().lower() for name in header]
    for wanted in ID_COLUMNS:
        if wanted in names:
            return names.index(wanted)
    message = _("roster {path} has no id column (a header named id, student or student_id); its columns: {names}")
    raise UsageError(message.format(path=path, names=", ".join(header)))


def file_stem(ident: str, where: str) -> str:
    """The file name (without extension) of a student's sheet: the id, spaces as ``_``; refused
    when it would not be a plain file name in the folder."""
    stem = re.sub(r"\s+", "_", ident)
    if not _SAFE.fullmatch(stem) or len(stem) > _MAX_NAME or stem.split(".")[0].lower() in _RESERVED:
        message = _("{where}: student id {id!r} cannot be a file name (use letters, digits, '_', '-' and '.')")
        raise UsageError(message.format(where=where, id=ident))
    return stem
