"""Review of the Python API (#15): wrong types are UsageErrors with the exit code 2, never a
TypeError or OverflowError traceback; huge integers are ±inf as on the command line; a large
graph does not keep Jupyter waiting on Graphviz."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from backprop_cli import NonFiniteError, UsageError, grad
from backprop_cli.api import notebook
from backprop_cli.inputs.bindings import parse_value


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: grad("x*y", [("x", 1)], y=3), "bindings must be a mapping of names to values, not list"),
        (lambda: grad("x*y", x=2, y=3, wrt=5), 'wrt= takes variable names ("x,y" or a list), not int'),
        (lambda: grad("x*y", x=2, y=3, fuse=1), "fuse= takes a fusion's name or a list of them, not int"),
        (lambda: grad("x*y", x=2, y=3).format(["json"]), "no output format ['json']; the formats are table"),
    ],
)
def test_a_wrong_type_is_a_usage_error(call, fragment):
    with pytest.raises(UsageError) as raised:
        call()
    assert raised.value.exit_code == 2
    assert fragment in str(raised.value)


def test_fuse_none_means_no_fusion():
    result = grad("1/(1+exp(-x))", x=0.0, fuse=None)
    assert [node.op for node in result.nodes] == ["neg", "exp", "add", "div"]
    assert result.gradients == {"x": 0.25}  # sigmoid'(0) = 1/4


def test_a_huge_integer_is_infinite_as_1e400_is():
    assert parse_value("x", 10**400) == float("inf")
    assert parse_value("x", -(10**400)) == float("-inf")
    with pytest.raises(NonFiniteError) as raised:
        grad("x*y", x=10**400, y=3)
    assert raised.value.exit_code == 3
    assert str(raised.value) == "non-finite result: variable x = inf"
    assert raised.value.result.gradients == {"x": 3.0, "y": float("inf")}


def test_a_huge_integer_in_an_array_is_infinite():
    with pytest.raises(NonFiniteError) as raised:
        grad("sum(x*2)", x=[10**400, 1])
    assert raised.value.exit_code == 3
    assert raised.value.result.variables[0].value == [float("inf"), 1.0]
    # an ordinary integer array is unchanged: 2·x summed, gradient 2 each
    assert grad("sum(x*2)", x=np.array([10**6, 1])).value == 2_000_002.0


def _chain(links: int) -> str:
    text = "x"
    for _ in range(links):
        text = f"sin({text})*y"
    return text


def test_repr_html_of_a_large_graph_says_the_graph_is_not_drawn(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/dot")  # as if Graphviz were installed

    def never(*args, **kwargs):
        raise AssertionError("dot must not be run for a large graph")

    monkeypatch.setattr(notebook.subprocess, "run", never)
    result = grad(_chain(31), x=0.5, y=0.9)  # 62 nodes, over the 60 a notebook draws
    assert len(result.nodes) == 62
    html = result._repr_html_()
    assert "<svg" not in html
    assert "The graph is not drawn here: it has 62 nodes (a notebook draws at most 60)" in html
    assert html.count("<tr>") == 1 + 62 + 1 + 2  # node table head and rows, variables head and rows


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_repr_html_still_draws_a_graph_at_the_limit():
    result = grad(_chain(30), x=0.5, y=0.9)  # 60 nodes
    assert len(result.nodes) == 60
    assert "<svg" in result._repr_html_()


def test_repr_html_says_patterns_and_kinks_in_the_run_language(monkeypatch):
    from backprop_cli.i18n import set_language

    monkeypatch.setattr(notebook.shutil, "which", lambda name: None)
    set_language("ko")
    try:
        result = grad("relu(x)*y", x=0, y=2)
        html, table = result._repr_html_(), result.table()
    finally:
        set_language("en")
    assert "<td>(꺾임점: relu의 0: pytorch에서는 0)</td>" in html  # not "relu at 0: pytorch gives 0"
    assert "<td>교환기</td>" in html  # f = s0 * y: a switcher
    assert "relu의 0: pytorch에서는 0" in table and "교환기" in table  # the table's words, the same
    assert result.nodes[0].kink == "relu at 0: pytorch gives 0"  # the data stay as --json has them


def test_repr_html_of_a_huge_graph_shows_its_first_and_last_rows(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)  # no Graphviz: the tables only
    result = grad("+".join(f"x*{i}" for i in range(1, 601)), x=2.0)  # 600 products and 599 sums
    assert len(result.nodes) == 1199 and result.gradients == {"x": 180300.0}  # 1 + 2 + ... + 600
    html = result._repr_html_()
    assert html.count("<tr>") == 1 + 1000 + 1 + 1 + 1  # head, 500 + 500 rows, the count, variables
    assert '<tr><td colspan="8">… 199 more rows: result.table() and result.csv() have every one</td></tr>' in html
    first, output = result.nodes[0], result.nodes[-1]
    assert f"<tr><td>{first.name}</td><td>mul</td><td>x * 1</td>" in html
    assert f"<tr><td>{output.name}</td><td>add</td>" in html and output.name == "f"
    assert len(html) < 250_000
