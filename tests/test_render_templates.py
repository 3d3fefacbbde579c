"""Every format writes each node from a template made once per shape of node (issue #11, item 9).

The templates must write exactly what the plain way of writing a node writes: here
each node's fields are worked out the obvious way, straight from the evaluation
(values, gradients, one edge per input position, the edges of a repeated input added up by name), and compared with what
``--json`` and ``--format csv`` print; the JSON text must also be what ``json.dumps``
writes, and the CSV what ``csv.writer`` writes.
"""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from test_staging_meaning import points, programs

from backprop_cli.engine.scalar import evaluate
from backprop_cli.language.graph import stage
from backprop_cli.report.shapes import expression_text
from backprop_cli.rules.symbolic import local_symbolic
from backprop_cli.rules.table import RULES

SPECIAL = [
    # kinks (a note on the node), non-finite numbers, repeated inputs, constants, n-ary
    ("relu(x) + max(x, y) + abs(y)", {"x": 0.0, "y": 0.0}),
    ("max(x, y, z, x, 2)", {"x": 1.0, "y": 1.0, "z": 0.0}),
    ("x*x + x**2 + 3*x + x/2 + 2/x", {"x": 1.5}),
    ("exp(x)*exp(x)", {"x": 800.0}),
    ("a*b", {"a": math.nan, "b": 1.0}),
    ("log(x) + sqrt(y)", {"x": 0.0, "y": 0.0}),
    ("q = x+y; q = q*q; r = q - 1e-3*y", {"x": 0.5, "y": -2.0}),
    ("2*3", {}),
]


def reference_nodes(result) -> list[dict]:
    """SPEC §5's node objects, worked out the plain way from the evaluation."""
    graph = result.graph
    reads: dict[int, int] = {}
    for node in graph.nodes:
        for slot in node.inputs:
            reads[slot] = reads.get(slot, 0) + 1
    nodes = []
    for index, node in enumerate(graph.nodes):
        labels = [graph.labels[s] for s in node.inputs]
        constant = [s in graph.constants for s in node.inputs]
        upstream = float(result.grads[node.slot])
        # One edge per non-constant input position, its text in that position's own symbol
        stand_ins = [label if c else f"ARGPOS{p}X" for p, (label, c) in enumerate(zip(labels, constant))]
        texts = local_symbolic(node.op, stand_ins, constant)
        edges = []
        for p, text in zip([p for p, c in enumerate(constant) if not c], texts):
            for q, label in enumerate(labels):
                text = text.replace(f"ARGPOS{q}X", label)
            partial = float(result.partials[index][p])
            edges.append({"input": labels[p], "local": {"symbolic": text, "value": partial}, "downstream": upstream * partial})
        local, downstream = {}, {}
        for edge in edges:  # an input read twice: its edges added up under one key
            name = edge["input"]
            if name in local:
                local[name]["symbolic"] += " + " + edge["local"]["symbolic"]
                local[name]["value"] += edge["local"]["value"]
                downstream[name] = edge["downstream"] + downstream[name]
            else:
                local[name] = dict(edge["local"])
                downstream[name] = edge["downstream"]
        # SPEC §4, read straight from the table: mul by a constant is a scaler
        scaler = node.op == "mul" and any(constant)
        pattern = "scaler" if scaler else RULES[node.op].pattern
        data = {
            "name": node.name,
            "op": node.op,
            "expr": expression_text(node.op, labels),
            "inputs": labels,
            "value": float(result.values[node.slot]),
            "grad": upstream,
            "local": local,
            "downstream": downstream,
            "edges": edges,
            "pattern": "adder" if reads.get(node.slot, 0) >= 2 else pattern,
        }
        if index in result.kinks:
            data["kink"] = result.kinks[index]
        nodes.append(data)
    return nodes


