"""A ``grad`` result as typed objects: the facts of the ``--json`` document (SPEC §5), read back
from that very text, so the API and ``backprop grad --json`` cannot disagree.

Numbers are floats (JSON's "inf", "-inf" and "nan" strings become the floats again); in
vector mode values and gradients are nested lists of floats, as in the JSON.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import UsageError
from ..gradient.command import refuse_array_format, refuse_explain, write_report
from ..i18n import _
from ..render.formats import FORMATS
from ..report.rows import GradReport
from .notebook import result_html

Number = float | list  # a float, or in vector mode nested lists of floats

# JSON has no inf or nan: the writer spells them as these strings (render/json_document.py).
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def number(value: Any) -> Number:
    """A JSON number of the document as a float (nested lists in vector mode)."""
    if isinstance(value, list):
        return [number(item) for item in value]
    if isinstance(value, str):
        return _NON_FINITE[value]
    return float(value)


@dataclass(frozen=True)
class Local:
    """A local gradient ∂node/∂input: its symbolic form and its value (in vector mode, the
    Jacobian's description instead of a value)."""

    symbolic: str
    value: float | None = None
    jacobian: str | None = None


@dataclass(frozen=True)
class Edge:
    """One input edge of a node, in order (``x*x`` has two from x): upstream × local = downstream."""

    input: str
    node: str  # the node it feeds
    local: Local
    downstream: Number


@dataclass(frozen=True)
class Node:
    """One operator application: forward value, gradient ∂f/∂node, and what it hands each input."""

    name: str
    op: str
    expr: str
    inputs: tuple[str, ...]
    value: Number
    grad: Number
    local: dict[str, Local]  # by input; an input read twice has its edges' locals added
    downstream: dict[str, Number]
    edges: tuple[Edge, ...]
    pattern: str | None
    kink: str | None = None  # "relu at 0: pytorch gives 0" when the node sits on a kink
    shape: tuple[int, ...] | None = None  # vector mode only


@dataclass(frozen=True)
class Variable:
    """A variable the user bound: its value, ∂f/∂it, and how many times the expression uses it."""

    name: str
    value: Number
    grad: Number
    uses: int
    shape: tuple[int, ...] | None = None  # vector mode only


@dataclass(frozen=True)
class GradResult:
    """What ``grad`` found, typed: the facts of ``--json``, and each output format as text.

    Every writer returns exactly what ``backprop grad`` prints, without the final newline
    (``print`` adds it back); the table is written as for a file, without colour.
    """

    expression: str
    value: Number
    gradients: dict[str, Number]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]  # every node's edges, in node order
    variables: tuple[Variable, ...]
    report: GradReport = field(repr=False, compare=False)  # what the writers write

    def format(self, name: str, explain: bool = False, digits: int = 6) -> str:
        """The text of output format ``name`` (one of ``render.formats.FORMATS``), as ``--format name`` prints it."""
        return format_report(self.report, name, explain, digits)

    def to_json(self) -> str:
        """The text ``backprop grad ... --json`` prints, without its final newline."""
        return self.format("json")

    def table(self, digits: int = 6) -> str:
        """The node table and the variables (``grad``'s default output)."""
        return self.format("table", digits=digits)

    def explain(self, digits: int = 6) -> str:
        """The backward pass as chain-rule lines (``--explain``)."""
        return self.format("table", explain=True, digits=digits)

    def latex(self, explain: bool = False, digits: int = 6) -> str:
        """The chain rule in LaTeX (``--format latex``)."""
        return self.format("latex", explain=explain, digits=digits)

    def tree(self, digits: int = 6) -> str:
        """The graph as an indented tree (``--format tree``)."""
        return self.format("tree", digits=digits)

    def dot(self, digits: int = 6) -> str:
        """The graph for Graphviz (``--format dot``)."""
        return self.format("dot", digits=digits)

    def mermaid(self, digits: int = 6) -> str:
        """The graph as a Mermaid flowchart (``--format mermaid``)."""
        return self.format("mermaid", digits=digits)

    def csv(self) -> str:
        """One CSV row per node (``--format csv``)."""
        return self.format("csv")

    def html(self) -> str:
        """The page that steps through the forward and backward pass (``--format html``)."""
        return self.format("html")

    def _repr_html_(self) -> str:
        """Jupyter's picture of the result: the node table, the variables, and the graph where Graphviz is installed."""
        return result_html(self)


def format_report(report: GradReport, name: str, explain: bool = False, digits: int = 6) -> str:
    """``report`` in output format ``name``, refused as the command line refuses it."""
    if not isinstance(name, str) or name not in FORMATS:
        message = _("no output format {name}; the formats are {names}")
        raise UsageError(message.format(name=name, names=", ".join(FORMATS)))
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise UsageError(_("digits must be a whole number from 1 to 17, not {digits!r}").format(digits=digits))
    if explain:
        refuse_explain(name)
    if report.result.arrays:
        refuse_array_format(name)
    buffer = io.StringIO()
    write_report(replace(report, digits=digits), name, buffer, explain=explain)
    return buffer.getvalue().removesuffix("\n")


def _local(data: dict) -> Local:
    value = data.get("value")
    return Local(data["symbolic"], None if value is None else number(value), data.get("jacobian"))


def _node(data: dict) -> Node:
    name = data["name"]
    edges = tuple(Edge(e["input"], name, _local(e["local"]), number(e["downstream"])) for e in data["edges"])
    shape = data.get("shape")
    return Node(
        name=name,
        op=data["op"],
        expr=data["expr"],
        inputs=tuple(data["inputs"]),
        value=number(data["value"]),
        grad=number(data["grad"]),
        local={key: _local(entry) for key, entry in data["local"].items()},
        downstream={key: number(entry) for key, entry in data["downstream"].items()},
        edges=edges,
        pattern=data["pattern"],
        kink=data.get("kink"),
        shape=None if shape is None else tuple(shape),
    )


def _variable(data: dict) -> Variable:
    shape = data.get("shape")
    shape = None if shape is None else tuple(shape)
    return Variable(data["name"], number(data["value"]), number(data["grad"]), data["uses"], shape)


def result_from_report(report: GradReport) -> GradResult:
    """The typed result of ``report``, read from its ``--json`` text."""
    data = json.loads(format_report(report, "json"))
    nodes = tuple(_node(entry) for entry in data["nodes"])
    return GradResult(
        expression=data["expression"],
        value=number(data["value"]),
        gradients={name: number(grad) for name, grad in data["gradients"].items()},
        nodes=nodes,
        edges=tuple(edge for node in nodes for edge in node.edges),
        variables=tuple(_variable(entry) for entry in data["variables"]),
        report=report,
    )
