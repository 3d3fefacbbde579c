"""Issue #11: inputs a user hands over are read bounded, as UTF-8, and by one number rule.

Every refusal is exit 2 with one line on stderr (SPEC §6), never exit 70 or a traceback.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from conftest import invoke

from backprop_cli.errors import UsageError
from backprop_cli.gradient.command import GradRequest, run_grad
from backprop_cli.inputs import files as input_files

ARABIC_INDIC_12 = "\u0661\u0662"  # "١٢": str.isdigit() and float() take it as 12


def error_line(message: str) -> str:
    return f"backprop: error: {message}\n"


@pytest.fixture
def cli_bytes(monkeypatch):
    """Like ``cli``, but standard input is raw bytes behind a text wrapper, as a real process has."""

    def run(*args: str, stdin: bytes = b""):
        result = invoke(monkeypatch, args, io.TextIOWrapper(io.BytesIO(stdin), encoding="latin-1"))
        return result.code, result.out, result.err

    return run


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(input_files, "MAX_INPUT_BYTES", 1000)
    return 1000


# --- 1. the input size limit is enforced while reading --------------------------------


def test_an_expression_file_at_the_limit_is_read_and_one_byte_more_is_refused(cli, tmp_path, small_limit):
    path = tmp_path / "sum.txt"
    path.write_text("x" + "+x" * 499 + "\n")  # 1000 bytes: 500 uses of x
    run = cli("grad", f"@{path}", "-x", "1", "--quiet")
    assert (run.code, run.out) == (0, "x\t500.0\n"), run.err
    path.write_text("x" + "+x" * 499 + "\n\n")
    run = cli("grad", f"@{path}", "-x", "1", "--quiet")
    assert (run.code, run.out) == (2, "")
    assert run.err == error_line(f"expression file {path} is larger than the input limit of 1,000 bytes")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_at_the_limit_as_expression_and_as_bindings(cli, small_limit):
    run = cli("grad", "@/dev/zero", "-x", "1")
    assert (run.code, run.err) == (2, error_line("expression file /dev/zero is larger than the input limit of 1,000 bytes"))
    run = cli("grad", "x", "--bindings", "/dev/zero")
    assert (run.code, run.err) == (2, error_line("bindings file /dev/zero is larger than the input limit of 1,000 bytes"))


def test_standard_input_past_the_limit_is_refused(cli_bytes, small_limit):
    code, out, err = cli_bytes("grad", "-", "-x", "1", stdin=b"x" + b"+x" * 600)
    assert (code, out, err) == (2, "", error_line("standard input is larger than the input limit of 1,000 bytes"))


def test_a_text_only_standard_input_past_the_limit_is_refused(small_limit):
    request = GradRequest(expression="-", binding_words=["-x", "1"], quiet=True)
    with pytest.raises(UsageError, match="standard input is larger than the input limit of 1,000 bytes"):
        run_grad(request, stdin=io.StringIO("x" + "+x" * 600), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_on_standard_input_stops_at_the_real_limit():
    with open("/dev/zero", "rb") as zeros:
        run = subprocess.run(
            [sys.executable, "-m", "backprop_cli", "grad", "-", "-x", "1"], stdin=zeros, capture_output=True, text=True
        )
    assert run.returncode == 2
    assert run.stderr == error_line("standard input is larger than the input limit of 16,000,000 bytes")


def test_a_bindings_file_past_the_limit_is_refused(cli, tmp_path, small_limit):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"x": [0.5] * 300}))  # 1,507 bytes
    run = cli("grad", "sum(x)", "--bindings", str(path))
    assert (run.code, run.err) == (2, error_line(f"bindings file {path} is larger than the input limit of 1,000 bytes"))


def _npz_claiming(path, shape: tuple, data: bytes) -> None:
    """A .npz whose member's header claims ``shape`` but holds only ``data``."""
    from numpy.lib import format as npy

    member = io.BytesIO()
    npy.write_array_header_1_0(member, {"descr": "<f8", "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.npy", member.getvalue() + data)


def test_an_npz_header_over_the_limit_is_refused_before_any_array_is_read(cli, tmp_path, monkeypatch):
    path = tmp_path / "huge.npz"
    _npz_claiming(path, (200_000_000,), b"\0" * 16)  # 1.6 GB as float64, 16 bytes on disk

    def no_read(*args, **kwargs):
        raise AssertionError("an array was read before its header was checked")

    monkeypatch.setattr("numpy.lib.format.read_array", no_read)
    run = cli("grad", "sum(x)", "--bindings", str(path))
    message = f"bindings file {path} holds 1,600,000,000 bytes of float64 arrays, over the input limit of 16,000,000 bytes"
    assert (run.code, run.err) == (2, error_line(message))


def test_npz_sizes_add_up_over_members_as_float64(cli, tmp_path, small_limit):
    path = tmp_path / "two.npz"
    np.savez(path, x=np.zeros(60, dtype=np.int8), y=np.zeros(70, dtype=np.int8))  # 130 bytes, 1,040 as float64
    run = cli("grad", "sum(x)+sum(y)", "--bindings", str(path))
    message = f"bindings file {path} holds 1,040 bytes of float64 arrays, over the input limit of 1,000 bytes"
    assert (run.code, run.err) == (2, error_line(message))


def test_an_npz_file_over_the_limit_on_disk_is_refused(cli, tmp_path, small_limit):
    path = tmp_path / "big.npz"
    np.savez(path, x=np.zeros(100))  # 800 bytes of data, over 1,000 with the zip and .npy headers
    run = cli("grad", "sum(x)", "--bindings", str(path))
    assert (run.code, run.err) == (2, error_line(f"bindings file {path} is larger than the input limit of 1,000 bytes"))


def test_an_npz_member_shorter_than_its_header_is_refused(cli, tmp_path):
    path = tmp_path / "short.npz"
    _npz_claiming(path, (4,), b"\0" * 16)
    run = cli("grad", "sum(x)", "--bindings", str(path))
    assert run.code == 2
    assert run.err.startswith(f"backprop: error: bindings file {path}: x cannot be read (EOF")
    assert run.err.count("\n") == 1


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", b"\x93NUMPY"])
def test_a_file_that_is_not_an_npz_archive_is_refused(cli, tmp_path, content):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    run = cli("grad", "sum(x)", "--bindings", str(path))
    assert run.code == 2
    assert run.err.startswith(f"backprop: error: bindings file {path} is not a NumPy .npz archive (")
    assert run.err.count("\n") == 1


def test_an_npz_member_that_is_not_an_array_is_refused(cli, tmp_path):
    path = tmp_path / "mixed.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    run = cli("grad", "sum(x)", "--bindings", str(path))
    assert (run.code, run.err) == (2, error_line(f"bindings file {path} has a member 'notes.txt' that is not a .npy array"))


# --- 2. input at fault is exit 2, not 70 ----------------------------------------------


def test_invalid_utf8_in_an_expression_file(cli, tmp_path):
    path = tmp_path / "e.txt"
    path.write_bytes(b"x*\xff")
    run = cli("grad", f"@{path}", "-x", "1")
    assert (run.code, run.err) == (
        2,
        error_line(f"expression file {path} is not valid UTF-8 (byte 0xff at offset 2): save it as UTF-8"),
    )


def test_invalid_utf8_in_a_bindings_file(cli, tmp_path):
    path = tmp_path / "b.json"
    path.write_bytes(b'{"x": 1, "\xc3": 2}')
    run = cli("grad", "x", "--bindings", str(path))
    assert (run.code, run.err) == (
        2,
        error_line(f"bindings file {path} is not valid UTF-8 (byte 0xc3 at offset 10): save it as UTF-8"),
    )


def test_invalid_utf8_on_standard_input(cli_bytes):
    code, _, err = cli_bytes("grad", "-", "-x", "1", stdin=b"x\x80")
    assert (code, err) == (2, error_line("standard input is not valid UTF-8 (byte 0x80 at offset 1): save it as UTF-8"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_bindings_file_is_refused_with_what_to_do(cli, tmp_path, encoding):
    path = tmp_path / "b.json"
    path.write_text('{"x": 2}', encoding=encoding)
    run = cli("grad", "x", "--bindings", str(path))
    assert (run.code, run.err) == (2, error_line(f"bindings file {path} is not UTF-8 (it looks like UTF-16): save it as UTF-8"))


# A JSON integer too long for a float is ±inf, as the number 1e400 is (and then exit 3, as
# -x 1e400 gives); one of 300 digits or more skips int(), which refuses over 4,300 digits.
@pytest.mark.parametrize("digits", [400, 5000])
def test_huge_json_integers_are_infinite_as_1e400_is(cli, tmp_path, digits):
    path = tmp_path / "b.json"
    path.write_text('{"x": 1' + "0" * digits + "}")
    from_file = cli("grad", "x", "--bindings", str(path), "--quiet")
    inline = cli("grad", "x", "-x", "1e400", "--quiet")
    assert (from_file.code, from_file.err) == (3, error_line("non-finite result: variable x = inf"))
    assert (from_file.code, from_file.out, from_file.err) == (inline.code, inline.out, inline.err)


@pytest.mark.parametrize("digits", [400, 5000])
def test_huge_integers_in_an_inline_array_are_infinite(cli, digits):
    run = cli("grad", "sum(x)", "x=[1, -1" + "0" * digits + "]", "--json")
    assert run.code == 3
    assert run.json()["variables"][0]["value"] == [1.0, "-inf"]


@pytest.mark.parametrize("exponent", [299, 300, 301])
def test_long_json_integers_keep_their_value(cli, tmp_path, exponent):
    # 10**299 goes through int(), 10**300 and 10**301 through float(): the same correctly rounded double
    path = tmp_path / "b.json"
    path.write_text('{"x": 1' + "0" * exponent + ', "y": 1}')
    run = cli("grad", "x*y", "--bindings", str(path), "--wrt", "y", "--quiet")
    assert (run.code, float(run.out)) == (0, float(f"1e{exponent}")), run.err


# --- 3. --tol is a finite number >= 0 --------------------------------------------------


@pytest.mark.parametrize("tol", ["nan", "-1", "inf", "-inf", "1_000", ARABIC_INDIC_12, "[1]", "abc"])
@pytest.mark.parametrize("command", ["grad", "batch"])
def test_a_tolerance_that_is_not_a_finite_number_at_least_zero_is_refused(cli, tmp_path, command, tol):
    rows = tmp_path / "rows.csv"
    rows.write_text("x\n1\n")
    args = ["grad", "x*2", "-x", "1", "--expect", "x=2"] if command == "grad" else ["batch", "x*2", "--input", str(rows)]
    run = cli(*args, "--tol", tol)
    assert (run.code, run.out) == (2, "")
    assert run.err == error_line(f"--tol must be a finite number >= 0 (such as 1e-6), got {tol!r}")


@pytest.mark.parametrize("tol, code", [("0", 1), ("0.5", 0)])
def test_tolerance_zero_is_exact_and_a_plain_number_works(cli, tol, code):
    run = cli("grad", "x*2", "-x", "1", "--expect", "x=1.6", "--tol", tol, "--quiet")
    assert run.code == code, run.err  # |2 - 1.6| = 0.4 <= 0.5 * max(1, 1.6) = 0.8


def test_the_python_api_refuses_a_nan_tolerance():
    request = GradRequest(expression="x*2", binding_words=["-x", "1"], expect=["x=2"], tol=math.nan)
    with pytest.raises(UsageError, match=r"--tol must be a finite number >= 0 \(such as 1e-6\), got nan"):
        run_grad(request, stdout=io.StringIO(), stderr=io.StringIO())


# --- 4. --expect for the gradient of a variable named f ---------------------------------

# f*x with f=2, x=3: the value is 6, ∂/∂f = x = 3, ∂/∂x = f = 2.
F_TIMES_X = ("grad", "f*x", "-f", "2", "-x", "3", "--quiet")


@pytest.mark.parametrize("expect", [["f=6"], ["df/df=3"], ["df/dx=2"], ["x=2"], ["f=6", "df/df=3", "df/dx=2"]])
def test_expect_value_and_gradients_when_a_variable_is_named_f(cli, expect):
    run = cli(*F_TIMES_X, *[f"--expect={e}" for e in expect])
    assert (run.code, run.err) == (0, "")


def test_expect_df_df_reports_the_gradient_of_f(cli):
    run = cli(*F_TIMES_X, "--expect", "df/df=6")
    assert run.code == 1
    assert run.err.splitlines()[0] == "backprop: check failed: expected ∂f/∂f = 6, got 3 (tolerance 1e-06)"


def test_expect_f_is_still_the_value_and_says_so_when_a_variable_is_named_f(cli):
    run = cli(*F_TIMES_X, "--expect", "f=3")
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        "backprop: check failed: expected f (the output value; df/df is the gradient of variable f) = 3, got 6 (tolerance 1e-06)"
    )


def test_expect_f_without_a_variable_f_keeps_its_short_label(cli):
    run = cli("grad", "x*2", "-x", "1", "--expect", "f=3", "--quiet")
    assert run.code == 1
    assert run.err.splitlines()[0] == "backprop: check failed: expected f = 3, got 2 (tolerance 1e-06)"


def test_expect_df_d_an_unknown_name_is_refused(cli):
    run = cli(*F_TIMES_X, "--expect", "df/dy=1")
    assert (run.code, run.err) == (2, error_line("--expect y: not a variable of the expression (use f for the value)"))


def test_expect_df_df_in_vector_mode(cli):
    # sum(f*x), f=[1,2], x=[3,4]: value 11, ∂/∂f = x = [3, 4], ∂/∂x = f = [1, 2]
    args = ("grad", "sum(f*x)", "f=[1,2]", "x=[3,4]", "--quiet")
    assert cli(*args, "--expect", "f=11", "--expect", "df/df=[3,4]", "--expect", "df/dx=[1,2]").code == 0
    run = cli(*args, "--expect", "df/df=[1,2]")
    assert run.code == 1
    assert run.err.startswith("backprop: check failed: expected ∂f/∂f = [1, 2], got [3, 4]")


# --- 5. a UTF-8 byte-order mark is dropped ----------------------------------------------

BOM = b"\xef\xbb\xbf"


def test_a_bom_in_an_expression_file_is_dropped(cli, tmp_path):
    path = tmp_path / "e.txt"
    path.write_bytes(BOM + b"x*3\n")
    run = cli("grad", f"@{path}", "-x", "1", "--quiet")
    assert (run.code, run.out) == (0, "x\t3.0\n"), run.err


def test_a_bom_in_a_bindings_file_is_dropped(cli, tmp_path):
    path = tmp_path / "b.json"
    path.write_bytes(BOM + b'{"x": 2, "y": 5}')
    run = cli("grad", "x*y", "--bindings", str(path), "--quiet")
    assert (run.code, run.out) == (0, "x\t5.0\ny\t2.0\n"), run.err


def test_a_bom_on_standard_input_is_dropped(cli, cli_bytes):
    code, out, err = cli_bytes("grad", "-", "-x", "1", "--quiet", stdin=BOM + b"x*3")
    assert (code, out) == (0, "x\t3.0\n"), err
    run = cli("grad", "-", "-x", "1", "--quiet", stdin="\ufeffx*3")
    assert (run.code, run.out) == (0, "x\t3.0\n"), run.err


# --- 6. .npz values: real, non-empty; nan and inf kept -----------------------------------


@pytest.mark.parametrize(
    "array, held",
    [
        (np.array([1 + 2j, 3]), "complex numbers (complex128)"),
        (np.array(["a", "b"]), "text (<U1)"),
        (np.array([b"a"]), "bytes (|S1)"),
        (np.array([True, False]), "booleans (bool)"),
        (np.array([1, None], dtype=object), "Python objects (object)"),
    ],
)
def test_an_npz_array_that_is_not_real_numbers_is_refused(cli, tmp_path, array, held):
    path = tmp_path / "v.npz"
    np.savez(path, x=array)
    run = cli("grad", "sum(x)", "--bindings", str(path))
    assert (run.code, run.err) == (2, error_line(f"value of x in {path} holds {held}: bindings must be real numbers"))


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0)])
def test_an_empty_npz_array_is_refused_as_json_refuses_it(cli, tmp_path, shape):
    path = tmp_path / "v.npz"
    np.savez(path, x=np.zeros(shape))
    run = cli("grad", "sum(x)", "--bindings", str(path))
    assert (run.code, run.err) == (2, error_line(f"value of x in {path} is an empty array"))
    assert cli("grad", "sum(x)", "x=[]").err == error_line("value of x is an empty array")


