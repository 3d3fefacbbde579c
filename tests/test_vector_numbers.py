"""Vector mode writes numbers the way scalar mode does (issue #13): ``[1, 1]``, ``[0.5, -2]``.

Not NumPy's ``[1., 1.]`` or its column padding (``[ 0.5, -2. ]``), in every format that shows
arrays; ``--json`` and ``--quiet`` keep full precision. The example: f = sum(x*y) with
x = [1, 2], y = [0.5, -2] gives s0 = x*y = [0.5, -4], f = -3.5, ∂f/∂s0 = [1, 1],
∂f/∂x = y = [0.5, -2], ∂f/∂y = x = [1, 2] (worked out by hand).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from backprop_cli.report.arrays import ArrayText, compact

ARGS = ("grad", "sum(x*y)", "x=[1,2]", "y=[0.5,-2]")


@pytest.mark.parametrize(
    ("array", "text"),
    [
        ([1.0, 1.0], "[1, 1]"),
        ([0.5, -2.0], "[0.5, -2]"),
        ([[0.1, 0.5], [-0.3, 0.8]], "[[0.1, 0.5], [-0.3, 0.8]]"),
        ([1 / 3, 2e-7, 123456789.0], "[0.333333, 2e-07, 1.23457e+08]"),
        ([float("inf"), float("-inf"), float("nan")], "[inf, -inf, nan]"),
        ([-0.0, 0.0], "[-0, 0]"),
        (7.0, "7"),
        ([], "[]"),
        ([[1.0], [2.0]], "[[1], [2]]"),
    ],
)
def test_compact_writes_each_number_as_scalar_mode_does(array, text):
    assert compact(array) == text
    # the same text as scalar mode's f"{x:.6g}" for each element
    flat = np.asarray(array, dtype=float).ravel()
    assert all(f"{x:.6g}" in text for x in flat)


def test_a_large_array_is_shown_by_its_shape():
    assert compact(np.zeros((3, 4))) == "(3, 4) array"
    assert compact(np.arange(12.0), limit=12) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"


def test_array_text_formats_each_number_by_the_spec_and_repr_stays_json():
    text = ArrayText([1 / 3, -2.0])
    assert f"{text}" == "[0.333333, -2]"
    assert f"{text:.6g}" == "[0.333333, -2]"
    assert f"{text:.2g}" == "[0.33, -2]"
    assert json.loads(repr(text)) == [1 / 3, -2.0]  # full precision, for --json and csv


def test_tree_writes_arrays_like_scalars(cli):
    run = cli(*ARGS, "--format", "tree")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "f = sum(s0) = -3.5   [distributor]   ∂f/∂f = 1",
        "└── s0 (2,) = x * y = [0.5, -4]   [switcher]   ∂f/∂s0 = [1, 1]",
        "    ├── x (2,) = [1, 2]   ∂f/∂x = [0.5, -2]",
        "    └── y (2,) = [0.5, -2]   ∂f/∂y = [1, 2]",
    ]


def test_mermaid_and_dot_label_edges_like_scalars(cli):
    mermaid = cli(*ARGS, "--format", "mermaid").out
    assert '|"[1, 2] / ∂ [0.5, -2] / J 2×2 (diagonal)"|' in mermaid
    assert '|"[0.5, -4] / ∂ [1, 1] / J 1×2 (a row: ones)"|' in mermaid
    dot = cli(*ARGS, "--format", "dot").out
    assert "[0.5, -2]" in dot and "[1, 1]" in dot
    assert "1.," not in dot and "2.]" not in dot


def test_explain_writes_each_downstream_like_a_scalar(cli):
    lines = cli(*ARGS, "--explain").out.splitlines()
    assert lines[1].endswith("→ (2,) = [1, 1]   [distributor]"), lines[1]
    assert lines[2].endswith("= [0.5, -2]   [switcher]"), lines[2]
    assert lines[3].endswith("= [1, 2]   [switcher]"), lines[3]


def test_table_writes_values_and_gradients_like_scalars(cli):
    out = cli(*ARGS).out
    for text in ("[0.5, -4]", "[1, 1]", "[0.5, -2]", "[1, 2]"):
        assert f"  {text}  " in out or f" {text}\n" in out, text
    assert "1.," not in out and "[ " not in out


def test_a_failed_check_shows_arrays_like_scalars(cli):
    run = cli(*ARGS, "--quiet", "--expect", "df/dx=[0.5,2]")
    assert run.code == 1
    assert "expected ∂f/∂x = [0.5, 2], got [0.5, -2]" in run.err


def test_json_and_quiet_keep_full_precision(cli):
    args = ("grad", "sum(x*y)", "x=[0.1,0.2]", "y=[3,1]")
    document = cli(*args, "--json").json()
    assert document["gradients"] == {"x": [3.0, 1.0], "y": [0.1, 0.2]}
    assert document["value"] == 0.1 * 3 + 0.2 * 1  # 0.5000000000000001, not rounded
    quiet = cli(*args, "--quiet").out.splitlines()
    assert quiet == ["x\t[3.0, 1.0]", "y\t[0.1, 0.2]"]
