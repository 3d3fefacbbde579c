"""Split a program into statements: ``q = x + y; f = q * z`` (issue: named intermediates).

Statements are separated by ``;`` or newlines outside parentheses; ``#`` starts a
comment. Each statement is ``name = expression``; a single bare expression is a
program too (the common case, recognised without scanning). Only the statement
structure is checked here; each right-hand side goes to the expression parser.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from ..errors import ExpressionError
from ..i18n import _
from ..rules.table import CONSTANTS, FUNCTIONS

_COMMENT = re.compile(r"#[^\n]*")
_BREAKS = re.compile(r"[;\n()]")
_ASSIGNMENT = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)")


@dataclass(frozen=True)
class Statement:
    """One statement: ``target = text``; ``target`` is None for a bare expression."""

    target: str | None
    text: str
    offset: int  # where ``text`` starts in the program
    start: int  # where the statement starts (its target), for carets under it


def split_program(source: str) -> list[Statement]:
    """The statements of ``source``, with positions into it."""
    if not any(c in source for c in ";#=") and "\n" not in source.strip():
        return [Statement(None, source, 0, 0)]
    blanked = _COMMENT.sub(lambda m: " " * len(m.group()), source)  # keeps every position
    statements = [_statement(source, blanked, start, end) for start, end in _pieces(blanked)]
    statements = [s for s in statements if s is not None]
    if not statements:
        empty = _("empty program") if any(c in source for c in ";#") else _("empty expression")
        raise ExpressionError(empty, source, len(source) - len(source.lstrip()))
    if len(statements) > 1:
        for statement in statements:
            if statement.target is None:
                message = _("each statement of a program is name = expression")
                raise ExpressionError(message, source, statement.start)
    return statements


def _pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text between top-level ';' and newlines."""
    pieces, depth, start = [], 0, 0
    for match in _BREAKS.finditer(text):
        char = match.group()
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth <= 0:
            pieces.append((start, match.start()))
            start = match.end()
    pieces.append((start, len(text)))
    return pieces


def _statement(source: str, blanked: str, start: int, end: int) -> Statement | None:
    piece = blanked[start:end]
    if not piece.strip():
        return None
    match = _ASSIGNMENT.match(piece)
    first = start + len(piece) - len(piece.lstrip())
    if match is None:
        return Statement(None, piece, start, first)
    target = match.group(1)
    _check_target(source, target, first)
    text = piece[match.end() :]
    if not text.strip():
        message = _("nothing to assign to {name} after '='").format(name=target)
        raise ExpressionError(message, source, start + match.end() - 1)
    return Statement(target, text, start + match.end(), first)


def _check_target(source: str, target: str, at: int) -> None:
    if keyword.iskeyword(target) or keyword.issoftkeyword(target):
        raise ExpressionError(_("cannot assign to {name!r}: it is a Python keyword").format(name=target), source, at)
    if target in FUNCTIONS:
        raise ExpressionError(_("cannot assign to {name!r}: it is a function").format(name=target), source, at)
    if target in CONSTANTS:
        raise ExpressionError(_("cannot assign to {name!r}: it is a constant").format(name=target), source, at)
