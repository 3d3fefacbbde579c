"""``--format tree|dot|mermaid`` for numbers: ``graph_export``'s text, made fast.

The general writers (``graph_export``) ask a ``GraphView`` for each slot's texts
every time the slot is used: in a 200,000-node chain ``x+x+…+x`` they format x's
value and gradient 200,000 times. Here a node's line comes from one template
per shape of node (``report.shapes.Shape``: its op, which inputs are constants or
repeats, and its pattern), and the texts of a slot used more than once are made
once. The lines are the general writers' byte for byte
(tests/test_export_speed_paths.py compares the two on random programs).

Each writer yields blocks of whole lines joined by newlines, without the last
newline (``terminal.write_lines`` writes them as they come).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..i18n import _
from ..report.shapes import NAME, USES
from .printf import fill_columns, printf_template

BLOCK = 2048  # lines per piece yielded
BLOCK_NODES = 4096  # nodes per column block (NodeRows.column_blocks' default)


def dot_id(name: str) -> str:
    """A dot identifier: the name in double quotes, backslashes and quotes escaped."""
    if '"' in name or "\\" in name:
        name = name.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + name + '"'


def braces(text: str) -> str:
    """``text`` as a literal part of a ``str.format`` template."""
    return text.replace("{", "{{").replace("}", "}}")


def _node_patterns(view) -> Iterator[str | None]:
    """Each node's pattern, in evaluation order (``NodeRows.pattern`` without the index lookups)."""
    rows = view.reports
    shape_of, uses = rows.shape, rows.uses
    shown = {None: None}  # each pattern translated once, not once a node
    for node in view.graph.nodes:
        pattern = shape_of(node.op, node.inputs).pattern(uses.get(node.slot, 0))
        text = shown.get(pattern, "")
        if text == "":
            text = shown[pattern] = _(pattern)
        yield text


def _tree_template(shape, adder: bool, output: str, spec: str) -> tuple:
    """The text of a node of this shape as a printf template over its row (``NodeRows.rows``):
    ``s0 = x + y = 3   [distributor]   ∂f/∂s0 = -4``, compiled by ``printf_template``."""
    pattern = shape.pattern(2 if adder else 0)
    pattern = f"   [{braces(_(pattern))}]" if pattern else ""
    expr = shape.text(shape.expr)
    value, grad = f"{{{shape.value}:{spec}}}", f"{{{shape.grad}:{spec}}}"
    return printf_template(f"{{{NAME}}} = {expr} = {value}{pattern}   ∂{braces(output)}/∂{{{NAME}}} = {grad}")


def _node_texts(rows, output: str, spec: str) -> list[str]:
    """Every node's text in the tree (without guides), in evaluation order, made a column
    group at a time (``NodeRows.column_blocks``, as the JSON writer does): a ``%`` per node
    in one C-level ``map`` instead of a template lookup and a ``format`` call per line."""
    labels = rows.graph.labels
    texts: list[str] = []
    templates: dict[tuple, tuple] = {}
    for start, groups, others in rows.column_blocks(labels, BLOCK_NODES, edges=False):
        block = [""] * (min(start + BLOCK_NODES, len(rows)) - start)
        for shape, twice, places, columns in groups:
            text, _fields, order = templates.get((shape, twice)) or _template(templates, shape, twice, output, spec)
            fill_columns(block, places, text, order, columns)
        for place, shape, row in others:
            twice = row[USES] >= 2
            text, fields, _order = templates.get((shape, twice)) or _template(templates, shape, twice, output, spec)
            block[place] = text % fields(row)
        texts += block
    return texts


def _template(templates: dict, shape, twice: bool, output: str, spec: str) -> tuple:
    templates[shape, twice] = _tree_template(shape, twice, output, spec)
    return templates[shape, twice]


def tree(view, indent_levels: int) -> Iterator[str]:
    """``graph_export.tree`` for a graph of numbers with at least one node.

    Hot loop (once per line, 400,000 lines for a 200,000-node chain): one function
    so that nothing is called per line but the template's format.
    """
    graph = view.graph
    nodes, labels, constants, index = graph.nodes, graph.labels, graph.constants, view.index
    values, grads, output = view.values, view.grads, view.output
    node_texts = _node_texts(view.reports, output, view.spec)
    leaves: dict[int, str] = {}
    shown: set[int] = set()
    block: list[str] = []
    stack = [(nodes[-1].slot, "", "", 0)]  # slot, guides, branch, depth
    push, pop, append = stack.append, stack.pop, block.append
    while stack:
        slot, prefix, branch, depth = pop()
        i = index.get(slot)
        if i is None:  # a leaf: its line is the same wherever it appears
            text = leaves.get(slot)
            if text is None:
                name = labels[slot]
                if slot in constants:
                    text = name
                else:
                    text = f"{name} = {values[slot]:{view.spec}}   ∂{output}/∂{name} = {grads[slot]:{view.spec}}"
                leaves[slot] = text
        elif slot in shown:
            text = labels[slot] + " (shown above)"
        else:
            shown.add(slot)
            text = node_texts[i]
            inputs = nodes[i].inputs
            if depth == 0 or depth > indent_levels:
                guides = prefix
            else:
                guides = prefix + ("    " if branch[0] == "└" else "│   ")
            deeper = depth + 1
            last = len(inputs) - 1
            push((inputs[last], guides, "└── ", deeper))
            for k in range(last - 1, -1, -1):
                push((inputs[k], guides, "├── ", deeper))
        append(f"{prefix}[{depth}] {branch}{text}" if depth > indent_levels else prefix + branch + text)
        if len(block) >= BLOCK:
            yield "\n".join(block)
            block.clear()
    if block:
        yield "\n".join(block)


