"""Binding forms of SPEC §1 and their errors."""

from __future__ import annotations

import json

import pytest

EXPR = "(x+y)*z"


@pytest.mark.parametrize(
    "words",
    [
        ["-x", "-2", "-y", "5", "-z", "-4"],
        ["--x", "-2", "--y", "5", "--z", "-4"],
        ["--x=-2", "--y=5", "--z=-4"],
        ["x=-2", "y=5", "z=-4"],
        ["-x=-2", "y=5", "--z", "-4"],
        ["-x", "-2.0", "-y", "5e0", "-z", "-4."],
    ],
)
def test_every_binding_form(cli, words):
    run = cli("grad", EXPR, *words, "--quiet")
    assert (run.code, run.out) == (0, "x\t-4.0\ny\t-4.0\nz\t3.0\n"), run.err


def test_single_dash_multi_letter_name_is_one_variable(cli):
    run = cli("grad", "w0*x0", "-w0", "2", "-x0", "-1", "--quiet")
    assert run.out == "w0\t-1.0\nx0\t2.0\n"


def test_options_may_come_between_bindings(cli):
    run = cli("grad", EXPR, "-x", "-2", "--quiet", "-y", "5", "--wrt", "z", "-z", "-4")
    assert (run.code, run.out) == (0, "3.0\n")


def test_variable_named_like_an_option_binds_with_equals(cli):
    run = cli("grad", "json*quiet", "json=2", "quiet=3", "--quiet")
    assert (run.code, run.out) == (0, "json\t3.0\nquiet\t2.0\n")


@pytest.mark.parametrize("text, expected", [(".5", 0.5), ("1e-3", 0.001), ("-inf", float("-inf")), ("+2", 2.0)])
def test_float_literals(cli, text, expected):
    data = cli("grad", "x + 0", f"x={text}", "--json").json()
    assert data["variables"][0]["value"] == (expected if expected != float("-inf") else "-inf")


def test_nan_value_is_a_non_finite_result(cli):
    run = cli("grad", "x*2", "-x", "nan", "--quiet")
    assert run.code == 3
    assert run.err == "backprop: error: non-finite result: variable x = nan\n"


def test_bindings_file_and_command_line_override(cli, tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"x": -2, "y": 5, "z": 100}))
    run = cli("grad", EXPR, "--bindings", str(path), "-z", "-4", "--quiet")
    assert (run.code, run.out) == (0, "x\t-4.0\ny\t-4.0\nz\t3.0\n")


@pytest.mark.parametrize(
    "words, message",
    [
        (["-x", "-2", "-y", "5"], "no value for variable z: pass -z VALUE (or z=VALUE)"),
        (["-x", "1"], "no value for variables y, z: pass -y VALUE -z VALUE (or y=VALUE)"),
        (["-x", "-2", "-y", "5", "-z", "-4", "-zz", "1"], "zz is bound but is not a variable of the expression; did you mean z?"),
        (["-x", "-2", "-y", "5", "-z", "abc"], "value of z is not a number: 'abc'"),
        (["-x", "-2", "-y", "5", "-z"], "-z needs a value, e.g. -z 2"),
        (["-x", "1", "-x", "2"], "variable x is bound twice"),
        (["-x", "1", "7"], "unexpected argument '7': bind variables as -x 2, --x=2 or x=2 (the expression comes first)"),
        (["-x", "[[1, 2], [3]]", "-y", "1", "-z", "1"], "value of x is not a rectangular array (at depth 2)"),
        (["-x", "[1, [2]]", "-y", "1", "-z", "1"], "value of x has a non-number element: [2]"),
        (
            ["-x", "[1, 2", "-y", "1", "-z", "1"],
            "value of x is not a valid array: Expecting ',' delimiter (write it like [[0.1, 0.5], [-0.3, 0.8]])",
        ),
        (["-x", "[1, true]", "-y", "1", "-z", "1"], "value of x has a non-number element: True"),
    ],
)
def test_binding_errors(cli, words, message):
    run = cli("grad", EXPR, *words)
    assert run.code == 2
    assert run.out == ""
    assert run.err == f"backprop: error: {message}\n"


def test_bad_bindings_file(cli, tmp_path):
    missing = cli("grad", "x", "--bindings", str(tmp_path / "nope.json"))
    assert missing.code == 2 and "cannot read bindings file" in missing.err
    bad = tmp_path / "bad.json"
    bad.write_text("{x: 1}")
    run = cli("grad", "x", "--bindings", str(bad))
    assert run.code == 2 and run.err.startswith("backprop: error: bindings file") and "not valid JSON" in run.err
    array = tmp_path / "array.json"
    array.write_text("[1, 2]")
    run = cli("grad", "x", "--bindings", str(array))
    assert run.code == 2 and "must hold a JSON object" in run.err
