"""Review #14, keys: a hand-edited key is refused in one line (never a traceback, never a
"0/0 passed"), and a class's keys that name one student twice (two weeks' keys joined) give
each sheet the key of its own exercise."""

from __future__ import annotations

import json

import pytest
from mark_helpers import HEADLINE, english, make_key, sheet_text, write_key, write_keys  # noqa: F401 (english: an autouse fixture)

RIGHT = {"x": ("", "-4"), "y": ("", "-4"), "z": ("", "3"), "s0": ("3", "-4"), "f": ("-12", "1")}


def edited_key(tmp_path, edit) -> str:
    data = make_key(HEADLINE).to_json()
    edit(data)
    path = tmp_path / "key.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _set(cell: int, field: str, value):
    def edit(data):
        data["cells"][cell][field] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (_set(0, "given", None), "x: given None is not a list of value, gradient"),
        (_set(0, "given", ["valeur"]), "x: given ['valeur'] is not a list of value, gradient"),
        (_set(3, "value", "NaN"), "s0: value nan is not a finite number"),
        (_set(4, "gradient", 1e400), "f: gradient inf is not a finite number"),
        (lambda data: data.update(cells=[]), "no cells"),
        (lambda data: data.update(output="g"), "the output 'g' is not a cell"),
    ],
)
def test_a_hand_edited_key_is_one_line_exit_2(cli, tmp_path, edit, reason):
    key_file = edited_key(tmp_path, edit)
    sheet = tmp_path / "s.csv"
    sheet.write_text(sheet_text(make_key(HEADLINE), RIGHT))
    run = cli("mark", str(sheet), "--key", key_file)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"backprop: error: {key_file}: a damaged worksheet key ({reason})\n"


def test_a_student_named_twice_in_the_keys_gets_the_key_of_the_sheets_exercise(cli, tmp_path):
    week1 = make_key(("x*y + x", {"x": -2.0, "y": 5.0}), student="s001")
    week2 = make_key(HEADLINE, student="s001")
    keys = write_keys(tmp_path / "keys.json", [week1, week2])
    sheet = tmp_path / "s001.csv"
    sheet.write_text(sheet_text(week2, RIGHT, student="s001"))
    run = cli("mark", "--keys", keys, str(sheet))
    assert run.code == 0
    assert run.out.splitlines()[1].startswith(f"s001,{sheet},{week2.exercise},marked,7,7,100.0,7,")


def test_a_key_file_written_by_exercise_still_marks(cli, tmp_path):
    key_file = write_key(tmp_path / "key.json", make_key(HEADLINE))
    sheet = tmp_path / "s.csv"
    sheet.write_text(sheet_text(make_key(HEADLINE), RIGHT))
    run = cli("mark", str(sheet), "--key", key_file)
    assert (run.code, run.out.splitlines()[-1]) == (0, "s: 7/7 (right 7, carried 0, wrong 0)")
