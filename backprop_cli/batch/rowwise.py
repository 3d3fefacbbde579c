"""``batch``'s row-by-row engine: any input (CSV or JSON lines, bad rows, odd cells),
each row checked by grad's number rule and reported by its line when it cannot be
evaluated; a chunk of clean rows is still converted in whole columns."""

from __future__ import annotations

import json
import math

import numpy as np

from ..engine.arrays import RowProgram
from ..i18n import _, ngettext
from ..inputs.bindings import parse_number
from ..render.json_document import number
from . import output
from .layout import Layout, clash_with
from .tally import Tally, count_non_finite, grade

ROW_CHUNK = 65536  # rows per chunk of the row-by-row engine (Python lists of cells: ~50 MB)


class BadRow(Exception):
    """A row that cannot be evaluated (missing or extra column, not a number)."""


def writer_for(request, stream, layout: Layout):
    if request.json:
        return _JsonWriter(stream, layout)
    return output.CsvWriter(stream, layout.output_header)


class _JsonWriter:
    def __init__(self, stream, layout: Layout) -> None:
        self.stream, self.layout = stream, layout

    def write_many(self, rows) -> None:
        lines = []
        for row, results, read in rows:
            added = json.dumps(results, ensure_ascii=False)
            if row.raw is not None:  # a JSON line: written back as it was read, the results after its last field
                body = row.raw[:-1].rstrip()
                lines.append(body + ("" if body.endswith("{") else ", ") + added[1:])
            else:  # a CSV row: the columns read as numbers written as those numbers, the rest as text
                data = dict(zip(self.layout.header, row.fields))
                data.update(read)
                data.update(results)  # no name in common: Layout refuses a clash
                lines.append(json.dumps(data, ensure_ascii=False))
        if lines:
            self.stream.write("\n".join(lines) + "\n")


def process(chunk: list, program: RowProgram, layout: Layout, request, writer, tally: Tally, stderr) -> None:
    tally.rows_in += len(chunk)
    good, columns, expected = _parse_chunk(chunk, layout, tally, request.skip_bad, stderr)
    if not good:
        return
    value, grads = program.run(columns, len(good))
    results = [value] + [grads[name] for name in layout.variables]
    count_non_finite(results, [row.line for row in good], tally)
    passed = grade(results, expected, layout, request.tol, tally) if layout.expected else None
    if request.json:
        writer.write_many(_json_rows(good, np.column_stack(results), passed, layout, (columns, expected)))
    else:
        writer.write_many(_output_rows(good, np.column_stack(results), passed, layout))
    tally.rows_out += len(good)


def _parse_chunk(chunk: list, layout: Layout, tally: Tally, skip_bad: bool, stderr):
    """Arrays of the variables (and expectations) for the chunk's good rows."""
    fast = None if layout.json_lines else _parse_clean_chunk(chunk, layout)
    if fast is not None:
        return fast
    good, numbers, expected = [], [], []
    for row in chunk:
        try:
            numbers.append(_row_numbers(row, layout))
            expected.append(_row_expected(row, layout))
            good.append(row)
        except BadRow as problem:
            message = _("line {line}: {problem}").format(line=row.line, problem=problem)
            tally.bad.append(message)
            if not skip_bad:
                return [], {}, None
            stderr.write("backprop: " + _("bad row: ") + message + "\n")
    matrix = np.array(numbers, dtype=float).reshape(len(good), len(layout.variables))
    columns = {name: matrix[:, i] for i, name in enumerate(layout.variables)}
    return good, columns, np.array(expected, dtype=float).reshape(len(good), len(layout.expected))


def _parse_clean_chunk(chunk: list, layout: Layout):
    """The common case in whole columns (NumPy converts the text); None if any row is off.

    A chunk with a short row (a row the reader could not read has no cells at all),
    a non-number or an empty expected cell goes the row-by-row way, which can say
    which line and why.
    """
    width = len(layout.header)
    cells = [row.fields for row in chunk]
    if any(len(row) != width for row in cells):
        return None
    positions = [layout.header.index(column) for column in layout.expected.values()]
    texts = {name: [row[i] for row in cells] for name, i in layout.index.items()}
    expected_texts = [row[i] for row in cells for i in positions]
    if not all(_plain_ascii(column) for column in [*texts.values(), expected_texts]):
        return None
    try:
        columns = {name: np.array(column, dtype=float) for name, column in texts.items()}
        expected = np.array(expected_texts, dtype=float).reshape(len(cells), len(positions))
    except ValueError:
        return None
    return chunk, columns, expected


