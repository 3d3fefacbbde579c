"""The activation functions (issue #16): ``ops --plot``, ``ops --properties`` and the
vanishing gradient of a chain of sigmoids."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from test_readme import BIN, matches, sample_folder, sessions
from test_readme import run as run_shell

from backprop_cli import i18n
from backprop_cli.render.activation_properties import ACTIVATIONS, properties
from backprop_cli.render.function_plot import curve, derivative_text, plottable
from backprop_cli.rules.table import RULES

# Points where each function is smooth and defined: kinks (x = 0), log/sqrt's domain,
# and tan's poles are left out.
POINTS = [x / 8 for x in range(-48, 49) if x != 0]


@pytest.fixture(autouse=True)
def _english_after():
    """--lang ko sets the language for the process: put English back for the next test."""
    yield
    i18n.set_language("en")


def _smooth_points(op: str) -> list[float]:
    if op in ("log", "sqrt"):
        return [x for x in POINTS if x > 0.1]
    if op == "tan":
        return [x for x in POINTS if abs(math.cos(x)) > 0.2]
    return POINTS


def test_every_one_input_operator_is_plottable():
    expected = {op for op, row in RULES.items() if row.define is not None and row.arity == 1}
    assert set(plottable()) == expected | {"leaky_relu", "elu"}  # a second input with a default
    assert plottable()["neg"] == "-x" and plottable()["leaky_relu"] == "leaky_relu(x)"


@pytest.mark.parametrize("op", sorted(plottable()))
def test_the_plotted_derivative_is_the_central_difference_of_the_function(op):
    xs = _smooth_points(op)
    h = 1e-6
    derivative = curve(op, xs)
    above, below = curve(op, [x + h for x in xs]), curve(op, [x - h for x in xs])
    for point, plus, minus in zip(derivative, above, below):
        difference = (plus.value - minus.value) / (2 * h)
        assert point.kink is None
        assert point.slope == pytest.approx(difference, rel=1e-5, abs=1e-6), (op, point.x)


# The functions as the lectures define them, written independently of the operator table.
BY_HAND = {
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "tanh": lambda x: (math.exp(x) - math.exp(-x)) / (math.exp(x) + math.exp(-x)),
    "relu": lambda x: x if x > 0 else 0.0,
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "elu": lambda x: x if x > 0 else math.exp(x) - 1,
    "softplus": lambda x: math.log(1 + math.exp(x)),
}


@pytest.mark.parametrize("op", sorted(BY_HAND))
def test_the_plotted_function_is_the_activation_function(op):
    for point in curve(op, POINTS):
        assert point.value == pytest.approx(BY_HAND[op](point.x), rel=1e-12, abs=1e-15), point.x


def test_the_plotted_derivative_is_the_number_grad_prints(cli):
    for op, x in [("sigmoid", 0.3), ("elu", -1.25), ("softplus", 2.0)]:
        run = cli("grad", plottable()[op], "-x", str(x), "--quiet", "--wrt", "x")
        assert run.code == 0
        assert float(run.out) == curve(op, [x])[0].slope


def test_the_derivative_shown_is_the_sympy_rule():
    assert derivative_text("sigmoid") == "(1 - sigmoid(x))*sigmoid(x)"
    assert derivative_text("leaky_relu") == "0.01*Heaviside(-x) + Heaviside(x)"
    assert derivative_text("tanh") == "1 - tanh(x)**2"


RELU_PLOT = """\
relu(x) for x from -6 to 6
     6 ┤                                                           **
       │                                                        ***
       │                                                     ***
       │                                                  ***
       │                                               ***
       │                                            ***
       │                                         ***
       │                                      ***
       │                                   ***
       │                                ***
     0 ┤******************************o*
       └──────────────────────────────┬──────────────────────────────
        -6                            0                             6
its derivative, the rule grad uses: Heaviside(x)
     1 ┤                               ******************************
       │
       │
       │
       │
       │
       │
       │
       │
       │
     0 ┤******************************o
       └──────────────────────────────┬──────────────────────────────
        -6                            0                             6
