"""Speed of max/min with many arguments, whole process, each output format.

    python benchmarks/bench_nary.py [--sizes 500,5000]

Target (issue #11, item 10): max/min of 500 and of 5000 distinct variables, and
max(x, x, ..., x) of 500 copies, for ``--quiet``, ``--json`` and the table, each
within a couple of seconds whole process, with no RecursionError. (The table of a
5000-input node is mostly Rich laying out 5000 rows: see bench_grad.py for the
renderers.) Nothing here asserts: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = {"quiet": ["--quiet"], "json": ["--json"], "table": []}


def _time(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "backprop_cli", *args], capture_output=True)
    return time.perf_counter() - start, run.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for n in sizes:
            names = [f"x{i}" for i in range(n)]
            bindings = Path(tmp, f"b{n}.json")
            bindings.write_text(json.dumps({name: float(i % 7) for i, name in enumerate(names)}))
            for op in ("max", "min"):
                source = Path(tmp, f"{op}{n}.txt")
                source.write_text(f"{op}({', '.join(names)})")
                cases.append((f"{op} of {n} variables", ["grad", f"@{source}", "--bindings", str(bindings)]))
            copies = Path(tmp, f"copies{n}.txt")
            copies.write_text(f"max({', '.join(['x'] * n)})")
            cases.append((f"max of {n} copies of x", ["grad", f"@{copies}", "-x", "1"]))
        print(f"{'case':28} " + " ".join(f"{name:>12}" for name in FORMATS))
        for label, args in cases:
            cells = []
            for extra in FORMATS.values():
                seconds, code = _time(args + extra)
                cells.append(f"{seconds:9.2f} s{'' if code == 0 else f' ({code})':>2}")
            print(f"{label:28} " + " ".join(f"{c:>12}" for c in cells))


if __name__ == "__main__":
    main()
