"""The Python API (issue #15): ``from backprop_cli import grad`` returns typed facts equal to
``--json``, writes every format as the CLI does, raises typed errors (never SystemExit), shows
itself in Jupyter (``_repr_html_``), and is not imported by ``import backprop_cli`` or ``grad``."""

from __future__ import annotations

import dataclasses
import doctest
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import backprop_cli
from backprop_cli import (
    BackpropError,
    CheckFailed,
    Edge,
    ExpressionError,
    GradResult,
    Local,
    Node,
    NonFiniteError,
    UsageError,
    Variable,
    grad,
)
from backprop_cli.api import notebook
from backprop_cli.render.formats import FORMATS

DOCS = os.path.join(os.path.dirname(__file__), os.pardir, "docs", "api.md")
NEURON = "1/(1+exp(-(w0*x0+w1*x1+w2)))"
NEURON_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
NEURON_WORDS = ["w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"]
PROGRAM = "q = x + y; f = q * z"
W, X = [[0.1, 0.5], [-0.3, 0.8]], [0.2, 0.4]


def cli(*words: str) -> subprocess.CompletedProcess:
    """``backprop`` in a fresh process, English, no colour, the default width."""
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env.update(LANG="C.UTF-8", NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "backprop_cli", *words], capture_output=True, text=True, env=env)


@pytest.fixture(autouse=True)
def _default_width(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)  # the table's width for a file, as in cli()


# --- the seeds' worked examples --------------------------------------------------------------


