"""Data for ``backprop train``: the lectures' random regression, XOR, spiral, digits, a CSV.

Every dataset draws from NumPy's legacy global generator, seeded by the caller,
so that ``random`` draws x then y exactly as the lecture code does (the weights
are drawn after it, in ``mlp.init_weights``).
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import UsageError

NAMES = ("random", "xor", "spiral", "digits")
_DIGITS = Path(__file__).with_name("data") / "digits.csv.gz"


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
    raise UsageError(f"unknown dataset {name!r}: use {', '.join(NAMES)} or a path to a .csv file")


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
    try:
        with open(path, newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise UsageError(f"cannot read dataset {path}: {error.strerror}") from None
    header, rows = _header(rows)
    values = _numbers(path, rows, header)
    x, target = values[:, :-1], values[:, -1]
    if np.all(target == np.round(target)):
        classes, labels = np.unique(target, return_inverse=True)
        if len(classes) < 2:
            raise UsageError(f"{path}: the target column has a single class ({classes[0]:g})")
        y, count = labels.astype(np.int64), len(classes)
    else:
        y, count = target[:, None], None
    if len(x) >= 10:
        return _split(Path(path).name, x, y, count)
    return Dataset(Path(path).name, x, y, classes=count)


def _header(rows: list[list[str]]) -> tuple[list[str] | None, list[list[str]]]:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UsageError("the dataset file is empty")
    try:
        [float(cell) for cell in rows[0]]
    except ValueError:
        return rows[0], rows[1:]
    return None, rows


def _numbers(path: str, rows: list[list[str]], header: list[str] | None) -> np.ndarray:
    width = len(header) if header else len(rows[0]) if rows else 0
    if width < 2:
        raise UsageError(f"{path}: need at least one input column and a target column")
    if not rows:
        raise UsageError(f"{path}: no data rows")
    first_line = 2 if header else 1
    values = np.empty((len(rows), width))
    for index, row in enumerate(rows):
        line = index + first_line
        if len(row) != width:
            raise UsageError(f"{path}: line {line} has {len(row)} columns, expected {width}")
        for column, cell in enumerate(row):
            try:
                values[index, column] = float(cell)
            except ValueError:
                name = f" ({header[column]})" if header else ""
                raise UsageError(f"{path}: line {line}, column {column + 1}{name}: {cell!r} is not a number") from None
    if not np.all(np.isfinite(values)):
        line, column = (int(i) for i in np.argwhere(~np.isfinite(values))[0])
        raise UsageError(f"{path}: line {line + first_line}, column {column + 1}: value is not finite")
    return values
