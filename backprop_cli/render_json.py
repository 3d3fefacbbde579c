"""``--json``: one JSON object with exactly the fields of SPEC §5.

JSON has no inf or nan, so a non-finite number is written as the string
"inf", "-inf" or "nan" (strict parsers such as jq accept the document).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Iterator
from itertools import islice

from .report import NodeReport, VariableReport
from .terminal import can_encode


def number(value: float):
    """A float as JSON allows it."""
    value = float(value)
    if value - value == 0.0:  # finite (inf - inf and nan - nan are nan)
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def node_object(node: NodeReport) -> dict:
    """One element of ``nodes``; ``kink`` appears only on nodes at a kink."""
    local, downstream = {}, {}
    for g in node.locals:
        local[g.input] = {"symbolic": g.symbolic, "value": number(g.value)}
        downstream[g.input] = number(g.downstream)
    data = {
        "name": node.name,
        "op": node.op,
        "expr": node.expr,
        "inputs": node.inputs,
        "value": number(node.value),
        "grad": number(node.grad),
        "local": local,
        "downstream": downstream,
        "pattern": node.pattern,
    }
    if node.kink is not None:
        data["kink"] = node.kink
    return data


# Text JSON writes as it is: printable ASCII without quotes or backslashes.
_PLAIN = re.compile(r"[ !#-\[\]-~]*").fullmatch


def node_text(node: NodeReport, ensure_ascii: bool = False) -> str:
    """``dumps(node_object(node))``, written directly where that is safe (names, numbers):
    a 200,000-node document is written twice as fast. Anything unusual (a non-finite
    number, a kink note, a character JSON escapes) goes through ``json``.
    """
    locals_, check = node.locals, node.value + node.grad
    texts = [node.name, node.op, node.expr, node.pattern or "", *node.inputs]
    for g in locals_:
        check += g.value + g.downstream
        texts.append(g.symbolic)
    if node.kink is not None or check - check != 0.0 or not _PLAIN("".join(texts)):
        return dumps(node_object(node), ensure_ascii)
    local = ", ".join(f'"{g.input}": {{"symbolic": "{g.symbolic}", "value": {g.value!r}}}' for g in locals_)
    downstream = ", ".join(f'"{g.input}": {g.downstream!r}' for g in locals_)
    inputs = ", ".join(f'"{label}"' for label in node.inputs)
    pattern = "null" if node.pattern is None else f'"{node.pattern}"'
    return (
        f'{{"name": "{node.name}", "op": "{node.op}", "expr": "{node.expr}", "inputs": [{inputs}], '
        f'"value": {node.value!r}, "grad": {node.grad!r}, "local": {{{local}}}, "downstream": {{{downstream}}}, '
        f'"pattern": {pattern}}}'
    )


def document(
    expression: str, value: float, nodes: list[NodeReport], variables: list[VariableReport], extra: dict | None = None
) -> dict:
    """The whole ``--json`` object (``extra`` adds opt-in sections such as ``check``)."""
    data = {
        "expression": expression,
        "value": number(value),
        "gradients": {v.name: number(v.grad) for v in variables},
        "nodes": [node_object(n) for n in nodes],
        "variables": [{"name": v.name, "value": number(v.value), "grad": number(v.grad), "uses": v.uses} for v in variables],
    }
    data.update(extra or {})
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
    expression: str,
    value: float,
    nodes: Iterable[NodeReport],
    variables: list[VariableReport],
    extra: dict | None = None,
    block: int = 1024,
) -> Iterator[str]:
    """``dumps(document(...))`` in pieces: the nodes are serialised as they come, ``block`` at a time."""
    ensure_ascii = not can_encode(sys.stdout)
    skeleton = document(expression, value, [], variables, extra)
    skeleton["nodes"] = _NODES
    head, _, tail = dumps(skeleton, ensure_ascii).partition(dumps(_NODES, ensure_ascii))
    yield head + "["
    separator = ""
    for part in batched(nodes, block):
        yield separator + ", ".join([node_text(n, ensure_ascii) for n in part])
        separator = ", "
    yield "]" + tail


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last may be shorter)."""
    iterator = iter(items)
    while part := list(islice(iterator, size)):
        yield part
