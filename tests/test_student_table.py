"""The table as a student reads it (issue #13): 80 columns, one row per edge, the lecture's words.

Numbers are checked against values computed here by hand or from --json (full
precision), never against the table itself; widths are measured in terminal cells.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HEADLINE = ["(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4"]
NEURON = ["1/(1+exp(-(w0*x0+w1*x1+w2)))", "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"]
# A 30-node program with named intermediates, a fan-out, a max and functions.
PROGRAM_30 = [
    "a = x*y + z; b = exp(-a) + 1; c = 1/b; d = max(c, x) * y; e = log(1 + d*d); "
    "g = tanh(e - a) + sin(x*z); h = g*g + c*3 - relu(z - y); f = h / (1 + abs(x))",
    "x=0.3",
    "y=-1.2",
    "z=2.5",
]


def table(cli, monkeypatch, args: list[str], width: int) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    run = cli("grad", *args)
    assert run.code == 0, run.err
    return run.out


def numbers_of(cli, args: list[str]) -> list[str]:
    """Every number the table must show whole: from --json, at 6 significant digits."""
    document = cli("grad", *args, "--json").json()
    shown = []
    for node in document["nodes"]:
        shown += [node["value"], node["grad"], *[edge["downstream"] for edge in node["edges"]]]
        shown += [edge["local"]["value"] for edge in node["edges"]]
    shown += [v["grad"] for v in document["variables"]]
    return [f"{value:.6g}" for value in shown]


@pytest.mark.parametrize("args", [HEADLINE, NEURON, PROGRAM_30], ids=["headline", "neuron", "program30"])
@pytest.mark.parametrize("width", [80, 60])
def test_every_table_fits_the_width_and_no_number_is_cut(cli, monkeypatch, args, width):
    out = table(cli, monkeypatch, args, width)
    lines = out.splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= width
    assert "…" not in out
    words = set(re.split(r"[\s,;:()=]+", out))
    for number in numbers_of(cli, args):
        assert number in words, f"{number} is not shown whole at {width} columns"


def test_the_headline_at_80_columns_is_a_table_of_edges(cli, monkeypatch):
    out = table(cli, monkeypatch, HEADLINE, 80)
    rows = [line.split() for line in out.splitlines()]
    assert ["s0", "=", "x", "+", "y", "3", "-4", "x", "1", "-4", "distributor"] in rows
    assert ["y", "1", "-4"] in rows  # the second edge of s0, on its own line
    assert ["f", "=", "s0", "*", "z", "-12", "1", "s0", "z", "=", "-4", "-4", "switcher"] in rows
    assert ["z", "s0", "=", "3", "3"] in rows
    header = out.splitlines()[1] + out.splitlines()[2]
    for word in ("upstream", "local", "downstream", "input", "pattern"):
        assert word in header
    assert "downstream = upstream × local" in out


def test_the_neuron_at_60_columns_is_stacked_node_by_node(cli, monkeypatch):
    out = table(cli, monkeypatch, NEURON, 60)
    assert "f = 1 / s6 = 0.731059" in out
    assert "  upstream ∂f/∂s5 = -0.534447" in out
    assert "  s4: local exp(s4) = 0.367879, downstream -0.196612" in out


def test_a_gate_whose_inputs_are_one_node_has_an_edge_each(cli, monkeypatch):
    """x*x+x at 3: the switcher hands each x the other one, 3 and 3; the adder sums 3 + 3 + 1 = 7."""
    out = table(cli, monkeypatch, ["x*x+x", "-x", "3"], 80)
    rows = [line.split() for line in out.splitlines()]
    assert ["s0", "=", "x", "*", "x", "9", "1", "x", "x", "=", "3", "3", "switcher"] in rows
    assert ["x", "x", "=", "3", "3"] in rows
    explain = cli("grad", "x*x+x", "-x", "3", "--explain").out.splitlines()
    # each edge's local names its position: ∂s0/∂x alone would be both together, 2x = 6
    assert "∂f/∂x += ∂f/∂s0 · ∂s0/∂x₍₁₎ = (1) · (3) = 3   [switcher]" in explain
    assert "∂f/∂x += ∂f/∂s0 · ∂s0/∂x₍₂₎ = (1) · (3) = 3   [switcher]" in explain
    assert "∂f/∂x = (1) + (3) + (3) = 7   [adder]" in explain
    node = cli("grad", "x*x+x", "-x", "3", "--json").json()["nodes"][0]
    assert node["edges"] == [
        {"input": "x", "local": {"symbolic": "x", "value": 3.0}, "downstream": 3.0},
        {"input": "x", "local": {"symbolic": "x", "value": 3.0}, "downstream": 3.0},
    ]
    assert node["local"] == {"x": {"symbolic": "x + x", "value": 6.0}}
    assert node["downstream"] == {"x": 6.0}


def test_x_to_the_x_has_two_different_edges(cli):
    """∂(a**b)/∂a = b·a**(b-1) and ∂(a**b)/∂b = a**b·log(a), each at a = b = 2: 4 and 4·ln 2."""
    edges = cli("grad", "x**x", "-x", "2", "--json").json()["nodes"][0]["edges"]
    assert [e["local"]["symbolic"] for e in edges] == ["x**(x - 1)*x", "x**x*log(x)"]
    assert edges[0]["local"]["value"] == 4.0
    assert edges[1]["local"]["value"] == pytest.approx(4 * 0.6931471805599453, rel=1e-15)


@pytest.mark.parametrize(("expression", "op"), [("exp(x)", "exp"), ("relu(x)", "relu"), ("1/x", "div"), ("x**2", "pow")])
def test_the_pattern_column_shows_only_gate_patterns(cli, monkeypatch, expression, op):
    out = table(cli, monkeypatch, [expression, "-x", "2"], 80)
    node_line = next(line for line in out.splitlines() if line.startswith("f = "))
    assert not node_line.rstrip().endswith(op)
    assert cli("grad", expression, "-x", "2", "--json").json()["nodes"][0]["pattern"] is None


def _explain_and_latex_lines(cli, args):
    text = cli("grad", *args, "--explain").out.splitlines()
    latex = cli("grad", *args, "--format", "latex").out.splitlines()
    return text, latex


SYMBOL = re.compile(r"∂[^\s/]+/∂[^\s·)]+")
LATEX_SYMBOL = re.compile(r"\\frac\{\\partial ([^{}]*(?:\{[^{}]*\})?[^{}]*)\}\{\\partial ([^{}]*(?:\{[^{}]*\})?)\}")


def _cases():
    yield HEADLINE
    yield NEURON
    yield PROGRAM_30
    yield ["x*x+x", "-x", "3"]
    yield ["@" + str(SAMPLES / "lecture_qf.bp"), "-x", "-2", "-y", "5", "-z", "-4"]
    yield ["@" + str(SAMPLES / "neuron.bp"), "--bindings", str(SAMPLES / "neuron.json")]
    yield ["@" + str(SAMPLES / "micrograd_sanity.bp"), "-x", "-4"]
    yield ["@" + str(SAMPLES / "micrograd_more_ops.bp"), "-a", "-4", "-b", "2"]
    yield ["@" + str(SAMPLES / "kinks.expr"), "x=0", "y=0", "--convention", "jax"]
    yield ["@" + str(SAMPLES / "neuron.expr"), "--bindings", str(SAMPLES / "neuron.json"), "--fuse", "sigmoid"]


@pytest.mark.parametrize("args", list(_cases()), ids=lambda a: a[0][:24])
def test_no_explain_or_latex_line_has_one_symbol_on_both_sides(cli, args):
    text, latex = _explain_and_latex_lines(cli, args)
    assert len(text) > 1
    for line in text:
        left, _, right = re.split(r" (\+?=) ", line, maxsplit=1)
        assert SYMBOL.fullmatch(left), line
        assert left not in SYMBOL.findall(right), line
    for line in latex[1:-1]:
        left, _, right = line.partition(" &")
        assert LATEX_SYMBOL.fullmatch(left), line
        assert left not in [m.group(0) for m in LATEX_SYMBOL.finditer(right)], line


def test_kinks_are_shown_as_the_conventions_choice_not_as_an_equality(cli, monkeypatch):
    """jax at y = 0: abs'(0) is taken as 1 and relu'(0) as 0; neither sign(0) nor Heaviside(0) is either."""
    out = table(cli, monkeypatch, ["relu(x)*abs(y)+max(x,y)", "-x", "0", "-y", "0", "--convention", "jax"], 120)
    assert "sign(y) = 1" not in out
    assert "Heaviside(x) = 0" not in out
    assert "Heaviside(x - y) = 0.5" not in out
    assert re.search(r"\by\s+1 \(kink\)", out)
    assert "kink: abs at 0: jax gives 1" in out
    assert "kink: relu at 0: jax gives 0" in out
    assert "kink: max tie: jax gives 0.5, 0.5" in out
    explain = cli("grad", "abs(y)", "-y", "0", "--convention", "jax", "--explain").out
    assert "∂f/∂y = ∂f/∂f · ∂(abs(y))/∂y = (1) · (1) = 1   [kink: abs at 0: jax gives 1]" in explain


def test_the_screen_rounds_but_json_and_quiet_keep_every_digit(cli, monkeypatch):
    quiet = dict(line.split("\t") for line in cli("grad", *NEURON, "--quiet").out.splitlines())
    gradients = cli("grad", *NEURON, "--json").json()["gradients"]
    assert quiet == {name: repr(value) for name, value in gradients.items()}
    assert len(quiet["w0"]) > 12  # -0.1966119332414818..., where the table shows -0.196612
    assert "-0.196612" in table(cli, monkeypatch, NEURON, 80)


LECTURE_WORDS_EN = ["node", "value", "upstream", "input", "local", "downstream", "pattern", "variables", "distributor"]
LECTURE_WORDS_KO = ["노드", "값", "상류", "입력", "국소", "하류", "패턴", "변수", "분배기", "연쇄 법칙"]


@pytest.mark.parametrize("args", [HEADLINE, NEURON], ids=["headline", "neuron"])
@pytest.mark.parametrize("width", [80, 60])
def test_the_table_in_korean(cli, monkeypatch, args, width):
    monkeypatch.setenv("COLUMNS", str(width))
    korean = cli("grad", *args, "--lang", "ko").out
    stacked = "노드" not in korean  # the stacked layout (narrow) has no header row
    for word in LECTURE_WORDS_KO:
        assert word in korean or (stacked and word in ("노드", "입력", "패턴")), word
    for word in ("upstream", "downstream", "distributor", "variables", "chain rule"):
        assert word not in korean
    assert max(cell_len(line.rstrip()) for line in korean.splitlines()) <= width  # Hangul is two cells wide
    english = cli("grad", *args).out
    for word in LECTURE_WORDS_EN:
        assert word in english or (word in ("node", "input", "pattern", "value") and "node " not in english), word


def test_the_locale_chooses_korean_and_lang_overrides_it(cli, monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert "상류" in cli("grad", *HEADLINE).out
    assert "upstream" in cli("grad", *HEADLINE, "--lang", "en").out


def test_json_and_quiet_do_not_change_with_the_language(cli):
    assert cli("grad", *NEURON, "--json", "--lang", "ko").out == cli("grad", *NEURON, "--json").out
    assert cli("grad", *NEURON, "--quiet", "--lang", "ko").out == cli("grad", *NEURON, "--quiet").out


def test_explain_names_the_patterns_in_korean(cli):
    lines = cli("grad", *HEADLINE, "--explain", "--lang", "ko").out.splitlines()
    assert lines[-1] == "∂f/∂y = ∂f/∂s0 · ∂s0/∂y = (-4) · (1) = -4   [분배기]"


def test_digits_sets_the_significant_digits_on_screen(cli, monkeypatch):
    out = table(cli, monkeypatch, [*NEURON, "--digits", "3"], 80)
    rows = [line.split() for line in out.splitlines()]
    assert ["s0", "=", "w0", "*", "x0", "-2", "0.197", "w0", "x0", "=", "-1", "-0.197", "switcher"] in rows
    assert "f = 0.731" in out.splitlines()[0]
    full = table(cli, monkeypatch, [*NEURON, "--digits", "17"], 200)
    assert "-0.19661193324148" in full  # 17 digits round-trip the double
    run = cli("grad", *NEURON, "--digits", "0")
    assert run.code == 2 and "--digits" in run.err
    assert cli("grad", *NEURON, "--digits", "3", "--json").out == cli("grad", *NEURON, "--json").out


def test_a_program_from_a_file_is_titled_by_its_statements(cli, monkeypatch):
    out = table(cli, monkeypatch, ["@" + str(SAMPLES / "lecture_qf.bp"), "-x", "-2", "-y", "5", "-z", "-4"], 80)
    assert out.splitlines()[0].rstrip() == "q = x + y; f = q * z   f = -12"  # not "# CS231n lecture 4, ..."


def test_backprop_ops_fits_80_columns_in_both_languages(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for lang in ("en", "ko"):
        out = cli("ops", "--lang", lang).out
        assert max(cell_len(line.rstrip()) for line in out.splitlines()) <= 80
        assert "…" not in out
    assert "∂/∂a = (1 - sigmoid(a))*sigmoid(a)" in " ".join(cli("ops").out.split())  # wrapped, never cut


def test_an_expression_that_is_one_variable_has_no_empty_node_table(cli, monkeypatch):
    out = table(cli, monkeypatch, ["x", "-x", "1"], 80)
    assert out.splitlines()[0].rstrip() == "x   f = 1"
    assert "node" not in out and ["x", "1", "1", "1"] in [line.split() for line in out.splitlines()]


def test_vector_mode_shapes_and_jacobians_in_korean_but_not_in_json(cli, monkeypatch):
    args = ["@" + str(SAMPLES / "vector.expr"), "--bindings", str(SAMPLES / "vector.json")]
    korean = " ".join(table(cli, monkeypatch, [*args, "--lang", "ko"], 200).split())
    assert "(2,) · 2×2 (다른 인수) → (2,)" in korean and "스칼라" in korean and "the other factor" not in korean
    explain = cli("grad", *args, "--explain", "--lang", "ko").out
    assert "야코비안 1×2 (한 행: x/‖x‖) → (2,)" in explain
    assert cli("grad", *args, "--json", "--lang", "ko").out == cli("grad", *args, "--json").out


def test_x_to_the_x_explains_each_edge_by_its_position(cli):
    """∂(x**x)/∂x is both edges together (4 + 4 ln 2 at 2): each line names its own edge."""
    lines = cli("grad", "x**x", "-x", "2", "--explain").out.splitlines()
    assert lines[1].startswith("∂f/∂x += ∂f/∂f · ∂(x ** x)/∂x₍₁₎ = (1) · (4) = 4")
    assert lines[2].startswith("∂f/∂x += ∂f/∂f · ∂(x ** x)/∂x₍₂₎ = (1) · (2.77259) = 2.77259")
    latex = cli("grad", "x*x", "-x", "3", "--format", "latex").out
    assert r"\frac{\partial \left(x \cdot x\right)}{\partial {x}_{(2)}}" in latex
