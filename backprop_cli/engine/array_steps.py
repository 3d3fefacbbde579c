"""The steps of an array program that are not a plain NumPy call.

Every step is called as ``function(*operands, out=buffer)``: over rows ``out`` is a
buffer the program owns; in vector mode it is None and the step returns a new
array. What happens at kinks, domain edges and max/min ties is decided in
``kinks``; these classes only carry a step's fixed parameters to it. The array
operators of vector mode (matmul, dot, sum, mean, norm; ``rules.VECTOR_RULES``)
are here too: forward and vector–Jacobian product.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_
from . import kinks


class KinkFix:
    """Replace a local gradient by the convention's value on the elements at the kink."""

    def __init__(self, kink, convention: str, index: int) -> None:
        self.kink, self.convention, self.index = kink, convention, index

    def __call__(self, *operands, out=None):
        *args, local = operands
        return kinks.fix_kink_into(self.kink, self.convention, self.index, tuple(args), local, out)


class EdgeFix:
    """Replace a local gradient by a domain edge's value on the elements at the edge."""

    def __init__(self, edge) -> None:
        self.edge = edge

    def __call__(self, *operands, out=None):
        *args, local = operands
        return kinks.fix_edge_into(self.edge, tuple(args), local, out)


class WinnerShare:
    """max/min, once per node: what each winning input gets, given the count of winners."""

    def __init__(self, convention: str, inputs: int) -> None:
        self.table = kinks.winner_share_table(convention, inputs)

    def __call__(self, count, out=None):
        return kinks.winner_share_into(count, self.table, out)


class RouterLastShare:
    """The last edge of an input tied m times (``kinks.repeated_inputs``)."""

    def __init__(self, m: int) -> None:
        self.m = m

    def __call__(self, arg, best, share, count, out=None):
        return kinks.last_edge_share_into(self.m, arg, best, share, count, out)


class KinkCheck:
    """Vector mode's report: the kink's text if an element of the node sits on it, else None."""

    def __init__(self, kink, convention: str) -> None:
        self.kink, self.convention = kink, convention

    def __call__(self, *args, out=None):
        return kinks.elementwise_kink(self.kink, self.convention, args)


class TieCheck(KinkCheck):
    """The same for max/min, given the count of winners."""

    def __call__(self, count, out=None):
        return kinks.elementwise_tie(self.kink, self.convention, count)


class NormLocal:
    """∂‖x‖/∂x, with the convention's value at x = 0."""

    def __init__(self, convention: str) -> None:
        self.convention = convention

    def __call__(self, x, norm, out=None):
        return kinks.norm_local(x, float(norm), self.convention)[0]


class NormCheck(NormLocal):
    """Vector mode's report: the norm's kink text if x = 0, else None."""

    def __call__(self, x, norm, out=None):
        return kinks.norm_local(x, float(norm), self.convention)[1]


class Fit:
    """A gradient piece in its input's own shape: broadcasting undone by summing over the
    broadcast axes, a carried sign applied, and the shape checked (the lectures' "always
    check" rule)."""

    def __init__(self, sign: int) -> None:
        self.sign = sign

    def __call__(self, piece, like, out=None):
        shape = np.shape(like)
        piece = np.asarray(piece, dtype=float)
        if piece.shape != shape:  # a float or 0-d factor stands for the whole node
            piece = unbroadcast(np.broadcast_to(piece, np.broadcast_shapes(piece.shape, shape)), shape).reshape(shape)
        return -piece if self.sign < 0 else np.array(piece)


def unbroadcast(gradient: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a gradient over the axes NumPy broadcast, back to the input's shape."""
    while gradient.ndim > len(shape):
        gradient = gradient.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and gradient.shape[axis] != 1:
            gradient = gradient.sum(axis=axis, keepdims=True)
    return gradient


def router_forward(op: str):
    """max/min of two arrays, nan winning (as in the scalar engine)."""
    return np.maximum if op == "max" else np.minimum


def matmul(a, b, out=None):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        raise ValueError(N_("matmul: a scalar has no dimension to contract (use * for scaling)"))
    if np.ndim(a) > 2 or np.ndim(b) > 2:
        raise ValueError(N_("matmul: only vectors and matrices"))
    return np.matmul(a, b)


def dot(a, b, out=None):
    if np.ndim(a) != 1 or np.ndim(b) != 1 or np.shape(a) != np.shape(b):
        raise ValueError(N_("dot takes two vectors of the same length"))
    return np.asarray(np.dot(a, b))


def total(a, out=None):
    return np.asarray(np.sum(a))


def mean(a, out=None):
    return np.asarray(np.mean(a))


def norm(a, out=None):
    return np.asarray(np.sqrt(np.square(a).sum()))


VECTOR_FORWARD = {"matmul": matmul, "dot": dot, "sum": total, "mean": mean, "norm": norm}


class MatmulGrad:
    """The lectures' ∂f/∂W = g·xᵀ and ∂f/∂x = Wᵀ·g, for each vector/matrix combination."""

    def __init__(self, index: int) -> None:
        self.index = index

    def __call__(self, g, a, b, out=None):
        a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
        if a.ndim == 2 and b.ndim == 2:
            return g @ b.T if self.index == 0 else a.T @ g
        if a.ndim == 2:  # matrix @ vector
            return np.outer(g, b) if self.index == 0 else a.T @ g
        if b.ndim == 2:  # vector @ matrix
            return b @ g if self.index == 0 else np.outer(a, g)
        return g * b if self.index == 0 else g * a  # vector @ vector: a dot product


def spread(g, a, out=None):
    """sum's vector–Jacobian product: g on every element."""
    return np.broadcast_to(g, np.shape(a)).astype(float)


def spread_mean(g, a, out=None):
    """mean's: g/n on every element."""
    return np.broadcast_to(np.divide(g, max(1, np.size(a))), np.shape(a)).astype(float)
