"""``grad --format csv``: one row per node, the JSON's fields, for a spreadsheet or pandas."""

from __future__ import annotations

from collections.abc import Iterator

from ..report.rows import NodeRows
from ..report.shapes import KINK, LABELS, NAME, USES
from .printf import fill_columns, printf_template
from .terminal import write_lines

CSV_COLUMNS = ["name", "op", "expr", "inputs", "value", "grad", "local", "downstream", "pattern", "kink"]


def nodes_csv(rows: NodeRows, block: int = 4096) -> Iterator[str]:
    """One row per node: the JSON's fields, local and downstream gradients as name=value lists.

    Each row is written with a template made once per shape of node, quoted as
    Python's csv module quotes (input labels are names and numbers, which never
    need quotes). Each piece yielded is whole lines, without the last newline.
    """
    if rows.arrays:
        yield from _array_csv(rows)
        return
    templates: dict[tuple, tuple] = {}  # key -> (printf text, its fields' getter, their order)
    yield ",".join(CSV_COLUMNS)
    for _start, groups, others in rows.column_blocks(rows.graph.labels, block):
        lines = [""] * (len(others) + sum(len(group[2]) for group in groups))
        for shape, twice, places, columns in groups:
            text, _fields, order = templates.get((shape, twice, False)) or _csv_template(templates, shape, twice, False)
            numbers = [list(map(repr, column)) for column in columns[shape.value :]]  # full precision
            fill_columns(lines, places, text, order, columns[: shape.value] + numbers)
        for place, shape, row in others:
            key = (shape, row[USES] >= 2, row[KINK] is not None)
            text, fields, _order = templates.get(key) or _csv_template(templates, *key)
            kink = _csv_quote(row[KINK]) if key[2] else None
            lines[place] = text % fields((*row[:KINK], kink, *row[KINK + 1 : shape.value], *map(repr, row[shape.value :])))
        yield "\n".join(lines)


def _array_csv(rows: NodeRows) -> Iterator[str]:
    """Vector mode's rows: arrays as JSON, each local gradient as its vector–Jacobian product
    with the Jacobian described. A handful of nodes: written by the csv module."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for shape, row in rows.rows():
        edges = shape.edge_texts(row)
        local = "; ".join(f"{name}: {text} (Jacobian {jacobian})" for name, text, jacobian, _ in edges)
        downstream = "; ".join(f"{name}={down!r}" for name, _, _, down in edges)
        inputs = " ".join(row[LABELS + i] for i in range(shape.inputs))
        expr = shape.text(shape.expr).format(*row)
        value, grad, pattern = repr(row[shape.value]), repr(row[shape.grad]), shape.pattern(row[USES]) or ""
        writer.writerow([row[NAME], shape.op, expr, inputs, value, grad, local, downstream, pattern, row[KINK] or ""])
    yield buffer.getvalue()[:-1]


def _csv_template(templates: dict, shape, used_twice: bool, kink: bool) -> tuple:
    """The printf template of a CSV row of this shape (``render.printf``), over a row whose
    numbers are written already (as repr: full precision); the kink note comes quoted."""
    local = "; ".join(
        f"{{{shape.input_label(j)}}}: {shape.text(text)} = {{{shape.partial[j]}}}" for j, text in enumerate(shape.locals)
    )
    downstream = "; ".join(f"{{{shape.input_label(j)}}}={{{field}}}" for j, field in enumerate(shape.downstream))
    cells = [
        f"{{{NAME}}}",
        _csv_quote(shape.op),
        _csv_quote(shape.text(shape.expr)),
        " ".join(f"{{{LABELS + i}}}" for i in range(shape.inputs)),
        f"{{{shape.value}}}",
        f"{{{shape.grad}}}",
        _csv_quote(local),
        downstream,
        _csv_quote(shape.pattern(2 if used_twice else 0) or ""),
        f"{{{KINK}}}" if kink else "",
    ]
    template = ",".join(cells)
    compiled = templates[(shape, used_twice, kink)] = printf_template(template)
    return compiled


def _csv_quote(text: str | None) -> str:
    """A cell as csv's QUOTE_MINIMAL writes it (None: empty)."""
    if text is None:
        return ""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(report, stream) -> None:
    """``--format csv`` (``render.formats``)."""
    write_lines(stream, nodes_csv(report.nodes))
