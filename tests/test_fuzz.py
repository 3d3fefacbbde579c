"""Fuzzing the three inputs a user controls (issue #11, "Keep it so").

The expression or program text, the bindings (inline words and ``--bindings``
files) and ``batch`` rows are generated and mutated by Hypothesis (derandomized:
see conftest.py). Whatever comes in, ``backprop`` must answer with exit 0, 1, 2 or
3: never 70 (an internal error), never a traceback, and a refusal is one line on
stderr. Every exit-0 answer is checked against ``tests/independent.py``, which
shares no code with the package. A call that runs longer than ``HANG_SECONDS``
fails as a hang: a bound on runaway work, not a speed target.
"""

from __future__ import annotations

import csv
import io
import json
import math
import signal
import sys
from dataclasses import dataclass

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from independent import float_meaning, sympy_meaning

from backprop_cli.cli import main

HANG_SECONDS = 60
fuzz_settings = settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@dataclass
class Outcome:
    code: int
    out: str
    err: str


class Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise Hang(f"no answer within {HANG_SECONDS} s")


def run(args: list[str], stdin: bytes = b"") -> Outcome:
    """``backprop ARGS`` in-process, with real byte-backed standard streams."""
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HANG_SECONDS)
    try:
        main(args)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        streams = sys.stdout, sys.stderr
        sys.stdin, sys.stdout, sys.stderr = saved
    texts = [_drain(stream, buffer) for stream, buffer in zip(streams, (out, err))]
    return Outcome(code, *texts)


def _drain(stream, buffer: io.BytesIO) -> str:
    """What was written, even if the command closed its stream."""
    if not stream.closed:
        stream.flush()
    return buffer.getvalue().decode("utf-8", "replace")


def assert_well_behaved(outcome: Outcome, context) -> None:
    """Exit 0-3; no traceback, no internal error; a refusal (exit 2) is one error line."""
    assert outcome.code in (0, 1, 2, 3), (context, outcome.code, outcome.err[-2000:])
    assert "Traceback" not in outcome.err and "internal error" not in outcome.err, (context, outcome.err[-2000:])
    if outcome.code == 2:
        errors = [line for line in outcome.err.splitlines() if line.startswith("backprop: error:")]
        assert len(errors) == 1, (context, outcome.err[-2000:])


def same(got: float, want: float) -> bool:
    if math.isnan(want) or math.isinf(want):
        return True  # where the textbook formula overflows, the engines' conventions decide
    return math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-9)


# ---------------------------------------------------------------------------
# 1. Expression and program text.

ATOMS = ["x", "y", "z", "2", "0.5", "3", "q", "pi", "1e-3", ".5"]
FUNCTIONS = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "softplus", "elu", "leaky_relu"]
HOSTILE = [
    *"()+-*/^,;=#.\n\t'\"[]{}@%!&|<>`$\\~?:",
    "**",
    "//",
    "==",
    "--",
    "+-",
    "1e309",
    "1_000",
    "١٢",
    "0x10",
    "2x",
    "x.y",
    "x[0]",
    "lambda",
    "import",
    "__class__",
    "∂",
    "\x00",
    "max(",
    "min(x)",
    "q = ",
    "f = ",
    "nan",
    "inf",
    "9" * 400,
    "((((",
    "))))",
    "sum(",
    "@x",
    "ln",
]


@st.composite
def expressions(draw, depth: int = 3) -> str:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        atom = draw(st.sampled_from(ATOMS))
        return f"-{atom}" if draw(st.booleans()) else atom
    kind = draw(st.sampled_from(["binary", "binary", "call", "neg", "max"]))
    if kind == "binary":
        op = draw(st.sampled_from(["+", "-", "*", "/", "**", "^"]))
        return f"({draw(expressions(depth - 1))} {op} {draw(expressions(depth - 1))})"
    if kind == "call":
        return f"{draw(st.sampled_from(FUNCTIONS))}({draw(expressions(depth - 1))})"
    if kind == "neg":
        return f"-({draw(expressions(depth - 1))})"
    arguments = ", ".join(draw(expressions(depth - 1)) for _ in range(draw(st.integers(2, 4))))
    return f"{draw(st.sampled_from(['max', 'min']))}({arguments})"


@st.composite
def programs(draw) -> str:
    body = draw(expressions())
    if draw(st.booleans()):
        return f"q = {draw(st.sampled_from(['2.5', '-2', 'x', 'x*y']))}; f = {body}"
    return body.replace("q", "x")


@st.composite
def mutated(draw) -> str:
    """A valid program with a few hostile edits: deletions, insertions, replacements."""
    text = draw(programs())
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(HOSTILE))
        if edit == "insert":
            text = text[:at] + piece + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


POINT = {"x": 0.7, "y": -1.3, "z": 2.1}


