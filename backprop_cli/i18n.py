"""The words a student reads, in English or Korean: gettext catalogs, chosen once per run.

Source strings are the English text, marked ``_("...")`` where they are shown and
``N_("...")`` where they are defined before the language is known (help texts,
tables of names); ``_`` then translates them at the point of display. Catalogs live
in ``backprop_cli/locale/<lang>/LC_MESSAGES/backprop.po`` and are compiled to ``.mo``
(shipped in the wheel); docs/architecture.md has the Babel commands that extract,
update and compile them. JSON keys and ``--quiet`` output never go through here.
"""

from __future__ import annotations

import gettext as _gettext_module
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

DOMAIN = "backprop"
LANGUAGES = ("en", "ko")  # English is the source language: it needs no catalog
LOCALE_DIR = Path(__file__).parent / "locale"
LANG_OPTION = "--lang"

_translation: _gettext_module.NullTranslations = _gettext_module.NullTranslations()
_language = "en"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``message`` for the catalogs without translating it yet."""
    return message


def _(message: str) -> str:
    """``message`` in the current language (the English text when there is no translation)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the current language."""
    return _translation.ngettext(singular, plural, count)


def language() -> str:
    """The language chosen for this run: en or ko."""
    return _language


def set_language(name: str) -> None:
    """Show every later word in ``name`` (one of LANGUAGES)."""
    global _translation, _language
    if name not in LANGUAGES:
        raise ValueError(f"unknown language {name!r}: choose from {', '.join(LANGUAGES)}")
    _language = name
    if name == "en":
        _translation = _gettext_module.NullTranslations()
    else:
        _translation = _gettext_module.translation(DOMAIN, LOCALE_DIR, languages=[name], fallback=True)


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """ko when the locale says Korean, else en, in gettext's order: LANGUAGE, LC_ALL, LC_MESSAGES, LANG.

    As in GNU gettext, LANGUAGE is ignored when the locale is C or POSIX (LC_ALL=C means English).
    """
    locale = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    untranslated = locale in ("C", "POSIX") or locale.startswith("C.")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value and not (variable == "LANGUAGE" and untranslated):
            first = value.split(":")[0].split(".")[0].split("_")[0].lower()
            return first if first in LANGUAGES else "en"
    return "en"


def language_from_arguments(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` in ``argv`` (``--lang ko`` or ``--lang=ko``), else None.

    Read before the command line is parsed, so that help texts and parse errors are
    already in that language; an unknown value is left for the parser to refuse.
    """
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word == LANG_OPTION and i + 1 < len(argv):
            value = argv[i + 1]
        elif word.startswith(LANG_OPTION + "="):
            value = word.split("=", 1)[1]
        else:
            continue
        return value if value in LANGUAGES else None
    return None


def choose_language(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> str:
    """Set the run's language from ``--lang`` in ``argv``, else from the locale; return it."""
    name = language_from_arguments(argv) or language_from_environment(environ)
    set_language(name)
    return name
