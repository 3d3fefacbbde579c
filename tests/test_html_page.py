"""``grad --format html`` and ``--html FILE`` without a browser: the page's text and its embedded facts.

(tests/test_html_browser.py opens the page in Chromium and steps through it.)
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from backprop_cli.language.graph import stage
from backprop_cli.render.html_data import gate_label
from backprop_cli.render.html_page import edge_span

NEURON = ["1/(1+exp(-(w0*x0+w1*x1+w2)))", "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"]
SEED = ["(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4"]
VECTOR = ["sum((W @ x)**2)", "W=[[0.1,0.5],[-0.3,0.8]]", "x=[0.2,0.4]"]
needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")


def page_data(text: str) -> dict:
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def test_the_neuron_page_is_self_contained_and_small(cli):
    run = cli("grad", *NEURON, "--format", "html")
    assert run.code == 0, run.err
    page = run.out
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for fetch in ("<script src", "<link", "src=", "href=", "url(http", "@import", "https://", "sourceMappingURL"):
        assert fetch not in page, fetch
    assert "var dagre=" in page and "Copyright (c) 2012-2014 Chris Pettitt" in page  # the library, with its licence
    assert len(page.encode("utf-8")) < 300_000
    assert page.count("<script") == 3  # the facts, dagre, the page's script: all inline


def test_embedded_facts_are_the_json_documents(cli):
    document = cli("grad", *NEURON, "--json").json()
    data = page_data(cli("grad", *NEURON, "--format", "html").out)
    nodes = [box for box in data["boxes"] if box["kind"] == "node"]
    assert [(b["name"], b["dataValue"], b["dataGrad"]) for b in nodes] == [
        (n["name"], n["value"], n["grad"]) for n in document["nodes"]
    ]
    variables = {b["name"]: (b["dataValue"], b["dataGrad"]) for b in data["boxes"] if b["kind"] == "variable"}
    assert variables == {v["name"]: (v["value"], v["grad"]) for v in document["variables"]}
    downstream = [e["dataGrad"] for e in data["edges"] if e["node"] is not None]
    assert downstream == [edge["downstream"] for node in document["nodes"] for edge in node["edges"]]
    assert data["last"] == 2 * 8 + 1
    assert nodes[0]["forward"] == "s0 = w0 * x0 = -2"
    assert nodes[0]["backward"] == [
        "w0: ∂f/∂s0 × ∂s0/∂w0 = 0.196612 × -1 = -0.196612",
        "x0: ∂f/∂s0 × ∂s0/∂x0 = 0.196612 × 2 = 0.393224",
    ]


def test_steps_when_each_gradient_is_complete(cli):
    data = page_data(cli("grad", "x*x + 2*x", "x=3", "--format", "html").out)
    boxes = {box["name"]: box for box in data["boxes"] if box["kind"] != "sink"}
    # 3 nodes: forward 1..3, seed 4, backward f 5, s1 6, s0 7; x is complete once s0 passed back.
    assert data["last"] == 7
    assert [boxes[n]["gradStep"] for n in ("f", "s1", "s0", "x")] == [4, 5, 5, 7]
    assert boxes["x"]["lines"] == [["name", "x"], ["pattern", "(adder)"]]
    assert boxes["x"]["gradText"] == "∂f/∂x = 8"
    assert [e["grad"] for e in data["edges"]] == ["3", "3", "2", "1", "1", "1"]  # x*x: two edges from x


def test_a_kink_is_said_in_the_backward_line(cli):
    data = page_data(cli("grad", "relu(x)*y", "x=0", "y=2", "--format", "html").out)
    relu = next(box for box in data["boxes"] if box.get("name") == "s0")
    assert relu["backward"] == ["x: ∂f/∂s0 × ∂s0/∂x = 2 × 0 = 0", "(relu at 0: pytorch gives 0)"]
    korean = page_data(cli("grad", "relu(x)*y", "x=0", "y=2", "--format", "html", "--lang", "ko").out)
    assert next(box for box in korean["boxes"] if box.get("name") == "s0")["backward"][1] != "(relu at 0: pytorch gives 0)"


def test_gate_labels_fold_constants_in_as_the_lectures_draw_them():
    assert gate_label("add", "1 + s5", ["1", "s5"], [True, False]) == "+1"
    assert gate_label("mul", "s0 * 2", ["s0", "2"], [False, True]) == "*2"
    assert gate_label("div", "1 / s6", ["1", "s6"], [True, False]) == "1/x"
    assert gate_label("pow", "s0 ** 2", ["s0", "2"], [False, True]) == "x**2"
    assert gate_label("neg", "-s3", ["s3"], [False]) == "*-1"
    assert gate_label("exp", "exp(s4)", ["s4"], [False]) == "exp"
    assert gate_label("sub", "q' - 1", ["q'", "1"], [False, True]) == "x-1"


def test_korean_words_with_lang_ko(cli):
    page = cli("grad", *SEED, "--format", "html", "--lang", "ko").out
    assert '<html lang="ko">' in page and "<title>단계별 역전파: (x+y)*z</title>" in page
    words = page_data(page)["words"]
    assert (words["next"], words["previous"], words["rule"]) == ("다음", "이전", "상류 기울기 × 국소 기울기 = 하류 기울기")
    pattern = [box["lines"][2] for box in page_data(page)["boxes"] if box.get("name") == "s0"]
    assert pattern == [["pattern", "(분배기)"]]
    english = page_data(cli("grad", *SEED, "--format", "html", "--lang", "en").out)["words"]
    assert english["next"] == "Next"


def test_a_graph_over_the_node_limit_is_refused(cli, tmp_path):
    expression = "*".join(f"sin(x{i})" for i in range(501))  # 1,001 nodes
    run = cli("grad", expression, *[f"x{i}=1" for i in range(501)], "--format", "html")
    assert run.code == 2 and run.out == ""
    assert run.err.strip().splitlines() == [
        "backprop: error: --format html draws at most 1,000 nodes, and this graph has 1,001: use --format dot or csv"
    ]
    expression = "*".join(f"sin(x{i})" for i in range(500))  # 999 nodes: drawn
    assert cli("grad", expression, *[f"x{i}=1" for i in range(500)], "--format", "html").code == 0
    target = tmp_path / "big.html"
    run = cli("grad", "+".join(["x"] * 1002), "x=1", "--html", str(target))
    assert (run.code, run.out, target.exists()) == (2, "", False)  # refused before the table is written
    assert "draws at most 1,000 nodes, and this graph has 1,001" in run.err


def test_a_value_read_far_from_where_it_is_made_is_refused(cli):
    # x + x + ... + x: 199 sums in a chain (ranks 1..199); x is read twice at rank 1, then once
    # at each rank 2..199, so its edges cross 1 + 1 + 2 + ... + 199 ranks; each of the 198 sums
    # read by the next crosses 1.
    graph = stage("+".join(["x"] * 200), (), None)
    assert edge_span(graph) == 1 + sum(range(1, 200)) + 198
    run = cli("grad", "+".join(["x"] * 200), "x=1", "--format", "html")
    assert run.code == 2 and run.out == ""
    assert run.err.strip() == (
        "backprop: error: --format html: this graph's edges cross 20,099 ranks in all (a value read far from"
        " where it is made), over the 10,000 a page lays out: use --format dot or csv"
    )
    products = "+".join(f"(a{i}*b{i})" for i in range(300))  # wide, not far: each product sits by its sum
    assert edge_span(stage(products, (), None)) < 2 * 600 + 600


def test_html_file_beside_the_normal_output(cli, tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old")
    run = cli("grad", *SEED, "--json", "--html", str(target))
    assert run.code == 0, run.err
    assert run.json()["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}  # stdout: the normal output
    assert target.read_text(encoding="utf-8") == cli("grad", *SEED, "--format", "html").out
    assert sorted(os.listdir(tmp_path)) == ["page.html"]  # replaced through a temporary file, none left
    missing = tmp_path / "missing" / "page.html"
    run = cli("grad", *SEED, "--html", str(missing))  # said before the work: nothing printed
    assert (run.code, run.out) == (2, "")
    assert run.err == f"backprop: error: cannot write {missing}: No such file or directory\n"


def test_html_file_is_checked_before_any_work_and_never_an_input(cli, tmp_path):
    """--html is written as batch --output is (render.files): a directory, or the file the
    expression or the bindings come from, is refused with exit 2 before anything is printed."""
    run = cli("grad", *SEED, "--json", "--html", str(tmp_path))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"backprop: error: --html {tmp_path} is a directory: name a file\n"
    expression = tmp_path / "f.expr"
    expression.write_text("(x+y)*z")
    run = cli("grad", f"@{expression}", "-x", "1", "-y", "2", "-z", "3", "--html", str(expression))
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        f"backprop: error: --html {expression} is an input of this run ({expression}): it would be replaced;"
        " write to another file\n"
    )
    assert expression.read_text() == "(x+y)*z"
    assert cli("grad", *SEED, "--html", "").err == (
        "backprop: error: --html needs a file name; for the page on standard output use --format html\n"
    )
    page = tmp_path / "page.html"
    page.write_text("old")
    page.chmod(0o640)
    assert cli("grad", *SEED, "--html", str(page)).code == 0
    assert oct(page.stat().st_mode & 0o777) == "0o640" and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_vector_mode_page(cli):
    data = page_data(cli("grad", *VECTOR, "--format", "html").out)
    assert data["arrays"] is True
    boxes = {box["name"]: box for box in data["boxes"] if box["kind"] != "sink"}
    grad = boxes["W"]["dataGrad"]
    assert grad[0] == pytest.approx([0.088, 0.176]) and grad[1] == pytest.approx([0.104, 0.208])
    assert boxes["s0"]["lines"][1] == ["name", "s0 (2,)"]
    assert boxes["s0"]["backward"][0].startswith("W: ∂f/∂s0 × ∂s0/∂W = [0.44, 0.52] · J 2×4")


def test_layout_needs_the_page_and_graphviz(cli, monkeypatch):
    run = cli("grad", *SEED, "--layout", "graphviz")
    assert run.code == 2 and "--layout is for the HTML page" in run.err
    monkeypatch.setattr(shutil, "which", lambda name: None)
    run = cli("grad", *SEED, "--format", "html", "--layout", "graphviz")
    assert (run.code, run.out) == (2, "")
    assert "--layout graphviz needs Graphviz's dot" in run.err


@needs_graphviz
def test_layout_graphviz_embeds_positions_and_no_library(cli):
    page = cli("grad", *NEURON, "--format", "html", "--layout", "graphviz").out
    data = page_data(page)
    assert "var dagre=" not in page
    positions = data["positions"]
    assert set(positions["nodes"]) == {box["id"] for box in data["boxes"]}
    assert set(positions["edges"]) == {edge["id"] for edge in data["edges"]}
    xs = {box["name"]: positions["nodes"][box["id"]][0] for box in data["boxes"] if box["kind"] != "sink"}
    assert xs["w0"] < xs["s0"] < xs["s2"] < xs["s5"] < xs["f"]  # inputs left, output right
    assert all(len(edge["curve"]) % 3 == 1 for edge in positions["edges"].values())
