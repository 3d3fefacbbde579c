"""``grad --format tree|dot|mermaid|csv`` and ``--render``: the graph for other tools.

Each format is a complete document a user can paste into its tool: an indented
tree, Graphviz dot, a Mermaid flowchart, one CSV row per node. ``--render`` runs
Graphviz on the dot text to draw the lectures' picture: the graph left to right,
forward values above the edges (green), gradients below (red), each gate labelled
with its pattern. (``--format latex`` is the chain rule: ``render_text``.)
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Iterator

from .engine import Evaluation
from .errors import UsageError
from .report import NodeReports, VariableReport, variable_reports

# A tree deeper than this keeps this many levels of guides and shows the level
# of each deeper line as [N]: 200,000 levels of "│   " would be 800,000
# characters on the last line and O(depth²) in all (docs/reference.md).
TREE_INDENT_LEVELS = 40


def _num(value: float) -> str:
    return f"{value:.6g}"


class GraphView:
    """The evaluation as the exporters walk it: by slot, with node reports made on demand.

    Nothing here holds a report per node, so a 200,000-node graph streams out.
    """

    def __init__(self, result: Evaluation, variables: list[VariableReport] | None = None) -> None:
        graph = result.graph
        self.result, self.graph = result, graph
        self.reports = NodeReports(result)
        self.index = {node.slot: i for i, node in enumerate(graph.nodes)}  # node slot -> evaluation order
        variables = variable_reports(result) if variables is None else variables
        self.variables = {graph.variables[v.name]: v for v in variables}  # slot -> report
        self.output = graph.output_name

    def kind(self, slot: int) -> str:
        """node, variable or constant."""
        return "node" if slot in self.index else "variable" if slot in self.variables else "constant"

    def name(self, slot: int) -> str:
        return self.graph.labels[slot]

    def value(self, slot: int) -> str:
        if slot in self.index or slot in self.variables:
            return _num(self.result.values[slot])
        return self.graph.labels[slot]  # a constant's literal

    def grad(self, slot: int) -> str | None:
        if slot in self.index or slot in self.variables:
            return _num(self.result.grads[slot])
        return None

    def edges(self) -> Iterator[tuple[str | None, int, int]]:
        """(constant-use key or None, input slot, node index) per distinct input of each node.

        Inputs are distinct by name, as written; each use of a constant gets its
        own key: two 1s are not one node.
        """
        labels = self.graph.labels
        for index, node in enumerate(self.graph.nodes):
            first = {}
            for slot in node.inputs:
                first.setdefault(labels[slot], slot)
            for position, slot in enumerate(first.values()):
                key = f"{index}.{position}" if self.kind(slot) == "constant" else None
                yield key, slot, index

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
    stack = [(nodes[-1].slot, "", "", 0)]  # slot, guides, branch, depth
    while stack:
        slot, prefix, branch, depth = stack.pop()
        level = f"[{depth}] " if depth > TREE_INDENT_LEVELS else ""
        yield prefix + level + branch + _tree_label(view, slot, slot in shown)
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


def _tree_label(view: GraphView, slot: int, again: bool) -> str:
    name = view.name(slot)
    grad = view.grad(slot)
    gradient = f"   ∂{view.output}/∂{name} = {grad}" if grad is not None else ""
    index = view.index.get(slot)
    if index is None:
        return f"{name} = {view.value(slot)}{gradient}" if view.kind(slot) == "variable" else name
    if again:
        return f"{name} (shown above)"
    pattern = view.reports.pattern(index)
    pattern = f"   [{pattern}]" if pattern else ""
    return f"{name} = {view.reports.expr(index)} = {view.value(slot)}{pattern}{gradient}"


def _dot_id(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(view: GraphView) -> Iterator[str]:
    """Graphviz: values above each edge in green, gradients below in red."""
    yield "digraph backprop {"
    yield "  rankdir=LR;"
    yield '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];'
    for slot in view.leaves():
        if view.kind(slot) == "variable":
            yield f"  {_dot_id(view.name(slot))} [shape=ellipse];"
    for index, node in enumerate(view.graph.nodes):
        pattern = view.reports.pattern(index)
        caption = f"\\n({pattern})" if pattern else ""
        yield f'  {_dot_id(node.name)} [shape=box, style=rounded, label="{node.name}\\n{node.op}{caption}"];'
    labels = view.graph.labels
    for key, slot, index in view.edges():
        source = _dot_id(labels[slot])
        if key is not None:
            source = f'"const {key}"'
            yield f"  {source} [shape=plaintext, label={_dot_id(labels[slot])}];"
        yield f"  {source} -> {_dot_id(view.graph.nodes[index].name)} [label={_edge_label(view, slot)}];"
    yield '  "output" [shape=plaintext, label=""];'
    yield f'  {_dot_id(view.output)} -> "output" [label={_edge_label(view, view.graph.output)}];'
    yield "}"


def _edge_label(view: GraphView, slot: int) -> str:
    grad = view.grad(slot)
    below = f'<br/><font color="red">{grad}</font>' if grad is not None else ""
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
            yield f'  {leaf_ids[slot]}(["{labels[slot]}"])'
    for index, node in enumerate(view.graph.nodes):
        pattern = view.reports.pattern(index)
        caption = f"<br/>({pattern})" if pattern else ""
        yield f'  n{len(leaves) + index}["{node.name}<br/>{node.op}{caption}"]'
    for key, slot, index in view.edges():
        source = ident(slot) if key is None else "c" + key.replace(".", "_")
        if key is not None:
            yield f'  {source}[/"{labels[slot]}"/]'
        grad = view.grad(slot)
        label = view.value(slot) + (f" / ∂ {grad}" if grad is not None else "")
        yield f'  {source} -->|"{label}"| n{len(leaves) + index}'


def nodes_csv(view: GraphView) -> Iterator[str]:
    """One row per node: the JSON's fields, local and downstream gradients as name=value lists.

    Rows are written in blocks; each piece yielded is whole lines, without the last newline.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "op", "expr", "inputs", "value", "grad", "local", "downstream", "pattern", "kink"])
    for count, node in enumerate(view.reports, 1):
        writer.writerow(
            [
                node.name,
                node.op,
                node.expr,
                " ".join(node.inputs),
                repr(node.value),
                repr(node.grad),
                "; ".join(f"{g.input}: {g.symbolic} = {g.value!r}" for g in node.locals),
                "; ".join(f"{g.input}={g.downstream!r}" for g in node.locals),
                node.pattern or "",
                node.kink or "",
            ]
        )
        if count % 2048 == 0:
            yield buffer.getvalue()[:-1]
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()[:-1]


EXPORTS = {"tree": tree, "dot": dot, "mermaid": mermaid, "csv": nodes_csv}


def render(view: GraphView, path: str) -> None:
    """Draw the graph to PATH.svg or PATH.png with Graphviz's dot."""
    kind = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if kind not in ("svg", "png"):
        raise UsageError(f"--render writes .svg or .png files, not {path!r}")
    program = shutil.which("dot")
    if program is None:
        raise UsageError(
            "--render needs Graphviz's dot: install the graphviz package (apt-get install graphviz, brew install graphviz)"
        )
    try:
        text = "\n".join(dot(view)) + "\n"
        subprocess.run([program, f"-T{kind}", "-o", path], input=text, text=True, check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        raise UsageError(f"Graphviz could not draw {path}: {error.stderr.strip() or error}") from None
