"""``backprop grad``: read, stage, evaluate, render and check (SPEC §1-§6).

This module decides what happens in which order; every step lives in its own
module. Output goes to stdout first, then any failed check or non-finite value
is raised, so a user sees the table that explains the failure.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches

from ..engine.finite import first_non_finite, first_non_finite_array
from ..engine.scalar import Evaluation, evaluate
from ..errors import ExpressionError, UsageError
from ..i18n import _
from ..inputs import bindings as binding_args
from ..language.graph import stage
from ..render.formats import FORMATS, array_formats, explain_formats
from ..render.terminal import OutputClosed, write_lines
from ..report.checks import failed_expectations, finite_difference_check, parse_expectations, parse_tolerance, raise_problems
from ..report.rows import GradReport, variable_reports


@dataclass
class GradRequest:
    """Everything the ``grad`` command line asked for."""

    expression: str
    binding_words: list[str] = field(default_factory=list)
    bindings_file: str | None = None
    output_format: str = "table"  # a name in render.formats.FORMATS
    quiet: bool = False
    wrt: str | None = None
    expect: list[str] = field(default_factory=list)
    tol: float = 1e-6
    check: bool = False
    explain: bool = False
    fuse: tuple[str, ...] = ()
    convention: str = "pytorch"
    output_name: str | None = None
    render: str | None = None  # also draw the graph to this .svg/.png
    html: str | None = None  # also write the step-through page (render/html_page.py) to this file
    layout: str = "dagre"  # the HTML page's layout: dagre (in the page) or graphviz (positions embedded)
    digits: int = 6  # significant digits on screen (the table)
    options: tuple[str, ...] = ()  # the command's own options, to name the closest to a misspelled one


def run_grad(request: GradRequest, stdin=None, stdout=None, stderr=None) -> None:
    """Run one ``grad`` request; raises BackpropError subclasses for the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    # A graph is millions of small acyclic objects: the cyclic collector would
    # rescan them again and again (a third of the time on 200,000 nodes) and
    # find nothing. One short-lived process per call, so it stays off.
    gc.disable()
    _check_combinations(request)
    html_target = _html_target(request, stdin, stdout)  # checked before any work, as --output is
    source = binding_args.read_expression(request.expression, stdin)

    def given(variables: list[str]) -> dict:
        found = binding_args.load_bindings_file(request.bindings_file) if request.bindings_file else {}
        found.update(binding_args.parse_binding_args(request.binding_words, variables, request.options, request.expression))
        return found

    calculation = Calculation(
        source,
        given,
        fuse=request.fuse,
        convention=request.convention,
        output_name=request.output_name,
        wrt=request.wrt,
        expect=request.expect,
        tol=request.tol,
        output_format=request.output_format,
        prune=request.quiet,
    )
    calculated = calculate(calculation, stderr)
    request = replace(request, tol=calculated.tol)
    result, wrt = calculated.result, calculated.wrt
    checks = finite_difference_check(result, calculated.values, wrt or list(result.graph.variables)) if request.check else []
    _render(request, source, result, wrt, checks, stdout, html_target)
    _report_problems(request, result, calculated.expectations, checks, stderr)


def _html_target(request: GradRequest, stdin, stdout):
    """Where ``--html`` writes the page: not a directory, never the expression's or the bindings' file."""
    if request.html is None:
        return None
    from ..render import files, html_page

    html_page.refuse_standard_output(request.html)
    expression_file = request.expression[1:] if request.expression.startswith("@") else None
    inputs = [path for path in (expression_file, request.bindings_file) if path]
    refusal = _("--html {path} is an input of this run ({name}): it would be replaced; write to another file")
    return files.output_target(request.html, inputs, stdin, stdout, refusal, option="--html")


@dataclass(frozen=True)
class Calculation:
    """What to calculate: the text, its bindings, and the options that change the numbers or refuse a request."""

    source: str  # the expression or program itself (``@PATH`` and ``-`` are read before)
    given: Callable[[list[str]], dict]  # the expression's variables -> {name: value}: the CLI reads its words knowing them
    fuse: tuple[str, ...] = ()
    convention: str = "pytorch"
    output_name: str | None = None
    wrt: str | None = None  # "x,y" as --wrt spells it
    expect: list[str] = field(default_factory=list)  # --expect's NAME=VALUE texts
    tol: float | str = 1e-6
    output_format: str | None = None  # vector mode refuses a format it cannot write; None: not chosen yet (the API)
    prune: bool = False  # --quiet shows only the --wrt gradients (elsewhere a pruned one would read as a zero)


