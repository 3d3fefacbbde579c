"""``backprop train``: settle the configuration, load data, train, check, save (SPEC §7).

This module decides what happens in which order; the math is in ``train/network.py``,
the data and each dataset's defaults in ``train/datasets.py``, the output in
``train/output.py``; ``train/command.py`` runs a command-line request.
"""

from __future__ import annotations

import math
import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from ..errors import CheckFailed, NonFiniteError, UsageError
from ..i18n import N_, _
from . import datasets, network
from .sizes import check_shapes, check_sizes

GRADCHECK_ENTRIES = 10  # per parameter
GRADCHECK_STEP = 1e-5
GRADCHECK_LIMIT = 1e-6

# Limits, checked before any data is drawn or any weight allocated (docs/training.md).
MAX_HIDDEN = 10_000
MAX_STEPS = 10_000_000  # the loss history is kept in memory
MAX_SAVED_STEPS = 10**12  # steps_done of a --load file: runs resumed over and over stay far below
MAX_ELEMENTS = 20_000_000  # numbers in any one array of a run (160 MB in float64), loaded ones included
SEED_RANGE = (0, 2**32 - 1)  # what np.random.seed (the legacy generator, the lecture's) accepts

# BLAS threads: below this many flops in a step's largest matrix product, thread start-up
# and (with other processes busy) oversubscription cost more than the threads gain.
THREADS_VARIABLE = "BACKPROP_THREADS"  # the same variable sets batch's threads
BLAS_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
THREADED_FLOPS = 2e8  # 16x the lecture network's largest product (2·64·1000·100)


@dataclass
class TrainConfig:
    """A complete training configuration (what ``--save`` stores)."""

    dataset: str = "random"
    hidden: int = 100
    steps: int = 1000
    lr: float | None = 1e-4  # None only until prepare() settles a CSV's default
    seed: int = 0
    batch_size: int | None = None  # None: the whole training set every step
    activation: str = "sigmoid"
    loss: str = "l2"
    reg: float = 0.0
    dtype: str = "float64"


@dataclass
class TrainResult:
    """What a run produced, for the summary, the JSON and --save."""

    config: TrainConfig
    data: datasets.Dataset
    weights: network.Weights
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    start_step: int = 0
    gradcheck: dict | None = None
    accuracy: dict = field(default_factory=dict)
    threads: int | None = None  # BLAS threads set for the run (None: the library's default)
    saved: str | None = None  # the file --save wrote

    @property
    def steps_per_second(self) -> float:
        return len(self.losses) / self.seconds if self.seconds > 0 else 0.0


def resolve_config(options: dict, loaded: TrainConfig | None = None) -> TrainConfig:
    """Options given on the command line win; then a loaded run's; then the dataset's preset."""
    if loaded is not None:
        values = asdict(loaded)
    else:
        dataset = options.get("dataset") or "random"
        preset = "csv" if dataset.lower().endswith(".csv") else dataset
        if preset not in datasets.PRESETS:
            raise UsageError(datasets.unknown_message(dataset))
        values = {**asdict(TrainConfig()), **datasets.PRESETS[preset], "dataset": dataset}
    values.update({name: value for name, value in options.items() if value is not None})
    config = TrainConfig(**values)
    validate_config(config)
    return config


def validate_config(config: TrainConfig) -> None:
    """Refuse a configuration outside the limits, naming the option (its message translated when shown)."""
    low, high = SEED_RANGE
    checks = [
        (config.hidden >= 1, N_("--hidden must be at least 1, got {hidden}")),
        (config.hidden <= MAX_HIDDEN, N_("--hidden must be at most {max_hidden}, got {hidden}")),
        (config.steps >= 0, N_("--steps must be zero or more, got {steps}")),
        (config.steps <= MAX_STEPS, N_("--steps must be at most {max_steps}, got {steps}")),
        (low <= config.seed <= high, N_("--seed must be between {low} and {high} (2**32 - 1, NumPy's limit), got {seed}")),
        (config.lr is None or (config.lr > 0 and math.isfinite(config.lr)), N_("--lr must be positive, got {lr}")),
        (config.reg >= 0 and math.isfinite(config.reg), N_("--reg must be zero or positive, got {reg:g}")),
        (config.batch_size is None or config.batch_size >= 1, N_("--batch-size must be at least 1, got {batch_size}")),
        (config.activation in network.ACTIVATIONS, N_("--activation must be one of {activations}")),
        (config.loss in (*network.LOSSES, "auto"), N_("--loss must be one of {losses}")),
        (config.dtype in ("float64", "float32"), N_("--dtype must be float64 or float32")),
    ]
    limits = {"max_hidden": MAX_HIDDEN, "max_steps": MAX_STEPS, "low": low, "high": high}
    names = {"activations": ", ".join(network.ACTIVATIONS), "losses": ", ".join(network.LOSSES)}
    for ok, message in checks:
        if not ok:
            raise UsageError(_(message).format(**asdict(config), **limits, **names))


