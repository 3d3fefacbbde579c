"""``--json``: one JSON object with exactly the fields of SPEC §5.

JSON has no inf or nan, so a non-finite number is written as the string
"inf", "-inf" or "nan" (strict parsers such as jq accept the document).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator

from ..engine.finite import all_finite
from ..report.numbers import json_number
from ..report.rows import GradReport, NodeRows, VariableReport
from ..report.shapes import KINK, LABELS, NAME, USES, Shape
from .printf import fill_columns, printf_template
from .terminal import can_encode

number = json_number  # the one rule (report.numbers); batch writes its JSON Lines with it too


# Text JSON writes as it is: printable ASCII without quotes or backslashes.
_PLAIN = re.compile(r"[ !#-\[\]-~]*").fullmatch


class _NonFinite(float):
    """A float that writes itself as JSON's stand-in for inf and nan ("inf", "-inf", "nan")."""

    def __repr__(self) -> str:
        return f'"{number(self)}"'


class NodeWriter:
    """Each node's JSON object, written with one template per shape of node.

    The text is what ``dumps`` would write for the SPEC §5 object (``kink``
    only on a node at a kink); a 200,000-node document is written in about a second.
    """

    def __init__(self, rows: NodeRows, ensure_ascii: bool) -> None:
        self.rows, self.ensure_ascii = rows, ensure_ascii
        self.templates: dict[tuple, tuple] = {}  # key -> (printf text, its fields' getter, their order)
        labels = rows.graph.labels
        # One scan of all the labels (names never hold a NUL, so joining them adds nothing JSON would escape)
        self.labels = labels if _PLAIN("".join(labels)) else [self.escape(label) for label in labels]

    def escape(self, text: str) -> str:
        """``text`` as it stands inside a JSON string."""
        return text if _PLAIN(text) else json.dumps(text, ensure_ascii=self.ensure_ascii)[1:-1]

    def pieces(self, block: int = 4096) -> Iterator[str]:
        """The node objects joined by ", ", ``block`` nodes a piece."""
        if self.rows.arrays:
            texts = [self.node_text(shape, row) for shape, row in self.rows.rows(labels=self.labels)]
            yield ", ".join(texts)  # vector mode: a handful of nodes
            return
        templates, template = self.templates, self.template
        for _start, groups, others in self.rows.column_blocks(self.labels, block):
            texts = [""] * (len(others) + sum(len(group[2]) for group in groups))
            for shape, twice, places, columns in groups:
                numbers = columns[shape.value :]
                if not all(map(all_finite, numbers)):  # inf or nan: written node by node
                    for place, row in zip(places, zip(*columns)):
                        texts[place] = self.node_text(shape, row)
                    continue
                key = (shape, twice, False, False)
                text, _fields, order = templates.get(key) or template(*key)
                # Each number once as JSON text: the template uses most of them twice ("edges").
                fill_columns(texts, places, text, order, columns[: shape.value] + [list(map(repr, c)) for c in numbers])
            for place, shape, row in others:
                texts[place] = self.node_text(shape, row)
            yield ", ".join(texts)

    def node_text(self, shape: Shape, row: tuple) -> str:
        """One node's object from its row (``NodeRows.rows``): any node, at a kink or not."""
        # An input read twice (x*x) has two edges but one key in "local" and "downstream".
        repeated = shape.repeats(row)
        key = (shape, row[USES] >= 2, row[KINK] is not None, repeated)
        text, fields, _order = self.templates.get(key) or self.template(*key)
        extra = self.merged(shape, row) if repeated else ()
        if self.rows.arrays:  # arrays write their own JSON; the Jacobians' descriptions are text
            return text.format(*self.array_row(shape, row), *extra)
        if key[2] or not all_finite(row[shape.value :]):  # a kink note, or inf/nan
            row = self.unusual(row, shape.value)
        value = shape.value
        row = (*row[:value], *map(repr, row[value:]))
        return text % fields((*row, *extra) if extra else row)

    def merged(self, shape: Shape, row: tuple) -> tuple[str, str]:
        """ "local" and "downstream" of a node with an input read twice: one key per input,
        its edges' local gradients added (texts joined by +) and their downstreams added."""
        local: dict[str, list] = {}
        for (label, partial, down), text in zip(shape.edges, shape.locals):
            entry = local.setdefault(row[label], [[], 0.0, None])
            entry[0].append(shape.text(text, self.escape).format(*row))
            if self.rows.arrays:  # the Jacobians of one input's edges have one size and kind: the first's
                entry[1] = entry[1] or row[partial]
                entry[2] = row[down] if entry[2] is None else type(row[down])(entry[2].array + row[down].array)
            else:
                entry[1] += row[partial]
                entry[2] = row[down] + (entry[2] or 0.0)
        if self.rows.arrays:
            locals_ = [f'"{n}": {{"symbolic": "{_sum_text(t)}", "jacobian": "{j}"}}' for n, (t, j, _) in local.items()]
        else:
            locals_ = [f'"{n}": {{"symbolic": "{_sum_text(t)}", "value": {_json_repr(v)}}}' for n, (t, v, _) in local.items()]
        downs = [f'"{n}": {_json_repr(d)}' for n, (_, _, d) in local.items()]
        return ", ".join(locals_), ", ".join(downs)

    def array_row(self, shape: Shape, row: tuple) -> tuple:
        jacobians = slice(shape.grad + 1, shape.grad + 1 + len(shape.partial))
        kink = row[KINK] and self.escape(row[KINK])
        return (*row[:KINK], kink, *row[KINK + 1 : jacobians.start], *map(self.escape, row[jacobians]), *row[jacobians.stop :])

    def unusual(self, row: tuple, first_number: int) -> tuple:
        numbers = [x if x - x == 0.0 else _NonFinite(x) for x in row[first_number:]]
        kink = row[KINK] and self.escape(row[KINK])
        return (*row[:KINK], kink, *row[KINK + 1 : first_number], *numbers)

    def template(self, shape: Shape, used_twice: bool, kink: bool, repeated: bool = False) -> tuple:
        """The template of one node object of this shape: ``(text, fields, order)``, printf
        (``render.printf``) for numbers, ``str.format`` (fields None) for arrays.

        ``repeated``: "local" and "downstream" are two extra fields after the row (``merged``).
        """
        escape = self.escape
        r = "!r" if self.rows.arrays else ""  # scalar rows come with their numbers as JSON text (``pieces``)
        inputs = ", ".join(f'"{{{LABELS + i}}}"' for i in range(shape.inputs))
        local, downstream, edges = [], [], []
        for j, text in enumerate(shape.locals):
            name = f"{{{shape.input_label(j)}}}"
            symbolic = shape.text(text, escape)
            if self.rows.arrays:  # the Jacobian is described, not a number
                entry = f'{{{{"symbolic": "{symbolic}", "jacobian": "{{{shape.partial[j]}}}"}}}}'
            else:
                entry = f'{{{{"symbolic": "{symbolic}", "value": {{{shape.partial[j]}{r}}}}}}}'
            local.append(f'"{name}": {entry}')
            downstream.append(f'"{name}": {{{shape.downstream[j]}{r}}}')
            edges.append(f'{{{{"input": "{name}", "local": {entry}, "downstream": {{{shape.downstream[j]}{r}}}}}}}')
        if repeated:
            extra = shape.downstream[-1] + 1 if shape.downstream else shape.grad + 1
            local, downstream = [f"{{{extra}}}"], [f"{{{extra + 1}}}"]
        pattern = shape.pattern(2 if used_twice else 0)
        pattern = "null" if pattern is None else f'"{escape(pattern)}"'
        array_shape = f'"shape": {{{shape.value}.shape_json}}, ' if self.rows.arrays else ""
        text = (
            f'{{{{"name": "{{{NAME}}}", "op": "{escape(shape.op)}", "expr": "{shape.text(shape.expr, escape)}", '
            f'"inputs": [{inputs}], {array_shape}"value": {{{shape.value}{r}}}, "grad": {{{shape.grad}{r}}}, '
            f'"local": {{{{{", ".join(local)}}}}}, "downstream": {{{{{", ".join(downstream)}}}}}, '
            f'"edges": [{", ".join(edges)}], "pattern": {pattern}' + (f', "kink": "{{{KINK}}}"' if kink else "") + "}}"
        )
        # Numbers: printf (twice as fast); arrays keep str.format ({5.shape_json} reads an attribute).
        compiled = (text, None, None) if self.rows.arrays else printf_template(text)
        self.templates[(shape, used_twice, kink, repeated)] = compiled
        return compiled


