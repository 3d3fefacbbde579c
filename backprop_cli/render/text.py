"""Plain-text outputs: ``--quiet`` numbers and ``--explain``'s chain-rule lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..report.rows import GradReport, NodeRows, VariableReport, variable_reports
from ..report.shapes import NAME, USES
from .terminal import write_lines


def quiet_lines(variables: list[VariableReport], single: bool) -> list[str]:
    """``name<TAB>value`` per gradient, or the bare value when one variable is asked for.

    In vector mode a gradient is written as a JSON array.
    """
    texts = [_quiet(v.grad) for v in variables]
    if single:
        return texts[:1]
    return [f"{v.name}\t{text}" for v, text in zip(variables, texts)]


def _quiet(grad) -> str:
    if isinstance(grad, float):
        return repr(grad)
    from ..report.arrays import ArrayText

    return repr(ArrayText(grad))


def write_explain(report: GradReport, stream) -> None:
    """``--explain``: the chain rule, one line per edge (``render.formats``)."""
    if report.nodes.arrays:
        write_lines(stream, array_explain_lines(report.nodes, report.output))
        return
    write_lines(stream, explain_lines(report.nodes, variable_reports(report.result), report.output))


def array_explain_lines(nodes: NodeRows, output: str) -> Iterator[str]:
    """Vector mode's backward pass (SPEC §5b): per edge its vector–Jacobian product and the shapes."""
    yield f"∂{output}/∂{output} = 1"
    for shape, row in nodes.reversed_rows():
        grad, pattern = row[shape.grad], shape.pattern(row[USES])
        tail = f"   [{pattern}]" if pattern else ""
        for name, text, jacobian, down in shape.edge_texts(row):
            yield (
                f"∂{output}/∂{name} += {text} with g = ∂{output}/∂{row[NAME]} {grad.shape}: "
                f"Jacobian {jacobian} → {down.shape} = {down}{tail}"
            )


def write_latex(report: GradReport, stream) -> None:
    """``--format latex``: the chain rule as a LaTeX align block (``render.formats``)."""
    if report.nodes.arrays:
        write_lines(stream, array_latex_lines(report.nodes, report.output))
        return
    write_lines(stream, explain_lines(report.nodes, variable_reports(report.result), report.output, latex=True))


def array_latex_lines(nodes: NodeRows, output: str) -> Iterator[str]:
    """Vector mode's chain rule in LaTeX: per edge its two factors, then the shapes,
    upstream · Jacobian → downstream, and the Jacobian's kind (SPEC §5b)."""
    fmt = _LatexFormat()
    yield from fmt.begin()
    yield fmt.line(fmt.d(output, output), [], "1", None)
    for shape, row in nodes.reversed_rows():
        top, grad = row[NAME], row[shape.grad]
        for name, _, jacobian, down in shape.edge_texts(row):
            size, _, kind = jacobian.partition(" ")
            size = size.replace("×", r" \times ")
            kind = kind.strip("()").replace("‖", "|")  # LaTeX's text mode has no ‖
            tail = rf" && \text{{{kind}}}" if kind else ""
            yield (
                rf"{fmt.d(output, name)} &\mathrel{{+}}= {fmt.d(output, top)} \cdot {fmt.d(top, name)}:\ "
                rf"{_latex_shape(grad.shape)} \cdot J_{{{size}}} \to {_latex_shape(down.shape)}{tail} \\"
            )
    yield from fmt.end()


def _latex_shape(shape: str) -> str:
    return r"\text{scalar}" if shape == "scalar" else shape


def _num(value: float) -> str:
    return f"{value:g}"


