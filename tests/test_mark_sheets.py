"""Sheets as students hand them in: a BOM, semicolons and comma decimals, a missing or text cell,
a renamed or extra row, another exercise, and files that are no sheet at all (never a traceback)."""

from __future__ import annotations

import pytest
from mark_helpers import HEADLINE, english, make_key, sheet_text, write_key  # noqa: F401 (english: an autouse fixture)

RIGHT = {"x": ("", "-4"), "y": ("", "-4"), "z": ("", "3"), "s0": ("3", "-4"), "f": ("-12", "1")}


@pytest.fixture
def key_file(tmp_path):
    return write_key(tmp_path / "key.json", make_key(HEADLINE))


def mark_json(cli, tmp_path, key_file, text=None, data=None):
    sheet = tmp_path / "s001.csv"
    if data is not None:
        sheet.write_bytes(data)
    else:
        sheet.write_text(text, encoding="utf-8")
    return cli("mark", str(sheet), "--key", key_file, "--json")


def cells(run) -> dict:
    return {cell["label"]: (cell["verdict"], cell["reason"]) for cell in run.json()["cells"]}


def test_a_byte_order_mark_is_ignored(cli, tmp_path, key_file):
    text = sheet_text(make_key(HEADLINE), RIGHT)
    run = mark_json(cli, tmp_path, key_file, data=("\ufeff" + text).encode("utf-8"))
    assert run.code == 0 and run.json()["counts"]["right"] == 7


def test_semicolons_with_comma_decimals_and_a_spreadsheets_empty_columns(cli, tmp_path, key_file):
    key = make_key(HEADLINE)
    text = sheet_text(key, {**RIGHT, "s0": ("3,0", "-4,0"), "f": (" \u221212 ", "+1")}, sep=";")
    text = text.replace("\n", ";;\n") + ";;;;\n\n"  # trailing empty columns, empty lines
    run = mark_json(cli, tmp_path, key_file, text)
    assert run.code == 0 and run.json()["counts"] == {"right": 7, "carried": 0, "wrong": 0, "blank": 0, "unreadable": 0}


def test_a_missing_cell_is_blank_and_a_text_cell_is_unreadable_with_its_reason(cli, tmp_path, key_file):
    key = make_key(HEADLINE)
    text = sheet_text(key, {**RIGHT, "s0": ("three", "-4")}).replace("f,s0 * z,-12,1", "f,s0 * z,-12")
    run = mark_json(cli, tmp_path, key_file, text)
    assert run.code == 0
    assert cells(run)["s0"] == ("unreadable", "'three' is not a number")
    assert cells(run)["∂f/∂f"] == ("blank", None)
    assert run.json()["counts"] == {"right": 5, "carried": 0, "wrong": 0, "blank": 1, "unreadable": 1}


def test_a_renamed_row_and_an_extra_row_are_named_and_the_rest_is_marked(cli, tmp_path, key_file):
    key = make_key(HEADLINE)
    text = sheet_text(key, RIGHT).replace("s0,x + y,", "S0,x + y,") + "g,,1,2\n"
    run = mark_json(cli, tmp_path, key_file, text)
    assert run.code == 0
    assert cells(run)["s0"] == cells(run)["∂f/∂s0"] == ("unreadable", "no row named s0 on the sheet")
    assert run.json()["notes"] == [
        "line 6: no node named 'S0' in this exercise: the row is ignored",
        "line 8: no node named 'g' in this exercise: the row is ignored",
    ]
    assert run.json()["counts"]["right"] == 5  # f = -12 still right: the key's s0 stands in


def test_a_repeated_row_is_ignored_after_the_first(cli, tmp_path, key_file):
    text = sheet_text(make_key(HEADLINE), RIGHT) + "s0,x + y,99,99\n"
    run = mark_json(cli, tmp_path, key_file, text)
    assert run.json()["notes"] == ["line 8: a second row for s0 is ignored (line 6 is marked)"]
    assert run.json()["counts"]["right"] == 7


