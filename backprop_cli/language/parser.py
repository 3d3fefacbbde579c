"""Parse expression text into postfix (reverse Polish) order, iteratively.

A shunting-yard loop with explicit stacks: nesting depth costs heap, never
Python recursion, so 10,000 nested parentheses parse like 10. Postfix order is
exactly the evaluation order the graph is numbered in (post-order, left to right),
so staging is one pass over this list.

Items of the result (plain tuples, because a large expression has millions);
``at`` is the token index (``lexer.position`` turns it into a column):
``("num", value, literal, at)``, ``("var", name, at)``, ``("op", op, argc, at)``.

The loop is written flat because it runs once per token of expressions with
hundreds of thousands of nodes (so it is longer than 60 lines): the common tokens
(names, numbers, operators, parentheses) are handled inline, and an operator is
pushed as the very item it is later emitted as; the rare paths (commas, a call's
argument count, errors) are functions.
"""

from __future__ import annotations

import keyword
from difflib import get_close_matches

from .. import limits
from ..errors import ExpressionError, UsageError
from ..i18n import _
from ..rules.table import CONSTANTS, FUNCTIONS, RULES
from . import lexer
from .lexer import BAD, LPAREN, NAME, NUM, OP, RPAREN

# Binding powers from the operator table (rules.Infix): higher binds tighter. Unary
# minus sits between * and ** so that -x**2 is -(x**2) and 2**-x is 2**(-x).
# A binary operator pops the pending operators that bind at least ``floor`` tightly:
# its own power when left-associative (a-b-c is (a-b)-c), one more when right (powers are ints).
_BINARY = {
    spelling: (row.infix.binding, row.name, row.infix.binding + row.infix.right)
    for row in RULES.values()
    if row.infix and row.arity == 2
    for spelling in row.infix.spellings
}
_PREFIX = {
    spelling: (row.infix.binding, row.name)
    for row in RULES.values()
    if row.infix and row.arity == 1
    for spelling in row.infix.spellings
}
_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_NOT_A_VARIABLE = _RESERVED | frozenset(FUNCTIONS) | frozenset(CONSTANTS)  # the names _name_item looks at
_KIND = lexer.KIND_OF_FIRST_CHAR

# The operator stack holds pending operators, already as the ("op", op, argc, at)
# items they become, and open parentheses as (function or None, argc, at) frames.
# A parallel list holds each entry's binding power; a frame's is _FRAME and the
# bottom's _BOTTOM, both below every operator's (all positive), so popping "while
# the top binds at least this tightly" stops at either without testing for them.
_FRAME, _BOTTOM = -1, -2

MAX_LENGTH = limits.MAX_INPUT_BYTES  # characters: a clean error instead of exhausting memory


def parse(source: str) -> list[tuple]:
    """Parse ``source`` into postfix items; raise ExpressionError with a position."""
    if len(source) > MAX_LENGTH:
        raise UsageError(_("expression too large (over {limit} characters)").format(limit=f"{MAX_LENGTH:,}"))
    tokens = lexer.tokenize(source)
    tokens.append("")  # sentinel: lookahead past the last token sees no '('
    output: list[tuple] = []
    emit = output.append
    stack: list[tuple] = []  # operator items and frames (see _FRAME)
    powers = [_BOTTOM]  # the binding power of each stack entry
    expect_operand = True
    numbered = enumerate(tokens[:-1])
    for at, token in numbered:
        if expect_operand:
            kind = _KIND.get(token[0], BAD)
            if kind == NAME:
                if tokens[at + 1] == "(":
                    if token not in FUNCTIONS:
                        raise _error(source, _not_callable(token), at)
                    stack.append((token, 1, at))
                    powers.append(_FRAME)
                    next(numbered)  # the call's '(' is opened already
                    continue
                emit(_name_item(source, token, at) if token in _NOT_A_VARIABLE else ("var", token, at))
                expect_operand = False
            elif kind == NUM and token != ".":
                emit(("num", float(token), token, at))
                expect_operand = False
            elif kind == LPAREN:
                stack.append((None, 1, at))
                powers.append(_FRAME)
            elif token in _PREFIX:
                power, op = _PREFIX[token]
                stack.append(("op", op, 1, at))
                powers.append(power)
            elif token != "+":  # unary plus is the identity: no gate (docs/reference.md)
                raise _error(source, _missing_operand(tokens, at, stack, powers), at)
        else:
            entry = _BINARY.get(token)
            if entry is not None:
                power, op, floor = entry
                while powers[-1] >= floor:
                    powers.pop()
                    emit(stack.pop())
                stack.append(("op", op, 2, at))
                powers.append(power)
                expect_operand = True
            elif token == ")":
                while powers[-1] > _FRAME:  # the operators inside the parentheses
                    powers.pop()
                    emit(stack.pop())
                if powers.pop() == _BOTTOM:
                    raise _error(source, _("unmatched ')'"), at)
                function, argc, opened = stack.pop()
                if function is not None:
                    _close_call(source, function, argc, opened, output)
            elif token == ",":
                _next_argument(source, stack, powers, output, at)
                expect_operand = True
            else:
                raise _error(source, _operator_expected(token), at)
    if expect_operand:
        message = _("empty expression") if len(tokens) == 1 else _("expression ends too early")
        raise _error(source, message, len(tokens) - 1)
    _finish(source, stack, powers, output)
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


