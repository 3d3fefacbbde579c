"""Speed of vector mode on the lectures' 2-layer loss, beside the hand-written NumPy backward pass.

    python benchmarks/bench_vector.py [--repeats 20]

Target (issue "vector and matrix mode"): ``grad`` of
``sum((sigmoid(X @ W1) @ W2 - Y)**2)`` at N=64, D=1000, H=100, C=10 within 3x of the
hand-written backward pass, parse and staging included, measured in the same run
(median of --repeats, in-process; whole-process time printed too). Both compute the
gradients of W1 and W2 only (``--wrt W1,W2``), as the hand-written pass does.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from backprop_cli.engine import arrays as array_engine
from backprop_cli.language.graph import stage
from backprop_cli.train import network

LOSS = "sum((sigmoid(X @ W1) @ W2 - Y)**2)"
N, D, H, C = 64, 1000, 100, 10


def median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    arrays = {
        "X": rng.standard_normal((N, D)),
        "Y": rng.standard_normal((N, C)),
        "W1": rng.standard_normal((D, H)) / np.sqrt(D),
        "W2": rng.standard_normal((H, C)) / np.sqrt(H),
    }

    def hand_written():
        return network.loss_and_grads(
            network.Weights(arrays["W1"], arrays["W2"]), arrays["X"], arrays["Y"], "sigmoid", "l2", 0.0, False
        )

    def ours():
        return array_engine.evaluate(stage(LOSS), arrays, wrt=["W1", "W2"])  # parse and staging included; as --wrt W1,W2

    result, (loss, grads) = ours(), hand_written()
    agree = np.allclose(result.gradient("W1"), grads["w1"], rtol=1e-10, atol=1e-12) and np.isclose(result.value, loss)
    hand, mine = median_seconds(hand_written, args.repeats), median_seconds(ours, args.repeats)
    print(f"2-layer loss, N={N} D={D} H={H} C={C}, median of {args.repeats}")
    print(f"  hand-written NumPy forward+backward   {hand * 1e3:8.2f} ms")
    every = median_seconds(lambda: array_engine.evaluate(stage(LOSS), arrays), args.repeats)
    ratio = mine / hand
    print(f"  backprop grad (parse+stage+fwd+bwd)   {mine * 1e3:8.2f} ms   {ratio:.2f}x (target <= 3x); gradients agree: {agree}")
    print(f"  backprop grad, every gradient (X, Y too) {every * 1e3:6.2f} ms   {every / hand:.2f}x")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "net.npz"
        np.savez(path, **arrays)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "backprop_cli", "grad", LOSS, "--bindings", str(path), "--quiet"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"  whole process (python -m backprop_cli grad ... --quiet): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
