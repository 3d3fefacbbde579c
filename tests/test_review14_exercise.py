"""Review #14, exercise: an exercise with nothing to fill in, and ``--key -``."""

from __future__ import annotations

import os

import pytest
from mark_helpers import english  # noqa: F401 (an autouse fixture)


@pytest.mark.parametrize("expression", ["2", "(3)"])
def test_an_expression_with_nothing_to_fill_in_is_refused(cli, tmp_path, expression):
    run = cli("exercise", expression, "--format", "key", "--key", str(tmp_path / "key.json"))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"backprop: error: {expression}: nothing to fill in: a worksheet needs a variable or a node\n"
    assert not (tmp_path / "key.json").exists()


def test_a_constant_gate_still_makes_a_sheet(cli):
    run = cli("exercise", "2+3", "--format", "csv")
    assert run.code == 0 and run.out.splitlines()[-1] == "f,2 + 3,,"


def test_key_dash_is_refused_not_written_to_a_file_named_dash(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("exercise", "(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4", "--key", "-")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "backprop: error: --key - would mix the key into the sheet on standard output: name a file, or use --format key\n"
    )
    assert os.listdir(tmp_path) == []
