"""The command line as a student types it (issue 13): typos, -h, habits from other tools, results.

Every case asserts the exact exit code and the exact line on stderr.
"""

from __future__ import annotations

import pytest

from backprop_cli.errors import ExitCode


def error(message: str) -> str:
    return f"backprop: error: {message}\n"


# --- 1. a misspelled option is an unknown option, not a binding -------------------------


@pytest.mark.parametrize(
    ("words", "typo", "meant"),
    [
        (["--wtr", "x"], "--wtr", "--wrt"),
        (["--formt", "tree"], "--formt", "--format"),
        (["--jsn"], "--jsn", "--json"),
        (["--quite"], "--quite", "--quiet"),
        (["--wtr=x"], "--wtr", "--wrt"),
        (["--expct", "x=1"], "--expct", "--expect"),
    ],
)
def test_a_misspelled_option_names_the_closest_one(cli, words, typo, meant):
    run = cli("grad", "x*y", "-x", "3", "-y", "2", *words)
    assert (run.code, run.out) == (2, "")
    assert run.err == error(f"no such option {typo}; did you mean {meant}?")


def test_a_misspelled_option_before_the_bindings_is_caught_too(cli):
    run = cli("grad", "x*y", "--quite", "-x", "3", "-y", "2")
    assert (run.code, run.err) == (2, error("no such option --quite; did you mean --quiet?"))


def test_batch_names_the_closest_option_in_the_same_words(cli):
    run = cli("batch", "x", "--input", "rows.csv", "--jsn")
    assert run.code == 2
    assert run.err == error("no such option --jsn; did you mean --json? (see 'backprop batch --help')")


def test_a_variable_named_like_a_misspelled_option_is_still_a_binding(cli):
    # wtr is a variable here: --wtr 2 binds it, as every --NAME of a variable does
    run = cli("grad", "wtr*3", "--wtr", "2", "--quiet")
    assert (run.code, run.out, run.err) == (0, "wtr\t3.0\n", "")


def test_a_variable_named_like_an_option_is_bound_as_name_equals_value(cli):
    run = cli("grad", "json*quiet", "json=2", "quiet=5", "--quiet")
    assert (run.code, run.out) == (0, "json\t5.0\nquiet\t2.0\n")


def test_a_name_close_to_no_option_stays_an_unknown_binding(cli):
    run = cli("grad", "x*y", "-x", "3", "-y", "2", "-q", "4")
    assert (run.code, run.err) == (2, error("q is bound but is not a variable of the expression; its variables are x, y"))


# --- 2. -h and --help everywhere ------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["grad"], ["batch"], ["train"], ["mlp-train"], ["ops"]])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_dash_h_and_dash_dash_help_both_give_the_help(cli, command, flag):
    run = cli(*command, flag)
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith(f"Usage: {' '.join(['backprop', *command])} [OPTIONS]")
    assert "  -h, --help" in run.out and "Exit codes" in run.out


def test_a_variable_h_is_bound_as_h_equals_value_and_grad_help_says_so(cli):
    run = cli("grad", "h*3", "h=2", "--quiet")
    assert (run.code, run.out) == (0, "h\t3.0\n")
    help_text = " ".join(cli("grad", "-h").out.split())
    assert "(h, json, quiet, ...) is bound as NAME=VALUE, e.g. h=0.5." in help_text


def test_dash_capital_v_is_the_version(cli):
    from backprop_cli import __version__

    assert cli("-V").out == cli("--version").out == f"backprop {__version__}\n"


# --- 3. hints where a student's habit differs ------------------------------------------------


def test_an_unquoted_expression_says_to_quote_it(cli):
    run = cli("grad", "x", "+", "y", "-x", "1", "-y", "2")
    assert run.code == 2
    assert run.err == error(
        "unexpected argument '+': an expression with spaces must be quoted, as in backprop grad \"x + y\" -x 1 -y 2"
    )


def test_a_stray_number_after_the_bindings_keeps_the_binding_hint(cli):
    run = cli("grad", "x", "-x", "1", "7")
    assert run.err == error("unexpected argument '7': bind variables as -x 2, --x=2 or x=2 (the expression comes first)")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("\u22122", "-2"), ("\u22120.5", "-0.5"), ("0,5", "0.5"), ("-1,25", "-1.25"), ("\u20133", "-3")],
)
def test_a_unicode_minus_or_a_comma_decimal_gets_did_you_mean(cli, typed, meant):
    run = cli("grad", "x*2", "-x", typed)
    assert (run.code, run.err) == (2, error(f"value of x is not a number: {typed!r} (did you mean {meant}?)"))


def test_a_comma_that_may_group_thousands_gets_no_guess(cli):
    run = cli("grad", "x*2", "-x", "1,000")
    assert (run.code, run.err) == (2, error("value of x is not a number: '1,000'"))


def test_the_hint_reaches_expect_values_too(cli):
    run = cli("grad", "x*2", "-x", "1", "--expect", "x=\u22122")
    assert (run.code, run.err) == (2, error("--expect x=\u22122: the value is not a number: '\u22122' (did you mean -2?)"))


