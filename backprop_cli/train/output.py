"""Output of ``backprop train``: progress bar, summary with a loss chart, JSON, PNG plot."""

from __future__ import annotations

import math
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict

from ..i18n import N_, _, ngettext
from ..render.png import figure_to
from .training import TrainResult

_BLOCKS = " ▁▂▃▄▅▆▇█"
HISTORY_POINTS = 100  # loss history samples in --json


@contextmanager
def progress(total: int, stream=None):
    """A Rich progress bar on a terminal (step, loss, steps/s); nothing in a pipe.

    Yields the callback ``training.train`` calls after each step (in a pipe it only
    counts them), so that Ctrl-C can say where the run stopped: one line on ``stream``,
    then the KeyboardInterrupt goes on (``cli.main`` exits 130).
    """
    stream = stream or sys.stderr
    done = [0]  # steps finished so far

    def count(step: int, loss: float) -> None:
        done[0] = step

    try:
        if total == 0 or not stream.isatty():
            yield count
        else:
            with _bar(total, stream, count) as update:
                yield update
    except KeyboardInterrupt:
        message = _("interrupted at step {step} of {total}; no output written")
        stream.write(f"backprop: {message.format(step=min(done[0] + 1, total), total=total)}\n")
        stream.flush()
        raise


@contextmanager
def _bar(total: int, stream, count):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [
        TextColumn(_("training")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(_("loss {value}").format(value="{task.fields[loss]}")),
        TextColumn(_("{rate} steps/s").format(rate="{task.fields[rate]}")),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("train", total=total, loss="-", rate="-")
        start = last = time.perf_counter()

        def update(step: int, loss: float) -> None:
            nonlocal last
            count(step, loss)
            now = time.perf_counter()
            if now - last >= 0.1 or step == total:  # redrawing every step would cost more than a step
                rate = step / (now - start) if now > start else 0.0
                bar.update(task, completed=step, loss=f"{loss:.4g}", rate=f"{rate:,.0f}")
                last = now

        yield update


_SETS = {"train": N_("train"), "held_out": N_("held-out")}  # result.accuracy's keys, as the summary names them
LABEL = 12  # the y labels' width: "2.464e+04 ┤"
MIN_PLOT = 10  # columns of the chart however narrow the terminal


def loss_chart(losses: list[float], width: int | None = None, height: int = 8, first_step: int = 1) -> list[str]:
    """The loss curve as a block chart ``width`` characters wide (the terminal's by default).

    Every step is in the chart: column ``c`` covers its share of the steps and rises to
    their highest loss, so the first column reaches the run's maximum; the scale runs from
    the run's minimum to its maximum (log scale when that spans over 100×), and the lowest
    column still shows a block (▁), never a blank. Starts with the title line.
    """
    if not losses:
        return []
    width = width or shutil.get_terminal_size().columns
    count = min(max(MIN_PLOT, width - LABEL), len(losses))
    cuts = [c * len(losses) // count for c in range(count + 1)]
    values = [max(losses[cuts[c] : cuts[c + 1]]) for c in range(count)]
    low, high = min(losses), max(losses)
    logarithmic = low > 0 and high / low > 100
    scale = math.log10 if logarithmic else float
    lo, span = scale(low), (scale(high) - scale(low)) or 1.0
    levels = [1 + round((scale(v) - lo) / span * (height * 8 - 1)) for v in values]
    rows = ["  " + _("loss") + ("   " + _("(log scale)") if logarithmic else "")]
    for row in range(height - 1, -1, -1):
        line = "".join(_BLOCKS[max(0, min(8, level - row * 8))] for level in levels)
        label = f"{high:>10.4g} ┤" if row == height - 1 else f"{low:>10.4g} ┤" if row == 0 else " " * 10 + " │"
        rows.append(label + line)
    rows.append(" " * 11 + "└" + "─" * count)
    left, right = _("step {step}").format(step=first_step), str(first_step + len(losses) - 1)
    rows.append(" " * LABEL + left + " " * max(1, count - _columns(left) - len(right)) + right)
    return rows


def _columns(text: str) -> int:
    """Terminal columns of ``text``: a wide (Korean) character takes two."""
    from unicodedata import east_asian_width

    return len(text) + sum(east_asian_width(c) in "WF" for c in text)


def _dataset_words(data) -> str:
    """``Dataset.describe()`` (which --json keeps in English) in the run's language."""
    test = _(", {count} held out").format(count=len(data.x_test)) if data.x_test is not None else ""
    if data.classes:
        kind = ngettext("{count} class", "{count} classes", data.classes).format(count=data.classes)
    else:
        kind = ngettext("{count} target", "{count} targets", data.outputs).format(count=data.outputs)
    return f"{data.name}: {len(data.x_train)} × {data.x_train.shape[1]} → {kind}{test}"


def summary_lines(result: TrainResult) -> list[str]:
    """The human summary printed after training."""
    config, data = result.config, result.data
    layers = f"{data.x_train.shape[1]} → {config.hidden} ({config.activation}) → {data.outputs}"
    batch = _("full batch") if config.batch_size is None else _("batch {size}").format(size=config.batch_size)
    # Two lines: one would be over 80 columns (a terminal's width) for the lecture's network.
    network = _("  network {layers}, {loss} loss").format(layers=layers, loss=config.loss)
    settings = _("  lr {lr}, reg {reg}, {batch}, {dtype}, seed {seed}")
    settings = settings.format(lr=f"{config.lr:g}", reg=f"{config.reg:g}", batch=batch, dtype=config.dtype, seed=config.seed)
    lines = [f"backprop train: {_dataset_words(data)}", network, settings]
    if result.losses:
        first, last = f"{result.losses[0]:.6g}", f"{result.losses[-1]:.6g}"
        steps = {"start": result.start_step + 1, "end": result.start_step + len(result.losses)}
        lines.append(_("  loss {first} at step {start} → {last} at step {end}").format(first=first, last=last, **steps))
        if result.threads is None:
            threads = ""
        else:
            threads = ngettext(", {count} BLAS thread", ", {count} BLAS threads", result.threads).format(count=result.threads)
        speed = _("  {rate} steps/s, {seconds} s").format(rate=f"{result.steps_per_second:,.0f}", seconds=f"{result.seconds:.2f}")
        lines.append(speed + threads)
    for name, value in result.accuracy.items():
        shown = _(_SETS.get(name, name.replace("_", "-")))
        lines.append(_("  {name} accuracy {percent} %").format(name=shown, percent=f"{value * 100:.1f}"))
    if result.gradcheck is not None:
        check = result.gradcheck
        verdict = _("ok") if check["ok"] else _("FAILED")
        message = _("  gradient check: max relative error {error} ({verdict}, limit {limit})")
        lines.append(message.format(error=f"{check['max_relative_error']:.2e}", verdict=verdict, limit=f"{check['limit']:.0e}"))
    if result.saved is not None:
        lines.append(_("  saved to {path}").format(path=result.saved))
    if len(result.losses) > 1:
        lines += ["", *loss_chart(result.losses, first_step=result.start_step + 1)]
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
    """The loss curve as a PNG (matplotlib, the optional `plot` extra: ``render.png``)."""
    steps = range(result.start_step + 1, result.start_step + len(result.losses) + 1)
    with figure_to(path, "--plot", (7, 4)) as (_figure, axes):
        axes.plot(steps, result.losses)
        if result.losses and min(result.losses) > 0:
            axes.set_yscale("log")
        axes.set_xlabel("step")
        axes.set_ylabel(f"{result.config.loss} loss")
        axes.set_title(f"backprop train: {result.config.dataset}, hidden {result.config.hidden}, lr {result.config.lr:g}")
        axes.grid(True, alpha=0.3)
