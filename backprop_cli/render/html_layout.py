"""``--layout graphviz``: the page's positions computed by Graphviz's ``dot -Tjson``.

The boxes and edge labels keep the sizes the page draws them at (``render.html_data``),
so dot leaves room for them; the positions are embedded and the page needs no layout
library. Graphviz works in points (1/72 inch) with y upwards; the page in px with y
downwards: one point is drawn as one px, and y is flipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from ..errors import UsageError
from ..i18n import _

POINTS = 72.0  # dot's sizes are in inches


def graphviz_missing() -> str:
    """The line shown when --layout graphviz finds no dot."""
    return _("--layout graphviz needs Graphviz's dot: install the graphviz package, or leave --layout at dagre")


def dot_source(data: dict) -> str:
    """The graph as dot: fixed-size boxes, each edge with a label of its labels' size."""
    lines = ["digraph page {", "  rankdir=LR; nodesep=0.35; ranksep=0.9;", '  node [shape=box, fixedsize=true, label=""];']
    for box in data["boxes"]:
        lines.append(f'  "{box["id"]}" [width={box["w"] / POINTS:.3f}, height={box["h"] / POINTS:.3f}];')
    for edge in data["edges"]:
        # A blank label of the labels' size: dot keeps the room; the page writes the texts.
        width = max(len(edge["value"]), len(edge["grad"] or ""))
        label = json.dumps(" " * width + "\n" + " " * width)
        lines.append(f'  "{edge["from"]}" -> "{edge["to"]}" [id="{edge["id"]}", label={label}, fontsize=12];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def graphviz_positions(data: dict) -> dict:
    """``{"width", "height", "nodes": {id: [x, y]}, "edges": {id: {"curve": [[x, y], ...]}}}`` from dot."""
    program = shutil.which("dot")
    if program is None:
        raise UsageError(graphviz_missing())
    try:
        done = subprocess.run([program, "-Tjson"], input=dot_source(data), text=True, check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        detail = error.stderr.strip() or str(error)
        raise UsageError(_("Graphviz could not lay out the page: {detail}").format(detail=detail)) from None
    return positions(json.loads(done.stdout))


def positions(layout: dict) -> dict:
    """dot's JSON as the page's positions (px, y down); each edge a Bézier curve through its points."""
    _left, _bottom, width, height = (float(n) for n in layout["bb"].split(","))

    def point(text: str) -> list[float]:
        x, y = text.split(",")[-2:]
        return [round(float(x), 1), round(height - float(y), 1)]

    nodes = {node["name"]: point(node["pos"]) for node in layout.get("objects", [])}
    edges = {}
    for edge in layout.get("edges", []):
        parts = edge["pos"].split()
        end = [point(p) for p in parts if p.startswith("e,")]
        curve = [point(p) for p in parts if not p.startswith(("e,", "s,"))]
        edges[edge["id"]] = {"curve": curve, "end": end[0] if end else None}
    return {"width": width, "height": height, "nodes": nodes, "edges": edges}
