"""``backprop exercise`` from an expression and its bindings: the worksheet in each format, the key,
and the refusals (issue #14). Numbers are the seeds' worked examples, written here by hand."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

HEADLINE = ("(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4")
NEURON = ("1/(1+exp(-(w0*x0+w1*x1+w2)))", "-w0", "2", "-x0", "-1", "-w1", "-3", "-x1", "-2", "-w2", "-3")

HEADLINE_CSV = """#exercise,09c81e21
node,expr,value,gradient
x,x,-2,
y,y,5,
z,z,-4,
s0,x + y,,
f,s0 * z,,
"""

HEADLINE_MARKDOWN = """# Backpropagation worksheet: `(x+y)*z`

Exercise 09c81e21

Name: ______________________

Forward pass: fill in every node's value, from the inputs to f.

Backward pass: fill in every gradient ∂f/∂node, from ∂f/∂f = 1 back to the inputs: downstream = upstream × local.

## Inputs

`x = -2, y = 5, z = -4`

## Nodes

| node | expression | value | gradient |
|---|---|---:|---:|
| `x` | `x` | `-2` |  |
| `y` | `y` | `5` |  |
| `z` | `z` | `-4` |  |
| `s0` | `x + y` |  |  |
| `f` | `s0 * z` |  |  |
"""


def cells(run) -> dict:
    return {cell["node"]: cell for cell in run.json()["cells"]}


def test_the_headline_sheet_as_csv_is_exactly_the_fillable_sheet(cli):
    run = cli("exercise", *HEADLINE, "--format", "csv")
    assert (run.code, run.out, run.err) == (0, HEADLINE_CSV, "")


def test_a_students_sheet_names_the_student(cli):
    run = cli("exercise", *HEADLINE, "--format", "csv", "--student", "s001")
    assert run.out.splitlines()[:3] == ["#exercise,09c81e21", "#student,s001", "node,expr,value,gradient"]


def test_the_headline_sheet_as_markdown_is_the_default(cli):
    run = cli("exercise", *HEADLINE)
    assert (run.code, run.out) == (0, HEADLINE_MARKDOWN)


def test_the_headline_key_has_the_lecture_numbers(cli):
    run = cli("exercise", *HEADLINE, "--format", "key")
    data = run.json()
    assert (data["format"], data["version"], data["exercise"], data["expression"]) == (
        "backprop-worksheet-key",
        1,
        "09c81e21",
        "(x+y)*z",
    )
    assert {name: (c["value"], c["gradient"]) for name, c in cells(run).items()} == {
        "x": (-2.0, -4.0),
        "y": (5.0, -4.0),
        "z": (-4.0, 3.0),
        "s0": (3.0, -4.0),
        "f": (-12.0, 1.0),
    }
    assert run.out.startswith('{\n  "format": "backprop-worksheet-key",\n')  # indent=2


def test_the_neuron_key_has_the_lecture_numbers(cli):
    found = cells(cli("exercise", *NEURON, "--format", "key"))
    assert list(found) == ["w0", "x0", "w1", "x1", "w2", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "f"]
    assert found["f"]["value"] == pytest.approx(0.7311, abs=1e-4)
    gradients = {"w0": -0.1966, "x0": 0.3932, "w1": -0.3932, "x1": -0.5898, "w2": 0.1966}
    assert {name: found[name]["gradient"] for name in gradients} == pytest.approx(gradients, abs=1e-4)
    values = [-2, 6, 4, 1, -1, 0.3679, 1.3679, 0.7311]  # the lecture's forward pass, node by node
    assert [found[name]["value"] for name in ("s0", "s1", "s2", "s3", "s4", "s5", "s6", "f")] == pytest.approx(values, abs=1e-4)
    assert (found["s6"]["op"], found["s6"]["inputs"], found["f"]["inputs"]) == ("add", [1.0, "s5"], [1.0, "s6"])


def test_the_neuron_sheet_is_the_lectures_eight_nodes(cli):
    lines = cli("exercise", *NEURON, "--format", "csv").out.splitlines()
    assert lines[:2] == ["#exercise,1141b828", "node,expr,value,gradient"]
    assert lines[2:7] == ["w0,w0,2,", "x0,x0,-1,", "w1,w1,-3,", "x1,x1,-2,", "w2,w2,-3,"]
    assert lines[7:] == [
        "s0,w0 * x0,,",
        "s1,w1 * x1,,",
        "s2,s0 + s1,,",
        "s3,s2 + w2,,",
        "s4,-s3,,",
        "s5,exp(s4),,",
        "s6,1 + s5,,",
        "f,1 / s6,,",
    ]


def test_the_neuron_sheet_asks_for_4_significant_digits_and_the_headline_does_not(cli):
    assert "Write numbers with 4 significant digits." in cli("exercise", *NEURON).out
    assert "significant" not in cli("exercise", *HEADLINE).out


def test_key_also_writes_the_key_and_says_so(cli, tmp_path):
    path = tmp_path / "key.json"
    run = cli("exercise", *HEADLINE, "--format", "csv", "--key", str(path))
    assert (run.code, run.out, run.err) == (0, HEADLINE_CSV, f"backprop: wrote the key to {path}\n")
    assert json.loads(path.read_text(encoding="utf-8")) == cli("exercise", *HEADLINE, "--format", "key").json()


def test_an_existing_key_file_is_kept_without_force(cli, tmp_path):
    path = tmp_path / "key.json"
    path.write_text("handed out\n")
    run = cli("exercise", *HEADLINE, "--key", str(path))
    assert run.code == 2 and "key.json exists" in run.err and "--force" in run.err and run.out == ""
    assert path.read_text() == "handed out\n"
    run = cli("exercise", *HEADLINE, "--key", str(path), "--force", "--quiet")
    assert (run.code, run.err) == (0, "") and json.loads(path.read_text())["exercise"] == "09c81e21"


def test_latex_draws_the_graph_inputs_left_output_right_and_the_table(cli):
    out = cli("exercise", *HEADLINE, "--format", "latex").out
    assert out.startswith("\\documentclass[11pt]{article}") and out.rstrip().endswith("\\end{document}")
    assert "\\usepackage{tikz}" in out and "\\begin{tikzpicture}" in out
    assert "\\node[input] (n0) at (0.00,1.90) {\\texttt{x}};" in out  # the inputs in the first column
    assert "\\node[gate] (n4) at (7.60,0.00) {$\\times$};" in out  # f, two columns on
    assert "\\draw[edge] (n3-out) to (n4.west);" in out  # s0's way out -> f
    assert "\\node[value,above=1pt] at ($(n0.east)+(0.85,0)$) {\\texttt{-2}};" in out  # x's given value, green
    assert out.count("\\node[value,") == 5 and out.count("\\node[gradient,") == 5
    assert "\\texttt{s0} & \\texttt{x + y} &  & \\\\ \\hline" in out
    assert "\\texttt{x} & \\texttt{x} & \\texttt{-2} & \\\\ \\hline" in out


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex (texlive-latex-base, -recommended, -pictures)")
def test_the_latex_sheets_compile(cli, tmp_path):
    sheets = {
        "headline": (*HEADLINE, "--student", "k&m_1%<a|b>~^#$\\"),
        "neuron": NEURON,
        "fan-out": ("x*x+2*(y-1)", "-x", "2", "-y", "3"),
    }
    for name, args in sheets.items():
        (tmp_path / f"{name}.tex").write_text(cli("exercise", *args, "--format", "latex").out, encoding="utf-8")
        command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"]
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert run.returncode == 0, run.stdout[-2000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


@pytest.mark.parametrize(
    ("op", "inputs", "expr", "label"),
    [
        ("add", [1.0, "s5"], "1 + s5", "+1"),  # the neuron's +1 and 1/x gates
        ("div", [1.0, "s6"], "1 / s6", "1/·"),
        ("mul", ["s3", -1.0], "s3 * -1", "×-1"),
        ("sub", ["y", 1.0], "y - 1", "−1"),
        ("pow", ["x", 2.0], "x ** 2", "^2"),
        ("mul", ["x", "y"], "x * y", "×"),
        ("max", ["z", "w"], "max(z, w)", "max"),
        ("leaky_relu", ["x", 0.1], "leaky_relu(x, 0.1)", "leaky_relu(·, 0.1)"),
    ],
)
def test_a_gate_is_labelled_as_the_lecture_draws_it(op, inputs, expr, label):
    from backprop_cli.exercise.sheet_latex import gate_label
    from backprop_cli.report.worksheet import KeyCell

    assert gate_label(KeyCell("s0", op, expr, inputs, 0.0, 0.0)) == label


def test_every_text_is_escaped_for_its_format(cli):
    latex = cli("exercise", "a_1*b", "-a_1", "2", "-b", "3", "--format", "latex", "--student", "k&m_1%").out
    assert "student k\\&m\\_1\\%" in latex and "\\texttt{a\\_1 * b}" in latex and "k&m" not in latex
    markdown = cli("exercise", "a_1*b", "-a_1", "2", "-b", "3", "--student", "k|m*").out
    assert "student k\\|m\\*" in markdown and "| `a_1` | `a_1` | `2` |  |" in markdown
    sheet = cli("exercise", "max(x, y)*z", "-x", "1", "-y", "2", "-z", "3", "--format", "csv", "--student", "a,b").out
    assert sheet.splitlines()[1] == '#student,"a,b"' and 's0,"max(x, y)",,' in sheet


def test_the_korean_sheet_has_korean_headings_and_the_csv_stays_data(cli):
    markdown = cli("exercise", *HEADLINE, "--lang", "ko").out
    headings = ("역전파 활동지", "## 입력", "## 노드", "| 노드 | 식 | 값 | 기울기 |")
    for words in (*headings, "하류 기울기 = 상류 기울기 × 국소 기울기"):
        assert words in markdown, words
    assert cli("exercise", *HEADLINE, "--format", "csv", "--lang", "ko").out == HEADLINE_CSV
    assert "역전파 활동지" in cli("exercise", *HEADLINE, "--format", "latex", "--lang", "ko").out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("max(x,y)*z", "-x", "1", "-y", "1", "-z", "2"), "node s0 is at a kink (max tie"),
        (("relu(x)*y", "-x", "0", "-y", "2"), "node s0 is at a kink (relu at 0"),
        # 0.6*3 is 1.7999999999999998 in floats: a tie with 1.8 that the floats hide
        (("max(x*y,z)*w", "-x", "0.6", "-y", "3", "-z", "1.8", "-w", "-0.2"), "node s1 is at a kink but for rounding (max tie)"),
        (("relu(x+y-z)", "-x", "0.1", "-y", "0.2", "-z", "0.3"), "node f is at a kink but for rounding (relu at 0)"),
        (("1/x", "-x", "0"), "value of node f (div) = inf is not finite: a worksheet needs finite numbers"),
        (("log(x)", "-x", "-1"), "value of node f (log) = nan is not finite"),
        (("x*y", "-x", "[1, 2]", "-y", "3"), "a worksheet is scalar: x is an array"),
        (("sum(x)", "-x", "[1, 2]"), "a worksheet is scalar: @, dot, sum, mean and norm need grad's vector mode"),
        (("x*y", "-x", "1"), "no value for variable y"),
        (("x*y", "-x", "1", "-y", "2", "--random"), "--random draws the expression and its values"),
        ((), "give an expression and its values"),
        (("x*y", "-x", "1", "-y", "2", "--level", "2"), "--level and --seed are for --random"),
        (("--random", "--level", "4"), "Invalid value for '--level'"),
        (("--random", "--level", "two"), "Invalid value for '--level'"),
        (("--random", "--format", "pdf"), "Invalid value for '--format'"),
        (("--random", "--roster", "students.csv"), "--roster FILE and --out DIR go together"),
        (("--random", "--out", "sheets"), "--roster FILE and --out DIR go together"),
        (("--random", "--student", " "), "--student needs an id, e.g. --student s001"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args, fragment):
    run = cli("exercise", *args)
    assert run.code == 2 and run.out == ""
    assert fragment in run.err and run.err.startswith("backprop: ") and run.err.count("\n") == 1


def test_exercise_from_text_imports_neither_numpy_nor_sympy():
    # Start-up time matters in a class: the scalar path stays free of the heavy imports (as grad's).
    code = (
        "import sys\n"
        "from backprop_cli.cli import main\n"
        "for fmt in ('markdown', 'csv', 'latex', 'key'):\n"
        "    try:\n"
        "        neuron = ['1/(1+exp(-(w0*x0+w1*x1+w2)))', 'w0=2', 'x0=-1', 'w1=-3', 'x1=-2', 'w2=-3']\n"
        "        main(['exercise', *neuron, '--format', fmt])\n"
        "    except SystemExit as stop:\n"
        "        assert not stop.code, stop.code\n"
        "print(sorted(m for m in ('numpy', 'sympy', 'rich') if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.strip() == "[]" and "\\documentclass" in proc.stdout
