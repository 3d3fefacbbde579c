"""The default output: a Rich table of every node, then the variables (SPEC §5).

Rich is imported only here, so the scriptable outputs never pay for it. Plain
text, without ANSI codes, when stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..report.checks import CheckRow
from ..report.rows import NodeRows, VariableReport
from ..report.shapes import KINK, NAME, USES, Shape
from .cells import NodeCells, pattern_lines


def console(file=None) -> Console:
    """A console that writes plain text to pipes and when NO_COLOR is set."""
    file = file or sys.stdout
    terminal = file.isatty()
    plain = not terminal or "NO_COLOR" in os.environ
    # In a pipe Rich would wrap at 80 columns; a file has no width, so give room.
    width = None if terminal else int(os.environ.get("COLUMNS", 0)) or 160
    return Console(file=file, color_system=None if plain else "auto", width=width, highlight=False)


def _num(value: float) -> str:
    return f"{value:.6g}"


def table_title(expression: str, output: str, value: float) -> str:
    """The expression on one line, then the output's value."""
    shown = " ".join(expression.split())
    if len(shown) > 100:  # a generated expression: the title is a reminder, not the text
        shown = shown[:97] + "..."
    return f"{shown}   {output} = {_num(value)}"


NODE_COLUMNS = ["node", "op", "expr", "value", "∂{output}/∂node", "local gradient", "downstream", "pattern"]
VARIABLE_COLUMNS = ["variable", "value", "∂{output}/∂variable", "uses", "pattern"]
CHECK_COLUMNS = ["variable", "analytic", "numeric", "relative error", "result"]
_RIGHT = {"value", "∂{output}/∂node", "∂{output}/∂variable", "uses"}


def nodes_table(expression: str, value: float, nodes: NodeRows, output: str) -> Table:
    """One row per node in evaluation order."""
    table = Table(title=table_title(expression, output, value), title_justify="left")
    for header in NODE_COLUMNS:
        table.add_column(header.format(output=output), justify="right" if header in _RIGHT else "left")
    for shape, row, cells in NodeCells(nodes, "\n").between():
        table.add_row(Text(cells[0], style="bold"), *cells[1:], _pattern_cell(shape, row))
    return table


def _pattern_cell(shape: Shape, row: tuple) -> Text:
    first, *notes = pattern_lines(shape, row)
    cell = Text(first, style="bold cyan" if shape.pattern(row[USES]) else "dim")
    for note in notes:
        cell.append(f"\n{note}", style="bold red" if note.startswith("kink:") else "dim")
    return cell


def streamed_node_cells(nodes: NodeRows, start: int = 0, stop: int | None = None) -> Iterator[list[str]]:
    """The nodes' rows for the streamed layout: one line each, several entries joined by "; "."""
    for shape, row, cells in NodeCells(nodes, "; ").between(start, stop):
        if row[USES] < 2 and row[KINK] is None:
            cells.append(shape.gate or shape.op)
        else:
            cells.append("; ".join(pattern_lines(shape, row)))
        yield cells


def variables_table(variables: list[VariableReport], output: str) -> Table:
    """The leaves with their gradients; fan-out shows as the adder pattern."""
    table = Table(title="variables", title_justify="left")
    for header in VARIABLE_COLUMNS:
        table.add_column(header.format(output=output), justify="right" if header in _RIGHT else "left")
    for v in variables:
        table.add_row(
            Text(v.name, style="bold"), _num(v.value), Text(_num(v.grad), style="bold green"), str(v.uses), v.pattern or ""
        )
    return table


def variable_cells(v: VariableReport) -> list[str]:
    return [v.name, _num(v.value), _num(v.grad), str(v.uses), v.pattern or ""]


def check_table(rows: list[CheckRow]) -> Table:
    """``--check``: analytic against central finite difference, per variable."""
    table = Table(title="finite-difference check", title_justify="left")
    for header in CHECK_COLUMNS:
        table.add_column(header)
    for row in rows:
        verdict, style = _verdict(row)
        table.add_row(
            row.name, f"{row.analytic:.10g}", f"{row.numeric:.10g}", f"{row.relative_error:.2e}", Text(verdict, style=style)
        )
    return table


def _verdict(row: CheckRow) -> tuple[str, str]:
    if row.at_kink:
        return "kink: not comparable", "yellow"
    return ("ok", "green") if row.ok else ("FAIL", "bold red")


def check_cells(row: CheckRow) -> list[str]:
    return [row.name, f"{row.analytic:.10g}", f"{row.numeric:.10g}", f"{row.relative_error:.2e}", _verdict(row)[0]]


def print_tables(*tables: Table, file=None) -> None:
    """Print tables to stdout (or ``file``), separated by blank lines."""
    out = console(file)
    for index, table in enumerate(tables):
        if index:
            out.print()
        out.print(table)


# Above this many rows a table is streamed: Rich lays out a table as a whole
# (about a millisecond a row), so 200,000 rows would take minutes and gigabytes.
STREAM_ABOVE = 500
# The streamed layout's columns are as wide as their widest cell among the first
# and last SAMPLE rows, at most MAX_WIDTH; a wider cell pushes the rest of its line right.
SAMPLE = 100
MAX_WIDTH = 48