def test_a_sheet_of_another_exercise_is_exit_2_in_one_line(cli, tmp_path, key_file):
    key = make_key(HEADLINE)
    run = mark_json(cli, tmp_path, key_file, sheet_text(key, RIGHT, exercise="0badc0de"))
    expected = f"s001.csv: a sheet of exercise 0badc0de, but the key is for exercise {key.exercise}"
    assert (run.code, run.out) == (2, "")
    assert run.err == f"backprop: error: {str(tmp_path / expected)}\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "s001.csv: empty: not a worksheet"),
        (b"\n\n ;;\n", "s001.csv: empty: not a worksheet"),
        (b"hello, world\n1,2\n", "s001.csv: not a worksheet: the header should be node,expr,value,gradient, found 'hello,world'"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "s001.csv is not a text file (it holds binary data): not a worksheet"),
        (b"\xff\xfen\x00o\x00", "s001.csv is not UTF-8 (it looks like UTF-16): save it as UTF-8"),
        (b"node,value\xe9", "s001.csv is not valid UTF-8 (byte 0xe9 at offset 10): save it as UTF-8"),
        (b'{"format": "backprop-worksheet-key"}', "s001.csv: not a worksheet: the header should be"),
    ],
)
def test_a_file_that_is_no_sheet_is_exit_2_in_one_line(cli, tmp_path, key_file, data, message):
    run = mark_json(cli, tmp_path, key_file, data=data)
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("backprop: error: ") and message in run.err and run.err.count("\n") == 1
    assert "Traceback" not in run.err


def test_garbage_never_gives_a_traceback(cli, tmp_path, key_file):
    import random

    chooser = random.Random(14)
    alphabet = b'node,expr,value,gradient#exercisexyzsf;"\n\r 0123456789.-e\xe2\x88\x92'
    head = f"#exercise,{make_key(HEADLINE).exercise}\nnode,expr,value,gradient\n".encode()
    codes = set()
    for attempt in range(60):
        data = bytes(chooser.choice(alphabet) for _ in range(chooser.randrange(0, 200)))
        run = mark_json(cli, tmp_path, key_file, data=head + data if attempt % 2 else data)
        assert run.code in (0, 2) and "internal error" not in run.err, data
        codes.add(run.code)
    assert codes == {0, 2}  # some were marked, some refused


def test_old_mac_line_ends_a_title_line_and_a_comment_row_are_tolerated(cli, tmp_path, key_file):
    text = "Kim's homework,,,\n" + sheet_text(make_key(HEADLINE), RIGHT) + "# checked twice,,,\n"
    run = mark_json(cli, tmp_path, key_file, text.replace("\n", "\r"))
    assert run.code == 0 and run.json()["counts"]["right"] == 7 and run.json()["notes"] == []


def test_a_sheet_on_standard_input(cli, key_file):
    run = cli("mark", "-", "--key", key_file, "--json", stdin=sheet_text(make_key(HEADLINE), RIGHT))
    assert run.code == 0 and run.json()["sheet"] == "-" and run.json()["counts"]["right"] == 7


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"op": "frobnicate"}, "f: unknown op 'frobnicate'"),
        ({"inputs": ["s0", "q"]}, "f: input 'q' is not an earlier cell"),
        ({"inputs": ["s0"]}, "f: mul with inputs ['s0']"),
    ],
)
def test_a_damaged_key_is_one_line_exit_2(cli, tmp_path, change, reason):
    import json

    data = make_key(HEADLINE).to_json()
    data["cells"][-1].update(change)
    key_path = tmp_path / "key.json"
    key_path.write_text(json.dumps(data))
    sheet = tmp_path / "s.csv"
    sheet.write_text(sheet_text(make_key(HEADLINE), RIGHT))
    run = cli("mark", str(sheet), "--key", str(key_path))
    assert (run.code, run.err) == (2, f"backprop: error: {key_path}: a damaged worksheet key ({reason})\n")
