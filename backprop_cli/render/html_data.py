"""The facts the HTML page draws and steps through (``render.html_page`` writes them out).

Numbers come from the ``--json`` document (``render.json_document``), parsed back:
the page shows the very numbers ``--json`` writes. The texts (numbers to ``--digits``,
arrays shown short, Jacobians described) are the graph exporters' (``GraphView``),
so the page says what ``--format dot`` and ``--render`` say.

Steps, for a graph of N nodes: 0 is the start (the inputs given), 1..N the forward
pass one node at a time, N+1 the backward pass's seed (∂f/∂f = 1), N+2..2N+1 the
backward pass one node at a time, from the output back to the inputs.
"""

from __future__ import annotations

import io
import json
import re

from ..i18n import _
from . import json_document
from .cells import kink_text
from .graph_export import GraphView

# Gates drawn as the lectures draw them: a symbol, a constant folded in (+1, *-1, 1/x).
SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "neg": "*-1", "matmul": "@"}
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
CHAR_WIDTH, LINE_HEIGHT = 7.2, 15  # px per character and per line at the page's 12 px font


def json_facts(report) -> dict:
    """The ``--json`` document of ``report``, as ``--json`` writes it, parsed back."""
    buffer = io.StringIO()
    json_document.write(report, buffer)
    return json.loads(buffer.getvalue())


def gate_label(op: str, expr: str, names: list[str], constant: list[bool]) -> str:
    """A gate's symbol as the lectures write it: ``+``, ``exp``; with a constant ``+1``, ``*2``, ``1/x``."""
    if not any(constant):
        return SYMBOLS.get(op, op)
    if op in ("add", "mul") and len(names) == 2 and constant.count(True) == 1:
        return SYMBOLS[op] + names[constant.index(True)]
    variable = [name for name, fixed in zip(names, constant) if not fixed]
    if len(set(variable)) == 1:  # one input: written x, as in the lectures' 1/x
        expr = re.sub(rf"(?<![\w']){re.escape(variable[0])}(?![\w'])", "x", expr)
    return expr.replace(" ", "")


