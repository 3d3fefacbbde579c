"""``backprop batch``: value and every gradient for many binding rows (SPEC §8).

One parse, one staging, then the rows in chunks: parse a chunk's numbers into
arrays, run the array engine's ``RowProgram`` over the whole chunk, grade it if
asked, write it.
Every input row is either written or reported: rows in = rows out + rows reported.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace

from ..engine.arrays import RowProgram
from ..errors import UsageError
from ..i18n import _
from ..inputs.bindings import read_expression
from ..language.graph import Graph, stage
from ..render import files
from ..report.checks import parse_tolerance
from ..rules.table import VECTOR_RULES
from . import input_copy, polars_engine, rows_in, rowwise
from . import layout as batch_layout
from . import output as batch_output
from . import tally as batch_tally


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
    chunk_size: int | None = None  # None: ROW_CHUNK rows, or batch.polars_engine.CHUNK on the polars engine
    convention: str = "pytorch"
    fuse: tuple[str, ...] = ()
    output_name: str | None = None


def run_batch(request: BatchRequest, stdin=None, stdout=None, stderr=None) -> None:
    """Run one ``batch`` request; raises BackpropError subclasses for the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if request.chunk_size is not None and request.chunk_size < 1:
        raise UsageError(_("--chunk-size must be at least 1"))
    request = replace(request, tol=parse_tolerance(request.tol))  # the Python API bypasses the command line
    if request.expression == "-" and request.input == "-":
        raise UsageError(_("the expression and the rows cannot both come from standard input"))
    graph = stage(read_expression(request.expression, stdin), request.fuse, request.output_name)
    if graph.needs_arrays():
        message = _("batch evaluates scalar expressions; {operators} need grad's vector mode")
        raise UsageError(message.format(operators=array_only_operators()))
    target = batch_output.output_target(request.output, request.input, stdin, stdout)
    with files.removed_on_signals():
        try:
            tally = _run(graph, target, request, stdin, stdout, stderr)
        except OSError as error:  # a full disk, a device that refuses the write
            raise UsageError(batch_output.failure_message(error)) from None
    batch_tally.finish(tally, request.expect_columns, stderr)


def _run(graph: Graph, target, request: BatchRequest, stdin, stdout, stderr) -> batch_tally.Tally:
    """Read, compute and write every row; the output is put in place only if the run may write it."""
    copy = polars_engine.available() and not request.json
    with input_copy.input_file(request.input, stdin, copy=copy) as path:
        reader = rows_in.open_reader(path, stdin, request.input)
        json_lines = isinstance(reader, rows_in.JsonLinesReader)
        layout = batch_layout.Layout(graph, reader.header, request.expect_columns, json_lines, reader.header_lines + 1)
        spool = batch_output.spool(target)
        try:
            program = RowProgram(graph, request.convention)  # compiled once, run on every chunk
            tally = _run_engines(path, reader, program, layout, request, spool, stdin, stderr, fast=not json_lines)
            if tally.bad and not request.skip_bad:
                raise UsageError(_("{problem} (nothing written; --skip-bad writes the good rows)").format(problem=tally.bad[0]))
            spool.commit(stdout)
        except BaseException:
            spool.discard()
            raise
    return tally


def _run_engines(path, reader, program: RowProgram, layout, request, spool, stdin, stderr, fast: bool) -> batch_tally.Tally:
    """The polars engine for clean CSV when installed; the row-by-row engine otherwise or after it."""
    if fast and path != "-" and not request.json and polars_engine.available():
        tally = batch_tally.Tally()
        try:
            polars_engine.run(path, program, layout, request, spool.stream, tally)
            return tally
        except polars_engine.NotClean:
            spool.reset()
            reader = rows_in.open_reader(path, stdin, request.input)
    tally = batch_tally.Tally()
    writer = rowwise.writer_for(request, spool.stream, layout)
    for chunk in reader.chunks(request.chunk_size or rowwise.ROW_CHUNK):
        rowwise.process(chunk, program, layout, request, writer, tally, stderr)
    return tally


def array_only_operators() -> str:
    """The operators only vector mode has (the table's rows with a ``vjp``): "@, dot, ... and norm"."""
    names = [row.infix.spellings[0] if row.infix else row.name for row in VECTOR_RULES.values()]
    return ", ".join(names[:-1]) + _(" and ") + names[-1] if len(names) > 1 else "".join(names)
