"""The fast CSV engine of ``batch``, on polars.

Python formats a float in about a microsecond, so a CSV writer in Python tops out
near 10^5 rows/s; polars reads and writes CSV in native code, streaming in
chunks. This engine takes the clean common case — every variable cell a number,
every row as wide as the header — and raises ``NotClean`` at the first thing it
cannot explain by line, so that ``batch/command.py`` re-runs the input on the row-by-row
engine, which reports bad rows with their line numbers. Floats are written in
polars' shortest round-trip form (``1e-5`` may read ``0.00001``, nan ``NaN``): the
same numbers as the row-by-row engine's ``repr``. Polars' float parsing accepts a
subset of grad's number rule (no ``1_000``, no spaces, ASCII digits only); a cell
it refuses goes to the row-by-row engine, which applies the rule itself.
"""

from __future__ import annotations

import importlib.util
import os

ENGINE_VARIABLE = "BACKPROP_CSV_ENGINE"  # "python" forces the row-by-row engine
PARSED = "\0parsed "  # prefix of the parsed copies of the variable columns (no CSV header has it)
CHUNK = 262144  # rows per chunk: polars' per-chunk costs fade by here; a chunk's own data is tens of MB
ASCII_SPACE = " \t\n\r\x0b\x0c"  # the spaces grad's number rule allows around a number (not U+00A0)


class NotClean(Exception):
    """The input needs the row-by-row engine (a bad row, ragged lines, odd header)."""


def available() -> bool:
    """polars is installed and not switched off."""
    return os.environ.get(ENGINE_VARIABLE, "").lower() != "python" and importlib.util.find_spec("polars") is not None


def run(path: str, program, layout, request, stream, tally) -> None:
    """Evaluate every row of the CSV at ``path`` and write the output CSV to ``stream``."""
    import polars as pl

    width = len(layout.header)
    lines = _LineNumbers(layout.first_line, _has_quote(path))
    try:
        scan = pl.scan_csv(path, infer_schema=False)  # every cell as its text, to be written back as it was
        # the variables parsed as numbers too, by polars' streaming engine on its own threads
        scan = scan.with_columns([pl.col(name).cast(pl.Float64, strict=False).alias(PARSED + name) for name in layout.variables])
        first = True
        for both in scan.collect_batches(chunk_size=request.chunk_size or CHUNK):
            frame, parsed = both[:, :width], both[:, width:]
            if list(frame.columns) != layout.header:
                raise NotClean("header")
            _chunk(pl, frame, parsed, program, layout, request, tally, lines).write_csv(stream, include_header=first)
            first = False
        if first:  # no data rows: still the header line
            stream.write(",".join(layout.output_header) + "\n")
    except pl.exceptions.PolarsError as error:
        raise NotClean(str(error)) from None


def _chunk(pl, frame, parsed, program, layout, request, tally, lines):
    """The output frame of one chunk: its input columns, the results and ``pass``."""
    from .tally import count_non_finite, grade  # the same bookkeeping as the row-by-row engine

    numbers = _floats(pl, frame, parsed, layout.variables)
    rows = frame.height
    columns = {name: numbers[name].to_numpy() for name in layout.variables}
    value, grads = program.run(columns, rows)
    results = {"f": value} | {f"df/d{name}": grads[name] for name in layout.variables}
    import numpy as np

    tally.rows_in += rows
    non_finite = count_non_finite(list(results.values()), lines.of(pl, frame, tally), tally)
    out = pl.DataFrame({name: np.ascontiguousarray(array, dtype=float) for name, array in results.items()})
    if non_finite and any(np.isnan(array).any() for array in results.values()):
        # write nan as the row-by-row engine (and Python) does, not polars' NaN
        nan_as_text = [pl.when(pl.col(c).is_nan()).then(pl.lit("nan")).otherwise(pl.col(c).cast(pl.String)) for c in out.columns]
        out = out.select([expression.alias(c) for expression, c in zip(nan_as_text, out.columns)])
    if layout.expected:
        passed = grade(list(results.values()), _expected(pl, frame, layout), layout, request.tol, tally)
        out = out.with_columns(pl.Series("pass", np.where(passed, "true", "false")))
    tally.rows_out += rows
    return pl.concat([frame, out], how="horizontal")


def _floats(pl, frame, parsed, names: list[str]):
    """The variable columns as float64; surrounding spaces are allowed, as float() allows them."""
    numbers = parsed.rename({PARSED + name: name for name in names})
    if numbers.null_count().sum_horizontal().item():
        numbers = frame.select([pl.col(name).str.strip_chars(ASCII_SPACE).cast(pl.Float64, strict=False) for name in names])
        if numbers.null_count().sum_horizontal().item():
            raise NotClean("a variable cell is not a number")
    return numbers


def _expected(pl, frame, layout):
    texts = frame.select([pl.col(c).str.strip_chars(ASCII_SPACE) for c in layout.expected.values()])
    numbers = texts.select([pl.col(c).cast(pl.Float64, strict=False) for c in texts.columns])
    given = texts.select([(pl.col(c).is_not_null() & (pl.col(c) != "")) for c in texts.columns])
    if (given.to_numpy() & numbers.select(pl.all().is_null()).to_numpy()).any():
        raise NotClean("an expected cell is not a number")
    return numbers.to_numpy().astype(float)  # null (an empty cell) -> nan: not graded


class _LineNumbers:
    """The line each row starts on, for the first row with an inf or nan result.

    Row i of clean input is on line first + i, plus the line breaks inside the quoted
    fields of the rows before it; those are counted only in a file that has a quote.
    """

    def __init__(self, first: int, quoted: bool) -> None:
        self.next, self.quoted = first, quoted

    def of(self, pl, frame, tally):
        import numpy as np

        rows, start = frame.height, self.next
        if not self.quoted or tally.first_non_finite is not None:  # no longer needed once one is found
            self.next += rows
            return range(start, start + rows)
        breaks = frame.select(pl.sum_horizontal(pl.all().str.count_matches(r"\r\n|\r|\n").fill_null(0))).to_series()
        breaks = breaks.to_numpy().astype(np.int64)
        before = np.cumsum(breaks) - breaks
        self.next += rows + int(breaks.sum())
        return start + np.arange(rows) + before


def _has_quote(path: str) -> bool:
    """Whether the file has a '"' anywhere (one pass at memory speed): only then can a field span lines."""
    import mmap

    with open(path, "rb") as file:
        try:
            with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return data.find(b'"') != -1
        except ValueError:  # an empty file
            return False
