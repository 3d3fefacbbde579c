"""Split expression text into tokens that remember where they start.

The lexer knows only the characters of SPEC §2. Anything else is rejected here
with a message that says what it looks like (a string, a subscript, ...), so that
hostile or Python-ish input never gets further than this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from .errors import ExpressionError


class Token(NamedTuple):
    """One lexical unit: ``kind`` is NUM, NAME, OP, LPAREN, RPAREN, COMMA or END."""

    kind: str
    text: str
    start: int


_TOKEN_RE = re.compile(
    r"""
    (?P<SPACE>\s+)
  | (?P<NUM>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<NAME>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<OP>\*\*|//|[-+*/^@%])
  | (?P<LPAREN>\()
  | (?P<RPAREN>\))
  | (?P<COMMA>,)
  | (?P<BAD>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# What a stray character most likely means, so the message can say so.
_BAD_CHAR_HINTS = {
    "'": "strings are not supported",
    '"': "strings are not supported",
    "[": "subscripts and lists are not supported",
    "]": "subscripts and lists are not supported",
    ".": "attribute access is not supported",
    "<": "comparisons are not supported",
    ">": "comparisons are not supported",
    "!": "comparisons are not supported",
    "=": "'=' is not part of an expression (bind values after it: x=2)",
    ":": "lambdas and slices are not supported",
    "{": "braces are not supported",
    "}": "braces are not supported",
    ";": "';' is not supported in an expression",
}
_BAD_OP_HINTS = {
    "//": "'//' (floor division) is not supported; use '/'",
    "%": "'%' (modulo) is not supported",
}


def tokenize(source: str) -> Iterator[Token]:
    """Yield the tokens of ``source`` lazily, ending with an END token.

    Lazy so that the parser reports the first problem from the left, whichever
    of the two modules finds it.
    """
    for match in _TOKEN_RE.finditer(source):
        kind = match.lastgroup
        if kind == "SPACE":
            continue
        text = match.group()
        start = match.start()
        if kind == "BAD":
            hint = _BAD_CHAR_HINTS.get(text, f"unexpected character {text!r}")
            raise ExpressionError(hint, source, start)
        if kind == "OP" and text in _BAD_OP_HINTS:
            raise ExpressionError(_BAD_OP_HINTS[text], source, start)
        yield Token(kind, text, start)
    yield Token("END", "", len(source))
