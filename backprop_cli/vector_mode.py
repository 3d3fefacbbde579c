"""``grad`` in vector and matrix mode (SPEC §5b): evaluate, check, and show shapes.

Called by ``calculate.run_grad`` when a binding is an array or the expression
uses ``@ sum mean dot norm``. Every node carries its shape; the table shows, per
edge, the upstream gradient's shape, the local Jacobian (described, never built)
and the downstream gradient's shape: the lectures' "20-dim in, 10-dim out:
upstream 10, local 10×20, downstream 20".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from . import array_engine
from .array_engine import ArrayEvaluation as VectorEvaluation
from .array_engine import jacobian_text, shape_text
from .checks import CHECK_ABSOLUTE, CHECK_RELATIVE, STEP, within_arrays
from .errors import CheckFailed, NonFiniteError, UsageError
from .finite import first_non_finite_array
from .output_formats import array_formats
from .report import expression_text
from .rules import VECTOR_RULES
from .symbolic import local_symbolic

CHECK_ELEMENTS = 12  # finite differences per variable: evenly spaced elements


@dataclass
class Edge:
    """One input of a node: how its gradient is made and what shape it has."""

    input: str
    symbolic: str  # the vector–Jacobian product, e.g. g·xᵀ
    jacobian: str  # e.g. "10×20 (the other factor)"
    downstream: np.ndarray


@dataclass
class VectorNodeReport:
    name: str
    op: str
    expr: str
    inputs: list[str]
    value: np.ndarray
    grad: np.ndarray
    edges: list[Edge]
    pattern: str | None
    kink: str | None


def node_reports(result: VectorEvaluation) -> list[VectorNodeReport]:
    """One report per node, in evaluation order."""
    graph = result.graph
    uses = graph.slot_uses()
    reports = []
    for index, node in enumerate(graph.nodes):
        labels = [graph.labels[s] for s in node.inputs]
        constant = [graph.is_constant(s) for s in node.inputs]
        texts = _local_texts(node.op, labels, constant)
        edges = []
        out_shape = result.values[node.slot].shape
        for position, (slot, label) in enumerate(zip(node.inputs, labels)):
            if constant[position] or label in [e.input for e in edges]:
                continue
            piece = result.downstream[index].get(slot, np.zeros_like(result.values[slot], dtype=float))
            jacobian = jacobian_text(node.op, result.values[slot].shape, out_shape, position)
            edges.append(Edge(label, texts.pop(0), jacobian, piece))
        pattern = "adder" if uses.get(node.slot, 0) >= 2 else graph.pattern(node)
        value = result.values[node.slot]
        grad = result.grads[node.slot] if result.grads[node.slot] is not None else np.zeros_like(value, dtype=float)
        reports.append(
            VectorNodeReport(
                node.name, node.op, expression_text(node.op, labels), labels, value, grad, edges, pattern, result.kinks.get(index)
            )
        )
    return reports


def _local_texts(op: str, labels: list[str], constant: list[bool]) -> list[str]:
    if op in VECTOR_RULES:
        distinct = [label for label, c in zip(labels, constant) if not c]
        texts = [template.format(*labels) for template, c in zip(VECTOR_RULES[op].local, constant) if not c]
        return texts[: len(dict.fromkeys(distinct))]
    return [f"g ⊙ ({text})" for text in local_symbolic(op, labels, constant)]


def nested(array: np.ndarray):
    """An array for JSON: nested lists, non-finite numbers as strings (as in grad --json)."""
    from .render_json import number

    array = np.asarray(array, dtype=float)
    if array.ndim == 0:
        return number(float(array))
    return [nested(item) for item in array]


def compact(array: np.ndarray, limit: int = 6) -> str:
    """A small array in full, a large one by its shape."""
    array = np.asarray(array)
    if array.ndim == 0:
        return f"{float(array):.6g}"
    if array.size <= limit:
        return np.array2string(array, precision=6, separator=", ", suppress_small=False).replace("\n", "")
    return f"{shape_text(array.shape)} array"


def json_document(source: str, result: VectorEvaluation, nodes, wrt: list[str], extra: dict | None) -> dict:
    """SPEC §5's object; values and gradients are nested lists and nodes carry shape."""
    graph = result.graph
    data = {
        "expression": source.strip(),
        "value": nested(result.values[graph.output]),
        "gradients": {name: nested(result.gradient(name)) for name in wrt},
        "nodes": [_node_object(n) for n in nodes],
        "variables": [
            {
                "name": name,
                "value": nested(result.values[graph.variables[name]]),
                "grad": nested(result.gradient(name)),
                "uses": graph.uses[name],
                "shape": list(result.values[graph.variables[name]].shape),
            }
            for name in wrt
        ],
    }
    data.update(extra or {})
    return data