def prepare(
    config: TrainConfig, loaded_weights: network.Weights | None = None
) -> tuple[TrainConfig, datasets.Dataset, network.Weights]:
    """Load the data and draw (or take) the weights, in the lecture's draw order."""
    data = datasets.load(config.dataset, config.seed)
    check_sizes(config, data, MAX_ELEMENTS)
    if config.loss == "auto":
        config = replace(config, loss="softmax" if data.classes is not None else "l2")
    if config.lr is None:
        config = replace(config, lr=0.5 if config.loss == "softmax" else 0.5 / (len(data.x_train) * config.hidden))
    if config.loss == "softmax" and data.classes is None:
        message = _("--loss softmax needs class labels; dataset {name} has real-valued targets (use --loss l2)")
        raise UsageError(message.format(name=config.dataset))
    if data.classes is not None and config.loss == "l2":
        data = replace(data, y_train=np.eye(data.classes)[data.y_train])  # one-hot targets
    if config.batch_size is not None and config.batch_size > len(data.x_train):
        message = _("--batch-size {size} is larger than the training set ({rows} rows)")
        raise UsageError(message.format(size=config.batch_size, rows=len(data.x_train)))
    lecture = config.dataset == "random"
    weights = loaded_weights or network.init_weights(data.x_train.shape[1], config.hidden, data.outputs, not lecture, not lecture)
    check_shapes(config, data, weights)
    dtype = np.dtype(config.dtype)
    data = replace(data, x_train=data.x_train.astype(dtype), x_test=None if data.x_test is None else data.x_test.astype(dtype))
    if data.classes is None or config.loss == "l2":
        data = replace(data, y_train=data.y_train.astype(dtype))
    weights = network.Weights(**{name: array.astype(dtype) for name, array in weights.named().items()})
    return config, data, weights


def train(config: TrainConfig, data: datasets.Dataset, weights: network.Weights, progress=None) -> TrainResult:
    """Gradient descent for ``config.steps`` steps; raises NonFiniteError if the loss diverges."""
    result = TrainResult(config, data, weights, threads=blas_threads(config, data))
    step = _stepper(config, data, weights)
    losses = result.losses
    start = time.perf_counter()
    # The lecture's literal sigmoid overflows exp() harmlessly (1/(1+inf) = 0), and a
    # diverging run is reported below by its step: NumPy's warnings would only add noise.
    with np.errstate(over="ignore", invalid="ignore"), _limit_blas(result.threads):
        for index in range(config.steps):
            loss = step()
            losses.append(loss)
            if not math.isfinite(loss):
                message = _("training diverged: the loss became {loss} at step {step} (try a smaller --lr)")
                raise NonFiniteError(message.format(loss=loss, step=index + 1))
            if progress is not None:
                progress(index + 1, loss)
    result.seconds = time.perf_counter() - start
    result.accuracy = accuracy(config, data, weights)
    return result