def _plain_ascii(texts: list[str]) -> bool:
    """ASCII without '_': here what NumPy's float conversion accepts, grad's number rule accepts
    too (``1_000`` is the one difference; ``tests/test_batch_safety.py`` keeps it so)."""
    joined = "".join(texts)
    return joined.isascii() and "_" not in joined


def _row_numbers(row, layout: Layout) -> list[float]:
    if row.problem:
        raise BadRow(row.problem)
    if layout.json_lines:
        return _json_numbers(row.fields, layout)
    cells = row.fields
    if len(cells) != len(layout.header):
        what = _("missing column(s)") if len(cells) < len(layout.header) else _("extra value(s)")
        message = ngettext(
            "{what}: {count} value, the header has {columns} columns",
            "{what}: {count} values, the header has {columns} columns",
            len(cells),
        )
        raise BadRow(message.format(what=what, count=len(cells), columns=len(layout.header)))
    return [_number(cells[layout.index[name]], name) for name in layout.variables]


def _json_numbers(fields: dict, layout: Layout) -> list[float]:
    clash = clash_with(fields, layout.added)
    if clash:
        raise BadRow(_("a field {clash}").format(clash=clash))
    values = []
    for name in layout.variables:
        if name not in fields:
            raise BadRow(_("no value for {name}").format(name=name))
        values.append(_number(fields[name], name))
    return values


def _number(value, name: str) -> float:
    """A cell or JSON value as a float, by grad's number rule (an empty cell is not a number)."""
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            raise BadRow(_("{name} is not a number: {value!r}").format(name=name, value=value))
        return number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRow(_("{name} is not a number: {value!r}").format(name=name, value=value))
    try:
        return float(value)
    except OverflowError:  # a JSON integer beyond float's range: what float() of its digits gives
        return math.inf if value > 0 else -math.inf


def _row_expected(row, layout: Layout) -> list[float]:
    """Expected values, nan where a cell is empty (that result is not graded)."""
    values = []
    for column in layout.expected.values():
        text = row.fields.get(column, "") if isinstance(row.fields, dict) else row.fields[layout.header.index(column)]
        values.append(float("nan") if isinstance(text, str) and text.strip() == "" else _number(text, column))
    return values


def _json_rows(good: list, results: np.ndarray, passed, layout: Layout, read: tuple):
    """``(row, results, numbers read)`` per row for ``_JsonWriter``, every number by the JSON rule."""
    names = layout.results + (["pass"] if passed is not None else [])
    numbers = _read_numbers(good, layout, *read) if not layout.json_lines else [{}] * len(good)
    for i, row in enumerate(good):
        values = [number(v) for v in results[i].tolist()]
        if passed is not None:
            values.append(bool(passed[i]))
        yield row, dict(zip(names, values)), numbers[i]


def _read_numbers(good: list, layout: Layout, columns: dict, expected: np.ndarray) -> list[dict]:
    """Per CSV row, the cells the run read as numbers (variables, graded expectations) as those
    numbers: ``"x": -2.0`` as ``"f": -12.0`` is written. An empty expected cell stays ``""``;
    other columns (a student id such as ``007``) are not the run's numbers and stay text."""
    by_column = {name: [number(v) for v in columns[name].tolist()] for name in layout.variables}
    for j, column in enumerate(layout.expected.values()):
        position = layout.header.index(column)
        cells = [row.fields[position] for row in good]
        by_column[column] = [cell if cell.strip() == "" else number(v) for cell, v in zip(cells, expected[:, j].tolist())]
    return [dict(zip(by_column, values)) for values in zip(*by_column.values())] or [{}] * len(good)


def _output_rows(good: list, results: np.ndarray, passed, layout: Layout):
    texts = [list(map(repr, line)) for line in results.tolist()]
    if passed is not None:
        for line, ok in zip(texts, passed.tolist()):
            line.append("true" if ok else "false")
    for row, line in zip(good, texts):
        yield _csv_cells(row, layout) + line


def _csv_cells(row, layout: Layout) -> list[str]:
    if isinstance(row.fields, dict):  # JSON in, CSV out
        return [_cell(row.fields.get(name, "")) for name in layout.header]
    return row.fields


def _cell(value) -> str:
    """A JSON value as a CSV cell: a string as it is, a number as Python writes it, the rest as JSON."""
    if isinstance(value, str):
        return value
    if type(value) in (int, float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # true, null, [1, 2], {...}
