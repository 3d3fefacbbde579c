"""Rows in for ``batch``: CSV (header = column names) or JSON Lines, in chunks.

Readers yield chunks of ``Row`` records (the line the record starts on, its cells or
object, or what is wrong with it) so that memory stays bounded whatever the input
size. Input is read as UTF-8 (a byte-order mark is dropped); a record with bytes
that are not UTF-8 is a bad row, not the end of the run. The output side (the
temporary file renamed into place) is ``batch.output``; a pipe or standard input
copied to a file for the polars engine, ``batch.input_copy``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice

from .. import limits
from ..errors import UsageError
from ..i18n import _
from ..inputs.files import os_reason, repeated_key

FIELD_LIMIT = 1 << 24  # characters in one CSV field on the row-by-row engine; a longer one is a bad row
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of bytes that are not UTF-8
_QUOTED_FIELD = re.compile(r'"[^"]*(?:""[^"]*)*"')  # from its opening quote to the closing one ("" is a quote)
_PLAIN_FIELD = re.compile(r"[^,\r\n]*")  # a quote inside an unquoted field is an ordinary character


@dataclass(slots=True)
class Row:
    """One input record: the line it starts on, its fields, or why it cannot be read."""

    line: int
    fields: list[str] | dict
    problem: str | None = None
    raw: str | None = None  # JSON Lines: the line as read, written back untouched


class _Lines:
    """The input's lines, counted, with the lines of the current record kept so they can be read again."""

    def __init__(self, lines) -> None:
        self.source = iter(lines)
        self.pending: list[str] = []  # lines given back, last first
        self.number = 0  # lines handed out so far
        self.taken: list[str] = []  # the lines of the record being read
        self.ended = False  # the record being read ran into the end of the input

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pending:
            line = self.pending.pop()
        else:
            try:
                line = next(self.source)
            except StopIteration:
                self.ended = True
                raise
        self.number += 1
        self.taken.append(line)
        return line

    def begin_record(self) -> int:
        """Forget the previous record's lines; the number of the line the next record starts on."""
        self.taken = []
        self.ended = False
        return self.number + 1

    def give_back(self, lines: list[str]) -> None:
        self.pending.extend(reversed(lines))
        self.number -= len(lines)


class CsvReader:
    """A CSV with a header row; blank lines are not rows.

    Records follow Python's ``csv`` module (RFC 4180 quoting). A quoted field that is
    never closed, or whose closing quote is followed by something other than a comma
    or the end of the line, makes its record a bad row reported at the line where that
    field opens; the lines after that one are read again as rows of their own, so one
    stray quote does not swallow the rest of the file.
    """

    def __init__(self, lines) -> None:
        csv.field_size_limit(FIELD_LIMIT)
        self.lines = _Lines(lines)
        self.reader = csv.reader(self.lines)
        self.records = self._records()
        first = next(self.records, None)
        if first is None:
            raise UsageError(_("the input has no header row (CSV: the first line names the columns)"))
        if first.problem:
            message = _("the header row (line {line}) cannot be read: {problem}")
            raise UsageError(message.format(line=first.line, problem=first.problem))
        self.header = [name.strip() for name in first.fields]
        self.header_lines = self.lines.number  # lines up to the end of the header (blank lines before it included)

    def chunks(self, size: int) -> Iterator[list[Row]]:
        while chunk := list(islice(self.records, size)):
            yield chunk

    def _records(self) -> Iterator[Row]:
        lines, reader = self.lines, self.reader
        while True:
            start = lines.begin_record()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # a field over FIELD_LIMIT (the reader goes on at the next line)
                too_long = "field limit" in str(error)
                if too_long:
                    problem = _("a field is longer than {limit} characters").format(limit=f"{FIELD_LIMIT:,}")
                else:
                    problem = _("not valid CSV ({reason})").format(reason=error)
                yield self._misquoted(start) or Row(start, [], problem)
                continue
            if not cells:
                continue
            taken = lines.taken
            if len(taken) == 1 and not lines.ended and taken[0].isascii() and '"' not in taken[0]:
                yield Row(start, cells)  # the common case: one plain line
                continue
            yield self._misquoted(start) or _not_utf8(start, taken) or Row(start, cells)

    def _misquoted(self, start: int) -> Row | None:
        """The record as a bad row if its quoting is broken; its later lines are read again."""
        taken = self.lines.taken
        found = _quoting_problem("".join(taken))
        if found is None:
            return None
        position, what = found
        index = 0
        while position >= len(taken[index]):  # the line the bad field opens on
            position -= len(taken[index])
            index += 1
        self.lines.give_back(taken[index + 1 :])
        message = _("the quoted field that opens here (column {column}) {what}")
        return Row(start + index, [], message.format(column=position + 1, what=what))


def _quoting_problem(text: str) -> tuple[int, str] | None:
    """Where the first quoted field of a record's text goes wrong, and how; None if none does."""
    position, end = 0, len(text)
    while position < end:
        if text[position] == '"':
            match = _QUOTED_FIELD.match(text, position)
            after = match.end() if match else end
            if match is None or text.startswith('"', after):
                return position, _("is never closed")
            if after < end and text[after] not in ",\r\n":
                what = _('is closed by a quote followed by {char!r} (a quote inside a field is written "")')
                return position, what.format(char=text[after])
        else:
            after = _PLAIN_FIELD.match(text, position).end()
        position = after + 1  # past the comma or line break
    return None


