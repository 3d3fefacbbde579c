"""The lectures' NumPy 2-layer network: forward, backward, one gradient-descent step.

Two implementations of the same math:

- ``loss_and_grads`` is the readable one, for every option (activations,
  softmax, biases, regularisation, minibatches) and for ``--gradcheck``.
- ``LectureLoop`` is the lecture's configuration (sigmoid, sum of squared
  errors, no bias, full batch) with preallocated ``out=`` buffers. In float64 it
  performs exactly the lecture's floating-point operations in the lecture's order,
  so its losses are bit-identical to the lecture loop; it just skips the
  temporaries. In float32 it uses a sigmoid that cannot overflow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIVATIONS = ("sigmoid", "relu", "tanh", "leaky_relu")
LOSSES = ("l2", "softmax")
LEAKY_SLOPE = 0.01


@dataclass
class Weights:
    """The parameters: w1 (D×H), w2 (H×C) and, where used, biases b1 (H), b2 (C)."""

    w1: np.ndarray
    w2: np.ndarray
    b1: np.ndarray | None = None
    b2: np.ndarray | None = None

    def named(self) -> dict[str, np.ndarray]:
        """The arrays that exist, by name."""
        arrays = {"w1": self.w1, "w2": self.w2, "b1": self.b1, "b2": self.b2}
        return {name: array for name, array in arrays.items() if array is not None}


def init_weights(d: int, h: int, c: int, bias: bool, scaled: bool) -> Weights:
    """Standard normal w1 then w2 from the global generator, as the lecture draws them.

    ``scaled`` divides by sqrt(fan-in) (the lecture's random data does not).
    """
    w1, w2 = np.random.randn(d, h), np.random.randn(h, c)
    if scaled:
        w1 /= np.sqrt(d)
        w2 /= np.sqrt(h)
    if not bias:
        return Weights(w1, w2)
    # b1 slightly positive: an input at the origin (the spiral has some) would
    # otherwise put every relu exactly on its kink, where no gradient check holds.
    return Weights(w1, w2, np.full(h, 0.01), np.zeros(c))


def stable_sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = (1 + tanh(z/2))/2: no exp, so no overflow in float32."""
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def activate(z: np.ndarray, activation: str, exact: bool) -> np.ndarray:
    """The hidden layer; ``exact`` keeps the lecture's literal 1/(1+exp(-z))."""
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-z)) if exact else stable_sigmoid(z)
    if activation == "relu":
        return np.maximum(z, 0)
    if activation == "tanh":
        return np.tanh(z)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def activation_backward(grad_h: np.ndarray, z: np.ndarray, h: np.ndarray, activation: str) -> np.ndarray:
    """∂loss/∂z from ∂loss/∂h: upstream × local, elementwise."""
    if activation == "sigmoid":
        return grad_h * h * (1 - h)
    if activation == "relu":
        return grad_h * (z > 0)
    if activation == "tanh":
        return grad_h * (1 - h * h)
    return grad_h * np.where(z > 0, 1.0, LEAKY_SLOPE)


def loss_and_grads(
    weights: Weights, x: np.ndarray, y: np.ndarray, activation: str, loss: str, reg: float, exact: bool
) -> tuple[float, dict[str, np.ndarray]]:
    """The loss and the gradient of every parameter, by the backward pass.

    l2: sum of squared errors (the lecture). softmax: mean cross-entropy, y holds
    integer labels. reg adds reg * (sum w1² + sum w2²).
    """
    z = x.dot(weights.w1)
    if weights.b1 is not None:
        z = z + weights.b1
    h = activate(z, activation, exact)
    scores = h.dot(weights.w2)
    if weights.b2 is not None:
        scores = scores + weights.b2
    if loss == "l2":
        value = np.square(scores - y).sum()
        grad_scores = 2.0 * (scores - y)
    else:
        value, grad_scores = _softmax_loss(scores, y)
    grads = {"w2": h.T.dot(grad_scores)}
    grad_z = activation_backward(grad_scores.dot(weights.w2.T), z, h, activation)
    grads["w1"] = x.T.dot(grad_z)
    if weights.b1 is not None:
        grads["b1"] = grad_z.sum(axis=0)
        grads["b2"] = grad_scores.sum(axis=0)
    if reg:
        value = value + reg * (np.square(weights.w1).sum() + np.square(weights.w2).sum())
        grads["w1"] = grads["w1"] + 2 * reg * weights.w1
        grads["w2"] = grads["w2"] + 2 * reg * weights.w2
    return float(value), grads


