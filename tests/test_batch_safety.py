"""``batch`` never loses or damages data, and bad input is exit 2 or a bad row (issue #11).

Each test runs on both CSV engines (polars, and the row-by-row one forced with
BACKPROP_CSV_ENGINE=python), as ``tests/test_batch.py`` does.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_cli.batch import polars_engine, rows_in
from backprop_cli.errors import UsageError
from backprop_cli.inputs.bindings import parse_number, parse_value
from backprop_cli.render import files

HEADLINE = "(x+y)*z"
ROWS = "x,y,z\n-2,5,-4\n1,2,3\n"
RESULT = "x,y,z,f,df/dx,df/dy,df/dz\n-2,5,-4,-12.0,-4.0,-4.0,3.0\n1,2,3,9.0,3.0,3.0,3.0\n"


@pytest.fixture(autouse=True)
def engine(csv_engine):
    """Every test runs on both CSV engines (conftest.csv_engine)."""
    return csv_engine


def backprop(*args: str, **options) -> subprocess.CompletedProcess:
    """The real process, for standard input that is a file, pipes and signals."""
    command = [sys.executable, "-m", "backprop_cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **options)


def inode(path: Path) -> tuple[int, int]:
    status = os.lstat(path)
    return status.st_dev, status.st_ino


# --- item 3: an output that is the input -------------------------------------------------


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "relative"])
def test_an_output_that_is_the_input_is_refused(cli, tmp_path, how, monkeypatch):
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS + "1,abc,3\n")
    output = {"same": rows, "symlink": tmp_path / "link.csv", "hardlink": tmp_path / "hard.csv"}.get(how, Path("rows.csv"))
    if how == "symlink":
        output.symlink_to(rows)
    if how == "hardlink":
        os.link(rows, output)
    monkeypatch.chdir(tmp_path)
    before = inode(rows)
    run = cli("batch", HEADLINE, "--input", str(rows), "--output", str(output), "--skip-bad")
    assert run.code == 2 and run.out == ""
    assert run.err == (
        f"backprop: error: --output {output} is the input file ({rows}): it would be replaced "
        "(with --skip-bad, without its bad rows); write to another file\n"
    )
    assert rows.read_text() == ROWS + "1,abc,3\n" and inode(rows) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"rows.csv", output.name})  # no .part left


def test_standard_input_that_is_the_output_file_is_refused(tmp_path, engine):
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS)
    with open(rows) as stdin:
        run = backprop("batch", HEADLINE, "--input", "-", "--output", str(rows), stdin=stdin)
    assert run.returncode == 2
    assert run.stderr.startswith(f"backprop: error: --output {rows} is the input file (standard input)")
    assert rows.read_text() == ROWS
    with open(rows) as stdin, open(rows, "a") as stdout:  # batch --input - < rows.csv >> rows.csv
        command = [sys.executable, "-m", "backprop_cli", "batch", HEADLINE, "--input", "-"]
        run = subprocess.run(command, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, text=True)
    assert run.returncode == 2 and rows.read_text() == ROWS
    assert run.stderr == "backprop: error: standard output is the input file (standard input): write to another file\n"


# --- item 4: columns that clash with the results ------------------------------------------


@pytest.mark.parametrize("column", ["f", "df/dy", "pass"])
def test_a_csv_column_named_like_a_result_is_refused(cli, column):
    rows = f"x,y,z,expected_f,{column}\n1,2,3,9,student\n"
    run = cli("batch", HEADLINE, "--input", "-", "--expect-columns", stdin=rows)
    assert run.code == 2 and run.out == ""
    assert run.err == (
        f"backprop: error: the input cannot be used as it is: it has a column named {column!r}, like a column "
        "batch adds (f, df/dx, df/dy, df/dz, pass): rename it (input columns pass through untouched)\n"
    )


def test_a_json_field_named_like_a_result_is_refused_or_a_bad_row(cli):
    first = cli("batch", HEADLINE, "--input", "-", "--json", stdin='{"x": 1, "y": 2, "z": 3, "df/dx": "mine"}\n')
    assert first.code == 2
    assert "its first object has a field named 'df/dx', like a column batch adds (f, df/dx, df/dy, df/dz)" in first.err
    rows = '{"x": 1.50, "y":2,"z": 3, "id": "a"}\n{"x": 1, "y": 2, "z": 3, "f": "mine"}\n{ }\n'
    run = cli("batch", HEADLINE, "--input", "-", "--json", "--skip-bad", stdin=rows)
    assert run.code == 2
    # the student's fields as they were written (1.50 stays 1.50), then the results
    assert run.out == '{"x": 1.50, "y":2,"z": 3, "id": "a", "f": 10.5, "df/dx": 3.0, "df/dy": 3.0, "df/dz": 3.5}\n'
    assert run.err.splitlines() == [
        "backprop: bad row: line 2: a field named 'f', like a column batch adds (f, df/dx, df/dy, df/dz): "
        "rename it (input columns pass through untouched)",
        "backprop: bad row: line 3: no value for x",
        "backprop: error: 2 bad row(s) reported; 1 of 3 rows written",
    ]


def test_json_values_pass_through_to_csv_as_json_writes_them(cli):
    rows = '{"x": 1, "y": 2, "z": 3, "ok": true, "none": null, "list": [1, 2]}\n'
    run = cli("batch", HEADLINE, "--input", "-", stdin=rows)
    assert run.out == 'x,y,z,ok,none,list,f,df/dx,df/dy,df/dz\n1,2,3,true,null,"[1, 2]",9.0,3.0,3.0,3.0\n'


# --- item 5: where the output goes ------------------------------------------------------


def test_a_replaced_file_keeps_its_mode_and_is_a_new_inode(cli, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o600)
    before = inode(target)
    assert cli("batch", HEADLINE, "--input", "-", "--output", str(target), stdin=ROWS).code == 0
    assert target.read_text() == RESULT
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert inode(target) != before  # renamed into place, not rewritten
    target.chmod(0o640)
    assert cli("batch", HEADLINE, "--input", "-", "--output", str(target), stdin=ROWS).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_mode(cli, tmp_path):
    umask = os.umask(0o027)
    try:
        assert cli("batch", HEADLINE, "--input", "-", "--output", str(tmp_path / "new.csv"), stdin=ROWS).code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_a_symlink_is_followed_and_stays_a_link(cli, tmp_path):
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "out.csv"
    real.write_text("old\n")
    real.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert cli("batch", HEADLINE, "--input", "-", "--output", str(link), stdin=ROWS).code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == RESULT and stat.S_IMODE(real.stat().st_mode) == 0o600
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "real" / "made.csv")
    assert cli("batch", HEADLINE, "--input", "-", "--output", str(dangling), stdin=ROWS).code == 0
    assert dangling.is_symlink() and (tmp_path / "real" / "made.csv").read_text() == RESULT
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["made.csv", "out.csv"]


def test_a_device_is_written_through_not_replaced(cli):
    before = os.stat("/dev/null")
    run = cli("batch", HEADLINE, "--input", "-", "--output", "/dev/null", stdin=ROWS)
    assert run.code == 0 and run.out == "" and run.err == ""
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_fifo_is_written_through(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    run = cli("batch", HEADLINE, "--input", "-", "--output", str(fifo), stdin=ROWS)
    reader.join(timeout=60)
    assert run.code == 0 and received == [RESULT]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_full_device_is_exit_2(cli):
    run = cli("batch", HEADLINE, "--input", "-", "--output", "/dev/full", stdin=ROWS)
    assert run.code == 2 and run.err == "backprop: error: cannot write /dev/full: No space left on device\n"


def test_a_disk_that_fills_up_during_the_run_is_exit_2(cli, tmp_path, monkeypatch):
    class Full:
        """The spool's stream on a full disk: every write fails as write(2) does."""

        def write(self, text):
            raise OSError(28, "No space left on device")

        close = flush = seek = truncate = lambda self, *args: None

    real = os.fdopen
    monkeypatch.setattr(files.os, "fdopen", lambda *args, **kwargs: real(*args, **kwargs) and Full())
    run = cli("batch", HEADLINE, "--input", "-", "--output", str(tmp_path / "out.csv"), stdin=ROWS)
    assert run.code == 2
    assert run.err == "backprop: error: cannot write the output: No space left on device (nothing written)\n"
    assert list(tmp_path.iterdir()) == []


