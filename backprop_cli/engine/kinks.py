"""What each convention does where a rule has no derivative (SPEC §4): kinks, domain
edges and the max/min tie rule, for both engines.

The points themselves (``rules.Kink``, ``rules.Edge``) are rows of the operator
table; this module decides what happens there. The scalar engine calls the float
functions, the array engine the ``*_into`` ones, which write into an ``out``
buffer (or make one when ``out`` is None) and decide elementwise. No NumPy at
import: the scalar engine runs on grad's start-up path.
"""

from __future__ import annotations

import math

from ..rules.table import RULES, Edge, Kink

# --- floats (the scalar engine) ---------------------------------------------


def fix_edges(edges: tuple[Edge, ...], args: list, local: list) -> list:
    """The local gradients with each domain edge's value where the inputs sit on it."""
    for edge in edges:
        if local[edge.index] is not None and edge.at(args):
            local[edge.index] = edge.value
    return local


def at_kink(kink: Kink, convention: str, args: list, variable: list[bool], derived: list) -> tuple[list, str] | None:
    """At a kink that concerns a variable: the convention's local gradients (None for the
    constants) and the text the report shows; None off the kink.

    ``derived`` is what the SymPy-derived rule gives there, which is the sympy
    convention (and every convention of a kink without values, such as sqrt at 0).
    """
    if not kink.at(args) or not kink.concerns(variable):
        return None
    chosen = kink.values[convention](tuple(args)) if convention in kink.values else derived
    local = [c if v else None for c, v in zip(chosen, variable)]
    shown = ", ".join(f"{p:g}" for p in local if p is not None)  # one per variable input (not "0/0": a quotient)
    return local, f"{kink.label}: {convention} gives {shown}"


def winner_share(ties: int, convention: str) -> float:
    """The max/min tie rule: what each of ``ties`` inputs equal to the node's value gets.

    pytorch and jax split the gradient equally (1/k each of k tied inputs); sympy
    evaluates its derivative Heaviside(a_i - max(others)), which is 1/2 for each tied
    input (Heaviside(0)) and 1 for a sole winner. No winner (a nan among the inputs):
    nan. Both engines take every share from here (``winner_share_table`` on arrays).
    """
    if ties == 0:
        return math.nan
    if convention == "sympy":
        return 0.5 if ties > 1 else 1.0
    return 1.0 / ties


def router_partials(op: str, args: list, convention: str, inputs: list | None = None) -> tuple:
    """Local gradients of max/min on floats: the winner takes the gradient, ties share it
    by ``winner_share``, and with a nan among the inputs every input gets nan.

    One pass over the inputs, so a max of thousands of inputs costs thousands of
    steps, not millions. Given the input slots, an input tied several times gets
    exactly its whole share (``repeated_inputs``).
    """
    if any(a != a for a in args):
        return (math.nan,) * len(args)
    best = max(args) if op == "max" else min(args)
    ties = args.count(best)
    share = winner_share(ties, convention)
    shares = [share if a == best else 0.0 for a in args]
    if inputs is not None and ties > 1 and convention != "sympy":
        for positions in repeated_inputs(inputs):
            if not shares[positions[0]]:
                continue  # a loser: every edge of one input has the same value
            total = 0.0
            for i in positions[:-1]:
                total += shares[i]
            shares[positions[-1]] = len(positions) / ties - total
    return tuple(shares)


def repeated_inputs(inputs: list) -> list[list[int]]:
    """The edge positions of each input slot that a node uses more than once.

    ``max(x, x, ..., x)`` of 500 copies gives each edge 1/500, and 500 float shares
    of 1/500 add up to 1.0000000000000007. Both engines therefore give the last edge
    of a tied input used m times its whole share m/k minus its other edges' running
    sum (exact: the two are within a factor of 2), so that the input's gradient is
    m/k to the last bit, while each edge still shows 1/k. sympy gives every tied
    edge 1/2, with nothing to correct.
    """
    positions: dict = {}
    for i, slot in enumerate(inputs):
        positions.setdefault(slot, []).append(i)
    return [p for p in positions.values() if len(p) > 1]


# --- arrays (the array engine), elementwise -----------------------------------


def _start(out, local, at):
    """``out`` holding ``local`` (a new array of the broadcast shape when ``out`` is None)."""
    import numpy as np

    if out is None:
        return np.array(np.broadcast_to(local, np.broadcast_shapes(np.shape(local), np.shape(at))), dtype=float)
    if local is not out:
        np.copyto(out, local)
    return out


def fix_edge_into(edge: Edge, args: tuple, local, out=None):
    """``local`` with the edge's value on the elements at the edge."""
    import numpy as np

    at = edge.at(args)
    out = _start(out, local, at)
    np.copyto(out, edge.value, where=at)
    return out


def fix_kink_into(kink: Kink, convention: str, index: int, args: tuple, local, out=None):
    """``local`` (input ``index``'s gradient) with the convention's value on the elements
    at the kink. Only for a convention the kink has values for."""
    import numpy as np

    at = kink.at(args)
    out = _start(out, local, at)
    if np.any(at):
        np.copyto(out, kink.values[convention](args)[index], where=at)
    return out


def elementwise_kink(kink: Kink, convention: str, args: tuple) -> str | None:
    """What the report says of an array node with an element on its kink; None if none is."""
    import numpy as np

    return _applied_elementwise(kink, convention) if np.any(kink.at(args)) else None


def elementwise_tie(kink: Kink, convention: str, count) -> str | None:
    """The same for max/min, given the count of winners per element: a tie is two or more."""
    import numpy as np

    return _applied_elementwise(kink, convention) if np.any(count > 1) else None


def _applied_elementwise(kink: Kink, convention: str) -> str:
    return f"{kink.label}: {convention} rule applied elementwise"


def norm_local(x, norm: float, convention: str) -> tuple:
    """∂‖x‖/∂x = x/‖x‖, and at x = 0 the convention's value: (local, kink text or None)."""
    import numpy as np

    if norm != 0:
        return x / norm, None
    kink = RULES["norm"].kink  # the value each convention gives at norm'(0)
    (chosen,) = kink.values[convention]((x,))
    return np.full(np.shape(x), chosen), f"{kink.label}: {convention} gives {chosen:g}"


def tie_count_into(*operands, out=None):
    """max/min: how many inputs equal the node's value, per element (0 where there is a nan).
    ``operands`` are the inputs, then the node's value."""
    import numpy as np

    *args, best = operands
    out = np.zeros(np.shape(best)) if out is None else out
    out.fill(0.0)
    for arg in args:
        out += np.equal(arg, best)
    return out


def winner_share_table(convention: str, inputs: int):
    """``winner_share`` for every possible count of winners of a node with ``inputs``
    inputs, as an array to index by count."""
    import numpy as np

    return np.array([winner_share(k, convention) for k in range(inputs + 1)])


def winner_share_into(count, table, out=None):
    """Each winner's share per element, given the count of winners and the node's table."""
    import numpy as np

    return np.take(table, count.astype(np.intp), out=out)


def router_partial_into(arg, best, share, out=None):
    """One input's local gradient: its share where it equals the node's value."""
    import numpy as np

    return np.multiply(np.equal(arg, best), share, out=out)


def last_edge_share_into(m: int, arg, best, share, count, out=None):
    """The last edge of an input tied m times: m/k minus its other edges' running sum,
    added in the order the engines add the gradients (``repeated_inputs``)."""
    import numpy as np

    total = np.array(share, dtype=float)
    for _ in range(m - 2):
        total += share
    out = np.subtract(np.divide(float(m), count), total, out=out)
    return np.multiply(np.equal(arg, best), out, out=out)
