"""The default output: a Rich table of every node, then the variables (SPEC §5).

Rich is imported only here, so the scriptable outputs never pay for it. Plain
text, without ANSI codes, when stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .checks import CheckRow
from .report import NodeReport, VariableReport


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


def local_lines(node: NodeReport) -> list[str]:
    """``∂s1/∂x = s0 = 2`` per input (the number is left out where the text is that number)."""
    lines = []
    for g in node.locals:
        shown = f"∂{node.name}/∂{g.input} = {g.symbolic}"
        if g.symbolic != _num(g.value):
            shown += f" = {_num(g.value)}"
        lines.append(shown)
    return lines


def downstream_lines(node: NodeReport) -> list[str]:
    return [f"{g.input}: {_num(g.downstream)}" for g in node.locals]


def pattern_lines(node: NodeReport) -> list[str]:
    """The pattern (or op), then fan-out and kink notes."""
    lines = [node.pattern or node.op]
    if node.uses >= 2:
        lines.append(f"used {node.uses}×; gate: {node.gate or node.op}")
    if node.kink:
        lines.append(f"kink: {node.kink}")
    return lines


def _local_cell(node: NodeReport) -> Text:
    return Text("\n".join(local_lines(node)))


def _pattern_cell(node: NodeReport) -> Text:
    cell = Text(node.pattern or node.op, style="bold cyan" if node.pattern else "dim")
    if node.uses >= 2:
        cell.append(f"\nused {node.uses}×; gate: {node.gate or node.op}", style="dim")
    if node.kink:
        cell.append(f"\nkink: {node.kink}", style="bold red")
    return cell


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


def nodes_table(expression: str, value: float, nodes: list[NodeReport], output: str) -> Table:
    """One row per node in evaluation order."""
    table = Table(title=table_title(expression, output, value), title_justify="left")
    for header in NODE_COLUMNS:
        table.add_column(header.format(output=output), justify="right" if header in _RIGHT else "left")
    for node in nodes:
        table.add_row(
            Text(node.name, style="bold"),
            node.op,
            node.expr,
            _num(node.value),
            _num(node.grad),
            _local_cell(node),
            "\n".join(downstream_lines(node)),
            _pattern_cell(node),
        )
    return table


def node_cells(node: NodeReport) -> list[str]:
    """A node's row for the streamed layout: one line, several entries joined by "; "."""
    name, local, down = node.name, [], []
    for g in node.locals:  # local_lines and downstream_lines, inlined: this runs 200,000 times
        number = f"{g.value:.6g}"
        local.append(f"∂{name}/∂{g.input} = {g.symbolic}" + ("" if g.symbolic == number else f" = {number}"))
        down.append(f"{g.input}: {g.downstream:.6g}")
    pattern = "; ".join(pattern_lines(node)) if node.uses >= 2 or node.kink else node.gate or node.op
    return [name, node.op, node.expr, f"{node.value:.6g}", f"{node.grad:.6g}", "; ".join(local), "; ".join(down), pattern]


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

    ``nodes`` is a ``NodeReports``: a big graph's rows are made as they are written.
    """
    from .terminal import write_lines

    title = table_title(expression, output, value)
    sections = [
        (f"{title}   ({len(nodes):,} nodes, one line each)", NODE_COLUMNS, nodes, node_cells),
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
            print_tables(rich_table(list(rows)), file=stream)
            continue
        headers = [c.format(output=output) for c in columns]
        right = {i for i, c in enumerate(columns) if c in _RIGHT}
        sample = [cells(r) for r in _ends(rows)]
        write_lines(stream, streamed_table(heading, headers, right, map(cells, rows), sample))


def _ends(rows) -> list:
    """The first and last SAMPLE rows (a ``NodeReports`` makes only those)."""
    if hasattr(rows, "between"):
        count = len(rows)
        return [*rows.between(0, SAMPLE), *rows.between(max(SAMPLE, count - SAMPLE), count)]
    return [*rows[:SAMPLE], *rows[SAMPLE:][-SAMPLE:]]
