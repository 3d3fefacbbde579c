"""Plain-text outputs: ``--quiet`` numbers and ``--explain``'s chain-rule lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..i18n import _
from ..report.rows import GradReport, NodeRows, VariableReport, variable_reports
from ..report.shapes import KINK, LABELS, NAME, USES, expression_text
from .cells import array_words, kink_text
from .chain_formats import LatexFormat, TextFormat, latex_expression
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
    write_lines(stream, explain_lines(report.nodes, variable_reports(report.result), report.output, digits=report.digits))


def array_explain_lines(nodes: NodeRows, output: str) -> Iterator[str]:
    """Vector mode's backward pass (SPEC §5b): per edge its vector–Jacobian product and the shapes;
    an input with several edges gets ``+=`` lines, then their sum (the adder), as in scalar mode."""
    from ..report.arrays import ArrayText

    graph = nodes.graph
    uses = dict(graph.uses)
    uses.update((node.name, nodes.uses.get(node.slot, 0)) for node in graph.nodes)
    pending: dict[str, list] = {}
    yield f"∂{output}/∂{output} = 1"
    line = _("{gradient} {sign} {local} with g = {upstream} {shape}: Jacobian {jacobian} → {down_shape} = {downstream}")
    for shape, row in nodes.reversed_rows():
        grad, pattern = row[shape.grad], shape.pattern(row[USES])
        tail = f"   [{_(pattern)}]" if pattern else ""
        upstream = f"∂{output}/∂{row[NAME]}"
        for name, text, jacobian, down in shape.edge_texts(row):
            several = uses.get(name, 1) >= 2
            fields = dict(gradient=f"∂{output}/∂{name}", sign="+=" if several else "=", local=text, upstream=upstream)
            shapes = dict(shape=array_words(grad.shape), jacobian=array_words(jacobian), down_shape=array_words(down.shape))
            yield line.format(**fields, **shapes, downstream=down) + tail
            if several:
                contributions = pending.setdefault(name, [])
                contributions.append(down)
                if len(contributions) == uses[name]:  # every edge from it has come: the adder sums them
                    del pending[name]
                    total = ArrayText(sum(d.array for d in contributions))
                    parts = " + ".join(f"{d}" for d in contributions)
                    yield f"∂{output}/∂{name} = {parts} = {total}   [{_('adder')}]"


def write_latex(report: GradReport, stream) -> None:
    """``--format latex``: the chain rule as a LaTeX align block (``render.formats``)."""
    if report.nodes.arrays:
        write_lines(stream, array_latex_lines(report.nodes, report.output))
        return
    lines = explain_lines(report.nodes, variable_reports(report.result), report.output, latex=True, digits=report.digits)
    write_lines(stream, lines)


def array_latex_lines(nodes: NodeRows, output: str) -> Iterator[str]:
    """Vector mode's chain rule in LaTeX: per edge its two factors, then the shapes,
    upstream · Jacobian → downstream, and the Jacobian's kind (SPEC §5b)."""
    fmt = LatexFormat()
    yield from fmt.begin()
    yield fmt.line(fmt.d(output, output), [], "1", None)
    for shape, row in nodes.reversed_rows():
        top, grad = row[NAME], row[shape.grad]
        for name, _text, jacobian, down in shape.edge_texts(row):
            size, _space, kind = jacobian.partition(" ")
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


def _num(value: float, digits: int) -> str:
    return f"{value:.{digits}g}"


