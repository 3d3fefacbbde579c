"""A result as Jupyter shows it (``_repr_html_``): the node table, the variables, and the graph
as inline SVG when Graphviz's ``dot`` is on PATH (drawn from the ``dot`` format's text).

Every text is HTML-escaped: names, expressions and kink notes come from what the user typed.
``result`` imports this module (for ``GradResult._repr_html_``), so this one reads a result's
fields without importing ``result``.
"""

from __future__ import annotations

import shutil
import subprocess
from html import escape

from ..i18n import N_, _
from ..render.cells import kink_text

NODE_COLUMNS = (N_("node"), N_("op"), N_("expression"), N_("value"), N_("gradient"), N_("local"), N_("downstream"), N_("pattern"))
VARIABLE_COLUMNS = (N_("variable"), N_("value"), N_("gradient"), N_("uses"))
DIGITS = 6  # significant digits, as the table's default
# dot's time grows fast with the graph (a chain of 100 nodes reading one variable takes it over
# 30 s): Jupyter waits for _repr_html_, so a larger graph is not drawn, and a slow one not waited for.
GRAPH_NODE_LIMIT = 60
# A notebook keeps what a cell shows: a 40,000-node table would be 6 MB of HTML in the .ipynb.
ROW_LIMIT = 1000
DOT_SECONDS = 5


def result_html(result) -> str:
    """The HTML Jupyter shows for ``result`` (a ``GradResult``)."""
    output = escape(result.report.output)
    head = f"<p><code>{escape(result.expression)}</code>: {output} = {shown(result.value)}</p>"
    nodes = _table(NODE_COLUMNS, result.nodes, _node_cells)
    variables = _table(VARIABLE_COLUMNS, result.variables, lambda v: (v.name, shown(v.value), shown(v.grad), str(v.uses)))
    caption = f"<p><b>{escape(_('variables'))}</b></p>"
    return f'<div class="backprop-result">{head}{nodes}{caption}{variables}{graph_svg(result)}</div>'


def shown(value: float | list) -> str:
    """A number with the table's significant digits; nested lists (vector mode) element by element."""
    if isinstance(value, list):
        return "[" + ", ".join(shown(item) for item in value) + "]"
    return f"{value:.{DIGITS}g}"


def _node_cells(node) -> tuple[str, ...]:
    local = "; ".join(_local_text(name, entry) for name, entry in node.local.items())
    downstream = "; ".join(f"{name}: {shown(value)}" for name, value in node.downstream.items())
    pattern = _(node.pattern) if node.pattern else ""  # the table's words: 교환기 under --lang ko
    if node.kink:
        pattern = f"{pattern} ({_('kink: {note}').format(note=kink_text(node.kink))})".strip()
    value = shown(node.value) if node.shape is None else f"{shown(node.value)} {node.shape}"
    return (node.name, node.op, node.expr, value, shown(node.grad), local, downstream, pattern)


def _local_text(name: str, entry) -> str:
    if entry.value is None:  # vector mode: the Jacobian is described, not a number
        return f"{name}: {entry.symbolic} ({entry.jacobian})"
    return f"{name}: {entry.symbolic} = {shown(entry.value)}"


def _table(columns: tuple[str, ...], items: tuple, cells) -> str:
    """A table of ``cells(item)`` per item; past ``ROW_LIMIT`` the first and last halves, and a row that counts the rest."""
    head = "".join(f"<th>{escape(_(column))}</th>" for column in columns)
    half = ROW_LIMIT // 2
    shown_items = (items, ()) if len(items) <= ROW_LIMIT else (items[:half], items[-half:])
    body = ["".join(_row(cells(item)) for item in part) for part in shown_items]
    if len(items) > ROW_LIMIT:
        more = _("… {count} more rows: result.table() and result.csv() have every one").format(count=f"{len(items) - 2 * half:,}")
        body.insert(1, f'<tr><td colspan="{len(columns)}">{escape(more)}</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _row(cells: tuple[str, ...]) -> str:
    return "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"


def graph_svg(result) -> str:
    """The graph as inline SVG from Graphviz (``dot -Tsvg``), or "" where dot is missing or fails;
    past ``GRAPH_NODE_LIMIT`` nodes a line that says so instead."""
    dot = shutil.which("dot")
    if dot is None:
        return ""
    if len(result.nodes) > GRAPH_NODE_LIMIT:
        message = _("The graph is not drawn here: it has {count} nodes (a notebook draws at most {limit}); see result.html().")
        return f"<p>{escape(message.format(count=len(result.nodes), limit=GRAPH_NODE_LIMIT))}</p>"
    try:
        drawn = subprocess.run(
            [dot, "-Tsvg"], input=result.dot(), capture_output=True, text=True, timeout=DOT_SECONDS, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    svg = drawn.stdout
    return svg[svg.find("<svg") :].strip() if "<svg" in svg else ""  # no XML prolog or DOCTYPE inside HTML
