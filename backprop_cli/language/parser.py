"""Parse expression text into postfix (reverse Polish) order, iteratively.

A shunting-yard loop with explicit stacks: nesting depth costs heap, never
Python recursion, so 10,000 nested parentheses parse like 10. Postfix order is
exactly the evaluation order the graph is numbered in (post-order, left to right),
so staging is one pass over this list.

Items of the result (plain tuples, because a large expression has millions);
``at`` is the token index (``lexer.position`` turns it into a column):
``("num", value, literal, at)``, ``("var", name, at)``, ``("op", op, argc, at)``.

The loop is written flat because it runs once per token of expressions with
hundreds of thousands of nodes; the rare paths (calls, closing parentheses,
errors) are functions.
"""

from __future__ import annotations

import keyword
from difflib import get_close_matches

from .. import limits
from ..errors import ExpressionError, UsageError
from ..i18n import N_, _
from ..rules.table import CONSTANTS, FUNCTIONS, RULES
from . import lexer
from .lexer import BAD, COMMA, LPAREN, NAME, NUM, OP, RPAREN

# Binding powers from the operator table (rules.Infix): higher binds tighter. Unary
# minus sits between * and ** so that -x**2 is -(x**2) and 2**-x is 2**(-x).
_BINARY = {
    spelling: (row.infix.binding, row.name, not row.infix.right)
    for row in RULES.values()
    if row.infix and row.arity == 2
    for spelling in row.infix.spellings
}
_PREFIX = {
    spelling: (row.infix.binding, row.name, 1)
    for row in RULES.values()
    if row.infix and row.arity == 1
    for spelling in row.infix.spellings
}
_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_KIND = lexer.KIND_OF_FIRST_CHAR

MAX_LENGTH = limits.MAX_INPUT_BYTES  # characters: a clean error instead of exhausting memory


class _Frame:
    """An open parenthesis on the operator stack: grouping, or a call's argument list."""

    __slots__ = ("function", "argc", "at")

    def __init__(self, function: str | None, at: int) -> None:
        self.function = function
        self.argc = 1
        self.at = at


def parse(source: str) -> list[tuple]:
    """Parse ``source`` into postfix items; raise ExpressionError with a position."""
    if len(source) > MAX_LENGTH:
        raise UsageError(_("expression too large (over {limit} characters)").format(limit=f"{MAX_LENGTH:,}"))
    tokens = lexer.tokenize(source)
    tokens.append("")  # sentinel: lookahead past the last token sees no '('
    output: list[tuple] = []
    emit = output.append
    stack: list = []  # (precedence, op, argc, at) tuples and _Frame markers
    expect_operand = True
    call_paren = False  # the current token is the '(' of a call, already opened by its name
    for at in range(len(tokens) - 1):
        if call_paren:
            call_paren = False
            continue
        token = tokens[at]
        kind = _KIND.get(token[0], BAD)
        if expect_operand:
            if kind == NUM and token != ".":
                emit(("num", float(token), token, at))
                expect_operand = False
            elif kind == NAME:
                if tokens[at + 1] == "(":
                    stack.append(_open_call(source, token, at))
                    call_paren = True
                else:
                    emit(_name_item(source, token, at))
                    expect_operand = False
            elif kind == LPAREN:
                stack.append(_Frame(None, at))
            elif token in _PREFIX:
                stack.append((*_PREFIX[token], at))
            elif token != "+":  # unary plus is the identity: no gate (docs/reference.md)
                raise _error(source, _missing_operand(tokens, at, stack), at)
        elif kind == OP:
            entry = _BINARY.get(token)
            if entry is None:
                raise _error(source, _(lexer.BAD_OP_HINTS[token]), at)
            precedence, op, left = entry
            while stack:
                top = stack[-1]
                if top.__class__ is _Frame or top[0] < precedence or (top[0] == precedence and not left):
                    break
                stack.pop()
                emit(("op", top[1], top[2], top[3]))
            stack.append((precedence, op, 2, at))
            expect_operand = True
        elif kind == RPAREN:
            _close_paren(source, stack, output, at)
        elif kind == COMMA:
            frame = _pop_to_frame(source, stack, output, at, N_("',' outside a function call"))
            if frame.function is None:
                raise _error(source, _("',' outside a function call (tuples are not supported)"), at)
            frame.argc += 1
            expect_operand = True
        elif kind == BAD or token == ".":
            raise _error(source, lexer.bad_character(token), at)
        else:
            raise _error(source, _("implicit multiplication is not supported: write '*' between the factors"), at)
    if expect_operand:
        message = _("empty expression") if len(tokens) == 1 else _("expression ends too early")
        raise _error(source, message, len(tokens) - 1)
    _finish(source, stack, output)
    return output


