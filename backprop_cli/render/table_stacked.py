"""A table too wide for the terminal, stacked: each row a block of short lines.

Used when the columns cannot fit the width without cutting a number (a terminal
under 80 columns, a long local gradient). Long lines wrap at spaces, so a number,
which has none, is never split.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..i18n import _


def print_stacked(out: Console, title: str, caption: str | None, header_texts: list[str], rows: list[list]) -> None:
    """Any table as blocks: the first cell, then ``header: cell`` per other cell (a row
    whose first cell is empty continues the block above)."""
    _print_heading(out, title, caption)
    for row in rows:
        first = plain_text(row[0])
        if first:
            out.print()
            out.print(Text(first, style="bold"))
        else:
            out.print(Text("  ·", style="dim"))
        for header, cell in zip(header_texts[1:], row[1:]):
            text = plain_text(cell)
            if text:
                line = Text(f"  {header}: ", style="dim")
                line.append(text.replace("\n", "; "), style=cell.style if isinstance(cell, Text) else "")
                out.print(line)


def print_stacked_nodes(out: Console, title: str, caption: str | None, rows: list[list], output: str) -> None:
    """The node table as the lecture reads it, a block per node::

        s0 = x + y = 3   distributor
          upstream ∂f/∂s0 = -4
          x: local 1, downstream -4

    ``rows`` are the node table's (``render.table.NODE_COLUMNS``): node, value, upstream,
    input, local, downstream, pattern; a row with an empty node cell is the node's next edge.
    """
    _print_heading(out, title, caption)
    upstream_word, local_word, downstream_word = _("upstream"), _("local"), _("downstream")
    for node, value, upstream, edge, local, downstream, pattern in rows:
        node = plain_text(node)
        if node:
            name = node.partition(" = ")[0]
            heading = Text(f"{node} = {value}", style="bold")
            if plain_text(pattern):
                heading.append("   ")
                heading.append(plain_text(pattern).replace("\n", "; "), style="cyan")
            out.print()
            out.print(heading)
            out.print(Text(f"  {upstream_word} ∂{output}/∂{name} = {upstream}"))
        if edge:
            out.print(Text(f"  {edge}: {local_word} {local}, {downstream_word} {downstream}"))


def _print_heading(out: Console, title: str, caption: str | None) -> None:
    out.print(Text(title))
    if caption:
        out.print(Text(caption, style="dim"))


def plain_text(cell) -> str:
    """A cell's text, without its style (a cell is a ``str`` or a Rich ``Text``)."""
    return cell.plain if isinstance(cell, Text) else str(cell)
