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
from ..report.shapes import KINK, NAME, USES
from .cells import NodeCells, pattern_lines

SAMPLE = 100
MAX_WIDTH = 48


def sample_cells(nodes: NodeRows, digits: int) -> list[list[str]]:
    """The cells of the first and last SAMPLE nodes' lines, to size the columns."""
    count, cells = len(nodes), NodeCells(nodes, digits)
    rows = []
    for start, stop in ((0, SAMPLE), (max(SAMPLE, count - SAMPLE), count)):
        for shape, row, lines in cells.between(start, stop):
            lines[0].append(_pattern(shape, row))
            rows += [[row[NAME], *lines[0][1:]], *[[*line, ""] for line in lines[1:]]]
            rows[-len(lines)][0] = lines[0][0]
    return rows


def widths_of(header_texts: list[str], sample: list[list[str]]) -> list[int]:
    return [min(MAX_WIDTH, max([len(header)] + [len(row[i]) for row in sample])) for i, header in enumerate(header_texts)]


def node_lines(nodes: NodeRows, digits: int, widths: list[int]) -> Iterator[str]:
    """One line per edge: node, value, upstream, input, local, downstream, pattern (the first line of a node)."""
    cells = NodeCells(nodes, digits)
    w = widths
    first = f"{{0:<{w[0]}}}  {{1:>{w[1]}.{digits}g}}  {{2:>{w[2]}.{digits}g}}  {{3:<{w[3]}}}  {{4:<{w[4]}}}  "
    first = (first + f"{{5:>{w[5]}.{digits}g}}  {{6}}").format
    lone = f"{{0:<{w[0]}}}  {{1:>{w[1]}.{digits}g}}  {{2:>{w[2]}.{digits}g}}  {' ' * w[3]}  {' ' * w[4]}  {' ' * w[5]}  {{3}}"
    lone = lone.format
    more = (" " * (w[0] + w[1] + w[2] + 6) + f"{{0:<{w[3]}}}  {{1:<{w[4]}}}  {{2:>{w[5]}.{digits}g}}").format
    compiled, patterns, local_text = cells.shapes, {}, cells.local_text
    for shape, row in nodes.rows():  # hot loop: once per node
        node_template, edges = compiled.get(shape) or cells.compile(shape)
        kink = row[KINK] is not None
        if kink:
            pattern = _pattern(shape, row)
        else:
            pattern = patterns.get((shape, row[USES]))
            if pattern is None:
                pattern = patterns[shape, row[USES]] = _pattern(shape, row)
        node, value, upstream = node_template.format(*row), row[shape.value], row[shape.grad]
        if not edges:
            yield lone(node, value, upstream, pattern)
            continue
        for i, (label, local, down) in enumerate(edges):
            check = local[2]
            if not kink and check is not None and check[2] is not None and row[check[0]] == check[2]:
                text = check[1]  # a constant local gradient that is its own number (add's 1)
            else:
                text = local_text(row, local, kink)
            if i:
                yield more(row[label], text, row[down])
            else:
                yield first(node, value, upstream, row[label], text, row[down], pattern)


def _pattern(shape, row) -> str:
    return "; ".join(line for line in pattern_lines(shape, row) if line)
