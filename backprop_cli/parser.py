"""Parse expression text into postfix (reverse Polish) order, iteratively.

A shunting-yard loop with explicit stacks: nesting depth costs heap, never
Python recursion, so 10,000 nested parentheses parse like 10. Postfix order is
exactly the evaluation order the graph is numbered in (post-order, left to right),
so staging is one pass over this list.

Items of the result (plain tuples, because a large expression has millions):
``("num", value, literal, pos)``, ``("var", name, pos)``, ``("op", op, argc, pos)``.
"""

from __future__ import annotations

import keyword
from difflib import get_close_matches

from .errors import ExpressionError
from .lexer import Token, tokenize
from .rules import BINARY_OPERATORS, CONSTANTS, FUNCTIONS, VECTOR_FUNCTIONS

# Binding powers: higher binds tighter. Unary minus sits between * and ** so that
# -x**2 is -(x**2) and 2**-x is 2**(-x), as in Python and the lectures.
_BINARY_PRECEDENCE = {"+": 10, "-": 10, "*": 20, "/": 20, "@": 20, "**": 40, "^": 40}
_RIGHT_ASSOCIATIVE = {"**", "^"}
_UNARY_PRECEDENCE = 30
_OP_NAMES = dict(BINARY_OPERATORS, **{"@": "matmul"})

MAX_TOKENS = 20_000_000  # a clean error instead of exhausting memory


class _Frame:
    """An open parenthesis: plain grouping or the argument list of a call."""

    __slots__ = ("function", "argc", "pos")

    def __init__(self, function: str | None, pos: int) -> None:
        self.function = function
        self.argc = 1
        self.pos = pos


