"""Random exercises that look like the lectures', the same for the same (seed, student) everywhere.

An exercise is an expression of a small family per level (``TEMPLATES``), chosen by the
seed alone (a class gets one graph), and numbers for its variables drawn for the student,
then evaluated; a draw is refused and drawn again (the next
numbers of the same stream) until every node's value and gradient is finite, no node sits
at a kink (a max tie), no node's value is 0 (it would hide the work of the gates after
it), and every number is readable at that level (``readable``).

The stream: ``random.Random`` seeded with the first 8 bytes of sha256(f"{seed}:{student}")
(never ``hash()``, which changes from process to process), and only its ``random()``
method, whose sequence Python promises to keep across versions for an integer seed.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import dataclass

from ..engine.finite import first_non_finite
from ..engine.scalar import Evaluation, evaluate
from ..errors import UsageError
from ..i18n import _
from ..language.graph import stage
from ..rules.table import RULES

LEVELS = (1, 2, 3)
MAX_DRAWS = 10_000  # far more than any level needs (each takes a few draws at most)
LARGEST = 500.0  # no value or gradient beyond this: a worksheet's numbers stay small
SMALLEST_GRADIENT = 1e-3  # level 3: a gradient closer to 0 (a saturated sigmoid) reads as 0 at 4 digits

# Level 1: add, mul and sub chains of 3 or 4 variables (the lecture's first example).
# Level 2: max gates, fan-out (a variable used twice), negation.
# Level 3: the logistic neuron and its variants: division, exp, sigmoid.
TEMPLATES = {
    1: (
        "(x+y)*z",
        "(x-y)*z",
        "x*y+z",
        "x*y-z",
        "(x+y)*(z+w)",
        "x*y+z*w",
        "(x*y+z)*w",
        "(x+y)*z-w",
        "x*(y-z)+w",
        "(x-y)*(z-w)",
    ),
    2: (
        "2*(x*y+max(z,w))",
        "max(x,y)*z",
        "(x+y)*x",
        "(x*y+z)*x",
        "-(x*y)+max(y,z)",
        "max(x*y,z)*w",
        "(x-y)*(x+z)",
        "max(x,y)-x*z",
        "-(x+y)*z+y",
        "x*x+y*z",
    ),
    3: (
        "1/(1+exp(-(w0*x0+w1*x1+w2)))",
        "1/(1+exp(-(w*x+b)))",
        "sigmoid(w0*x0+w1*x1+w2)",
        "sigmoid(w*x+b)*y",
        "(x+y)/(1+exp(-z))",
        "x/(1+exp(-(w*x+b)))",
        "exp(-(x*y))+z/w",
        "x/(y*y+1)",
    ),
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Exercise:
    """A drawn exercise: the expression, its variables' values and its evaluation."""

    expression: str
    bindings: dict[str, float]
    result: Evaluation


def stream(seed: int, student: str) -> random.Random:
    """The random stream of (seed, student): the same in every process and Python version."""
    digest = hashlib.sha256(f"{seed}:{student}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def pick(rng: random.Random, choices):
    """One of ``choices``, from ``rng.random()`` alone (``choice`` may change across versions)."""
    return choices[min(int(rng.random() * len(choices)), len(choices) - 1)]


def draw_number(rng: random.Random, level: int) -> float:
    """A variable's value: a small non-zero integer (level 1, mostly level 3), or one decimal."""
    if level == 1 or (level == 3 and rng.random() < 0.7):
        return float(pick(rng, (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5) if level == 1 else (-3, -2, -1, 1, 2, 3)))
    if rng.random() < 0.5:
        return float(pick(rng, (-4, -3, -2, -1, 1, 2, 3, 4)))
    tenths = pick(rng, [k for k in range(-30, 31) if k % 10])  # -2.9 .. 2.9, never a whole number
    return tenths / 10


def variables_of(expression: str) -> list[str]:
    """The template's variable names in first-use order (templates call only exp, sigmoid and max)."""
    names = [name for name in _NAME.findall(expression) if name not in ("exp", "sigmoid", "max")]
    return list(dict.fromkeys(names))


def generate(level: int, seed: int = 0, student: str = "") -> Exercise:
    """The exercise of (level, seed, student): deterministic, refused and redrawn until it is a good one."""
    if level not in LEVELS:
        raise UsageError(_("--level {level}: choose 1, 2 or 3").format(level=level))
    # The graph is the seed's (a class shares it, so marking's item analysis compares one
    # gate across students); the numbers are each student's own.
    expression = pick(stream(seed, ""), TEMPLATES[level])
    rng = stream(seed, student)
    for _draw in range(MAX_DRAWS):
        bindings = {name: draw_number(rng, level) for name in variables_of(expression)}
        result = evaluate(stage(expression), bindings)
        if is_good(result, level):
            return Exercise(expression, bindings, result)
    # Never met (each level needs a few draws): a bug in the templates, not the user's input.
    message = _("no good level-{level} exercise in {draws} draws (seed {seed}, student {student!r})")
    raise RuntimeError(message.format(level=level, draws=MAX_DRAWS, seed=seed, student=student))


def is_good(result: Evaluation, level: int) -> bool:
    """Whether an evaluated draw makes a worksheet: finite, no kink, no zero node, readable numbers."""
    if result.kinks or near_kink(result) is not None or first_non_finite(result) is not None:
        return False
    graph = result.graph
    if any(result.values[node.slot] == 0 for node in graph.nodes):
        return False
    slots = [*graph.variables.values(), *(node.slot for node in graph.nodes)]
    numbers = [result.values[slot] for slot in slots] + [result.grads[slot] for slot in slots]
    return all(readable(number, level) for number in numbers)


def readable(number: float, level: int) -> bool:
    """Whether a student can write ``number`` at ``level``: small, and at most 4 significant digits
    (level 1), or at most 4 significant digits or one decimal (level 2); level 3 rounds to 4 digits,
    so a gradient must not be so close to 0 that it rounds away."""
    if not math.isfinite(number) or abs(number) > LARGEST:
        return False
    if level == 3:
        return number == 0 or abs(number) >= SMALLEST_GRADIENT
    if _close(number, float(f"{number:.4g}")):
        return True
    return level == 2 and _close(number, round(number, 1))


def _close(number: float, written: float) -> bool:
    """Equal but for the float arithmetic's last bits (0.1 + 0.2 is 0.3 on a worksheet)."""
    return math.isclose(number, written, rel_tol=1e-9, abs_tol=1e-12)


def near_kink(result: Evaluation) -> int | None:
    """The first node whose inputs sit on a kink but for the floats' rounding, or None.

    ``max(x*y, z)`` at x=0.6, y=3, z=1.8 is a tie (1.8 = 1.8), but 0.6*3 is 1.7999999999999998
    in floats, so the engine sees none and routes the gradient to z: a worksheet's key would
    then disagree with the mathematics. Inputs are compared rounded to 9 decimals and 12
    significant digits.
    """
    graph, values = result.graph, result.values
    for index, node in enumerate(graph.nodes):
        kink = RULES[node.op].kink
        if kink is None:
            continue
        rounded = tuple(float(f"{round(values[slot], 9):.12g}") for slot in node.inputs)
        variable = [slot not in graph.constants for slot in node.inputs]
        if kink.at(rounded) and kink.concerns(variable):
            return index
    return None
