"""A worksheet as Markdown: title, instructions, the inputs, and a table with blanks to fill in."""

from __future__ import annotations

from ..i18n import _
from ..report.worksheet import Key
from .sheet import INPUTS, NAME_LINE, NODES, TITLE, column_names, identity_line, inputs_text, instructions, sheet_rows


def escape(text: str) -> str:
    """``text`` safe in a Markdown table cell and in running text: no pipe, link, tag or emphasis is read
    (only those characters are escaped, so that the text still reads well on a terminal)."""
    special = "\\`*_[]<>|"
    return "".join("\\" + char if char in special else char for char in text)


def code(text: str) -> str:
    """``text`` as inline code (read literally); a pipe still ends a table cell, so it is escaped."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def markdown_sheet(key: Key) -> str:
    """The whole sheet as Markdown text (ends with a newline)."""
    lines = [f"# {escape(_(TITLE))}: {code(key.expression)}", "", escape(identity_line(key)), ""]
    lines += [escape(_(NAME_LINE)) + " ______________________", ""]
    for paragraph in instructions(key):
        lines += [escape(paragraph), ""]
    inputs = inputs_text(key)
    lines += [f"## {escape(_(INPUTS))}", "", code(inputs) if inputs else "", ""]
    lines += [f"## {escape(_(NODES))}", ""]
    lines.append("| " + " | ".join(escape(name) for name in column_names()) + " |")
    lines.append("|---|---|---:|---:|")
    for row in sheet_rows(key):
        value = code(row.value) if row.value is not None else ""
        lines.append("| " + " | ".join([code(row.node), code(row.expr), value, ""]) + " |")
    return "\n".join(lines) + "\n"
