"""Output of ``backprop train``: progress bar, summary with a loss chart, JSON, PNG plot."""

from __future__ import annotations

import math
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict

from ..errors import UsageError
from .training import TrainResult

_BLOCKS = " ▁▂▃▄▅▆▇█"
HISTORY_POINTS = 100  # loss history samples in --json


@contextmanager
def progress(total: int, stream=None):
    """A Rich progress bar on a terminal (step, loss, steps/s); nothing in a pipe.

    Yields the callback ``training.train`` calls after each step, or None.
    """
    stream = stream or sys.stderr
    if total == 0 or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [
        TextColumn("training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]}"),
        TextColumn("{task.fields[rate]} steps/s"),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("train", total=total, loss="-", rate="-")
        start = last = time.perf_counter()

        def update(step: int, loss: float) -> None:
            nonlocal last
            now = time.perf_counter()
            if now - last >= 0.1 or step == total:  # redrawing every step would cost more than a step
                rate = step / (now - start) if now > start else 0.0
                bar.update(task, completed=step, loss=f"{loss:.4g}", rate=f"{rate:,.0f}")
                last = now

        yield update


def loss_chart(losses: list[float], width: int = 60, height: int = 8) -> list[str]:
    """A small block chart of the loss curve (log scale when it spans over 100×)."""
    if not losses:
        return []
    count = min(width, len(losses))
    values = [losses[int(i * (len(losses) - 1) / max(1, count - 1))] for i in range(count)]  # first and last included
    low, high = min(values), max(values)
    logarithmic = low > 0 and high / low > 100
    scale = (lambda v: math.log10(v)) if logarithmic else (lambda v: v)  # noqa: E731
    lo, hi = scale(low), scale(high)
    span = (hi - lo) or 1.0
    levels = [round((scale(v) - lo) / span * height * 8) for v in values]
    rows = []
    for row in range(height - 1, -1, -1):
        line = "".join(_BLOCKS[max(0, min(8, level - row * 8))] for level in levels)
        label = f"{high:>10.4g} ┤" if row == height - 1 else f"{low:>10.4g} ┤" if row == 0 else " " * 10 + " │"
        rows.append(label + line)
    rows.append(" " * 11 + "└" + "─" * len(values))
    axis = f"step 1{'':>{max(1, len(values) - 12)}}{len(losses)}"
    rows.append(" " * 12 + axis + ("   (log scale)" if logarithmic else ""))
    return rows


def summary_lines(result: TrainResult) -> list[str]:
    """The human summary printed after training."""
    config, data = result.config, result.data
    layers = f"{data.x_train.shape[1]} → {config.hidden} ({config.activation}) → {data.outputs}"
    batch = "full batch" if config.batch_size is None else f"batch {config.batch_size}"
    lines = [
        f"backprop train: {data.describe()}",
        f"  network {layers}, {config.loss} loss, lr {config.lr:g}, reg {config.reg:g}, {batch}, "
        f"{config.dtype}, seed {config.seed}",
    ]
    if result.losses:
        lines.append(
            f"  loss {result.losses[0]:.6g} at step {result.start_step + 1} → {result.losses[-1]:.6g} "
            f"at step {result.start_step + len(result.losses)}"
        )
        threads = "" if result.threads is None else f", {result.threads} BLAS thread{'s' if result.threads > 1 else ''}"
        lines.append(f"  {result.steps_per_second:,.0f} steps/s, {result.seconds:.2f} s{threads}")
    for name, value in result.accuracy.items():
        lines.append(f"  {name.replace('_', '-')} accuracy {value * 100:.1f} %")
    if result.gradcheck is not None:
        check = result.gradcheck
        verdict = "ok" if check["ok"] else "FAILED"
        lines.append(
            f"  gradient check: max relative error {check['max_relative_error']:.2e} ({verdict}, limit {check['limit']:.0e})"
        )
    if result.saved is not None:
        lines.append(f"  saved to {result.saved}")
    if len(result.losses) > 1:
        lines += ["", "  loss", *loss_chart(result.losses)]
    return lines


def json_document(result: TrainResult) -> dict:
    """``--json``: one object with the configuration, results and a sampled loss history."""
    losses = result.losses
    every = max(1, math.ceil(len(losses) / HISTORY_POINTS))
    history = [[result.start_step + i + 1, losses[i]] for i in range(0, len(losses), every)]
    if losses and history[-1][0] != result.start_step + len(losses):
        history.append([result.start_step + len(losses), losses[-1]])
    return {
        "config": asdict(result.config),
        "dataset": result.data.describe(),
        "initial_loss": losses[0] if losses else None,
        "final_loss": losses[-1] if losses else None,
        "accuracy": result.accuracy,
        "loss_history": history,
        "steps": len(losses),
        "steps_per_second": result.steps_per_second,
        "wall_time": result.seconds,
        "gradcheck": result.gradcheck,
        "saved": result.saved,
    }


def write_plot(path: str, result: TrainResult) -> None:
    """The loss curve as a PNG (matplotlib, the optional `plot` extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install 'backprop-cli[plot]' (or pip install matplotlib)") from None
    steps = range(result.start_step + 1, result.start_step + len(result.losses) + 1)
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot(steps, result.losses)
    if result.losses and min(result.losses) > 0:
        axes.set_yscale("log")
    axes.set_xlabel("step")
    axes.set_ylabel(f"{result.config.loss} loss")
    axes.set_title(f"backprop train: {result.config.dataset}, hidden {result.config.hidden}, lr {result.config.lr:g}")
    axes.grid(True, alpha=0.3)
    try:
        figure.savefig(path, dpi=100, bbox_inches="tight")
    except OSError as error:
        raise UsageError(f"cannot write plot {path}: {error.strerror}") from None
    finally:
        plt.close(figure)
