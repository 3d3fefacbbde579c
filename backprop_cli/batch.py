"""``backprop batch``: value and every gradient for many binding rows (SPEC §8).

One parse, one staging, then the rows in chunks: parse a chunk's numbers into
arrays, run the array engine's ``RowProgram`` over the whole chunk, grade it if
asked, write it.
Every input row is either written or reported: rows in = rows out + rows reported.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field

import numpy as np

from . import batch_fast, batch_io, batch_output
from .array_engine import RowProgram
from .bindings import parse_number, read_expression
from .checks import within_arrays
from .errors import BackpropError, CheckFailed, NonFiniteError, UsageError
from .finite import non_finite_rows
from .graph import Graph, stage
from .input_files import repeated_key
from .render_json import number

EXPECTED_PREFIX = "expected_"
ROW_CHUNK = 65536  # rows per chunk of the row-by-row engine (Python lists of cells: ~50 MB)


@dataclass
class BatchRequest:
    """Everything the ``batch`` command line asked for."""

    expression: str
    input: str
    output: str | None = None
    json: bool = False
    expect_columns: bool = False
    tol: float = 1e-6
    skip_bad: bool = False
    chunk_size: int | None = None  # None: ROW_CHUNK rows, or batch_fast.CHUNK on the polars engine
    convention: str = "pytorch"
    fuse: tuple[str, ...] = ()
    output_name: str | None = None


@dataclass
class Tally:
    """What happened to the rows, for the summary and the exit code."""

    rows_in: int = 0
    rows_out: int = 0
    bad: list[str] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    non_finite: int = 0
    first_non_finite: int | None = None


class BadRow(Exception):
    """A row that cannot be evaluated (missing or extra column, not a number)."""


def run_batch(request: BatchRequest, stdin=None, stdout=None, stderr=None) -> None:
    """Run one ``batch`` request; raises BackpropError subclasses for the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if request.chunk_size is not None and request.chunk_size < 1:
        raise UsageError("--chunk-size must be at least 1")
    if request.tol < 0:
        raise UsageError("--tol must be zero or positive")
    if request.expression == "-" and request.input == "-":
        raise UsageError("the expression and the rows cannot both come from standard input")
    graph = stage(read_expression(request.expression, stdin), request.fuse, request.output_name)
    if graph.needs_arrays():
        raise UsageError("batch evaluates scalar expressions; @, sum, mean, dot and norm need grad's vector mode")
    target = batch_output.output_target(request.output, request.input, stdin, stdout)
    with batch_output.removed_on_signals():
        try:
            tally = _run(graph, target, request, stdin, stdout, stderr)
        except OSError as error:  # a full disk, a device that refuses the write
            raise UsageError(batch_output.failure_message(error)) from None
    _finish(request, tally, stderr)


def _run(graph: Graph, target, request: BatchRequest, stdin, stdout, stderr) -> Tally:
    """Read, compute and write every row; the output is put in place only if the run may write it."""
    copy = batch_fast.available() and not request.json
    with batch_io.input_file(request.input, stdin, copy=copy) as path:
        reader = batch_io.open_reader(path, stdin, request.input)
        json_lines = isinstance(reader, batch_io.JsonLinesReader)
        layout = Layout(graph, reader.header, request.expect_columns, json_lines, reader.header_lines + 1)
        spool = batch_output.Spool(target)
        try:
            program = RowProgram(graph, request.convention)  # compiled once, run on every chunk
            tally = _run_engines(path, reader, program, layout, request, spool, stdin, stderr, fast=not json_lines)
            if tally.bad and not request.skip_bad:
                raise UsageError(f"{tally.bad[0]} (nothing written; --skip-bad writes the good rows)")
            spool.commit(stdout)
        except BaseException:
            spool.discard()
            raise
    return tally


def _run_engines(path, reader, program: RowProgram, layout, request, spool, stdin, stderr, fast: bool) -> Tally:
    """The polars engine for clean CSV when installed; the row-by-row engine otherwise or after it."""
    if fast and path != "-" and not request.json and batch_fast.available():
        tally = Tally()
        try:
            batch_fast.run(path, program, layout, request, spool.stream, tally)
            return tally
        except batch_fast.NotClean:
            spool.reset()
            reader = batch_io.open_reader(path, stdin, request.input)
    tally = Tally()
    writer = _writer(request, spool.stream, layout)
    for chunk in reader.chunks(request.chunk_size or ROW_CHUNK):
        _process(chunk, program, layout, request, writer, tally, stderr)
    return tally


class Layout:
    """Which input columns are variables and expectations, and the output columns."""

    def __init__(self, graph: Graph, header: list[str], expect: bool, json_lines: bool, first_line: int = 2) -> None:
        self.header = header
        self.variables = list(graph.variables)
        self.json_lines = json_lines
        self.first_line = first_line  # the line of the first row (after the header)
        _refuse_duplicates(header)
        if not json_lines:
            missing = [name for name in self.variables if name not in header]
            if missing:
                raise UsageError(f"the input has no column for {', '.join(missing)} (its columns: {', '.join(header)})")
        self.index = {name: header.index(name) for name in self.variables} if not json_lines else {}
        self.results = ["f"] + [f"df/d{name}" for name in self.variables]
        self.expected: dict[str, str] = {}  # output column -> expected column
        if expect:
            self.expected = _expected_columns(header, self.results)
        self.added = self.results + (["pass"] if expect else [])
        clash = _clash(header, self.added)
        if clash:
            where = "its first object has a field" if json_lines else "it has a column"
            raise UsageError(f"the input cannot be used as it is: {where} {clash}")
        self.output_header = header + self.added


