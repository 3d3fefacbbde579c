"""Plain-text outputs: ``--quiet`` numbers and ``--explain``'s chain-rule lines."""

from __future__ import annotations

from collections.abc import Iterator

from ..i18n import _
from ..report.rows import GradReport, NodeRows, VariableReport, variable_reports
from ..report.shapes import NAME, USES
from .cells import array_words
from .chain_formats import LatexFormat
from .explain import explain_lines
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
    write_lines(
        stream,
        explain_lines(
            report.nodes, variable_reports(report.result, None, report.nodes.uses), report.output, digits=report.digits
        ),
    )


def array_explain_lines(nodes: NodeRows, output: str) -> Iterator[str]:
    """Vector mode's backward pass (SPEC §5b): per edge its vector–Jacobian product and the shapes;
    an input with several edges gets ``+=`` lines, then their sum (the adder), as in scalar mode."""
    from ..report.arrays import ArrayText

    graph = nodes.graph
    uses = graph.variable_uses(nodes.uses)  # edges out of each variable and node, by name
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
    lines = explain_lines(
        report.nodes, variable_reports(report.result, None, report.nodes.uses), report.output, latex=True, digits=report.digits
    )
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
