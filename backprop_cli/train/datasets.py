"""Data for ``backprop train``: the lectures' random regression, XOR, spiral, digits, a CSV.

Every dataset draws from NumPy's legacy global generator, seeded by the caller,
so that ``random`` draws x then y exactly as the lecture code does (the weights
are drawn after it, in ``train.network.init_weights``).
"""

from __future__ import annotations

import csv
import gzip
import math
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UsageError
from ..i18n import _
from ..inputs.bindings import parse_number
from ..inputs.files import os_reason

# Defaults per dataset. `random` is the lecture's network exactly; the others are
# chosen so that the documented result (README, docs/training.md) holds for seed 0.
PRESETS = {
    "random": dict(hidden=100, steps=1000, lr=1e-4, activation="sigmoid", loss="l2", reg=0.0),
    "xor": dict(hidden=8, steps=2000, lr=1.0, activation="sigmoid", loss="softmax", reg=0.0),
    "spiral": dict(hidden=100, steps=3000, lr=1.0, activation="relu", loss="softmax", reg=1e-3),
    "digits": dict(hidden=64, steps=1000, lr=0.5, activation="relu", loss="softmax", reg=1e-4),
    # loss "auto": softmax when the CSV's targets are class labels, else l2; lr None:
    # 0.5 for softmax (a mean), 0.5/(rows·hidden) for l2 (a sum, whose curvature grows with both)
    "csv": dict(hidden=32, steps=1000, lr=None, activation="relu", loss="auto", reg=1e-4),
}
NAMES = tuple(name for name in PRESETS if name != "csv")  # the built-in ones; csv is PATH.csv
_DIGITS = Path(__file__).with_name("data") / "digits.csv.gz"

# Limits of a PATH.csv dataset (docs/training.md); past each, exit 2 naming the line.
MAX_CSV_VALUES = 20_000_000  # numbers in the file (160 MB as float64)
MAX_LINE_BYTES = 1 << 20  # one line (a row of thousands of columns is far shorter)
MAX_CLASSES = 1_000  # distinct whole-number targets
MAX_FIELD_CHARS = 131_072  # one field: the csv module's default, set explicitly (batch raises it process-wide)


@dataclass
class Dataset:
    """Training (and held-out) inputs with regression targets or class labels."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray  # targets: (n, outputs) floats, or (n,) int labels when classes
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    classes: int | None = None  # None: regression

    @property
    def outputs(self) -> int:
        """Width of the output layer."""
        return self.classes if self.classes is not None else self.y_train.shape[1]

    def describe(self) -> str:
        test = f", {len(self.x_test)} held out" if self.x_test is not None else ""
        kind = f"{self.classes} classes" if self.classes else f"{self.outputs} targets"
        return f"{self.name}: {len(self.x_train)} × {self.x_train.shape[1]} → {kind}{test}"


def load(name: str, seed: int) -> Dataset:
    """The named dataset (or a CSV file), drawn after ``np.random.seed(seed)``."""
    np.random.seed(seed)
    if name == "random":
        return _random()
    if name == "xor":
        return _xor()
    if name == "spiral":
        return _split("spiral", *_spiral(), classes=3)
    if name == "digits":
        data = np.loadtxt(gzip.open(_DIGITS, "rt"), delimiter=",")
        return _split("digits", data[:, :-1] / 16.0, data[:, -1].astype(np.int64), classes=10)
    if name.lower().endswith(".csv"):
        return load_csv(name)
    raise UsageError(unknown_message(name))


def unknown_message(name: str) -> str:
    """The error for a --dataset that is neither a preset nor a .csv file."""
    return _("unknown dataset {name!r}: use {names} or a path to a .csv file").format(name=name, names=", ".join(NAMES))


def _random() -> Dataset:
    """The lecture's data: x (64×1000) and y (64×10), standard normal, drawn in that order."""
    n, d, c = 64, 1000, 10
    x, y = np.random.randn(n, d), np.random.randn(n, c)
    return Dataset("random", x, y)


def _xor() -> Dataset:
    """The perceptron chapter's XOR: no single layer separates it, two layers do."""
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return Dataset("xor", x, np.array([0, 1, 1, 0]), classes=2)