def test_the_first_worked_example_as_typed_facts():
    result = grad("(x+y)*z", x=-2, y=5, z=-4)
    assert isinstance(result, GradResult)
    assert result.value == -12.0
    assert result.gradients == {"x": -4.0, "y": -4.0, "z": 3.0}
    s0, f = result.nodes
    assert s0 == Node(
        name="s0",
        op="add",
        expr="x + y",
        inputs=("x", "y"),
        value=3.0,
        grad=-4.0,
        local={"x": Local("1", 1.0), "y": Local("1", 1.0)},
        downstream={"x": -4.0, "y": -4.0},
        edges=(Edge("x", "s0", Local("1", 1.0), -4.0), Edge("y", "s0", Local("1", 1.0), -4.0)),
        pattern="distributor",
    )
    assert (f.name, f.op, f.pattern, f.value, f.grad) == ("f", "mul", "switcher", -12.0, 1.0)
    assert f.local == {"s0": Local("z", -4.0), "z": Local("s0", 3.0)}  # each input gets upstream × the other's value
    assert [(e.input, e.node, e.downstream) for e in result.edges] == [
        ("x", "s0", -4.0),
        ("y", "s0", -4.0),
        ("s0", "f", -4.0),
        ("z", "f", 3.0),
    ]
    assert result.variables == (Variable("x", -2.0, -4.0, 1), Variable("y", 5.0, -4.0, 1), Variable("z", -4.0, 3.0, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 0.0  # type: ignore[misc]


def test_the_neuron_worked_example():
    result = grad(NEURON, **NEURON_VALUES)
    assert result.value == pytest.approx(1 / (1 + math.exp(-1.0)))  # w·x + b = -2 + 6 - 3 = 1
    sigma = 1 / (1 + math.exp(-1.0))
    slope = sigma * (1 - sigma)  # 0.19661193...
    expected = {"w0": -1 * slope, "x0": 2 * slope, "w1": -2 * slope, "x1": -3 * slope, "w2": slope}
    assert result.gradients == pytest.approx(expected, rel=1e-12)
    assert result.gradients == pytest.approx(
        {"w0": -0.19661193, "x0": 0.39322387, "w1": -0.39322387, "x1": -0.5898358, "w2": 0.19661193}, abs=1e-8
    )
    assert [node.op for node in result.nodes] == ["mul", "mul", "add", "add", "neg", "exp", "add", "div"]
    assert [round(node.value, 2) for node in result.nodes] == [-2, 6, 4, 1, -1, 0.37, 1.37, 0.73]
    fused = grad(NEURON, NEURON_VALUES, fuse="sigmoid")
    assert [node.op for node in fused.nodes][-1] == "sigmoid" and len(fused.nodes) == 5
    assert fused.gradients == pytest.approx(result.gradients, rel=1e-12)


def test_a_program_with_named_intermediates():
    result = grad(PROGRAM, x=-2, y=5, z=-4)
    assert [(node.name, node.expr, node.value, node.grad) for node in result.nodes] == [
        ("q", "x + y", 3.0, -4.0),
        ("f", "q * z", -12.0, 1.0),
    ]
    assert result.gradients == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert grad("q = x * 2; g = q + 1; h = g * g", x=3.0, output_name="g").gradients == {"x": 2.0}


def test_the_vector_example_takes_numpy_arrays_and_nested_lists():
    result = grad("sum((W @ x)**2)", W=np.array(W), x=X)
    q = np.array(W) @ np.array(X)  # [0.22, 0.26]
    assert result.value == pytest.approx(float(q @ q))
    assert np.allclose(result.gradients["W"], 2 * np.outer(q, X)) and np.allclose(result.gradients["x"], 2 * np.array(W).T @ q)
    assert np.allclose(result.gradients["W"], [[0.088, 0.176], [0.104, 0.208]])
    assert np.allclose(result.gradients["x"], [-0.112, 0.636])
    s0 = result.nodes[0]
    assert (s0.name, s0.op, s0.shape) == ("s0", "matmul", (2,))
    assert s0.local["W"] == Local("g·xᵀ", None, "2×4 (sparse, rows of the other factor)")
    assert result.variables[0].shape == (2, 2) and result.nodes[-1].shape == ()
    norm = grad("norm(W @ x)**2", {"W": np.array(W), "x": np.array(X)})
    assert all(np.allclose(norm.gradients[name], result.gradients[name]) for name in ("W", "x"))


def test_options_as_keywords_and_a_variable_named_like_one():
    assert grad("abs(x)", x=0).gradients == {"x": 0.0}
    assert grad("abs(x)", x=0, convention="jax").gradients == {"x": 1.0}
    assert grad("relu(x)", x=0).nodes[0].kink == "relu at 0: pytorch gives 0"
    assert grad("(x+y)*z", x=-2, y=5, z=-4, wrt=["z"]).gradients == {"z": 3.0}
    assert grad("(x+y)*z", x=-2, y=5, z=-4, wrt="x,y").gradients == {"x": -4.0, "y": -4.0}
    assert grad("wrt * fuse", {"wrt": 2, "fuse": 3}).gradients == {"wrt": 3.0, "fuse": 2.0}
    assert grad("x*y", x=np.float64(2.0), y=np.int64(3)).value == 6.0


def test_a_binding_a_program_constant_overrides_is_a_warning():
    with pytest.warns(UserWarning, match="x = 1 in the program makes x a constant"):
        result = grad("x = 1; f = x * y", x=2, y=3)
    assert result.value == 3.0 and result.gradients == {"y": 1.0}


# --- the same text as the command line -------------------------------------------------------


@pytest.mark.parametrize(
    "expression, words, values",
    [
        ("(x+y)*z", ["-x", "-2", "-y", "5", "-z", "-4"], {"x": -2, "y": 5, "z": -4}),
        (NEURON, NEURON_WORDS, NEURON_VALUES),
        (PROGRAM, ["x=-2", "y=5", "z=-4"], {"x": -2, "y": 5, "z": -4}),
        ("sum((W @ x)**2)", [f"W={W}", f"x={X}"], {"W": np.array(W), "x": X}),
        ("log(x)", ["x=0"], None),  # non-finite: the CLI writes its JSON, then exits 3
    ],
)
def test_to_json_is_the_text_grad_json_prints(expression, words, values):
    run = cli("grad", expression, *words, "--json")
    if values is None:
        with pytest.raises(NonFiniteError) as raised:
            grad(expression, x=0)
        assert run.returncode == 3
        result = raised.value.result
    else:
        assert run.returncode == 0, run.stderr
        result = grad(expression, values)
    assert result.to_json() + "\n" == run.stdout
    data = json.loads(run.stdout)
    assert [node.name for node in result.nodes] == [node["name"] for node in data["nodes"]]


@pytest.mark.parametrize(
    "method, words",
    [
        ("table", []),
        ("explain", ["--explain"]),
        ("latex", ["--format", "latex"]),
        ("tree", ["--format", "tree"]),
        ("dot", ["--format", "dot"]),
        ("mermaid", ["--format", "mermaid"]),
        ("csv", ["--format", "csv"]),
    ],
)
def test_each_format_method_is_what_the_cli_prints(method, words):
    result = grad(NEURON, NEURON_VALUES)
    run = cli("grad", NEURON, *NEURON_WORDS, *words)
    assert run.returncode == 0, run.stderr
    assert getattr(result, method)() + "\n" == run.stdout
    assert (
        result.format("tree", digits=3) + "\n" == cli("grad", NEURON, *NEURON_WORDS, "--format", "tree", "--digits", "3").stdout
    )


def test_the_vector_table_and_explain_are_what_the_cli_prints():
    result = grad("sum((W @ x)**2)", W=W, x=X)
    assert result.explain() + "\n" == cli("grad", "sum((W @ x)**2)", f"W={W}", f"x={X}", "--explain").stdout
    assert result.table() + "\n" == cli("grad", "sum((W @ x)**2)", f"W={W}", f"x={X}").stdout


@pytest.mark.skipif("html" not in FORMATS, reason="the html format is not in render.formats.FORMATS on this branch")
def test_html_is_the_page_the_cli_writes():
    result = grad(NEURON, NEURON_VALUES)
    assert result.html() + "\n" == cli("grad", NEURON, *NEURON_WORDS, "--format", "html").stdout


def test_a_constant_expression_table_says_so():
    result = grad("3*2")
    assert result.value == 6.0 and result.gradients == {} and result.variables == ()
    assert result.table() == "f = 6\nf is a constant: no variables, so nothing has a gradient"


# --- errors: exceptions with the CLI's exit codes, never SystemExit ---------------------------


def _raised(expression, *args, **kwargs) -> BaseException:
    try:
        grad(expression, *args, **kwargs)
    except BaseException as error:  # noqa: BLE001 - the point is that nothing but BackpropError escapes
        return error
    raise AssertionError("no error")


@pytest.mark.parametrize(
    "call, kind, code, message",
    [
        (
            (("(x+y)*z",), {"x": 1, "y": 2, "z": 3, "q": 4}),
            UsageError,
            2,
            "q is bound but is not a variable of the expression; its variables are x, y, z",
        ),
        (
            (("(x+y)*z",), {"x": 1, "y": 2, "zz": 3}),
            UsageError,
            2,
            "zz is bound but is not a variable of the expression; did you mean z?",
        ),
        ((("x*y",), {"x": 1}), UsageError, 2, "no value for variable y: pass -y VALUE (or y=VALUE)"),
        ((("x", {"x": 1}), {"x": 2}), UsageError, 2, "variable x is bound twice"),
        ((("x",), {"x": "abc"}), UsageError, 2, "value of x is not a number: 'abc'"),
        ((("x",), {"x": [[1, 2], [3]]}), UsageError, 2, "value of x is not a rectangular array (at depth 2)"),
        (
            (("x",), {"x": 1, "convention": "torch"}),
            UsageError,
            2,
            "convention='torch': not a convention; choose from pytorch, jax, sympy",
        ),
        ((("x",), {"x": 1, "fuse": "tanh"}), UsageError, 2, "fuse='tanh': not a fusion; choose from sigmoid"),
        (
            (("x*y",), {"x": 1, "y": 2, "wrt": "q"}),
            UsageError,
            2,
            "--wrt q: not a variable of the expression; its variables are x, y",
        ),
        (((3,), {}), UsageError, 2, "the expression must be text, not int"),
        ((("W @ x",), {"W": W, "x": X}), UsageError, 2, "the output f has shape (2,): it must be a scalar"),
        ((("log(x)",), {"x": 0}), NonFiniteError, 3, "non-finite result: value of node f (log) = -inf"),
    ],
)
def test_each_error_is_an_exception_with_the_cli_exit_code(call, kind, code, message):
    args, kwargs = call
    error = _raised(*args, **kwargs)
    assert type(error) is kind and isinstance(error, BackpropError) and not isinstance(error, SystemExit)
    assert error.exit_code == code
    assert message in str(error)


def test_an_expression_error_carries_the_source_and_position():
    error = _raised("x + * y", x=1, y=2)
    assert type(error) is ExpressionError and error.exit_code == 2
    assert (error.source, error.position) == ("x + * y", 4)
    assert error.render().endswith("\n  x + * y\n      ^")


def test_a_non_finite_result_is_attached_to_the_error():
    error = _raised("1/x", x=0)
    assert type(error) is NonFiniteError and error.exit_code == 3
    assert error.result.value == math.inf and error.result.gradients["x"] == -math.inf
    assert error.result.nodes[0].local["x"].value == -math.inf


def test_check_failed_is_the_exit_code_of_a_failed_check():
    assert issubclass(CheckFailed, BackpropError) and CheckFailed("1 check failed").exit_code == 1


def test_a_format_the_result_cannot_write_is_a_usage_error():
    result = grad("x*x", x=3)
    with pytest.raises(UsageError, match="no output format svg; the formats are table, json"):
        result.format("svg")
    with pytest.raises(UsageError, match=r"--explain prints the chain rule as text \(or --format latex\), not json"):
        result.format("json", explain=True)
    with pytest.raises(UsageError, match="digits must be a whole number from 1 to 17, not 0"):
        result.table(digits=0)


# --- Jupyter ---------------------------------------------------------------------------------


def row(*cells: str, tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>"


def test_repr_html_shows_the_node_table_and_variables_with_real_numbers(monkeypatch):
    monkeypatch.setattr(notebook.shutil, "which", lambda name: None)  # no Graphviz: no picture
    html = grad("(x+y)*z", x=-2, y=5, z=-4)._repr_html_()
    assert row("node", "op", "expression", "value", "gradient", "local", "downstream", "pattern", tag="th") in html
    s0 = row("s0", "add", "x + y", "3", "-4", "x: 1 = 1; y: 1 = 1", "x: -4; y: -4", "distributor")
    f = row("f", "mul", "s0 * z", "-12", "1", "s0: z = -4; z: s0 = 3", "s0: -4; z: 3", "switcher")
    assert s0 + f in html
    assert row("variable", "value", "gradient", "uses", tag="th") in html and row("z", "-4", "3", "1") in html
    assert "<svg" not in html


def test_repr_html_escapes_and_shows_kinks_and_vectors(monkeypatch):
    monkeypatch.setattr(notebook.shutil, "which", lambda name: None)
    result = grad("relu(x)", x=0)
    html = dataclasses.replace(result, expression="x<y & z")._repr_html_()
    assert "<code>x&lt;y &amp; z</code>" in html and "x<y" not in html
    assert "<td>(kink: relu at 0: pytorch gives 0)</td>" in html
    vector = grad("sum((W @ x)**2)", W=W, x=X)._repr_html_()
    assert "<td>[0.22, 0.26] (2,)</td>" in vector and "<td>[[0.088, 0.176], [0.104, 0.208]]</td>" in vector
    assert "W: g·xᵀ (2×4 (sparse, rows of the other factor))" in vector


def test_repr_html_headings_follow_the_language(monkeypatch):
    from backprop_cli.i18n import set_language

    monkeypatch.setattr(notebook.shutil, "which", lambda name: None)
    set_language("ko")
    try:
        html = grad("(x+y)*z", x=-2, y=5, z=-4)._repr_html_()
    finally:
        set_language("en")
    assert row("노드", "연산", "식", "값", "기울기", "국소", "하류", "패턴", tag="th") in html
    assert row("s0", "add", "x + y", "3", "-4", "x: 1 = 1; y: 1 = 1", "x: -4; y: -4", "분배기") in html  # as the table says


@pytest.mark.skipif(not notebook.shutil.which("dot"), reason="Graphviz's dot is not on PATH")
def test_repr_html_draws_the_graph_with_graphviz():
    html = grad(NEURON, NEURON_VALUES)._repr_html_()
    svg = html[html.index("<svg") :]
    assert svg.rstrip().endswith("</svg></div>") and "<?xml" not in html
    assert "w0" in svg and "0.731059" in svg  # the dot writer's labels: names and values


# --- the package's surface and its import cost ------------------------------------------------


def test_the_stable_surface():
    assert backprop_cli.__all__ == [
        "__version__", "grad", "GradResult", "Node", "Edge", "Local", "Variable",
        "BackpropError", "UsageError", "ExpressionError", "NonFiniteError", "CheckFailed",
    ]  # fmt: skip
    assert all(getattr(backprop_cli, name) is not None for name in backprop_cli.__all__)
    assert set(backprop_cli.__all__) <= set(dir(backprop_cli))
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        backprop_cli.nothing  # noqa: B018
    assert os.path.isfile(os.path.join(os.path.dirname(backprop_cli.__file__), "py.typed"))  # PEP 561: typed


def test_import_and_grad_quiet_do_not_import_the_api_numpy_or_sympy():
    code = (
        "import sys\n"
        "import backprop_cli\n"
        "heavy = ('backprop_cli.api', 'backprop_cli.api.functions', 'numpy', 'sympy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "from backprop_cli.cli import main\n"
        "try:\n    main(['grad', '(x+y)*z', 'x=-2', 'y=5', 'z=-4', '--quiet'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "from backprop_cli import grad\n"
        "print(grad('(x+y)*z', x=-2, y=5, z=-4).gradients)\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "[]",
        "x\t-4.0",
        "y\t-4.0",
        "z\t3.0",
        "[]",
        "{'x': -4.0, 'y': -4.0, 'z': 3.0}",
        "['backprop_cli.api', 'backprop_cli.api.functions']",  # the API on numbers: still no NumPy or SymPy
    ]


def test_the_notebook_session_in_docs_api_md_is_real_output():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failed, tried = doctest.testfile(DOCS, module_relative=False, optionflags=flags)
    assert (failed, tried > 15) == (0, True)
