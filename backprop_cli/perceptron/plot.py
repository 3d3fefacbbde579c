"""``perceptron --plot FILE``: the region as a PNG (matplotlib, the optional ``plot`` extra, as train's plot)."""

from __future__ import annotations

from ..render.png import figure_to
from .numbers import show
from .region import Region, polygon, window


def write_region_plot(path: str, region: Region, marks: list[tuple[str, tuple]]) -> None:
    """The square of (w1, w2) around 0 with the region filled, its three boundary lines and the marks."""
    span = float(window(region.theta))
    theta = float(region.theta)
    with figure_to(path, "--plot", (5.5, 5.5)) as (_figure, axes):
        _draw_region(axes, region, marks, span, theta)


def _draw_region(axes, region: Region, marks: list[tuple[str, tuple]], span: float, theta: float) -> None:
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
