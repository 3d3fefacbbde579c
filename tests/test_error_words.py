"""Error messages, warnings and summary lines in English and Korean (issue 13, item 6).

Each case is a student's mistake run twice: with ``--lang ko`` the exact Korean lines,
and with no --lang (the ``cli`` fixture pins an English locale) the English lines as
they always were; the exit code is the same in both. Then scans of the source: every
message handed to an error is marked for translation, and every marked string reaches
the catalog (a ``_()`` inside an f-string is not extracted, so it would stay English).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from backprop_cli import i18n

pytest.importorskip("babel")
from babel.messages.pofile import read_po  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "backprop_cli"
KO_PO = PACKAGE / "locale" / "ko" / "LC_MESSAGES" / "backprop.po"

FILES = {
    "bad.csv": "x,y\n1,2\n3,abc\n",
    "onlyx.csv": "x\n1\n",
    "graded.csv": "x,y,expected_f\n1,2,2\n3,4,5\n",
    "zero.csv": "x\n0\n",
    "b.json": '{"x": 1',
    "bad.npz": "not a zip\n",
}

# (argv, exit code, English stderr, Korean stderr): one case per line of the table below.
CASES = [
    (
        ["grad", "x*", "-x", "1"],
        2,
        "backprop: error: expression ends too early (column 3)\n  x*\n    ^\n",
        "backprop: 오류: 식이 너무 일찍 끝났습니다 (열 3)\n  x*\n    ^\n",
    ),
    (
        ["grad", "sinn(x)", "-x", "1"],
        2,
        "backprop: error: unknown function 'sinn'; did you mean 'sin'? (column 1)\n  sinn(x)\n  ^\n",
        "backprop: 오류: 알 수 없는 함수 'sinn'; 'sin'을(를) 뜻했나요? (열 1)\n  sinn(x)\n  ^\n",
    ),
    (
        ["grad", "2x", "-x", "1"],
        2,
        "backprop: error: implicit multiplication is not supported: write '*' between the factors (column 2)\n  2x\n   ^\n",
        "backprop: 오류: 곱셈 기호 생략은 지원하지 않습니다: 곱하는 항 사이에 '*'를 쓰세요 (열 2)\n  2x\n   ^\n",
    ),
    (
        ["grad", "x)", "-x", "1"],
        2,
        "backprop: error: unmatched ')' (column 2)\n  x)\n   ^\n",
        "backprop: 오류: 짝이 없는 ')' (열 2)\n  x)\n   ^\n",
    ),
    (
        ["grad", "sqrt(x, 2)", "-x", "1"],
        2,
        "backprop: error: sqrt() takes 1 argument(s), got 2 (column 1)\n  sqrt(x, 2)\n  ^\n",
        "backprop: 오류: sqrt()의 인자는 1개인데, 2개를 받았습니다 (열 1)\n  sqrt(x, 2)\n  ^\n",
    ),
    (
        ["grad", "q = x + r\nr = x", "-x", "1"],
        2,
        "backprop: error: r is used before it is assigned (line 1, column 9)\n  q = x + r\n          ^\n",
        "backprop: 오류: r이(가) 대입되기 전에 쓰였습니다 (줄 1, 열 9)\n  q = x + r\n          ^\n",
    ),
    (
        ["grad", "x*y", "-x", "abc", "-y", "1"],
        2,
        "backprop: error: value of x is not a number: 'abc'\n",
        "backprop: 오류: x 값이 숫자가 아닙니다: 'abc'\n",
    ),
    (
        ["grad", "x", "-x", "\u22122"],
        2,
        "backprop: error: value of x is not a number: '\u22122' (did you mean -2?)\n",
        "backprop: 오류: x 값이 숫자가 아닙니다: '\u22122' (-2을(를) 뜻했나요?)\n",
    ),
    (
        ["grad", "x*y", "-x", "1"],
        2,
        "backprop: error: no value for variable y: pass -y VALUE (or y=VALUE)\n",
        "backprop: 오류: 변수 y의 값이 없습니다: -y VALUE처럼 주세요 (또는 y=VALUE)\n",
    ),
    (
        ["grad", "x*y", "-x", "1", "-y", "2", "xx=3"],
        2,
        "backprop: error: xx is bound but is not a variable of the expression; did you mean x?\n",
        "backprop: 오류: xx에 값을 주었지만 식의 변수가 아닙니다; x을(를) 뜻했나요?\n",
    ),
    (
        ["grad", "@nope.txt"],
        2,
        "backprop: error: cannot read expression file nope.txt: No such file or directory\n",
        "backprop: 오류: 식 파일 nope.txt을(를) 읽을 수 없습니다: 그런 파일이나 디렉터리가 없습니다\n",
    ),
    (
        ["grad", "x*y", "--bindings", "b.json"],
        2,
        "backprop: error: bindings file b.json is not valid JSON: Expecting ',' delimiter (line 1)\n",
        "backprop: 오류: 값 파일 b.json은(는) 올바른 JSON이 아닙니다: Expecting ',' delimiter (1번째 줄)\n",
    ),
    (
        ["grad", "x", "-x", "1", "--jsn"],
        2,
        "backprop: error: no such option --jsn; did you mean --json?\n",
        "backprop: 오류: --jsn 옵션은 없습니다; --json을(를) 뜻했나요?\n",
    ),
    (
        ["grad", "x*y", "-x", "1", "-y", "2", "--quiet", "--json"],
        2,
        "backprop: error: --quiet prints bare numbers: it cannot be combined with --json or --format\n",
        "backprop: 오류: --quiet는 숫자만 출력합니다: --json이나 --format과 함께 쓸 수 없습니다\n",
    ),
    (
        ["grad", "x*y", "-x", "1", "-y", "2", "--wrt", "z"],
        2,
        "backprop: error: --wrt z: not a variable of the expression; its variables are x, y\n",
        "backprop: 오류: --wrt z: 식의 변수가 아닙니다; 식의 변수: x, y\n",
    ),
    (
        ["grad", "x*y", "-x", "3", "-y", "-1", "--expect", "x=abc"],
        2,
        "backprop: error: --expect x=abc: the value is not a number: 'abc'\n",
        "backprop: 오류: --expect x=abc: 값이 숫자가 아닙니다: 'abc'\n",
    ),
    (
        ["grad", "x", "-x", "1", "--tol", "abc"],
        2,
        "backprop: error: --tol must be a finite number >= 0 (such as 1e-6), got 'abc'\n",
        "backprop: 오류: --tol은 0 이상의 유한한 수여야 합니다 (예: 1e-6); 받은 값: 'abc'\n",
    ),
    (
        ["grad", "log(x)", "-x", "0"],
        3,
        "backprop: error: non-finite result: value of node f (log) = -inf\n",
        "backprop: 오류: 유한하지 않은 결과: 노드 f (log)의 값 = -inf\n",
    ),
    (
        ["grad", "x*y", "-x", "3", "-y", "-1", "--expect", "x=5"],
        1,
        "backprop: check failed: expected ∂f/∂x = 5, got -1 (tolerance 1e-06)\nbackprop: 1 check failed\n",
        "backprop: 검사 실패: 기대값 ∂f/∂x = 5, 실제 -1 (허용 오차 1e-06)\nbackprop: 검사 1개 실패\n",
    ),
    (
        ["grad", "sum(a*b)", "a=[1,2]", "b=[1,2,3]"],
        2,
        "backprop: error: shapes do not fit at node s0: mul of (2,) and (3,) (they cannot be broadcast together)"
        " (column 6)\n  sum(a*b)\n       ^\n",
        "backprop: 오류: 노드 s0에서 모양이 맞지 않습니다: (2,) 및 (3,)의 mul (서로 브로드캐스트할 수 없습니다)"
        " (열 6)\n  sum(a*b)\n       ^\n",
    ),
    (
        ["grad", "relu(x)", "-x", "0", "--check", "--quiet"],
        0,
        "backprop: warning: node f is at a kink (relu at 0: pytorch gives 0): a finite difference is meaningless there\n"
        "check x: relative error 1.00e+00\n",
        "backprop: 경고: 노드 f이(가) 꺾임점에 있습니다 (relu의 0: pytorch에서는 0): 거기서는 유한 차분이 의미가 없습니다\n"
        "검사 x: 상대 오차 1.00e+00\n",
    ),
    (
        ["batch", "x*y", "--input", "bad.csv"],
        2,
        "backprop: error: line 3: y is not a number: 'abc' (nothing written; --skip-bad writes the good rows)\n",
        "backprop: 오류: 3번째 줄: y이(가) 숫자가 아닙니다: 'abc' (아무것도 쓰지 않음; --skip-bad를 쓰면 올바른 행은 씁니다)\n",
    ),
    (
        ["batch", "x*y", "--input", "bad.csv", "--skip-bad"],
        2,
        "backprop: bad row: line 3: y is not a number: 'abc'\nbackprop: error: 1 bad row(s) reported; 1 of 2 rows written\n",
        "backprop: 잘못된 행: 3번째 줄: y이(가) 숫자가 아닙니다: 'abc'\nbackprop: 오류: 잘못된 행 1개를 알림; 2행 중 1행을 씀\n",
    ),
    (
        ["batch", "x*y", "--input", "onlyx.csv"],
        2,
        "backprop: error: the input has no column for y (its columns: x)\n",
        "backprop: 오류: 입력에 y의 열이 없습니다 (입력의 열: x)\n",
    ),
    (
        ["batch", "x*y", "--input", "graded.csv", "--expect-columns"],
        1,
        "graded 2 rows: 1 passed, 1 failed\nbackprop: 1 of 2 rows failed the expectations\n",
        "2행 채점: 통과 1, 실패 1\nbackprop: 2행 중 1행이 기대값과 다릅니다\n",
    ),
    (
        ["batch", "x*y", "--input", "nope.csv"],
        2,
        "backprop: error: cannot read nope.csv: No such file or directory\n",
        "backprop: 오류: nope.csv을(를) 읽을 수 없습니다: 그런 파일이나 디렉터리가 없습니다\n",
    ),
    (
        ["batch", "log(x)", "--input", "zero.csv"],
        3,
        "backprop: error: non-finite results in 1 row(s), the first at line 2\n",
        "backprop: 오류: 1개 행의 결과가 유한하지 않습니다 (처음은 2번째 줄)\n",
    ),
    (
        ["batch", "x@y", "--input", "bad.csv"],
        2,
        "backprop: error: batch evaluates scalar expressions; @, dot, sum, mean and norm need grad's vector mode\n",
        "backprop: 오류: batch는 스칼라 식만 계산합니다; @, dot, sum, mean 및 norm에는 grad의 벡터 모드가 필요합니다\n",
    ),
    (
        ["train", "--hidden", "0"],
        2,
        "backprop: error: --hidden must be at least 1, got 0\n",
        "backprop: 오류: --hidden은 1 이상이어야 합니다 (받은 값: 0)\n",
    ),
    (
        ["train", "--dataset", "nope"],
        2,
        "backprop: error: unknown dataset 'nope': use random, xor, spiral, digits or a path to a .csv file\n",
        "backprop: 오류: 알 수 없는 데이터셋 'nope': random, xor, spiral, digits 또는 .csv 파일 경로를 쓰세요\n",
    ),
    (
        ["train", "--load", "bad.npz"],
        2,
        "backprop: error: cannot load bad.npz: not a .npz archive (truncated, or not a zip file)\n",
        "backprop: 오류: bad.npz을(를) 불러올 수 없습니다: .npz 묶음이 아닙니다 (잘렸거나 zip 파일이 아님)\n",
    ),
    (
        ["train", "--load", "missing.npz"],
        2,
        "backprop: error: cannot load missing.npz: No such file or directory\n",
        "backprop: 오류: missing.npz을(를) 불러올 수 없습니다: 그런 파일이나 디렉터리가 없습니다\n",
    ),
    (
        ["grad"],
        2,
        "backprop: error: Missing argument 'EXPR'. (see 'backprop grad --help')\n",
        "backprop: 오류: 인자 'EXPR'이(가) 없습니다. ('backprop grad --help' 참고)\n",
    ),
    (
        ["grad", "x", "-x", "1", "--format", "nope"],
        2,
        "backprop: error: Invalid value for '--format': 'nope' is not one of 'table', 'json', 'latex', 'tree', 'dot',"
        " 'mermaid', 'csv', 'html'. (see 'backprop grad --help')\n",
        "backprop: 오류: '--format'의 값이 잘못되었습니다: 'nope'은(는) 'table', 'json', 'latex', 'tree', 'dot',"
        " 'mermaid', 'csv', 'html' 중 하나가 아닙니다. ('backprop grad --help' 참고)\n",
    ),
    (
        ["train", "--steps", "abc"],
        2,
        "backprop: error: Invalid value for '--steps': 'abc' is not a valid int. (see 'backprop train --help')\n",
        "backprop: 오류: '--steps'의 값이 잘못되었습니다: 'abc'은(는) 올바른 정수가 아닙니다. ('backprop train --help' 참고)\n",
    ),
    (
        ["train", "--stpes", "3"],
        2,
        "backprop: error: no such option --stpes; did you mean --steps? (see 'backprop train --help')\n",
        "backprop: 오류: --stpes 옵션은 없습니다; --steps을(를) 뜻했나요? ('backprop train --help' 참고)\n",
    ),
    (
        ["ops", "--lagn", "ko"],
        2,
        "backprop: error: no such option --lagn; did you mean --lang? (see 'backprop ops --help')\n",
        "backprop: 오류: --lagn 옵션은 없습니다; --lang을(를) 뜻했나요? ('backprop ops --help' 참고)\n",
    ),
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder holding the cases' files, as the current directory (messages name files as typed)."""
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    i18n.set_language("en")  # the language is global: later tests call the API directly