def test_npz_nan_and_inf_are_values_as_in_json(cli, tmp_path):
    path = tmp_path / "v.npz"
    np.savez(path, x=np.array([1.0, np.inf]), y=np.int64(3))
    from_npz = cli("grad", "sum(x)*y", "--bindings", str(path), "--json")
    as_json = tmp_path / "v.json"
    as_json.write_text('{"x": [1, Infinity], "y": 3}')
    from_json = cli("grad", "sum(x)*y", "--bindings", str(as_json), "--json")
    assert from_npz.code == from_json.code == 3  # accepted as input; the non-finite result is exit 3
    assert from_npz.json()["gradients"] == from_json.json()["gradients"] == {"x": [3.0, 3.0], "y": "inf"}


def test_npz_integers_and_floats_are_read_as_floats(cli, tmp_path):
    path = tmp_path / "v.npz"
    np.savez(path, W=np.array([[1, 2], [3, 4]], dtype=np.int32), x=np.array([0.5, -1.0], dtype=np.float32))
    run = cli("grad", "sum(W @ x)", "--bindings", str(path), "--json")
    assert run.code == 0, run.err
    # d/dW sum(W x) = 1 xᵀ; d/dx = Wᵀ 1
    assert run.json()["gradients"] == {"W": [[0.5, -1.0], [0.5, -1.0]], "x": [4.0, 6.0]}