def _spiral(points: int = 100, classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """CS231n's three interleaved spirals in the plane (not linearly separable)."""
    x = np.zeros((points * classes, 2))
    labels = np.zeros(points * classes, dtype=np.int64)
    for k in range(classes):
        rows = slice(points * k, points * (k + 1))
        radius = np.linspace(0.0, 1, points)
        theta = np.linspace(k * 4, (k + 1) * 4, points) + np.random.randn(points) * 0.2
        x[rows] = np.c_[radius * np.sin(theta), radius * np.cos(theta)]
        labels[rows] = k
    return x, labels


def _split(name: str, x: np.ndarray, y: np.ndarray, classes: int | None, held_out: float = 0.2) -> Dataset:
    """Shuffle (global generator) and hold out a fifth for testing."""
    order = np.random.permutation(len(x))
    cut = len(x) - int(round(len(x) * held_out))
    train, test = order[:cut], order[cut:]
    return Dataset(name, x[train], y[train], x[test], y[test], classes)


def load_csv(path: str) -> Dataset:
    """Numbers only, optional header row; the last column is the target.

    Whole-number targets mean class labels (mapped to 0..K-1 in sorted order),
    anything else a regression target. A fifth is held out from 10 rows on.
    """
    values = _read_csv(path)
    x, target = values[:, :-1], values[:, -1]
    if np.all(target == np.round(target)):
        classes, labels = np.unique(target, return_inverse=True)
        if len(classes) < 2:
            raise UsageError(
                _("{path}: the target column has a single class ({label})").format(path=path, label=f"{classes[0]:g}")
            )
        if len(classes) > MAX_CLASSES:
            message = _("{path}: the target column has {count} distinct whole numbers, more than the limit of {limit} classes")
            raise UsageError(message.format(path=path, count=f"{len(classes):,}", limit=f"{MAX_CLASSES:,}"))
        y, count = labels.astype(np.int64), len(classes)
    else:
        y, count = target[:, None], None
    if len(x) >= 10:
        return _split(Path(path).name, x, y, count)
    return Dataset(Path(path).name, x, y, classes=count)


def _read_csv(path: str) -> np.ndarray:
    """The file's numbers as a rows × columns array, read as a stream within the limits."""
    try:
        handle = open(path, "rb")  # decoded line by line, so that bad UTF-8 is found with its line
    except OSError as error:
        raise UsageError(_("cannot read dataset {path}: {reason}").format(path=path, reason=os_reason(error))) from None
    with handle:
        csv.field_size_limit(MAX_FIELD_CHARS)
        reader = csv.reader(_text_lines(path, handle))
        try:
            return _numbers(path, reader)
        except csv.Error as error:
            raise UsageError(_("{path}: line {line}: {reason}").format(path=path, line=reader.line_num, reason=error)) from None
        except OSError as error:
            raise UsageError(_("cannot read dataset {path}: {reason}").format(path=path, reason=os_reason(error))) from None


def _text_lines(path: str, handle):
    """The lines of a binary file as UTF-8 text (a BOM at the start is dropped)."""
    number = 0
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            message = _("{path}: line {line} is longer than the limit of {limit} bytes")
            raise UsageError(message.format(path=path, line=number, limit=f"{MAX_LINE_BYTES:,}"))
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            message = _(
                "{path}: line {line} is not valid UTF-8 (byte {byte} at byte {offset} of the line); save the file as UTF-8"
            )
            raise UsageError(
                message.format(path=path, line=number, byte=f"{raw[error.start]:#04x}", offset=error.start + 1)
            ) from None


def _numbers(path: str, reader) -> np.ndarray:
    """Rows of numbers after an optional header (a first row that is not all numbers)."""
    header, width, values = None, 0, array("d")
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        if not width:
            width = len(row)
            if width < 2:
                raise UsageError(_("{path}: need at least one input column and a target column").format(path=path))
            if not _all_numbers(row):
                header = row
                continue
        if len(row) != width:
            message = _("{path}: line {line} has {count} columns, expected {width}")
            raise UsageError(message.format(path=path, line=line, count=len(row), width=width))
        if len(values) + width > MAX_CSV_VALUES:
            message = _("{path}: more than the limit of {limit} numbers (at line {line})")
            raise UsageError(message.format(path=path, limit=f"{MAX_CSV_VALUES:,}", line=line))
        for column, cell in enumerate(row):
            number = parse_number(cell)
            if number is None:
                name = f" ({header[column]})" if header else ""
                message = _("{path}: line {line}, column {column}{name}: {cell} is not a number")
                raise UsageError(message.format(path=path, line=line, column=column + 1, name=name, cell=f"{cell!r:.40}"))
            if not math.isfinite(number):
                message = _("{path}: line {line}, column {column}: value is not finite")
                raise UsageError(message.format(path=path, line=line, column=column + 1))
            values.append(number)
    if not width:
        raise UsageError(_("{path}: the dataset file is empty").format(path=path))
    if not values:
        raise UsageError(_("{path}: no data rows").format(path=path))
    return np.frombuffer(values, dtype=np.float64).reshape(-1, width)


def _all_numbers(row: list[str]) -> bool:
    return all(parse_number(cell) is not None for cell in row)
