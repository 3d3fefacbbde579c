"""The command line: wires options to the modules that do the work.

Errors are turned into a message and an exit code in one place, ``main``:
a BackpropError becomes ``backprop: error: ...`` and its code (SPEC §6); a
command-line usage error becomes one line and exit 2. Set BACKPROP_TRACEBACK=1
to see the Python traceback instead.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer

from . import __version__
from .errors import BackpropError, ExitCode
from .i18n import LANGUAGES, N_, choose_language
from .render.formats import FORMATS, help_text
from .render.terminal import OutputClosed, ascii_fallback, silence_stdout
from .rules.table import CONVENTIONS

app = typer.Typer(
    name="backprop",
    help="Gradient calculator: stage an expression, run forward and backward, show every node.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


OutputFormat = Enum("OutputFormat", {name: name for name in FORMATS}, type=str)  # --format's choices


Convention = Enum("Convention", {name: name for name in CONVENTIONS}, type=str)  # from the operator table


Language = Enum("Language", {name: name for name in LANGUAGES}, type=str)


class Fusion(str, Enum):
    sigmoid = "sigmoid"


def _version(value: bool) -> None:
    if value:
        print(f"backprop {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """backprop: see `backprop grad --help`, `backprop ops`."""


def _tolerance(text) -> float:
    """--tol of grad and batch: one validator (a finite number >= 0, the bindings' number rule)."""
    from .report.checks import parse_tolerance

    return parse_tolerance(text)


# Options grad and batch share, written once.
ConventionOption = Annotated[Convention, typer.Option("--convention", help="Gradient at kinks: pytorch, jax or sympy.")]
FuseOption = Annotated[list[Fusion] | None, typer.Option("--fuse", help="Collapse 1/(1+exp(-t)) into one sigmoid gate.")]
TOL_HELP = "Tolerance of {}: relative, with an absolute floor."
ExpectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--expect", help="NAME=VALUE to check (f = output value, x or df/dx = a gradient); repeatable. Exit 1 if one fails."
    ),
]
OUTPUT_NAME_HELP = "In a program: differentiate NAME's newest value, not the last statement."
RenderOption = Annotated[
    str | None, typer.Option("--render", metavar="PATH.svg|PATH.png", help="Also draw the graph (needs Graphviz).")
]
# --lang is read by main() before parsing (i18n.choose_language), so that help and
# errors are already in that language; each command declares it for --help and so that
# grad does not take it for a binding.
LangOption = Annotated[
    Language | None, typer.Option("--lang", help=N_("Language of what is shown: en or ko [default: from LANG/LC_ALL]."))
]
BindingsOption = Annotated[str | None, typer.Option("--bindings", metavar="FILE", help='JSON object of values, e.g. {"x": -2}.')]


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    epilog='Example: backprop grad "(x+y)*z" -x -2 -y 5 -z -4',
)
def grad(
    ctx: typer.Context,
    expr: Annotated[str, typer.Argument(metavar="EXPR", help="The expression, @PATH to read it from a file, or - for stdin.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object (same as --format json).")] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", help=help_text()),
    ] = OutputFormat["table"],
    quiet: Annotated[bool, typer.Option("--quiet", help="Print only gradients: name<TAB>value per line.")] = False,
    wrt: Annotated[str | None, typer.Option("--wrt", help="Report only these variables, comma-separated.")] = None,
    expect: ExpectOption = None,
    tol: Annotated[float, typer.Option("--tol", parser=_tolerance, metavar="TOL", help=TOL_HELP.format("--expect"))] = 1e-6,
    check: Annotated[bool, typer.Option("--check", help="Compare every gradient with a central finite difference.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Print the backward pass as chain-rule lines.")] = False,
    fuse: FuseOption = None,
    convention: ConventionOption = Convention.pytorch,
    output_name: Annotated[str | None, typer.Option("--output-name", metavar="NAME", help=OUTPUT_NAME_HELP)] = None,
    render: RenderOption = None,
    bindings: BindingsOption = None,
    lang: LangOption = None,
) -> None:
    """Compute the value and every gradient of EXPR, node by node.

    Bind variables after the expression: -x -2, --x=-2 or x=-2.
    """
    from .grad.command import GradRequest, run_grad

    run_grad(
        GradRequest(
            expression=expr,
            binding_words=list(ctx.args),
            bindings_file=bindings,
            output_format="json" if json_output else output_format.value,
            quiet=quiet,
            wrt=wrt,
            expect=list(expect or []),
            tol=tol,
            check=check,
            explain=explain,
            fuse=tuple(f.value for f in fuse or []),
            convention=convention.value,
            output_name=output_name,
            render=render,
        )
    )


@app.command()
def batch(
    expr: Annotated[str, typer.Argument(metavar="EXPR", help="The expression or program, @PATH, or - for stdin.")],
    input_path: Annotated[
        str,
        typer.Option("--input", metavar="FILE", help="Rows: CSV with a header of variable names, or JSON Lines; - for stdin."),
    ],
    output: Annotated[
        str | None, typer.Option("--output", metavar="FILE", help="Write here, not stdout (atomically; a device is written to).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Write JSON Lines instead of CSV.")] = False,
    expect_columns: Annotated[
        bool, typer.Option("--expect-columns", help="Grade against expected_f, expected_dx, ... columns: adds a pass column.")
    ] = False,
    tol: Annotated[
        float, typer.Option("--tol", parser=_tolerance, metavar="TOL", help=TOL_HELP.format("--expect-columns"))
    ] = 1e-6,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Write the good rows, report each bad one, exit 2 at the end.")
    ] = False,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", help="Rows per chunk [default: 65536; 262144 on the polars engine].")
    ] = None,
    convention: ConventionOption = Convention.pytorch,
    fuse: FuseOption = None,
    output_name: Annotated[str | None, typer.Option("--output-name", metavar="NAME", help="In a program: the output.")] = None,
    lang: LangOption = None,
) -> None:
    """Value and every gradient of EXPR for each row of a CSV or JSON Lines file."""
    from .batch.command import BatchRequest, run_batch

    run_batch(
        BatchRequest(
            expression=expr,
            input=input_path,
            output=output,
            json=json_output,
            expect_columns=expect_columns,
            tol=tol,
            skip_bad=skip_bad,
            chunk_size=chunk_size,
            convention=convention.value,
            fuse=tuple(f.value for f in fuse or []),
            output_name=output_name,
        )
    )


