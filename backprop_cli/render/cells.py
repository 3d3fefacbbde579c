"""The table's cells, one row per edge, made with one template per shape of node.

The lectures' picture: a gate receives the upstream gradient ∂f/∂node and hands each
input (each *edge*: ``x*x`` has two from x) the downstream gradient upstream × local.
A node's first row carries the node (name, expression, value, upstream gradient)
and its first edge; each further edge gets a row of its own, so a number is always
on the line of the edge it belongs to. Both layouts of the table use these cells:
the Rich table of a small graph and the streamed lines of a big one (``render.table``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..i18n import N_, _, ngettext
from ..report.rows import NodeRows
from ..report.shapes import KINK, NAME, USES, Shape

# The gate patterns' names (SPEC §4), marked here for the catalogs: the table shows them translated.
PATTERN_NAMES = (N_("distributor"), N_("switcher"), N_("router"), N_("scaler"), N_("adder"))


class NodeCells:
    """Per node, its rows of cells: ``[node = expression, value, upstream, input, local, downstream]``.

    A local gradient's number is left out where its text already is that number
    (``1``, not ``1 = 1``). At a kink the local gradient is the value the convention
    chose, marked as such: the formula does not hold there (``Heaviside(0)``).
    Numbers have ``digits`` significant digits (``--digits``).
    """

    def __init__(self, rows: NodeRows, digits: int = 6) -> None:
        self.rows = rows
        self.number = f"{{:.{digits}g}}".format
        self.shapes: dict[Shape, tuple] = {}
        self.kink_mark = _("(kink)")
        # A variable named inf or nan is the one name a number can be written as.
        self.numeric_names = not {"inf", "nan"}.isdisjoint(rows.graph.variables)

    def between(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[Shape, tuple, list[list[str]]]]:
        """``(shape, row, rows of cells)`` per node; a node without edges has one row."""
        compiled, compile_shape, number = self.shapes, self.compile, self.number
        for shape, row in self.rows.rows(start, stop):  # hot loop: once per node
            expr, edges = compiled.get(shape) or compile_shape(shape)
            node = [expr.format(*row), number(row[shape.value]), number(row[shape.grad])]
            if not edges:
                yield shape, row, [[*node, "", "", ""]]
                continue
            kink = row[KINK] is not None
            cells = []
            for label, local, down in edges:
                cells.append(["", "", "", row[label], self.local_text(row, local, kink), number(row[down])])
            cells[0][:3] = node
            yield shape, row, cells

    def local_text(self, row: tuple, local: tuple, kink: bool) -> str:
        """An edge's local gradient: its formula and number, or the convention's value at a kink."""
        template, field, check = local
        value = row[field]
        if kink:
            return f"{self.number(value)} {self.kink_mark}"
        if check is not None and not self.shows(row, check):
            return template.format(*row)
        return f"{template.format(*row)} = {self.number(value)}"

    def compile(self, shape: Shape) -> tuple:
        """The shape's expression template and, per edge, (label field, local, downstream field)."""
        edges = []
        for j, text in enumerate(shape.locals):
            label, partial, down = shape.edges[j]
            edges.append((label, (shape.text(text), partial, self.check(shape, j, text)), down))
        name_and_expr = f"{{{NAME}}} = " + shape.text(shape.expr)
        compiled = self.shapes[shape] = (name_and_expr, edges)
        return compiled

    def check(self, shape: Shape, j: int, text: str) -> tuple | None:
        """How to tell whether local ``j``'s text is its number; None where it never is."""
        template = shape.text(text)
        if "{" not in template:  # a constant text, such as 1 or 3
            try:
                number = float(text)
            except ValueError:
                return None
            return (shape.partial[j], text, number) if self.number(number) == text else None
        label = template[1:-1]
        if self.numeric_names and label.isdigit() and template == f"{{{label}}}":
            return (shape.partial[j], int(label), None)  # the text is a variable named inf or nan
        return None

    def shows(self, row: tuple, check: tuple) -> bool:
        """Whether a local gradient's number is shown after its text."""
        field, text, number = check
        value = row[field]
        if number is None:
            return self.number(value) != row[text]
        return value != number and self.number(value) != text


def pattern_lines(shape: Shape, row: tuple) -> list[str]:
    """The gate pattern (SPEC §4; none for a gate without one), then fan-out and kink notes."""
    uses = row[USES]
    pattern = shape.pattern(uses)
    lines = [_(pattern) if pattern else ""]
    if uses >= 2:
        gate = _(shape.gate) if shape.gate else _("no pattern")
        lines.append(ngettext("used {count}×; gate: {gate}", "used {count}×; gate: {gate}", uses).format(count=uses, gate=gate))
    if row[KINK]:
        lines.append(_("kink: {note}").format(note=kink_text(row[KINK])))
    return [line for line in lines if line] or [""]


def kink_text(note: str) -> str:
    """A kink note (``relu at 0: jax gives 0``, as --json writes it) in the current language."""
    label, _colon, rest = note.partition(": ")
    convention, gives, value = rest.partition(" gives ")
    if not gives:
        return note
    return _("{kink}: {convention} gives {value}").format(kink=_(label), convention=convention, value=value)


# Vector mode's Jacobian descriptions (engine.arrays.jacobian_text) and its "scalar" shape,
# marked for the catalogs: the table and --explain show them translated, --json as they are.
_ARRAY_WORDS = (
    N_("scalar"),
    N_("diagonal"),
    N_("diagonal, broadcast"),
    N_("the other factor"),
    N_("sparse, rows of the other factor"),
    N_("a row: {what}"),
    N_("ones"),
    N_("the other vector"),
)


def array_words(text: str) -> str:
    """A shape (``scalar``, ``(2,)``) or a Jacobian (``2×2 (the other factor)``) in the current language."""
    if text == "scalar":
        return _("scalar")
    size, _space, kind = text.partition(" (")
    if not kind.endswith(")"):
        return text
    kind = kind[:-1]
    if kind.startswith("a row: "):
        what = kind[len("a row: ") :]
        shown = _("a row: {what}").format(what=_(what) if what in ("ones", "the other vector") else what)
    else:
        shown = _(kind)
    return f"{size} ({shown})"