def explain_lines(nodes: NodeRows, variables: list[VariableReport], output: str, latex: bool = False) -> Iterator[str]:
    """The backward pass as the lectures write it, one line per edge, last node first."""
    fmt = _LatexFormat() if latex else _TextFormat()
    graph = nodes.graph
    names = [fmt.name(label) for label in graph.labels]  # as shown, per slot
    uses = {slot: graph.uses[name] for name, slot in graph.variables.items()}
    uses.update((node.slot, nodes.uses.get(node.slot, 0)) for node in graph.nodes)
    pending: dict[int, list[float]] = {}  # contributions to a fan-out, until all have come
    seen: dict[int, int] = {}  # how many of its uses have been accounted for
    templates: dict[str | None, tuple[str, str]] = {}  # per gate
    yield from fmt.begin()
    yield fmt.line(fmt.d(output, output), [], "1", None)
    if not len(nodes):  # f is a single variable: its gradient is that 1
        for v in variables:
            yield fmt.line(fmt.d(output, v.name), [], "1", None)
    # The rows carry slots in place of labels: a fan-out is counted by slot.
    for shape, row in nodes.reversed_rows(labels=range(len(names))):  # hot loop: once per node
        top, grad = names[row[NAME]], row[shape.grad]
        pair = templates.get(shape.gate) or _edge_templates(templates, fmt, output, shape.gate)
        for label, partial, downstream, positions in shape.edges:
            slot, downstream = row[label], row[downstream]
            several = uses.get(slot, 1) >= 2
            name = names[slot]
            yield pair[several] % (name, top, top, name, grad, row[partial], downstream)
            if several:
                pending.setdefault(slot, []).append(downstream)
                # x*x reads x twice but explains it in one line: count positions, not lines.
                seen[slot] = seen.get(slot, 0) + positions
                if seen[slot] == uses[slot]:
                    contributions = pending.pop(slot)
                    parts = " + ".join(f"({_num(p)})" for p in contributions)
                    label = graph.labels[slot]
                    yield fmt.line(fmt.d(output, label), [], f"{parts} = {_num(sum(contributions))}", "adder")
    yield from fmt.end()


def _edge_templates(templates: dict, fmt, output: str, gate: str | None) -> tuple[str, str]:
    """An edge's line, with = and with +=, as templates (``_edge_template``)."""
    pair = templates[gate] = (_edge_template(fmt, output, gate, False), _edge_template(fmt, output, gate, True))
    return pair


def _edge_template(fmt, output: str, gate: str | None, accumulate: bool) -> str:
    """One edge's line as a printf-style template (no braces to escape, unlike str.format's:
    LaTeX is mostly braces). Its fields: input, node, node, input, then three numbers."""
    chain = [fmt.d(output, "\x02"), fmt.d("\x02", "\x01")]
    line = fmt.line(fmt.d(output, "\x01"), chain, f"(\x03) {fmt.dot} (\x04) = \x05", gate, accumulate)
    # printf fields are taken in order: both formats write input, node, node, input, numbers
    assert re.findall("[\x01-\x05]", line) == list("\x01\x02\x02\x01\x03\x04\x05"), line
    line = line.replace("%", "%%")
    for mark, field in (("\x02", "%s"), ("\x01", "%s"), ("\x03", "%g"), ("\x04", "%g"), ("\x05", "%g")):
        line = line.replace(mark, field)
    return line


class _TextFormat:
    dot = "·"

    def name(self, name: str) -> str:
        return name

    def d(self, top: str, bottom: str) -> str:
        return f"∂{top}/∂{bottom}"

    def line(self, left, chain, values, pattern, accumulate=False) -> str:
        sign = "+=" if accumulate else "="
        middle = f" {sign} " + " · ".join(chain) + " =" if chain else f" {sign}"
        tail = f"   [{pattern}]" if pattern else ""
        return f"{left}{middle} {values}{tail}"

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

    def line(self, left, chain, values, pattern, accumulate=False) -> str:
        sign = "\\mathrel{+}=" if accumulate else "="
        middle = f" &{sign} " + r" \cdot ".join(chain) + " =" if chain else f" &{sign}"
        tail = rf" && \text{{{pattern}}}" if pattern else ""
        return f"{left}{middle} {values}{tail} \\\\"

    def begin(self) -> list[str]:
        return [r"\begin{align*}"]

    def end(self) -> list[str]:
        return [r"\end{align*}"]


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