def _not_utf8(line_number: int, lines: list[str]) -> Row | None:
    for offset, line in enumerate(lines):
        found = None if line.isascii() else _NOT_UTF8.search(line)
        if found:
            byte = ord(found.group()) - 0xDC00
            column = _("column {column}").format(column=found.start() + 1)
            where = _("line {line}, {column}").format(line=line_number + offset, column=column) if offset else column
            return Row(line_number, [], _("not valid UTF-8 (byte {byte} at {where})").format(byte=f"0x{byte:02x}", where=where))
    return None


class JsonLinesReader:
    """One JSON object per line; the first good object's keys are the columns shown first.

    Bad lines before it (up to ``LOOKAHEAD``) are held back and reported in their
    place, so that under ``--skip-bad`` a bad first line does not drop the input
    columns (a student id) from every written row.
    """

    LOOKAHEAD = 1024

    def __init__(self, lines) -> None:
        numbered = ((number, text) for number, text in enumerate(lines, start=1) if text.strip())
        self.rows = (_json_object(number, text) for number, text in numbered)
        ahead = []
        for row in islice(self.rows, self.LOOKAHEAD):
            ahead.append(row)
            if not row.problem:
                break
        good = [row for row in ahead if not row.problem]
        self.header = list(good[0].fields) if good else []
        self.header_lines = 0
        self.rows = chain(ahead, self.rows)

    def chunks(self, size: int) -> Iterator[list[Row]]:
        while chunk := list(islice(self.rows, size)):
            yield chunk


def _json_object(number: int, text: str) -> Row:
    if not text.isascii():
        bad = _not_utf8(number, [text])
        if bad:
            return bad
    try:
        value = json.loads(text, parse_int=_json_integer, object_pairs_hook=_object_without_repeats)
    except _RepeatedKey as repeated:
        return Row(number, {}, _("the key {key!r} appears twice (which value is meant?)").format(key=repeated.args[0]))
    except json.JSONDecodeError as error:
        return Row(number, {}, _("not valid JSON ({reason})").format(reason=error.msg))
    except RecursionError:
        return Row(number, {}, _("not valid JSON (nested too deeply)"))
    if not isinstance(value, dict):
        return Row(number, {}, _("not a JSON object"))
    return Row(number, value, raw=text.strip())


class _RepeatedKey(Exception):
    pass


def _object_without_repeats(pairs: list[tuple]) -> dict:
    """A JSON object, refused when a key repeats, as a CSV header with a duplicate column is."""
    twice = repeated_key(key for key, _ in pairs)
    if twice is not None:
        raise _RepeatedKey(twice)
    return dict(pairs)


def _json_integer(text: str):
    """A JSON integer; one too long for Python's int() (4300 digits) stays its digits, which
    pass through as written and, as a variable, read as grad reads them (inf)."""
    try:
        value = int(text)
    except ValueError:
        return text
    return -0.0 if value == 0 and text.startswith("-") else value  # -0 is -0.0, as grad reads it


def open_reader(path: str, stdin, shown: str | None = None):
    """CSV or JSON Lines: by the file name (.jsonl, .ndjson) or a first line starting with '{'.

    ``shown`` is the input as the user named it, when ``path`` is a temporary copy of it.
    """
    stream = _bounded_lines(_decoded(stdin) if path == "-" else _open(path), shown or path)
    head = []
    for line in stream:  # read up to the first non-blank line, then put it back
        head.append(line)
        if line.strip():
            break
    if head and head[0].startswith("\ufeff"):  # a byte-order mark (already dropped when read from a file)
        head[0] = head[0][1:]
    lines = chain(head, stream)
    if path.endswith((".jsonl", ".ndjson")) or "".join(head).lstrip().startswith("{"):
        return JsonLinesReader(lines)
    return CsvReader(lines)


def _bounded_lines(stream, path: str) -> Iterator[str]:
    """The stream's lines, each at most ``limits.MAX_INPUT_BYTES`` characters.

    A plain ``for line in stream`` reads a line whole however long it is: ``/dev/zero``
    or a file without line breaks would fill the memory before anything is said.
    """
    limit = limits.MAX_INPUT_BYTES
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit:
            raise UsageError(too_long_message(path, number))
        yield line


def too_long_message(path: str, number: int | None) -> str:
    where = _("line {line}").format(line=number) if number is not None else _("a line")
    shown = _("standard input") if path == "-" else path
    message = _("{path}: {where} is longer than the limit of {limit} characters")
    return message.format(path=shown, where=where, limit=f"{limits.MAX_INPUT_BYTES:,}")


def _decoded(stream):
    """Standard input as text that keeps bytes that are not UTF-8 (they make a bad row, not a crash)."""
    binary = getattr(stream, "buffer", None)
    if binary is None:  # already text (a StringIO in the tests, an API caller's stream)
        return stream
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")


def _open(path: str):
    try:
        return open(path, newline="", encoding="utf-8-sig", errors="surrogateescape")
    except OSError as error:
        raise UsageError(_("cannot read {what}: {reason}").format(what=path, reason=os_reason(error))) from None
