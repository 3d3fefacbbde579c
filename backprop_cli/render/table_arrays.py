"""Vector mode's tables (SPEC §5b): shapes, and per edge upstream · Jacobian → downstream.

The same layout as the scalar table (``render.table``): one row per edge, fitted to
the terminal or stacked.
"""

from __future__ import annotations

from rich.text import Text

from ..i18n import N_, _
from ..report.shapes import KINK, NAME, USES
from .cells import array_words
from .table_layout import Layout, console, print_section, table_title

ARRAY_NODE_COLUMNS = [
    (N_("node"), ""),
    (N_("shape"), ""),
    (N_("value"), ""),
    (N_("upstream"), "∂{output}/∂node"),
    (N_("input"), ""),
    (N_("local"), N_("vector–Jacobian product")),
    (N_("shapes"), N_("upstream · Jacobian → downstream")),
    (N_("downstream"), ""),
    (N_("pattern"), ""),
]
ARRAY_VARIABLE_COLUMNS = [
    (N_("variable"), ""),
    (N_("shape"), ""),
    (N_("value"), ""),
    (N_("gradient"), "∂{output}/∂variable"),
    (N_("uses"), ""),
    (N_("pattern"), ""),
]


def array_node_rows(report, digits: int = 6) -> list[list]:
    """One row per edge: the node's cells on its first, then input, its VJP and the shapes."""
    rows = []
    for shape, row in report.nodes.rows():
        value, grad = row[shape.value], row[shape.grad]
        pattern = shape.pattern(row[USES])
        notes = [_(pattern) if pattern else ""] + ([_("kink: {note}").format(note=row[KINK])] if row[KINK] else [])
        written = f"{row[NAME]} = {shape.text(shape.expr).format(*row)}"
        node = [Text(written, style="bold"), array_words(value.shape), f"{value:.{digits}g}", f"{grad:.{digits}g}"]
        edges = shape.edge_texts(row) or [("", "", None, None)]
        for i, (name, text, jacobian, down) in enumerate(edges):
            if down is not None:
                shapes = f"{array_words(grad.shape)} · {array_words(jacobian)} → {array_words(down.shape)}"
                downstream = f"{down:.{digits}g}"
            else:
                shapes = downstream = ""
            cells = node if i == 0 else ["", "", "", ""]
            rows.append([*cells, name, text, shapes, downstream, "\n".join(n for n in notes if n) if i == 0 else ""])
    return rows


def write_arrays(report, stream, layout: Layout) -> None:
    """The node table and the variables of a vector-mode evaluation, then any check summaries."""
    from ..report.arrays import ArrayText

    output = layout.output
    out = console(stream)
    title = table_title(report.source, output, report.result.value, layout.digits)
    print_section(out, title, ARRAY_NODE_COLUMNS, array_node_rows(report, layout.digits), output)
    variables = []
    for v in report.variables:
        value, grad = ArrayText(v.value), ArrayText(v.grad)
        number = f".{layout.digits}g"
        shape = array_words(value.shape)
        pattern = _(v.pattern) if v.pattern else ""
        variables.append([Text(v.name, style="bold"), shape, format(value, number), format(grad, number), str(v.uses), pattern])
    out.print()
    print_section(out, _("variables"), ARRAY_VARIABLE_COLUMNS, variables, output)
    for check in report.checks:
        stream.write(check.summary() + "\n")
