"""``grad --format tree|dot|mermaid|csv`` and ``--render`` (issue: batch and graph exports)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

HEADLINE = ["grad", "(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4"]
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_tree(cli):
    assert cli(*HEADLINE, "--format", "tree").out == (
        "f = s0 * z = -12   [switcher]   ∂f/∂f = 1\n"
        "├── s0 = x + y = 3   [distributor]   ∂f/∂s0 = -4\n"
        "│   ├── x = -2   ∂f/∂x = -4\n"
        "│   └── y = 5   ∂f/∂y = -4\n"
        "└── z = -4   ∂f/∂z = 3\n"
    )


def test_tree_of_a_shared_node_and_constants(cli):
    out = cli("grad", "q = x*2; f = q*q + q", "-x", "1", "--format", "tree").out.splitlines()
    assert out[0] == "f = s0 + q = 6   [distributor]   ∂f/∂f = 1"
    assert "│   │   └── 2" in out and out.count("│   └── q (shown above)") == 1 and out[-1] == "└── q (shown above)"


def test_tree_of_a_deep_expression_does_not_recurse(cli):
    run = cli("grad", "-" * 5000 + "x", "-x", "1", "--format", "tree")
    assert run.code == 0 and len(run.out.splitlines()) == 5001


def test_dot_is_a_complete_graphviz_document(cli):
    out = cli(*HEADLINE, "--format", "dot").out
    assert out.startswith("digraph backprop {\n  rankdir=LR;") and out.endswith("}\n")
    assert '"s0" [shape=box, style=rounded, label="s0\\nadd\\n(distributor)"];' in out
    assert '"x" -> "s0" [label=<<font color="darkgreen">-2</font><br/><font color="red">-4</font>>];' in out
    assert '"f" -> "output" [label=<<font color="darkgreen">-12</font><br/><font color="red">1</font>>];' in out


def test_each_use_of_a_constant_is_its_own_dot_node(cli):
    out = cli("grad", f"@{SAMPLES / 'neuron.expr'}", "--bindings", str(SAMPLES / "neuron.json"), "--format", "dot").out
    assert out.count('[shape=plaintext, label="1"]') == 2


def test_mermaid(cli):
    lines = cli(*HEADLINE, "--format", "mermaid").out.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  n3["s0<br/>add<br/>(distributor)"]' in lines
    assert '  n0 -->|"-2 / ∂ -4"| n3' in lines


def test_csv_one_row_per_node(cli):
    rows = list(csv.DictReader(io.StringIO(cli(*HEADLINE, "--format", "csv").out)))
    assert [r["name"] for r in rows] == ["s0", "f"]
    assert rows[1] == {
        "name": "f",
        "op": "mul",
        "expr": "s0 * z",
        "inputs": "s0 z",
        "value": "-12.0",
        "grad": "1.0",
        "local": "s0: z = -4.0; z: s0 = 3.0",
        "downstream": "s0=-4.0; z=3.0",
        "pattern": "switcher",
        "kink": "",
    }


def test_latex_format_is_the_chain_rule(cli):
    out = cli(*HEADLINE, "--format", "latex").out
    assert out.startswith("\\begin{align*}\n") and out.endswith("\\end{align*}\n")


def test_format_conflicts(cli):
    run = cli(*HEADLINE, "--format", "dot", "--explain")
    assert (run.code, run.err) == (2, "backprop: error: --explain prints the chain rule as text (or --format latex), not dot\n")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
@pytest.mark.parametrize("suffix, magic", [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_render_draws_the_seeds_examples(cli, tmp_path, suffix, magic):
    for name in ("headline", "neuron"):
        path = tmp_path / f"{name}.{suffix}"
        run = cli(
            "grad",
            f"@{SAMPLES / (name + '.expr')}",
            "--bindings",
            str(SAMPLES / f"{name}.json"),
            "--render",
            str(path),
            "--quiet",
        )
        assert run.code == 0, run.err
        assert path.read_bytes().startswith(magic)
    if suffix == "svg":
        svg = (tmp_path / "neuron.svg").read_text()
        assert "distributor" in svg and "switcher" in svg and 'fill="red"' in svg and 'fill="darkgreen"' in svg


def test_render_without_graphviz_names_the_package(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    run = cli(*HEADLINE, "--render", str(tmp_path / "g.svg"), "--quiet")
    assert run.code == 2
    assert "install the graphviz package" in run.err


def test_render_needs_svg_or_png(cli, tmp_path):
    run = cli(*HEADLINE, "--render", str(tmp_path / "g.pdf"), "--quiet")
    assert run.code == 2 and "--render writes .svg or .png files" in run.err


def test_a_single_variable_expression(cli):
    assert cli("grad", "x", "-x", "3", "--format", "tree").out == "x = 3   ∂f/∂x = 1\n"
    assert cli("grad", "x", "-x", "3", "--explain").out == "∂f/∂f = 1\n∂f/∂x = 1\n"
    assert cli("grad", "x", "-x", "3", "--quiet").out == "x\t1.0\n"
    assert cli("grad", "4", "--format", "tree").out == "f is a constant   (no gradients)\n"