def parse(source: str) -> list[tuple]:
    """Parse ``source`` into postfix items; raise ExpressionError with a position."""
    return _Parser(source).run()


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.peeked: Token | None = None
        self.output: list[tuple] = []
        # Operator stack entries: (precedence, op name, argc, pos) or a _Frame.
        self.stack: list = []

    def error(self, message: str, pos: int) -> ExpressionError:
        return ExpressionError(message, self.source, pos)

    def next_token(self) -> Token:
        if self.peeked is not None:
            token, self.peeked = self.peeked, None
            return token
        return next(self.tokens)

    def peek(self) -> Token:
        if self.peeked is None:
            self.peeked = next(self.tokens)
        return self.peeked

    def run(self) -> list[tuple]:
        expect_operand = True
        count = 0
        while True:
            token = self.next_token()
            count += 1
            if count > MAX_TOKENS:
                raise self.error(f"expression too large (over {MAX_TOKENS:,} tokens)", token.start)
            if expect_operand:
                expect_operand = self.operand(token)
            elif token.kind == "END":
                break
            else:
                expect_operand = self.operator(token)
        self.finish()
        return self.output

    # -- expecting a number, a name, '(' or a prefix operator --------------------
    def operand(self, token: Token) -> bool:
        kind = token.kind
        if kind == "NUM":
            self.output.append(("num", float(token.text), token.text, token.start))
            return False
        if kind == "NAME":
            return self.name(token)
        if kind == "OP" and token.text == "-":
            self.stack.append((_UNARY_PRECEDENCE, "neg", 1, token.start))
            return True
        if kind == "OP" and token.text == "+":
            return True  # unary plus is the identity: no gate (see docs/language.md)
        if kind == "LPAREN":
            self.stack.append(_Frame(None, token.start))
            return True
        raise self.error(self.missing_operand(token), token.start)

    def missing_operand(self, token: Token) -> str:
        if token.kind == "END":
            return "empty expression" if not self.output and not self.stack else "expression ends too early"
        if token.kind == "RPAREN" and self.stack and isinstance(self.stack[-1], _Frame):
            return "empty parentheses"
        return f"expected a number, a name or '(' before {token.text!r}"

    def name(self, token: Token) -> bool:
        text = token.text
        if keyword.iskeyword(text) or keyword.issoftkeyword(text):
            raise self.error(f"{text!r} is a Python keyword, not part of the expression language", token.start)
        if self.peek().kind == "LPAREN":
            self.open_call(token)
            return True
        if text in FUNCTIONS or text in VECTOR_FUNCTIONS:
            raise self.error(f"{text!r} is a function: call it as {text}(...)", token.start)
        if text in CONSTANTS:
            self.output.append(("num", float(CONSTANTS[text]), text, token.start))
        else:
            self.output.append(("var", text, token.start))
        return False

    def open_call(self, token: Token) -> None:
        text = token.text
        if text in VECTOR_FUNCTIONS:
            raise self.error(f"{text}() works on arrays (vector mode), which this version does not have yet", token.start)
        if text not in FUNCTIONS:
            raise self.error(self.unknown_function(text), token.start)
        self.next_token()  # the '('
        if self.peek().kind == "RPAREN":
            raise self.error(f"{text}() needs at least {FUNCTIONS[text].min_args} argument(s)", self.peek().start)
        self.stack.append(_Frame(text, token.start))

    @staticmethod
    def unknown_function(text: str) -> str:
        known = sorted(FUNCTIONS)
        close = get_close_matches(text, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known functions: {', '.join(known)}"
        return f"unknown function {text!r}{hint}"

    # -- expecting a binary operator, ')' , ',' or the end -----------------------
    def operator(self, token: Token) -> bool:
        kind = token.kind
        if kind == "OP":
            self.binary(token)
            return True
        if kind == "RPAREN":
            self.close_paren(token)
            return False
        if kind == "COMMA":
            frame = self.pop_to_frame(token, "',' outside a function call")
            if frame.function is None:
                raise self.error("',' outside a function call (tuples are not supported)", token.start)
            frame.argc += 1
            return True
        raise self.error("implicit multiplication is not supported: write '*' between the factors", token.start)

    def binary(self, token: Token) -> None:
        text = token.text
        precedence = _BINARY_PRECEDENCE[text]
        left_associative = text not in _RIGHT_ASSOCIATIVE
        stack, output = self.stack, self.output
        while stack and not isinstance(stack[-1], _Frame):
            top_precedence = stack[-1][0]
            if top_precedence > precedence or (top_precedence == precedence and left_associative):
                _, op, argc, pos = stack.pop()
                output.append(("op", op, argc, pos))
            else:
                break
        stack.append((precedence, _OP_NAMES[text], 2, token.start))

    def pop_to_frame(self, token: Token, message: str) -> _Frame:
        stack, output = self.stack, self.output
        while stack:
            top = stack[-1]
            if isinstance(top, _Frame):
                return top
            stack.pop()
            output.append(("op", top[1], top[2], top[3]))
        raise self.error(message, token.start)

    def close_paren(self, token: Token) -> None:
        frame = self.pop_to_frame(token, "unmatched ')'")
        self.stack.pop()
        if frame.function is None:
            return
        spec = FUNCTIONS[frame.function]
        argc = frame.argc
        if argc < spec.min_args or (spec.max_args is not None and argc > spec.max_args):
            wanted = spec.min_args if spec.max_args == spec.min_args else f"{spec.min_args} to {spec.max_args}"
            if spec.max_args is None:
                wanted = f"at least {spec.min_args}"
            raise self.error(f"{frame.function}() takes {wanted} argument(s), got {argc}", frame.pos)
        for literal in spec.defaults[argc - spec.min_args :]:
            self.output.append(("num", float(literal), literal, frame.pos))
        total = argc + len(spec.defaults[argc - spec.min_args :])
        self.output.append(("op", spec.op, total, frame.pos))

    def finish(self) -> None:
        while self.stack:
            top = self.stack.pop()
            if isinstance(top, _Frame):
                raise self.error("'(' is never closed", top.pos)
            self.output.append(("op", top[1], top[2], top[3]))
