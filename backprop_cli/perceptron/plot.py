"""``perceptron --plot FILE``: the region as a PNG (matplotlib, the optional ``plot`` extra, as train's plot)."""

from __future__ import annotations

from ..errors import UsageError
from ..i18n import _
from ..inputs.files import os_reason
from .numbers import show
from .region import Region, polygon, window


def _pyplot():
    """matplotlib's pyplot on the Agg backend (no display), or exit 2 saying how to install it."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError(_("--plot needs matplotlib: pip install 'backprop-cli[plot]' (or pip install matplotlib)")) from None
    return plt


def write_region_plot(path: str, region: Region, marks: list[tuple[str, tuple]]) -> None:
    """The square of (w1, w2) around 0 with the region filled, its three boundary lines and the marks."""
    plt = _pyplot()
    span = float(window(region.theta))
    theta = float(region.theta)
    figure, axes = plt.subplots(figsize=(5.5, 5.5))
    corners = polygon(region)
    if corners:
        axes.fill([float(a) for a, _b in corners], [float(b) for _a, b in corners], color="tab:blue", alpha=0.35)
    else:
        axes.text(0, span * 0.85, "empty: no (w1, w2) works", ha="center", color="tab:red")
    axes.axvline(theta, color="gray", linestyle="--", linewidth=0.8)  # w1 = θ
    axes.axhline(theta, color="gray", linestyle="--", linewidth=0.8)  # w2 = θ
    axes.plot([-span, span], [theta + span, theta - span], color="gray", linestyle=":", linewidth=0.8)  # w1 + w2 = θ
    for letter, (w1, w2) in marks:
        axes.plot(float(w1), float(w2), "o", color="black")
        axes.annotate(f"{letter} ({show(w1)}, {show(w2)})", (float(w1), float(w2)), textcoords="offset points", xytext=(5, 5))
    axes.set_xlim(-span, span)
    axes.set_ylim(-span, span)
    axes.set_aspect("equal")
    axes.axhline(0, color="black", linewidth=0.5)
    axes.axvline(0, color="black", linewidth=0.5)
    axes.set_xlabel("w1")
    axes.set_ylabel("w2")
    axes.set_title(f"backprop perceptron: {region.gate.upper()} at θ = {show(region.theta)}")
    try:
        figure.savefig(path, dpi=100, bbox_inches="tight")
    except OSError as error:
        raise UsageError(_("cannot write plot {path}: {reason}").format(path=path, reason=os_reason(error))) from None
    finally:
        plt.close(figure)
