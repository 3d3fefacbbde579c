"""The fillable worksheet as CSV (BRIEF14 and report.worksheet): the sheet ``backprop mark`` reads.

UTF-8, comma-separated, "\\n" line ends; the ``#exercise`` and ``#student`` rows name the
sheet; one row per key cell, a variable's value given, every other cell blank. Data:
never translated.
"""

from __future__ import annotations

import csv
import io

from ..report.worksheet import SHEET_COLUMNS, Key
from .sheet import sheet_rows


def csv_sheet(key: Key) -> str:
    """The fillable sheet's text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["#exercise", key.exercise])
    if key.student is not None:
        writer.writerow(["#student", key.student])
    writer.writerow(SHEET_COLUMNS)
    for row in sheet_rows(key):
        writer.writerow([row.node, row.expr, row.value or "", ""])
    return out.getvalue()