def _sum_text(texts: list[str]) -> str:
    """The local gradients of one input's edges added: ``x + x``; k equal ones as ``k*(text)``."""
    if len(texts) > 2 and len(set(texts)) == 1:
        return f"{len(texts)}*({texts[0]})"
    return " + ".join(texts)


def _json_repr(value) -> str:
    """A number as the templates write it: repr, or "inf"/"nan" as strings; arrays as their JSON."""
    if isinstance(value, float):
        return repr(value) if value - value == 0.0 else f'"{number(value)}"'
    return repr(value)


def document(expression: str, value: float, variables: list[VariableReport], extra: dict | None = None) -> dict:
    """The ``--json`` object without its nodes (``extra`` adds opt-in sections such as ``check``).

    In vector mode values and gradients are nested lists, and variables carry their shape.
    """
    data = {
        "expression": expression,
        "value": number(value),
        "gradients": {v.name: _value(v.grad) for v in variables},
        "nodes": [],
        "variables": [_variable(v) for v in variables],
    }
    data.update(extra or {})
    return data


def _value(value):
    if isinstance(value, float):
        return number(value)
    from ..report.arrays import nested

    return nested(value)


def _variable(v: VariableReport) -> dict:
    data = {"name": v.name, "value": _value(v.value), "grad": _value(v.grad), "uses": v.uses}
    if not isinstance(v.value, float):
        data["shape"] = list(v.value.shape)
    return data


