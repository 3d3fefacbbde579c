"""One answer a student wrote in a cell: its number, its significant digits, and the comparison
rule that marks it (docs/marking.md, "When is a number right").

A student writes numbers as people do: ``-4``, ``0.197``, `` 0,5 `` (a spreadsheet in a
Korean or European locale, in a semicolon-separated file), ``−3`` (U+2212, copied from the
lecture notes), ``+3``, ``1e-3``, ``1/4``. Nothing is ever evaluated: a regular expression
reads the text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from ..i18n import _
from ..report.checks import within

_NUMBER = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
_FRACTION = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")
_VULGAR = re.compile("([+-]?)([0-9]*)([\u00bc-\u00be\u2150-\u215e])")
_WORDS = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "infinity": math.inf, "-infinity": -math.inf, "nan": math.nan}
_SPACES = " \t\u00a0\u202f"  # a spreadsheet's no-break spaces too
EXACT = 99  # the significant digits of a fraction or a word: exact, the rounding rule never applies


@dataclass(frozen=True)
class Answer:
    """A readable answer: the text as written, its number and how many significant digits it has."""

    text: str
    number: float
    digits: int  # significant digits written (trailing zeros of a whole number without a point do not count)
    half_unit: float  # half a unit of the last digit written: 0.0005 for 0.197
    whole: bool = False  # written without a decimal mark or exponent: 10, -12

    def matches(self, target: float, tol: float, min_digits: int) -> bool:
        """The marking rule: within ``tol`` (as --expect), or ``target`` rounded to the digits
        written, when at least ``min_digits`` significant digits were written. Fewer digits are
        read as padded with zeros to ``min_digits``: a spreadsheet saves 0.3100 as 0.31."""
        if within(self.number, target, tol):
            return True
        if self.digits >= min_digits:
            return self.rounds_to(target)
        return self.digits >= 1 and self.rounds_to(target, 10.0 ** (self.digits - min_digits))

    def rounds_to(self, target: float, scale: float = 1.0) -> bool:
        """This number is ``target`` rounded to the digits written (a tie either way); ``scale``
        < 1 narrows the last digit's unit (zeros dropped). A whole number written for a
        whole-number target is no rounding: 10 for 12 is a slip."""
        if self.whole and abs(target - round(target)) <= 1e-9 * max(1.0, abs(target)):
            return False
        return self.digits < EXACT and abs(self.number - target) <= self.half_unit * scale * (1 + 1e-9)


class Unreadable(ValueError):
    """A cell that holds text that is not a number; the message says why, in the run's language."""


def read_answer(text: str, decimal_comma: bool) -> Answer | None:
    """The answer in a cell, None when it is blank; raises Unreadable with the reason."""
    shown = text.strip(_SPACES)
    if not shown:
        return None
    cleaned = shown.replace("\u2212", "-").replace(" ", "")
    if "," in cleaned:
        if not decimal_comma:
            raise Unreadable(_("{text!r} has a comma: write the decimal point as '.'").format(text=shown))
        if "." in cleaned:
            raise Unreadable(_("{text!r} has both '.' and ',': write one decimal mark").format(text=shown))
        cleaned = cleaned.replace(",", ".")
    word = _WORDS.get(cleaned.lower())
    if word is not None:
        return Answer(shown, word, EXACT, 0.0)
    found = _NUMBER.fullmatch(cleaned)
    if found and (found.group(2) or found.group(3)):
        return _decimal(shown, cleaned, found)
    vulgar = _VULGAR.fullmatch(cleaned)
    if vulgar:  # ½, -1¼: a fraction a spreadsheet's autocorrect may have made
        sign = -1.0 if vulgar.group(1) == "-" else 1.0
        whole = float(vulgar.group(2) or 0)
        return Answer(shown, sign * (whole + unicodedata.numeric(vulgar.group(3))), EXACT, 0.0)
    fraction = _FRACTION.fullmatch(cleaned)
    if fraction and float(fraction.group(2)) != 0:
        return Answer(shown, float(fraction.group(1)) / float(fraction.group(2)), EXACT, 0.0)
    raise Unreadable(_("{text!r} is not a number").format(text=shown))


def _decimal(shown: str, cleaned: str, found: re.Match) -> Answer:
    whole, decimals, exponent = found.group(2), found.group(3), int(found.group(4) or 0)
    try:
        number = float(cleaned)
    except ValueError:  # "1e" and the like slip through the pattern's optional parts
        raise Unreadable(_("{text!r} is not a number").format(text=shown)) from None
    if decimals is None:  # 1200: the trailing zeros only place the digits
        written = whole.lstrip("0")
        significant = written.rstrip("0")
        place = exponent + len(written) - len(significant)
    else:
        significant = (whole + decimals).lstrip("0")
        place = exponent - len(decimals)
    whole = decimals is None and found.group(4) is None
    return Answer(shown, number, len(significant), 0.5 * 10.0 ** max(-330, min(place, 300)), whole)
