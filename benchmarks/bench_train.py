"""Speed of ``backprop train``'s default network beside the lecture loop, in the same run.

    python benchmarks/bench_train.py [--steps 1000] [--repeats 3] [--busy-steps 300]

Targets (issue "backprop train"): the default float64 run at least as fast as the
verbatim lecture loop (goal 1.15x) with bit-identical losses; ``--dtype float32``
>= 1.9x the float64 steps/s; achieved GFLOP/s beside a 1000x1000 matmul's. PyTorch
(manual gradients and autograd, float64) is timed when installed
(``pip install torch==2.13.0``, for the benchmark only).

Then under load (issue #11, item 13): steps/s of the default problem and of
``digits``, idle and with a second process busy-looping, with train's BLAS thread
choice beside the BLAS library's default threads (the lecture loop, and train with
BACKPROP_THREADS set to that default, which is how train ran before).

Each figure is the median of ``--repeats`` runs, the contenders interleaved.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from backprop_cli.train import training

N, D, H, C = 64, 1000, 100, 10
FLOPS_PER_STEP = 2 * (N * D * H + N * H * C) + 2 * (N * H * C + N * C * H + N * D * H)  # 2 forward + 3 backward matmuls


def lecture(steps: int) -> tuple[float, list[float]]:
    """The seeds' loop verbatim (no print); returns seconds and losses."""
    np.random.seed(0)
    from numpy.random import randn

    x, y = randn(N, D), randn(N, C)
    w1, w2 = randn(D, H), randn(H, C)
    learning_rate = 1e-4
    losses = []
    start = time.perf_counter()
    for _ in range(steps):
        h = 1 / (1 + np.exp(-x.dot(w1)))
        y_pred = h.dot(w2)
        loss = np.square(y_pred - y).sum()
        losses.append(float(loss))
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h.T.dot(grad_y_pred)
        grad_h = grad_y_pred.dot(w2.T)
        grad_w1 = x.T.dot(grad_h * h * (1 - h))
        w1 -= learning_rate * grad_w1
        w2 -= learning_rate * grad_w2
    return time.perf_counter() - start, losses


def ours(steps: int, dtype: str) -> tuple[float, list[float]]:
    config = training.resolve_config({"steps": steps, "dtype": dtype})
    config, data, weights = training.prepare(config)
    result = training.train(config, data, weights)
    return result.seconds, result.losses


def ours_on(dataset: str, steps: int, threads: int | None) -> tuple[float, list[float]]:
    """``train --dataset DATASET``; ``threads`` sets BACKPROP_THREADS (None: train's own choice)."""
    saved = os.environ.pop(training.THREADS_VARIABLE, None)
    if threads is not None:
        os.environ[training.THREADS_VARIABLE] = str(threads)
    try:
        config = training.resolve_config({"steps": steps, "dataset": dataset})
        config, data, weights = training.prepare(config)
        result = training.train(config, data, weights)
    finally:
        os.environ.pop(training.THREADS_VARIABLE, None)
        if saved is not None:
            os.environ[training.THREADS_VARIABLE] = saved
    return result.seconds, result.losses