def dumps(data, ensure_ascii: bool | None = None) -> str:
    """Serialise with non-ASCII kept readable (∂, σ) and no NaN/Infinity tokens.

    Where stdout cannot encode non-ASCII text (``PYTHONIOENCODING=ascii``), it
    is escaped instead (``\\u2202``): the same JSON, and nothing is lost.
    """
    if ensure_ascii is None:
        ensure_ascii = not can_encode(sys.stdout)
    return json.dumps(data, ensure_ascii=ensure_ascii, allow_nan=False)


_NODES = "\x00nodes\x00"  # stands for the node list in the skeleton; the parser refuses NUL in a source


def document_pieces(
    expression: str, value: float, nodes: NodeRows, variables: list[VariableReport], extra: dict | None = None
) -> Iterator[str]:
    """The whole ``--json`` document in pieces: the nodes are serialised as they come."""
    ensure_ascii = not can_encode(sys.stdout)
    skeleton = document(expression, value, variables, extra)
    skeleton["nodes"] = _NODES
    head, _, tail = dumps(skeleton, ensure_ascii).partition(dumps(_NODES, ensure_ascii))
    yield head + "["
    separator = ""
    for piece in NodeWriter(nodes, ensure_ascii).pieces():
        yield separator + piece
        separator = ", "
    yield "]" + tail


def write(report: GradReport, stream) -> None:
    """``--json`` (``render.formats``): the document, streamed; ``check`` only with --check."""
    extra = {"check": {row.name: _check_object(row) for row in report.checks}} if report.checked else None
    result = report.result
    for piece in document_pieces(report.source.strip(), result.value, report.nodes, report.variables, extra):
        stream.write(piece)
    stream.write("\n")
    stream.flush()


def _check_object(row) -> dict:
    if hasattr(row, "elements"):  # vector mode's ArrayCheckRow
        return {"elements": row.elements, "relative_error": number(row.relative_error), "ok": row.ok}
    return {
        "analytic": number(row.analytic),
        "numeric": number(row.numeric),
        "relative_error": number(row.relative_error),
        "ok": row.ok,
        "kink": row.at_kink,
    }
