"""``backprop exercise --random``: deterministic draws from (seed, student), and a property test
over many seeds: no kink, no domain error, readable numbers, and a key that agrees with SymPy's
derivative of the whole expression (built here from SymPy objects, never from text)."""

from __future__ import annotations

import functools
import math
import os
import subprocess
import sys
from decimal import Decimal

import pytest
import sympy as sp

from backprop_cli.exercise.command import random_key
from backprop_cli.exercise.generate import TEMPLATES, generate
from backprop_cli.exercise.sheet_markdown import markdown_sheet

x, y, z, w, b = sp.symbols("x y z w b")
w0, x0, w1, x1, w2 = sp.symbols("w0 x0 w1 x1 w2")


def sigmoid(t):
    return 1 / (1 + sp.exp(-t))


# Every template of generate.TEMPLATES, written again as a SymPy expression.
SYMPY = {
    "(x+y)*z": (x + y) * z,
    "(x-y)*z": (x - y) * z,
    "x*y+z": x * y + z,
    "x*y-z": x * y - z,
    "(x+y)*(z+w)": (x + y) * (z + w),
    "x*y+z*w": x * y + z * w,
    "(x*y+z)*w": (x * y + z) * w,
    "(x+y)*z-w": (x + y) * z - w,
    "x*(y-z)+w": x * (y - z) + w,
    "(x-y)*(z-w)": (x - y) * (z - w),
    "2*(x*y+max(z,w))": 2 * (x * y + sp.Max(z, w)),
    "max(x,y)*z": sp.Max(x, y) * z,
    "(x+y)*x": (x + y) * x,
    "(x*y+z)*x": (x * y + z) * x,
    "-(x*y)+max(y,z)": -(x * y) + sp.Max(y, z),
    "max(x*y,z)*w": sp.Max(x * y, z) * w,
    "(x-y)*(x+z)": (x - y) * (x + z),
    "max(x,y)-x*z": sp.Max(x, y) - x * z,
    "-(x+y)*z+y": -(x + y) * z + y,
    "x*x+y*z": x * x + y * z,
    "1/(1+exp(-(w0*x0+w1*x1+w2)))": sigmoid(w0 * x0 + w1 * x1 + w2),
    "1/(1+exp(-(w*x+b)))": sigmoid(w * x + b),
    "sigmoid(w0*x0+w1*x1+w2)": sigmoid(w0 * x0 + w1 * x1 + w2),
    "sigmoid(w*x+b)*y": sigmoid(w * x + b) * y,
    "(x+y)/(1+exp(-z))": (x + y) / (1 + sp.exp(-z)),
    "x/(1+exp(-(w*x+b)))": x / (1 + sp.exp(-(w * x + b))),
    "exp(-(x*y))+z/w": sp.exp(-(x * y)) + z / w,
    "x/(y*y+1)": x / (y * y + 1),
}
SEEDS = range(300)


def test_every_template_has_its_sympy_twin():
    assert sorted(text for texts in TEMPLATES.values() for text in texts) == sorted(SYMPY)


def significant_digits(number: float) -> int:
    """Digits of ``number`` as written, its float arithmetic's last bits aside (2.6100000000000003 is 2.61)."""
    digits = Decimal(f"{number:.12g}").normalize().as_tuple().digits
    return len(digits)


@functools.cache
def derivative(expression: str, name: str):
    return sp.diff(SYMPY[expression], sp.Symbol(name))


def sympy_answers(expression: str, bindings: dict) -> tuple[float, dict]:
    """f and every variable's gradient from SymPy at exact rational inputs."""
    at = {sp.Symbol(name): sp.Rational(repr(value)) for name, value in bindings.items()}
    value = float(SYMPY[expression].subs(at).evalf(30))
    return value, {name: float(derivative(expression, name).subs(at).evalf(30)) for name in bindings}


