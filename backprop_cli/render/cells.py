"""The table's cells of each node, made with one template per shape of node.

Both layouts of the table use them: the Rich table of a small graph and the
streamed lines of a big one (``render.table``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..report.rows import NodeRows
from ..report.shapes import KINK, NAME, USES, Shape


class NodeCells:
    """The table's cells of each node, from templates made once per shape of node.

    A local gradient's number is left out where its text already is that number
    (``∂s0/∂x = 1``, not ``∂s0/∂x = 1 = 1``). Several entries of a cell (one per
    input) are joined by ``joiner``: a line break in the Rich table, "; " in the
    streamed one.
    """

    def __init__(self, rows: NodeRows, joiner: str) -> None:
        self.rows, self.joiner = rows, joiner
        self.shapes: dict[Shape, tuple] = {}
        # A variable named inf or nan is the one name a number can be written as.
        self.numeric_names = not {"inf", "nan"}.isdisjoint(rows.graph.variables)

    def between(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[Shape, tuple, list[str]]]:
        """``(shape, row, cells)`` per node: node, op, expr, value, gradient, local, downstream."""
        compiled, compile_shape, joiner, shows = self.shapes, self.compile, self.joiner, self.shows
        for shape, row in self.rows.rows(start, stop):  # hot loop: once per node
            expr, quick, local, items, downstream = compiled.get(shape) or compile_shape(shape)
            slow = quick is None
            if not slow:  # the usual case: each constant text has its own value (add's 1s)
                for field, number in quick:
                    if row[field] != number:
                        slow = True
                        break
            if slow:
                local = joiner.join([(shown if shows(row, check) else hidden).format(*row) for shown, hidden, check in items])
            else:
                local = local.format(*row)
            value, grad = row[shape.value], row[shape.grad]
            yield (
                shape,
                row,
                [row[NAME], shape.op, expr.format(*row), f"{value:.6g}", f"{grad:.6g}", local, downstream.format(*row)],
            )

    def compile(self, shape: Shape) -> tuple:
        """The shape's templates, and ``quick``: (field, number) per constant text, to tell
        at a glance that each local gradient is the number its text says (None: never at a glance)."""
        items = []
        for j, text in enumerate(shape.locals):
            hidden = f"∂{{{NAME}}}/∂{{{shape.input_label(j)}}} = {shape.text(text)}"
            items.append((f"{hidden} = {{{shape.partial[j]}:.6g}}", hidden, self.check(shape, j, text)))
        checks = [check for _, _, check in items if check]
        quick = None if any(number is None for _, _, number in checks) else [(field, number) for field, _, number in checks]
        local = self.joiner.join(hidden if check else shown for shown, hidden, check in items)
        downstream = self.joiner.join(f"{{{shape.input_label(j)}}}: {{{field}:.6g}}" for j, field in enumerate(shape.downstream))
        compiled = self.shapes[shape] = (shape.text(shape.expr), quick, local, items, downstream)
        return compiled

    def check(self, shape: Shape, j: int, text: str) -> tuple | None:
        """How to tell whether local ``j``'s text is its number; None where it never is."""
        template = shape.text(text)
        if "{" not in template:  # a constant text, such as 1 or 3
            try:
                number = float(text)
            except ValueError:
                return None
            return (shape.partial[j], text, number) if f"{number:.6g}" == text else None
        label = template[1:-1]
        if self.numeric_names and label.isdigit() and template == f"{{{label}}}":
            return (shape.partial[j], int(label), None)  # the text is a variable named inf or nan
        return None

    @staticmethod
    def shows(row: tuple, check: tuple | None) -> bool:
        """Whether a local gradient's number is shown after its text."""
        if check is None:
            return True
        field, text, number = check
        value = row[field]
        if number is None:
            return f"{value:.6g}" != row[text]
        return value != number and f"{value:.6g}" != text


def pattern_lines(shape: Shape, row: tuple) -> list[str]:
    """The pattern (or op), then fan-out and kink notes."""
    uses = row[USES]
    lines = [shape.pattern(uses) or shape.op]
    if uses >= 2:
        lines.append(f"used {uses}×; gate: {shape.gate or shape.op}")
    if row[KINK]:
        lines.append(f"kink: {row[KINK]}")
    return lines
