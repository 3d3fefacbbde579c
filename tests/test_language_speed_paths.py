"""The parser's and staging's inline fast paths give what the general rule gives (issue #11, item 9).

Staging handles gates of one and two inputs and variables seen before inline, and
everything else through the general path. A reference staging written straight from
the rule (every gate takes the last ``argc`` values, in order; a minus directly
before a number is part of it) must build the same graph, slot for slot, on random
expressions (fixed seed) that mix every path.
"""

from __future__ import annotations

import random

import pytest

from backprop_cli.errors import ExpressionError
from backprop_cli.language.graph import stage
from backprop_cli.language.parser import parse

NAMES = ["x", "y", "z", "w1"]
NUMBERS = ["2", "0.5", "3e2", ".25", "pi"]
CALLS = {"sin": 1, "exp": 1, "leaky_relu": 1, "max": 2, "min": 3}  # name -> arguments written (max/min take more)


def reference_stage(source: str) -> dict:
    """The graph of one expression by the general rule alone, from the parser's postfix items."""
    labels, constants, variables, uses, nodes, stack = [], {}, {}, {}, [], []
    for item in parse(source):
        if item[0] == "num":
            constants[len(labels)] = item[1]
            stack.append(len(labels))
            labels.append(item[2])
        elif item[0] == "var":
            name = item[1]
            if name not in variables:
                variables[name] = len(labels)
                labels.append(name)
                uses[name] = 0
            uses[name] += 1
            stack.append(variables[name])
        else:
            _, op, argc, at = item
            inputs = tuple(stack[len(stack) - argc :])
            del stack[len(stack) - argc :]
            if op == "neg" and inputs[0] in constants and not labels[inputs[0]].startswith("-"):
                constants[inputs[0]] = -constants[inputs[0]]
                labels[inputs[0]] = "-" + labels[inputs[0]]
                stack.append(inputs[0])
                continue
            nodes.append((op, inputs, len(labels), at))
            stack.append(len(labels))
            labels.append(None)  # a node: named later
    leaves = [label for label in labels if label is not None]
    return {"nodes": nodes, "constants": constants, "variables": variables, "uses": uses, "leaves": leaves}


def staged(source: str) -> dict:
    graph = stage(source)
    nodes = [(n.op, n.inputs, n.slot, n.at) for n in graph.nodes]
    node_slots = {n.slot for n in graph.nodes}
    leaves = [label for slot, label in enumerate(graph.labels) if slot not in node_slots]
    return {
        "nodes": nodes,
        "constants": graph.constants,
        "variables": graph.variables,
        "uses": graph.variable_uses(),
        "leaves": leaves,
    }


def random_expression(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 6 or roll < 0.3:
        return rng.choice(NAMES + NUMBERS)
    if roll < 0.4:
        return "-" + random_expression(rng, depth + 1)
    if roll < 0.7:
        operator = rng.choice(["+", "-", "*", "/", "**"])
        return random_expression(rng, depth + 1) + f" {operator} " + random_expression(rng, depth + 1)
    if roll < 0.8:
        return "(" + random_expression(rng, depth + 1) + ")"
    name = rng.choice(sorted(CALLS))
    count = CALLS[name] + (rng.random() < 0.3 and name in ("max", "min"))
    return f"{name}(" + ", ".join(random_expression(rng, depth + 1) for _ in range(count)) + ")"


@pytest.mark.parametrize("seed", range(4))
def test_staging_matches_the_general_rule_on_random_expressions(seed):
    rng = random.Random(seed)
    for _ in range(150):
        source = random_expression(rng)
        assert staged(source) == reference_stage(source), source


def test_a_gate_of_three_or_more_inputs_keeps_them_in_order():
    graph = stage("min(x, y + 1, z, x)")
    add, minimum = graph.nodes
    x, y, one, z = graph.variables["x"], graph.variables["y"], 2, graph.variables["z"]
    assert (add.op, add.inputs) == ("add", (y, one))
    assert (minimum.op, minimum.inputs) == ("min", (x, add.slot, z, x))
    assert graph.variable_uses() == {"x": 2, "y": 1, "z": 1}


def test_names_a_program_assigns_are_read_but_not_counted_as_variable_uses():
    graph = stage("q = x * 2\nf = q + q * x + -q")
    assert graph.variable_uses() == {"x": 2}
    q = graph.nodes[0].slot
    ops = [(n.op, n.inputs) for n in graph.nodes[1:]]
    x = graph.variables["x"]
    assert ops == [("mul", (q, x)), ("add", (q, q + 1)), ("neg", (q,)), ("add", (q + 2, q + 3))]


def test_an_error_inside_a_call_after_commas_still_points_at_the_call():
    with pytest.raises(ExpressionError) as caught:
        parse("1 + sin(x, y)")
    assert caught.value.render() == "sin() takes 1 argument(s), got 2 (column 5)\n  1 + sin(x, y)\n      ^"
