"""Shared test helpers: run the CLI in-process and capture what a user would see."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings

# Property tests are derandomized everywhere: a red run is always a real defect.
settings.register_profile(
    "deterministic",
    derandomize=True,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("deterministic")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(monkeypatch):
    """Call ``backprop ARGS...`` in-process; returns exit code, stdout and stderr.

    The words are English whatever the machine's locale, unless a test sets one (after
    taking this fixture) or passes --lang.
    """
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")

    def run(*args: str, stdin: str = "") -> Run:
        return invoke(monkeypatch, args, io.StringIO(stdin))

    return run


def invoke(monkeypatch, args, stdin) -> Run:
    """Run ``backprop ARGS...`` in-process with ``stdin`` as standard input, capturing the rest."""
    from backprop_cli.cli import main

    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.delenv("BACKPROP_TRACEBACK", raising=False)
    try:
        main(list(args))
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(params=["polars", "python"])
def csv_engine(request, monkeypatch):
    """Both CSV engines of ``batch``: the polars one (when installed) and the row-by-row one."""
    if request.param == "polars":
        pytest.importorskip("polars")
        monkeypatch.delenv("BACKPROP_CSV_ENGINE", raising=False)
    else:
        monkeypatch.setenv("BACKPROP_CSV_ENGINE", "python")
    return request.param
