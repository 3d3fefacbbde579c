"""Speed of ``backprop mark`` on a class, whole process, beside ``python -c "import typer"``.

    python benchmarks/bench_mark.py [--runs 7] [--students 500]

Target (issue #14): marking a class of 500 sheets of 20 nodes each, whole process, <= 3 s on
a 2-core machine. The class is made in a temporary folder: one key per student (the same
graph of about 20 nodes at different numbers), and sheets with what students hand in: right
answers rounded to 4 digits, an early slip carried through, a swapped switcher, blanks and a
text cell. Whole-process times are medians of interleaved runs. Nothing here asserts: it
prints figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_grad import backprop_command, median_times  # noqa: E402

# 20 nodes and 7 variables: the lectures' neuron on three inputs, a max gate, fan-outs, a subtraction
EXPRESSION = "1/(1+exp(-(w0*x0+w1*x1+w2*x2+b))) * max(x0, x1) - x0*x2 + tanh(w0) + x1*x2 + b*b"


def make_class(folder: Path, students: int) -> list[str]:
    """Keys and sheets for ``students`` students; returns the sheet paths."""
    from backprop_cli.engine.scalar import evaluate
    from backprop_cli.language.graph import stage
    from backprop_cli.report.worksheet import key_from_evaluation, keys_document

    chooser = random.Random(14)
    graph = stage(EXPRESSION)
    keys, sheets = [], []
    for number in range(students):
        bindings = {name: float(chooser.choice([-3, -2, -1, 1, 2, 3])) for name in graph.variables}
        student = f"s{number:03d}"
        key = key_from_evaluation(evaluate(graph, bindings), EXPRESSION, bindings, student=student)
        keys.append(key)
        path = folder / f"{student}.csv"
        path.write_text(sheet_text(key, student, chooser), encoding="utf-8")
        sheets.append(str(path))
    (folder / "keys.json").write_text(json.dumps(keys_document(keys)), encoding="utf-8")
    return sheets


def sheet_text(key, student: str, chooser: random.Random) -> str:
    """A filled-in sheet: mostly right (4 digits), with the slips students make."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([["#exercise", key.exercise], ["#student", student], ["node", "expr", "value", "gradient"]])
    slip = chooser.random()
    for index, cell in enumerate(key.cells):
        value = f"{cell.value:g}" if cell.op is None else f"{cell.value:.4g}"
        gradient = f"{cell.gradient:.4g}"
        if slip < 0.2 and index == len(key.cells) // 2:
            value = f"{cell.value + 1:.4g}"  # an early slip: the rest is carried or wrong
        elif slip < 0.4 and cell.op == "mul":
            gradient = f"{-cell.gradient:.4g}"
        elif slip < 0.5 and index % 7 == 3:
            value, gradient = ("", "") if cell.op else (value, "abc")
        writer.writerow([cell.node, cell.expr, value, gradient])
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--students", type=int, default=500)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    backprop = backprop_command()
    with tempfile.TemporaryDirectory() as folder:
        sheets = make_class(Path(folder), args.students)
        keys = str(Path(folder) / "keys.json")
        nodes = sum(1 for line in Path(sheets[0]).read_text().splitlines()[3:])
        commands = {
            "python -c 'import typer'": [sys.executable, "-c", "import typer"],
            "mark --output results.csv (+ item analysis)": [
                *backprop, "mark", "--keys", keys, *sheets, "--output", str(Path(folder) / "results.csv")
            ],
            "mark, CSV to stdout": [*backprop, "mark", "--keys", keys, *sheets],
            "mark --json": [*backprop, "mark", "--keys", keys, *sheets, "--json"],
            "mark one sheet (table)": [*backprop, "mark", sheets[0], "--keys", keys],
        }  # fmt: skip
        times = median_times(commands, args.runs)
        rows = (Path(folder) / "results.csv").read_text().count("\n") - 1
    print(f"\n== a class of {args.students} sheets, {nodes} rows each ({rows} results rows), median of {args.runs}")
    for name, seconds in times.items():
        print(f"  {name:<46} {seconds:6.2f} s")
    print(f"  target: the class <= 3 s whole process on 2 cores; {times['mark --output results.csv (+ item analysis)']:.2f} s")


if __name__ == "__main__":
    main()