def _error(source: str, message: str, at: int) -> ExpressionError:
    return ExpressionError(message, source, lexer.position(source, at))


def _name_item(source: str, name: str, at: int) -> tuple:
    if name in _RESERVED:
        raise _error(source, _("{name!r} is a Python keyword, not part of the expression language").format(name=name), at)
    if name in FUNCTIONS:
        raise _error(source, _("{name!r} is a function: call it as {name}(...)").format(name=name), at)
    if name in CONSTANTS:
        return ("num", float(CONSTANTS[name]), name, at)
    return ("var", name, at)


def _open_call(source: str, name: str, at: int) -> _Frame:
    """A name followed by '(': push the call's frame (its '(' token is then skipped)."""
    if name in _RESERVED:
        raise _error(source, _("{name!r} is a Python keyword, not part of the expression language").format(name=name), at)
    if name not in FUNCTIONS:
        raise _error(source, _unknown_function(name), at)
    return _Frame(name, at)


def _unknown_function(name: str) -> str:
    known = sorted(FUNCTIONS)
    close = get_close_matches(name, known, n=1)
    hint = (
        _("; did you mean {name!r}?").format(name=close[0])
        if close
        else _("; known functions: {names}").format(names=", ".join(known))
    )
    return _("unknown function {name!r}{hint}").format(name=name, hint=hint)


def _missing_operand(tokens: list[str], at: int, stack: list) -> str:
    token = tokens[at]
    kind = lexer.kind(token)
    if kind == BAD:
        return lexer.bad_character(token)
    if token in lexer.BAD_OP_HINTS:
        return _(lexer.BAD_OP_HINTS[token])
    if kind == RPAREN and at > 0 and tokens[at - 1] == "(":
        function = stack[-1].function if stack and stack[-1].__class__ is _Frame else None
        if function is not None:
            message = _("{function}() needs at least {count} argument(s)")
            return message.format(function=function, count=FUNCTIONS[function].min_args)
        return _("empty parentheses")
    return _("expected a number, a name or '(' before {token!r}").format(token=token)


def _pop_to_frame(source: str, stack: list, output: list, at: int, message: str) -> _Frame:
    while stack:
        top = stack[-1]
        if top.__class__ is _Frame:
            return top
        stack.pop()
        output.append(("op", top[1], top[2], top[3]))
    raise _error(source, _(message), at)


def _close_paren(source: str, stack: list, output: list, at: int) -> None:
    frame = _pop_to_frame(source, stack, output, at, N_("unmatched ')'"))
    stack.pop()
    if frame.function is None:
        return
    spec = FUNCTIONS[frame.function]
    argc = frame.argc
    if argc < spec.min_args or (spec.max_args is not None and argc > spec.max_args):
        if spec.max_args is None:
            wanted = _("at least {count}").format(count=spec.min_args)
        elif spec.max_args == spec.min_args:
            wanted = str(spec.min_args)
        else:
            wanted = _("{low} to {high}").format(low=spec.min_args, high=spec.max_args)
        message = _("{function}() takes {wanted} argument(s), got {count}")
        raise _error(source, message.format(function=frame.function, wanted=wanted, count=argc), frame.at)
    defaults = spec.defaults[argc - spec.min_args :]
    for literal in defaults:
        output.append(("num", float(literal), literal, frame.at))
    output.append(("op", spec.op, argc + len(defaults), frame.at))


def _finish(source: str, stack: list, output: list) -> None:
    while stack:
        top = stack.pop()
        if top.__class__ is _Frame:
            raise _error(source, _("'(' is never closed"), top.at)
        output.append(("op", top[1], top[2], top[3]))
