"""The shape of a node: its texts, worked out once for every node of that shape.

A node's shape is its op and which of its inputs are constants (and their literals). Its
expression and local-gradient texts, with placeholders for the input names, and
the fields of its row (``report.NodeRows.rows``) depend on nothing else, so a
renderer makes one template per shape and fills it in per node.
"""

from __future__ import annotations

import re

from ..rules.symbolic import local_symbolic
from ..rules.table import RULES

# The row of one node, as ``NodeRows.rows`` gives it: a flat tuple, so that a
# renderer writes a node with one ``str.format`` call on a template made once per
# shape (``Shape.template``). Fields, for a node of n inputs, m of them not constants:
#   0 name, 1 uses (how many node inputs read it), 2 kink note or None,
#   3 .. 3+n-1 the input labels, then the numbers: value, ∂f/∂node (upstream),
#   m local gradients and m downstream gradients (upstream × local), one per edge
#   (per non-constant input position: x*x has two edges from x).
NAME, USES, KINK, LABELS = 0, 1, 2, 3


def _placeholder(index: int) -> str:
    return f"\x00{index}\x01"


_PLACEHOLDER = re.compile("\x00(\\d+)\x01")


class Shape:
    """A node's texts given its op and which inputs are constants, worked out once.

    ``key`` holds, per input, the constant's literal, or for a variable or node
    input its position. Every non-constant input is an *edge* of its own (SPEC §4,
    the lectures' picture): ``x*x`` has two edges from x, each with its own local
    and downstream gradient, and x's gradient is their sum. ``expr`` and ``locals``
    hold placeholders for the input labels; ``text`` turns one into a ``str.format``
    template over a row (see ``NodeRows.rows``).
    """

    def __init__(self, op: str, key: tuple, arrays: bool = False) -> None:
        labels = [k if isinstance(k, str) else _placeholder(i) for i, k in enumerate(key)]
        constant = [isinstance(k, str) for k in key]
        self.op, self.gate = op, _gate(op, key)
        self.positions = [p for p, c in enumerate(constant) if not c]  # each edge's input position
        count = len(self.positions)
        self.simple = count == len(key)  # no constant inputs
        # NodeRows.rows's fast cases: 1 or 2 inputs, no constant; 3: two inputs, one a constant (x*3)
        self.kind = count if self.simple and count in (1, 2) else 3 if len(key) == 2 and count == 1 else 0
        # local_symbolic's texts depend on the input names only by substituting them,
        # so one call with placeholders gives the text of every node of this shape;
        # a placeholder per position makes each text an edge's own (∂(a*b)/∂a = b).
        texts = vector_symbolic(op, labels, constant) if arrays else local_symbolic(op, labels, constant)
        self.locals = list(texts)
        self.inputs = len(key)
        self.expr = expression_text(op, [_placeholder(i) for i in range(len(key))])
        self.expr_format = self.text(self.expr, first_field=0)  # over the labels alone
        # Row fields (NodeRows.rows): the numbers follow the labels.
        self.value = LABELS + len(key)
        self.grad = self.value + 1
        self.partial = [self.grad + 1 + j for j in range(count)]
        self.downstream = [self.grad + 1 + count + j for j in range(count)]
        # Per edge: the row fields of its input's label, its local and its downstream gradient.
        self.edges = [
            (LABELS + position, partial, downstream)
            for position, partial, downstream in zip(self.positions, self.partial, self.downstream)
        ]

    def input_label(self, j: int) -> int:
        """The row field holding the label of edge ``j``'s input."""
        return LABELS + self.positions[j]

    def repeats(self, row: tuple) -> bool:
        """Whether two edges of this row's node come from one input (``x*x``): labels are one per slot."""
        if self.kind == 2:
            return row[LABELS] == row[LABELS + 1]
        if self.kind or len(self.edges) < 2:
            return False
        inputs = [row[label] for label, _partial, _down in self.edges]
        return len(set(inputs)) < len(inputs)

    def text(self, text: str, escape=None, first_field: int = LABELS) -> str:
        """``text`` (``expr`` or one of ``locals``) as a ``str.format`` template over a row.

        Literal parts are passed through ``escape`` (a renderer's quoting) and
        their braces doubled; placeholders become the fields of the input labels.
        """
        parts = _PLACEHOLDER.split(text)
        out = []
        for i, part in enumerate(parts):
            if i % 2:
                out.append(f"{{{first_field + int(part)}}}")
            else:
                part = escape(part) if escape else part
                out.append(part.replace("{", "{{").replace("}", "}}"))
        return "".join(out)

    def edge_texts(self, row: tuple) -> list[tuple]:
        """Per edge, in this row: its input's label, the local gradient's text, the local
        gradient (vector mode: the Jacobian described) and the downstream gradient."""
        return [
            (row[label], self.text(text).format(*row), row[local], row[down])
            for (label, local, down), text in zip(self.edges, self.locals)
        ]

    def pattern(self, uses: int) -> str | None:
        """SPEC §4: a node used twice or more is a fan-out (adder); else its gate's pattern."""
        return "adder" if uses >= 2 else self.gate


def _gate(op: str, key: tuple) -> str | None:
    """SPEC §4: the gate's own pattern, from the operator table (mul by a constant is a scaler)."""
    if op == "mul" and any(isinstance(k, str) for k in key):
        return "scaler"
    return RULES[op].pattern


def vector_symbolic(op: str, labels: list[str], constant: list[bool]) -> list[str]:
    """The vector–Jacobian product per distinct non-constant input, in input names (SPEC §5b):
    the operator's own (``g·xᵀ`` for ``W @ x``), else the scalar rule elementwise, ``g ⊙ (...)``."""
    vjp = RULES[op].vjp
    if vjp:
        distinct = dict.fromkeys(label for label, c in zip(labels, constant) if not c)
        return [template.format(*labels) for template, c in zip(vjp, constant) if not c][: len(distinct)]
    return [f"g ⊙ ({text})" for text in local_symbolic(op, labels, constant)]


def expression_text(op: str, labels: list[str]) -> str:
    """How the node is written in its input names: ``x + y``, ``-s3``, ``exp(s4)``."""
    symbol = RULES[op].symbol
    if symbol is not None:
        return f"{labels[0]} {symbol} {labels[1]}"
    if op == "neg":
        return f"-{labels[0]}"
    return f"{op}({', '.join(labels)})"
