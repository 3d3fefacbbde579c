"""The node table of a big graph as lines, written as they are made (over STREAM_ABOVE nodes).

Rich lays out a table as a whole (about a millisecond a row), so 200,000 rows would
take minutes and gigabytes. Here the columns are as wide as their widest cell among
the first and last SAMPLE nodes (at most MAX_WIDTH; a wider cell pushes the rest of its
line right), and each line is one ``str.format`` call on a template made once per
shape of node, numbers formatted by the template itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..report.rows import NodeRows
from ..report.shapes import KINK, USES
from .cells import NodeCells, pattern_lines
from .printf import printf

SAMPLE = 100
MAX_WIDTH = 48


def sample_cells(nodes: NodeRows, digits: int) -> list[list[str]]:
    """The cells of the first and last SAMPLE nodes' lines, to size the columns."""
    count, cells = len(nodes), NodeCells(nodes, digits)
    rows = []
    for start, stop in ((0, SAMPLE), (max(SAMPLE, count - SAMPLE), count)):
        for shape, row, lines in cells.between(start, stop):
            rows += [[*lines[0], _pattern(shape, row)], *[[*line, ""] for line in lines[1:]]]
    return rows


def widths_of(header_texts: list[str], sample: list[list[str]]) -> list[int]:
    return [min(MAX_WIDTH, max([len(header)] + [len(row[i]) for row in sample])) for i, header in enumerate(header_texts)]


def node_lines(nodes: NodeRows, digits: int, widths: list[int]) -> Iterator[str]:
    """One line per edge: node, value, upstream, input, local, downstream, pattern (the first line of a node)."""
    w, g = widths, f".{digits}g"
    first = printf(f"{{0:<{w[0]}}}  {{1:>{w[1]}{g}}}  {{2:>{w[2]}{g}}}  {{3:<{w[3]}}}  {{4:<{w[4]}}}  {{5:>{w[5]}{g}}}  {{6}}")[0]
    lone = printf(f"{{0:<{w[0]}}}  {{1:>{w[1]}{g}}}  {{2:>{w[2]}{g}}}  {' ' * (w[3] + w[4] + w[5] + 4)}  {{3}}")[0]
    more = printf(" " * (w[0] + w[1] + w[2] + 6) + f"{{0:<{w[3]}}}  {{1:<{w[4]}}}  {{2:>{w[5]}{g}}}")[0]
    cells, compiled, patterns = NodeCells(nodes, digits), {}, {}
    for shape, row in nodes.rows():  # hot loop: once per node
        node_text, node_fields, edges = compiled.get(shape) or _compile(compiled, shape, cells, digits)
        kink = row[KINK] is not None
        if kink:
            pattern = _pattern(shape, row)
        else:
            pattern = patterns.get((shape, row[USES]))
            if pattern is None:
                pattern = patterns[shape, row[USES]] = _pattern(shape, row)
        node, value, upstream = node_text % node_fields(row), row[shape.value], row[shape.grad]
        if not edges:
            yield lone % (node, value, upstream, pattern)
            continue
        for i, (label, local, down, constant, shown, shown_fields) in enumerate(edges):
            if kink or constant is None:
                text = cells.local_text(row, local, kink)
            elif constant[1] is None:
                text = shown % shown_fields(row)  # a formula and its number: cos(x) = 0.877583
            elif constant[1] == row[constant[0]]:
                text = constant[2]  # a constant local gradient that is its own number (add's 1)
            else:
                text = cells.local_text(row, local, kink)
            if i:
                yield more % (row[label], text, row[down])
            else:
                yield first % (node, value, upstream, row[label], text, row[down], pattern)


def _compile(compiled: dict, shape, cells: NodeCells, digits: int) -> tuple:
    """The shape's node text and, per edge: its fields, the local gradient's printf text with
    its number, and ``constant``: (field, number, text) when the text is a constant that is its number."""
    expression, edges = cells.shapes.get(shape) or cells.compile(shape)
    node_text, node_fields = printf(expression)
    compiled_edges = []
    for label, local, down in edges:
        template, field, check = local
        constant = None
        if check is not None and check[2] is not None:
            constant = (check[0], check[2], check[1])
        elif check is not None:  # a variable named inf or nan: the general rule
            compiled_edges.append((label, local, down, None, None, None))
            continue
        shown, shown_fields = printf(f"{template} = {{{field}:.{digits}g}}")
        compiled_edges.append((label, local, down, constant or (field, None, None), shown, shown_fields))
    compiled[shape] = (node_text, node_fields, compiled_edges)
    return compiled[shape]


def _pattern(shape, row) -> str:
    return "; ".join(line for line in pattern_lines(shape, row) if line)
