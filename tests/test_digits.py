"""--digits N sets the significant digits of every format a person reads (table,
--explain, latex, tree, dot, mermaid); --json, csv and --quiet keep full precision."""

from __future__ import annotations

import pytest

X = 0.123456789
SQUARE, F, GRAD = X * X, X * X + X, 2 * X + 1  # 0.0152415787501905, 0.13869836775019, 1.246913578


def test_explain_writes_each_number_with_the_digits_asked(cli):
    out = cli("grad", "x*x+x", "-x", str(X), "--explain", "--digits", "9").out.splitlines()
    assert out[3] == "∂f/∂x += ∂f/∂s0 · ∂s0/∂x₍₁₎ = (1) · (0.123456789) = 0.123456789   [switcher]"
    assert out[-1] == f"∂f/∂x = (1) + (0.123456789) + (0.123456789) = {GRAD:.9g}   [adder]"
    assert cli("grad", "x*x+x", "-x", str(X), "--explain", "--digits", "2").out.splitlines()[-1] == (
        "∂f/∂x = (1) + (0.12) + (0.12) = 1.2   [adder]"
    )


def test_the_default_is_six_digits_everywhere(cli):
    out = cli("grad", "x*x+x", "-x", str(X), "--explain").out.splitlines()
    assert out[-1] == "∂f/∂x = (1) + (0.123457) + (0.123457) = 1.24691   [adder]"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("tree", f"f = s0 + x = {F:.9g}   [distributor]   ∂f/∂f = 1"),
        ("latex", r"\frac{\partial f}{\partial x} &= (1) + (0.123456789) + (0.123456789) = 1.24691358 && \text{adder} \\"),
    ],
)
def test_tree_and_latex_take_the_digits(cli, fmt, expected):
    out = cli("grad", "x*x+x", "-x", str(X), "--format", fmt, "--digits", "9").out
    assert expected in out.splitlines()


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_the_pictures_label_edges_with_the_digits(cli, fmt):
    out = cli("grad", "x*x+x", "-x", str(X), "--format", fmt, "--digits", "9").out
    assert f"{SQUARE:.9g}" in out and "0.0152415788" in out and "0.0152416" not in out


def test_machine_formats_keep_every_digit(cli):
    for options in (["--json"], ["--format", "csv"], ["--quiet"]):
        full = cli("grad", "x*x+x", "-x", str(X), *options).out
        assert cli("grad", "x*x+x", "-x", str(X), *options, "--digits", "2").out == full
    assert repr(GRAD) in cli("grad", "x*x+x", "-x", str(X), "--quiet").out