def _softmax_loss(scores: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(labels)
    value = -log_probs[np.arange(n), labels].mean()
    grad = np.exp(log_probs)
    grad[np.arange(n), labels] -= 1
    return float(value), grad / n


def predict(weights: Weights, x: np.ndarray, activation: str, exact: bool) -> np.ndarray:
    """Output scores for inputs x."""
    z = x.dot(weights.w1)
    if weights.b1 is not None:
        z = z + weights.b1
    scores = activate(z, activation, exact).dot(weights.w2)
    return scores + weights.b2 if weights.b2 is not None else scores


class LectureLoop:
    """The lecture's step with preallocated buffers (see the module docstring).

    Each line names the lecture statement it replaces; the operation order is
    the lecture's, so float64 results are identical to it.
    """

    def __init__(self, weights: Weights, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        self.w1, self.w2, self.x, self.y, self.lr = weights.w1, weights.w2, x, y, lr
        self.exact = x.dtype == np.float64
        n, h, c = x.shape[0], self.w1.shape[1], self.w2.shape[1]
        empty = lambda *shape: np.empty(shape, dtype=x.dtype)  # noqa: E731
        self.h, self.hz = empty(n, h), empty(n, h)
        self.y_pred, self.diff, self.grad_y = empty(n, c), empty(n, c), empty(n, c)
        self.grad_w1, self.grad_w2 = empty(*self.w1.shape), empty(*self.w2.shape)
        self.grad_h = empty(n, h)
        self.step_w1, self.step_w2 = empty(*self.w1.shape), empty(*self.w2.shape)
        self.lr_cast = x.dtype.type(lr)

    def step(self) -> float:
        """One forward/backward/update; returns the loss before the update."""
        x, w1, w2, h = self.x, self.w1, self.w2, self.h
        np.dot(x, w1, out=h)  # x.dot(w1)
        if self.exact:  # h = 1 / (1 + np.exp(-x.dot(w1)))
            np.negative(h, out=h)
            np.exp(h, out=h)
            np.add(1, h, out=h)
            np.divide(1, h, out=h)
        else:  # float32: (1 + tanh(z/2))/2 cannot overflow
            np.multiply(h, 0.5, out=h)
            np.tanh(h, out=h)
            np.multiply(h, 0.5, out=h)
            np.add(h, 0.5, out=h)
        np.dot(h, w2, out=self.y_pred)  # y_pred = h.dot(w2)
        np.subtract(self.y_pred, self.y, out=self.diff)  # y_pred - y
        loss = np.square(self.diff).sum()  # loss = np.square(y_pred - y).sum()
        np.multiply(2.0, self.diff, out=self.grad_y)  # grad_y_pred = 2.0 * (y_pred - y)
        np.dot(h.T, self.grad_y, out=self.grad_w2)  # grad_w2 = h.T.dot(grad_y_pred)
        np.dot(self.grad_y, w2.T, out=self.grad_h)  # grad_h = grad_y_pred.dot(w2.T)
        np.multiply(self.grad_h, h, out=self.grad_h)  # grad_h * h
        np.subtract(1, h, out=self.hz)  # (1 - h)
        np.multiply(self.grad_h, self.hz, out=self.grad_h)  # grad_h * h * (1 - h)
        np.dot(x.T, self.grad_h, out=self.grad_w1)  # grad_w1 = x.T.dot(...)
        np.multiply(self.lr_cast, self.grad_w1, out=self.step_w1)  # learning_rate * grad_w1
        np.subtract(w1, self.step_w1, out=w1)  # w1 -= ...
        np.multiply(self.lr_cast, self.grad_w2, out=self.step_w2)
        np.subtract(w2, self.step_w2, out=w2)
        return float(loss)