def check_against_independent(text: str, data: dict) -> None:
    """An exit-0 answer's value and gradients against ast + SymPy (where Python reads the text too)."""
    if any(node.get("kink") for node in data["nodes"]) or not isinstance(data["value"], float):
        return  # at a kink the chosen convention, not the textbook derivative, decides
    try:
        env, _ = float_meaning(text, POINT)
        expressions_by_name = sympy_meaning(text)
    except (SyntaxError, ArithmeticError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return  # not Python, or outside the textbook formula's domain: nothing to compare with
    names = list(env)
    whole = expressions_by_name[names[-1]]
    assert same(data["value"], env[names[-1]]), (text, data["value"], env[names[-1]])
    subs = {sp.Symbol(name, real=True): sp.Float(value, 30) for name, value in POINT.items()}
    for name, got in data["gradients"].items():
        want = complex(sp.diff(whole, sp.Symbol(name, real=True)).evalf(30, subs=subs))
        if abs(want.imag) < 1e-12 and isinstance(got, float):
            assert same(got, want.real), (text, name, got, want)


@fuzz_settings
@given(st.one_of(mutated(), programs(), st.text(alphabet="xyzq0123456789.+-*/^(),;=#e \n", max_size=40)))
def test_any_expression_text_is_answered_or_refused_in_one_line(text):
    variables = [f"{name}={value}" for name, value in POINT.items() if name in text]
    outcome = run(["grad", "-", *variables, "--json"], stdin=text.encode("utf-8", "surrogatepass"))
    assert_well_behaved(outcome, text)
    if outcome.code == 0:
        check_against_independent(text, json.loads(outcome.out))


# ---------------------------------------------------------------------------
# 2. Bindings, inline and from files.

HOSTILE_NUMBERS = [
    "1_000", "١٢", "0x10", "1e999", "-1e999", "-inf", "nan", "NaN", "[1,2]", "[1,[2]]", "[]", "[[1],[2,3]]",
    "9" * 500, "-" + "9" * 5000, "", " ", "--json", "true", "None", "1,5", "½", "\x00", "1e-400", "+.5",
    "[1e999]", "[" + "9" * 5000 + "]", '["1"]', "{}", "-", "--", "e5", "5e", ".", "inf inf",
]  # fmt: skip
GOOD_NUMBERS = st.one_of(st.floats(-1e6, 1e6, allow_nan=False).map(repr), st.integers(-(10**6), 10**6).map(str))
NUMBER_TEXTS = st.one_of(GOOD_NUMBERS, GOOD_NUMBERS, GOOD_NUMBERS, st.sampled_from(HOSTILE_NUMBERS))
FORMS = ["-{n} {v}", "--{n} {v}", "--{n}={v}", "{n}={v}", "-{n}={v}"]


@st.composite
def binding_words(draw) -> list[str]:
    """Mostly x, y and z bound in any form, with hostile values and extra or missing names now and then."""
    names = [name for name in "xyz" if draw(st.integers(0, 9)) > 0]
    names += draw(st.lists(st.sampled_from(["x", "w", "f", "json"]), max_size=1))
    words: list[str] = []
    for name in names:
        form = draw(st.sampled_from(FORMS))
        word = form.format(n=name, v=draw(NUMBER_TEXTS))
        words.extend(word.split(" ", 1) if " " in form else [word])
    return words


def check_headline(data: dict) -> None:
    """(x+y)*z: value and gradients by hand from the bound numbers."""
    values = {v["name"]: v["value"] for v in data["variables"]}
    if not all(isinstance(values.get(name), float) for name in "xyz"):
        return  # arrays: vector mode refuses a non-scalar output, so exit 0 here has scalars
    x, y, z = values["x"], values["y"], values["z"]
    with_nan = [
        (data["value"], (x + y) * z),
        (data["gradients"]["x"], z),
        (data["gradients"]["y"], z),
        (data["gradients"]["z"], x + y),
    ]
    for got, want in with_nan:
        assert (isinstance(got, str) and not math.isfinite(want)) or got == want, (values, data["gradients"])


@fuzz_settings
@given(binding_words())
def test_any_inline_bindings_are_answered_or_refused_in_one_line(words):
    outcome = run(["grad", "(x+y)*z", *words, "--json"])
    assert_well_behaved(outcome, words)
    if outcome.code in (0, 3) and outcome.out:
        check_headline(json.loads(outcome.out))


JSON_VALUES = st.one_of(
    st.floats(-1e6, 1e6),
    st.floats(-1e6, 1e6),
    st.recursive(
        st.one_of(st.floats(width=64), st.integers(-(10**600), 10**600), st.text(max_size=5), st.booleans(), st.none()),
        lambda children: st.lists(children, max_size=3),
        max_leaves=6,
    ),
)


@st.composite
def bindings_files(draw) -> bytes:
    """Mostly a JSON object binding x, y, z; odd values, encodings and stray bytes now and then."""
    names = [name for name in "xyz" if draw(st.integers(0, 9)) > 0]
    names += draw(st.lists(st.sampled_from(["w", ""]), max_size=1))
    text = json.dumps({name: draw(JSON_VALUES) for name in names})
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    data = text.encode(encoding, "replace")
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"{", b"]", b"\xef\xbb\xbf"])) + data[at:]
    return data


