"""NumPy versions of the helper functions the generated array rules call."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """Stable logistic function on arrays: exp(-log(1 + exp(-x)))."""
    return np.exp(-np.logaddexp(0.0, -x))


def softplus(x):
    """Stable log(1 + exp(x)) on arrays."""
    return np.logaddexp(0.0, x)