o: a kink, marked as grad marks it: relu at 0: pytorch gives 0
"""


def test_the_terminal_plot_of_relu_exactly(cli):
    run = cli("ops", "--plot", "relu")
    assert (run.code, run.err) == (0, "")
    assert run.out == RELU_PLOT


def test_a_kink_is_marked_with_the_text_grad_gives_it(cli):
    for convention, value in [("pytorch", "0.01"), ("jax", "1"), ("sympy", "0.505")]:
        run = cli("ops", "--plot", "leaky_relu", "--convention", convention)
        kink = f"leaky_relu at 0: {convention} gives {value}"
        assert run.out.splitlines()[-1] == f"o: a kink, marked as grad marks it: {kink}"
        node = cli("grad", "leaky_relu(x)", "-x", "0", "--json", "--convention", convention).json()["nodes"][0]
        assert node["kink"] == kink


def test_sigmoid_plot_peaks_at_a_quarter_and_an_alias_is_accepted(cli):
    lines = cli("ops", "--plot", "sigmoid").out.splitlines()
    derivative = lines[lines.index("its derivative, the rule grad uses: (1 - sigmoid(x))*sigmoid(x)") + 1]
    assert derivative.startswith("  0.25 ┤")
    assert derivative.rstrip().endswith("*****") and derivative.index("*") == 8 + 28  # x = -0.4 ... 0.4
    assert cli("ops", "--plot", "ln").out.startswith("log(x) for x from -6 to 6\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plot", "sigmod"], "backprop: error: unknown function sigmod (did you mean sigmoid?); --plot draws: neg, exp,"),
        (["--plot", "rleu"], "(did you mean relu?)"),
        (["--plot", "max"], "backprop: error: --plot draws functions of one number; max is not one: choose one of neg,"),
        (["--plot", "sum"], "--plot draws functions of one number; sum is not one: choose one of neg,"),
        (["--plot-file", "x.png"], "backprop: error: --plot-file needs --plot NAME (the function to draw)\n"),
    ],
)
def test_a_bad_name_is_one_line_and_exit_2(cli, args, message):
    run = cli("ops", *args)
    assert (run.code, run.out) == (2, "")
    assert message in run.err and run.err.count("\n") == 1


def test_plot_file_writes_a_real_png(cli, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "sigmoid.png"
    run = cli("ops", "--plot", "sigmoid", "--plot-file", str(path))
    assert run.code == 0 and run.out.startswith("sigmoid(x) for x from -6 to 6")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_plot_file_in_a_missing_folder_is_exit_2(cli, tmp_path):
    pytest.importorskip("matplotlib")
    run = cli("ops", "--plot", "relu", "--plot-file", str(tmp_path / "no" / "relu.png"))
    assert run.code == 2 and run.err.startswith("backprop: error: cannot write plot ")


def test_plot_file_without_matplotlib_is_exit_2(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    run = cli("ops", "--plot", "relu", "--plot-file", "relu.png")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "backprop: error: --plot-file needs matplotlib: pip install 'backprop-cli[plot]' (or pip install matplotlib)\n"
    )


# --- the properties table ---------------------------------------------------------------


def _first_grid_point_past(boundary: float) -> float:
    return math.ceil(boundary * 100) / 100  # the scan's step is 0.01


# sigmoid'(x) = 0.01 where sigmoid(x) = (1 ± sqrt(0.96))/2; tanh'(x) = 0.01 where tanh(x) = ±sqrt(0.99)
SIGMOID_EDGE = _first_grid_point_past(math.log((1 + math.sqrt(0.96)) / (1 - math.sqrt(0.96))))
TANH_EDGE = _first_grid_point_past(math.atanh(math.sqrt(0.99)))
# elu and softplus saturate on the left only: exp(x) < 0.01 and sigmoid(x) < 0.01
ELU_EDGE = _first_grid_point_past(math.log(100))
SOFTPLUS_EDGE = _first_grid_point_past(math.log(99))

EXPECTED = {
    # name: range, zero-centred, saturates, largest f', where, dead zone
    "sigmoid": ("(0, 1)", "no", f"|x| > {SIGMOID_EDGE:g}", 0.25, "x = 0", "none"),
    "tanh": ("(-1, 1)", "yes", f"|x| > {TANH_EDGE:g}", 1.0, "x = 0", "none"),
    "relu": ("[0, inf)", "no", "x < 0", 1.0, "x > 0", "x < 0"),
    "leaky_relu": ("(-inf, inf)", "partly", "none", 1.0, "x > 0", "none"),
    "elu": ("(-1, inf)", "partly", f"x < -{ELU_EDGE:g}", 1.0, "x > 0", "none"),
    "softplus": ("(0, inf)", "no", f"x < -{SOFTPLUS_EDGE:g}", 1.0, "x → inf", "none"),
}


@pytest.mark.parametrize("op", ACTIVATIONS)
def test_each_activation_functions_properties(op):
    found = properties(op)
    shown = (found.value_range, found.zero_centred, found.saturates, found.largest_slope, found.largest_where, found.dead_zone)
    assert shown == EXPECTED[op]


def test_the_edges_the_table_expects_are_the_known_ones():
    assert (SIGMOID_EDGE, TANH_EDGE, ELU_EDGE, SOFTPLUS_EDGE) == (4.59, 3.0, 4.61, 4.6)


def test_sigmoids_largest_derivative_is_a_quarter_by_an_independent_scan():
    def sigmoid(x):
        return 1 / (1 + math.exp(-x))

    scan = max(sigmoid(x / 1000) * (1 - sigmoid(x / 1000)) for x in range(-10_000, 10_001))
    assert scan == 0.25 == properties("sigmoid").largest_slope


def test_ops_properties_prints_the_table(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    run = cli("ops", "--properties")
    assert (run.code, run.err) == (0, "")
    rows = {line.split()[0]: " ".join(line.split()) for line in run.out.splitlines() if line.strip()}
    assert rows["sigmoid"] == f"sigmoid (0, 1) no |x| > {SIGMOID_EDGE:g} 0.25 (x = 0) none"
    assert rows["relu"] == "relu [0, inf) no x < 0 1 (x > 0) x < 0"
    assert rows["softplus"] == f"softplus (0, inf) no x < -{SOFTPLUS_EDGE:g} 1 (x → inf) none"
    assert "Maxout, max(w1*x + b1, w2*x + b2), is a max node (pattern router):\n" in run.out
    assert max(len(line.rstrip()) for line in run.out.splitlines()) <= 80  # fits, not stacked


def test_ops_properties_in_korean(cli):
    run = cli("ops", "--properties", "--lang", "ko")
    assert run.code == 0
    assert "활성화 함수" in run.out and "없음" in run.out


# --- the vanishing gradient -----------------------------------------------------------

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sigmoid_chain.expr"


def _chain(k: int) -> str:
    return "sigmoid(" * k + "x" + ")" * k


def _chain_gradient(k: int, x: float) -> float:
    """∂f/∂x of k sigmoids, by hand: the product of σ'(s) = σ(s)(1 - σ(s)) along the chain."""
    gradient = 1.0
    for _ in range(k):
        x = 1 / (1 + math.exp(-x))
        gradient *= x * (1 - x)
    return gradient


