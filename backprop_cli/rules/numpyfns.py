"""NumPy versions of the helper functions the generated array rules call.

Both take ``out=`` like a ufunc, so ``batch``'s compiled rows can write into a
buffer they own.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x, out=None):
    """Stable logistic function on arrays: one exp of -|x|, so it never overflows."""
    e = np.exp(-np.abs(x))
    return np.divide(np.where(np.asarray(x) >= 0, 1.0, e), 1.0 + e, out=out)


def softplus(x, out=None):
    """Stable log(1 + exp(x)) on arrays."""
    return np.logaddexp(0.0, x, out=out)
