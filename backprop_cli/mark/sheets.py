"""Reading a filled-in worksheet (the CSV of ``report.worksheet.SHEET_COLUMNS``) as students hand it in.

A sheet is UTF-8 with or without a byte-order mark, comma- or semicolon-separated (told
by its header line; with semicolons a number's decimal mark may be a comma), with
``#exercise`` and ``#student`` rows before the header. A spreadsheet's empty lines and
trailing empty columns are ignored. Rows are found by their node name, not their place.
What cannot be read as a sheet at all raises SheetError (one line, exit 2); what a row
or a cell gets wrong is left to the marking, cell by cell.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from ..errors import UsageError
from ..i18n import _
from ..inputs.files import MAX_INPUT_BYTES, decode_utf8, os_reason, read_text_stream

REQUIRED = ("node", "value", "gradient")
_BLANK = " \t,;\u00a0"


class SheetError(UsageError):
    """The file is not a worksheet that can be marked (exit 2; in a class, that student's row says why)."""


@dataclass
class SheetRow:
    """One row of a sheet: the texts in its value and gradient cells ("" when missing) and its line."""

    line: int
    value: str
    gradient: str
    problem: str = ""  # why neither cell can be read (in the run's language), or ""


@dataclass
class Sheet:
    """A student's sheet as written: its identity rows, its rows by node name, and the rows it ignored."""

    where: str  # the file as the user named it
    exercise: str | None
    student: str | None
    decimal_comma: bool  # semicolon-separated: "0,5" is a number
    rows: dict[str, SheetRow] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # rows without a name, or repeated, in the run's language


def read_sheet(path: str, stdin=None) -> Sheet:
    """The sheet in file ``path`` (``-``: standard input); raises SheetError when it is not one."""
    what = _("sheet {path}").format(path=path)
    try:
        text = read_text_stream(stdin, what) if path == "-" else _read_file(path, what)
    except UsageError as error:
        raise SheetError(error.message) from None
    return parse_sheet(text, path)


def _read_file(path: str, what: str) -> str:
    """A sheet file's text: bounded, UTF-8 (a byte-order mark dropped), not binary."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError as error:
        # the shell passes a pattern that matched nothing (submissions/*.csv) on as it is
        reason = _("no file matches the pattern") if any(c in path for c in "*?[") else os_reason(error)
        raise SheetError(_("cannot read {what}: {reason}").format(what=what, reason=reason)) from None
    except OSError as error:
        raise SheetError(_("cannot read {what}: {reason}").format(what=what, reason=os_reason(error))) from None
    if len(data) > MAX_INPUT_BYTES:
        raise SheetError(
            _("{what} is larger than the input limit of {limit} bytes").format(what=what, limit=f"{MAX_INPUT_BYTES:,}")
        )
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError(_("{what} is not a text file (it holds binary data): not a worksheet").format(what=what))
    return decode_utf8(data, what)


def parse_sheet(text: str, where: str) -> Sheet:
    """A sheet from its text (without a byte-order mark); ``where`` names it in messages.

    The header is the first line naming node, value and gradient (a title line a student
    added above it is passed over); its separators tell a comma- from a semicolon-separated file."""
    contents = [line for line in text.splitlines() if _is_content(line)]
    if not contents:
        raise SheetError(_("{file}: empty: not a worksheet").format(file=where))
    header_line = next((line for line in contents if _is_header(re.split("[,;]", line))), None)
    if header_line is None:
        found = ",".join(part.strip() for part in re.split("[,;]", contents[0]) if part.strip())[:60]
        message = _("{file}: not a worksheet: the header should be node,expr,value,gradient, found {found!r}")
        raise SheetError(message.format(file=where, found=found))
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    records = _records(text, delimiter, where)
    at = next((i for i, (_line, record) in enumerate(records) if _is_header(record)), None)
    if at is None:  # the header's words inside a quoted cell spanning lines
        raise SheetError(_("{file}: not a CSV worksheet ({reason})").format(file=where, reason="header"))
    identity = _identity([record for _line, record in records[:at]])
    names = [text.strip().strip('"').lower() for text in records[at][1]]
    columns = {name: names.index(name) for name in REQUIRED}
    sheet = Sheet(where, identity.get("exercise"), identity.get("student"), delimiter == ";")
    for line, record in records[at + 1 :]:
        _add_row(sheet, record, line, columns)
        if delimiter == "," and any(text.strip(_BLANK) for text in record[len(names) :]):
            _split_by_a_comma(sheet, record, line, columns)
    return sheet


def _split_by_a_comma(sheet: Sheet, record: list[str], line: int, columns: dict[str, int]) -> None:
    """A row with more cells than the header in a comma-separated sheet: a decimal comma typed
    in a cell (``3,5``) split it, and its numbers cannot be told apart (3 and 5 are not the
    value and the gradient)."""
    row = sheet.rows.get(record[columns["node"]].strip()) if columns["node"] < len(record) else None
    if row is None or row.line != line:
        return
    first = min(columns["value"], columns["gradient"])
    text = ",".join(record[first:]).rstrip(_BLANK)
    row.problem = _("{text!r} has a comma: write the decimal point as '.'").format(text=text)


def _records(text: str, delimiter: str, where: str) -> list[tuple[int, list[str]]]:
    """Every CSV record with the line it ends on."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)  # \r, \n or \r\n
    try:
        return [(reader.line_num, record) for record in reader]
    except csv.Error as error:
        raise SheetError(_("{file}: not a CSV worksheet ({reason})").format(file=where, reason=error)) from None


def _is_header(fields: list[str]) -> bool:
    names = {text.strip().strip('"').lower() for text in fields}
    return all(name in names for name in REQUIRED)


def _is_content(line: str) -> bool:
    """Not an empty line (a spreadsheet writes ``;;;``) and not an identity row."""
    stripped = line.strip(_BLANK)
    return bool(stripped) and not stripped.lstrip('"').startswith("#")


def _identity(records: list[list[str]]) -> dict[str, str]:
    """``#exercise,ID`` and ``#student,ID`` (any case, spaces and empty columns tolerated)."""
    found = {}
    for record in records:
        fields = [text.strip() for text in record if text.strip()]
        if len(fields) >= 2 and fields[0].startswith("#"):
            found.setdefault(fields[0][1:].strip().lower(), fields[1])
    return found


def _add_row(sheet: Sheet, record: list[str], line: int, columns: dict[str, int]) -> None:
    def cell(name: str) -> str:
        at = columns[name]
        return record[at] if at < len(record) else ""

    if not "".join(record).strip(_BLANK):
        return  # an empty line, or a spreadsheet's row of empty columns
    node = cell("node").strip()
    if node.startswith("#"):
        return  # a comment row
    if not node:
        sheet.notes.append(_("line {line}: a row without a node name is ignored").format(line=line))
    elif node in sheet.rows:
        message = _("line {line}: a second row for {node} is ignored (line {first} is marked)")
        sheet.notes.append(message.format(line=line, node=node, first=sheet.rows[node].line))
    else:
        sheet.rows[node] = SheetRow(line, cell("value"), cell("gradient"))
