"""The default output: a table of every edge of every node, then the variables (SPEC §5).

Rich is imported only by the table modules, so the scriptable outputs never pay for
it. Plain text, without ANSI codes, when stdout is not a terminal or NO_COLOR is set.

Three layouts, one set of cells (``render.cells``):
- a Rich table, when it fits the terminal's width without cutting a number;
- stacked blocks, one per node (``render.table_stacked``), when it does not
  (a narrow terminal, a long local gradient); nothing is ever truncated;
- streamed lines, for more than STREAM_ABOVE rows, written as they are made.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.text import Text

from ..i18n import N_, _
from ..report.checks import CheckRow
from ..report.rows import NodeRows, VariableReport
from ..report.shapes import Shape
from .cells import NodeCells, pattern_lines
from .table_layout import Layout, console, headers, print_section, right_aligned, table_title
from .table_stacked import print_stacked_nodes

# The lectures' words: upstream gradient × local gradient = downstream gradient (the
# table's caption). Each header is the word, then its symbol ({output} is the output's
# name). The node column shows the node as written (s0 = x + y): its op and inputs.
NODE_COLUMNS = [
    (N_("node"), ""),
    (N_("value"), ""),
    (N_("upstream"), "∂{output}/∂node"),
    (N_("input"), ""),
    (N_("local"), "∂node/∂input"),
    (N_("downstream"), ""),
    (N_("pattern"), ""),
]
VARIABLE_COLUMNS = [
    (N_("variable"), ""),
    (N_("value"), ""),
    (N_("gradient"), "∂{output}/∂variable"),
    (N_("uses"), ""),
    (N_("pattern"), ""),
]
CHECK_COLUMNS = [(N_("variable"), ""), (N_("analytic"), ""), (N_("numeric"), ""), (N_("relative error"), ""), (N_("result"), "")]


def node_rows(nodes: NodeRows, layout: Layout) -> list[list]:
    """The node table's rows: one per edge; the node's own cells and its pattern on its first."""
    rows = []
    for shape, row, cells in NodeCells(nodes, layout.digits).between():
        pattern = _pattern_cell(shape, row)
        for i, edge in enumerate(cells):
            rows.append([Text(edge[0], style="bold"), *edge[1:], pattern if i == 0 else ""])
    return rows


def _pattern_cell(shape: Shape, row: tuple) -> Text:
    lines = pattern_lines(shape, row)
    kink = _("kink: {note}").format(note="")
    cell = Text(lines[0], style="bold cyan")
    for note in lines[1:]:
        cell.append(f"\n{note}" if cell.plain else note, style="bold red" if note.startswith(kink) else "dim")
    return cell


def variable_rows(variables: list[VariableReport], layout: Layout) -> list[list]:
    number = layout.number
    return [
        [
            Text(v.name, style="bold"),
            number(v.value),
            Text(number(v.grad), style="bold green"),
            str(v.uses),
            _(v.pattern) if v.pattern else "",
        ]
        for v in variables
    ]


def check_rows(checks: list[CheckRow]) -> list[list]:
    rows = []
    for row in checks:
        verdict, style = _verdict(row)
        analytic, numeric, error = f"{row.analytic:.10g}", f"{row.numeric:.10g}", f"{row.relative_error:.2e}"
        rows.append([row.name, analytic, numeric, error, Text(verdict, style=style)])
    return rows


def _verdict(row: CheckRow) -> tuple[str, str]:
    if row.at_kink:
        return _("kink: not comparable"), "yellow"
    return (_("ok"), "green") if row.ok else (_("FAIL"), "bold red")


# Above this many rows a table is streamed: Rich lays out a table as a whole
# (about a millisecond a row), so 200,000 rows would take minutes and gigabytes.
STREAM_ABOVE = 500
# The streamed layout's columns are as wide as their widest cell among the first
# and last SAMPLE rows, at most MAX_WIDTH; a wider cell pushes the rest of its line right.
SAMPLE = 100
MAX_WIDTH = 48


def streamed_node_cells(nodes: NodeRows, digits: int, start: int = 0, stop: int | None = None) -> Iterator[list[str]]:
    """The nodes' rows for the streamed layout: one line per edge, the pattern and notes on the first."""
    for shape, row, cells in NodeCells(nodes, digits).between(start, stop):
        cells[0].append("; ".join(line for line in pattern_lines(shape, row) if line))
        for edge in cells[1:]:
            edge.append("")
        yield from cells


