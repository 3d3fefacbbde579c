"""The worksheet key (report.worksheet): the contract between ``exercise`` and ``mark``."""

from __future__ import annotations

import json

import pytest

from backprop_cli.engine.scalar import evaluate
from backprop_cli.errors import UsageError
from backprop_cli.language.graph import stage
from backprop_cli.report.worksheet import exercise_id, key_from_evaluation, keys_document, read_keys

HEADLINE = {"x": -2.0, "y": 5.0, "z": -4.0}


def headline_key(**identity):
    return key_from_evaluation(evaluate(stage("(x+y)*z"), HEADLINE), "(x+y)*z", HEADLINE, **identity)


def test_the_headline_key_has_the_lecture_numbers_in_grad_names():
    key = headline_key()
    rows = [(c.node, c.op, c.expr, c.inputs, c.value, c.gradient, c.given) for c in key.cells]
    assert rows == [
        ("x", None, "x", [], -2.0, -4.0, ["value"]),
        ("y", None, "y", [], 5.0, -4.0, ["value"]),
        ("z", None, "z", [], -4.0, 3.0, ["value"]),
        ("s0", "add", "x + y", ["x", "y"], 3.0, -4.0, []),
        ("f", "mul", "s0 * z", ["s0", "z"], -12.0, 1.0, []),
    ]
    assert key.output == "f" and key.convention == "pytorch"


def test_a_constant_input_is_written_as_its_number():
    key = key_from_evaluation(evaluate(stage("1/(1+exp(-x))"), {"x": 0.0}), "1/(1+exp(-x))", {"x": 0.0})
    assert [c.inputs for c in key.cells[1:]] == [["x"], ["s0"], [1.0, "s1"], [1.0, "s2"]]


def test_keys_round_trip_through_json():
    keys = [headline_key(student="s001", seed=7, level=1), headline_key()]
    again = read_keys(json.dumps(keys_document(keys)), "keys.json")
    assert again == keys
    assert read_keys(json.dumps(keys[0].to_json()), "key.json") == keys[:1]


def test_the_exercise_id_depends_on_the_text_the_numbers_and_the_convention():
    ids = {
        exercise_id("(x+y)*z", HEADLINE, "pytorch"),
        exercise_id("(x+y)*z", {**HEADLINE, "z": -3.0}, "pytorch"),
        exercise_id("(x+y)*z", HEADLINE, "jax"),
        exercise_id("(x+z)*y", HEADLINE, "pytorch"),
    }
    assert len(ids) == 4 and headline_key().exercise == exercise_id("(x+y)*z", HEADLINE, "pytorch")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", "not a JSON key file"),
        ('{"format": "something"}', "not a backprop worksheet key"),
        ('{"format": "backprop-worksheet-key", "version": 1}', "a damaged worksheet key"),
    ],
)
def test_a_bad_key_file_is_one_clear_error(text, fragment):
    with pytest.raises(UsageError, match=fragment):
        read_keys(text, "key.json")
