"""Plain-text outputs: ``--quiet`` numbers and ``--explain``'s chain-rule lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .report import NodeReports, VariableReport


def quiet_lines(variables: list[VariableReport], single: bool) -> list[str]:
    """``name<TAB>value`` per gradient, or the bare value when one variable is asked for."""
    if single:
        return [repr(variables[0].grad)]
    return [f"{v.name}\t{v.grad!r}" for v in variables]


def _num(value: float) -> str:
    return f"{value:g}"


def explain_lines(nodes, variables: list[VariableReport], output: str, latex: bool = False) -> Iterator[str]:
    """The backward pass as the lectures write it, one line per edge, last node first.

    ``nodes`` is a list of reports or a ``NodeReports`` (read backwards, one at a time).
    """
    fmt = _LatexFormat() if latex else _TextFormat()
    node_uses = nodes.uses_by_name() if isinstance(nodes, NodeReports) else {n.name: n.uses for n in nodes}
    uses = {v.name: v.uses for v in variables} | node_uses
    pending: dict[str, list[float]] = {}  # contributions to a fan-out, until all have come
    seen: dict[str, int] = {}  # how many of its uses have been accounted for
    yield from fmt.begin()
    yield fmt.line(fmt.d(output, output), [], "1", None)
    if not len(nodes):  # f is a single variable: its gradient is that 1
        for v in variables:
            yield fmt.line(fmt.d(output, v.name), [], "1", None)
    for node in reversed(nodes):
        for local in node.locals:
            several = uses.get(local.input, 1) >= 2
            yield fmt.edge(output, node, local, several)
            if several:
                pending.setdefault(local.input, []).append(local.downstream)
                # x*x reads x twice but explains it in one line: count positions, not lines.
                seen[local.input] = seen.get(local.input, 0) + node.inputs.count(local.input)
                if seen[local.input] == uses[local.input]:
                    contributions = pending.pop(local.input)
                    parts = " + ".join(f"({_num(p)})" for p in contributions)
                    yield fmt.line(fmt.d(output, local.input), [], f"{parts} = {_num(sum(contributions))}", "adder")
    yield from fmt.end()


class _TextFormat:
    dot = "·"

    def d(self, top: str, bottom: str) -> str:
        return f"∂{top}/∂{bottom}"

    def line(self, left, chain, values, pattern, accumulate=False) -> str:
        sign = "+=" if accumulate else "="
        middle = f" {sign} " + " · ".join(chain) + " =" if chain else f" {sign}"
        tail = f"   [{pattern}]" if pattern else ""
        return f"{left}{middle} {values}{tail}"

    def edge(self, output: str, node, local, accumulate: bool) -> str:
        """``line`` for one edge, in one step: this runs once per edge of a 200,000-node graph."""
        sign = "+=" if accumulate else "="
        tail = f"   [{node.gate}]" if node.gate else ""
        name, top = local.input, node.name
        return (
            f"∂{output}/∂{name} {sign} ∂{output}/∂{top} · ∂{top}/∂{name} = "
            f"({node.grad:g}) · ({local.value:g}) = {local.downstream:g}{tail}"
        )

    def begin(self) -> list[str]:
        return []

    def end(self) -> list[str]:
        return []


class _LatexFormat:
    dot = r"\cdot"

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # latex_name of each name, each worked out once

    def name(self, name: str) -> str:
        shown = self.names.get(name)
        if shown is None:
            shown = self.names[name] = latex_name(name)
        return shown

    def d(self, top: str, bottom: str) -> str:
        return rf"\frac{{\partial {self.name(top)}}}{{\partial {self.name(bottom)}}}"

    def edge(self, output: str, node, local, accumulate: bool) -> str:
        chain = [self.d(output, node.name), self.d(node.name, local.input)]
        values = f"({_num(node.grad)}) {self.dot} ({_num(local.value)}) = {_num(local.downstream)}"
        return self.line(self.d(output, local.input), chain, values, node.gate, accumulate)

    def line(self, left, chain, values, pattern, accumulate=False) -> str:
        sign = "\\mathrel{+}=" if accumulate else "="
        middle = f" &{sign} " + r" \cdot ".join(chain) + " =" if chain else f" &{sign}"
        tail = rf" && \text{{{pattern}}}" if pattern else ""
        return f"{left}{middle} {values}{tail} \\\\"

    def begin(self) -> list[str]:
        return [r"\begin{align*}"]

    def end(self) -> list[str]:
        return [r"\end{align*}"]


_TRAILING_DIGITS = re.compile(r"([A-Za-z]+)_?(\d+)$")


def latex_name(name: str) -> str:
    """``w0`` -> ``w_{0}``; longer names upright (``\\mathrm{theta}``); underscores escaped."""
    match = _TRAILING_DIGITS.fullmatch(name)
    base, sub = (match.group(1), match.group(2)) if match else (name, "")
    base = base.replace("_", r"\_")
    base = base if len(base) == 1 else rf"\mathrm{{{base}}}"
    return f"{base}_{{{sub}}}" if sub else base
