"""``perceptron --json``: one JSON object per run, keys in English (scripts read them), numbers as floats."""

from __future__ import annotations

from .collapse import TOLERANCE, Collapse
from .layers import Network, Unit
from .learning import Learning
from .region import Region


def _floats(values) -> list[float]:
    return [float(v) for v in values]


def _region(region: Region) -> dict:
    bounds = [{"x": list(b.x), "relation": ">" if b.fires else "<=", "text": b.text(region.theta)} for b in region.bounds]
    return {"empty": region.empty_reason() is not None, "origin_ok": region.origin_ok, "bounds": bounds}


def compare(gate: str, weights, theta, rows, region: Region) -> dict:
    """The truth tables side by side, the verdict and the exact region."""
    table = [{"x": list(r.x), "net": float(r.net), "unit": r.unit, "gate": r.gate, "right": r.right} for r in rows]
    return {
        "mode": "table",
        "gate": gate,
        "theta": float(theta),
        "weights": _floats(weights),
        "rows": table,
        "implements": all(r.right for r in rows),
        "region": _region(region),
    }


def learning(run: Learning) -> dict:
    """The start, every epoch, and whether the rule converged."""
    (w1, w2), theta = run.start
    epochs = [
        {"epoch": e.epoch, "weights": _floats(e.weights), "theta": float(e.theta), "mistakes": e.mistakes} for e in run.epochs
    ]
    return {
        "mode": "learn",
        "gate": run.gate,
        "rate": float(run.rate),
        "seed": run.seed,
        "max_epochs": run.limit,
        "start": {"weights": [float(w1), float(w2)], "theta": float(theta)},
        "epochs": epochs,
        "converged": run.converged,
        "linearly_separable": run.gate != "xor",
    }


def _unit(unit: Unit) -> dict:
    return {"name": unit.name, "weights": _floats(unit.weights), "theta": float(unit.theta)}


def layers(net: Network, gate: str, rows, step: list, smooth: list) -> dict:
    """The units, each input row through them, and the step's gradients beside sigmoid's."""
    table = [{"x": list(x), "hidden": list(h), "output": y, "gate": t, "right": y == t} for x, h, y, t in rows]
    return {
        "mode": "layers",
        "gate": gate,
        "hidden": [_unit(u) for u in net.hidden],
        "output": _unit(net.output),
        "rows": table,
        "implements": all(row["right"] for row in table),
        "step_gradients": [{"x": x, "value": v, "gradient": g} for x, v, g in step],
        "sigmoid_gradients": [{"x": x, "value": v, "gradient": g} for x, v, g in smooth],
    }


def collapse(c: Collapse) -> dict:
    """W1, W2, their product, both sides on every input, and whether they agree to TOLERANCE."""
    rows = [{"x": list(x), "layered": a, "product": b, "difference": d} for x, a, b, d in c.rows()]
    document = {"mode": "collapse", "seed": c.seed, "w1": c.w1, "w2": c.w2, "product": c.product, "rows": rows}
    return document | {"same": c.same(), "tolerance": TOLERANCE}
