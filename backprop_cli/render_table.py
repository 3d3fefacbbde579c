"""The default output: a Rich table of every node, then the variables (SPEC §5).

Rich is imported only here, so the scriptable outputs never pay for it. Plain
text, without ANSI codes, when stdout is not a terminal or NO_COLOR is set.
"""

from __future__ import annotations

import os
import sys

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


def _local_cell(node: NodeReport) -> Text:
    lines = []
    for g in node.locals:
        shown = f"∂{node.name}/∂{g.input} = {g.symbolic}"
        if g.symbolic != _num(g.value):
            shown += f" = {_num(g.value)}"
        lines.append(shown)
    return Text("\n".join(lines))


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


def nodes_table(expression: str, value: float, nodes: list[NodeReport], output: str) -> Table:
    """One row per node in evaluation order."""
    table = Table(title=table_title(expression, output, value), title_justify="left")
    for header, justify in [
        ("node", "left"),
        ("op", "left"),
        ("expr", "left"),
        ("value", "right"),
        (f"∂{output}/∂node", "right"),
        ("local gradient", "left"),
        ("downstream", "left"),
        ("pattern", "left"),
    ]:
        table.add_column(header, justify=justify)
    for node in nodes:
        downstream = "\n".join(f"{g.input}: {_num(g.downstream)}" for g in node.locals)
        table.add_row(
            Text(node.name, style="bold"),
            node.op,
            node.expr,
            _num(node.value),
            _num(node.grad),
            _local_cell(node),
            downstream,
            _pattern_cell(node),
        )
    return table


def variables_table(variables: list[VariableReport], output: str) -> Table:
    """The leaves with their gradients; fan-out shows as the adder pattern."""
    table = Table(title="variables", title_justify="left")
    for header, justify in [
        ("variable", "left"),
        ("value", "right"),
        (f"∂{output}/∂variable", "right"),
        ("uses", "right"),
        ("pattern", "left"),
    ]:
        table.add_column(header, justify=justify)
    for v in variables:
        table.add_row(
            Text(v.name, style="bold"), _num(v.value), Text(_num(v.grad), style="bold green"), str(v.uses), v.pattern or ""
        )
    return table


def check_table(rows: list[CheckRow]) -> Table:
    """``--check``: analytic against central finite difference, per variable."""
    table = Table(title="finite-difference check", title_justify="left")
    for header in ("variable", "analytic", "numeric", "relative error", "result"):
        table.add_column(header)
    for row in rows:
        verdict = "kink: not comparable" if row.at_kink else ("ok" if row.ok else "FAIL")
        style = "yellow" if row.at_kink else ("green" if row.ok else "bold red")
        table.add_row(
            row.name, f"{row.analytic:.10g}", f"{row.numeric:.10g}", f"{row.relative_error:.2e}", Text(verdict, style=style)
        )
    return table


def print_tables(*tables: Table) -> None:
    """Print tables to stdout, separated by blank lines."""
    out = console()
    for index, table in enumerate(tables):
        if index:
            out.print()
        out.print(table)