@pytest.mark.parametrize("level", [1, 2, 3])
def test_generated_exercises_are_good_worksheets(level):
    seen = set()
    for seed in SEEDS:
        key = random_key(level, seed, f"s{seed:03d}")
        seen.add(key.expression)
        assert (key.level, key.seed, key.student) == (level, seed, f"s{seed:03d}")
        variables = {cell.node: cell.value for cell in key.cells if cell.op is None}
        numbers = [number for cell in key.cells for number in (cell.value, cell.gradient)]
        assert all(math.isfinite(number) and abs(number) <= 500 for number in numbers), key
        assert all(cell.value != 0 for cell in key.cells), key
        for cell in key.cells:
            if cell.op == "max":  # no tie: the gradient goes to one input only
                assert cell.inputs[0] != cell.inputs[1] and len(set(_input_values(key, cell))) == 2, key
        if level == 1:  # small non-zero integers, add/mul/sub only: every number is an integer
            assert all(value in range(-5, 6) and value != 0 for value in variables.values())
            assert all(number == int(number) for number in numbers), key
        elif level == 2:  # at most one decimal in, at most 4 significant digits (or one decimal) throughout
            assert all(round(value, 1) == value for value in variables.values())
            assert all(significant_digits(n) <= 4 or math.isclose(n, round(n, 1), abs_tol=1e-9) for n in numbers), key
        else:  # a student writes 4 significant digits, so no gradient rounds to 0
            assert all(n == 0 or abs(n) >= 1e-3 for n in numbers), key
        value, gradients = sympy_answers(key.expression, variables)
        cells = {cell.node: cell for cell in key.cells}
        assert cells[key.output].value == pytest.approx(value, rel=1e-12, abs=1e-12)
        assert {name: cells[name].gradient for name in gradients} == pytest.approx(gradients, rel=1e-9, abs=1e-12)
    assert seen == set(TEMPLATES[level])  # every family is drawn


def _input_values(key, cell) -> list[float]:
    values = {c.node: c.value for c in key.cells}
    return [values[name] if isinstance(name, str) else name for name in cell.inputs]


def test_level_3_sheets_ask_for_4_significant_digits_when_a_number_has_more():
    for seed in range(40):
        key = random_key(3, seed, "")
        longer = any(significant_digits(n) > 4 for cell in key.cells for n in (cell.value, cell.gradient))
        assert ("Write numbers with 4 significant digits." in markdown_sheet(key)) == longer


def test_the_draws_are_pinned_so_a_new_python_cannot_change_them():
    # Written when the generator was made: the same (seed, student) must give these forever.
    first = generate(1, 0, "s001")
    assert (first.expression, first.bindings) == ("(x*y+z)*w", {"x": -2.0, "y": 5.0, "z": 1.0, "w": 1.0})
    drawn = generate(3, 0, "s002")
    assert drawn.expression == "x/(1+exp(-(w*x+b)))"
    assert drawn.bindings == {"x": 2.0, "w": 1.0, "b": -4.0}


def test_a_class_shares_the_seeds_graph_with_its_own_numbers():
    drawn = [generate(2, 7, f"s{n:03d}") for n in range(30)]
    assert {exercise.expression for exercise in drawn} == {generate(2, 7, "").expression}
    assert len({tuple(exercise.bindings.values()) for exercise in drawn}) >= 25
    assert len({generate(2, seed, "s001").expression for seed in range(30)}) >= 5  # seeds choose graphs


def test_the_same_seed_and_student_give_the_same_sheet_and_other_students_mostly_other_sheets(cli):
    args = ("exercise", "--random", "--level", "2", "--seed", "7", "--format", "csv")
    first = cli(*args, "--student", "s001").out
    assert first == cli(*args, "--student", "s001").out
    assert first.splitlines()[1] == "#student,s001"
    sheets = {cli(*args, "--student", f"s{n:03d}").out.split("\n", 2)[2] for n in range(40)}  # without the #student row
    assert len(sheets) >= 35
    assert (
        cli(*args, "--student", "s001").out != cli("exercise", "--random", "--level", "2", "--seed", "8", "--student", "s001").out
    )


def test_the_draw_does_not_depend_on_the_process():
    args = ["exercise", "--random", "--level", "3", "--seed", "5", "--student", "kim", "--format", "key"]
    code = f"from backprop_cli.cli import main\nmain({args!r})"
    outs = set()
    for hash_seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        outs.add(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout)
    assert len(outs) == 1 and '"student": "kim"' in outs.pop()


def test_without_a_student_the_draw_is_of_the_empty_id_and_the_seed_defaults_to_0(cli):
    run = cli("exercise", "--random", "--format", "key")
    data = run.json()
    assert (data["student"], data["seed"], data["level"]) == (None, 0, 1)
    assert data["expression"] == generate(1, 0, "").expression