def _case_id(case) -> str:
    return " ".join(case[0])[:40]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_message_in_korean(cli, workdir, case):
    argv, code, _english, korean = case
    run = cli(*argv, "--lang", "ko")
    assert (run.code, run.err) == (code, korean)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_english_message_is_unchanged(cli, workdir, case):
    argv, code, english, _korean = case
    run = cli(*argv)
    assert (run.code, run.err) == (code, english)


def test_the_locale_chooses_korean_without_lang(cli, workdir, monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    run = cli("grad", "x*y", "-x", "1")
    assert (run.code, run.err) == (2, "backprop: 오류: 변수 y의 값이 없습니다: -y VALUE처럼 주세요 (또는 y=VALUE)\n")


def test_data_and_json_do_not_change_with_the_language(cli, workdir):
    """batch's rows, --json (its kink notes included) and --quiet are the same in both languages."""
    for argv in (
        ["batch", "x*y", "--input", "bad.csv", "--skip-bad"],
        ["batch", "x*y", "--input", "graded.csv", "--expect-columns", "--json"],
        ["grad", "relu(x)", "-x", "0", "--json"],
        ["grad", "x*y", "-x", "3", "-y", "-1", "--quiet"],
    ):
        english, korean = cli(*argv), cli(*argv, "--lang", "ko")
        assert english.out and english.out == korean.out and english.code == korean.code, argv
    assert '"kink"' in cli("grad", "relu(x)", "-x", "0", "--json", "--lang", "ko").out


def test_the_python_api_speaks_english(workdir):
    from backprop_cli.errors import UsageError
    from backprop_cli.gradient.command import GradRequest, run_grad

    with pytest.raises(UsageError) as raised:
        run_grad(GradRequest(expression="x*y", binding_words=["-x", "1"]))
    assert raised.value.message == "no value for variable y: pass -y VALUE (or y=VALUE)"


def test_train_summary_in_korean(cli, workdir):
    run = cli("train", "--steps", "2", "--hidden", "3", "--lang", "ko")
    lines = run.out.splitlines()
    assert run.code == 0
    assert lines[0] == "backprop train: random: 64 × 1000 → 목표값 10개"
    assert lines[1:3] == ["  신경망 1000 → 3 (sigmoid) → 10, l2 손실", "  학습률 0.0001, 정규화 0, 전체 배치, float64, 시드 0"]
    assert re.fullmatch(r"  손실 \S+ \(단계 1\) → \S+ \(단계 2\)", lines[3])
    english = cli("train", "--steps", "2", "--hidden", "3").out.splitlines()
    assert english[:3] == [
        "backprop train: random: 64 × 1000 → 10 targets",
        "  network 1000 → 3 (sigmoid) → 10, l2 loss",
        "  lr 0.0001, reg 0, full batch, float64, seed 0",
    ]


# --- scans of the source ------------------------------------------------------------------

ERRORS = {"UsageError", "ExpressionError", "NonFiniteError", "CheckFailed", "BackpropError", "BadRow"}
# Messages that stay English on purpose, each with its reason.
ALLOWED = {
    ("i18n.py", "ValueError"): "a developer's mistake: --lang is checked by the command line first",
    ("render/printf.py", "ValueError"): "a developer's mistake: a template field the writers never make",
    ("__init__.py", "AttributeError"): "Python's protocol for a missing module attribute (PEP 562), for hasattr, not a user",
}
# An f-string whose text is only punctuation and option names joins parts that are translated.
_WORDS = re.compile(r"--[a-z-]+|\{[^}]*\}")


def _package_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith("rules/codegen"):  # developer tools: English
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _call_name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _has_words(node) -> bool:
    """A string literal, or an f-string whose literal text has a word (not only option names)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,}", _WORDS.sub("", node.value)))
    if isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return bool(re.search(r"[A-Za-z]{2,}", _WORDS.sub("", text)))
    return False


def unmarked_messages(modules=None) -> list[str]:
    """Every error built from a literal message that is not wrapped in _() (nor allowed above)."""
    found = []
    for relative, tree in modules if modules is not None else _package_modules():
        raised = {id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc is not None}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node.func)
            is_error = name in ERRORS or (id(node) in raised and name and name.endswith("Error")) or name == "_error"
            if is_error and any(_has_words(arg) for arg in node.args) and (relative, name) not in ALLOWED:
                found.append(f"{relative}:{node.lineno} {name}")
    return found


def test_every_error_message_is_marked_for_translation():
    assert unmarked_messages() == []


def test_the_scan_sees_an_unmarked_message():
    source = (
        'raise UsageError(f"no value for {name}")\nraise UsageError(_("no value for {name}"))\n'
        'raise UsageError(f"--expect {text}: {reason}")\nraise ValueError("bad")\nproblems.append(BadRow("a field"))\n'
    )
    found = unmarked_messages([("example.py", ast.parse(source))])
    assert found == ["example.py:1 UsageError", "example.py:4 ValueError", "example.py:5 BadRow"]


def _marked_literals():
    """Every string literal given to _(), N_() or ngettext() in the package, with where it is."""
    for relative, tree in _package_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node.func) in ("_", "N_", "ngettext") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield relative, node.lineno, first.value


def test_every_marked_string_reaches_the_catalog():
    """A _() inside an f-string's braces is invisible to Babel: its words would stay English."""
    with open(KO_PO, "rb") as file:
        catalog = read_po(file, locale="ko")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    missing = [f"{where}:{line} {text!r}" for where, line, text in _marked_literals() if text not in translated]
    assert missing == []


def test_no_function_hides_the_translation_function():
    """``x, _ = ...`` in a function that also calls _() makes _ a local: the call would fail."""
    hidden = []
    for relative, tree in _package_modules():
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                stores, calls = _own_uses_of_underscore(function)
                if stores and calls:
                    hidden.append(f"{relative}:{function.lineno} {function.name}")
    assert hidden == []


def _own_uses_of_underscore(function) -> tuple[bool, bool]:
    """Whether ``function`` itself (not a nested scope) binds ``_``, and whether it calls ``_()``."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp, ast.DictComp)
    stores = calls = False
    pending = list(ast.iter_child_nodes(function))
    while pending:
        node = pending.pop()
        if isinstance(node, (*scopes, ast.GeneratorExp)):
            continue
        stores |= isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
        calls |= isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
        pending.extend(ast.iter_child_nodes(node))
    return stores, calls