def test_an_output_that_is_a_directory_is_exit_2(cli, tmp_path):
    run = cli("batch", HEADLINE, "--input", "-", "--output", str(tmp_path), stdin=ROWS)
    assert run.code == 2 and run.err == f"backprop: error: --output {tmp_path} is a directory: name a file\n"
    assert list(tmp_path.iterdir()) == []


def test_output_dash_is_standard_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("batch", HEADLINE, "--input", "-", "--output", "-", stdin=ROWS)
    assert run.code == 0 and run.out == RESULT and list(tmp_path.iterdir()) == []


# --- item 6: signals ----------------------------------------------------------------------


def _wait_for(folder: Path, pattern: str, process: subprocess.Popen, nonempty: bool = True) -> Path:
    """Poll until the run has made a temporary file matching ``pattern`` (with rows in it)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        found = [path for path in folder.glob(pattern) if path.stat().st_size > 0 or not nonempty]
        if found:
            return found[0]
        time.sleep(0.002)
    raise AssertionError(f"no {pattern} in {folder}")


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_removes_the_part_file_of_a_big_run(tmp_path, name):
    rows = tmp_path / "rows.csv"
    rows.write_text("x,y,z\n" + "1.5,2.25,-3\n" * 2_000_000)
    output = tmp_path / "out.csv"
    command = [sys.executable, "-m", "backprop_cli", "batch", HEADLINE, "--input", str(rows), "--output", str(output)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    part = _wait_for(tmp_path, ".backprop-batch-*.part", process)
    process.send_signal(getattr(signal, name))
    assert process.wait(timeout=120) == 128 + getattr(signal, name)
    assert process.stderr.read() == f"backprop: interrupted by {name}; no output written\n"
    assert not part.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_while_waiting_for_input_or_for_a_reader_removes_every_temporary_file(tmp_path, engine, name):
    """Deterministic: the run is blocked (reading a FIFO that stays open, or writing to a FIFO
    nobody reads) with its temporary files made, when the signal comes."""
    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    spool = tmp_path / "spool"
    spool.mkdir()
    command = [sys.executable, "-m", "backprop_cli", "batch", HEADLINE, "--input", str(fifo), "--output", str(tmp_path / "o")]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(spool)})
    with open(fifo, "w") as writer:  # kept open: the run waits for more rows
        writer.write(ROWS)
        writer.flush()
        # the polars engine copies a FIFO to a temporary file; the row-by-row engine reads it as it comes
        folder, pattern = (spool, "*.csv") if engine == "polars" else (tmp_path, "*.part")
        _wait_for(folder, pattern, process, nonempty=engine == "polars")
        process.send_signal(getattr(signal, name))
        assert process.wait(timeout=60) == 128 + getattr(signal, name)
    assert list(spool.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["rows.fifo", "spool"]


def test_a_signal_while_writing_through_to_a_fifo_removes_the_full_size_spool(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    spool = tmp_path / "spool"
    spool.mkdir()
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS)
    command = [sys.executable, "-m", "backprop_cli", "batch", HEADLINE, "--input", str(rows), "--output", str(fifo)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(spool)})
    part = _wait_for(spool, "*.part", process)  # complete, waiting for a reader of the FIFO
    process.send_signal(signal.SIGHUP)
    assert process.wait(timeout=60) == 128 + signal.SIGHUP
    assert not part.exists() and list(spool.iterdir()) == []


def test_signals_ignored_at_start_stay_ignored_and_handlers_are_restored(cli):
    previous = signal.getsignal(signal.SIGTERM)
    assert cli("batch", HEADLINE, "--input", "-", stdin=ROWS).code == 0
    assert signal.getsignal(signal.SIGTERM) == previous
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with files.removed_on_signals():
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN  # nohup keeps working
            assert signal.getsignal(signal.SIGTERM) == files._on_signal
    finally:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


# --- item 7: quotes and headers -----------------------------------------------------------

UNBALANCED = "x,y,note\n" + "1,1,ok\n" * 5 + '9,9,"oops\n' + "2,3,fine\n" * 500


def test_an_unbalanced_quote_is_one_bad_row_at_its_line_and_the_rows_after_it_are_kept(cli):
    stopped = cli("batch", "x*y", "--input", "-", stdin=UNBALANCED)
    assert stopped.code == 2
    assert stopped.err == (
        "backprop: error: line 7: the quoted field that opens here (column 5) is never closed "
        "(nothing written; --skip-bad writes the good rows)\n"
    )
    run = cli("batch", "x*y", "--input", "-", "--skip-bad", stdin=UNBALANCED)
    assert run.out.splitlines()[1:] == ["1,1,ok,1.0,1.0,1.0"] * 5 + ["2,3,fine,6.0,3.0,2.0"] * 500
    assert run.err.splitlines() == [
        "backprop: bad row: line 7: the quoted field that opens here (column 5) is never closed",
        "backprop: error: 1 bad row(s) reported; 505 of 506 rows written",
    ]


def test_a_quote_closed_in_the_wrong_place_is_a_bad_row_and_good_multiline_fields_are_rows(cli):
    rows = 'x,y,note\n1,2,"a\n3,4,b\n5,6,c"d\n7,8,"two\nlines"\n9,9,"x ""quoted"" word"\n'
    run = cli("batch", "x*y", "--input", "-", "--skip-bad", stdin=rows)
    assert run.err.splitlines()[0] == (
        "backprop: bad row: line 2: the quoted field that opens here (column 5) is closed by a quote "
        """followed by 'd' (a quote inside a field is written "")"""
    )
    assert run.out.splitlines()[1:] == [
        "3,4,b,12.0,4.0,3.0",
        '5,6,"c""d",30.0,6.0,5.0',  # a quote inside an unquoted field is an ordinary character (Python's csv)
        '7,8,"two',
        'lines",56.0,8.0,7.0',
        '9,9,"x ""quoted"" word",81.0,9.0,9.0',
    ]


def test_a_field_over_the_limit_is_a_bad_row(cli, monkeypatch):
    monkeypatch.setattr(rows_in, "FIELD_LIMIT", 1000)
    rows = "x,y,note\n1,2," + "a" * 1001 + '\n1,2,"' + "b" * 999 + "\n3,4,c\n"
    run = cli("batch", "x*y", "--input", "-", "--skip-bad", stdin=rows)
    assert run.out.splitlines()[1:] == ["3,4,c,12.0,4.0,3.0"]
    assert run.err.splitlines()[:2] == (
        ["backprop: bad row: line 2: a field is longer than 1,000 characters"]
        + ["backprop: bad row: line 3: the quoted field that opens here (column 5) is never closed"]
    )


def test_a_field_longer_than_pythons_default_limit_works(cli):
    note = "n" * 200_000  # the csv module's default limit is 131,072
    run = cli("batch", "x*y", "--input", "-", stdin=f"x,y,note\n2,3,{note}\n")
    assert run.code == 0, run.err
    assert run.out == f"x,y,note,f,df/dx,df/dy\n2,3,{note},6.0,3.0,2.0\n"


@pytest.mark.parametrize("header", ["x,x,y", "x, y,x ,z"])
def test_duplicate_column_names_are_refused(cli, header):
    run = cli("batch", "x*y", "--input", "-", stdin=header + "\n1,2,3" + ",4" * (header.count(",") - 2) + "\n")
    assert run.code == 2 and run.err == "backprop: error: the input has two columns named 'x': give each column its own name\n"


# --- item 6: input that used to end in exit 70 ----------------------------------------------


def test_invalid_utf8_is_a_bad_row(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_bytes(b"x,y\n1,2\n\xff,3\n4,5\n1,2,\xc3\x28\n")
    run = cli("batch", "x*y", "--input", str(rows), "--skip-bad")
    assert run.code == 2
    assert run.out == "x,y,f,df/dx,df/dy\n1,2,2.0,2.0,1.0\n4,5,20.0,5.0,4.0\n"
    assert run.err.splitlines() == [
        "backprop: bad row: line 3: not valid UTF-8 (byte 0xff at column 1)",
        "backprop: bad row: line 5: not valid UTF-8 (byte 0xc3 at column 5)",
        "backprop: error: 2 bad row(s) reported; 2 of 4 rows written",
    ]
    stopped = cli("batch", "x*y", "--input", str(rows))
    assert stopped.code == 2 and stopped.err.startswith("backprop: error: line 3: not valid UTF-8 (byte 0xff at column 1)")


def test_invalid_utf8_in_json_lines_and_in_the_header(cli, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(b'{"x": 1, "y": 2}\n{"x": 1, "y": 2, "n": "\xfe"}\n')
    run = cli("batch", "x*y", "--input", str(rows), "--json", "--skip-bad")
    assert run.out == '{"x": 1, "y": 2, "f": 2.0, "df/dx": 2.0, "df/dy": 1.0}\n'
    assert run.err.splitlines()[0] == "backprop: bad row: line 2: not valid UTF-8 (byte 0xfe at column 24)"
    header = tmp_path / "header.csv"
    header.write_bytes(b"x,\xe9\n1,2\n")
    run = cli("batch", "x", "--input", str(header))
    assert run.code == 2
    assert run.err == "backprop: error: the header row (line 1) cannot be read: not valid UTF-8 (byte 0xe9 at column 3)\n"


def test_a_byte_order_mark_is_dropped(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_bytes(b"\xef\xbb\xbf" + ROWS.encode())
    assert cli("batch", HEADLINE, "--input", str(rows)).out == RESULT


@pytest.mark.parametrize("digits", [400, 5000])
def test_huge_json_integers_are_inf_and_pass_through_as_written(cli, digits):
    big = "1" + "0" * (digits - 1)
    rows = f'{{"x": {big}, "y": -{big}, "z": 1, "id": {big}}}\n'
    run = cli("batch", HEADLINE, "--input", "-", "--json", stdin=rows)
    assert run.code == 3  # (inf + -inf) * 1 is nan: a non-finite result, written
    assert run.out == rows[:-2] + ', "f": "nan", "df/dx": 1.0, "df/dy": 1.0, "df/dz": "nan"}\n'
    assert run.err == "backprop: error: non-finite results in 1 row(s), the first at line 1\n"
    csv_out = cli("batch", "x*z", "--input", "-", stdin=rows)
    assert csv_out.out.splitlines()[1] == f"{big},-{big},1,{big},inf,1.0,inf"


def test_deeply_nested_json_is_a_bad_row(cli):
    rows = '{"x": 1, "y": 2, "z": 3}\n{"x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    run = cli("batch", HEADLINE, "--input", "-", "--skip-bad", stdin=rows)
    assert run.code == 2 and "line 2: not valid JSON (nested too deeply)" in run.err


def test_a_pipe_from_the_shell_is_read(tmp_path, engine):
    read, write = os.pipe()
    os.write(write, b"x,y\n1,2\n")
    os.close(write)
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    if engine == "python":
        env["BACKPROP_CSV_ENGINE"] = "python"
    run = backprop("batch", "x*y", "--input", f"/dev/fd/{read}", pass_fds=(read,), env=env)
    os.close(read)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "x,y,f,df/dx,df/dy\n1,2,2.0,2.0,1.0\n" and list(tmp_path.iterdir()) == []


# --- the smaller items: line numbers after multi-line fields; one number rule ----------------


@pytest.mark.parametrize("chunk", ["1", "262144"])
def test_line_numbers_count_the_lines_inside_quoted_fields(cli, tmp_path, chunk):
    rows = tmp_path / "rows.csv"  # a file: lines end at \n, \r\n or \r (Python's universal newlines)
    rows.write_bytes(b'x,note\n1,"a\nb"\n2,"c\r\nd\re"\n3,x\n0,y\n')  # log(0) on line 8
    run = cli("batch", "log(x)", "--input", str(rows), "--chunk-size", chunk)
    assert run.code == 3 and run.err == "backprop: error: non-finite results in 1 row(s), the first at line 8\n"
    blank_first = cli("batch", "log(x)", "--input", "-", stdin="\n\nx\n1\n0\n")
    assert blank_first.err == "backprop: error: non-finite results in 1 row(s), the first at line 5\n"


@pytest.mark.parametrize("text", ["1_000", "1__0", "0x10", "", " ", "1,5", "--1", "1e", "nan(1)", "\u0661\u0662", "1\u00a0"])
def test_batch_refuses_what_grad_refuses(cli, text):
    with pytest.raises(UsageError):
        parse_value("x", text)
    rows = f'x,expected_f\n"{text}",1\n'
    run = cli("batch", "x", "--input", "-", stdin=rows)
    assert run.code == 2 and f"line 2: x is not a number: {text!r}" in run.err
    expected = cli("batch", "x", "--input", "-", "--expect-columns", stdin=f'x,expected_f\n1,"{text}"\n')
    if text.strip():  # an empty expected cell is not graded
        assert expected.code == 2 and f"line 2: expected_f is not a number: {text!r}" in expected.err
    as_json = cli("batch", "x", "--input", "-", stdin=json.dumps({"x": text}) + "\n")
    assert as_json.code == 2 and f"line 1: x is not a number: {text!r}" in as_json.err


@pytest.mark.parametrize("text", ["1", " -2.5 ", ".5", "5.", "1e-3", "1E+3", "inf", "-Infinity", "nan"])
def test_batch_accepts_what_grad_accepts_with_the_same_value(cli, text):
    run = cli("batch", "x*1", "--input", "-", stdin=f'x\n"{text}"\n')
    value = parse_value("x", text)
    assert float(run.out.splitlines()[1].split(",")[-2]) == pytest.approx(value, nan_ok=True)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="0123456789.+-eEinfatyINFATY \t\n\x0b\x0c\r\x1c", max_size=8))
def test_numpy_accepts_no_plain_ascii_text_that_grad_refuses(text):
    """batch's row-by-row engine lets NumPy convert chunks whose cells are ASCII without '_'."""
    try:
        value = float(np.array([text], dtype=float)[0])
    except ValueError:
        return
    assert parse_number(text) == pytest.approx(value, nan_ok=True)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="0123456789.+-_eEinfatyINFATY \t\u00a0\u0661\uff11x,", max_size=8))
