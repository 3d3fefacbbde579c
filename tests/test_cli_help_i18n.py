"""Help pages in English and Korean (issue 13): every help text, epilog and heading is translated."""

from __future__ import annotations

import inspect
import re

import pytest
import typer

from backprop_cli import i18n
from backprop_cli.cli import app

# Words of English prose; none may be left on a Korean help page (examples and option names have none).
ENGLISH_PROSE = re.compile(
    r"\b(the|and|or|of|to|an?|is|with|for|from|each|every|Show|Usage|Options|Arguments|Commands|default|required|Exit)\b"
)
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def english_locale(monkeypatch):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield
    i18n.set_language("en")


def every_help_text():
    """Each command's help, short help and epilog paragraphs, and each parameter's help."""
    root = typer.main.get_command(app)
    commands = [root, *root.commands.values()]
    for command in commands:
        for text in (command.help, command.short_help, command.epilog):
            if text:
                yield from inspect.cleandoc(text).split("\n\n")
        for param in command.params:
            if getattr(param, "help", None):
                yield param.help


def test_every_help_text_has_a_korean_translation(english_locale):
    i18n.set_language("ko")
    missing = [text for text in set(every_help_text()) if i18n._(text) == text]
    assert missing == []


@pytest.mark.parametrize("how", ["--lang", "LANG"])
def test_grad_help_in_korean_has_no_english_sentence_left(cli, monkeypatch, english_locale, how):
    if how == "--lang":
        run = cli("grad", "--help", "--lang", "ko")
    else:
        monkeypatch.setenv("LANG", "ko_KR.UTF-8")
        run = cli("grad", "--help")
    assert (run.code, run.err) == (0, "")
    for word in (
        "사용법:",
        "역전파",
        "기울기",
        "계산 그래프",
        "입력:",
        "출력:",
        "검사:",
        "옵션:",
        "종료 코드",
        "이 도움말을 보여 주고 끝냅니다.",
    ):
        assert word in run.out, word
    assert ENGLISH_PROSE.findall(run.out) == []


def test_the_english_help_is_unchanged_by_the_catalog(cli, english_locale):
    out = cli("grad", "--help").out
    assert out.startswith("Usage: backprop grad [OPTIONS]")
    assert "Show this message and exit." in out and "역전파" not in out


def test_every_korean_page_and_the_command_list(cli, english_locale):
    for command in ([], ["batch"], ["train"], ["ops"]):
        run = cli(*command, "-h", "--lang", "ko")
        assert run.code == 0 and run.out.startswith("사용법: backprop")
        assert ENGLISH_PROSE.findall(run.out) == [], command
    commands = " ".join(cli("-h", "--lang", "ko").out.split())
    assert "ops 연산자 목록: 문법, 국소 기울기 (SymPy로 유도), 게이트 패턴, 꺾임점." in commands


def test_hints_and_the_check_line_in_korean(cli, english_locale):
    typo = cli("grad", "x", "-x", "1", "--wtr", "x", "--lang", "ko")
    assert (typo.code, typo.err) == (2, "backprop: 오류: --wtr 옵션은 없습니다; --wrt을(를) 뜻했나요?\n")
    failed = cli("grad", "x", "-x", "1", "--expect", "x=2", "--quiet", "--lang", "ko")
    assert failed.code == 1 and failed.err.endswith("backprop: 검사 1개 실패\n")
    constant = cli("grad", "3*2", "--lang", "ko")
    assert constant.out == "f = 6\nf은(는) 상수입니다: 변수가 없으므로 기울기도 없습니다\n"
