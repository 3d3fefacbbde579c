"""Local gradients as text: the fast textual path must print what SymPy prints."""

from __future__ import annotations

import itertools

import pytest

from backprop_cli.rules import symbolic
from backprop_cli.rules.table import RULES


@pytest.mark.parametrize("op", [op for op, row in RULES.items() if row.plain_constants])
def test_whole_number_constants_print_as_sympy_would(op):
    arity = RULES[op].arity
    for constants in itertools.product(["0", "1", "2", "10", "17"], repeat=arity):
        for mask in itertools.product([True, False], repeat=arity):
            if all(mask):
                continue  # a node of constants only has no local gradient to show
            labels = [c if is_const else f"v{i}" for i, (c, is_const) in enumerate(zip(constants, mask))]
            textual = symbolic.local_symbolic(op, labels, list(mask))
            distinct = [label for label, is_const in zip(labels, mask) if not is_const]
            signature = tuple(label if is_const else distinct.index(label) for label, is_const in zip(labels, mask))
            via_sympy = [symbolic._fill(t, distinct) for t in symbolic._derive(op, signature)]
            assert textual == via_sympy, (op, labels)


def test_other_constants_go_through_sympy():
    assert symbolic.local_symbolic("pow", ["x", "2"], [False, True]) == ["2*x"]
    assert symbolic.local_symbolic("div", ["-2", "x"], [True, False]) == ["2/x**2"]
    assert symbolic.local_symbolic("elu", ["x", "1"], [False, True]) == ["exp(Min(0, x))*Heaviside(-x) + Heaviside(x)"]


def test_variables_fill_the_generated_template():
    assert symbolic.local_symbolic("mul", ["s3", "z"], [False, False]) == ["z", "s3"]
    assert symbolic.local_symbolic("sigmoid", ["s3"], [False]) == ["(1 - sigmoid(s3))*sigmoid(s3)"]


def test_repeated_input_texts_derived_ahead_of_time_are_what_sympy_gives_at_run_time():
    """x + x and x * x take their text from _derived.SYMBOLIC (no SymPy import); it must be _derive's."""
    from backprop_cli.rules.generated.derived import SYMBOLIC
    from backprop_cli.rules.symbolic import _derive

    repeated = {key: texts for key, texts in SYMBOLIC.items() if key[1] == (0, 0)}
    assert {op for op, _ in repeated} >= {"add", "sub", "mul", "div", "pow"}
    for (op, signature), texts in repeated.items():
        assert _derive.__wrapped__(op, signature) == texts, op


def test_x_plus_x_needs_no_sympy(cli):
    import subprocess
    import sys

    code = (
        "import sys; from backprop_cli.cli import main\n"
        "try: main(['grad', 'x+x*x', '-x', '3', '--json'])\n"
        "except SystemExit: pass\n"
        "print('sympy' in sys.modules, file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr.strip() == "False"
    # one edge per use of x, each the other input (3), and their sum under x's key
    assert '"local": {"x": {"symbolic": "x + x", "value": 6.0}}' in run.stdout
    assert run.stdout.count('{"input": "x", "local": {"symbolic": "x", "value": 3.0}, "downstream": 3.0}') == 2
