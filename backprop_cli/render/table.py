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

from collections.abc import Iterable

from rich.text import Text

from ..i18n import N_, _
from ..report.checks import CheckRow
from ..report.rows import NodeRows, VariableReport
from ..report.shapes import Shape
from .cells import NodeCells, pattern_lines
from .table_layout import Layout, console, headers, print_section, right_aligned, table_title
from .table_stacked import plain_text, print_stacked_nodes

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


# Above this many rows a table is streamed (``render.table_stream``).
STREAM_ABOVE = 500


def aligned_format(widths: list[int], right: set[int]) -> str:
    """A ``str.format`` template of one line: each column padded to its width, the last as it is."""
    cells = [f"{{{i}:{'>' if i in right else '<'}{w}}}" for i, w in enumerate(widths[:-1])]
    return "  ".join([*cells, f"{{{len(widths) - 1}}}"])


def streamed_table(title: str, header_texts: list[str], widths: list[int], right: set[int], lines: Iterable[str]):
    """A table as lines: the title, the headers, a rule, then ``lines``; columns two spaces apart."""
    yield title
    yield aligned_format(widths, right).format(*header_texts)
    yield "  ".join("─" * width for width in widths)
    yield from lines


def _stream_nodes(stream, title: str, nodes: NodeRows, layout: Layout) -> None:
    from .table_stream import node_lines, sample_cells, widths_of
    from .terminal import write_lines

    heading = _("{title}   ({count} nodes, one line per edge)").format(title=title, count=f"{len(nodes):,}")
    header_texts = headers(NODE_COLUMNS, layout.output, " ")
    widths = widths_of(header_texts, sample_cells(nodes, layout.digits))
    lines = node_lines(nodes, layout.digits, widths)
    write_lines(stream, streamed_table(heading, header_texts, widths, right_aligned(NODE_COLUMNS), lines))


def _stream_rows(stream, title: str, columns, rows: list[list], output: str) -> None:
    """A long table of other rows (the variables of a wide sum), as lines."""
    from .table_stream import SAMPLE, widths_of
    from .terminal import write_lines

    right, header_texts = right_aligned(columns), headers(columns, output, " ")
    plain = [[plain_text(cell) for cell in row] for row in rows]
    widths = widths_of(header_texts, plain[:SAMPLE] + plain[-SAMPLE:])
    line = aligned_format(widths, right).format
    write_lines(stream, streamed_table(title, header_texts, widths, right, (line(*row) for row in plain)))


def print_report(stream, report, layout: Layout) -> None:
    """The nodes, the variables and any checks; a table of over STREAM_ABOVE rows is streamed."""
    value, nodes, output = report.result.value, report.nodes, layout.output
    title = table_title(report.source, output, value, layout.digits)
    out = console(stream)
    if len(nodes) > STREAM_ABOVE:
        _stream_nodes(stream, title, nodes, layout)
    elif not len(nodes):  # f is a variable itself (grad x): no gate, so no node table
        out.print(Text(title))
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


def write(report, stream) -> None:
    """The default output of ``grad`` (``render.formats``): nodes, variables, any checks."""
    layout = Layout(output=report.output, digits=report.digits)
    if report.nodes.arrays:
        from .table_arrays import write_arrays

        write_arrays(report, stream, layout)
        return
    print_report(stream, report, layout)
