"""How a chain-rule line is written: as text (``--explain``) or as LaTeX (``--format latex``).

``render.text`` builds each line once per gate from these pieces (a partial derivative,
a line with its pattern), then fills it in per edge.
"""

from __future__ import annotations

from ..rules.table import RULES

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class TextFormat:
    """``--explain``'s lines: ∂f/∂x = ∂f/∂s0 · ∂s0/∂x = (-4) · (1) = -4   [distributor]."""

    dot = "·"
    latex = False
    number = "%g"  # printf spec of a number (explain_lines sets it from --digits)

    def gate(self, expression: str) -> str:
        """The top of a local gradient written with the gate's expression: ∂(s0 * z)/∂s0."""
        return f"({expression})"

    def name(self, name: str) -> str:
        return name

    def d(self, top: str, bottom: str, mark: int | None = None) -> str:
        """∂top/∂bottom; with ``mark``, the bottom's position as a subscript: ∂s0/∂x₍₁₎."""
        return f"∂{top}/∂{bottom}" + ("" if mark is None else f"₍{str(mark).translate(_SUBSCRIPTS)}₎")

    d_typeset = d

    def line(self, left, chain, values, pattern, accumulate=False) -> str:
        sign = "+=" if accumulate else "="
        middle = f" {sign} " + " · ".join(chain) + " =" if chain else f" {sign}"
        tail = f"   [{pattern}]" if pattern else ""
        return f"{left}{middle} {values}{tail}"

    def begin(self) -> list[str]:
        return []

    def end(self) -> list[str]:
        return []


class LatexFormat:
    """``--format latex``'s lines: an ``align*`` environment, names typeset (w0 as w_{0})."""

    dot = r"\cdot"
    latex = True
    number = "%g"

    def gate(self, expression: str) -> str:
        return rf"\left({expression}\right)"

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # latex_name of each name, each worked out once

    def name(self, name: str) -> str:
        shown = self.names.get(name)
        if shown is None:
            shown = self.names[name] = latex_name(name)
        return shown

    def d(self, top: str, bottom: str, mark: int | None = None) -> str:
        return self.d_typeset(self.name(top), bottom, mark)

    def d_typeset(self, top: str, bottom: str, mark: int | None = None) -> str:
        """``d`` with ``top`` already LaTeX (a gate's expression)."""
        bottom = self.name(bottom) if mark is None else f"{{{self.name(bottom)}}}_{{({mark})}}"
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    def line(self, left, chain, values, pattern, accumulate=False) -> str:
        sign = "\\mathrel{+}=" if accumulate else "="
        middle = f" &{sign} " + r" \cdot ".join(chain) + " =" if chain else f" &{sign}"
        tail = rf" && \text{{{pattern}}}" if pattern else ""
        return f"{left}{middle} {values}{tail} \\\\"

    def begin(self) -> list[str]:
        return [r"\begin{align*}"]

    def end(self) -> list[str]:
        return [r"\end{align*}"]


_LATEX_SYMBOLS = {"*": r"\cdot", "@": r"\,", "/": "/"}


def latex_expression(op: str, labels: list[str]) -> str:
    """A gate's expression in LaTeX from its inputs' typeset names: ``s_{0} \\cdot z``, ``x^{2}``."""
    symbol = RULES[op].symbol
    if op == "pow":
        return f"{labels[0]}^{{{labels[1]}}}"
    if symbol is not None:
        return f"{labels[0]} {_LATEX_SYMBOLS.get(symbol, symbol)} {labels[1]}"
    if op == "neg":
        return f"-{labels[0]}"
    return rf"\operatorname{{{op}}}({', '.join(labels)})"


def latex_name(name: str) -> str:
    """``w0`` -> ``w_{0}``; longer names upright (``\\mathrm{theta}``); underscores escaped.

    Trailing digits become a subscript when letters (and at most one underscore) come
    before them: ``w_0`` is ``w_{0}`` too. Plain string methods: this runs once per node.
    """
    base = name.rstrip("0123456789")
    sub = name[len(base) :]
    if sub:
        letters = base[:-1] if base.endswith("_") else base
        if letters.isascii() and letters.isalpha():
            base = letters
        else:
            base, sub = name, ""
    base = base.replace("_", r"\_")
    base = base if len(base) == 1 else rf"\mathrm{{{base}}}"
    return f"{base}_{{{sub}}}" if sub else base
