"""Rows in and out for ``batch``: CSV (header = column names) or JSON Lines, in chunks.

Readers yield chunks of ``Row`` records (line number, the cells or object as read)
so that memory stays bounded whatever the input size. Writers put the input's
own fields first, then the results. Output goes to a temporary file next to its
destination and is renamed into place only when the run succeeds, so an
interrupted or failed run never leaves a file that looks complete.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice

from .errors import UsageError


@dataclass
class Row:
    """One input record: where it was, and its fields."""

    line: int
    fields: list[str] | dict


class CsvReader:
    """A CSV with a header row; blank lines are not rows."""

    def __init__(self, lines) -> None:
        self.reader = csv.reader(lines)
        self.header = next((row for row in self.reader if row), None)
        if self.header is None:
            raise UsageError("the input has no header row (CSV: the first line names the columns)")
        self.header = [name.strip() for name in self.header]

    def chunks(self, size: int) -> Iterator[list[Row]]:
        reader = self.reader
        rows = (Row(reader.line_num, cells) for cells in reader if cells)
        while chunk := list(islice(rows, size)):
            yield chunk


class JsonLinesReader:
    """One JSON object per line; the first object's keys are the columns shown first."""

    def __init__(self, lines) -> None:
        numbered = ((number, text) for number, text in enumerate(lines, start=1) if text.strip())
        self.rows = (_json_object(number, text) for number, text in numbered)
        first = next(self.rows, None)
        self.header = list(first.fields) if first is not None and isinstance(first.fields, dict) else []
        self.rows = chain([first] if first is not None else [], self.rows)

    def chunks(self, size: int) -> Iterator[list[Row]]:
        while chunk := list(islice(self.rows, size)):
            yield chunk


def _json_object(number: int, text: str) -> Row:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return Row(number, f"not valid JSON ({error.msg})")
    return Row(number, value if isinstance(value, dict) else "not a JSON object")


def open_reader(path: str, stdin):
    """CSV or JSON Lines: by the file name (.jsonl, .ndjson) or a first line starting with '{'."""
    stream = stdin if path == "-" else _open(path)
    head = []
    for line in stream:  # read up to the first non-blank line, then put it back
        head.append(line)
        if line.strip():
            break
    lines = chain(head, stream)
    if path.endswith((".jsonl", ".ndjson")) or "".join(head).lstrip().startswith("{"):
        return JsonLinesReader(lines)
    return CsvReader(lines)


@contextmanager
def input_file(path: str, stdin, copy: bool):
    """The input as a path; standard input is copied to a temporary file when ``copy``
    (the fast engine reads a file, and may need to read it twice)."""
    if path != "-" or not copy:
        yield path
        return
    handle, temporary = tempfile.mkstemp(prefix=".backprop-batch-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", newline="") as spooled:
            shutil.copyfileobj(stdin, spooled)
        yield temporary
    finally:
        os.unlink(temporary)


def _open(path: str):
    try:
        return open(path, newline="")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None


class CsvWriter:
    def __init__(self, stream, header: list[str]) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(header)

    def write_many(self, rows) -> None:
        self.writer.writerows(rows)


class Spool:
    """Output written to a temporary file, moved into place only by ``commit``."""

    def __init__(self, destination: str | None) -> None:
        self.destination = destination
        folder = os.path.dirname(os.path.abspath(destination)) if destination else None
        try:
            handle, self.path = tempfile.mkstemp(prefix=".backprop-batch-", suffix=".part", dir=folder)
        except OSError as error:
            raise UsageError(f"cannot write next to {destination}: {error.strerror}") from None
        self.stream = os.fdopen(handle, "w", newline="")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.path, 0o666 & ~umask)  # mkstemp makes it private; the result is an ordinary file

    def commit(self, stdout=None) -> None:
        """Rename into place (``--output``), or copy to stdout."""
        self.stream.close()
        if self.destination:
            os.replace(self.path, self.destination)
            return
        stdout = stdout or sys.stdout
        binary = getattr(stdout, "buffer", None)  # bytes as they are: no decoding and encoding again
        with open(self.path, "rb" if binary else "r", newline=None if binary else "") as spooled:
            stdout.flush()
            shutil.copyfileobj(spooled, binary or stdout, 1 << 20)
        (binary or stdout).flush()
        os.unlink(self.path)

    def reset(self) -> None:
        """Forget what was written so far (the fast engine gave the input back)."""
        self.stream.seek(0)
        self.stream.truncate()

    def discard(self) -> None:
        self.stream.close()
        if os.path.exists(self.path):
            os.unlink(self.path)
