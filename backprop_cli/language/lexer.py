"""The tokens of the expression language, as one regular expression.

``tokenize`` returns the token texts only: ``re.findall`` without groups is four
times faster than match objects, which matters at 200,000 nodes. Positions are
token indices; ``position`` turns one into a character offset when an error
needs a caret, by scanning again (errors are rare, expressions are not).

Only the characters of SPEC §2 form tokens. Anything else comes out as a
one-character token that the parser rejects with a message saying what it looks
like (a string, a subscript, ...), so hostile input never gets further.
"""

from __future__ import annotations

import re

from ..i18n import N_, _
from ..rules.table import RULES

BAD_OP_HINTS = {
    "//": N_("'//' (floor division) is not supported; use '/'"),
    "%": N_("'%' (modulo) is not supported"),
}
# The operators' spellings come from the operator table (rules.Infix), longest first.
_SPELLINGS = sorted(
    {s for row in RULES.values() if row.infix for s in row.infix.spellings} | set(BAD_OP_HINTS), key=lambda s: (-len(s), s)
)

TOKEN_RE = re.compile(
    r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"  # number
    r"|[A-Za-z_][A-Za-z0-9_]*"  # name
    + "".join(f"|{re.escape(s)}" for s in _SPELLINGS if len(s) > 1)  # operators of two or more characters
    + r"|\S"  # any other single character: operators, parentheses, comma, junk
)

# Token kinds, decided by a token's first character.
NUM, NAME, OP, LPAREN, RPAREN, COMMA, BAD = range(7)
KIND_OF_FIRST_CHAR = {
    **{c: NUM for c in "0123456789."},
    **{c: NAME for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"},
    **{s[0]: OP for s in _SPELLINGS},
    "(": LPAREN,
    ")": RPAREN,
    ",": COMMA,
}

# What a stray character most likely means, so the message can say so.
BAD_CHAR_HINTS = {
    "'": N_("strings are not supported"),
    '"': N_("strings are not supported"),
    "[": N_("subscripts and lists are not supported"),
    "]": N_("subscripts and lists are not supported"),
    ".": N_("attribute access is not supported"),
    "<": N_("comparisons are not supported"),
    ">": N_("comparisons are not supported"),
    "!": N_("comparisons are not supported"),
    "=": N_("'=' is not part of an expression (bind values after it: x=2)"),
    ":": N_("lambdas and slices are not supported"),
    "{": N_("braces are not supported"),
    "}": N_("braces are not supported"),
    ";": N_("';' is not supported in an expression"),
}


def tokenize(source: str) -> list[str]:
    """The token texts of ``source``, whitespace dropped."""
    return TOKEN_RE.findall(source)


def kind(token: str) -> int:
    """The kind of a token text (a lone '.' is BAD, not a number)."""
    found = KIND_OF_FIRST_CHAR.get(token[0], BAD)
    return BAD if token == "." else found


def bad_character(text: str) -> str:
    """The message for a character outside the language."""
    hint = BAD_CHAR_HINTS.get(text)
    return _(hint) if hint else _("unexpected character {text!r}").format(text=text)


def position(source: str, token_index: int) -> int:
    """Character offset of token number ``token_index`` (the end for one past the last)."""
    for index, match in enumerate(TOKEN_RE.finditer(source)):
        if index == token_index:
            return match.start()
    return len(source)
