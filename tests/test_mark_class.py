"""A class at once: the results CSV, the item analysis (exact counts), a sheet that cannot be
marked, the pass mark, the points, and the output written safely; no NumPy or SymPy on the way."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from mark_helpers import HEADLINE, english, make_key, sheet_text, write_key, write_keys  # noqa: F401 (english: an autouse fixture)

RIGHT = {"x": ("", "-4"), "y": ("", "-4"), "z": ("", "3"), "s0": ("3", "-4"), "f": ("-12", "1")}
SLIP = {**RIGHT, "z": ("", "4"), "s0": ("4", "-4"), "f": ("-16", "1")}  # s0 = 4: ∂f/∂z and f carried
MIXED = {**RIGHT, "x": ("", "-2"), "y": ("", "-2"), "z": ("", "-4"), "s0": ("3", "3")}  # split, swapped
ONE_SWAP = {**RIGHT, "z": ("", "-4")}
HEADER = (
    "student,sheet,exercise,status,points,max_points,percent,"
    "right,carried,wrong,blank,unreadable,passed,fix_first,misconceptions,problem"
)


@pytest.fixture
def klass(tmp_path):
    """Keys for s001..s005 and five sheets: right, a slip, misconceptions (named by its file only),
    another exercise, one swap."""
    keys = write_keys(tmp_path / "keys.json", [make_key(HEADLINE, student=f"s00{i}") for i in range(1, 6)])
    key = make_key(HEADLINE)
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "a.csv").write_text(sheet_text(key, RIGHT, student="s001"))
    (folder / "b.csv").write_text(sheet_text(key, SLIP, student="s002"))
    (folder / "s003.csv").write_text(sheet_text(key, MIXED))
    (folder / "d.csv").write_text(sheet_text(key, RIGHT, student="s004", exercise="0badc0de"))
    (folder / "e.csv").write_text(sheet_text(key, ONE_SWAP, student="s005"))
    return keys, sorted(str(path) for path in folder.iterdir()), key


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_a_class_run_writes_one_row_per_student_and_exits_2_for_the_sheet_it_could_not_mark(cli, klass):
    keys, sheets, key = klass
    run = cli("mark", "--keys", keys, *sheets)
    assert run.code == 2
    rows = rows_of(run.out)
    assert ",".join(rows[0]) == HEADER
    e = key.exercise
    assert [row[:3] + row[3:15] for row in rows[1:]] == [
        ["s001", sheets[0], e, "marked", "7", "7", "100.0", "7", "0", "0", "0", "0", "", "", ""],
        ["s002", sheets[1], e, "marked", "6", "7", "85.7", "4", "2", "1", "0", "0", "", "s0.value", ""],
        ["s004", sheets[2], "0badc0de", "not marked", "", "", "", "", "", "", "", "", "", "", ""],
        ["s005", sheets[3], e, "marked", "6", "7", "85.7", "6", "0", "1", "0", "0", "",
         "z.gradient", "z.gradient=switcher-swapped"],
        [
            "s003", sheets[4], e, "marked", "3", "7", "42.9", "3", "0", "4", "0", "0", "",
            "s0.gradient z.gradient",
            "s0.gradient=switcher-swapped z.gradient=switcher-swapped y.gradient=split-not-copied x.gradient=split-not-copied",
        ],
    ]  # fmt: skip
    assert rows[3][15] == f"{sheets[2]}: a sheet of exercise 0badc0de, but the key is for exercise {e}"
    assert run.err.endswith("backprop: error: 1 of 5 sheets could not be marked (their rows say why)\n")
    assert "Item analysis: 4 sheets marked" in run.err  # CSV on stdout: the analysis on stderr


ITEMS = [
    # label, right, carried, wrong, blank, unreadable, most common mistake, its count
    # in the order of the work: the forward pass, then the backward pass
    ("s0", 3, 0, 1, 0, 0, None, 0),
    ("f", 3, 1, 0, 0, 0, None, 0),
    ("∂f/∂f", 4, 0, 0, 0, 0, None, 0),
    ("∂f/∂s0", 3, 0, 1, 0, 0, "switcher-swapped", 1),
    ("∂f/∂z", 1, 1, 2, 0, 0, "switcher-swapped", 2),
    ("∂f/∂y", 3, 0, 1, 0, 0, "split-not-copied", 1),
    ("∂f/∂x", 3, 0, 1, 0, 0, "split-not-copied", 1),
]


def test_the_item_analysis_counts_each_cell_across_the_class(cli, klass):
    keys, sheets, _key = klass
    run = cli("mark", "--keys", keys, *sheets, "--json")
    assert run.code == 2
    document = run.json()
    assert document["format"] == "backprop-mark-class"
    items = [
        (i["label"], i["right"], i["carried"], i["wrong"], i["blank"], i["unreadable"], i["mistake"], i["mistake_count"])
        for i in document["items"]
    ]
    assert items == ITEMS
    statuses = [(s["student"], s["status"], s.get("points")) for s in document["students"]]
    assert statuses == [
        ("s001", "marked", 7),
        ("s002", "marked", 6),
        ("s004", "not marked", None),
        ("s005", "marked", 6),
        ("s003", "marked", 3),
    ]


def test_with_output_the_csv_goes_to_the_file_and_the_analysis_to_stdout(cli, klass, tmp_path):
    keys, sheets, _key = klass
    good = [path for path in sheets if not path.endswith("d.csv")]
    target = tmp_path / "results.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    run = cli("mark", "--keys", keys, *good, "--output", str(target))
    assert run.code == 0 and run.err == ""
    assert [row[0] for row in rows_of(target.read_text())] == ["student", "s001", "s002", "s005", "s003"]
    assert oct(target.stat().st_mode & 0o777) == "0o640"
    lines = run.out.splitlines()
    assert lines[:4] == [
        "s001: 7/7 (right 7, carried 0, wrong 0)",
        "s002: 6/7 (right 4, carried 2, wrong 1)",
        "s005: 6/7 (right 6, carried 0, wrong 1)",
        "s003: 3/7 (right 3, carried 0, wrong 4)",
    ]
    table = [line.split() for line in lines if line.startswith(("∂f/∂z ", "f "))]
    assert table == [["f", "3", "1", "0", "0", "0"], ["∂f/∂z", "1", "1", "2", "0", "0", "switcher-swapped", "(2)"]]
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".part")]


def test_the_output_is_never_an_input(cli, klass):
    keys, sheets, _key = klass
    before = open(sheets[0]).read()
    run = cli("mark", "--keys", keys, *sheets, "--output", sheets[0])
    assert run.code == 2 and "is an input of this run" in run.err and run.out == ""
    assert open(sheets[0]).read() == before
    assert cli("mark", "--keys", keys, *sheets, "--output", keys).code == 2


def test_the_pass_mark_in_a_class_exits_1_and_fills_the_passed_column(cli, klass, tmp_path):
    keys, sheets, _key = klass
    good = [path for path in sheets if not path.endswith("d.csv")]
    run = cli("mark", "--keys", keys, *good, "--pass-mark", "80%")
    assert run.code == 1 and run.err.endswith("backprop: 1 of 4 students are below the pass mark\n")
    assert [(row[0], row[12]) for row in rows_of(run.out)[1:]] == [
        ("s001", "yes"),
        ("s002", "yes"),
        ("s005", "yes"),
        ("s003", "no"),
    ]


def test_one_sheet_below_the_pass_mark_exits_1(cli, tmp_path):
    key = make_key(HEADLINE)
    key_file = write_key(tmp_path / "key.json", key)
    sheet = tmp_path / "s002.csv"
    sheet.write_text(sheet_text(key, SLIP, student="s002"))
    below = cli("mark", str(sheet), "--key", key_file, "--pass-mark", "90%")
    assert (below.code, below.err) == (1, "backprop: s002: 6 points is below the pass mark\n")
    assert below.out.splitlines()[-1] == "s002: 6/7 (right 4, carried 2, wrong 1) below the pass mark"
    assert cli("mark", str(sheet), "--key", key_file, "--pass-mark", "6").code == 0
    assert cli("mark", str(sheet), "--key", key_file, "--pass-mark", "86%").code == 1  # 85.7%
    points = cli("mark", str(sheet), "--key", key_file, "--points", "right=2,carried=1", "--json").json()
    assert (points["points"], points["max_points"]) == (10, 14)  # 4·2 + 2·1 of 7·2
    no_follow_through = cli("mark", str(sheet), "--key", key_file, "--points", "carried=0").out.splitlines()[-1]
    assert no_follow_through == "s002: 4/7 (right 4, carried 2, wrong 1)"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--points", "rigth=1"], "--points takes VERDICT=NUMBER,... with verdicts right, carried, wrong, blank, unreadable"),
        (["--points", "right=0"], "--points: a right cell must earn more than 0 points"),
        (["--pass-mark", "120%"], "--pass-mark takes points (such as 12) or a percent (such as 75%), got '120%'"),
        (["--min-digits", "0"], "--min-digits must be from 1 to 17, got 0"),
        (["--keys", "k.json"], "give the answer key: --key FILE (one exercise) or --keys FILE (a class's keys), not both"),
    ],
)
def test_bad_options_are_one_line_exit_2(cli, tmp_path, options, message):
    key_file = write_key(tmp_path / "key.json", make_key(HEADLINE))
    sheet = tmp_path / "s.csv"
    sheet.write_text(sheet_text(make_key(HEADLINE), RIGHT))
    run = cli("mark", str(sheet), "--key", key_file, *options)
    assert run.code == 2 and message in run.err and run.err.count("\n") == 1


def test_the_single_sheet_table_shows_verdicts_notes_and_the_result_line(cli, tmp_path):
    key = make_key(HEADLINE)
    key_file = write_key(tmp_path / "key.json", key)
    sheet = tmp_path / "s003.csv"
    sheet.write_text(sheet_text(key, MIXED))
    run = cli("mark", str(sheet), "--key", key_file)
    assert run.code == 0
    lines = [" ".join(line.split()) for line in run.out.splitlines()]
    swapped = "mul gate: each input gets upstream × the OTHER input's value, not its own [switcher-swapped]"
    assert f"∂f/∂s0 3 wrong -4 fix first; {swapped}" in lines and f"∂f/∂z -4 wrong 3 fix first; {swapped}" in lines
    assert (
        "∂f/∂x -2 wrong -4 add gate: each input gets the whole upstream gradient (copied), not half of it [split-not-copied]"
        in lines
    )
    assert lines[-1] == "s003: 3/7 (right 3, carried 0, wrong 4)"


def test_marking_a_class_imports_neither_numpy_nor_sympy(tmp_path, klass):
    keys, sheets, _key = klass
    code = (
        "import sys\nfrom backprop_cli.cli import main\n"
        f"try:\n    main(['mark', '--keys', {keys!r}, *{sheets!r}, '--output', {str(tmp_path / 'r.csv')!r}])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy', 'sympy', 'polars') if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.splitlines()[-1] == "[]"
    assert (tmp_path / "r.csv").read_text().count("\n") == 6


def test_a_sheet_is_matched_by_its_exercise_when_no_key_names_its_student(cli, tmp_path):
    neuron_like = ("x*y + x", {"x": -2.0, "y": 5.0})
    keys = write_keys(tmp_path / "keys.json", [make_key(HEADLINE), make_key(neuron_like)])
    sheet = tmp_path / "kim.csv"
    sheet.write_text(sheet_text(make_key(neuron_like), {"x": ("", "6"), "y": ("", "-2"), "s0": ("-10", "1"), "f": ("-12", "1")}))
    other = tmp_path / "lee.csv"
    other.write_text(sheet_text(make_key(HEADLINE), RIGHT, exercise="0badc0de"))
    run = cli("mark", "--keys", keys, str(sheet), str(other))
    rows = rows_of(run.out)
    assert run.code == 2 and rows[1][:8] == ["kim", str(sheet), make_key(neuron_like).exercise, "marked", "6", "6", "100.0", "6"]
    assert rows[2][3] == "not marked"
    assert rows[2][15] == f"{other}: no key in {keys} for student lee (nor one key of exercise 0badc0de)"


def test_a_correct_sheet_gets_full_marks_and_exit_0(cli, tmp_path):
    key = make_key(HEADLINE)
    key_file = write_key(tmp_path / "key.json", key)
    sheet = tmp_path / "s001.csv"
    sheet.write_text(sheet_text(key, RIGHT, student="s001"))
    run = cli("mark", str(sheet), "--key", key_file, "--pass-mark", "100%")
    assert (run.code, run.err) == (0, "")
    assert run.out.splitlines()[-1] == "s001: 7/7 (right 7, carried 0, wrong 0) passed"
    assert [line.split()[2] for line in run.out.splitlines()[3:-1]] == ["right"] * 7


def test_the_help_and_the_result_line_in_korean(cli, tmp_path):
    import re

    help_page = cli("mark", "-h", "--lang", "ko").out
    assert help_page.startswith("사용법: backprop mark [OPTIONS]")
    assert re.findall(r"\b(the|and|or|of|to|an?|is|with|for|from|each|every|Exit)\b", help_page) == []
    key = make_key(HEADLINE)
    key_file = write_key(tmp_path / "key.json", key)
    sheet = tmp_path / "s002.csv"
    sheet.write_text(sheet_text(key, SLIP, student="s002"))
    run = cli("mark", str(sheet), "--key", key_file, "--lang", "ko")
    assert run.out.splitlines()[-1] == "s002: 6/7 (정답 4, 이어받음 2, 오답 1)"
    assert "내가 쓴 s0 = 4에서 따라 나옵니다" in run.out


def test_a_signal_while_writing_the_results_through_to_a_fifo_removes_the_spool(tmp_path):
    """mark --output writes as batch --output does (render.files): the results wait complete in a
    private .backprop-mark-*.part until a reader opens the FIFO; SIGTERM then removes it, exit 143."""
    import signal
    import time
    from pathlib import Path

    samples = Path(__file__).resolve().parent.parent / "samples" / "class"
    fifo, spool = tmp_path / "results.fifo", tmp_path / "spool"
    os.mkfifo(fifo)
    spool.mkdir()
    sheets = sorted(str(path) for path in (samples / "submissions").glob("*.csv"))
    command = [sys.executable, "-m", "backprop_cli", "mark", "--keys", str(samples / "sheets" / "keys.json"), *sheets]
    process = subprocess.Popen(
        [*command, "--output", str(fifo)], stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(spool)}
    )
    deadline = time.monotonic() + 120
    while not list(spool.glob(".backprop-mark-*.part")):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()  # before reading stderr: a run blocked on the FIFO would never close it
            raise AssertionError(f"no .backprop-mark-*.part in {spool}: {process.communicate()[1]}")
        time.sleep(0.005)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 143
    assert list(spool.iterdir()) == []
    assert "interrupted by SIGTERM; no output written" in process.stderr.read()
