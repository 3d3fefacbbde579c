"""``backprop perceptron``: a request from the command line, checked, run in one of four modes.

table (default): the unit's truth table beside the gate's, the verdict, the exact region
and its chart (``--plot FILE``: a PNG); ``--learn``: the learning rule; ``--layers 2``:
two layers of units; ``--collapse``: two linear layers against their product.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from ..errors import UsageError
from ..i18n import _
from . import collapse, documents, layers, step, text, text_layers
from .gates import DEFAULT_THETA, DEFAULT_WEIGHTS, parse_gate
from .learning import learn
from .numbers import exact_number
from .region import Region
from .unit import compare


@dataclass
class PerceptronRequest:
    """Everything the ``perceptron`` command line asked for, as typed (None: not given)."""

    gate: str | None = None
    theta: str | None = None
    weights: tuple[str, str] | None = None
    json: bool = False
    learn: bool = False
    rate: str | None = None
    epochs: int | None = None
    seed: int | None = None
    plot: str | None = None
    layers: int = 1
    hidden_weights: str | None = None
    output_weights: str | None = None
    collapse: bool = False


def _mode(request: PerceptronRequest) -> str:
    """table, learn, layers or collapse; exit 2 when options of different modes are mixed."""
    if request.layers not in (1, 2):
        raise UsageError(_("--layers must be 1 or 2, got {layers}").format(layers=request.layers))
    chosen = [
        name
        for name, on in (("--learn", request.learn), ("--layers 2", request.layers == 2), ("--collapse", request.collapse))
        if on
    ]
    if len(chosen) > 1:
        raise UsageError(_("choose one of --learn, --layers 2 and --collapse, not {both}").format(both=" and ".join(chosen)))
    mode = {"--learn": "learn", "--layers 2": "layers", "--collapse": "collapse"}.get(chosen[0] if chosen else "", "table")
    stray = {
        "--weights": request.weights is not None and mode != "table",
        "--theta": request.theta is not None and mode != "table",
        "--plot": request.plot is not None and mode != "table",
        "--rate": request.rate is not None and mode != "learn",
        "--epochs": request.epochs is not None and mode != "learn",
        "--seed": request.seed is not None and mode not in ("learn", "collapse"),
        "--hidden-weights": request.hidden_weights is not None and mode not in ("layers", "collapse"),
        "--output-weights": request.output_weights is not None and mode not in ("layers", "collapse"),
    }
    for option, wrong in stray.items():
        if wrong:
            words = {"table": _("the truth table"), "learn": "--learn", "layers": "--layers 2", "collapse": "--collapse"}
            raise UsageError(_("{option} does not go with {mode}").format(option=option, mode=words[mode]))
    if request.gate is not None and mode == "collapse":
        raise UsageError(_("--collapse takes no GATE: its inputs are every 0/1 vector of W1's width"))
    if request.gate is None and mode != "collapse":
        raise UsageError(_("give a GATE: and, or, nand, nor or xor (only --collapse needs none)"))
    return mode


def run_perceptron(request: PerceptronRequest, stdout=None) -> None:
    """Run one ``perceptron`` request; raises BackpropError subclasses for the exit code."""
    stdout = stdout or sys.stdout
    mode = _mode(request)
    gate = parse_gate(request.gate) if request.gate is not None else None
    document, lines = MODES[mode](request, gate)
    if request.json:
        stdout.write(json.dumps(document) + "\n")
    else:
        stdout.write("\n".join(lines) + "\n")
    stdout.flush()


def _table(request: PerceptronRequest, gate: str):
    theta = exact_number(request.theta, "--theta") if request.theta is not None else DEFAULT_THETA[gate]
    if request.weights is not None:
        weights = tuple(exact_number(value, "--weights") for value in request.weights)
    else:
        weights = DEFAULT_WEIGHTS[gate]
    rows, region = compare(gate, weights, theta), Region(gate, theta)
    if request.plot:
        from .plot import write_region_plot

        write_region_plot(request.plot, region, text.marks(gate, weights))
    lines = text.compare_lines(gate, weights, theta, rows) + [""] + text.region_lines(region, weights)
    return documents.compare(gate, weights, theta, rows, region), lines


def _learn(request: PerceptronRequest, gate: str):
    rate = exact_number(request.rate, "--rate") if request.rate is not None else exact_number("0.1", "--rate")
    run = learn(gate, rate, 20 if request.epochs is None else request.epochs, request.seed)
    return documents.learning(run), text.learning_lines(run)


def _layers(request: PerceptronRequest, gate: str):
    net = layers.network(gate, request.hidden_weights, request.output_weights)
    rows = layers.table(net, gate)
    lines = text_layers.layers_lines(net, gate, rows)
    found = step.gradients(step.STEP), step.gradients(step.SMOOTH)
    if gate == "xor":
        lines += [""] + text_layers.step_lines(*found)
    return documents.layers(net, gate, rows, *found), lines


def _collapse(request: PerceptronRequest, gate: str | None):
    layers_ = collapse.layers(request.hidden_weights, request.output_weights, request.seed)
    return documents.collapse(layers_), text_layers.collapse_lines(layers_)


MODES = {"table": _table, "learn": _learn, "layers": _layers, "collapse": _collapse}