@dataclass(frozen=True)
class Calculated:
    """The evaluation and what was checked on the way to it."""

    result: Evaluation
    values: dict  # the bindings, by variable
    wrt: list[str] | None
    expectations: list
    tol: float


def calculate(calculation: Calculation, stderr) -> Calculated:
    """Stage the text, check the bindings against its variables, evaluate (numbers or arrays).
    ``grad`` and the Python API both come through here, so they refuse, warn and compute alike;
    a warning (a binding a program's constant overrides) is written to ``stderr``."""
    graph = stage(calculation.source, calculation.fuse, calculation.output_name)
    variables = list(graph.variables)
    given = calculation.given(variables)
    _drop_constant_bindings(graph, given, stderr)
    _refuse_assigned_bindings(graph, given)
    values = binding_args.resolve(variables, given)
    wrt = _parse_wrt(calculation.wrt, variables)
    expectations = parse_expectations(calculation.expect, variables)
    tol = parse_tolerance(calculation.tol)  # a GradRequest made in Python skips the command line's parser
    arrays = any(binding_args.is_array(v) for v in values.values()) or graph.needs_arrays()  # SPEC §5b
    if not arrays and any(binding_args.is_array(e.expected) for e in expectations):
        raise UsageError(_("--expect: an array value needs vector mode (an array binding)"))
    if arrays and calculation.output_format is not None:
        refuse_array_format(calculation.output_format)
    result = _evaluate(graph, values, calculation.convention, wrt if calculation.prune else None, arrays)
    return Calculated(result, values, wrt, expectations, tol)


def _evaluate(graph, values: dict, convention: str, prune_to, arrays: bool) -> Evaluation:
    """The scalar engine on numbers; the array engine in vector mode (backward only towards ``prune_to``)."""
    if not arrays:
        return evaluate(graph, values, convention)
    from ..engine.arrays import evaluate as evaluate_arrays

    return evaluate_arrays(graph, values, convention, prune_to)


def refuse_array_format(output_format: str) -> None:
    """Vector mode writes only the formats marked for arrays; any other is a usage error."""
    if output_format not in array_formats():
        vector = ", ".join(array_formats())
        message = _("--format {format} is for scalar expressions; vector mode writes {formats}")
        raise UsageError(message.format(format=output_format, formats=vector))


def refuse_explain(output_format: str) -> None:
    """--explain is written only in the formats that have a chain-rule writer."""
    if output_format not in explain_formats():
        message = _("--explain prints the chain rule as text (or --format latex), not {format}")
        raise UsageError(message.format(format=output_format))


def _check_combinations(request: GradRequest) -> None:
    if request.quiet and request.output_format != "table":
        raise UsageError(_("--quiet prints bare numbers: it cannot be combined with --json or --format"))
    if request.explain:
        refuse_explain(request.output_format)
    if request.explain and request.quiet:
        raise UsageError(_("--explain and --quiet cannot be combined"))


def _parse_wrt(text: str | None, variables: list[str]) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise UsageError(_("--wrt needs variable names, e.g. --wrt x,y"))
    for name in names:
        if name not in variables:
            close = get_close_matches(name, variables, n=1, cutoff=0.5)
            if close:
                hint = _("did you mean {name}?").format(name=close[0])
            else:
                hint = _("its variables are {names}").format(names=", ".join(variables) or _("none"))
            raise UsageError(_("--wrt {name}: not a variable of the expression; {hint}").format(name=name, hint=hint))
    return list(dict.fromkeys(names))


def constant_targets(graph) -> dict[str, str]:
    """Names a statement sets to a number (``x = 1``): target -> the number's text."""
    firsts = [first for first, _ in graph.statements] + [len(graph.labels)]
    found = {}
    for (first, statement), end in zip(graph.statements, firsts[1:]):
        if statement.target and first < end and all(slot in graph.constants for slot in range(first, end)):
            found.setdefault(statement.target, statement.text.strip())
    return found