def _edge_label(view, slot: int, grad: float | None = None) -> str:
    """``graph_export._edge_label`` for numbers: value above, the gradient along the edge below."""
    if slot in view.graph.constants:
        return f'<<font color="darkgreen">{view.graph.labels[slot]}</font>>'
    grad = view.grads[slot] if grad is None else grad
    return f'<<font color="darkgreen">{view.values[slot]:{view.spec}}</font><br/><font color="red">{grad:{view.spec}}</font>>'


def dot_ids(labels: list[str]) -> list[str]:
    """``dot_id`` of every label, made by one C-level ``map`` when none needs escaping (nearly always)."""
    joined = "".join(labels)
    if '"' in joined or "\\" in joined:
        return list(map(dot_id, labels))
    return list(map('"%s"'.__mod__, labels))


def dot(view) -> Iterator[str]:
    """``graph_export.dot`` for a graph of numbers."""
    graph = view.graph
    nodes, labels, constants = graph.nodes, graph.labels, graph.constants
    ids = dot_ids(labels)
    block = ["digraph backprop {", "  rankdir=LR;", '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];']
    append = block.append
    for slot in view.leaves():
        if slot not in constants:
            append(f"  {ids[slot]} [shape=ellipse];")
    for node, pattern in zip(nodes, _node_patterns(view)):
        name = node.name
        tail = f"\\n({pattern})" if pattern else ""
        append(f'  {ids[node.slot]} [shape=box, style=rounded, label="{name}\\n{node.op}{tail}"];')
        if len(block) >= BLOCK:
            yield "\n".join(block)
            block.clear()
    yield from _dot_edges(view, block, ids)


def _dot_edges(view, block: list[str], ids: list[str]) -> Iterator[str]:
    """The edges of ``dot``, one per input as written, then the output edge and closing brace
    (hot loop: once per edge). Each edge carries its own gradient: upstream × local."""
    graph = view.graph
    nodes, constants, values, spec = graph.nodes, graph.constants, view.values, view.spec
    grads, partials = view.result.grads, view.result.partials
    sources: dict[int, tuple[str, str]] = {}  # slot -> its edge lines' start and value text, made once
    append = block.append
    for index, node in enumerate(nodes):
        target, upstream, local = ids[node.slot], grads[node.slot], partials[index]
        for position, slot in enumerate(node.inputs):
            if slot in constants:
                source = f'"const {index}.{position}"'
                append(f"  {source} [shape=plaintext, label={ids[slot]}];")
                append(f"  {source} -> {target} [label={_edge_label(view, slot)}];")
                continue
            start = sources.get(slot)
            if start is None:  # _edge_label's text, the source's value written once
                start = sources[slot] = (
                    f"  {ids[slot]} -> ",
                    f'<<font color="darkgreen">{values[slot]:{spec}}</font><br/><font color="red">',
                )
            append(f"{start[0]}{target} [label={start[1]}{upstream * local[position]:{spec}}</font>>];")
        if len(block) >= BLOCK:
            yield "\n".join(block)
            block.clear()
    append('  "output" [shape=plaintext, label=""];')
    append(f'  {dot_id(view.output)} -> "output" [label={_edge_label(view, graph.output)}];')
    append("}")
    yield "\n".join(block)


def _mermaid_label(view, slot: int, grad: float) -> str:
    """A mermaid edge's text for numbers: value / ∂ the gradient along it (a constant: its literal)."""
    if slot in view.graph.constants:
        return view.graph.labels[slot]
    return f"{view.values[slot]:{view.spec}} / ∂ {grad:{view.spec}}"


def mermaid(view) -> Iterator[str]:
    """``graph_export.mermaid`` for a graph of numbers (hot loop: once per edge)."""
    graph = view.graph
    nodes, labels, constants, index_of = graph.nodes, graph.labels, graph.constants, view.index
    leaves = view.leaves()
    leaf_ids = {slot: f"n{i}" for i, slot in enumerate(leaves)}
    base = len(leaves)
    block = ["flowchart LR"]
    append = block.append
    for slot in leaves:
        if slot not in constants:
            append(f'  {leaf_ids[slot]}(["{labels[slot]}"])')
    for index, (node, pattern) in enumerate(zip(nodes, _node_patterns(view))):
        tail = f"<br/>({pattern})" if pattern else ""
        append(f'  n{base + index}["{node.name}<br/>{node.op}{tail}"]')
        if len(block) >= BLOCK:
            yield "\n".join(block)
            block.clear()
    grads, partials = view.result.grads, view.result.partials
    for index, node in enumerate(nodes):
        target, upstream, local = f"n{base + index}", grads[node.slot], partials[index]
        for position, slot in enumerate(node.inputs):  # one edge per input as written
            if slot in constants:
                source = f"c{index}_{position}"
                append(f'  {source}[/"{labels[slot]}"/]')
                append(f'  {source} -->|"{labels[slot]}"| {target}')
                continue
            i = index_of.get(slot)
            source = leaf_ids[slot] if i is None else f"n{base + i}"
            append(f'  {source} -->|"{_mermaid_label(view, slot, upstream * local[position])}"| {target}')
        if len(block) >= BLOCK:
            yield "\n".join(block)
            block.clear()
    if block:
        yield "\n".join(block)