def _node_object(node: VectorNodeReport) -> dict:
    data = {
        "name": node.name,
        "op": node.op,
        "expr": node.expr,
        "inputs": node.inputs,
        "shape": list(node.value.shape),
        "value": nested(node.value),
        "grad": nested(node.grad),
        "local": {e.input: {"symbolic": e.symbolic, "jacobian": e.jacobian} for e in node.edges},
        "downstream": {e.input: nested(e.downstream) for e in node.edges},
        "pattern": node.pattern,
    }
    if node.kink:
        data["kink"] = node.kink
    return data


def table_lines(source: str, result: VectorEvaluation, nodes, wrt: list[str]):
    """The Rich tables of vector mode."""
    from rich.table import Table

    from .render_table import table_title

    output = result.graph.output_name
    table = Table(title=table_title(source, output, result.value), title_justify="left")
    for header in (
        "node",
        "op",
        "expr",
        "shape",
        "value",
        f"∂{output}/∂node",
        "local (vector–Jacobian product)",
        "upstream · Jacobian → downstream",
        "pattern",
    ):
        table.add_column(header)
    for node in nodes:
        locals_ = "\n".join(f"∂/∂{e.input}: {e.symbolic}" for e in node.edges)
        shapes = "\n".join(
            f"{e.input}: {shape_text(node.grad.shape)} · {e.jacobian} → {shape_text(e.downstream.shape)}" for e in node.edges
        )
        pattern = (node.pattern or node.op) + (f"\nkink: {node.kink}" if node.kink else "")
        table.add_row(
            node.name,
            node.op,
            node.expr,
            shape_text(node.value.shape),
            compact(node.value),
            compact(node.grad),
            locals_,
            shapes,
            pattern,
        )
    variables = Table(title="variables", title_justify="left")
    for header in ("variable", "shape", "value", f"∂{output}/∂variable", "uses"):
        variables.add_column(header)
    graph = result.graph
    for name in wrt:
        value = result.values[graph.variables[name]]
        variables.add_row(name, shape_text(value.shape), compact(value), compact(result.gradient(name)), str(graph.uses[name]))
    return table, variables


def quiet_lines(result: VectorEvaluation, wrt: list[str], single: bool) -> list[str]:
    """name<TAB>gradient, arrays as JSON; only the gradient when one variable is asked for."""
    texts = {name: json.dumps(nested(result.gradient(name))) for name in wrt}
    return [texts[wrt[0]]] if single else [f"{name}\t{text}" for name, text in texts.items()]


def explain_lines(nodes: list[VectorNodeReport], output: str) -> list[str]:
    """The backward pass edge by edge, with the shapes the lectures ask to check."""
    lines = [f"∂{output}/∂{output} = 1"]
    for node in reversed(nodes):
        for e in node.edges:
            tail = f"   [{node.pattern}]" if node.pattern else ""
            lines.append(
                f"∂{output}/∂{e.input} += {e.symbolic} with g = ∂{output}/∂{node.name} {shape_text(node.grad.shape)}: "
                f"Jacobian {e.jacobian} → {shape_text(e.downstream.shape)} = {compact(e.downstream)}{tail}"
            )
    return lines


