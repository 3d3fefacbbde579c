"""Programs with named intermediates (issue: write the graph the way the lectures do)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_lecture_q_f_program_gives_the_lecture_table(cli):
    data = cli("grad", "q = x + y; f = q * z", "-x", "-2", "-y", "5", "-z", "-4", "--json").json()
    q, f = data["nodes"]
    assert (q["name"], q["op"], q["pattern"], q["value"], q["grad"]) == ("q", "add", "distributor", 3.0, -4.0)
    assert (f["name"], f["op"], f["pattern"], f["value"]) == ("f", "mul", "switcher", -12.0)
    assert f["local"] == {"q": {"symbolic": "z", "value": -4.0}, "z": {"symbolic": "q", "value": 3.0}}
    assert data["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_newlines_comments_and_a_file_program(cli):
    run = cli("grad", f"@{SAMPLES / 'lecture_qf.bp'}", "-x", "-2", "-y", "5", "-z", "-4", "--quiet")
    assert (run.code, run.out) == (0, "x\t-4.0\ny\t-4.0\nz\t3.0\n")
    run = cli("grad", "q = (x +\n  y)  # a sum over two lines\nf = q * z", "-x", "-2", "-y", "5", "-z", "-4", "--quiet")
    assert run.out == "x\t-4.0\ny\t-4.0\nz\t3.0\n"


def test_inner_nodes_keep_generated_names_and_the_named_node_is_the_last():
    from backprop_cli.language.graph import stage

    graph = stage("z = 2*x + 2 + x; y = z * z")
    assert [(n.name, n.op) for n in graph.nodes] == [("s0", "mul"), ("s1", "add"), ("z", "add"), ("y", "mul")]


def test_a_named_node_used_three_times_is_one_fan_out_node(cli):
    data = cli("grad", "q = x + y; f = q * q + q", "-x", "1", "-y", "2", "--json").json()
    q = data["nodes"][0]
    assert (q["name"], q["op"], q["pattern"]) == ("q", "add", "adder")
    assert len([n for n in data["nodes"] if n["op"] == "add"]) == 2  # q itself and the final +
    assert q["grad"] == 2 * 3 + 1  # d(q^2 + q)/dq at q = 3
    assert data["gradients"] == {"x": 7.0, "y": 7.0}
    table = cli("grad", "q = x + y; f = q * q + q", "-x", "1", "-y", "2").out
    assert "used 3×; gate: distributor" in table


def test_fan_out_of_a_node_in_explain(cli):
    lines = cli("grad", "q = x + y; f = q * q + q", "-x", "1", "-y", "2", "--explain").out.splitlines()
    # q*q is two edges from q, 3 each (the switcher hands each the other), then q's third use
    assert "∂f/∂q += ∂f/∂s0 · ∂s0/∂q₍₁₎ = (1) · (3) = 3   [switcher]" in lines
    assert "∂f/∂q += ∂f/∂s0 · ∂s0/∂q₍₂₎ = (1) · (3) = 3   [switcher]" in lines
    assert "∂f/∂q += ∂f/∂f · ∂(s0 + q)/∂q = (1) · (1) = 1   [distributor]" in lines
    assert "∂f/∂q = (1) + (3) + (3) = 7   [adder]" in lines
    total = lines.index("∂f/∂q = (1) + (3) + (3) = 7   [adder]")
    assert total < lines.index("∂f/∂x = ∂f/∂q · ∂q/∂x = (7) · (1) = 7   [distributor]")


def test_reassignment_makes_a_new_node_and_primes_its_name(cli):
    data = cli("grad", "c = x + 1; c = c * 2; c = c + c", "-x", "3", "--json").json()
    assert [n["name"] for n in data["nodes"]] == ["c", "c'", "c''"]
    assert data["nodes"][2]["expr"] == "c' + c'"
    assert data["value"] == 16.0 and data["gradients"] == {"x": 4.0}


def test_many_reassignments_count_instead_of_adding_primes(cli):
    """A long program re-assigning one name: names stay short (c'4, not c''''), gradients exact."""
    statements = ["c = x + 0"] + ["c = c * x"] * 20_000
    data = cli("grad", "-", "-x", "1", "--json", stdin="\n".join(statements)).json()
    names = [n["name"] for n in data["nodes"]]
    assert names[:6] == ["c", "c'", "c''", "c'''", "c'4", "c'5"]
    assert names[-1] == "c'20000" and len(names) == 20_001
    assert data["gradients"] == {"x": 20_001.0}  # d/dx of x**20001 at x = 1: one per factor x


def test_output_name_picks_another_statement(cli):
    data = cli("grad", "q = x + y; f = q * z", "-x", "-2", "-y", "5", "-z", "-4", "--json", "--output-name", "q").json()
    assert data["value"] == 3.0
    assert data["gradients"] == {"x": 1.0, "y": 1.0, "z": 0.0}
    run = cli("grad", "q = x + y; f = q * z", "-x", "-2", "-y", "5", "-z", "-4", "--output-name", "w")
    assert (run.code, run.err) == (2, "backprop: error: --output-name w: no statement assigns it (assigned: q, f)\n")


def test_an_alias_names_no_new_node(cli):
    data = cli("grad", "q = x * y; r = q; f = r + 1", "-x", "2", "-y", "3", "--json").json()
    assert [n["name"] for n in data["nodes"]] == ["q", "f"]
    assert data["gradients"] == {"x": 3.0, "y": 2.0}


def test_a_variable_read_through_another_name_counts_every_edge(cli):
    """b = z makes b another name for z: b*x and b*y are two edges out of z, a fan-out whose
    gradients add (4 + 3 = 7), whichever name the program reads it by."""
    args = ("grad", "b = z; f = b*x + b*y", "-z", "2", "-x", "3", "-y", "4")
    data = cli(*args, "--json").json()
    assert data["gradients"]["z"] == 7.0
    assert data["variables"][0] == {"name": "z", "value": 2.0, "grad": 7.0, "uses": 2}
    lines = cli(*args, "--explain").out.splitlines()
    assert "∂f/∂z += ∂f/∂s1 · ∂s1/∂z = (1) · (4) = 4   [switcher]" in lines
    assert "∂f/∂z += ∂f/∂s0 · ∂s0/∂z = (1) · (3) = 3   [switcher]" in lines
    assert lines[lines.index("∂f/∂z += ∂f/∂s0 · ∂s0/∂z = (1) · (3) = 3   [switcher]") + 1] == "∂f/∂z = (4) + (3) = 7   [adder]"
    assert "z             2             7     2  adder" in cli(*args).out


@pytest.mark.parametrize(
    ("program", "uses"),
    [("b = z; f = b", {"z": 1}), ("f = x", {"x": 1}), ("q = y; f = x * 2", {"y": 0, "x": 1}), ("f = z + z*z", {"z": 3})],
)
def test_a_variables_uses_are_the_edges_out_of_it(cli, program, uses):
    bindings = [f"{name}=1" for name in uses]
    data = cli("grad", program, *bindings, "--json").json()
    assert {v["name"]: v["uses"] for v in data["variables"]} == uses


def test_explain_with_output_name_walks_back_from_that_statement_only(cli):
    """--output-name q: f = q*z comes after q and cannot change it. --explain used to write
    '∂q/∂q = ∂q/∂f · ∂f/∂q = (0) · (3) = 0' right after '∂q/∂q = 1'; a later node has no line."""
    run = cli("grad", "q = x+y\nf = q*z", "-x", "1", "-y", "2", "-z", "3", "--output-name", "q", "--explain")
    assert run.out.splitlines() == [
        "∂q/∂q = 1",
        "∂q/∂x = ∂q/∂q · ∂(x + y)/∂x = (1) · (1) = 1   [distributor]",
        "∂q/∂y = ∂q/∂q · ∂(x + y)/∂y = (1) · (1) = 1   [distributor]",
    ]
    # x read by q (twice) and by the later f: only q's two edges are its fan-out
    lines = cli("grad", "q = x*x\nf = q*x", "-x", "3", "--output-name", "q", "--explain").out.splitlines()
    assert lines[-1] == "∂q/∂x = (3) + (3) = 6   [adder]" and len(lines) == 4


def test_fusion_leaves_named_intermediates_alone(cli):
    data = cli("grad", "e = exp(-t); f = 1/(1 + e)", "-t", "0.5", "--json", "--fuse", "sigmoid").json()
    assert [n["op"] for n in data["nodes"]] == ["neg", "exp", "add", "div"]
    data = cli("grad", "s = w*x; f = 1/(1 + exp(-s))", "-w", "2", "-x", "0.5", "--json", "--fuse", "sigmoid").json()
    assert [n["op"] for n in data["nodes"]] == ["mul", "sigmoid"]


@pytest.mark.parametrize(
    "program, bindings, message",
    [
        ("y = q * 2; q = x + 1", ["-x", "1"], "q is used before it is assigned (column 5)\n  y = q * 2; q = x + 1\n      ^"),
        ("c = c + 1", ["-c", "1"], "c is used before it is assigned (column 5)\n  c = c + 1\n      ^"),
        (
            "q = x + y; q * z",
            ["-x", "1"],
            "each statement of a program is name = expression (column 12)\n  q = x + y; q * z\n             ^",
        ),
        (
            "q = x + y; f = q * z",
            ["-q", "3"],
            "q is assigned by the program, so it cannot be bound (column 1)\n  q = x + y; f = q * z\n  ^",
        ),
        (
            "exp = x + 1; f = exp * 2",
            ["-x", "1"],
            "cannot assign to 'exp': it is a function (column 1)\n  exp = x + 1; f = exp * 2\n  ^",
        ),
        ("pi = 3", [], "cannot assign to 'pi': it is a constant (column 1)\n  pi = 3\n  ^"),
        ("q = ; f = q", [], "nothing to assign to q after '=' (column 3)\n  q = ; f = q\n    ^"),
        ("# only a comment\n", [], "empty program (line 1, column 1)\n  # only a comment\n  ^"),
        (";", [], "empty program (column 1)\n  ;\n  ^"),
        ("q = x + y\nf = q *\n", ["-x", "1", "-y", "2"], "expression ends too early (line 2, column 8)\n  f = q *\n         ^"),
    ],
)
def test_program_errors_point_at_the_statement(cli, program, bindings, message):
    run = cli("grad", program, *bindings)
    assert run.code == 2
    assert run.out == ""
    assert run.err == f"backprop: error: {message}\n"


def _sympy_program(lines: list[tuple[str, object]], **symbols):
    """Expected values the slow, independent way: substitute statement by statement in SymPy."""
    scope = dict(symbols)
    for name, build in lines:
        scope[name] = build(scope)
    return scope


def test_micrograd_sanity_check_program(cli):
    # micrograd's test_sanity_check, expected numbers from SymPy (relu = Max(0, .), away from 0).
    x = sp.Symbol("x")
    relu = lambda e: sp.Max(0, e)  # noqa: E731
    scope = _sympy_program(
        [
            ("z", lambda s: 2 * s["x"] + 2 + s["x"]),
            ("q", lambda s: relu(s["z"]) + s["z"] * s["x"]),
            ("h", lambda s: relu(s["z"] * s["z"])),
            ("y", lambda s: s["h"] + s["q"] + s["q"] * s["x"]),
        ],
        x=x,
    )
    at = {x: -4}
    data = cli("grad", f"@{SAMPLES / 'micrograd_sanity.bp'}", "-x", "-4", "--json").json()
    assert data["value"] == pytest.approx(float(scope["y"].subs(at)), abs=1e-9)
    assert data["gradients"]["x"] == pytest.approx(float(sp.diff(scope["y"], x).subs(at)), abs=1e-9)
    assert (data["value"], data["gradients"]["x"]) == (-20.0, 46.0)  # what PyTorch prints in that test


def test_micrograd_more_ops_program(cli):
    # micrograd's test_more_ops with `v += e` written as `v = v + (e)`; expected numbers from SymPy,
    # and micrograd's README figures (g 24.7041, a.grad 138.8338, b.grad 645.5773).
    a, b = sp.symbols("a b")
    relu = lambda e: sp.Max(0, e)  # noqa: E731
    scope = _sympy_program(
        [
            ("c", lambda s: s["a"] + s["b"]),
            ("d", lambda s: s["a"] * s["b"] + s["b"] ** 3),
            ("c", lambda s: s["c"] + (s["c"] + 1)),
            ("c", lambda s: s["c"] + (1 + s["c"] + (-s["a"]))),
            ("d", lambda s: s["d"] + (s["d"] * 2 + relu(s["b"] + s["a"]))),
            ("d", lambda s: s["d"] + (3 * s["d"] + relu(s["b"] - s["a"]))),
            ("e", lambda s: s["c"] - s["d"]),
            ("f", lambda s: s["e"] ** 2),
            ("g", lambda s: s["f"] / sp.Rational(2)),
            ("g", lambda s: s["g"] + 10 / s["f"]),
        ],
        a=a,
        b=b,
    )
    at = {a: -4, b: 2}
    data = cli("grad", f"@{SAMPLES / 'micrograd_more_ops.bp'}", "-a", "-4", "-b", "2", "--json").json()
    assert data["value"] == pytest.approx(float(scope["g"].subs(at)), rel=1e-12)
    assert data["gradients"]["a"] == pytest.approx(float(sp.diff(scope["g"], a).subs(at)), rel=1e-12)
    assert data["gradients"]["b"] == pytest.approx(float(sp.diff(scope["g"], b).subs(at)), rel=1e-12)
    assert [round(data["value"], 4), round(data["gradients"]["a"], 4), round(data["gradients"]["b"], 4)] == [
        24.7041,
        138.8338,
        645.5773,
    ]
    names = [n["name"] for n in data["nodes"]]
    assert [n for n in names if n.rstrip("'") in {"c", "d", "g"}] == ["c", "d", "c'", "c''", "d'", "d''", "g", "g'"]


def test_neuron_program_sample(cli):
    data = cli("grad", f"@{SAMPLES / 'neuron.bp'}", "--bindings", str(SAMPLES / "neuron.json"), "--json").json()
    assert [n["name"] for n in data["nodes"]] == ["s0", "s1", "s2", "z", "s3", "s4", "s5", "f"]
    assert {k: round(v, 2) for k, v in data["gradients"].items()} == {"w0": -0.2, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.2}