def streamed_table(title: str, header_texts: list[str], right: set[int], rows: Iterable[list[str]], sample: list[list[str]]):
    """A table as lines, written as its rows come: no box, columns two spaces apart."""
    widths = [min(MAX_WIDTH, max([len(header)] + [len(row[i]) for row in sample])) for i, header in enumerate(header_texts)]
    last = len(header_texts) - 1
    # One format call per row: "{0:<4}  {1:<3}  ...  {7}" (a wider cell keeps its whole text).
    row_format = "  ".join(
        f"{{{i}}}" if i == last else f"{{{i}:{'>' if i in right else '<'}{width}}}" for i, width in enumerate(widths)
    )
    yield title
    yield row_format.format(*header_texts)
    yield "  ".join("─" * width for width in widths)
    for row in rows:
        yield row_format.format(*row)


def _stream_nodes(stream, title: str, nodes: NodeRows, layout: Layout) -> None:
    from .terminal import write_lines

    count = len(nodes)
    heading = _("{title}   ({count} nodes, one line per edge)").format(title=title, count=f"{count:,}")
    # Only the first and last SAMPLE nodes are made twice.
    sample = [*streamed_node_cells(nodes, layout.digits, 0, SAMPLE)]
    sample += streamed_node_cells(nodes, layout.digits, max(SAMPLE, count - SAMPLE))
    right = right_aligned(NODE_COLUMNS)
    lines = streamed_node_cells(nodes, layout.digits)
    write_lines(stream, streamed_table(heading, headers(NODE_COLUMNS, layout.output, " "), right, lines, sample))


def _stream_rows(stream, title: str, columns, rows: list[list[str]], output: str) -> None:
    from .terminal import write_lines

    right = right_aligned(columns)
    sample = [*rows[:SAMPLE], *rows[SAMPLE:][-SAMPLE:]]
    plain = [[str(cell) for cell in row] for row in rows]
    write_lines(stream, streamed_table(title, headers(columns, output, " "), right, plain, [[str(c) for c in r] for r in sample]))


def print_report(stream, report, layout: Layout) -> None:
    """The nodes, the variables and any checks; a table of over STREAM_ABOVE rows is streamed."""
    value, nodes, output = report.result.value, report.nodes, layout.output
    title = table_title(report.source, output, value, layout.digits)
    out = console(stream, layout.width)
    if len(nodes) > STREAM_ABOVE:
        _stream_nodes(stream, title, nodes, layout)
    else:
        caption = _("downstream = upstream × local (the chain rule)")
        print_section(out, title, NODE_COLUMNS, node_rows(nodes, layout), output, caption, print_stacked_nodes)
    variables = variable_rows(report.variables, layout)
    stream.write("\n")
    if len(variables) > STREAM_ABOVE:
        _stream_rows(stream, _("variables"), VARIABLE_COLUMNS, variables, output)
    else:
        print_section(out, _("variables"), VARIABLE_COLUMNS, variables, output)
    if report.checks:
        stream.write("\n")
        print_section(out, _("finite-difference check"), CHECK_COLUMNS, check_rows(report.checks), output)


def write(report, stream, layout: Layout | None = None) -> None:
    """The default output of ``grad`` (``render.formats``): nodes, variables, any checks."""
    layout = layout or Layout(output=report.output, digits=report.digits)
    if report.nodes.arrays:
        from .table_arrays import write_arrays

        write_arrays(report, stream, layout)
        return
    print_report(stream, report, layout)