def _not_callable(name: str) -> str:
    """Why ``name(`` is not a call of the language."""
    if name in _RESERVED:
        return _("{name!r} is a Python keyword, not part of the expression language").format(name=name)
    return _unknown_function(name)


def _unknown_function(name: str) -> str:
    known = sorted(FUNCTIONS)
    close = get_close_matches(name, known, n=1)
    if close:
        hint = _("; did you mean {name!r}?").format(name=close[0])
    else:
        hint = _("; known functions: {names}").format(names=", ".join(known))
    return _("unknown function {name!r}{hint}").format(name=name, hint=hint)


def _missing_operand(tokens: list[str], at: int, stack: list, powers: list) -> str:
    token = tokens[at]
    kind = lexer.kind(token)
    if kind == BAD:
        return lexer.bad_character(token)
    if token in lexer.BAD_OP_HINTS:
        return _(lexer.BAD_OP_HINTS[token])
    if kind == RPAREN and at > 0 and tokens[at - 1] == "(":
        function = stack[-1][0] if powers[-1] == _FRAME else None
        if function is not None:
            message = _("{function}() needs at least {count} argument(s)")
            return message.format(function=function, count=FUNCTIONS[function].min_args)
        return _("empty parentheses")
    return _("expected a number, a name or '(' before {token!r}").format(token=token)


def _operator_expected(token: str) -> str:
    """Why ``token`` cannot follow an operand (it is not a binary operator, ')' or ',')."""
    kind = lexer.kind(token)
    if kind == OP:
        return _(lexer.BAD_OP_HINTS[token])
    if kind == BAD:
        return lexer.bad_character(token)
    return _("implicit multiplication is not supported: write '*' between the factors")


def _next_argument(source: str, stack: list, powers: list, output: list, at: int) -> None:
    """A ',': the call's argument so far is complete; count one more."""
    while powers[-1] > _FRAME:
        powers.pop()
        output.append(stack.pop())
    if powers[-1] == _BOTTOM:
        raise _error(source, _("',' outside a function call"), at)
    function, argc, opened = stack[-1]
    if function is None:
        raise _error(source, _("',' outside a function call (tuples are not supported)"), at)
    stack[-1] = (function, argc + 1, opened)


def _close_call(source: str, function: str, argc: int, at: int, output: list) -> None:
    """A call's ')': check its argument count, add the defaults it leaves out, then its gate."""
    spec = FUNCTIONS[function]
    if argc < spec.min_args or (spec.max_args is not None and argc > spec.max_args):
        if spec.max_args is None:
            wanted = _("at least {count}").format(count=spec.min_args)
        elif spec.max_args == spec.min_args:
            wanted = str(spec.min_args)
        else:
            wanted = _("{low} to {high}").format(low=spec.min_args, high=spec.max_args)
        message = _("{function}() takes {wanted} argument(s), got {count}")
        raise _error(source, message.format(function=function, wanted=wanted, count=argc), at)
    defaults = spec.defaults[argc - spec.min_args :]
    for literal in defaults:
        output.append(("num", float(literal), literal, at))
    output.append(("op", spec.op, argc + len(defaults), at))


def _finish(source: str, stack: list, powers: list, output: list) -> None:
    while stack:
        top = stack.pop()
        if powers.pop() == _FRAME:
            raise _error(source, _("'(' is never closed"), top[2])
        output.append(top)
