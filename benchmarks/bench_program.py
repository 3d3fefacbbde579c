"""Programs scale linearly in their statements (issue #11, item 8).

    python benchmarks/bench_program.py [--runs 3]

Target: a 20,000-statement program, whole process (``grad @FILE --quiet``), <= 2 s.
Two shapes: a chain of new names (``a1 = a0*x + y``) and one name re-assigned over
and over (``c = c*x + y``, named c, c', ..., c'20000). The per-statement time is
printed for 10k, 20k and 100k statements: flat per-statement figures mean linear.
Nothing here asserts: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = {
    "new names": lambda n: ["a0 = x*y"] + [f"a{i} = a{i - 1}*x + y" for i in range(1, n)],
    "re-assigned": lambda n: ["c = x*y"] + ["c = c*x + y"] * (n - 1),
}


def whole_process(path: Path, runs: int) -> float:
    """Median seconds of ``backprop grad @path --quiet`` over ``runs`` runs."""
    command = [sys.executable, "-m", "backprop_cli", "grad", f"@{path}", "-x", "1.0", "-y", "0.5", "--quiet"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'shape':<12} {'statements':>10} {'whole process':>14} {'per statement':>14}")
        for shape, lines in SHAPES.items():
            for count in (10_000, 20_000, 100_000):
                path = Path(folder) / f"{count}.bp"
                path.write_text("\n".join(lines(count)))
                seconds = whole_process(path, args.runs)
                print(f"{shape:<12} {count:>10,} {seconds:>12.2f} s {seconds / count * 1e6:>11.1f} µs")
    print("target: 20,000 statements <= 2 s whole process")


if __name__ == "__main__":
    main()
