"""``--explain`` and ``--format latex`` on numbers: the backward pass, one line per edge.

``∂f/∂x = ∂f/∂s0 · ∂s0/∂x = (-4) · (1) = -4``: upstream times local, last node first. The
lines are made a column group at a time (``NodeRows.column_blocks``, last block first):
for each shape of node and each of its edges, one C-level ``map`` fills the edge's line
template over the group's columns, several times faster than a line at a time on
200,000 nodes. The nodes that need care (the output node, a node at a kink, an input
read twice, three or more inputs) take the line-at-a-time path, and a fan-out's adder
line goes right after the edge that completes it, as the lectures write it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from itertools import chain, compress, groupby, repeat
from operator import itemgetter, mod, neg

from ..i18n import _
from ..report.rows import NodeRows, VariableReport
from ..report.shapes import KINK, LABELS, NAME, expression_text
from .cells import kink_text
from .chain_formats import LatexFormat, TextFormat, latex_expression

BLOCK = 4096  # nodes per column block


def explain_lines(
    nodes: NodeRows, variables: list[VariableReport], output: str, latex: bool = False, digits: int = 6
) -> Iterator[str]:
    """The backward pass as the lectures write it, one line per edge, last node first
    (yielded as pieces of whole lines).

    ``∂f/∂x = ∂f/∂s0 · ∂s0/∂x``: upstream times local. The output node's own local
    gradients are written with its expression (``∂(s0 * z)/∂s0``), so that no line has
    the same symbol on both sides (``∂f/∂s0`` is the gradient; the local is the gate's).
    Numbers have ``digits`` significant digits (``--digits``).
    """
    fmt = LatexFormat() if latex else TextFormat()
    fmt.number = f"%.{digits}g"
    lines = _EdgeLines(nodes, fmt, output)
    yield from fmt.begin()
    yield fmt.line(fmt.d(output, output), [], "1", None)
    if not len(nodes):  # f is a single variable: its gradient is that 1
        for v in variables:
            yield fmt.line(fmt.d(output, v.name), [], "1", None)
    for start, groups, others in nodes.column_blocks(lines.slots, BLOCK, reverse=True):
        text = lines.block(start, groups, others)
        if text:
            yield text
    yield from fmt.end()


class _EdgeLines:
    """The lines of one ``explain_lines`` run, a block of nodes at a time; it holds the
    contributions to each fan-out until all have come (they may span blocks)."""

    def __init__(self, nodes: NodeRows, fmt, output: str) -> None:
        graph = nodes.graph
        self.nodes, self.fmt, self.output = nodes, fmt, output
        self.names = [fmt.name(label) for label in graph.labels]  # as shown, per slot
        self.slots = list(range(len(graph.labels)))  # the rows' "labels": a fan-out is counted by slot
        self.output_index = next((i for i in range(len(graph.nodes) - 1, -1, -1) if graph.nodes[i].slot == graph.output), -1)
        # Edges out of each slot (read twice or more: a fan-out). Nodes after the output's
        # (--output-name picks an earlier statement) cannot reach it: their edges do not count.
        if self.output_index == len(graph.nodes) - 1:
            self.uses = nodes.uses
        else:
            self.uses = Counter(chain.from_iterable(node.inputs for node in graph.nodes[: self.output_index + 1]))
        self.templates: dict[str | None, tuple[str, str]] = {}  # per gate
        self.pending: dict[int, list[float]] = {}  # contributions to a fan-out, until all have come

    def block(self, start: int, groups: list, others: list) -> str:
        """The lines of the nodes ``start`` .. of one column block, last node first, joined."""
        texts = [""] * (len(others) + sum(len(group[2]) for group in groups))
        fans: list[tuple] = []  # (slot, -place, edge, downstream) of each edge into a fan-out
        for shape, _twice, places, columns in groups:
            self.fill_group(texts, fans, shape, places, columns)
        for place, shape, row in others:
            texts[place] = self.node_text(shape, row, fans, place)
        place = self.output_index - start
        if place + 1 < len(texts):  # nodes after the output's: no line (their gradients are 0)
            texts[max(place + 1, 0) :] = [""] * (len(texts) - max(place + 1, 0))
            fans = [fan for fan in fans if -fan[1] <= place]
        if 0 <= place < len(texts):  # the output node writes its local with its expression
            fans = [fan for fan in fans if fan[1] != -place]
            node = self.nodes.graph.nodes[self.output_index]
            row = next(self.nodes.rows(self.output_index, self.output_index + 1, self.slots))[1]
            texts[place] = self.node_text(self.nodes.shape(node.op, node.inputs), row, fans, place)
        self.add_adder_lines(texts, fans)
        return "\n".join(filter(None, reversed(texts)))

    def fill_group(self, texts: list[str], fans: list, shape, places: list[int], columns: list[list]) -> None:
        """The lines of a column group's nodes: per edge one ``map`` of its template (= or +=:
        += where the input is a fan-out) over the columns; a node's lines joined."""
        if not shape.edges:
            return
        names, uses = self.names, self.uses
        pair = self.templates.get(shape.gate) or self.edge_templates(shape.gate)
        tops, grads = list(map(names.__getitem__, columns[NAME])), columns[shape.grad]
        per_edge = []
        for edge, (label, partial, down) in enumerate(shape.edges):
            slots = columns[label]
            inputs = list(map(names.__getitem__, slots))
            several = list(map((1).__lt__, map(uses.get, slots, repeat(1))))  # used twice or more
            chosen = map(pair.__getitem__, several)
            per_edge.append(list(map(mod, chosen, zip(inputs, tops, tops, inputs, grads, columns[partial], columns[down]))))
            if any(several):
                fans += compress(zip(slots, map(neg, places), repeat(edge), columns[down]), several)
        joined = per_edge[0] if len(per_edge) == 1 else map("\n".join, zip(*per_edge))
        for place, text in zip(places, joined):
            texts[place] = text

    def node_text(self, shape, row: tuple, fans: list, place: int) -> str:
        """One node's lines from its row (slots for labels): any node, the output node and nodes
        at a kink or with an input read twice included."""
        names, graph = self.names, self.nodes.graph
        top, grad = names[row[NAME]], row[shape.grad]
        # x*x: two edges from x, each ∂s0/∂x₍₁₎ and ∂s0/∂x₍₂₎ (∂s0/∂x alone would be their sum, 2x)
        repeated = shape.repeats(row)
        if row[NAME] == graph.output or row[KINK] or repeated:
            pairs = self.special_templates(shape, row, row[NAME] == graph.output, repeated)
        else:
            pairs = [self.templates.get(shape.gate) or self.edge_templates(shape.gate)] * len(shape.edges)
        lines = []
        for edge, ((label, partial, downstream), pair) in enumerate(zip(shape.edges, pairs)):
            slot, down = row[label], row[downstream]
            several = self.uses.get(slot, 1) >= 2
            lines.append(pair[several] % (names[slot], top, top, names[slot], grad, row[partial], down))
            if several:
                fans.append((slot, -place, edge, down))
        return "\n".join(lines)

    def add_adder_lines(self, texts: list[str], fans: list) -> None:
        """Count the block's edges into each fan-out in the order they are written (last node
        first, a node's edges in order); after the last edge into one comes its adder line."""
        after: dict[int, list[tuple[int, str]]] = {}
        fans.sort()  # by slot, then in the order written: (slot, -place, edge, downstream)
        for slot, group in groupby(fans, itemgetter(0)):
            edges = list(group)
            contributions = self.pending.setdefault(slot, [])
            contributions += map(itemgetter(3), edges)
            if len(contributions) == self.uses[slot]:  # every edge from it has come: the adder sums them
                del self.pending[slot]
                _slot, place, edge, _down = edges[-1]
                after.setdefault(-place, []).append((edge, self.adder_line(slot, contributions)))
        for place, adders in after.items():
            lines = texts[place].split("\n")
            for edge, line in sorted(adders, reverse=True):  # the highest edge first: the lower keep their index
                lines.insert(edge + 1, line)
            texts[place] = "\n".join(lines)

    def adder_line(self, slot: int, contributions: list[float]) -> str:
        fmt = self.fmt
        number = fmt.number  # %.{digits}g, as in the edge lines
        parts = " + ".join(map(f"({number})".__mod__, contributions))
        label = self.nodes.graph.labels[slot]
        return fmt.line(fmt.d(self.output, label), [], f"{parts} = {number % sum(contributions)}", _("adder"))

    def special_templates(self, shape, row: tuple, is_output: bool, repeated: bool) -> list:
        """Per edge, the templates of the output node (its local written with its expression), of a
        node at a kink (the convention's choice named) or of one whose inputs repeat (each edge's
        local marked with its input's position): made per node, as these are few."""
        fmt, names = self.fmt, self.names
        pattern = _(shape.gate) if shape.gate else None
        if row[KINK]:
            note = _("kink: {note}").format(note=kink_text(row[KINK]))
            pattern = f"{pattern}; {note}" if pattern else note
        local = None
        if is_output:
            labels = [names[s] for s in row[LABELS : LABELS + shape.inputs]]
            local = fmt.gate(expression_text(shape.op, labels) if not fmt.latex else latex_expression(shape.op, labels))
        pairs = []
        for position in shape.positions:
            mark = position + 1 if repeated else None
            pairs.append(tuple(edge_template(fmt, self.output, pattern, accumulate, local, mark) for accumulate in (False, True)))
        return pairs

    def edge_templates(self, gate: str | None) -> tuple[str, str]:
        """An edge's line, with = and with +=, as templates (``edge_template``); the gate's pattern named."""
        shown = _(gate) if gate else None
        pair = (edge_template(self.fmt, self.output, shown, False), edge_template(self.fmt, self.output, shown, True))
        self.templates[gate] = pair
        return pair


