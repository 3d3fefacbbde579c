"""Options of ``grad`` (SPEC §5), exit codes (SPEC §6), and the other entry points."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import backprop_cli

HEADLINE = ["grad", "(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4"]


def test_wrt_restricts_gradients(cli):
    data = cli(*HEADLINE, "--wrt", "z,x", "--json").json()
    assert data["gradients"] == {"z": 3.0, "x": -4.0}
    assert [v["name"] for v in data["variables"]] == ["z", "x"]
    assert len(data["nodes"]) == 2
    assert cli(*HEADLINE, "--wrt", "y", "--quiet").out == "-4.0\n"


def test_wrt_unknown_variable(cli):
    run = cli(*HEADLINE, "--wrt", "q")
    assert run.code == 2
    assert run.err == "backprop: error: --wrt q: not a variable of the expression; its variables are x, y, z\n"


def test_expect_passes_quietly(cli):
    run = cli(*HEADLINE, "--quiet", "--expect", "f=-12", "--expect", "x=-4", "--expect", "z=3.0000001")
    assert (run.code, run.err) == (0, "")


def test_expect_failure_exit_1_names_what_failed(cli):
    run = cli(*HEADLINE, "--quiet", "--expect", "z=2", "--expect", "f=-11")
    assert run.code == 1
    assert run.out == "x\t-4.0\ny\t-4.0\nz\t3.0\n"
    assert run.err.splitlines() == [
        "backprop: check failed: expected ∂f/∂z = 2, got 3 (tolerance 1e-06)",
        "backprop: check failed: expected f = -11, got -12 (tolerance 1e-06)",
        "backprop: 2 checks failed",
    ]


def test_tolerance_is_relative_with_an_absolute_floor(cli):
    # |3 - 3.01| = 0.01 <= 0.01 * max(1, 3.01)
    assert cli(*HEADLINE, "--quiet", "--expect", "z=3.01", "--tol", "0.01").code == 0
    assert cli(*HEADLINE, "--quiet", "--expect", "z=3.1", "--tol", "0.01").code == 1
    # near zero the floor is absolute: |0 - 1e-7| <= 1e-6 * 1
    assert cli("grad", "x*0", "-x", "1", "--quiet", "--expect", "x=1e-7").code == 0


def test_expect_unknown_name_and_malformed(cli):
    run = cli(*HEADLINE, "--expect", "w=1")
    assert (run.code, run.err) == (2, "backprop: error: --expect w: not a variable of the expression (use f for the value)\n")
    run = cli(*HEADLINE, "--expect", "x")
    assert run.code == 2 and "--expect takes NAME=VALUE" in run.err


def test_check_reports_relative_errors_in_json(cli):
    data = cli(*HEADLINE, "--json", "--check").json()
    assert set(data["check"]) == {"x", "y", "z"}
    for row in data["check"].values():
        assert row["ok"] is True and row["relative_error"] < 1e-8
    assert data["check"]["z"]["numeric"] == pytest.approx(3.0, rel=1e-8)


def test_check_at_a_kink_warns(cli):
    run = cli("grad", "relu(x) + y*y", "-x", "0", "-y", "2", "--json", "--check")
    assert run.code == 0
    assert (
        "backprop: warning: node s0 is at a kink (relu at 0: pytorch gives 0): a finite difference is meaningless there"
        in run.err
    )
    check = run.json()["check"]
    assert check["x"]["kink"] is True and check["y"]["kink"] is False
    assert check["x"]["numeric"] == pytest.approx(0.5)  # the finite difference straddles the kink


def test_check_detects_a_wrong_gradient(cli, monkeypatch):
    from backprop_cli.engine import scalar

    monkeypatch.setitem(scalar._BACKWARD_RULES, "sin", ((lambda ARG0, OUT: 2.0,), None))
    run = cli("grad", "sin(x)", "-x", "0.3", "--quiet", "--check")
    assert run.code == 1
    assert "∂f/∂x = 2 but the finite difference gives 0.955336489" in run.err


def test_explain_lines(cli):
    run = cli(*HEADLINE, "--explain")
    assert run.code == 0
    assert run.out.splitlines() == [
        "∂f/∂f = 1",
        # the output's own local gradients are written with its expression: never ∂f/∂s0 on both sides
        "∂f/∂s0 = ∂f/∂f · ∂(s0 * z)/∂s0 = (1) · (-4) = -4   [switcher]",
        "∂f/∂z = ∂f/∂f · ∂(s0 * z)/∂z = (1) · (3) = 3   [switcher]",
        "∂f/∂x = ∂f/∂s0 · ∂s0/∂x = (-4) · (1) = -4   [distributor]",
        "∂f/∂y = ∂f/∂s0 · ∂s0/∂y = (-4) · (1) = -4   [distributor]",
    ]


def test_explain_sums_fan_out(cli):
    lines = cli("grad", "x*y + x", "-x", "3", "-y", "4", "--explain").out.splitlines()
    assert lines[2:5] == [
        "∂f/∂x += ∂f/∂f · ∂(s0 + x)/∂x = (1) · (1) = 1   [distributor]",
        "∂f/∂x += ∂f/∂s0 · ∂s0/∂x = (1) · (4) = 4   [switcher]",
        "∂f/∂x = (1) + (4) = 5   [adder]",
    ]


def test_explain_latex(cli):
    lines = cli(*HEADLINE, "--explain", "--format", "latex").out.splitlines()
    assert lines[0] == r"\begin{align*}" and lines[-1] == r"\end{align*}"
    assert lines[4] == (
        r"\frac{\partial f}{\partial x} &= \frac{\partial f}{\partial s_{0}} \cdot "
        r"\frac{\partial s_{0}}{\partial x} = (-4) \cdot (1) = -4 && \text{distributor} \\"
    )


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--quiet", "--json"], "--quiet prints bare numbers: it cannot be combined with --json or --format"),
        (["--explain", "--json"], "--explain prints the chain rule as text (or --format latex), not json"),
        (["--tol", "-1"], "--tol must be a finite number >= 0 (such as 1e-6), got '-1'"),
    ],
)
def test_conflicting_options(cli, extra, message):
    run = cli(*HEADLINE, *extra)
    assert (run.code, run.err) == (2, f"backprop: error: {message}\n")


def test_bad_option_value_is_one_line_exit_2(cli):
    run = cli(*HEADLINE, "--convention", "tensorflow")
    assert run.code == 2
    assert len(run.err.splitlines()) == 1 and "'tensorflow' is not one of" in run.err


def test_expression_from_file_and_stdin(cli, tmp_path):
    path = tmp_path / "e.txt"
    path.write_text("(x+y)*z\n")
    assert cli("grad", f"@{path}", "-x", "-2", "-y", "5", "-z", "-4", "--quiet").out == "x\t-4.0\ny\t-4.0\nz\t3.0\n"
    run = cli("grad", "-", "-x", "-2", "-y", "5", "-z", "-4", "--quiet", stdin="(x+y)*z")
    assert run.out == "x\t-4.0\ny\t-4.0\nz\t3.0\n"
    missing = cli("grad", f"@{tmp_path}/none.txt")
    assert missing.code == 2 and missing.err.startswith("backprop: error: cannot read expression file")


def test_non_finite_exit_3_names_the_node(cli):
    run = cli("grad", "log(x) * y", "-x", "0", "-y", "1", "--quiet")
    assert run.code == 3
    assert run.err == "backprop: error: non-finite result: value of node s0 (log) = -inf\n"
    run = cli("grad", "exp(x)", "-x", "1000", "--json")
    assert run.code == 3 and run.json()["value"] == "inf"


def test_a_failed_expectation_is_still_shown_when_a_result_is_non_finite(cli):
    run = cli("grad", "log(x)", "-x", "0", "--expect", "f=-inf", "--expect", "x=5", "--quiet")
    assert run.code == 3  # non-finite outranks a failed check, but the grader sees both
    assert run.err.splitlines() == [
        "backprop: check failed: expected ∂f/∂x = 5, got inf (tolerance 1e-06)",
        "backprop: error: non-finite result: value of node f (log) = -inf",
    ]
    vector = cli("grad", "sum(log(x))", "x=[0, 1]", "--expect", "f=3", "--quiet")
    assert vector.code == 3 and vector.err.startswith("backprop: check failed: expected f = 3, got -inf")


def test_missing_expression_and_no_arguments(cli):
    run = cli("grad")
    assert run.code == 2 and "Missing argument 'EXPR'" in run.err
    assert cli().code in (0, 2)  # no arguments shows help


def test_version(cli):
    assert cli("--version").out == f"backprop {backprop_cli.__version__}\n"


def test_ops_lists_every_rule_with_sympy_gradients(cli):
    from backprop_cli.rules.table import RULES, VECTOR_RULES

    run = cli("ops")
    assert run.code == 0
    for op in [*RULES, *VECTOR_RULES]:
        assert op in run.out
    rows = [line.split() for line in run.out.splitlines()]
    assert ["matmul", "a", "@", "b", "(arrays)", "∂/∂a:", "g·bᵀ", "switcher"] in rows
    assert ["∂/∂b:", "aᵀ·g"] in rows  # a line per input
    assert "∂/∂a = (1 - sigmoid(a))*sigmoid(a)" in run.out
    assert "relu'(0):        pytorch 0, jax 0, sympy 0.5" in run.out


def _env():
    env = dict(os.environ, NO_COLOR="1")
    env["PYTHONPATH"] = str(Path(backprop_cli.__file__).parent.parent)
    return env


def test_python_dash_m_is_the_same_command():
    proc = subprocess.run(
        [sys.executable, "-m", "backprop_cli", *HEADLINE, "--quiet"], capture_output=True, text=True, env=_env()
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "x\t-4.0\ny\t-4.0\nz\t3.0\n", "")


def test_errors_from_a_real_process_have_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "backprop_cli", "grad", "__import__('os')"], capture_output=True, text=True, env=_env()
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("backprop: error: unknown function '__import__'") and "Traceback" not in proc.stderr


def test_console_script_when_installed():
    script = Path(sys.executable).parent / "backprop"
    if not script.exists():
        pytest.skip("package not installed in this interpreter's environment")
    proc = subprocess.run([str(script), *HEADLINE, "--quiet"], capture_output=True, text=True, env=_env())
    assert (proc.returncode, proc.stdout) == (0, "x\t-4.0\ny\t-4.0\nz\t3.0\n")


def test_table_title_of_a_long_expression_is_shortened(cli):
    run = cli("grad", "+".join(["x"] * 100), "-x", "1")
    assert run.code == 0
    title_lines = run.out[: run.out.index("node ")].splitlines()[:-1]  # Rich wraps a title wider than the table
    title = "".join(line.strip() for line in title_lines if "upstream" not in line)
    assert title == "+".join(["x"] * 49) + "...   f = 100"  # 97 characters of the text, then "..."


def test_the_quiet_path_imports_neither_numpy_sympy_nor_rich():
    # Start-up time is the product for graders: keep the heavy imports off this path.
    code = (
        "import sys\n"
        "from backprop_cli.cli import main\n"
        "try:\n    main(['grad', '1/(1+exp(-(w0*x0+w1*x1+w2)))', 'w0=2', 'x0=-1', 'w1=-3', 'x1=-2', 'w2=-3', '--quiet'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy', 'sympy', 'rich') if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env())
    assert proc.stderr.strip() == "[]"