def _refuse_duplicates(header: list[str]) -> None:
    name = repeated_key(header)
    if name is not None:
        raise UsageError(f"the input has two columns named {name!r}: give each column its own name")


def _clash(names, added: list[str]) -> str | None:
    """How an input column or field would collide with a column batch adds, or None."""
    for name in added:
        if name in names:
            return (
                f"named {name!r}, like a column batch adds ({', '.join(added)}): rename it (input columns pass through untouched)"
            )
    return None


def _expected_columns(header: list[str], results: list[str]) -> dict[str, str]:
    """expected_f -> f, expected_dx -> df/dx (only those present)."""
    wanted = {result: EXPECTED_PREFIX + ("f" if result == "f" else "d" + result[4:]) for result in results}
    found = {result: column for result, column in wanted.items() if column in header}
    if not found:
        raise UsageError(f"--expect-columns: the input has none of the columns {', '.join(wanted.values())}")
    return found


def _writer(request: BatchRequest, stream, layout: Layout):
    if request.json:
        return _JsonWriter(stream, layout)
    return batch_output.CsvWriter(stream, layout.output_header)


class _JsonWriter:
    def __init__(self, stream, layout: Layout) -> None:
        self.stream, self.layout = stream, layout

    def write_many(self, rows) -> None:
        lines = []
        for row, results in rows:
            added = json.dumps(results, ensure_ascii=False)
            if row.raw is not None:  # a JSON line: written back as it was read, the results after its last field
                body = row.raw[:-1].rstrip()
                lines.append(body + ("" if body.endswith("{") else ", ") + added[1:])
            else:
                data = dict(zip(self.layout.header, row.fields))
                data.update(results)  # no name in common: Layout refuses a clash
                lines.append(json.dumps(data, ensure_ascii=False))
        if lines:
            self.stream.write("\n".join(lines) + "\n")


def _process(chunk: list, program: RowProgram, layout: Layout, request: BatchRequest, writer, tally: Tally, stderr) -> None:
    tally.rows_in += len(chunk)
    good, columns, expected = _parse_chunk(chunk, layout, tally, request.skip_bad, stderr)
    if not good:
        return
    value, grads = program.run(columns, len(good))
    results = [value] + [grads[name] for name in layout.variables]
    _count_non_finite(results, [row.line for row in good], tally)
    passed = _grade(results, expected, layout, request.tol, tally) if layout.expected else None
    writer.write_many(_output_rows(good, np.column_stack(results), passed, layout, request.json))
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
            message = f"line {row.line}: {problem}"
            tally.bad.append(message)
            if not skip_bad:
                return [], {}, None
            stderr.write(f"backprop: bad row: {message}\n")
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
        what = "missing column(s)" if len(cells) < len(layout.header) else "extra value(s)"
        raise BadRow(f"{what}: {len(cells)} values, the header has {len(layout.header)} columns")
    return [_number(cells[layout.index[name]], name) for name in layout.variables]


def _json_numbers(fields: dict, layout: Layout) -> list[float]:
    clash = _clash(fields, layout.added)
    if clash:
        raise BadRow(f"a field {clash}")
    values = []
    for name in layout.variables:
        if name not in fields:
            raise BadRow(f"no value for {name}")
        values.append(_number(fields[name], name))
    return values


def _number(value, name: str) -> float:
    """A cell or JSON value as a float, by grad's number rule (an empty cell is not a number)."""
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            raise BadRow(f"{name} is not a number: {value!r}")
        return number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRow(f"{name} is not a number: {value!r}")
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


def _count_non_finite(results: list[np.ndarray], lines, tally: Tally) -> bool:
    """Count the rows with an inf or nan result; True if there are any."""
    bad = non_finite_rows(results)
    if bad is None:
        return False
    tally.non_finite += int(bad.sum())
    if tally.first_non_finite is None:
        tally.first_non_finite = int(lines[int(np.argmax(bad))])
    return True


def _grade(results: list[np.ndarray], expected: np.ndarray, layout: Layout, tol: float, tally: Tally) -> np.ndarray:
    """Per row: every expected cell within tol (relative, with an absolute floor)."""
    got = np.column_stack([results[layout.results.index(result)] for result in layout.expected])
    graded = ~np.isnan(expected)  # an empty cell
    ok = np.where(graded, within_arrays(got, expected, tol), True).all(axis=1)
    tally.passed += int(ok.sum())
    tally.failed += int((~ok).sum())
    return ok


def _output_rows(good: list, results: np.ndarray, passed, layout: Layout, as_json: bool):
    if as_json:
        names = layout.results + (["pass"] if passed is not None else [])
        for i, row in enumerate(good):
            values = [number(v) for v in results[i].tolist()]
            if passed is not None:
                values.append(bool(passed[i]))
            yield row, dict(zip(names, values))
        return
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


def _finish(request: BatchRequest, tally: Tally, stderr) -> None:
    if request.expect_columns:
        stderr.write(f"graded {tally.passed + tally.failed} rows: {tally.passed} passed, {tally.failed} failed\n")
    problems: list[BackpropError] = []
    if tally.bad:
        problems.append(UsageError(f"{len(tally.bad)} bad row(s) reported; {tally.rows_out} of {tally.rows_in} rows written"))
    if tally.non_finite:
        problems.append(
            NonFiniteError(f"non-finite results in {tally.non_finite} row(s), the first at line {tally.first_non_finite}")
        )
    if tally.failed:
        problems.append(CheckFailed(f"{tally.failed} of {tally.passed + tally.failed} rows failed the expectations"))
    if problems:
        raise min(problems, key=lambda p: _SEVERITY[p.exit_code])


_SEVERITY = {2: 0, 3: 1, 1: 2}