def test_polars_accepts_no_text_that_grad_refuses(text):
    """The polars engine relies on its float parsing accepting a subset of grad's rule."""
    pl = pytest.importorskip("polars")
    value = pl.Series([text]).cast(pl.Float64, strict=False)[0]
    stripped = pl.Series([text]).str.strip_chars(polars_engine.ASCII_SPACE).cast(pl.Float64, strict=False)[0]
    for parsed in (value, stripped):
        if parsed is not None:
            assert parse_number(text) == pytest.approx(parsed, nan_ok=True)


def test_a_json_minus_zero_is_minus_zero_as_in_grad(cli):
    run = cli("batch", "1/x", "--input", "-", "--json", stdin='{"x": -0}\n{"x": 0}\n')
    assert [json.loads(line)["df/dx"] for line in run.out.splitlines()] == ["-inf", "-inf"]
    assert [json.loads(line)["f"] for line in run.out.splitlines()] == ["-inf", "inf"]
    assert run.out.splitlines()[0].startswith('{"x": -0, ')  # written back as it was


def test_standard_output_closed_early_ends_quietly_with_141(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("x\n" + "1\n" * 200_000)  # more than a pipe holds
    command = [sys.executable, "-m", "backprop_cli", "batch", "x", "--input", str(rows)]
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout.readline() == b"x,f,df/dx\n"
    process.stdout.close()
    assert process.wait(timeout=120) == 141
    assert process.stderr.read() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]


