"""A worksheet as a standalone LaTeX document (article + TikZ) for print.

The graph is drawn as the lecture draws it: inputs on the left, the output on the right,
one column per depth; each node's way out is a short edge carrying two blank boxes, its
value above (green) and its gradient below (red), as the lecture writes the numbers on the
edges; a variable's value box holds its given number.
The table of the Markdown sheet follows. Every text is escaped for LaTeX.
"""

from __future__ import annotations

import re

from ..i18n import _, language
from ..report.worksheet import Key, KeyCell
from .sheet import (
    GRAPH,
    INPUTS,
    NAME_LINE,
    NODES,
    TITLE,
    column_names,
    identity_line,
    inputs_text,
    instructions,
    number_text,
    sheet_rows,
)

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# Characters an article's Latin fonts lack, in math mode instead.
_MATH = {"∂": r"$\partial$", "×": r"$\times$", "·": r"$\cdot$", "−": r"$-$", "σ": r"$\sigma$"}
# The symbol of an op in a graph node (a node with a constant input shows its expression instead).
_SYMBOL = {"add": "+", "sub": "−", "mul": "×", "div": "/", "neg": "−", "pow": "^", "sigmoid": "σ"}
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")  # a Korean name needs kotex in any language
COLUMN_CM, ROW_CM, STUB_CM = 3.8, 1.9, 1.7
PORTRAIT_CM, LANDSCAPE_CM = 17.0, 25.7  # A4's text width with 2 cm margins
_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,<LANDSCAPE>margin=2cm]{geometry}
\usepackage[T1]{fontenc}
\usepackage{tikz}
\usetikzlibrary{arrows.meta,calc}
\tikzset{
  gate/.style={circle,draw,thick,minimum size=9mm,inner sep=1pt,font=\small},
  input/.style={rectangle,draw,thick,minimum width=9mm,minimum height=7mm,font=\small},
  value/.style={rectangle,draw=green!50!black,text=green!40!black,minimum width=13mm,minimum height=5mm,font=\footnotesize},
  gradient/.style={rectangle,draw=red!70!black,text=red!60!black,minimum width=13mm,minimum height=5mm,font=\footnotesize},
  edge/.style={-{Stealth},thick}
}
\setlength{\parindent}{0pt}
<KOREAN>\begin{document}
"""


def escape(text: str) -> str:
    """``text`` safe in a LaTeX document: its special characters written as commands."""
    text = "".join(_SPECIAL.get(char, char) for char in text)
    return "".join(_MATH.get(char, char) for char in text)


def latex_sheet(key: Key) -> str:
    """The whole worksheet as a LaTeX document (pdflatex; in Korean it needs ko.TeX's kotex package)."""
    korean = "\\usepackage{kotex}\n" if language() == "ko" or _HANGUL.search(key.student or "") else ""
    landscape = "landscape," if graph_width(key) > PORTRAIT_CM else ""
    out = [
        _PREAMBLE.replace("<KOREAN>", korean).replace("<LANDSCAPE>", landscape),
        r"\section*{" + escape(_(TITLE)) + r": \texttt{" + escape(key.expression) + "}}",
    ]
    out += [escape(identity_line(key)) + r"\hfill " + escape(_(NAME_LINE)) + r" \rule{5cm}{0.4pt}", ""]
    out += [escape(paragraph) + "\n" for paragraph in instructions(key)]
    out += [r"\subsection*{" + escape(_(INPUTS)) + "}", r"\texttt{" + escape(inputs_text(key)) + "}", ""]
    out += [r"\subsection*{" + escape(_(GRAPH)) + "}", r"\begin{center}", *graph_lines(key), r"\end{center}", ""]
    out += [r"\subsection*{" + escape(_(NODES)) + "}", *table_lines(key), r"\end{document}"]
    return "\n".join(out) + "\n"


def table_lines(key: Key) -> list[str]:
    """The sheet's table: node, expression, given value or a blank, a blank for the gradient."""
    head = " & ".join(r"\textbf{" + escape(name) + "}" for name in column_names())
    lines = [r"\renewcommand{\arraystretch}{1.6}", r"\begin{tabular}{|l|l|p{3cm}|p{3cm}|}", r"\hline", head + r" \\", r"\hline"]
    for row in sheet_rows(key):
        value = r"\texttt{" + escape(row.value) + "}" if row.value is not None else ""
        lines.append(rf"\texttt{{{escape(row.node)}}} & \texttt{{{escape(row.expr)}}} & {value} & \\ \hline")
    return [*lines, r"\end{tabular}"]


def columns(key: Key) -> dict[str, int]:
    """Each cell's column: 0 for a variable, else one more than its deepest input."""
    depth: dict[str, int] = {}
    for cell in key.cells:
        named = [depth[name] for name in cell.inputs if isinstance(name, str) and name in depth]
        depth[cell.node] = 0 if cell.op is None else 1 + max(named, default=0)
    return depth


def graph_lines(key: Key) -> list[str]:
    """The TikZ picture: nodes by column, edges left to right, value and gradient boxes on each node's way out."""
    depth = columns(key)
    by_column: dict[int, list[str]] = {}
    for cell in key.cells:
        by_column.setdefault(depth[cell.node], []).append(cell.node)
    ids = {cell.node: f"n{index}" for index, cell in enumerate(key.cells)}
    lines = [r"\begin{tikzpicture}"]
    if graph_width(key) > LANDSCAPE_CM:  # a long chain: shrunk to the page, boxes and all
        lines = [r"\resizebox{\linewidth}{!}{%", *lines]
    for cell in key.cells:
        column = by_column[depth[cell.node]]
        x = depth[cell.node] * COLUMN_CM
        y = ((len(column) - 1) / 2 - column.index(cell.node)) * ROW_CM
        style = "input" if cell.op is None else "gate"
        label = r"\texttt{" + escape(cell.node) + "}" if cell.op is None else escape(gate_label(cell))
        lines.append(rf"\node[{style}] ({ids[cell.node]}) at ({x:.2f},{y:.2f}) {{{label}}};")
        if cell.op is not None:
            lines.append(rf"\node[font=\scriptsize,above] at ({ids[cell.node]}.north) {{\texttt{{{escape(cell.node)}}}}};")
    given = {row.node: row.value for row in sheet_rows(key)}
    for cell in key.cells:
        lines += _way_out(ids[cell.node], given.get(cell.node), cell.node == key.output)
    for cell in key.cells:
        drawn: list[str] = []
        for name in cell.inputs:
            if isinstance(name, str) and name in ids:
                # x*x: the second edge from x bends, so that both are seen (fan-out)
                bend = f"[bend left={25 * drawn.count(name)}]" if name in drawn else ""
                lines.append(rf"\draw[edge] ({ids[name]}-out) to{bend} ({ids[cell.node]}.west);")
                drawn.append(name)
    lines.append(r"\end{tikzpicture}")
    return lines + ["}"] if graph_width(key) > LANDSCAPE_CM else lines


def graph_width(key: Key) -> float:
    """The picture's width in cm: its columns, and the output's arrow and boxes."""
    return max(columns(key).values(), default=0) * COLUMN_CM + 1 + STUB_CM


def _way_out(node_id: str, value: str | None, output: bool) -> list[str]:
    """A node's way out: a short edge with the value box above it (green) and the gradient box
    below it (red); the edges to the gates that read the node start at its end (``<id>-out``)."""
    style = "edge" if output else "thick"
    text = r"\texttt{" + escape(value) + "}" if value is not None else ""
    return [
        rf"\draw[{style}] ({node_id}.east) -- ++({STUB_CM},0) coordinate ({node_id}-out);",
        rf"\node[value,above=1pt] at ($({node_id}.east)+({STUB_CM / 2},0)$) {{{text}}};",
        rf"\node[gradient,below=1pt] at ($({node_id}.east)+({STUB_CM / 2},0)$) {{}};",
    ]


def gate_label(cell: KeyCell) -> str:
    """A gate's label as the lecture writes it: its op's symbol (``+``, ``×``, ``max``, ``exp``);
    with a constant input the symbol and the constant (``+1``, ``×-1``, ``^2``), or for a constant
    before a division or subtraction ``1/x`` as ``1/·``; any other with its expression, inputs as dots."""
    symbol = _SYMBOL.get(cell.op, cell.op)
    if all(isinstance(name, str) for name in cell.inputs):
        return symbol
    if cell.op in _SYMBOL and len(cell.inputs) == 2 and any(isinstance(name, str) for name in cell.inputs):
        first, second = cell.inputs
        if isinstance(second, float) or cell.op in ("add", "mul"):  # 1 + s5 is +1, as s5 + 1
            return symbol + number_text(second if isinstance(second, float) else first)
        return number_text(first) + symbol + "·"
    names = {name for name in cell.inputs if isinstance(name, str)}
    if not names:
        return cell.expr
    pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)) + r")\b")
    return pattern.sub("·", cell.expr)
