"""The ready-to-run material in samples/ does what the README says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_headline_sample_files(cli):
    run = cli("grad", f"@{SAMPLES / 'headline.expr'}", "--bindings", str(SAMPLES / "headline.json"), "--json")
    assert run.code == 0
    assert run.json()["gradients"] == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_neuron_sample_files(cli):
    run = cli("grad", f"@{SAMPLES / 'neuron.expr'}", "--bindings", str(SAMPLES / "neuron.json"), "--json")
    grads = run.json()["gradients"]
    assert {k: round(v, 2) for k, v in grads.items()} == {"w0": -0.2, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.2}


def test_kinks_sample_shows_every_convention(cli):
    expr = f"@{SAMPLES / 'kinks.expr'}"
    grads = {c: cli("grad", expr, "x=0", "y=0", "--quiet", "--convention", c).out for c in ("pytorch", "jax", "sympy")}
    # relu'(0) + max tie share + abs'(0):  pytorch 0 + .5 | .5 + 0,  jax 0 + .5 | .5 + 1,  sympy .5 + .5 | .5 + 0
    assert grads == {"pytorch": "x\t0.5\ny\t0.5\n", "jax": "x\t0.5\ny\t1.5\n", "sympy": "x\t1.0\ny\t0.5\n"}


@pytest.mark.skipif(shutil.which("bash") is None, reason="the grading script is a bash script")
def test_grading_script():
    env = dict(os.environ, BACKPROP=f"{sys.executable} -m backprop_cli", PYTHONPATH=str(SAMPLES.parent))
    proc = subprocess.run(["bash", str(SAMPLES / "grade.sh")], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "ada: pass",
        "grace: wrong: expected ∂f/∂z = -3, got 3 (tolerance 0.001)",
        "alan: pass",
        "emmy: pass",
        "kurt: wrong: expected ∂f/∂y = -10, got 10 (tolerance 0.001)",
        "graded 5: 3 right, 2 not",
    ]


@pytest.mark.skipif(shutil.which("bash") is None, reason="the grading script is a bash script")
def test_batch_grading_script_agrees_with_the_loop():
    env = dict(os.environ, BACKPROP=f"{sys.executable} -m backprop_cli", PYTHONPATH=str(SAMPLES.parent))
    proc = subprocess.run(["bash", str(SAMPLES / "grade_batch.sh")], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    verdicts = [line.split(",")[0] + ":" + line.split(",")[-1] for line in proc.stdout.splitlines()[1:]]
    assert verdicts == ["ada:true", "grace:false", "alan:true", "emmy:true", "kurt:false"]
    assert proc.stderr.splitlines()[0] == "graded 5 rows: 3 passed, 2 failed"


def test_vector_sample_files(cli):
    run = cli("grad", f"@{SAMPLES / 'vector.expr'}", "--bindings", str(SAMPLES / "vector.json"), "--json")
    grads = run.json()["gradients"]
    assert grads["W"] == [pytest.approx([0.088, 0.176], abs=1e-12), pytest.approx([0.104, 0.208], abs=1e-12)]
    assert grads["x"] == pytest.approx([-0.112, 0.636], abs=1e-12)
