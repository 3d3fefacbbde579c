"""Keys and filled-in sheets for the mark tests, made as ``backprop exercise`` will (BRIEF: the
sheet format of report.worksheet), with the seeds' worked examples."""

from __future__ import annotations

import csv
import io
import json

import pytest

from backprop_cli import i18n
from backprop_cli.engine.scalar import evaluate
from backprop_cli.language.graph import stage
from backprop_cli.report.worksheet import key_from_evaluation, keys_document


@pytest.fixture(autouse=True)
def english():
    """The language is global: a test that ran ``--lang ko`` in-process must not leave it for the next."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


HEADLINE = ("(x+y)*z", {"x": -2.0, "y": 5.0, "z": -4.0})
NEURON = ("1/(1+exp(-(w0*x0+w1*x1+w2)))", {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0})


def make_key(example=HEADLINE, fuse=(), **identity):
    expression, bindings = example
    return key_from_evaluation(evaluate(stage(expression, fuse), bindings), expression, bindings, **identity)


def sheet_text(key, answers: dict, *, exercise=None, student=None, sep=",", header="node,expr,value,gradient") -> str:
    """A filled-in sheet: ``answers`` maps a node to (value, gradient) texts; a variable's value is given."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(["#exercise", key.exercise if exercise is None else exercise])
    if student:
        writer.writerow(["#student", student])
    writer.writerow(header.split(","))
    for cell in key.cells:
        value, gradient = answers.get(cell.node, ("", ""))
        if cell.op is None:
            value = f"{cell.value:g}"
        writer.writerow([cell.node, cell.expr, value, gradient])
    return out.getvalue()


def rounded(number: float, digits: int = 4) -> str:
    """A number as a student writes it: ``digits`` significant digits."""
    return f"{number:.{digits}g}"


def key_answers(key, digits: int = 4) -> dict:
    """Every asked cell right, rounded as a student would."""
    return {cell.node: (rounded(cell.value, digits), rounded(cell.gradient, digits)) for cell in key.cells}


def write_key(path, key) -> str:
    path.write_text(json.dumps(key.to_json()), encoding="utf-8")
    return str(path)


def write_keys(path, keys) -> str:
    path.write_text(json.dumps(keys_document(keys)), encoding="utf-8")
    return str(path)
