"""``grad --format tree|dot|mermaid`` and ``--render``: the graph for other tools.

Each format is a complete document a user can paste into its tool: an indented
tree, Graphviz dot, a Mermaid flowchart (CSV rows: ``render.csv_rows``). ``--render`` runs
Graphviz on the dot text to draw the lectures' picture: the graph left to right,
forward values above the edges (green), gradients below (red), each gate labelled
with its pattern. (``--format latex`` is the chain rule: ``render.text``.)
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

from ..engine.scalar import Evaluation
from ..errors import UsageError
from ..i18n import _
from ..report.rows import NodeRows
from . import graph_scalar
from .graph_scalar import dot_id
from .terminal import write_lines

# A tree deeper than this keeps this many levels of guides and shows the level
# of each deeper line as [N]: 200,000 levels of "│   " would be 800,000
# characters on the last line and O(depth²) in all (docs/reference.md).
TREE_INDENT_LEVELS = 40


class GraphView:
    """The evaluation as the exporters walk it: by slot, with node texts made on demand.

    Nothing here holds a report per node, so a 200,000-node graph streams out.
    """

    def __init__(self, result: Evaluation, digits: int = 6) -> None:
        graph = result.graph
        self.spec = f".{digits}g"  # numbers as the table writes them (--digits)
        self.result, self.graph = result, graph
        self.reports = NodeRows(result)
        self.index = {node.slot: i for i, node in enumerate(graph.nodes)}  # node slot -> evaluation order
        self.variables = set(graph.variables.values())
        self.output = graph.output_name
        self.arrays = self.reports.arrays  # vector mode: arrays shown short, with shapes and Jacobians
        if self.arrays:
            from ..report.arrays import ArrayText

            zeros = [None if grad is not None else ArrayText(0.0 * value) for value, grad in zip(result.values, result.grads)]
            self.values = [ArrayText(value) for value in result.values]
            self.grads = [zeros[s] or ArrayText(grad) for s, grad in enumerate(result.grads)]
        else:
            self.values, self.grads = result.values, result.grads

    def kind(self, slot: int) -> str:
        """node, variable or constant."""
        return "constant" if slot in self.graph.constants else "node" if slot in self.index else "variable"

    def name(self, slot: int) -> str:
        return self.graph.labels[slot]

    def value(self, slot: int) -> str:
        if slot in self.graph.constants:
            return self.graph.labels[slot]  # a constant's literal
        return f"{self.values[slot]:{self.spec}}"

    def grad(self, slot: int) -> str | None:
        return None if slot in self.graph.constants else f"{self.grads[slot]:{self.spec}}"

    def shape(self, slot: int) -> str:
        """`` (2, 3)`` after a name in vector mode; nothing for numbers (and 0-d arrays)."""
        if not self.arrays or slot in self.graph.constants or not self.values[slot].array.ndim:
            return ""
        return f" {self.values[slot].shape}"

    def node_label(self, index: int, separator: str) -> str:
        """A node's box: its name, op, shape (vector mode) and pattern, one per line."""
        node = self.graph.nodes[index]
        pattern = self.reports.pattern(index)
        parts = [node.name, node.op, self.shape(node.slot).strip(), f"({_(pattern)})" if pattern else ""]
        return separator.join(part for part in parts if part)

    def jacobian(self, index: int, position: int) -> str:
        """Vector mode: the Jacobian of node ``index`` with respect to its input ``position``, described."""
        from ..engine.arrays import jacobian_text

        node = self.graph.nodes[index]
        slot = node.inputs[position]
        return jacobian_text(node.op, self.values[slot].array.shape, self.values[node.slot].array.shape, position)

    def edge_grad(self, index: int, position: int) -> str | None:
        """The gradient along one edge (SPEC §4: upstream × local, the input's downstream); None from a constant."""
        node = self.graph.nodes[index]
        if node.inputs[position] in self.graph.constants:
            return None
        if self.arrays:
            from ..report.arrays import ArrayText

            piece = self.result.downstream[index].get(position)
            return f"{ArrayText(0.0 * self.values[node.inputs[position]].array if piece is None else piece):{self.spec}}"
        return f"{self.result.grads[node.slot] * self.result.partials[index][position]:{self.spec}}"

    def edges(self) -> Iterator[tuple[str | None, int, int, int]]:
        """(constant-use key or None, input slot, node index, position) per edge: one per input
        as written (``x*x`` has two from x); each use of a constant gets its own key."""
        constants = self.graph.constants
        for index, node in enumerate(self.graph.nodes):  # hot loop: once per node
            for position, slot in enumerate(node.inputs):
                yield (f"{index}.{position}" if slot in constants else None), slot, index, position

    def leaves(self) -> list[int]:
        """Variables and constants (one per literal), in order of first use."""
        labels, seen = self.graph.labels, {}
        for node in self.graph.nodes:
            for slot in node.inputs:
                if slot not in self.index:
                    seen.setdefault(labels[slot], slot)
        return list(seen.values())