def edge_template(fmt, output: str, gate: str | None, accumulate: bool, local: str | None = None, mark=None) -> str:
    """One edge's line as a printf-style template (no braces to escape, unlike str.format's:
    LaTeX is mostly braces). Its fields: input, node, node, input, then three numbers.

    ``local``: the local gradient's top written out (the output node's expression), in
    place of the node's name; the node field is then dropped by ``%.0s``. ``mark``: the
    input's position, written on the local gradient's input (an input read twice)."""
    if local is None:
        local_factor = fmt.d("\x02", "\x01", mark)
    else:
        local_factor = fmt.d_typeset("\x02\x06", "\x01", mark)
    chain = [fmt.d(output, "\x02"), local_factor]
    line = fmt.line(fmt.d(output, "\x01"), chain, f"(\x03) {fmt.dot} (\x04) = \x05", gate, accumulate)
    # printf fields are taken in order: both formats write input, node, node, input, numbers
    assert re.findall("[\x01-\x05]", line) == list("\x01\x02\x02\x01\x03\x04\x05"), line
    line = line.replace("%", "%%")
    if local is not None:  # the node's name is still a field (the fields are in order), printed as nothing
        line = line.replace("\x02\x06", "%.0s" + local.replace("%", "%%"))
    number = fmt.number
    for mark, field in (("\x02", "%s"), ("\x01", "%s"), ("\x03", number), ("\x04", number), ("\x05", number)):
        line = line.replace(mark, field)
    return line
