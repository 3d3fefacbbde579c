"""``train``'s loss chart fits the terminal and shows the whole run; Ctrl-C names its step (issue #13).

Chart levels worked out by hand: a chart ``height`` rows high has ``8·height`` eighths;
the run's minimum is 1 eighth (▁, never blank), its maximum ``8·height``, and a value
``v`` between them ``1 + round((v - min) / (max - min) · (8·height - 1))`` (on log10 when
max/min > 100).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from backprop_cli.train import network
from backprop_cli.train.output import LABEL, loss_chart


def _plot(chart: list[str]) -> list[str]:
    """The chart's block rows without their labels."""
    return [line[LABEL:] for line in chart[1:-2]]


def test_linear_chart_levels_and_labels():
    # [10, 7, 4, 1], 3 rows (24 eighths): levels 24, 1+round(15.33)=16, 1+round(7.67)=9, 1
    chart = loss_chart([10.0, 7.0, 4.0, 1.0], width=LABEL + 4, height=3)
    assert chart == [
        "  loss",
        "        10 ┤█   ",
        "           │██▁ ",
        "         1 ┤███▁",
        "           └────",
        "            step 1 4",
    ]


def test_log_scale_is_said_in_the_title_and_the_minimum_is_never_blank():
    # log10: 3, 2, 1, 0 -> the same levels as above
    chart = loss_chart([1000.0, 100.0, 10.0, 1.0], width=LABEL + 4, height=3)
    assert chart[0] == "  loss   (log scale)"
    assert _plot(chart) == ["█   ", "██▁ ", "███▁"]
    assert chart[-1] == "            step 1 4"


def test_every_step_is_in_the_chart():
    # 100 steps in 10 columns of 10 steps: the one spike (step 50) lands in column 5,
    # which an every-11th-step sample (0, 11, ..., 99) would miss
    losses = [1.0] * 100
    losses[49] = 2.0
    chart = loss_chart(losses, width=LABEL + 10, height=2)
    assert _plot(chart) == ["    █     ", "▁▁▁▁█▁▁▁▁▁"]
    assert chart[1].startswith("         2 ┤") and chart[2].startswith("         1 ┤")
    assert chart[-1] == "            step 1 100"  # the last step under the last column


def test_the_scale_is_the_runs_minimum_and_maximum():
    # 40 steps in 10 columns of 4; the maximum 9 (step 3) and the minimum 0.25 (step 27)
    losses = [4.0, 5.0, 9.0, 3.0] + [1.0] * 36
    losses[26] = 0.25
    chart = loss_chart(losses, width=LABEL + 10, height=4)
    assert chart[1].startswith("         9 ┤") and chart[4].startswith("      0.25 ┤")
    # highest of each column: 9, then 1; levels 32 and 1 + round(0.75/8.75·31) = 4
    assert _plot(chart) == ["█" + " " * 9, "█" + " " * 9, "█" + " " * 9, "█" + "▄" * 9]


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_chart_fills_the_width_it_is_given(width):
    losses = [1000.0 / (step + 1) for step in range(1000)]
    chart = loss_chart(losses, width=width)
    assert max(len(line) for line in chart) == width
    assert all(len(line) == width for line in chart[1:-2])  # every block row is the full width
    assert chart[-1].endswith("1000") and len(chart[-1]) == width


def test_a_short_run_is_one_column_per_step():
    chart = loss_chart([3.0, 2.0, 1.0], width=120, height=1)
    assert _plot(chart) == ["█▅▁"]  # 8 eighths: 8, 1 + round(3.5) = 5, 1
    assert chart[-1] == "            step 1 3"


def test_a_resumed_run_counts_its_steps_from_where_it_started():
    chart = loss_chart([2.0, 1.0], width=80, height=1, first_step=1001)
    assert chart[-1] == "            step 1001 1002"


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_train_output_chart_fits_columns(cli, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    out = cli("train", "--steps", "200").out
    chart = out[out.index("  loss\n") :].splitlines()
    assert len(chart) == 11  # title, 8 rows, rule, axis
    assert all(len(line) <= int(columns) for line in chart)
    assert len(chart[1]) == int(columns) and chart[-1].endswith(" 200")
    assert all(line[LABEL] != " " for line in chart[1:9])  # the first column reaches the top
    assert " " not in chart[8][LABEL:]  # the bottom row: a block in every column


def _stop_at(monkeypatch, stop: int) -> None:
    """Make LectureLoop.step raise KeyboardInterrupt on its ``stop``-th call, as Ctrl-C would."""
    calls = []

    def step(loop) -> float:
        calls.append(1)
        if len(calls) == stop:
            raise KeyboardInterrupt
        return 1.0

    monkeypatch.setattr(network.LectureLoop, "step", step)


def test_ctrl_c_says_at_which_step_and_exits_130(cli, monkeypatch):
    _stop_at(monkeypatch, 412)
    run = cli("train", "--steps", "1000")
    assert run.code == 130
    assert run.err == "backprop: interrupted at step 412 of 1000; no output written\n"
    assert run.out == ""


def test_ctrl_c_on_the_first_step(cli, monkeypatch):
    _stop_at(monkeypatch, 1)
    run = cli("train", "--steps", "5", "--json")
    assert (run.code, run.err, run.out) == (130, "backprop: interrupted at step 1 of 5; no output written\n", "")


def test_a_real_sigint_during_training(tmp_path):
    # the process sends itself SIGINT during its 7th step, as Ctrl-C would
    script = textwrap.dedent(
        """
        import os, signal
        from backprop_cli.cli import main
        from backprop_cli.train import network
        calls = []
        def step(loop):
            calls.append(1)
            if len(calls) == 7:
                os.kill(os.getpid(), signal.SIGINT)
            return 1.0
        network.LectureLoop.step = step
        main(["train", "--steps", "50"])
        """
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 130
    assert done.stderr.strip().splitlines()[-1] in (
        "backprop: interrupted at step 7 of 50; no output written",
        "backprop: interrupted at step 8 of 50; no output written",  # the signal may land just after step 7 returned
    )