@fuzz_settings
@given(bindings_files())
def test_any_bindings_file_is_answered_or_refused_in_one_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bindings") / "b.json"
    path.write_bytes(data)
    outcome = run(["grad", "(x+y)*z", "--bindings", str(path), "--json"])
    assert_well_behaved(outcome, data[:200])
    if outcome.code in (0, 3) and outcome.out:
        check_headline(json.loads(outcome.out))


# ---------------------------------------------------------------------------
# 3. batch rows.

GOOD_CELLS = st.floats(-1e3, 1e3, allow_nan=False).map(repr)
CELLS = st.one_of(
    GOOD_CELLS,
    GOOD_CELLS,
    GOOD_CELLS,
    GOOD_CELLS,
    st.sampled_from(
        ["", " ", "nan", "inf", "-inf", "abc", "1_000", "١٢", '"1"', '"1', '1"', "1,5", "9" * 400, "\xff", " 2 ", "1e999"]
    ),
)


@st.composite
def batch_files(draw) -> tuple[bytes, str]:
    """Mostly well-formed rows; hostile cells, ragged rows, odd headers and stray bytes now and then."""
    header = draw(st.permutations(["x", "y", "z", "id"]))
    if draw(st.integers(0, 5)) == 0:
        header = [*header, draw(st.sampled_from(["x", "f", "df/dx", "", "expected_f"]))]
    width = len(header)
    widths = st.one_of(st.just(width), st.just(width), st.just(width), st.integers(width - 1, width + 1))
    rows = [draw(st.lists(CELLS, min_size=n, max_size=n)) for n in draw(st.lists(widths, max_size=8))]
    if draw(st.booleans()):
        lines = [",".join(header)] + [",".join(row) for row in rows]
        data = "\n".join(lines).encode("utf-8", "surrogateescape")
        suffix = ".csv"
    else:
        objects = [json.dumps(dict(zip(header, row))) for row in rows]
        data = "\n".join(objects).encode()
        suffix = ".jsonl"
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b'"', b"\n", b",", b"\r"])) + data[at:]
    return data, suffix


def check_batch_output(outcome: Outcome, as_json: bool) -> None:
    """Every written row: the last four fields are (x+y)*z, z, z, x+y of its own x, y, z."""
    if as_json:
        records = [json.loads(line) for line in outcome.out.splitlines() if line]
        rows = [(r, list(r.values())[-4:]) for r in records]
    else:
        table = list(csv.reader(io.StringIO(outcome.out)))
        header, body = table[0], table[1:]
        rows = [(dict(zip(header, r)), r[-4:]) for r in body]
    for inputs, computed in rows:
        try:
            x, y, z = (float(inputs[name]) for name in "xyz")
        except (KeyError, TypeError, ValueError):
            continue  # a passed-through input column shadowed by a renamed one: checked elsewhere
        want = [(x + y) * z, z, z, x + y]
        for got, expected in zip(computed, want):
            got = float(got)
            assert (math.isnan(got) and not math.isfinite(expected)) or got == expected or math.isnan(expected), (
                inputs,
                computed,
            )


@fuzz_settings
@given(batch_files(), st.sampled_from(["python", "polars"]), st.booleans(), st.booleans())
def test_any_batch_rows_are_answered_or_refused(tmp_path_factory, monkeypatch, file, engine, skip_bad, as_json):
    data, suffix = file
    path = tmp_path_factory.mktemp("batch") / f"rows{suffix}"
    path.write_bytes(data)
    monkeypatch.setenv("BACKPROP_CSV_ENGINE", engine)
    args = ["batch", "(x+y)*z", "--input", str(path), *(["--skip-bad"] if skip_bad else []), *(["--json"] if as_json else [])]
    outcome = run(args)
    assert outcome.code in (0, 1, 2, 3), (data[:300], outcome.err[-2000:])
    assert "Traceback" not in outcome.err and "internal error" not in outcome.err, (data[:300], outcome.err[-2000:])
    if outcome.out:  # exit 0 or 3; exit 2 too with --skip-bad: the good rows are written
        check_batch_output(outcome, as_json)


@pytest.mark.parametrize("text", ["", " ", "#", ";", "\n\n", "q = ", "= x", "x =", "f = 1; ;", "((x)", "max()", "-" * 5000 + "x"])
def test_edge_texts_are_refused_or_answered_cleanly(text):
    outcome = run(["grad", "-", "-x", "1", "--json"], stdin=text.encode())
    assert_well_behaved(outcome, text)
    if outcome.code == 0:
        check_against_independent(text, json.loads(outcome.out))
