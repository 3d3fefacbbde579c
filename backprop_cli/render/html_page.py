"""``grad --format html`` and ``grad --html FILE``: one offline page that steps through the passes.

The page is one self-contained HTML file: its style, its script (``assets/page.js``),
the layout library (``assets/dagre.min.js``, @dagrejs/dagre 3.1.3, MIT, see
``assets/LICENSE-dagre.txt``) and the facts (JSON, from the ``--json`` document:
``render.html_data``) are inline; nothing is fetched. The graph is drawn in SVG as the
lectures draw it: inputs left, output right, each edge's forward value above it (green)
and, once the backward pass reaches it, its downstream gradient below it (red).

DOM contract (tests and users' scripts may rely on it):

- ``svg#graph``: the picture. ``g.node`` per box, ``data-name`` (the node's or variable's
  name), ``data-kind`` (``node`` or ``variable``), ``data-value`` and ``data-grad`` (the
  ``--json`` numbers in full precision, JSON text); inside, ``text.grad`` holds
  ``∂f/∂name = value`` once the gradient is complete, and is empty before. The current
  node has the class ``current``; a node not yet computed has ``pending``.
- ``g.edge`` per edge, ``data-id`` (``e3.1``: node 3's input 1; ``eout``: the output's),
  ``data-from``, ``data-to``, ``data-grad`` (full precision); ``text.fwd`` (the forward
  value, once known) and ``text.bwd`` (the gradient along it, once reached).
- ``#step`` (``data-step``, ``data-last``: the step shown and the last one), ``#line``
  (the current gate's line or lines), ``#slider`` (a range input over the steps), buttons
  ``#prev``, ``#next``, ``#all``, ``#reset``; the keys ArrowLeft and ArrowRight step.
- ``script#page-data``: the facts as JSON.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources

from ..errors import UsageError
from ..i18n import _, language
from . import files
from .html_data import PageFacts
from .html_layout import graphviz_missing

# A page is for looking at: past this many nodes the picture is unreadable (and the page
# grows by about 0.7 KB a node), so the page is refused (docs/reference.md). dagre also
# recurses along the graph's depth: a chain of 2,000 nodes overflows a browser's stack.
HTML_NODE_LIMIT = 1000
# dagre (and dot) add a point per rank an edge crosses: a value read far from where it is
# made (x in x+x+...+x) makes that work grow with the square of the graph. Past this many
# ranks crossed in all, a browser takes more than about five seconds (docs/reference.md).
HTML_SPAN_LIMIT = 10_000
LAYOUTS = ("dagre", "graphviz")


def check_page(result, layout: str = "dagre") -> None:
    """Refuse a graph too large to look at, or --layout graphviz without Graphviz (exit 2)."""
    if layout == "graphviz" and shutil.which("dot") is None:
        raise UsageError(graphviz_missing())
    count = len(result.graph.nodes)
    if count > HTML_NODE_LIMIT:
        message = _("--format html draws at most {limit} nodes, and this graph has {count}: use --format dot or csv")
        raise UsageError(message.format(limit=f"{HTML_NODE_LIMIT:,}", count=f"{count:,}"))
    span = edge_span(result.graph)
    if span > HTML_SPAN_LIMIT:
        message = _(
            "--format html: this graph's edges cross {span} ranks in all (a value read far from where it is made),"
            " over the {limit} a page lays out: use --format dot or csv"
        )
        raise UsageError(message.format(span=f"{span:,}", limit=f"{HTML_SPAN_LIMIT:,}"))


def edge_span(graph) -> int:
    """About the ranks the drawn edges must cross in all, at the least.

    A node's rank is one more than its highest input's (inputs left, output right). A value
    read by several nodes sits left of its first reader, so each edge from it crosses the
    ranks from there to its reader; a value read once can sit beside its reader (a layout
    moves it there), so a chain of sums of products costs no more than its nodes.
    """
    rank = dict.fromkeys(graph.variables.values(), 0)
    readers: dict[int, list[int]] = {}
    constants = graph.constants
    for node in graph.nodes:  # evaluation order: every input is ranked before its reader
        inputs = [slot for slot in node.inputs if slot not in constants]
        rank[node.slot] = 1 + max((rank[slot] for slot in inputs), default=0)
        for slot in inputs:
            readers.setdefault(slot, []).append(rank[node.slot])
    return sum(sum(ranks) - len(ranks) * (min(ranks) - 1) for ranks in readers.values())


def refuse_standard_output(path: str) -> None:
    """``--html -`` (or an empty name): stdout already carries grad's own output, and the two
    would make one stream that is neither; ``--format html`` puts the page there."""
    if path in ("", "-"):
        raise UsageError(_("--html needs a file name; for the page on standard output use --format html"))


def asset(name: str) -> str:
    """One file of ``render/assets`` as text."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def words() -> dict[str, str]:
    """The page's own words in the run's language."""
    return {
        "previous": _("Previous"),
        "next": _("Next"),
        "all": _("Show all"),
        "reset": _("Reset"),
        "step": _("Step {step} of {last}"),
        "forward": _("forward pass"),
        "backward": _("backward pass"),
        "finished": _("Finished: every gradient is shown."),
        "rule": _("upstream × local = downstream"),
        "legend": _("green above an edge: forward value; red below: gradient; keys ← → step"),
        "failed": _("The browser could not lay out the graph: {error}"),
    }