# --- 7. one number rule: 1_000 and other scripts' digits refused everywhere ----------------


@pytest.mark.parametrize("text", ["1_000", ARABIC_INDIC_12, "\u0968", "1\u00a0"])
def test_inline_values_follow_the_number_rule(cli, text):
    for words in (["-x", text], [f"x={text}"], [f"--x={text}"]):
        run = cli("grad", "x", *words)
        assert run.code == 2, words
        assert run.err.startswith(f"backprop: error: value of x is not a number: {text!r}"), run.err


def test_other_scripts_digits_get_a_hint(cli):
    run = cli("grad", "x", f"x={ARABIC_INDIC_12}")
    assert run.err == error_line(f"value of x is not a number: {ARABIC_INDIC_12!r} (write numbers with the digits 0-9)")


@pytest.mark.parametrize("text", ["1_000", ARABIC_INDIC_12])
def test_inline_array_elements_follow_the_number_rule(cli, text):
    run = cli("grad", "sum(x)", f"x=[1, {text}]")
    assert run.code == 2
    assert run.err.startswith("backprop: error: value of x is not a valid array: ")


@pytest.mark.parametrize("text", ["1_000", ARABIC_INDIC_12])
def test_json_bindings_follow_the_number_rule(cli, tmp_path, text):
    path = tmp_path / "b.json"
    path.write_text('{"x": ' + text + "}", encoding="utf-8")  # a bare number: not JSON
    run = cli("grad", "x", "--bindings", str(path))
    assert run.code == 2
    assert run.err.startswith(f"backprop: error: bindings file {path} is not valid JSON: ")
    path.write_text(json.dumps({"x": text}), encoding="utf-8")  # a string: the inline rule
    run = cli("grad", "x", "--bindings", str(path))
    assert run.code == 2
    assert run.err.startswith(f"backprop: error: value of x is not a number: {text!r}")


@pytest.mark.parametrize("text", ["1_000", ARABIC_INDIC_12])
def test_expect_values_follow_the_number_rule(cli, text):
    run = cli("grad", "x*2", "-x", "1", "--expect", f"x={text}")
    assert run.code == 2
    assert run.err.startswith(f"backprop: error: --expect x={text}: the value is not a number: {text!r}")


def test_the_number_rule_still_takes_every_documented_form(cli):
    forms = {"-2": -2.0, "+2": 2.0, ".5": 0.5, "2.": 2.0, "1e-3": 1e-3, "1E+2": 100.0, " 3 ": 3.0}
    for text, value in forms.items():
        run = cli("grad", "x*y", f"x={text}", "y=1", "--wrt", "y", "--quiet")
        assert (run.code, float(run.out)) == (0, value), text


def test_a_name_twice_in_a_bindings_file_is_refused(cli, tmp_path):
    path = tmp_path / "b.json"
    path.write_text('{"x": 1, "x": 2}')
    run = cli("grad", "x", "--bindings", str(path))
    assert (run.code, run.err) == (2, error_line("variable x is bound twice in the bindings file"))
