"""``--json``: one JSON object with exactly the fields of SPEC §5.

JSON has no inf or nan, so a non-finite number is written as the string
"inf", "-inf" or "nan" (strict parsers such as jq accept the document).
"""

from __future__ import annotations

import json
import math

from .report import NodeReport, VariableReport


def number(value: float):
    """A float as JSON allows it."""
    value = float(value)
    if math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def node_object(node: NodeReport) -> dict:
    """One element of ``nodes``; ``kink`` appears only on nodes at a kink."""
    data = {
        "name": node.name,
        "op": node.op,
        "expr": node.expr,
        "inputs": node.inputs,
        "value": number(node.value),
        "grad": number(node.grad),
        "local": {g.input: {"symbolic": g.symbolic, "value": number(g.value)} for g in node.locals},
        "downstream": {g.input: number(g.downstream) for g in node.locals},
        "pattern": node.pattern,
    }
    if node.kink is not None:
        data["kink"] = node.kink
    return data


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


def dumps(data: dict) -> str:
    """Serialise with non-ASCII kept readable (∂, σ) and no NaN/Infinity tokens."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False)