def expectation_failures(result: VectorEvaluation, expectations, tol: float) -> list[str]:
    """--expect NAME=VALUE with array (or scalar) values, elementwise within tol."""
    messages = []
    for item in expectations:
        got = np.asarray(result.values[result.graph.output] if item.is_value else result.gradient(item.name), dtype=float)
        expected = np.asarray(item.expected, dtype=float)
        if expected.shape != got.shape and expected.ndim != 0:  # a number checks every element; [3] is a shape
            messages.append(f"expected {item.label()} of shape {shape_text(expected.shape)}, got {shape_text(got.shape)}")
        elif not np.all(within_arrays(got, expected, tol)):
            messages.append(f"expected {item.label()} = {compact(expected, 12)}, got {compact(got, 12)} (tolerance {tol:g})")
    return messages


def finite_difference_rows(result: VectorEvaluation, bindings: dict, names: list[str]) -> list[dict]:
    """Central differences on up to CHECK_ELEMENTS evenly spaced elements of each variable."""
    graph = result.graph
    rows = []
    for name in names:
        base = np.array(bindings[name], dtype=float)
        picks = np.unique(np.linspace(0, base.size - 1, min(base.size, CHECK_ELEMENTS)).astype(int))
        worst, analytic_grad = 0.0, np.asarray(result.gradient(name)).ravel()
        for flat in picks:
            h = STEP * max(1.0, abs(base.flat[flat]))
            values = []
            for sign in (1, -1):
                moved = base.copy()
                moved.flat[flat] += sign * h
                values.append(array_engine.evaluate(graph, dict(bindings, **{name: moved}), result.convention).value)
            numeric, analytic = (values[0] - values[1]) / (2 * h), float(analytic_grad[flat])
            scale = max(abs(numeric), abs(analytic))
            error = 0.0 if scale == 0 else abs(numeric - analytic) / scale
            if abs(numeric - analytic) > CHECK_ABSOLUTE:
                worst = max(worst, error)
        rows.append({"name": name, "elements": int(len(picks)), "relative_error": worst, "ok": worst <= CHECK_RELATIVE})
    return rows


def raise_problems(result: VectorEvaluation, failures: list[str], stderr) -> None:
    """Every failed check on stderr; then exit 3 for inf/nan, else exit 1 for failed checks."""
    for message in failures:
        stderr.write(f"backprop: check failed: {message}\n")
    where = first_non_finite_array(result)
    if where is not None:
        raise NonFiniteError(f"non-finite result: {where}")
    if failures:
        raise CheckFailed(f"{len(failures)} check(s) failed")


def render(request, source: str, result: VectorEvaluation, names: list[str], wrt, checks: list[dict], stdout) -> None:
    """The output the request asked for: --quiet, --explain, --json or the tables."""
    if request.quiet:
        lines = quiet_lines(result, names, wrt is not None and len(wrt) == 1)
    elif request.explain:
        lines = explain_lines(node_reports(result), result.graph.output_name)
    elif request.output_format == "json":
        from .render_json import dumps

        extra = {"check": {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in checks}} if checks else None
        lines = [dumps(json_document(source, result, node_reports(result), names, extra))]
    else:
        from .render_table import print_tables

        print_tables(*table_lines(source, result, node_reports(result), names))
        lines = [f"check {r['name']}: max relative error {r['relative_error']:.2e} over {r['elements']} elements" for r in checks]
    if lines:
        stdout.write("\n".join(lines) + "\n")
    stdout.flush()


def refuse_scalar_only_options(request) -> None:
    if request.output_format not in array_formats() or request.render:
        raise UsageError("graph exports and --render are for scalar expressions; vector mode has table, --json and --explain")
