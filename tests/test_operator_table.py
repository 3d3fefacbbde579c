"""One row per operator: a row added to a copy of the table, plus regenerating, is all it takes.

The fixture copies the package into a temporary directory, adds rows to the copy's
``rules/table.py`` (nothing else is edited), runs ``python -m backprop_cli.rules.codegen`` there
and then the copy's CLI: ``grad`` on scalars, vector mode and ``batch`` must all
know the new functions. The numbers are checked against formulas written here.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import backprop_cli
from backprop_cli.rules import codegen, mathfns
from backprop_cli.rules.generated import derived, derived_numpy
from backprop_cli.rules.table import RULES

PACKAGE = Path(backprop_cli.__file__).parent
NEW_ROWS = """TABLE = [
    Operator("softsign", 1, lambda S, a: a / (1 + S.Abs(a))),
    Operator("asinh", 1, lambda S, a: S.asinh(a), aliases=("arsinh",)),
"""


def _copy_with(tmp: Path, rows: str) -> dict:
    """The package copied under ``tmp`` with ``rows`` at the top of its table; the env to run it."""
    shutil.copytree(PACKAGE, tmp / "backprop_cli", ignore=shutil.ignore_patterns("__pycache__"))
    rules = tmp / "backprop_cli" / "rules/table.py"
    text = rules.read_text()
    assert text.count("TABLE = [\n") == 1
    rules.write_text(text.replace("TABLE = [\n", rows))
    return dict(os.environ, PYTHONPATH=str(tmp), NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")


def _run(env: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Python in the copy's directory: ``-m`` puts the working directory first on the path."""
    cwd = env["PYTHONPATH"]
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, input=stdin, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    """The env of a package copy whose table has softsign and asinh, regenerated."""
    tmp = tmp_path_factory.mktemp("table")
    env = _copy_with(tmp, NEW_ROWS)
    generated = _run(env, "-m", "backprop_cli.rules.codegen")
    assert generated.returncode == 0, generated.stderr
    assert str(tmp) in generated.stdout  # the copy was regenerated, not the installed package
    return env


def softsign(x: float) -> float:
    return x / (1 + abs(x))


def softsign_grad(x: float) -> float:
    return 1 / (1 + abs(x)) ** 2


def asinh_grad(x: float) -> float:
    return 1 / math.sqrt(1 + x * x)


@pytest.mark.parametrize("x", [0.5, -2.0, 0.0])
def test_a_new_row_works_in_grad(extended, x):
    run = _run(extended, "-m", "backprop_cli", "grad", "softsign(x) * asinh(x)", "-x", str(x), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    expected = softsign_grad(x) * math.asinh(x) + softsign(x) * asinh_grad(x)
    assert data["value"] == pytest.approx(softsign(x) * math.asinh(x), rel=1e-12, abs=1e-15)
    assert data["gradients"]["x"] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert [node["op"] for node in data["nodes"]][:2] == ["softsign", "asinh"]


def test_an_alias_and_the_ieee_fallback_of_a_new_row(extended):
    run = _run(extended, "-m", "backprop_cli", "grad", "arsinh(x)", "-x", "1e300", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["value"] == pytest.approx(math.asinh(1e300), rel=1e-12)
    # 1/sqrt(x**2 + 1): math raises OverflowError on x**2; on NumPy float64 it is 1/sqrt(inf) = 0
    assert data["gradients"]["x"] == 0.0


def test_a_new_row_works_in_vector_mode(extended):
    values = [0.5, -2.0, 3.0]
    run = _run(extended, "-m", "backprop_cli", "grad", "sum(softsign(v))", f"v={values}", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["value"] == pytest.approx(sum(softsign(v) for v in values), rel=1e-12)
    assert data["gradients"]["v"] == pytest.approx([softsign_grad(v) for v in values], rel=1e-12)


@pytest.mark.parametrize("engine", ["polars", "python"])
def test_a_new_row_works_in_batch(extended, engine):
    env = dict(extended, BACKPROP_CSV_ENGINE=engine) if engine == "python" else extended
    rows = [0.5, -2.0, 0.0, 7.25]
    stdin = "x\n" + "".join(f"{x}\n" for x in rows)
    run = _run(env, "-m", "backprop_cli", "batch", "softsign(x) + asinh(x)", "--input", "-", stdin=stdin)
    assert run.returncode == 0, run.stderr
    table = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [float(r["x"]) for r in table] == rows
    for row, x in zip(table, rows):
        assert float(row["f"]) == pytest.approx(softsign(x) + math.asinh(x), rel=1e-12, abs=1e-15)
        assert float(row["df/dx"]) == pytest.approx(softsign_grad(x) + asinh_grad(x), rel=1e-12)


def test_a_new_row_is_listed_and_threaded_as_its_recipe_says(extended):
    ops = _run(extended, "-m", "backprop_cli", "ops")
    assert "asinh(a) | arsinh(a)" in ops.stdout and "softsign(a)" in ops.stdout
    flags = _run(extended, "-c", "from backprop_cli.rules.generated.derived_numpy import COMPUTE_BOUND as C; print(sorted(C))")
    bound = ast.literal_eval(flags.stdout)
    assert "asinh" in bound and "softsign" not in bound  # arcsinh is CPU work; abs, add, divide are not


def test_codegen_refuses_a_function_without_a_numpy_counterpart(tmp_path):
    env = _copy_with(tmp_path, 'TABLE = [\n    Operator("erf", 1, lambda S, a: S.erf(a)),\n')
    run = _run(env, "-m", "backprop_cli.rules.codegen")
    assert run.returncode == 1
    assert run.stderr == "codegen: error: erf has no NumPy version for the IEEE fallback: add one to mathfns.ieee_namespace\n"
    assert "'erf'" not in (tmp_path / "backprop_cli" / "rules/generated/derived.py").read_text()  # nothing half-written


def test_codegen_checks_every_name_the_generated_code_calls(monkeypatch):
    with pytest.raises(codegen.CodegenError, match=r"call softsign\(\), which neither math nor mathfns has"):
        codegen.math_imports({"exp", "softsign"})
    monkeypatch.setattr(mathfns, "softsign", lambda x: x / (1 + abs(x)), raising=False)
    with pytest.raises(codegen.CodegenError, match="softsign has no NumPy version for the IEEE fallback"):
        codegen.math_imports({"exp", "softsign"})
    assert codegen.math_imports({"exp", "sigmoid"}) == "from math import exp\nfrom ..mathfns import sigmoid"
    with pytest.raises(codegen.CodegenError, match=r"call softsign\(\), which numpyfns lacks"):
        codegen.numpy_imports({"numpy.exp", "softsign"})
    with pytest.raises(codegen.CodegenError, match="numpy.nosuch, which NumPy does not have"):
        codegen.numpy_imports({"numpy.nosuch"})


@pytest.mark.parametrize("module", [derived, derived_numpy])
def test_every_name_the_generated_files_call_exists(module):
    text = Path(module.__file__).read_text()
    called = codegen.called_names(text)
    assert {"exp", "sigmoid"} <= called or {"numpy.exp", "sigmoid"} <= called  # the scan sees calls
    for name in called:
        owner, _, attribute = name.rpartition(".")
        target = getattr(module, owner) if owner else module
        assert hasattr(target, attribute), f"{module.__name__} calls {name}, which it does not import"


def test_the_ieee_fallback_has_every_name_the_scalar_rules_call():
    called = codegen.called_names(Path(derived.__file__).read_text())
    functions = {name for name in called if not isinstance(getattr(math, name, None), float)}  # not pi
    assert sorted(mathfns.ieee_namespace(functions)) == sorted(functions)


def test_the_parser_reads_symbols_and_binding_powers_from_the_table():
    from backprop_cli.language.parser import parse

    ops = [item[1] for item in parse("-a ^ b ** c * d @ e - f") if item[0] == "op"]
    assert ops == ["pow", "pow", "neg", "mul", "matmul", "sub"]  # ** right-assoc, above unary minus
    assert RULES["pow"].infix.spellings == ("**", "^") and RULES["neg"].infix.binding == 30