def page(report, layout: str = "dagre", ascii_only: bool = False) -> str:
    """The whole page for ``report``; ``layout`` "graphviz" embeds positions from Graphviz's dot.

    ``ascii_only``: for a stream that cannot encode ∂ (Windows' cp1252 redirected to a file):
    the same page in ASCII, the facts' JSON with \\u escapes and the title with &#...; references."""
    check_page(report.result, layout)
    data = PageFacts(report).data()
    data["words"] = words()
    data["positions"] = None
    if layout == "graphviz":
        from .html_layout import graphviz_positions

        data["positions"] = graphviz_positions(data)
    title = escape(_("Backward pass step by step: {expression}").format(expression=data["expression"]))
    if ascii_only:  # the assets are ASCII; only the title and the facts are the run's text
        title = title.encode("ascii", "xmlcharrefreplace").decode("ascii")
    script = dagre_script() if layout == "dagre" else ""  # Graphviz's positions need no layout library
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
        f"<style>\n{asset('page.css')}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        '<div id="controls"><button id="reset"></button><button id="prev"></button><button id="next"></button>'
        '<button id="all"></button><input id="slider" type="range" min="0" value="0"><span id="step"></span></div>\n'
        '<div id="line"></div>\n<div id="picture"><svg id="graph"></svg></div>\n<p id="legend"></p>\n'
        f'<script type="application/json" id="page-data">{embedded_json(data, ascii_only)}</script>\n'
        f"<script>\n{script}\n</script>\n<script>\n{asset('page.js')}</script>\n</body>\n</html>\n"
    )


def dagre_script() -> str:
    """dagre with its licence (MIT: the notice goes with every copy); its source map is not shipped."""
    notice = "/*! @dagrejs/dagre 3.1.3 (github.com/dagrejs/dagre)\n" + asset("LICENSE-dagre.txt") + "*/\n"
    return notice + asset("dagre.min.js").replace("//# sourceMappingURL=dagre.min.js.map", "")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def embedded_json(data: dict, ascii_only: bool = False) -> str:
    """JSON that cannot end its <script> element early: every ``<`` written ``\\u003c``.

    ``</`` alone is not enough: a ``<!--<script>`` in a program's comment puts the HTML parser
    in a state where ``</script>`` no longer ends the element, and the page stays blank."""
    return json.dumps(data, ensure_ascii=ascii_only, separators=(",", ":")).replace("<", "\\u003c")


def write(report, stream) -> None:
    """``--format html`` (``render.formats``): the page on ``stream``, laid out by dagre."""
    write_page(report, stream, "dagre")


def write_page(report, stream, layout: str) -> None:
    """``--format html [--layout graphviz]``: the page, in ASCII where ``stream`` cannot encode it."""
    text = page(report, layout)
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = page(report, layout, ascii_only=True)
    stream.write(text)
    stream.flush()


def write_file(report, target: files.Target, layout: str = "dagre", stdout=None) -> None:
    """``--html FILE``: the page written to a private temporary file, put in place only when
    complete (``render.files``: renamed over a file, written through to a device or FIFO)."""
    text = page(report, layout)
    with files.removed_on_signals():
        files.write_whole(target, ".backprop-html-", lambda stream: stream.write(text), stdout)
