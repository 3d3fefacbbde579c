"""The output formats of ``grad``, one entry each: the command line's choices come from here.

Adding a format is one entry here and its writer in a render module: a writer
takes a ``report.GradReport`` and a stream. Writers are imported when used, so the
command line lists the formats without importing Rich or ``json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class OutputFormat:
    """One ``--format``: its name, one line of help, and its writer."""

    name: str
    summary: str
    writer: str  # "module:function" in backprop_cli.render, called as function(report, stream)
    arrays: bool = False  # vector mode (SPEC §5b) can write it
    explain_writer: str | None = None  # what --explain writes in this format (None: --explain is refused)

    def write(self, report, stream, explain: bool = False) -> None:
        """Write ``report`` to ``stream``; ``explain`` picks the chain-rule writer."""
        module, _, function = (self.explain_writer if explain else self.writer).partition(":")
        getattr(import_module(f".{module}", __package__), function)(report, stream)


FORMATS: dict[str, OutputFormat] = {
    entry.name: entry
    for entry in [
        OutputFormat("table", "a table of every node (default)", "table:write", True, "text:write_explain"),
        OutputFormat("json", "one JSON object", "json_document:write", True),
        OutputFormat("latex", "the chain rule in LaTeX", "text:write_latex", True, "text:write_latex"),
        OutputFormat("tree", "the graph as an indented tree", "graph_export:write_tree", True),
        OutputFormat("dot", "the graph for Graphviz", "graph_export:write_dot", True),
        OutputFormat("mermaid", "the graph as a Mermaid flowchart", "graph_export:write_mermaid", True),
        OutputFormat("csv", "one CSV row per node", "csv_rows:write_csv", True),
        OutputFormat("html", "one offline page stepping through both passes", "html_page:write", True),
    ]
}


def help_text() -> str:
    """The ``--format`` help: every format with its summary."""
    return "; ".join(f"{entry.name}: {entry.summary}" for entry in FORMATS.values()) + "."


def array_formats() -> list[str]:
    """The formats vector mode can write."""
    return [name for name, entry in FORMATS.items() if entry.arrays]


def explain_formats() -> list[str]:
    """The formats ``--explain`` can be written in."""
    return [name for name, entry in FORMATS.items() if entry.explain_writer]