def streamed_table(title: str, headers: list[str], right: set[int], rows: Iterable[list[str]], sample: list[list[str]]):
    """A table as lines, written as its rows come: no box, columns two spaces apart.

    The same columns as the Rich table; a cell with several entries (one per
    input) joins them with "; ", so every row is one line.
    """
    widths = [min(MAX_WIDTH, max([len(header)] + [len(row[i]) for row in sample])) for i, header in enumerate(headers)]
    last = len(headers) - 1
    # One format call per row: "{0:<4}  {1:<3}  ...  {7}" (a wider cell keeps its whole text).
    row_format = "  ".join(
        f"{{{i}}}" if i == last else f"{{{i}:{'>' if i in right else '<'}{width}}}" for i, width in enumerate(widths)
    )
    yield title
    yield row_format.format(*headers)
    yield "  ".join("─" * width for width in widths)
    for row in rows:
        yield row_format.format(*row)


def print_report(stream, expression: str, value: float, nodes, variables, output: str, checks: list[CheckRow]) -> None:
    """The nodes, the variables and any checks; a table of over STREAM_ABOVE rows is streamed.

    ``nodes`` is a ``NodeRows``: a big graph's rows are made as they are written.
    """
    from .terminal import write_lines

    title = table_title(expression, output, value)
    sections = [
        (f"{title}   ({len(nodes):,} nodes, one line each)", NODE_COLUMNS, nodes, None),
        ("variables", VARIABLE_COLUMNS, variables, variable_cells),
        ("finite-difference check", CHECK_COLUMNS, checks, check_cells),
    ]
    rich_tables = [
        lambda rows: nodes_table(expression, value, rows, output),
        lambda rows: variables_table(rows, output),
        check_table,
    ]
    for index, ((heading, columns, rows, cells), rich_table) in enumerate(zip(sections, rich_tables)):
        if index == 2 and not checks:
            break
        if index:
            stream.write("\n")
        if len(rows) <= STREAM_ABOVE:
            print_tables(rich_table(rows if cells is None else list(rows)), file=stream)
            continue
        headers = [c.format(output=output) for c in columns]
        right = {i for i, c in enumerate(columns) if c in _RIGHT}
        if cells is None:  # the nodes: only the first and last SAMPLE rows are made twice
            count = len(rows)
            sample = [*streamed_node_cells(rows, 0, SAMPLE), *streamed_node_cells(rows, max(SAMPLE, count - SAMPLE))]
            lines = streamed_node_cells(rows)
        else:
            sample, lines = [cells(r) for r in [*rows[:SAMPLE], *rows[SAMPLE:][-SAMPLE:]]], map(cells, rows)
        write_lines(stream, streamed_table(heading, headers, right, lines, sample))


def write(report, stream) -> None:
    """The default output of ``grad`` (``render.formats``): nodes, variables, any checks."""
    result = report.result
    if report.nodes.arrays:
        write_arrays(report, stream)
        return
    print_report(stream, report.source, result.value, report.nodes, report.variables, report.output, report.checks)


ARRAY_NODE_COLUMNS = [
    "node",
    "op",
    "expr",
    "shape",
    "value",
    "∂{output}/∂node",
    "local (vector–Jacobian product)",
    "upstream · Jacobian → downstream",
    "pattern",
]
ARRAY_VARIABLE_COLUMNS = ["variable", "shape", "value", "∂{output}/∂variable", "uses"]


def write_arrays(report, stream) -> None:
    """Vector mode's tables (SPEC §5b): shapes, and per edge upstream · Jacobian → downstream."""
    from ..report.arrays import ArrayText

    output = report.output
    nodes = Table(title=table_title(report.source, output, report.result.value), title_justify="left")
    for header in ARRAY_NODE_COLUMNS:
        nodes.add_column(header.format(output=output))
    for shape, row in report.nodes.rows():
        value, grad = row[shape.value], row[shape.grad]
        edges = shape.edge_texts(row)
        pattern = (shape.pattern(row[USES]) or shape.op) + (f"\nkink: {row[KINK]}" if row[KINK] else "")
        local = "\n".join(f"∂/∂{name}: {text}" for name, text, _, _ in edges)
        shapes = "\n".join(f"{name}: {grad.shape} · {jacobian} → {down.shape}" for name, _, jacobian, down in edges)
        nodes.add_row(
            row[NAME], shape.op, shape.text(shape.expr).format(*row), value.shape, f"{value}", f"{grad}", local, shapes, pattern
        )
    variables = Table(title="variables", title_justify="left")
    for header in ARRAY_VARIABLE_COLUMNS:
        variables.add_column(header.format(output=output))
    for v in report.variables:
        value, grad = ArrayText(v.value), ArrayText(v.grad)
        variables.add_row(v.name, value.shape, f"{value}", f"{grad}", str(v.uses))
    print_tables(nodes, variables, file=stream)
    for check in report.checks:
        stream.write(check.summary() + "\n")
