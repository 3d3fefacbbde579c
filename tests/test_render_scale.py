"""Every output format on 200,000 nodes, streamed, complete and right; stdout that
cannot take the table (issue #11, items 9 and "exit 70": encoding, closed pipe)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys

import pytest

NODES = 200_000
HEADLINE = ["grad", "(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4"]


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """x + x + ... + x: 200,000 add nodes, left-nested, x used 200,001 times."""
    path = tmp_path_factory.mktemp("scale") / "chain.txt"
    path.write_text("x" + "+x" * NODES)
    return f"@{path}"


@pytest.fixture(scope="module")
def deep(tmp_path_factory):
    """sin(sin(...sin(x))): 200,000 nested calls, a tree 200,000 levels deep."""
    path = tmp_path_factory.mktemp("scale") / "deep.txt"
    path.write_text("sin(" * NODES + "x" + ")" * NODES)
    return f"@{path}"


def _iterated_sin(x: float, times: int) -> list[float]:
    values = []
    for _ in range(times):
        x = math.sin(x)
        values.append(x)
    return values


def test_json_of_a_200k_chain_is_complete_and_matches_quiet(cli, chain):
    quiet = cli("grad", chain, "x=0.5", "--quiet")
    run = cli("grad", chain, "x=0.5", "--json")
    assert run.code == 0 and run.err == ""
    data = json.loads(run.out)
    nodes = data["nodes"]
    assert len(nodes) == NODES
    # s_i = (i + 2) * x; every node passes the gradient 1 down; x collects 200,001 of them
    assert [nodes[i]["value"] for i in (0, 1, 99_999)] == [1.0, 1.5, 50_000.5]
    assert nodes[0] == {
        "name": "s0",
        "op": "add",
        "expr": "x + x",
        "inputs": ["x", "x"],
        "value": 1.0,
        "grad": 1.0,
        "local": {"x": {"symbolic": "1 + 1", "value": 2.0}},  # x + x: two edges from x, added up
        "downstream": {"x": 2.0},
        "edges": [{"input": "x", "local": {"symbolic": "1", "value": 1.0}, "downstream": 1.0}] * 2,
        "pattern": "distributor",
    }
    assert nodes[-1]["name"] == "f" and nodes[-1]["expr"] == "s199998 + x" and nodes[-1]["value"] == 100_000.5
    assert all(node["grad"] == 1.0 for node in nodes)
    assert data["value"] == 100_000.5 and data["gradients"] == {"x": 200_001.0}
    assert quiet.out == f"x\t{data['gradients']['x']!r}\n"


def test_table_of_a_200k_graph_is_streamed_one_line_per_node(cli, deep):
    run = cli("grad", deep, "x=0.5")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].endswith(f"({NODES:,} nodes, one line per edge)")  # sin has one edge: a line per node
    header = ["node", "value", "upstream", "∂f/∂node", "input", "local", "∂node/∂input", "downstream", "pattern"]
    assert lines[1].split() == header
    assert set(lines[2]) == {"─", " "}
    rows = lines[3 : 3 + NODES]
    values = _iterated_sin(0.5, NODES)
    first = rows[0].split()
    assert first == ["s0", "=", "sin(x)", f"{values[0]:.6g}", first[4], "x", "cos(x)", "=", f"{math.cos(0.5):.6g}", first[9]]
    assert rows[-1].split()[:6] == ["f", "=", "sin(s199998)", f"{values[-1]:.6g}", "1", "s199998"]
    assert all(row.split()[2].startswith("sin(") for row in rows)
    # then the variables (a Rich table: one variable) with the gradient --quiet gives
    quiet = float(cli("grad", deep, "x=0.5", "--quiet").out.split("\t")[1])
    assert lines[3 + NODES] == "" and lines[4 + NODES].startswith("variables")
    assert f"{quiet:.6g}" in run.out.splitlines()[-1]


def test_tree_200k_deep_keeps_its_indentation_bounded(cli, deep):
    from backprop_cli.render.graph_export import TREE_INDENT_LEVELS

    run = cli("grad", deep, "x=0.5", "--format", "tree")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) == NODES + 1  # every node, then x
    values = _iterated_sin(0.5, NODES)
    assert lines[0].startswith(f"f = sin(s199998) = {values[-1]:.6g}   ∂f/∂f = 1")
    assert lines[1].startswith(f"└── s199998 = sin(s199997) = {values[-2]:.6g}")
    guides = "    " * TREE_INDENT_LEVELS
    assert lines[TREE_INDENT_LEVELS + 1].startswith(f"{guides}[{TREE_INDENT_LEVELS + 1}] └── s")
    assert lines[-1].startswith(f"{guides}[{NODES}] └── x = 0.5   ∂f/∂x = ")
    assert max(map(len, lines)) < 4 * TREE_INDENT_LEVELS + 80


def test_explain_and_latex_of_a_200k_chain(cli, chain):
    lines = cli("grad", chain, "x=0.5", "--explain").out.splitlines()
    # ∂f/∂f, then per node its two edges (to the previous node and to x; s0 = x + x: both to x), then x's sum
    assert len(lines) == 1 + 2 * NODES + 1
    assert lines[1] == "∂f/∂s199998 = ∂f/∂f · ∂(s199998 + x)/∂s199998 = (1) · (1) = 1   [distributor]"
    assert lines[2] == "∂f/∂x += ∂f/∂f · ∂(s199998 + x)/∂x = (1) · (1) = 1   [distributor]"
    assert lines[-3:-1] == [f"∂f/∂x += ∂f/∂s0 · ∂s0/∂x{p} = (1) · (1) = 1   [distributor]" for p in ("₍₁₎", "₍₂₎")]
    assert lines[-1].startswith("∂f/∂x = (1) + (1)") and lines[-1].endswith(" + (1) = 200001   [adder]")
    latex = cli("grad", chain, "x=0.5", "--format", "latex").out.splitlines()
    assert len(latex) == len(lines) + 2 and latex[0] == r"\begin{align*}" and latex[-1] == r"\end{align*}"


def test_csv_dot_and_mermaid_of_a_200k_chain(cli, chain):
    rows = list(csv.DictReader(io.StringIO(cli("grad", chain, "x=0.5", "--format", "csv").out)))
    assert len(rows) == NODES and rows[0]["name"] == "s0" and rows[-1]["name"] == "f"
    assert rows[-1]["value"] == "100000.5" and rows[-1]["local"] == "s199998: 1 = 1.0; x: 1 = 1.0"
    dot = cli("grad", chain, "x=0.5", "--format", "dot").out.splitlines()
    # header 3, x, one box per node, 2 edges per node (s0's x + x too: two edges from x), the output edge 2, }
    assert len(dot) == 3 + 1 + NODES + 2 * NODES + 2 + 1 and dot[-1] == "}"
    assert dot[-2] == '  "f" -> "output" [label=<<font color="darkgreen">100000</font><br/><font color="red">1</font>>];'
    mermaid = cli("grad", chain, "x=0.5", "--format", "mermaid").out.splitlines()
    assert len(mermaid) == 1 + 1 + NODES + 2 * NODES
    assert mermaid[-1] == f'  n0 -->|"0.5 / ∂ 1"| n{NODES}'  # the gradient along that one edge


def test_small_graphs_keep_the_rich_table(cli):
    out = cli(*HEADLINE).out
    assert set(out.splitlines()[3]) == {"─"} and "one line per edge" not in out


def _ascii_run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    env.pop("BACKPROP_TRACEBACK", None)
    return subprocess.run([sys.executable, "-m", "backprop_cli", *args], capture_output=True, env=env, check=False)


def test_an_ascii_stdout_gets_the_table_in_ascii():
    run = _ascii_run(*HEADLINE)
    assert (run.returncode, run.stderr) == (0, b"")
    text = run.stdout.decode("ascii")  # fails if a single byte is not ASCII
    assert text.splitlines()[4].split() == ["s0", "=", "x", "+", "y", "3", "-4", "x", "1", "-4", "distributor"]
    assert text.splitlines()[2].split() == ["node", "value", "df/dnode", "input", "dnode/dinput", "downstream", "pattern"]
    assert set(text.splitlines()[3]) == {"-"}
    tree = _ascii_run(*HEADLINE, "--format", "tree")
    assert tree.returncode == 0 and tree.stdout.decode("ascii").splitlines()[1:3] == [
        "|-- s0 = x + y = 3   [distributor]   df/ds0 = -4",
        "|   |-- x = -2   df/dx = -4",
    ]


def test_an_ascii_stdout_gets_the_same_json_and_quiet_numbers(cli):
    run = _ascii_run(*HEADLINE, "--json")
    assert run.returncode == 0
    assert json.loads(run.stdout.decode("ascii")) == cli(*HEADLINE, "--json").json()
    quiet = _ascii_run(*HEADLINE, "--quiet")
    assert (quiet.returncode, quiet.stdout) == (0, b"x\t-4.0\ny\t-4.0\nz\t3.0\n")


def test_json_escapes_non_ascii_for_an_ascii_stdout():
    from backprop_cli.render.json_document import dumps

    assert dumps({"text": "∂σ"}, ensure_ascii=True) == '{"text": "\\u2202\\u03c3"}'
    assert dumps({"text": "∂σ"}, ensure_ascii=False) == '{"text": "∂σ"}'


def test_a_character_with_no_ascii_form_is_one_clear_error(monkeypatch):
    from backprop_cli import cli as cli_module
    from backprop_cli.render import terminal
    from backprop_cli.render import text as render_text

    out, err = io.TextIOWrapper(io.BytesIO(), encoding="ascii"), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.delenv("BACKPROP_TRACEBACK", raising=False)
    monkeypatch.setattr(render_text, "quiet_lines", lambda variables, single: ["x\t☃"])
    with pytest.raises(SystemExit) as stop:
        cli_module.main([*HEADLINE, "--quiet"])
    assert stop.value.code == 2
    assert err.getvalue() == (
        "backprop: error: the output contains '☃', which this terminal's encoding (ascii) cannot show;"
        " set PYTHONIOENCODING=utf-8 (or use --json)\n"
    )
    assert terminal.can_encode(out) is False


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path):
    path = tmp_path / "chain.txt"
    path.write_text("x" + "+x" * 20_000)  # about 2 MB of csv: far more than a pipe holds
    env = {k: v for k, v in os.environ.items() if k != "BACKPROP_TRACEBACK"}
    command = [sys.executable, "-m", "backprop_cli", "grad", f"@{path}", "x=1", "--format", "csv"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout.readline() == b"name,op,expr,inputs,value,grad,local,downstream,pattern,kink\n"
    process.stdout.close()  # as `| head -1` does
    stderr = process.stderr.read()
    process.stderr.close()
    assert (process.wait(), stderr) == (141, b"")


def test_graph_exports_show_every_variable_under_wrt(cli):
    # before: with --wrt x, y and z were drawn as constants, without their values
    lines = cli(*HEADLINE, "--format", "tree", "--wrt", "x").out.splitlines()
    assert lines[3:] == ["│   └── y = 5   ∂f/∂y = -4", "└── z = -4   ∂f/∂z = 3"]
