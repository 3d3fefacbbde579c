"""``backprop exercise --roster``: a class's sheets and keys, one generated exercise per student."""

from __future__ import annotations

import json

import pytest

from backprop_cli.report.worksheet import read_keys

CLASS = ("exercise", "--random", "--level", "2", "--seed", "7")


def roster(tmp_path, text: str, name: str = "students.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_the_class_loop_writes_a_sheet_per_student_and_their_keys(cli, tmp_path):
    out = tmp_path / "sheets"
    run = cli(*CLASS, "--roster", roster(tmp_path, "id,name\ns001,Kim\ns002,Lee\n김민수,Park\n"), "--out", str(out))
    message = f"backprop: wrote 3 worksheets (csv) to {out} and their keys to {out / 'keys.json'}\n"
    assert (run.code, run.out, run.err) == (0, "", message)
    assert sorted(p.name for p in out.iterdir()) == ["keys.json", "s001.csv", "s002.csv", "김민수.csv"]
    keys = read_keys((out / "keys.json").read_text(encoding="utf-8"), "keys.json")
    assert [(k.student, k.seed, k.level) for k in keys] == [("s001", 7, 2), ("s002", 7, 2), ("김민수", 7, 2)]
    for key in keys:  # each sheet and key is the one --student remakes
        sheet = (out / f"{key.student}.csv").read_text(encoding="utf-8")
        assert sheet == cli(*CLASS, "--student", key.student, "--format", "csv").out
        assert sheet.startswith(f"#exercise,{key.exercise}\n#student,{key.student}\nnode,expr,value,gradient\n")
        alone = cli(*CLASS, "--student", key.student, "--format", "key").json()
        assert alone == json.loads((out / "keys.json").read_text(encoding="utf-8"))["keys"][keys.index(key)]


def test_a_spreadsheets_roster_is_read_bom_semicolons_and_another_id_column(cli, tmp_path):
    path = roster(tmp_path, "\ufeffName;Student_ID\nKim;s 001\nLee;s002\n\n", encoding="utf-8")
    run = cli(*CLASS, "--roster", path, "--out", str(tmp_path / "out"), "--format", "markdown", "--quiet")
    assert (run.code, run.err) == (0, "")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["keys.json", "s002.md", "s_001.md"]
    assert "student s 001" in (tmp_path / "out" / "s_001.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("id\ns001\ns002\ns001\n", "students.csv line 4: student id 's001' is already on line 2"),
        ("id,name\ns001,Kim\n,Lee\n", "students.csv line 3: the student id is empty"),
        ("id\nKim\nkim\n", "students.csv line 3: student id 'kim' would share a file name with line 2"),
        ("id\n../etc\n", "students.csv line 2: student id '../etc' cannot be a file name"),
        ("id\nCON\n", "students.csv line 2: student id 'CON' cannot be a file name"),
        ("name,email\nKim,k@x\n", "has no id column (a header named id, student or student_id); its columns: name, email"),
        ("id\n", "has no students"),
        ("", "is empty: it needs a header with an id column"),
    ],
)
def test_a_bad_roster_is_refused_with_its_line_and_nothing_is_written(cli, tmp_path, text, fragment):
    run = cli(*CLASS, "--roster", roster(tmp_path, text), "--out", str(tmp_path / "out"))
    assert run.code == 2 and fragment in run.err and run.err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_existing_keys_json_is_never_replaced_without_force(cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keys.json").write_text("the keys of last week\n")
    path = roster(tmp_path, "id\ns001\n")
    run = cli(*CLASS, "--roster", path, "--out", str(out))
    assert run.code == 2 and f"{out / 'keys.json'} exists" in run.err and "add --force to replace it" in run.err
    assert sorted(p.name for p in out.iterdir()) == ["keys.json"]
    assert (out / "keys.json").read_text() == "the keys of last week\n"
    run = cli(*CLASS, "--roster", path, "--out", str(out), "--force")
    assert run.code == 0 and read_keys((out / "keys.json").read_text(), "keys.json")[0].student == "s001"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ("exercise", "--roster", "students.csv", "--out", "out"),
            "--roster gives each student a generated exercise: add --random",
        ),
        ((*CLASS, "--roster", "students.csv", "--out", "out", "--student", "s1"), "--student and --key are for one sheet"),
        ((*CLASS, "--roster", "students.csv", "--out", "out", "--format", "key"), "--roster writes the keys to DIR/keys.json"),
        ((*CLASS, "--roster", "missing.csv", "--out", "out"), "cannot read roster missing.csv: No such file or directory"),
    ],
)
def test_roster_options_that_do_not_go_together(cli, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    run = cli(*args)
    assert run.code == 2 and fragment in run.err and not (tmp_path / "out").exists()