def test_expect_of_an_unknown_name_names_expect_not_a_binding(cli):
    run = cli("grad", "x*2", "-x", "1", "--expect", "z=abc")
    assert (run.code, run.err) == (2, error("--expect z: not a variable of the expression (use f for the value)"))


def test_binding_a_name_the_program_sets_to_a_constant_warns_and_runs(cli):
    program = "x = 1\ny = x*z"
    run = cli("grad", program, "-x", "2", "-z", "3", "--quiet")
    assert (run.code, run.out) == (0, "z\t1.0\n")  # y = 1*z: the program's x, not the binding's 2
    assert run.err == "backprop: warning: x = 1 in the program makes x a constant; the binding of x is unused\n"
    assert cli("grad", program, "-z", "3", "--quiet").err == ""


def test_binding_a_name_the_program_computes_is_still_refused(cli):
    run = cli("grad", "q = x + y; f = q * z", "-q", "1", "-x", "1", "-y", "2", "-z", "3")
    assert run.code == 2 and run.err.startswith(error("q is assigned by the program, so it cannot be bound")[:-1])


def test_a_constant_expression_says_so_in_one_line(cli):
    run = cli("grad", "3*2")
    assert (run.code, run.out, run.err) == (0, "f = 6\nf is a constant: no variables, so nothing has a gradient\n", "")
    program = cli("grad", "x = 2; y = x*1.5", "-x", "4")
    assert program.out == "y = 3\ny is a constant: no variables, so nothing has a gradient\n"
    assert program.code == 0 and "binding of x is unused" in program.err


def test_a_constant_expression_keeps_its_json_and_quiet_output(cli):
    assert cli("grad", "3*2", "--json").json()["value"] == 6
    assert cli("grad", "3*2", "--quiet").out == ""


# --- 4. a failed check is a result, not an error --------------------------------------------


def test_one_failed_check_is_reported_as_a_result(cli):
    run = cli("grad", "x*y", "-x", "2", "-y", "3", "--expect", "x=4", "--quiet")
    assert run.code == ExitCode.CHECK_FAILED == 1
    assert run.err == "backprop: check failed: expected ∂f/∂x = 4, got 3 (tolerance 1e-06)\nbackprop: 1 check failed\n"


def test_two_failed_checks_use_the_plural(cli):
    run = cli("grad", "x*y", "-x", "2", "-y", "3", "--expect", "x=4", "--expect", "f=7", "--quiet")
    assert run.code == 1
    assert run.err.splitlines()[-1] == "backprop: 2 checks failed"
    assert "error" not in run.err


def test_a_usage_error_keeps_the_error_prefix(cli):
    run = cli("grad", "x*y", "-x", "2", "-y", "3", "--expect", "x")
    assert run.code == 2 and run.err.startswith("backprop: error: --expect takes NAME=VALUE")


# --- 5. help: nothing truncated, examples, exit codes, groups -------------------------------


def test_the_command_list_is_never_truncated(cli):
    out = cli("--help").out
    assert "..." not in out.split("Commands:")[1]
    commands = " ".join(out.split("Commands:")[1].split())
    assert "batch Value and every gradient of EXPR for each row of a CSV or JSON Lines file." in commands
    assert "ops List the operators: syntax, local gradient (derived by SymPy), gate pattern, kinks." in commands


def test_grad_help_groups_its_options_and_ends_with_examples_and_exit_codes(cli):
    out = cli("grad", "--help").out
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings[1:] == ["Arguments:", "Input:", "Output:", "Checks:", "Options:"]
    assert out.index("--bindings") < out.index("Output:") < out.index("--quiet") < out.index("Checks:") < out.index("--tol")
    assert 'backprop grad "(x+y)*z" -x -2 -y 5 -z -4' in out
    assert "Exit codes: 0 done; 1 an --expect or --check failed; 2 bad input; 3 inf or nan; 70 a bug." in " ".join(out.split())


def test_help_does_not_import_rich(tmp_path):
    import subprocess
    import sys

    code = "import sys; from backprop_cli.cli import main\ntry: main(['grad', '--help'])\nexcept SystemExit: pass\n"
    code += "print('rich' in sys.modules, 'sympy' in sys.modules, 'numpy' in sys.modules, file=sys.stderr)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr.strip() == "False False False"


def test_shell_completion_is_offered_and_completes_commands_and_options(cli):
    import os
    import subprocess
    import sys

    assert "--install-completion" in cli("--help").out
    script = cli("--show-completion", "bash")
    assert script.code == 0 and "_backprop_completion" in script.out

    def complete(words: str, index: int) -> str:
        env = dict(os.environ, _BACKPROP_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(index))
        code = "from backprop_cli.cli import main; main()"
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout

    assert complete("backprop gr", 1).split() == ["grad"]  # main() names the program: _BACKPROP_COMPLETE
    assert complete("backprop grad x --js", 3).split() == ["--json"]


def test_batch_without_input_says_how_to_give_the_rows_file(cli):
    run = cli("batch", "(x+y)*z", "samples/students.csv")
    assert run.code == 2
    assert run.err == (
        "backprop: error: Missing option '--input'. Give the rows file as --input FILE (or --input - for stdin)."
        " (see 'backprop batch --help')\n"
    )
