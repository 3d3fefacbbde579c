"""Vector mode writes every format, through the same report (issue #12, item 4).

The lectures' worked example (docs/vector.md, tests/test_seeds.py): f = sum((W @ x)**2)
with W = [[0.1, 0.5], [-0.3, 0.8]], x = [0.2, 0.4] gives s0 = W @ x = [0.22, 0.26],
∂f/∂s0 = 2·s0 = [0.44, 0.52], ∂f/∂W = (2·s0)·xᵀ = [[0.088, 0.176], [0.104, 0.208]] and
∂f/∂x = Wᵀ·(2·s0) = [-0.112, 0.636], worked out by hand.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

W = "W=[[0.1,0.5],[-0.3,0.8]]"
X = "x=[0.2,0.4]"
SOURCE = "sum((W @ x)**2)"
GRAD_W = [[0.088, 0.176], [0.104, 0.208]]
GRAD_X = [-0.112, 0.636]


def test_csv_has_arrays_as_json_and_each_jacobian(cli):
    run = cli("grad", SOURCE, W, X, "--format", "csv")
    assert run.code == 0, run.err
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [row["name"] for row in rows] == ["s0", "s1", "f"]
    s0 = rows[0]
    assert json.loads(s0["value"]) == pytest.approx([0.22, 0.26])
    assert json.loads(s0["grad"]) == pytest.approx([0.44, 0.52])
    assert s0["local"] == "W: g·xᵀ (Jacobian 2×4 (sparse, rows of the other factor)); x: Wᵀ·g (Jacobian 2×2 (the other factor))"
    down = dict(part.split("=", 1) for part in s0["downstream"].split("; "))
    assert sum(json.loads(down["W"]), []) == pytest.approx(sum(GRAD_W, []))
    assert json.loads(down["x"]) == pytest.approx(GRAD_X)


def test_tree_shows_shapes_and_values(cli):
    lines = cli("grad", SOURCE, W, X, "--format", "tree").out.splitlines()
    assert lines == [
        "f = sum(s1) = 0.116   [distributor]   ∂f/∂f = 1",
        "└── s1 (2,) = s0 ** 2 = [0.0484, 0.0676]   ∂f/∂s1 = [1, 1]",
        "    ├── s0 (2,) = W @ x = [0.22, 0.26]   [switcher]   ∂f/∂s0 = [0.44, 0.52]",
        "    │   ├── W (2, 2) = [[0.1, 0.5], [-0.3, 0.8]]   ∂f/∂W = [[0.088, 0.176], [0.104, 0.208]]",
        "    │   └── x (2,) = [0.2, 0.4]   ∂f/∂x = [-0.112, 0.636]",
        "    └── 2",
    ]


def test_dot_and_mermaid_label_each_edge_with_its_jacobian(cli):
    dot = cli("grad", SOURCE, W, X, "--format", "dot").out
    assert '"W" [shape=ellipse, label="W (2, 2)"];' in dot
    assert '<font color="gray">J 2×4 (sparse, rows of the other factor)</font>' in dot
    assert '"s0" [shape=box, style=rounded, label="s0\\nmatmul\\n(2,)\\n(switcher)"];' in dot
    mermaid = cli("grad", SOURCE, W, X, "--format", "mermaid").out
    assert '|"[0.2, 0.4] / ∂ [-0.112, 0.636] / J 2×2 (the other factor)"|' in mermaid


def test_latex_writes_each_edge_with_its_shapes(cli):
    lines = cli("grad", SOURCE, W, X, "--format", "latex").out.splitlines()
    assert lines[0] == r"\begin{align*}" and lines[-1] == r"\end{align*}"
    assert (
        r"\frac{\partial f}{\partial W} &\mathrel{+}= "
        r"\frac{\partial f}{\partial s_{0}} \cdot \frac{\partial s_{0}}{\partial W}:\ "
        r"(2,) \cdot J_{2 \times 4} \to (2, 2) && \text{sparse, rows of the other factor} \\"
    ) in lines


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_render_draws_a_vector_graph(cli, tmp_path):
    picture = tmp_path / "graph.svg"
    run = cli("grad", SOURCE, W, X, "--render", str(picture), "--quiet", "--wrt", "x")
    assert run.code == 0 and json.loads(run.out) == pytest.approx(GRAD_X)
    assert "J 2×4 (sparse, rows of the other factor)" in picture.read_text()