def test_dev_stdout_is_written_at_the_shells_offset(tmp_path, engine):
    """`--output /dev/stdout` with stdout redirected to a file: the rows land between what the
    shell wrote before and after, as they would on stdout (not over it, from another offset)."""
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS)
    batch = f"{sys.executable} -m backprop_cli batch '{HEADLINE}' --input {rows} --output /dev/stdout"
    log = tmp_path / "log.txt"
    script = f"echo first; {batch}; echo last"
    assert subprocess.run(["sh", "-c", f"({script}) > {log}"], timeout=120).returncode == 0
    assert log.read_text() == "first\n" + RESULT + "last\n"
    again = subprocess.run(["sh", "-c", f"{batch} >> {rows}"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "is the input file" in again.stderr and rows.read_text() == ROWS


# --- input without line breaks: /dev/zero -------------------------------------------------


def test_an_input_without_line_breaks_is_refused_not_read_to_the_end(engine):
    """/dev/zero is a device: polars' copy and the row-by-row reader stop at the line limit."""
    run = backprop("batch", HEADLINE, "--input", "/dev/zero")
    assert run.returncode == 2
    where = "line 1" if engine == "python" else "a line"
    assert run.stderr == f"backprop: error: /dev/zero: {where} is longer than the limit of 16,000,000 characters\n"


def test_standard_input_without_line_breaks_is_refused(engine):
    with open("/dev/zero", "rb") as zeros:
        run = backprop("batch", HEADLINE, "--input", "-", stdin=zeros)
    assert run.returncode == 2
    assert "standard input:" in run.stderr and "longer than the limit of 16,000,000 characters" in run.stderr


def test_a_line_over_the_limit_is_refused_and_one_within_it_is_read(cli, monkeypatch, engine):
    from backprop_cli import limits

    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 40)
    within = cli("batch", HEADLINE, "--input", "-", stdin="x,y,z\n" + "1,2,3" + " " * 30 + "\n")
    assert (within.code, within.out.splitlines()[1]) == (0, "1,2,3" + " " * 30 + ",9.0,3.0,3.0,3.0")
    over = cli("batch", HEADLINE, "--input", "-", stdin="x,y,z\n1,2,3\n" + "1" * 41 + "\n")
    assert over.code == 2
    assert over.err == "backprop: error: standard input: line 3 is longer than the limit of 40 characters\n"
