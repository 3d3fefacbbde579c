"""``backprop batch`` (SPEC §8): many rows, one parse; grading; bad rows; atomic output."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from backprop_cli.engine.arrays import evaluate_rows
from backprop_cli.engine.scalar import evaluate
from backprop_cli.language.graph import stage

HEADLINE = "(x+y)*z"


@pytest.fixture(autouse=True)
def engine(csv_engine):
    """Every test runs on both CSV engines (conftest.csv_engine)."""
    return csv_engine


def test_the_fast_engine_runs_clean_input_and_hands_back_bad_input(cli, engine, monkeypatch):
    from backprop_cli.batch import polars_engine

    calls = []
    real = polars_engine.run
    monkeypatch.setattr(polars_engine, "run", lambda *args: calls.append(1) or real(*args))
    assert cli("batch", HEADLINE, "--input", "-", stdin="x,y,z\n1,2,3\n").code == 0
    assert calls == ([1] if engine == "polars" else [])
    run = cli("batch", HEADLINE, "--input", "-", "--skip-bad", stdin="x,y,z\n1,2,3\n1,b,3\n")
    assert run.out == "x,y,z,f,df/dx,df/dy,df/dz\n1,2,3,9.0,3.0,3.0,3.0\n"  # nothing of the first attempt left
    assert run.err.startswith("backprop: bad row: line 3: y is not a number: 'b'")


def test_csv_in_csv_out(cli):
    run = cli("batch", HEADLINE, "--input", "-", stdin="x,y,z\n-2,5,-4\n1,2,3\n")
    assert run.code == 0, run.err
    assert run.out == "x,y,z,f,df/dx,df/dy,df/dz\n-2,5,-4,-12.0,-4.0,-4.0,3.0\n1,2,3,9.0,3.0,3.0,3.0\n"


def test_other_columns_pass_through_and_blank_lines_are_not_rows(cli):
    run = cli("batch", HEADLINE, "--input", "-", stdin='id,z,y,x,note\n\na,-4,5,-2,"hi, there"\n')
    assert run.out == 'id,z,y,x,note,f,df/dx,df/dy,df/dz\na,-4,5,-2,"hi, there",-12.0,-4.0,-4.0,3.0\n'


def test_json_lines_in_and_out(cli):
    rows = '{"x": -2, "y": 5, "z": -4, "id": 7}\n\n{"x": 1, "y": 2, "z": 3}\n'
    run = cli("batch", HEADLINE, "--input", "-", "--json", stdin=rows)
    assert [json.loads(line) for line in run.out.splitlines()] == [
        {"x": -2, "y": 5, "z": -4, "id": 7, "f": -12.0, "df/dx": -4.0, "df/dy": -4.0, "df/dz": 3.0},
        {"x": 1, "y": 2, "z": 3, "f": 9.0, "df/dx": 3.0, "df/dy": 3.0, "df/dz": 3.0},
    ]


def test_rows_agree_with_grad_on_every_operator(tmp_path):
    source = (
        "1/(1+exp(-(w0*x0+w1*x1+w2))) + relu(x0) + max(w0, x1, 0.5) + abs(w1) + leaky_relu(w2) + elu(x1, 2) + sqrt(1 + w0**2)"
    )
    graph = stage(source)
    rng = np.random.RandomState(0)
    n = 200
    columns = {name: np.round(rng.randn(n), 1) for name in graph.variables}  # rounding makes kinks and ties
    columns["x0"][:20] = 0.0
    for convention in ("pytorch", "jax", "sympy"):
        value, grads = evaluate_rows(graph, columns, n, convention)
        for i in range(n):
            row = {name: float(c[i]) for name, c in columns.items()}
            expected = evaluate(graph, row, convention)
            assert value[i] == pytest.approx(expected.value, rel=1e-12, abs=1e-12)
            for name in graph.variables:
                assert grads[name][i] == pytest.approx(expected.gradient(name), rel=1e-12, abs=1e-12), (convention, i, name)


def test_programs_work_in_batch(cli):
    run = cli("batch", "q = x + y; f = q * z", "--input", "-", stdin="x,y,z\n-2,5,-4\n")
    assert run.out.splitlines()[1] == "-2,5,-4,-12.0,-4.0,-4.0,3.0"


def test_grading_with_expected_columns(cli):
    rows = "student,x,y,z,expected_f,expected_dx,expected_dz\nada,-2,5,-4,-12,-4,3\nbob,1,2,3,9,2,\n"
    run = cli("batch", HEADLINE, "--input", "-", "--expect-columns", stdin=rows)
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0].endswith(",f,df/dx,df/dy,df/dz,pass")
    assert lines[1].endswith(",true") and lines[2].endswith(",false")  # bob's df/dx is 3, not 2
    assert run.err.splitlines() == [
        "graded 2 rows: 1 passed, 1 failed",
        "backprop: 1 of 2 rows failed the expectations",
    ]
    ok = cli("batch", HEADLINE, "--input", "-", "--expect-columns", "--tol", "0.5", stdin=rows.replace(",2,\n", ",3,\n"))
    assert ok.code == 0 and ok.err == "graded 2 rows: 2 passed, 0 failed\n"


def test_expect_columns_needs_some(cli):
    run = cli("batch", HEADLINE, "--input", "-", "--expect-columns", stdin="x,y,z\n1,2,3\n")
    assert run.code == 2 and "none of the columns expected_f, expected_dx, expected_dy, expected_dz" in run.err


BAD = "x,y,z\n-2,5,-4\n1,abc,3\n4,4\n5,5,5,5\n7,8,9\n"


def test_bad_rows_stop_the_run_and_nothing_is_written(cli, tmp_path):
    target = tmp_path / "out.csv"
    run = cli("batch", HEADLINE, "--input", "-", "--output", str(target), stdin=BAD)
    assert run.code == 2 and run.out == ""
    assert run.err == "backprop: error: line 3: y is not a number: 'abc' (nothing written; --skip-bad writes the good rows)\n"
    assert not target.exists() and list(tmp_path.iterdir()) == []  # no temporary file left either


def test_skip_bad_writes_good_rows_reports_every_bad_one(cli):
    run = cli("batch", HEADLINE, "--input", "-", "--skip-bad", stdin=BAD)
    assert run.code == 2
    assert run.out.splitlines()[1:] == ["-2,5,-4,-12.0,-4.0,-4.0,3.0", "7,8,9,135.0,9.0,9.0,15.0"]
    assert run.err.splitlines() == [
        "backprop: bad row: line 3: y is not a number: 'abc'",
        "backprop: bad row: line 4: missing column(s): 2 values, the header has 3 columns",
        "backprop: bad row: line 5: extra value(s): 4 values, the header has 3 columns",
        "backprop: error: 3 bad row(s) reported; 2 of 5 rows written",  # rows in = rows out + rows reported
    ]


def test_json_lines_bad_rows(cli):
    rows = '{"x": 1, "y": 2, "z": 3}\n{"x": 1, "y": true, "z": 3}\n{"x": 1}\nnot json\n[1, 2]\n'
    run = cli("batch", HEADLINE, "--input", "-", "--skip-bad", stdin=rows)
    assert run.code == 2
    assert run.err.splitlines()[:4] == [
        "backprop: bad row: line 2: y is not a number: True",
        "backprop: bad row: line 3: no value for y",
        "backprop: bad row: line 4: not valid JSON (Expecting value)",
        "backprop: bad row: line 5: not a JSON object",
    ]


def test_missing_variable_column(cli):
    run = cli("batch", HEADLINE, "--input", "-", stdin="x,y\n1,2\n")
    assert run.code == 2
    assert run.err == "backprop: error: the input has no column for z (its columns: x, y)\n"


def test_output_file_is_written_atomically(cli, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old contents\n")
    run = cli("batch", HEADLINE, "--input", "-", "--output", str(target), stdin="x,y,z\n1,2,3\n")
    assert run.code == 0 and run.out == ""
    assert target.read_text() == "x,y,z,f,df/dx,df/dy,df/dz\n1,2,3,9.0,3.0,3.0,3.0\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_failed_run_keeps_the_previous_output(cli, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old contents\n")
    cli("batch", HEADLINE, "--input", "-", "--output", str(target), stdin=BAD)
    assert target.read_text() == "old contents\n"


def test_chunks_do_not_change_the_result(cli):
    rows = "x,y,z\n" + "".join(f"{i},{i + 1},{i % 7}\n" for i in range(100))
    whole = cli("batch", HEADLINE, "--input", "-", stdin=rows).out
    assert cli("batch", HEADLINE, "--input", "-", "--chunk-size", "7", stdin=rows).out == whole
    assert cli("batch", HEADLINE, "--input", "-", "--chunk-size", "0", stdin=rows).code == 2


def test_non_finite_rows_exit_3_after_writing(cli):
    run = cli("batch", "log(x)", "--input", "-", stdin="x\n1\n0\n-1\n")
    assert run.code == 3
    assert run.out == "x,f,df/dx\n1,0.0,1.0\n0,-inf,inf\n-1,nan,-1.0\n"
    assert run.err == "backprop: error: non-finite results in 2 row(s), the first at line 3\n"


def test_an_expected_inf_matches_inf_as_in_grad(cli):
    rows = "x,expected_f,expected_dx\n0,-inf,inf\n0,-inf,1e308\n"
    run = cli("batch", "log(x)", "--input", "-", "--expect-columns", stdin=rows)
    assert [line.rsplit(",", 1)[1] for line in run.out.splitlines()[1:]] == ["true", "false"]
    assert run.code == 3  # non-finite results outrank the failed row (exit 1)
    assert run.err.startswith("graded 2 rows: 1 passed, 1 failed\n")


def test_grading_uses_the_same_tolerance_rule_as_grad_expect():
    import numpy as np

    from backprop_cli.report.checks import within

    values = [0.0, 1.0, -1.0, 1.0000005, 1e-7, 1e6, 1e6 + 0.5, 1e6 + 2, math.inf, -math.inf, math.nan]
    pairs = [(got, expected) for got in values for expected in values]
    elementwise = within(np.array([g for g, _ in pairs]), np.array([e for _, e in pairs]), 1e-6)
    assert elementwise.tolist() == [within(g, e, 1e-6) for g, e in pairs]
    assert within(1e6 + 0.5, 1e6, 1e-6) and not within(1e6 + 2, 1e6, 1e-6)  # relative above 1
    assert within(1e-7, 0.0, 1e-6) and not within(2e-6, 0.0, 1e-6)  # an absolute floor near 0


def test_large_finite_results_whose_sum_overflows_are_not_non_finite(cli):
    # batch first sums each result column (inf and nan survive a sum); 2 x 1e308 overflows
    run = cli("batch", "x * 1", "--input", "-", stdin="x\n1e308\n1e308\n")
    assert run.code == 0, run.err
    assert run.out.splitlines()[1:] == ["1e308,1e+308,1.0"] * 2


def test_input_file_and_errors(cli, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("x,y,z\n1,2,3\n")
    assert cli("batch", HEADLINE, "--input", str(path)).code == 0
    missing = cli("batch", HEADLINE, "--input", str(tmp_path / "none.csv"))
    assert missing.code == 2 and "cannot read" in missing.err
    empty = cli("batch", HEADLINE, "--input", "-", stdin="")
    assert empty.code == 2 and "no header row" in empty.err


def test_kink_convention_applies(cli):
    rows = "x\n0\n"
    assert cli("batch", "relu(x)", "--input", "-", stdin=rows).out.splitlines()[1] == "0,0.0,0.0"
    assert cli("batch", "relu(x)", "--input", "-", "--convention", "sympy", stdin=rows).out.splitlines()[1] == "0,0.0,0.5"


def test_large_input_in_chunks(cli, tmp_path):
    n = 50_000
    path = tmp_path / "big.csv"
    x = np.linspace(-3, 3, n)
    path.write_text("x\n" + "\n".join(map(repr, x.tolist())) + "\n")
    run = cli("batch", "sigmoid(x) * x", "--input", str(path), "--chunk-size", "4096")
    lines = run.out.splitlines()
    assert len(lines) == n + 1
    sample = lines[1 + n // 3].split(",")
    v = float(sample[0])
    s = 1 / (1 + math.exp(-v))
    assert float(sample[1]) == pytest.approx(s * v, rel=1e-12)
    assert float(sample[2]) == pytest.approx(s + v * s * (1 - s), rel=1e-12)