def as_json(value):
    """The JSON stand-ins for inf and nan, as SPEC §5 writes them."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def check_json(cli, program: str, bindings: dict, output: str | None = None) -> None:
    args = ["grad", program, *[f"{k}={v!r}" for k, v in bindings.items()], "--json"]
    run = cli(*args, *(["--output-name", output] if output else []))
    assert run.code in (0, 3), run.err  # 3: a non-finite result, after the output
    document = json.loads(run.out)
    assert json.dumps(document, ensure_ascii=False, allow_nan=False) == run.out.rstrip("\n")
    result = evaluate(stage(program, output_name=output), {k: float(v) for k, v in bindings.items()})
    assert document["nodes"] == [as_json(node) for node in reference_nodes(result)]


def check_csv(cli, program: str, bindings: dict, output: str | None = None) -> None:
    args = ["grad", program, *[f"{k}={v!r}" for k, v in bindings.items()], "--format", "csv"]
    run = cli(*args, *(["--output-name", output] if output else []))
    assert run.code in (0, 3), run.err
    rows = list(csv.reader(io.StringIO(run.out)))
    rewritten = io.StringIO()
    csv.writer(rewritten, lineterminator="\n").writerows(rows)
    assert rewritten.getvalue() == run.out
    result = evaluate(stage(program, output_name=output), {k: float(v) for k, v in bindings.items()})
    for row, node in zip(rows[1:], reference_nodes(result), strict=True):
        edges = node["edges"]  # one entry per edge: x*x has two from x
        local = "; ".join(f"{e['input']}: {e['local']['symbolic']} = {e['local']['value']!r}" for e in edges)
        downstream = "; ".join(f"{e['input']}={e['downstream']!r}" for e in edges)
        expected = [node["name"], node["op"], node["expr"], " ".join(node["inputs"]), repr(node["value"])]
        expected += [repr(node["grad"]), local, downstream, node["pattern"] or "", node.get("kink", "")]
        assert row == expected


@pytest.mark.parametrize(("program", "bindings"), SPECIAL)
def test_json_nodes_are_the_plain_objects_as_json_dumps_writes_them(cli, program, bindings):
    check_json(cli, program, bindings)


@pytest.mark.parametrize(("program", "bindings"), SPECIAL)
def test_csv_rows_are_the_plain_fields_as_csv_writer_writes_them(cli, program, bindings):
    check_csv(cli, program, bindings)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=100)
@given(programs(), points)
def test_random_programs_json_and_csv(cli, program_and_output, point):
    program, output = program_and_output
    bindings = {name: value for name, value in point.items() if name in stage(program).variables}
    check_json(cli, program, bindings, output)
    check_csv(cli, program, bindings, output)


def test_json_escapes_what_a_strict_reader_needs_when_stdout_is_ascii(cli, monkeypatch):
    monkeypatch.setattr("backprop_cli.render.json_document.can_encode", lambda stream: False)
    run = cli("grad", "max(x, y, z, w, v, u, t, s, r, p)", *[f"{n}=1" for n in "xyzwvutsrp"], "--json")
    assert run.out.isascii() and json.loads(run.out)["value"] == 1.0


def _rows(out: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines()]


class TestTheTableLeavesOutANumberItsTextAlreadyIs:
    def test_a_constant_local_gradient_is_written_once(self, cli):
        run = cli("grad", "3*x + y", "x=2", "y=1")
        assert ["s0", "=", "3", "*", "x", "6", "1", "x", "3", "3", "scaler"] in _rows(run.out)
        assert "= 3 = 3" not in run.out and "3 = 3" not in run.out

    def test_at_a_kink_the_value_is_the_conventions_not_the_texts(self, cli):
        # sympy's convention gives each of the three tied edges of x Heaviside(0) = 1/2
        run = cli("grad", "max(x, x, x)", "x=1", "--convention", "sympy")
        assert run.out.count("0.5 (kink)") == 3 and "kink: max tie: sympy gives 0.5, 0.5, 0.5" in run.out
        assert ["x", "1", "1.5", "3", "adder"] in _rows(run.out)

    def test_a_variable_named_nan_whose_value_is_nan(self, cli):
        run = cli("grad", "nan*y", "nan=nan", "y=2")
        assert ["y", "nan", "nan"] in _rows(run.out)  # the local text nan is its value: not "nan = nan"
        assert "nan = nan" not in run.out
        assert ["f", "=", "nan", "*", "y", "nan", "1", "nan", "y", "=", "2", "2", "switcher"] in _rows(run.out)


def test_explain_counts_a_fan_out_by_node_not_by_typeset_name(cli):
    # w0 and w_0 are both typeset w_{0}: only w0 is used twice, so only w0 has an adder line
    run = cli("grad", "w0*w_0 + w0", "w0=2", "w_0=3", "--format", "latex", "--explain")
    adder_lines = [line for line in run.out.splitlines() if r"\text{adder}" in line]
    assert adder_lines == [r"\frac{\partial f}{\partial w_{0}} &= (1) + (3) = 4 && \text{adder} \\"]


def test_explain_lines_of_a_repeated_input(cli):
    run = cli("grad", "x*x + x", "x=3", "--explain")
    assert run.out.splitlines() == [
        "∂f/∂f = 1",
        "∂f/∂s0 = ∂f/∂f · ∂(s0 + x)/∂s0 = (1) · (1) = 1   [distributor]",
        "∂f/∂x += ∂f/∂f · ∂(s0 + x)/∂x = (1) · (1) = 1   [distributor]",
        "∂f/∂x += ∂f/∂s0 · ∂s0/∂x₍₁₎ = (1) · (3) = 3   [switcher]",
        "∂f/∂x += ∂f/∂s0 · ∂s0/∂x₍₂₎ = (1) · (3) = 3   [switcher]",
        "∂f/∂x = (1) + (3) + (3) = 7   [adder]",
    ]


MIXED = ("sin(x*2) + y*y + relu(x-y) + exp(x)/y + max(x, y, 1) + 3*x - y + relu(y)", {"x": 0.5, "y": -1.5})


@pytest.mark.parametrize("block", [1, 2, 3, 7])
@pytest.mark.parametrize(("program", "bindings"), [*SPECIAL, MIXED])
def test_nodes_written_in_column_blocks_are_in_their_places(program, bindings, block):
    """The writers format a block of nodes as columns, one group per shape, and put each
    node back in its place: any block size gives the plain objects, in evaluation order."""
    from backprop_cli.render.csv_rows import nodes_csv
    from backprop_cli.render.json_document import NodeWriter
    from backprop_cli.report.rows import NodeRows

    result = evaluate(stage(program), bindings)
    pieces = list(NodeWriter(NodeRows(result), ensure_ascii=False).pieces(block=block))
    assert len(pieces) == -(-len(result.graph.nodes) // block)
    assert json.loads("[" + ", ".join(pieces) + "]") == [as_json(node) for node in reference_nodes(result)]
    lines = "\n".join(nodes_csv(NodeRows(result), block=block))
    assert lines == "\n".join(nodes_csv(NodeRows(result)))