def explain_lines(
    nodes: NodeRows, variables: list[VariableReport], output: str, latex: bool = False, digits: int = 6
) -> Iterator[str]:
    """The backward pass as the lectures write it, one line per edge, last node first
    (yielded as pieces of whole lines).

    ``∂f/∂x = ∂f/∂s0 · ∂s0/∂x``: upstream times local. The output node's own local
    gradients are written with its expression (``∂(s0 * z)/∂s0``), so that no line has
    the same symbol on both sides (``∂f/∂s0`` is the gradient; the local is the gate's).
    Numbers have ``digits`` significant digits (``--digits``).
    """
    fmt = LatexFormat() if latex else TextFormat()
    fmt.number = f"%.{digits}g"
    graph = nodes.graph
    names = [fmt.name(label) for label in graph.labels]  # as shown, per slot
    uses = {slot: graph.uses[name] for name, slot in graph.variables.items()}
    uses.update((node.slot, nodes.uses.get(node.slot, 0)) for node in graph.nodes)
    pending: dict[int, list[float]] = {}  # contributions to a fan-out, until all have come
    templates: dict[str | None, tuple[str, str]] = {}  # per gate
    yield from fmt.begin()
    yield fmt.line(fmt.d(output, output), [], "1", None)
    if not len(nodes):  # f is a single variable: its gradient is that 1
        for v in variables:
            yield fmt.line(fmt.d(output, v.name), [], "1", None)
    # Lines are yielded a block at a time, joined: 400,000 yields cost more than the lines.
    block: list[str] = []
    emit = block.append
    # The rows carry slots in place of labels: a fan-out is counted by slot.
    for shape, row in nodes.reversed_rows(labels=range(len(names))):  # hot loop: once per node
        top, grad = names[row[NAME]], row[shape.grad]
        # x*x: two edges from x, each ∂s0/∂x₍₁₎ and ∂s0/∂x₍₂₎ (∂s0/∂x alone would be their sum, 2x)
        repeated = shape.repeats(row)
        if row[NAME] == graph.output or row[KINK] or repeated:
            pairs = _special_templates(fmt, output, shape, row, names, row[NAME] == graph.output, repeated)
        else:
            pair = templates.get(shape.gate) or _edge_templates(templates, fmt, output, shape.gate)
            pairs = [pair] * len(shape.edges)
        for (label, partial, downstream), pair in zip(shape.edges, pairs):
            slot, downstream = row[label], row[downstream]
            several = uses.get(slot, 1) >= 2
            name = names[slot]
            emit(pair[several] % (name, top, top, name, grad, row[partial], downstream))
            if several:
                contributions = pending.setdefault(slot, [])
                contributions.append(downstream)
                if len(contributions) == uses[slot]:  # every edge from it has come: the adder sums them
                    del pending[slot]
                    parts = " + ".join(f"({_num(p, digits)})" for p in contributions)
                    label = graph.labels[slot]
                    emit(fmt.line(fmt.d(output, label), [], f"{parts} = {_num(sum(contributions), digits)}", _("adder")))
        if len(block) >= 2048:
            yield "\n".join(block)
            block.clear()
    if block:
        yield "\n".join(block)
    yield from fmt.end()


def _special_templates(fmt, output: str, shape, row: tuple, names: list[str], is_output: bool, repeated: bool) -> list:
    """Per edge, the templates of the output node (its local written with its expression), of a
    node at a kink (the convention's choice named) or of one whose inputs repeat (each edge's
    local marked with its input's position): made per node, as these are few."""
    pattern = _(shape.gate) if shape.gate else None
    if row[KINK]:
        note = _("kink: {note}").format(note=kink_text(row[KINK]))
        pattern = f"{pattern}; {note}" if pattern else note
    local = None
    if is_output:
        labels = [names[s] for s in row[LABELS : LABELS + shape.inputs]]
        local = fmt.gate(expression_text(shape.op, labels) if not fmt.latex else latex_expression(shape.op, labels))
    pairs = []
    for position in shape.positions:
        mark = position + 1 if repeated else None
        pairs.append(tuple(_edge_template(fmt, output, pattern, accumulate, local, mark) for accumulate in (False, True)))
    return pairs


def _edge_templates(templates: dict, fmt, output: str, gate: str | None) -> tuple[str, str]:
    """An edge's line, with = and with +=, as templates (``_edge_template``); the gate's pattern named."""
    shown = _(gate) if gate else None
    pair = templates[gate] = (_edge_template(fmt, output, shown, False), _edge_template(fmt, output, shown, True))
    return pair


def _edge_template(fmt, output: str, gate: str | None, accumulate: bool, local: str | None = None, mark=None) -> str:
    """One edge's line as a printf-style template (no braces to escape, unlike str.format's:
    LaTeX is mostly braces). Its fields: input, node, node, input, then three numbers.

    ``local``: the local gradient's top written out (the output node's expression), in
    place of the node's name; the node field is then dropped by ``%.0s``. ``mark``: the
    input's position, written on the local gradient's input (an input read twice)."""
    if local is None:
        local_factor = fmt.d("\x02", "\x01", mark)
    else:
        local_factor = fmt.d_typeset("\x02\x06", "\x01", mark)
    chain = [fmt.d(output, "\x02"), local_factor]
    line = fmt.line(fmt.d(output, "\x01"), chain, f"(\x03) {fmt.dot} (\x04) = \x05", gate, accumulate)
    # printf fields are taken in order: both formats write input, node, node, input, numbers
    assert re.findall("[\x01-\x05]", line) == list("\x01\x02\x02\x01\x03\x04\x05"), line
    line = line.replace("%", "%%")
    if local is not None:  # the node's name is still a field (the fields are in order), printed as nothing
        line = line.replace("\x02\x06", "%.0s" + local.replace("%", "%%"))
    number = fmt.number
    for mark, field in (("\x02", "%s"), ("\x01", "%s"), ("\x03", number), ("\x04", number), ("\x05", number)):
        line = line.replace(mark, field)
    return line