def blas_threads(config: TrainConfig, data: datasets.Dataset) -> int | None:
    """BLAS threads for this run; None leaves the BLAS library's own choice.

    BACKPROP_THREADS wins; then a thread count the user gave the BLAS library
    (OMP_NUM_THREADS, ...) is left alone; otherwise one thread unless the step's
    largest matrix product reaches THREADED_FLOPS. One thread changes no bits here:
    OpenBLAS splits a product by output blocks, never inside a sum.
    """
    given = os.environ.get(THREADS_VARIABLE, "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    if any(os.environ.get(name) for name in BLAS_VARIABLES):
        return None
    rows = config.batch_size or len(data.x_train)
    inputs, outputs = data.x_train.shape[1], data.outputs
    largest = 2 * rows * config.hidden * max(inputs, outputs)  # x·w1 and its two backward products
    return 1 if largest < THREADED_FLOPS else None


@contextmanager
def _limit_blas(threads: int | None):
    if threads is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits  # imported here: only train needs it
    except ImportError:  # a dependency, but training still works without it
        yield
        return
    with threadpool_limits(limits=threads, user_api="blas"):
        yield


def _stepper(config: TrainConfig, data: datasets.Dataset, weights: network.Weights):
    """The fastest correct step function for this configuration."""
    lecture_like = (
        config.activation == "sigmoid"
        and config.loss == "l2"
        and weights.b1 is None
        and not config.reg
        and config.batch_size is None
    )
    if lecture_like:
        return network.LectureLoop(weights, data.x_train, data.y_train, config.lr).step
    exact = config.dtype == "float64"
    x, y, lr = data.x_train, data.y_train, config.lr

    def step() -> float:
        xb, yb = x, y
        if config.batch_size is not None:
            rows = np.random.choice(len(x), config.batch_size, replace=False)
            xb, yb = x[rows], y[rows]
        loss, grads = network.loss_and_grads(weights, xb, yb, config.activation, config.loss, config.reg, exact)
        for name, array in weights.named().items():
            array -= lr * grads[name]
        return loss

    return step


def accuracy(config: TrainConfig, data: datasets.Dataset, weights: network.Weights) -> dict:
    """Fraction right on the training and held-out sets, where there are labels."""
    if data.classes is None:
        return {}
    exact = config.dtype == "float64"
    labels = data.y_train if data.y_train.ndim == 1 else data.y_train.argmax(axis=1)
    result = {"train": float((network.predict(weights, data.x_train, config.activation, exact).argmax(1) == labels).mean())}
    if data.x_test is not None:
        predicted = network.predict(weights, data.x_test, config.activation, exact).argmax(1)
        result["held_out"] = float((predicted == data.y_test).mean())
    return result


def gradient_check(config: TrainConfig, data: datasets.Dataset, weights: network.Weights) -> dict:
    """CS231n's check: analytic gradient against central differences on a few entries.

    Computed in float64 on copies, on the whole training set. The relative error of
    an entry is |a - n| / max(|a|, |n|, 1e-3·max|gradient of that parameter|): the
    floor keeps entries whose gradient is all but zero (saturated sigmoids) from
    comparing rounding noise with rounding noise.
    """
    params = {name: array.astype(np.float64) for name, array in weights.named().items()}
    copy = network.Weights(**params)
    x, y = data.x_train.astype(np.float64), data.y_train
    y = y.astype(np.float64) if y.dtype.kind == "f" else y

    def loss() -> float:
        return network.loss_and_grads(copy, x, y, config.activation, config.loss, config.reg, True)[0]

    _, grads = network.loss_and_grads(copy, x, y, config.activation, config.loss, config.reg, True)
    picker = np.random.RandomState(config.seed)  # not the global generator: training draws from that
    worst: dict[str, float] = {}
    for name, array in params.items():
        floor = 1e-3 * float(np.abs(grads[name]).max())
        errors = []
        for _ in range(GRADCHECK_ENTRIES):
            index = tuple(picker.randint(size) for size in array.shape)
            saved = array[index]
            array[index] = saved + GRADCHECK_STEP
            plus = loss()
            array[index] = saved - GRADCHECK_STEP
            minus = loss()
            array[index] = saved
            numeric, analytic = (plus - minus) / (2 * GRADCHECK_STEP), grads[name][index]
            scale = max(abs(analytic), abs(numeric), floor)
            errors.append(0.0 if scale == 0 else abs(analytic - numeric) / scale)
        worst[name] = float(max(errors))
    top = max(worst.values())
    return {"max_relative_error": top, "per_parameter": worst, "limit": GRADCHECK_LIMIT, "ok": bool(top <= GRADCHECK_LIMIT)}


def check_gradcheck(report: dict | None) -> None:
    """Exit code 1 when --gradcheck found a relative error above its limit."""
    if report is not None and not report["ok"]:
        message = _("gradient check failed: max relative error {error} > {limit}")
        raise CheckFailed(message.format(error=f"{report['max_relative_error']:.2e}", limit=f"{report['limit']:.0e}"))