class PageFacts:
    """Boxes, edges and step lines of one report, ready to be embedded as JSON."""

    def __init__(self, report) -> None:
        self.doc = json_facts(report)
        self.view = GraphView(report.result, report.digits)
        self.graph = report.result.graph
        self.count = len(self.graph.nodes)
        self.output = self.graph.output_name
        self.consumers: dict[int, list[int]] = {}  # slot -> indices of the nodes that read it
        for index, node in enumerate(self.graph.nodes):
            for slot in node.inputs:
                self.consumers.setdefault(slot, []).append(index)

    def grad_text(self, name: str, slot: int) -> str:
        return f"{self.d(name)} = {self.view.grad(slot)}"

    def backward_step(self, index: int) -> int:
        return 2 * self.count + 1 - index

    def grad_step(self, slot: int) -> int:
        """The step from which a slot's gradient is complete: its last reader has passed it back."""
        readers = self.consumers.get(slot)
        if not readers or slot == self.graph.output:  # the output's is the seed, even if a later statement reads it
            return self.count + 1
        return self.backward_step(min(readers))

    def d(self, name: str) -> str:
        return f"∂{self.output}/∂{name}"

    def data(self) -> dict:
        """Everything the page's script reads (``assets/page.js``)."""
        boxes = self.variable_boxes() + [self.node_box(index) for index in range(self.count)]
        boxes.append({"id": "out", "kind": "sink", "w": 2, "h": 2, "lines": []})
        return {
            "expression": self.doc["expression"],
            "arrays": self.view.arrays,
            "last": 2 * self.count + 1,
            "boxes": boxes,
            "edges": self.edges(),
            "start": self.start_line(),
            "seed": _("The backward pass starts at the output: {d} = 1").format(d=self.d(self.output)),
        }

    def variable_boxes(self) -> list[dict]:
        variables = {v["name"]: v for v in self.doc["variables"]}
        boxes = []
        for name, slot in self.graph.variables.items():
            uses = len(self.consumers.get(slot, ())) + (slot == self.graph.output)
            lines = [["name", name + self.view.shape(slot)]] + ([["pattern", f"({_('adder')})"]] if uses >= 2 else [])
            box = {"id": f"n{slot}", "kind": "variable", "name": name, "lines": lines, "gradText": self.grad_text(name, slot)}
            box.update(value=self.view.value(slot), gradStep=self.grad_step(slot))
            if name in variables:
                box.update(dataValue=variables[name]["value"], dataGrad=variables[name]["grad"])
            boxes.append(self.sized(box))
        return boxes

    def node_box(self, index: int) -> dict:
        node, fact = self.graph.nodes[index], self.doc["nodes"][index]
        labels, constants = self.graph.labels, self.graph.constants
        gate = gate_label(node.op, fact["expr"], [labels[s] for s in node.inputs], [s in constants for s in node.inputs])
        lines = [["gate", gate], ["name", node.name + self.view.shape(node.slot)]]
        if fact["pattern"]:
            lines.append(["pattern", f"({_(fact['pattern'])})"])
        value = self.view.value(node.slot)
        box = {"id": f"n{node.slot}", "kind": "node", "name": node.name, "lines": lines, "value": value}
        box.update(gradText=self.grad_text(node.name, node.slot), dataValue=fact["value"])
        box.update(dataGrad=fact["grad"], forwardStep=index + 1, backwardStep=self.backward_step(index))
        box.update(gradStep=self.grad_step(node.slot), forward=f"{node.name} = {fact['expr']} = {value}")
        box["backward"] = self.backward_lines(index)
        if fact.get("kink"):  # not differentiable here: the convention's value, said as the table says it
            box["backward"].append(f"({kink_text(fact['kink'])})")
        return self.sized(box)

    def backward_lines(self, index: int) -> list[str]:
        """``upstream × local = downstream`` with numbers, one line per input edge."""
        node, view = self.graph.nodes[index], self.view
        upstream, lines = view.grad(node.slot), []
        for position, slot in enumerate(node.inputs):
            if slot in self.graph.constants:
                continue
            name = self.graph.labels[slot]
            # x*x: each edge's local is ∂f/∂x₍₁₎ and ∂f/∂x₍₂₎, as --explain writes; ∂f/∂x alone is their sum
            mark = f"₍{str(position + 1).translate(SUBSCRIPTS)}₎" if node.inputs.count(slot) > 1 else ""
            factors = f"{self.d(node.name)} × ∂{node.name}/∂{name}{mark}"
            if view.arrays:
                local = f"J {view.jacobian(index, position)}"
                lines.append(f"{name}: {factors} = {upstream} · {local} → {view.edge_grad(index, position)}")
            else:
                local = f"{view.result.partials[index][position]:{view.spec}}"
                lines.append(f"{name}: {factors} = {upstream} × {local} = {view.edge_grad(index, position)}")
        if not lines:  # 2*3: constants only, folded into the gate
            lines.append(_("{name} reads only constants: there is nothing to pass back").format(name=node.name))
        return lines

    def edges(self) -> list[dict]:
        """One edge per non-constant input as written (``x*x``: two), then the output's."""
        edges, view = [], self.view
        for index, node in enumerate(self.graph.nodes):
            json_edges = iter(self.doc["nodes"][index]["edges"])
            for position, slot in enumerate(node.inputs):
                if slot in self.graph.constants:
                    continue  # drawn in the gate (+1, 1/x), as the lectures do
                fact = next(json_edges)
                edge = {"id": f"e{index}.{position}", "from": f"n{slot}", "to": f"n{node.slot}", "node": index}
                edge.update(value=view.value(slot), grad=view.edge_grad(index, position), dataGrad=fact["downstream"])
                edge.update(forwardStep=self.forward_step(slot), backwardStep=self.backward_step(index))
                edges.append(self.sized(edge))
        output = self.graph.output
        edge = {"id": "eout", "from": f"n{output}", "to": "out", "node": None, "value": view.value(output)}
        edge.update(grad=view.grad(output), dataGrad=1.0, forwardStep=self.forward_step(output), backwardStep=self.count + 1)
        edges.append(self.sized(edge))
        return edges

    def forward_step(self, slot: int) -> int:
        index = self.view.index.get(slot)
        return 0 if index is None else index + 1

    def start_line(self) -> str:
        given = ", ".join(f"{name} = {self.view.value(slot)}" for name, slot in self.graph.variables.items())
        return _("Start: the inputs are given ({values})").format(values=given or "-")

    @staticmethod
    def sized(item: dict) -> dict:
        """Width and height in px: a box's lines (and its gradient line), or an edge's two labels."""
        if "lines" in item and item["kind"] != "sink":
            texts = [text for _kind, text in item["lines"]] + [item["gradText"]]
            item["w"] = round(max(map(len, texts)) * CHAR_WIDTH + 18)
            item["h"] = len(texts) * LINE_HEIGHT + 12
        elif "lines" not in item:
            item["w"] = round(max(len(item["value"]), len(item["grad"] or "")) * CHAR_WIDTH + 10)
            item["h"] = 2 * LINE_HEIGHT + 6
        return item
