"""Extract, update and compile the translation catalogs (needs Babel: pip install -e ".[test]").

    python tools/catalogs.py   # after changing marked strings: the .pot, then ko's .po, then the .mo

Source strings are marked with _(), N_() and ngettext() (backprop_cli/i18n.py); the Korean
translations are written by hand in backprop_cli/locale/ko/LC_MESSAGES/backprop.po, and a
new string arrives there with an empty translation. tests/test_i18n_catalogs.py fails when
this was not run or a string has no translation. Dates are left out of the files so that
running it twice changes nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "backprop_cli" / "locale"
TEMPLATE = LOCALE / "backprop.pot"
LANGUAGES = ("ko",)
KEYWORDS = ["-k", "N_", "-k", "_", "-k", "ngettext:1,2"]


def extract() -> None:
    """Every marked string in the package, into the template."""
    command = ["extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-output", "--omit-header"]
    babel = [sys.executable, "-m", "babel.messages.frontend", "--quiet"]
    subprocess.run([*babel, *command, "-o", str(TEMPLATE), "."], cwd=ROOT, check=True)


def update_and_compile(language: str) -> None:
    """Bring the language's .po up to the template (new strings empty, gone ones dropped), then its .mo."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    folder = LOCALE / language / "LC_MESSAGES"
    with open(TEMPLATE, "rb") as file:
        template = read_po(file)
    with open(folder / "backprop.po", "rb") as file:
        catalog = read_po(file, locale=language)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    with open(folder / "backprop.po", "wb") as file:
        write_po(file, catalog, no_location=True, omit_header=False, sort_output=True, width=0)
    with open(folder / "backprop.mo", "wb") as file:
        write_mo(file, catalog)
    missing = [message.id for message in catalog if message.id and not message.string]
    print(f"{language}: {len(catalog) - len(missing)} of {len(catalog)} strings translated")
    for message_id in missing:
        print(f"  untranslated: {message_id!r}")


def main() -> None:
    extract()
    for language in LANGUAGES:
        update_and_compile(language)


if __name__ == "__main__":
    main()
