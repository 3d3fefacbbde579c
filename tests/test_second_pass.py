"""Regressions from the second adversarial pass over issue #11's fixes."""

from __future__ import annotations

import pytest


@pytest.fixture
def engine(csv_engine):
    return csv_engine


def test_a_json_key_given_twice_is_a_bad_row_not_the_last_value_silently(cli, tmp_path, engine):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"x": 1, "x": 5, "y": 2, "id": "a"}\n{"x": 3, "y": 2, "id": "b"}\n')
    refused = cli("batch", "x*y", "--input", str(rows))
    assert refused.code == 2 and refused.out == ""
    assert refused.err == (
        "backprop: error: line 1: the key 'x' appears twice (which value is meant?) "
        "(nothing written; --skip-bad writes the good rows)\n"
    )
    skipped = cli("batch", "x*y", "--input", str(rows), "--skip-bad")
    assert skipped.code == 2
    # the bad first line does not take the input columns (the student id) out of the output
    assert skipped.out == "x,y,id,f,df/dx,df/dy\n3,2,b,6.0,2.0,3.0\n"


def test_an_array_expectation_of_another_shape_fails_instead_of_broadcasting(cli):
    shaped = cli("grad", "sum(x*y)", "x=[1,2]", "-y", "3", "--expect", "df/dx=[3]", "--quiet")
    assert shaped.code == 1
    assert "expected ∂f/∂x of shape (1,), got (2,)" in shaped.err
    number = cli("grad", "sum(x*y)", "x=[1,2]", "-y", "3", "--expect", "df/dx=3", "--quiet")
    assert number.code == 0  # a number is checked against every element


def test_a_failed_expectation_shows_digits_enough_to_differ(cli):
    run = cli("grad", "x*y", "-x", "2", "-y", "3", "--expect", "df/dx=3.0000031", "--quiet")
    assert run.code == 1
    assert run.err.splitlines()[0] == "backprop: check failed: expected ∂f/∂x = 3.0000031, got 3 (tolerance 1e-06)"


def test_an_empty_expectation_value_names_the_expectation(cli):
    run = cli("grad", "x*y", "-x", "2", "-y", "3", "--expect", "df/dx=")
    assert (run.code, run.err) == (2, "backprop: error: --expect df/dx=: the value is not a number: ''\n")


def test_an_empty_output_name_is_refused_clearly(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("x,y\n1,2\n")
    run = cli("batch", "x*y", "--input", str(rows), "--output", "")
    assert (run.code, run.err) == (2, "backprop: error: --output needs a file name (or - for standard output)\n")
