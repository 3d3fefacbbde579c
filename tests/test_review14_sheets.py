"""Review #14, sheets: a decimal comma typed into a comma-separated sheet splits a cell in two;
the row must not be read as two other numbers."""

from __future__ import annotations

from mark_helpers import HEADLINE, english, make_key, sheet_text  # noqa: F401 (english: an autouse fixture)

from backprop_cli.mark.marking import mark_sheet
from backprop_cli.mark.sheets import parse_sheet

# (x+y)*z at x=-2, y=5, z=-4 by hand: s0 = 3, f = -12; ∂f/∂f = 1, ∂f/∂s0 = z = -4,
# ∂f/∂z = s0 = 3, ∂f/∂x = ∂f/∂y = -4.
RIGHT = {"x": ("", "-4"), "y": ("", "-4"), "z": ("", "3"), "s0": ("3", "-4"), "f": ("-12", "1")}


def cells_of(text: str) -> dict:
    result = mark_sheet(make_key(HEADLINE), parse_sheet(text, "sheet.csv"))
    return {cell.label: cell for cell in result.cells}


def test_an_unquoted_decimal_comma_makes_the_row_unreadable_not_two_numbers():
    text = sheet_text(make_key(HEADLINE), RIGHT).replace("s0,x + y,3,-4", "s0,x + y,3,0,-4")
    cells = cells_of(text)
    for label in ("s0", "∂f/∂s0"):
        assert cells[label].verdict == "unreadable"
        assert cells[label].reason == "'3,0,-4' has a comma: write the decimal point as '.'"
    assert cells["f"].verdict == "right" and cells["∂f/∂z"].verdict == "right"


def test_trailing_empty_columns_are_still_ignored():
    text = sheet_text(make_key(HEADLINE), RIGHT).replace("s0,x + y,3,-4", "s0,x + y,3,-4,,")
    assert {cell.verdict for cell in cells_of(text).values()} == {"right"}


def test_a_pattern_that_matched_no_file_says_so(cli, tmp_path):
    from mark_helpers import write_keys

    keys = write_keys(tmp_path / "keys.json", [make_key(HEADLINE, student="s001")])
    pattern = str(tmp_path / "submissions" / "*.csv")  # the shell passes it on as it is
    run = cli("mark", "--keys", keys, pattern)
    assert run.code == 2
    assert run.out.splitlines()[1].endswith(f",not marked,,,,,,,,,,,,cannot read sheet {pattern}: no file matches the pattern")