@pytest.mark.parametrize("k", range(1, 13))
def test_a_chain_of_k_sigmoids_passes_at_most_a_quarter_to_the_k(cli, k):
    for x in (-3.0, -0.5, 0.0, 0.25, 2.0, 6.0):
        run = cli("grad", _chain(k), "-x", str(x), "--wrt", "x", "--quiet")
        assert run.code == 0
        gradient = float(run.out)
        assert 0 < gradient <= 0.25**k
        assert gradient == pytest.approx(_chain_gradient(k, x), rel=1e-12)
    assert float(cli("grad", _chain(k), "-x", "0", "--wrt", "x", "--quiet").out) > 0.2**k  # the bound is nearly met at 0


def test_the_sample_is_the_chain_of_ten(cli):
    assert SAMPLE.read_text(encoding="utf-8").strip() == _chain(10)
    run = cli("grad", f"@{SAMPLE}", "-x", "0", "--wrt", "x", "--quiet")
    assert float(run.out) == pytest.approx(_chain_gradient(10, 0.0), rel=1e-12)
    assert float(run.out) < 0.25**10


# --- docs/perceptron.md (the perceptron and activation chapter): every runnable block prints what it shows ----------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "perceptron.md"
DOC_BLOCKS = sessions(DOC.read_text(encoding="utf-8"))


def test_the_page_has_its_examples():
    commands = [command for _, steps in DOC_BLOCKS for command, _ in steps]
    for used in ("--plot sigmoid", "--properties", "@samples/sigmoid_chain.expr -x 0 --explain", "0.25^$k"):
        assert any(used in command for command in commands), used


@pytest.mark.parametrize(("line", "steps"), DOC_BLOCKS, ids=[steps[0][0][:50] for _, steps in DOC_BLOCKS])
def test_the_perceptron_page_prints_what_it_shows(line, steps, tmp_path):
    folder = sample_folder(tmp_path)
    for command, expected in steps:
        if not (BIN / "backprop").exists():
            pytest.skip(f"no backprop command beside {sys.executable} (pip install .)")
        actual = run_shell(command, folder)
        shown = "\n".join(actual)
        assert matches(expected, actual), f"docs/perceptron.md line {line}: `{command}` printed:\n{shown}"


@pytest.mark.parametrize("args", [["--plot", "relu"], ["--properties"]])
def test_a_stdout_in_ascii_still_gets_the_plot_and_the_table(args):
    import os
    import subprocess

    env = dict(os.environ, PYTHONIOENCODING="ascii", LANG="C.UTF-8", COLUMNS="80")
    env.pop("LANGUAGE", None), env.pop("LC_ALL", None), env.pop("LC_MESSAGES", None)
    done = subprocess.run([sys.executable, "-m", "backprop_cli", "ops", *args], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.isascii()
    assert "0 |******************************o" in done.stdout or "relu        [0, inf)" in done.stdout
