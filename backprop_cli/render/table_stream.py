"""The node table of a big graph as lines, written as they are made (over STREAM_ABOVE nodes).

Rich lays out a table as a whole (about a millisecond a row), so 200,000 rows would
take minutes and gigabytes. Here the columns are as wide as their widest cell among
the first and last SAMPLE nodes (at most MAX_WIDTH; a wider cell pushes the rest of its
line right), and the lines are printf templates made once per shape of node, filled a
column group at a time (``NodeRows.column_blocks``): one C-level ``map`` per template
over a group's columns, numbers formatted by the template itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..report.rows import NodeRows
from ..report.shapes import KINK, USES
from .cells import NodeCells, pattern_lines
from .printf import printf, printf_template

SAMPLE = 100
BLOCK_NODES = 4096  # nodes per column block
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
    """One line per edge: node, value, upstream, input, local, downstream, pattern (the first
    line of a node), yielded a block of nodes at a time (lines joined by newlines)."""
    lines = _NodeLines(nodes, digits, widths)
    for _start, groups, others in nodes.column_blocks(nodes.graph.labels, BLOCK_NODES):
        texts = [""] * (len(others) + sum(len(group[2]) for group in groups))
        for shape, twice, places, columns in groups:
            lines.fill_group(texts, shape, places, columns, twice)
        for place, shape, row in others:  # at a kink, an input read twice, three or more inputs
            texts[place] = "\n".join(lines.row_lines(shape, row))
        yield "\n".join(texts)


class _NodeLines:
    """The line templates of one table (its column widths) and each shape's compiled parts."""

    def __init__(self, nodes: NodeRows, digits: int, widths: list[int]) -> None:
        w, g = widths, f".{digits}g"
        self.first = printf(
            f"{{0:<{w[0]}}}  {{1:>{w[1]}{g}}}  {{2:>{w[2]}{g}}}  {{3:<{w[3]}}}  {{4:<{w[4]}}}  {{5:>{w[5]}{g}}}  {{6}}"
        )[0]
        self.lone = printf(f"{{0:<{w[0]}}}  {{1:>{w[1]}{g}}}  {{2:>{w[2]}{g}}}  {' ' * (w[3] + w[4] + w[5] + 4)}  {{3}}")[0]
        self.more = printf(" " * (w[0] + w[1] + w[2] + 6) + f"{{0:<{w[3]}}}  {{1:<{w[4]}}}  {{2:>{w[5]}{g}}}")[0]
        self.cells, self.digits = NodeCells(nodes, digits), digits
        self.compiled: dict = {}
        self.patterns: dict[tuple, str] = {}

    def fill_group(self, texts: list[str], shape, places: list[int], columns: list[list], twice: bool) -> None:
        """The lines of a column group's nodes (no kink, no input read twice; ``twice``: each
        node used twice or more): each template filled by one ``map`` over the columns, a
        node's lines joined."""
        (node_text, _fields, node_order), edges = self.compiled.get(shape) or self.compile(shape)
        nodes = list(map(node_text.__mod__, zip(*map(columns.__getitem__, node_order))))
        values, upstreams = columns[shape.value], columns[shape.grad]
        if twice:  # "used 3×": the count is the node's own
            patterns = [self.pattern(shape, uses) for uses in columns[USES]]
        else:
            patterns = [self.pattern(shape, 0)] * len(places)
        if not edges:
            per_edge = [map(self.lone.__mod__, zip(nodes, values, upstreams, patterns))]
        else:
            per_edge = []
            for j, edge in enumerate(edges):
                label, down, locals_ = edge[0], edge[2], self.local_column(edge, columns)
                if j:
                    per_edge.append(map(self.more.__mod__, zip(columns[label], locals_, columns[down])))
                else:
                    fields = zip(nodes, values, upstreams, columns[label], locals_, columns[down], patterns)
                    per_edge.append(map(self.first.__mod__, fields))
        joined = per_edge[0] if len(per_edge) == 1 else map("\n".join, zip(*per_edge))
        for place, text in zip(places, joined):
            texts[place] = text

    def local_column(self, edge: tuple, columns: list[list]) -> list[str]:
        """An edge's local-gradient cells over a column group (``row_lines`` for one row)."""
        _label, local, _down, constant, shown = edge
        if constant is not None and constant[1] is None:  # a formula and its number: cos(x) = 0.877583
            text, _fields, order = shown
            return list(map(text.__mod__, zip(*map(columns.__getitem__, order))))
        if constant is not None:  # a constant local gradient that is its own number (add's 1), mostly
            field, number, text = constant
            cells = [text if value == number else None for value in columns[field]]
        else:
            cells = [None] * len(columns[0])
        for k, cell in enumerate(cells):
            if cell is None:  # the general rule (a variable named inf or nan; a constant's other value)
                cells[k] = self.cells.local_text(tuple(column[k] for column in columns), local, False)
        return cells

    def row_lines(self, shape, row: tuple) -> list[str]:
        """One node's lines from its row: any node, at a kink or with an input read twice too."""
        (node_text, node_fields, _order), edges = self.compiled.get(shape) or self.compile(shape)
        kink = row[KINK] is not None
        pattern = _pattern(shape, row) if kink else self.pattern(shape, row[USES])
        node, value, upstream = node_text % node_fields(row), row[shape.value], row[shape.grad]
        if not edges:
            return [self.lone % (node, value, upstream, pattern)]
        lines = []
        for i, (label, local, down, constant, shown) in enumerate(edges):
            if kink or constant is None:
                text = self.cells.local_text(row, local, kink)
            elif constant[1] is None:
                text = shown[0] % shown[1](row)  # a formula and its number: cos(x) = 0.877583
            elif constant[1] == row[constant[0]]:
                text = constant[2]  # a constant local gradient that is its own number (add's 1)
            else:
                text = self.cells.local_text(row, local, kink)
            if i:
                lines.append(self.more % (row[label], text, row[down]))
            else:
                lines.append(self.first % (node, value, upstream, row[label], text, row[down], pattern))
        return lines

    def pattern(self, shape, uses: int) -> str:
        """The pattern cell of a node without a kink (it depends on the use count from 2 on)."""
        key = (shape, uses if uses >= 2 else 0)
        text = self.patterns.get(key)
        if text is None:
            text = self.patterns[key] = _pattern(shape, (None, uses, None))  # a row's NAME, USES, KINK
        return text

    def compile(self, shape) -> tuple:
        """The shape's node text and, per edge: (label field, local, downstream field, constant,
        shown): ``constant`` is (field, number, text) when the text is a constant that is its
        number, (field, None, None) for a formula shown with its number (``shown``: its printf
        template), None for the general rule."""
        expression, edges = self.cells.shapes.get(shape) or self.cells.compile(shape)
        compiled_edges = []
        for label, local, down in edges:
            template, field, check = local
            if check is not None and check[2] is None:  # a variable named inf or nan: the general rule
                compiled_edges.append((label, local, down, None, None))
                continue
            constant = (check[0], check[2], check[1]) if check is not None else (field, None, None)
            compiled_edges.append((label, local, down, constant, printf_template(f"{template} = {{{field}:.{self.digits}g}}")))
        self.compiled[shape] = (printf_template(expression), compiled_edges)
        return self.compiled[shape]


def _pattern(shape, row) -> str:
    return "; ".join(line for line in pattern_lines(shape, row) if line)