def tree(view: GraphView) -> Iterator[str]:
    """An indented tree from the output down; a node reached again says so instead of repeating.

    Iterative: a 200,000-deep expression is a 200,000-deep tree. Below
    TREE_INDENT_LEVELS levels the guides stop growing and each line shows its level.
    """
    nodes = view.graph.nodes
    if not nodes:  # the expression is a single variable (or number): f is that leaf
        leaf = next(iter(view.variables), None)
        if leaf is None:
            yield f"{view.output} is a constant   (no gradients)"
        else:
            yield f"{view.name(leaf)} = {view.value(leaf)}   ∂{view.output}/∂{view.name(leaf)} = {view.grad(leaf)}"
        return
    shown: set[int] = set()
    leaves: dict[int, str] = {}
    stack = [(nodes[-1].slot, "", "", 0)]  # slot, guides, branch, depth
    while stack:
        slot, prefix, branch, depth = stack.pop()
        level = f"[{depth}] " if depth > TREE_INDENT_LEVELS else ""
        yield prefix + level + branch + _tree_label(view, slot, slot in shown, leaves)
        if slot in view.index and slot not in shown:
            shown.add(slot)
            if depth == 0 or depth > TREE_INDENT_LEVELS:
                child_prefix = prefix
            else:
                child_prefix = prefix + ("    " if branch.startswith("└") else "│   ")
            inputs = nodes[view.index[slot]].inputs
            last = len(inputs) - 1
            for i in range(last, -1, -1):
                stack.append((inputs[i], child_prefix, "└── " if i == last else "├── ", depth + 1))


def _tree_label(view: GraphView, slot: int, again: bool, leaves: dict[int, str]) -> str:
    index = view.index.get(slot)
    if index is None:  # a leaf: its line is the same wherever it appears
        line = leaves.get(slot)
        if line is None:
            name = view.graph.labels[slot]
            gradient = f"   ∂{view.output}/∂{name} = {view.grad(slot)}"
            line = name if slot in view.graph.constants else f"{name}{view.shape(slot)} = {view.value(slot)}{gradient}"
            leaves[slot] = line
        return line
    name = view.graph.labels[slot]
    if again:
        return f"{name} (shown above)"
    expr, pattern = view.reports.describe(index)
    pattern = f"   [{_(pattern)}]" if pattern else ""
    return f"{name}{view.shape(slot)} = {expr} = {view.value(slot)}{pattern}   ∂{view.output}/∂{name} = {view.grad(slot)}"


DOT_LINE_BREAK = "\\n"  # a line break inside a dot label: backslash n, as text


def dot(view: GraphView) -> Iterator[str]:
    """Graphviz: values above each edge in green, gradients below in red."""
    yield "digraph backprop {"
    yield "  rankdir=LR;"
    yield '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];'
    for slot in view.leaves():
        if view.kind(slot) == "variable":
            shape = f", label={dot_id(view.name(slot) + view.shape(slot))}" if view.arrays else ""
            yield f"  {dot_id(view.name(slot))} [shape=ellipse{shape}];"
    for index, node in enumerate(view.graph.nodes):
        yield f'  {dot_id(node.name)} [shape=box, style=rounded, label="{view.node_label(index, DOT_LINE_BREAK)}"];'
    labels = view.graph.labels
    for key, slot, index, position in view.edges():
        source = dot_id(labels[slot])
        if key is not None:
            source = f'"const {key}"'
            yield f"  {source} [shape=plaintext, label={dot_id(labels[slot])}];"
        label = _edge_label(view, slot, view.edge_grad(index, position), index, position)
        yield f"  {source} -> {dot_id(view.graph.nodes[index].name)} [label={label}];"
    yield '  "output" [shape=plaintext, label=""];'
    yield f'  {dot_id(view.output)} -> "output" [label={_edge_label(view, view.graph.output, view.grad(view.graph.output))}];'
    yield "}"