def _drop_constant_bindings(graph, given: dict, stderr) -> None:
    """``x = 1`` then ``-x 2``: the program's x is the constant, so the binding is unused (a warning, not an error)."""
    constants = constant_targets(graph)
    for name in [name for name in given if name in constants]:
        message = _("backprop: warning: {name} = {value} in the program makes {name} a constant; the binding of {name} is unused")
        stderr.write(message.format(name=name, value=constants[name]) + "\n")
        del given[name]


def _refuse_assigned_bindings(graph, given: dict) -> None:
    """A name the program assigns is not an input: binding it is a mistake, not an override."""
    for name in given:
        if name in graph.assigned:
            message = _("{name} is assigned by the program, so it cannot be bound").format(name=name)
            raise ExpressionError(message, graph.source, graph.assigned[name])


def _render(request: GradRequest, source: str, result: Evaluation, wrt, checks, stdout, html_target=None) -> None:
    """Write the chosen output (and ``--render``'s picture, ``--html``'s page); a reader that
    stops reading (``| head``) ends the run quietly."""
    page = request.output_format == "html" or request.html
    if page:
        from ..render import html_page

        html_page.check_page(result, request.layout)  # refused before anything is written
    elif request.layout != "dagre":
        raise UsageError(_("--layout is for the HTML page: --format html or --html FILE"))
    try:
        if request.output_format == "html":
            html_page.write_page(GradReport(source, result, wrt, checks, request.check, request.digits), stdout, request.layout)
        else:
            _write_output(request, source, result, wrt, checks, stdout)
    except BrokenPipeError:
        raise OutputClosed from None
    if request.render:
        from ..render.graph_export import GraphView, render

        render(GraphView(result, request.digits), request.render)
    if html_target is not None:
        report = GradReport(source, result, wrt, checks, request.check, request.digits)
        html_page.write_file(report, html_target, request.layout, stdout)


def _write_output(request: GradRequest, source: str, result: Evaluation, wrt, checks, stdout) -> None:
    # Every format streams: node rows are made as they are written, so a
    # 200,000-node graph never sits in memory as reports or as one string.
    if request.quiet:
        from ..render.text import quiet_lines

        variables = variable_reports(result, wrt)
        write_lines(stdout, quiet_lines(variables, wrt is not None and len(wrt) == 1) if variables else [])
        return
    report = GradReport(source, result, wrt, checks, checked=request.check, digits=request.digits)
    write_report(report, request.output_format, stdout, explain=request.explain)


def write_report(report: GradReport, output_format: str, stream, explain: bool = False) -> None:
    """``report`` in one format of the registry (``render.formats``); ``grad`` and the Python API write through it."""
    if not report.result.graph.variables and output_format == "table" and not explain:
        write_lines(stream, constant_lines(report.result))  # not two empty tables
        return
    FORMATS[output_format].write(report, stream, explain=explain)


def constant_lines(result: Evaluation) -> list[str]:
    """What the table says of an expression without variables: its value, and that nothing has a gradient."""
    name, value = result.graph.output_name, float(result.value)
    text = repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return [f"{name} = {text}", _("{name} is a constant: no variables, so nothing has a gradient").format(name=name)]


def _report_problems(request: GradRequest, result, expectations, checks, stderr) -> None:
    failures = failed_expectations(result, expectations, request.tol)
    if request.check:
        failures += _check_messages(result, checks, request.quiet, stderr)
    raise_problems(failures, (first_non_finite_array if result.arrays else first_non_finite)(result), stderr)


def _check_messages(result, checks, quiet: bool, stderr) -> list[str]:
    from ..render.cells import kink_text  # the kink note (English in --json) in the run's language

    for index, note in sorted(result.kinks.items()):
        kink = kink_text(note)
        name = result.graph.nodes[index].name
        message = _("node {name} is at a kink ({kink}): a finite difference is meaningless there")
        stderr.write("backprop: " + _("warning: ") + message.format(name=name, kink=kink) + "\n")
    if quiet:
        for row in checks:
            stderr.write(row.summary() + "\n")
    return [row.failure() for row in checks if not row.ok]