@contextlib.contextmanager
def busy_process():
    """A second process spinning on a core for as long as the block runs."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    time.sleep(0.5)  # let it get going
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def blas_default_threads() -> int:
    from threadpoolctl import threadpool_info

    return max((pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"), default=1)


def under_load(steps: int, digits_steps: int, repeats: int) -> None:
    """Steps/s idle and with a busy process: train's thread choice beside the BLAS default."""
    default = blas_default_threads()
    contenders = {
        f"default problem, lecture loop ({default} BLAS threads)": lambda: lecture(steps),
        "default problem, backprop train (its choice)": lambda: ours_on("random", steps, None),
        f"digits, backprop train with BACKPROP_THREADS={default}": lambda: ours_on("digits", digits_steps, default),
        "digits, backprop train (its choice)": lambda: ours_on("digits", digits_steps, None),
    }
    counts = {name: digits_steps if name.startswith("digits") else steps for name in contenders}
    start_load = _load()
    rates: dict[str, dict[str, float]] = {name: {} for name in contenders}
    for label, setting in (("idle", contextlib.nullcontext), ("busy", busy_process)):
        seconds: dict[str, list[float]] = {name: [] for name in contenders}
        with setting():
            for _ in range(repeats):
                for name, run in contenders.items():
                    seconds[name].append(run()[0])
        for name in contenders:
            rates[name][label] = counts[name] / statistics.median(seconds[name])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"\nUnder load: steps/s ({steps} steps, digits {digits_steps}), without and with one extra busy-looping process; "
        f"{cores} cores, 1-min load average {start_load:.1f} before, {_load():.1f} after (other work on the machine counts)"
    )
    print(f"  {'':<52} {'no extra':>9} {'+1 busy':>9}")
    for name, pair in rates.items():
        print(f"  {name:<52} {pair['idle']:9.0f} {pair['busy']:9.0f}")


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def torch_manual(steps: int) -> tuple[float, list[float]]:
    import torch

    torch.manual_seed(0)
    x, y = torch.randn(N, D, dtype=torch.float64), torch.randn(N, C, dtype=torch.float64)
    w1, w2 = torch.randn(D, H, dtype=torch.float64), torch.randn(H, C, dtype=torch.float64)
    start = time.perf_counter()
    for _ in range(steps):
        h = torch.sigmoid(x @ w1)
        y_pred = h @ w2
        loss = (y_pred - y).pow(2).sum()
        grad_y = 2.0 * (y_pred - y)
        grad_w2 = h.T @ grad_y
        grad_w1 = x.T @ ((grad_y @ w2.T) * h * (1 - h))
        w1 -= 1e-4 * grad_w1
        w2 -= 1e-4 * grad_w2
        float(loss)
    return time.perf_counter() - start, []


def torch_autograd(steps: int) -> tuple[float, list[float]]:
    import torch

    torch.manual_seed(0)
    x, y = torch.randn(N, D, dtype=torch.float64), torch.randn(N, C, dtype=torch.float64)
    w1 = torch.randn(D, H, dtype=torch.float64, requires_grad=True)
    w2 = torch.randn(H, C, dtype=torch.float64, requires_grad=True)
    start = time.perf_counter()
    for _ in range(steps):
        loss = (torch.sigmoid(x @ w1) @ w2 - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            w1 -= 1e-4 * w1.grad
            w2 -= 1e-4 * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
        float(loss.detach())
    return time.perf_counter() - start, []


def matmul_gflops(dtype, repeats: int = 20) -> float:
    a = np.random.randn(1000, 1000).astype(dtype)
    b = np.random.randn(1000, 1000).astype(dtype)
    a @ b  # warm up
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * 1000**3 * repeats / (time.perf_counter() - start) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--busy-steps", type=int, default=300, help="steps of the default problem under load (0: skip)")
    parser.add_argument("--busy-digits-steps", type=int, default=200, help="steps of digits under load")
    args = parser.parse_args()
    contenders = {
        "lecture loop (verbatim, float64)": lambda: lecture(args.steps),
        "backprop train (default, float64)": lambda: ours(args.steps, "float64"),
        "backprop train --dtype float32": lambda: ours(args.steps, "float32"),
    }
    if importlib.util.find_spec("torch"):
        contenders["PyTorch, manual gradients (float64)"] = lambda: torch_manual(args.steps)
        contenders["PyTorch, autograd (float64)"] = lambda: torch_autograd(args.steps)
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    losses: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        for name, run in contenders.items():
            elapsed, history = run()
            seconds[name].append(elapsed)
            losses[name] = history
    print(f"{args.steps} steps of the lecture's network ({N}x{D} -> {H} -> {C}), median of {args.repeats}")
    rates = {name: args.steps / statistics.median(values) for name, values in seconds.items()}
    for name, rate in rates.items():
        print(f"  {name:<38} {rate:8.0f} steps/s   {rate * FLOPS_PER_STEP / 1e9:6.1f} GFLOP/s")
    base = rates["lecture loop (verbatim, float64)"]
    ours64 = rates["backprop train (default, float64)"]
    identical = losses["lecture loop (verbatim, float64)"] == losses["backprop train (default, float64)"]
    print(f"  default / lecture loop: {ours64 / base:.2f}x (target >= 1.0, goal 1.15); losses bit-identical: {identical}")
    print(f"  float32 / float64: {rates['backprop train --dtype float32'] / ours64:.2f}x (target >= 1.9)")
    print(f"  1000x1000 matmul: {matmul_gflops(np.float64):.1f} GFLOP/s float64, {matmul_gflops(np.float32):.1f} float32")
    if args.busy_steps:
        under_load(args.busy_steps, args.busy_digits_steps, args.repeats)


if __name__ == "__main__":
    main()
