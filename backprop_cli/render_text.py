"""Plain-text outputs: ``--quiet`` numbers and ``--explain``'s chain-rule lines."""

from __future__ import annotations

import re

from .report import NodeReport, VariableReport


def quiet_lines(variables: list[VariableReport], single: bool) -> list[str]:
    """``name<TAB>value`` per gradient, or the bare value when one variable is asked for."""
    if single:
        return [repr(variables[0].grad)]
    return [f"{v.name}\t{v.grad!r}" for v in variables]


def _num(value: float) -> str:
    return f"{value:g}"


def explain_lines(nodes: list[NodeReport], variables: list[VariableReport], output: str, latex: bool = False) -> list[str]:
    """The backward pass as the lectures write it, one line per edge, last node first."""
    fmt = _LatexFormat() if latex else _TextFormat()
    uses = {v.name: v.uses for v in variables} | {n.name: n.uses for n in nodes}
    pending: dict[str, list[float]] = {}  # contributions to a fan-out, until all have come
    seen: dict[str, int] = {}  # how many of its uses have been accounted for
    lines = [fmt.line(fmt.d(output, output), [], "1", None)]
    if not nodes:  # f is a single variable: its gradient is that 1
        lines += [fmt.line(fmt.d(output, v.name), [], "1", None) for v in variables]
    for node in reversed(nodes):
        for local in node.locals:
            left = fmt.d(output, local.input)
            chain = [fmt.d(output, node.name), fmt.d(node.name, local.input)]
            values = f"({_num(node.grad)}) {fmt.dot} ({_num(local.value)}) = {_num(local.downstream)}"
            several = uses.get(local.input, 1) >= 2
            lines.append(fmt.line(left, chain, values, node.gate, accumulate=several))
            if several:
                pending.setdefault(local.input, []).append(local.downstream)
                # x*x reads x twice but explains it in one line: count positions, not lines.
                seen[local.input] = seen.get(local.input, 0) + node.inputs.count(local.input)
                if seen[local.input] == uses[local.input]:
                    parts = " + ".join(f"({_num(p)})" for p in pending[local.input])
                    total = sum(pending[local.input])
                    lines.append(fmt.line(left, [], f"{parts} = {_num(total)}", "adder"))
    return fmt.wrap(lines)


class _TextFormat:
    dot = "·"

    def d(self, top: str, bottom: str) -> str:
        return f"∂{top}/∂{bottom}"

    def line(self, left, chain, values, pattern, accumulate=False) -> str:
        sign = "+=" if accumulate else "="
        middle = f" {sign} " + " · ".join(chain) + " =" if chain else f" {sign}"
        tail = f"   [{pattern}]" if pattern else ""
        return f"{left}{middle} {values}{tail}"

    def wrap(self, lines: list[str]) -> list[str]:
        return lines


class _LatexFormat:
    dot = r"\cdot"

    def d(self, top: str, bottom: str) -> str:
        return rf"\frac{{\partial {latex_name(top)}}}{{\partial {latex_name(bottom)}}}"

    def line(self, left, chain, values, pattern, accumulate=False) -> str:
        sign = "\\mathrel{+}=" if accumulate else "="
        middle = f" &{sign} " + r" \cdot ".join(chain) + " =" if chain else f" &{sign}"
        tail = rf" && \text{{{pattern}}}" if pattern else ""
        return f"{left}{middle} {values}{tail} \\\\"

    def wrap(self, lines: list[str]) -> list[str]:
        return [r"\begin{align*}", *lines, r"\end{align*}"]


_TRAILING_DIGITS = re.compile(r"([A-Za-z]+)_?(\d+)$")


def latex_name(name: str) -> str:
    """``w0`` -> ``w_{0}``; longer names upright (``\\mathrm{theta}``); underscores escaped."""
    match = _TRAILING_DIGITS.fullmatch(name)
    base, sub = (match.group(1), match.group(2)) if match else (name, "")
    base = base.replace("_", r"\_")
    base = base if len(base) == 1 else rf"\mathrm{{{base}}}"
    return f"{base}_{{{sub}}}" if sub else base