class Activation(str, Enum):
    sigmoid = "sigmoid"
    relu = "relu"
    tanh = "tanh"
    leaky_relu = "leaky_relu"


class Loss(str, Enum):
    l2 = "l2"
    softmax = "softmax"


class DType(str, Enum):
    float64 = "float64"
    float32 = "float32"


def train(
    hidden: Annotated[int | None, typer.Option("--hidden", help="Hidden units (lecture: 100).")] = None,
    steps: Annotated[int | None, typer.Option("--steps", help="Gradient-descent steps (lecture: 1000).")] = None,
    lr: Annotated[float | None, typer.Option("--lr", help="Learning rate (lecture: 1e-4).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="np.random.seed before the draws (default 0; 0 to 2**32-1).")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", help="Rows per step (default: all).")] = None,
    activation: Annotated[Activation | None, typer.Option("--activation", help="Hidden activation.")] = None,
    loss: Annotated[Loss | None, typer.Option("--loss", help="l2 (sum of squares) or softmax.")] = None,
    reg: Annotated[float | None, typer.Option("--reg", help="L2 regularisation: + reg·Σw².")] = None,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="random (the lecture's), xor, spiral, digits, or PATH.csv.")
    ] = None,
    dtype: Annotated[DType | None, typer.Option("--dtype", help="float64 (bit-exact lecture) or float32.")] = None,
    gradcheck: Annotated[bool, typer.Option("--gradcheck", help="Check w1, w2 (and biases) against finite differences.")] = False,
    save: Annotated[str | None, typer.Option("--save", metavar="PATH.npz", help="Save the run (+.npz if missing).")] = None,
    load: Annotated[str | None, typer.Option("--load", metavar="PATH.npz", help="Resume (or evaluate, --steps 0).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: Annotated[
        str | None, typer.Option("--plot", metavar="PATH.png", help="Write the loss curve (needs matplotlib).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Train the lectures' NumPy 2-layer network (defaults: exactly the lecture's)."""
    from .train.command import TrainRequest, run_train

    options = dict(
        hidden=hidden,
        steps=steps,
        lr=lr,
        seed=seed,
        batch_size=batch_size,
        reg=reg,
        dataset=dataset,
        activation=activation.value if activation else None,
        loss=loss.value if loss else None,
        dtype=dtype.value if dtype else None,
    )
    run_train(TrainRequest(options, gradcheck=gradcheck, save=save, load=load, json=json_output, plot=plot))


app.command("train")(train)
app.command("mlp-train", help="Alias of train.")(train)


@app.command()
def ops(lang: LangOption = None) -> None:
    """List the operators: syntax, local gradient (derived by SymPy), gate pattern, kinks."""
    from .render.operators import print_ops

    print_ops()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app, map every failure to its exit code."""
    ascii_fallback()  # a stdout that cannot encode ∂ gets d (render/terminal.py)
    choose_language(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=argv, prog_name="backprop", standalone_mode=False)
    except (OutputClosed, BrokenPipeError):  # `backprop ... | head`: the reader has what it wanted
        silence_stdout()
        code = ExitCode.PIPE_CLOSED
    except KeyboardInterrupt:
        code = ExitCode.INTERRUPTED
    except Exception as error:  # bad input, click's usage errors, and bugs
        if os.environ.get("BACKPROP_TRACEBACK"):
            raise
        code = _report(error)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _unencodable(error: UnicodeEncodeError) -> str:
    char = error.object[error.start : error.end][:1]
    return (
        f"the output contains {char!r}, which this terminal's encoding ({error.encoding}) cannot show;"
        " set PYTHONIOENCODING=utf-8 (or use --json)"
    )


def _report(error: Exception) -> ExitCode:
    """One line on stderr for ``error``; its exit code."""
    if isinstance(error, BackpropError):
        print(f"backprop: error: {error.render()}", file=sys.stderr)
        return error.exit_code
    if isinstance(error, UnicodeEncodeError):
        print(f"backprop: error: {_unencodable(error)}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    format_message = getattr(error, "format_message", None)
    if type(error).__name__ == "NoArgsIsHelpError":  # plain `backprop`: the help, on stderr
        print(format_message(), file=sys.stderr)
        return ExitCode.BAD_INPUT
    if format_message is not None:  # a click/Typer usage error: bad option, missing EXPR
        command = getattr(getattr(error, "ctx", None), "command_path", "backprop")
        print(f"backprop: error: {format_message()} (see '{command} --help')", file=sys.stderr)
        return ExitCode(getattr(error, "exit_code", ExitCode.BAD_INPUT))  # click uses 1 and 2
    if isinstance(error, (RecursionError, MemoryError)):
        print(f"backprop: error: input too large ({type(error).__name__})", file=sys.stderr)
        return ExitCode.BAD_INPUT
    print(f"backprop: internal error: {type(error).__name__}: {error} (set BACKPROP_TRACEBACK=1 for details)", file=sys.stderr)
    return ExitCode.INTERNAL_ERROR
