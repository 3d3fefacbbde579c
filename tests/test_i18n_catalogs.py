"""The translation catalogs: every marked string has a Korean translation, and what ships is up to date.

Marked strings are extracted afresh from the source (Babel, as tools/catalogs.py does),
so a new ``_("...")`` without a translation, or a .mo not compiled from its .po, fails here.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_cli import i18n

pytest.importorskip("babel")
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "backprop_cli" / "locale"
KO_PO = LOCALE / "ko" / "LC_MESSAGES" / "backprop.po"


def _catalog(path: Path, locale: str | None = None):
    with open(path, "rb") as file:
        return read_po(file, locale=locale)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """The msgids marked in the source today."""
    out = tmp_path_factory.mktemp("pot") / "fresh.pot"
    keywords = ["-k", "N_", "-k", "_", "-k", "ngettext:1,2"]
    command = [sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "-F", "babel.cfg", *keywords]
    subprocess.run([*command, "--no-location", "--omit-header", "-o", str(out), "."], cwd=ROOT, check=True)
    return {message.id if isinstance(message.id, str) else message.id[0] for message in _catalog(out) if message.id}


def test_the_template_lists_exactly_the_marked_strings(extracted):
    shipped = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(LOCALE / "backprop.pot") if m.id}
    assert shipped == extracted, "run: python tools/catalogs.py"


def test_every_marked_string_has_a_korean_translation(extracted):
    catalog = _catalog(KO_PO, "ko")
    untranslated = sorted(
        mid for mid in extracted if not (catalog.get(mid) and catalog.get(mid).string and not catalog.get(mid).fuzzy)
    )
    assert untranslated == []


def test_translations_keep_every_placeholder():
    """A {name} or %s dropped or misspelled in a translation would crash or lie at run time."""
    placeholder = re.compile(r"\{[^{}]*\}|%[sdr]")
    for message in _catalog(KO_PO, "ko"):
        if message.id and message.string:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(ids[-1])), message.id


def test_the_shipped_mo_is_compiled_from_the_po():
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(KO_PO, "ko"))
    assert (LOCALE / "ko" / "LC_MESSAGES" / "backprop.mo").read_bytes() == compiled.getvalue(), "run: python tools/catalogs.py"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
        ({"LANGUAGE": "en:ko", "LC_ALL": "ko_KR.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANGUAGE": "ko", "LC_ALL": "C"}, "en"),  # GNU gettext: LANGUAGE does not apply under C
        ({"LANGUAGE": "ko", "LANG": "en_US.UTF-8"}, "ko"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_follows_the_locale(environ, expected):
    assert i18n.language_from_environment(environ) == expected


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["grad", "x", "--lang", "ko"], "ko"),
        (["grad", "x", "--lang=en"], "en"),
        (["grad", "x", "--lang", "fr"], None),
        (["grad", "x", "--", "--lang", "ko"], None),
        (["grad", "x"], None),
    ],
)
def test_lang_is_read_before_parsing(argv, expected):
    assert i18n.language_from_arguments(argv) == expected


def test_a_translated_string_comes_back_in_korean_and_english_again():
    message = "Language of what is shown: en or ko [default: from LANG/LC_ALL]."
    try:
        i18n.set_language("ko")
        assert i18n._(message) == "표시 언어: en 또는 ko [기본값: LANG/LC_ALL에서]."
        assert i18n.language() == "ko"
    finally:
        i18n.set_language("en")
    assert i18n._(message) == message
