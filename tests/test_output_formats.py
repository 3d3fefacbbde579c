"""One registry of output formats (issue #12, item 5): a format is one entry."""

from __future__ import annotations

import io
from importlib import import_module

import pytest

from backprop_cli.cli import OutputFormat
from backprop_cli.gradient.command import GradRequest, run_grad
from backprop_cli.render import formats


def test_the_command_line_choices_are_the_registry():
    assert [choice.value for choice in OutputFormat] == list(formats.FORMATS)


@pytest.mark.parametrize("entry", list(formats.FORMATS.values()), ids=list(formats.FORMATS))
def test_every_writer_exists(entry):
    for writer in filter(None, (entry.writer, entry.explain_writer)):
        module, _, function = writer.partition(":")
        assert callable(getattr(import_module(f"backprop_cli.render.{module}"), function))


def test_a_new_format_is_one_entry(monkeypatch):
    # a writer in an existing module, registered by one entry: grad reaches it by name
    def names_only(report, stream):
        stream.write(" ".join(label for _, row in report.nodes.rows() for label in row[:1]) + "\n")

    monkeypatch.setattr("backprop_cli.render.text.names_only", names_only, raising=False)
    entry = formats.OutputFormat("names", "node names", "text:names_only")
    monkeypatch.setitem(formats.FORMATS, "names", entry)
    out = io.StringIO()
    run_grad(GradRequest("(x+y)*z", ["x=1", "y=2", "z=3"], output_format="names"), stdout=out)
    assert out.getvalue() == "s0 f\n"


def test_explain_is_refused_where_the_registry_has_no_explain_writer(cli):
    run = cli("grad", "x*y", "x=1", "y=2", "--explain", "--format", "csv")
    assert (run.code, run.err) == (2, "backprop: error: --explain prints the chain rule as text (or --format latex), not csv\n")
    assert formats.explain_formats() == ["table", "latex"]


def test_vector_mode_refuses_a_format_registered_without_arrays(cli, monkeypatch):
    assert formats.array_formats() == list(formats.FORMATS)  # every format today
    entry = formats.OutputFormat("scalars", "numbers only", "table:write", arrays=False)
    monkeypatch.setitem(formats.FORMATS, "scalars", entry)
    from backprop_cli.errors import UsageError
    from backprop_cli.gradient.command import GradRequest, run_grad

    with pytest.raises(UsageError, match="--format scalars is for scalar expressions; vector mode writes table, json"):
        run_grad(GradRequest("sum(v*v)", ["v=[1,2]"], output_format="scalars"), stdout=io.StringIO())
