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

from .errors import UsageError
from .report import NodeReport, VariableReport


def _num(value: float) -> str:
    return f"{value:.6g}"


class GraphView:
    """The reports indexed the way the exporters walk them: by name, inputs first."""

    def __init__(self, nodes: list[NodeReport], variables: list[VariableReport], output: str) -> None:
        self.nodes = {n.name: n for n in nodes}
        self.order = nodes
        self.variables = {v.name: v for v in variables}
        self.output = output

    def kind(self, name: str) -> str:
        """node, variable or constant."""
        return "node" if name in self.nodes else "variable" if name in self.variables else "constant"

    def value(self, name: str) -> str:
        if name in self.nodes:
            return _num(self.nodes[name].value)
        if name in self.variables:
            return _num(self.variables[name].value)
        return name  # a constant's literal

    def grad(self, name: str) -> str | None:
        if name in self.nodes:
            return _num(self.nodes[name].grad)
        if name in self.variables:
            return _num(self.variables[name].grad)
        return None

    def edges(self):
        """(constant-use key or None, input name, node) per distinct input of each node.

        Each use of a constant gets its own key: two 1s are not one node.
        """
        for index, node in enumerate(self.order):
            for position, name in enumerate(dict.fromkeys(node.inputs)):
                key = f"{index}.{position}" if self.kind(name) == "constant" else None
                yield key, name, node

    def leaves(self) -> list[str]:
        """Variables and constants, in order of first use."""
        seen: dict[str, None] = {}
        for node in self.order:
            for name in node.inputs:
                if name not in self.nodes:
                    seen.setdefault(name)
        return list(seen)


def tree(view: GraphView) -> str:
    """An indented tree from the output down; a node reached again says so instead of repeating."""
    if not view.order:  # the expression is a single variable (or number): f is that leaf
        leaf = next(iter(view.variables), None)
        if leaf is None:
            return f"{view.output} is a constant   (no gradients)\n"
        return f"{leaf} = {view.value(leaf)}   ∂{view.output}/∂{leaf} = {view.grad(leaf)}\n"
    lines: list[str] = []
    shown: set[str] = set()
    stack = [(view.order[-1].name, "", "", True)]
    while stack:  # iterative: a 10,000-deep expression is a 10,000-deep tree
        name, prefix, branch, root = stack.pop()
        lines.append(prefix + branch + _tree_label(view, name, name in shown))
        if name in view.nodes and name not in shown:
            shown.add(name)
            child_prefix = prefix + ("" if root else ("    " if branch.startswith("└") else "│   "))
            inputs = view.nodes[name].inputs
            for i in range(len(inputs) - 1, -1, -1):
                stack.append((inputs[i], child_prefix, "└── " if i == len(inputs) - 1 else "├── ", False))
    return "\n".join(lines) + "\n"


def _tree_label(view: GraphView, name: str, again: bool) -> str:
    grad = view.grad(name)
    gradient = f"   ∂{view.output}/∂{name} = {grad}" if grad is not None else ""
    if name not in view.nodes:
        return f"{name} = {view.value(name)}{gradient}" if view.kind(name) == "variable" else name
    if again:
        return f"{name} (shown above)"
    node = view.nodes[name]
    pattern = f"   [{node.pattern}]" if node.pattern else ""
    return f"{name} = {node.expr} = {view.value(name)}{pattern}{gradient}"


def _dot_id(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(view: GraphView) -> str:
    """Graphviz: values above each edge in green, gradients below in red."""
    lines = [
        "digraph backprop {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];',
    ]
    for name in view.leaves():
        if view.kind(name) == "variable":
            lines.append(f"  {_dot_id(name)} [shape=ellipse];")
    for node in view.order:
        caption = f"\\n({node.pattern})" if node.pattern else ""
        lines.append(f'  {_dot_id(node.name)} [shape=box, style=rounded, label="{node.name}\\n{node.op}{caption}"];')
    for key, name, node in view.edges():
        source = _dot_id(name)
        if key is not None:
            source = f'"const {key}"'
            lines.append(f"  {source} [shape=plaintext, label={_dot_id(name)}];")
        lines.append(f"  {source} -> {_dot_id(node.name)} [label={_edge_label(view, name)}];")
    lines.append('  "output" [shape=plaintext, label=""];')
    lines.append(f'  {_dot_id(view.output)} -> "output" [label={_edge_label(view, view.output)}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _edge_label(view: GraphView, name: str) -> str:
    grad = view.grad(name)
    below = f'<br/><font color="red">{grad}</font>' if grad is not None else ""
    return f'<<font color="darkgreen">{view.value(name)}</font>{below}>'


def mermaid(view: GraphView) -> str:
    """A Mermaid flowchart, edges labelled value / gradient."""
    ids = {name: f"n{i}" for i, name in enumerate(view.leaves() + [n.name for n in view.order])}
    lines = ["flowchart LR"]
    for name in view.leaves():
        if view.kind(name) == "variable":
            lines.append(f'  {ids[name]}(["{name}"])')
    for node in view.order:
        caption = f"<br/>({node.pattern})" if node.pattern else ""
        lines.append(f'  {ids[node.name]}["{node.name}<br/>{node.op}{caption}"]')
    for key, name, node in view.edges():
        source = ids[name]
        if key is not None:
            source = "c" + key.replace(".", "_")
            lines.append(f'  {source}[/"{name}"/]')
        grad = view.grad(name)
        label = view.value(name) + (f" / ∂ {grad}" if grad is not None else "")
        lines.append(f'  {source} -->|"{label}"| {ids[node.name]}')
    return "\n".join(lines) + "\n"


def nodes_csv(view: GraphView) -> str:
    """One row per node: the JSON's fields, local and downstream gradients as name=value lists."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "op", "expr", "inputs", "value", "grad", "local", "downstream", "pattern", "kink"])
    for node in view.order:
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
    return buffer.getvalue()


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
        subprocess.run([program, f"-T{kind}", "-o", path], input=dot(view), text=True, check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        raise UsageError(f"Graphviz could not draw {path}: {error.stderr.strip() or error}") from None
