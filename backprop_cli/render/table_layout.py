"""What every table of the package shares: the console, the width a table must fit, and how.

A table is shown as a Rich table when its columns fit the width with every number
whole (a wrapping column down to its longest word, a number's column never), and
otherwise stacked (``render.table_stacked``): nothing is ever cut. Columns are
``(word, symbol)`` pairs: the header is the word in the current language, then
the symbol.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from ..i18n import _
from .table_stacked import plain_text, print_stacked


def console(file=None) -> Console:
    """A console that writes plain text to pipes and when NO_COLOR is set."""
    file = file or sys.stdout
    terminal = file.isatty()
    plain = not terminal or "NO_COLOR" in os.environ
    # In a pipe Rich would wrap at 80 columns; a file has no width, so give room.
    width = None if terminal else int(os.environ.get("COLUMNS", 0)) or 160
    return Console(file=file, color_system=None if plain else "auto", width=width, highlight=False)


@dataclass
class Layout:
    """How a report's numbers are shown: the output's name, and significant digits (``--digits``)."""

    output: str = "f"
    digits: int = 6

    def number(self, value: float) -> str:
        return f"{value:.{self.digits}g}"


def table_title(expression: str, output: str, value: float, digits: int = 6) -> str:
    """The expression (a program's statements, without its comments) on one line, then the output's value."""
    lines = (line.split("#", 1)[0].strip().rstrip(";") for line in expression.splitlines())
    shown = " ".join("; ".join(line for line in lines if line).split())
    if len(shown) > 100:  # a generated expression: the title is a reminder, not the text
        shown = shown[:97] + "..."
    return f"{shown}   {output} = {value:.{digits}g}"


_RIGHT = {"value", "upstream", "downstream", "gradient", "uses"}
# Cells that hold one number or name each are never wrapped or cut; a narrow terminal
# wraps the expression, local-gradient and pattern cells, or stacks the table.
_WHOLE = {"value", "upstream", "input", "downstream", "variable", "gradient", "uses", "analytic", "numeric"}


def right_aligned(columns: list[tuple[str, str]]) -> set[int]:
    """The positions of the columns of numbers, which are aligned right."""
    return {i for i, (word, _symbol) in enumerate(columns) if word in _RIGHT}


def headers(columns: list[tuple[str, str]], output: str, joiner: str = "\n") -> list[str]:
    """Each column's header in the current language: the word, then its symbol (a symbol in
    words, such as vector mode's "upstream · Jacobian → downstream", is translated too)."""
    return [_(word) + (joiner + _(symbol).format(output=output) if symbol else "") for word, symbol in columns]


def column_widths(columns: list[tuple[str, str]], header_texts: list[str], rows: list[list], width: int) -> list[int] | None:
    """Each column's width so that the table fits ``width`` with every number whole, or None.

    A column of whole cells (numbers, names) keeps its longest line; the others may
    wrap down to their longest word, the widest first. None: even then it does not
    fit (the caller stacks the table).
    """
    natural, least = [], []
    for i, (word, _symbol) in enumerate(columns):
        texts = [header_texts[i], *(plain_text(row[i]) for row in rows)]
        longest = max(cell_len(line) for text in texts for line in text.split("\n"))
        natural.append(longest)
        least.append(longest if word in _WHOLE else max(cell_len(piece) for text in texts for piece in text.split()))
    excess = sum(natural) + 2 * (len(columns) - 1) - width
    if excess > sum(natural) - sum(least):
        return None
    widths = natural[:]
    while excess > 0:  # a few dozen steps: take one column from the widest that can give
        i = max((i for i in range(len(widths)) if widths[i] > least[i]), key=lambda i: widths[i])
        widths[i] -= 1
        excess -= 1
    return widths


# SIMPLE_HEAD with "-" for "─": Rich gives a stdout that can only take ASCII its boxed
# ASCII table instead, whose "|" would not fit the widths worked out above.
ASCII_SIMPLE_HEAD = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)


def rich_table(
    title: str, columns, header_texts: list[str], rows: list[list], widths: list[int], caption=None, ascii_only=False
) -> Table:
    """A borderless table (two spaces between columns: 80 columns hold the lectures' tables)."""
    table = Table(
        title=title,
        caption=caption,
        title_justify="left",
        caption_justify="left",
        box=ASCII_SIMPLE_HEAD if ascii_only else box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 0, 0, 1),  # with the box's blank divider: two spaces between columns
    )
    for (word, _symbol), header, width in zip(columns, header_texts, widths):
        table.add_column(header, justify="right" if word in _RIGHT else "left", width=width, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def print_section(out: Console, title: str, columns, rows: list[list], output: str, caption=None, stack=None) -> None:
    """One table: as a Rich table when it fits the console, else stacked (``stack``, or
    ``table_stacked.print_stacked``'s ``header: cell`` blocks)."""
    texts = headers(columns, output)
    widths = column_widths(columns, texts, rows, out.width)
    if widths is not None:
        out.print(rich_table(title, columns, texts, rows, widths, caption, out.options.ascii_only))
        return
    if stack is not None:
        stack(out, title, caption, rows, output)
        return
    print_stacked(out, title, caption, headers(columns, output, " "), rows)