def _edge_label(view: GraphView, slot: int, grad: str | None, index: int | None = None, position: int = 0) -> str:
    """An edge's value above (green) and the gradient along it below (red); vector mode adds its Jacobian."""
    below = f'<br/><font color="red">{grad}</font>' if grad is not None else ""
    if view.arrays and grad is not None and index is not None:
        below += f'<br/><font color="gray">J {view.jacobian(index, position)}</font>'
    return f'<<font color="darkgreen">{view.value(slot)}</font>{below}>'


def mermaid(view: GraphView) -> Iterator[str]:
    """A Mermaid flowchart, edges labelled value / gradient."""
    leaves = view.leaves()
    leaf_ids = {slot: f"n{i}" for i, slot in enumerate(leaves)}
    labels = view.graph.labels

    def ident(slot: int) -> str:
        index = view.index.get(slot)
        return f"n{len(leaves) + index}" if index is not None else leaf_ids[slot]

    yield "flowchart LR"
    for slot in leaves:
        if view.kind(slot) == "variable":
            yield f'  {leaf_ids[slot]}(["{labels[slot]}{view.shape(slot)}"])'
    for index in range(len(view.graph.nodes)):
        yield f'  n{len(leaves) + index}["{view.node_label(index, "<br/>")}"]'
    for key, slot, index, position in view.edges():
        source = ident(slot) if key is None else "c" + key.replace(".", "_")
        if key is not None:
            yield f'  {source}[/"{labels[slot]}"/]'
        grad = view.edge_grad(index, position)
        label = view.value(slot) + (f" / ∂ {grad}" if grad is not None else "")
        if view.arrays and grad is not None:
            label += f" / J {view.jacobian(index, position)}"
        yield f'  {source} -->|"{label}"| n{len(leaves) + index}'


def write_tree(report, stream) -> None:
    """``--format tree`` (``render.formats``)."""
    view = GraphView(report.result, report.digits)
    fast = not view.arrays and view.graph.nodes  # numbers: graph_scalar's templates, same text
    write_lines(stream, graph_scalar.tree(view, TREE_INDENT_LEVELS) if fast else tree(view))


def dot_text(view: GraphView) -> Iterator[str]:
    """The dot document in pieces of whole lines (numbers: graph_scalar's, same text)."""
    return dot(view) if view.arrays else graph_scalar.dot(view)


def write_dot(report, stream) -> None:
    """``--format dot`` (``render.formats``)."""
    write_lines(stream, dot_text(GraphView(report.result, report.digits)))


def write_mermaid(report, stream) -> None:
    """``--format mermaid`` (``render.formats``)."""
    view = GraphView(report.result, report.digits)
    write_lines(stream, mermaid(view) if view.arrays else graph_scalar.mermaid(view))


def render(view: GraphView, path: str) -> None:
    """Draw the graph to PATH.svg or PATH.png with Graphviz's dot."""
    kind = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if kind not in ("svg", "png"):
        raise UsageError(_("--render writes .svg or .png files, not {path!r}").format(path=path))
    program = shutil.which("dot")
    if program is None:
        raise UsageError(
            _("--render needs Graphviz's dot: install the graphviz package (apt-get install graphviz, brew install graphviz)")
        )
    try:
        text = "\n".join(dot_text(view)) + "\n"
        subprocess.run([program, f"-T{kind}", "-o", path], input=text, text=True, check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        detail = error.stderr.strip() or str(error)
        raise UsageError(_("Graphviz could not draw {path}: {detail}").format(path=path, detail=detail)) from None
