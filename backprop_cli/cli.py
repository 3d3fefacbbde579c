"""The command line: wires options to the modules that do the work (its words: cli_words).

``main`` turns every failure into one line and its exit code (SPEC §6, cli_words.report);
BACKPROP_TRACEBACK=1 shows the Python traceback instead.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer

from . import __version__
from . import cli_words as page
from .cli_words import CHECKS, CONTEXT_SETTINGS, INPUT, OUTPUT, BackpropCommand, BackpropGroup, report
from .errors import ExitCode
from .i18n import LANGUAGES, N_, choose_language
from .render.formats import FORMATS
from .render.terminal import OutputClosed, ascii_fallback, silence_stdout
from .rules.table import CONVENTIONS

app = typer.Typer(
    name="backprop",
    cls=BackpropGroup,
    context_settings=CONTEXT_SETTINGS,
    help=page.ROOT_HELP,
    epilog=page.ROOT_EPILOG + "\n\n" + page.EXIT_CODES,
    add_completion=True,  # Typer imports its completion code either way: no start-up cost (docs/reference.md)
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _choices(name: str, values) -> type[Enum]:
    """An option's choices as Typer wants them: a str Enum whose values are ``values``."""
    return Enum(name, {value: value for value in values}, type=str)


def _long_options(ctx: typer.Context) -> tuple[str, ...]:
    """The command's own --options, so that a misspelled one can be named (``--wtr``: did you mean --wrt?)."""
    return tuple(name for param in ctx.command.params for name in param.opts if name.startswith("--"))


OutputFormat = _choices("OutputFormat", FORMATS)  # from the format registry
Convention = _choices("Convention", CONVENTIONS)  # from the operator table
Language = _choices("Language", LANGUAGES)
Fusion = _choices("Fusion", ["sigmoid"])
Layout = _choices("Layout", ["dagre", "graphviz"])  # the HTML page's (render/html_page.py)
Activation = _choices("Activation", ["sigmoid", "relu", "tanh", "leaky_relu"])
Loss = _choices("Loss", ["l2", "softmax"])
DType = _choices("DType", ["float64", "float32"])


# --lang is read by main() before parsing (i18n.choose_language), so that help and
# errors are already in that language; each command declares it for --help and so that
# grad does not take it for a binding.
LangOption = Annotated[
    Language | None, typer.Option("--lang", help=N_("Language of what is shown: en or ko [default: from LANG/LC_ALL]."))
]


def _version(value: bool) -> None:
    if value:
        print(f"backprop {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help=N_("Show the version and exit."))
    ] = False,
    lang: LangOption = None,
) -> None:
    """Gradient calculator (the help is page.ROOT_HELP)."""


def _tolerance(text) -> float:
    """--tol of grad and batch: one validator (a finite number >= 0, the bindings' number rule)."""
    from .report.checks import parse_tolerance

    return parse_tolerance(text)


def _input_option(*names: str, text: str, **more):
    return typer.Option(*names, help=text, rich_help_panel=INPUT, **more)


def _output_option(*names: str, text: str, **more):
    return typer.Option(*names, help=text, rich_help_panel=OUTPUT, **more)


def _check_option(*names: str, text: str, **more):
    return typer.Option(*names, help=text, rich_help_panel=CHECKS, **more)


# Options grad and batch share, written once.
ConventionOption = Annotated[Convention, _input_option("--convention", text=N_("Gradient at kinks: pytorch, jax or sympy."))]
FuseOption = Annotated[list[Fusion] | None, _input_option("--fuse", text=N_("Collapse 1/(1+exp(-t)) into one sigmoid gate."))]
EXPECT_HELP = N_("NAME=VALUE to check (f = output value, x or df/dx = a gradient); repeatable. Exit 1 if one fails.")
ExpectOption = Annotated[list[str] | None, _check_option("--expect", text=EXPECT_HELP)]
OUTPUT_NAME_HELP = N_("In a program: differentiate NAME's newest value, not the last statement.")
RENDER_HELP = N_("Also draw the graph (needs Graphviz).")
DIGITS_HELP = N_(
    "Significant digits shown, 1 to 17 (table, --explain, latex, tree, dot, mermaid); --json, csv, --quiet keep all."
)
RenderOption = Annotated[str | None, _output_option("--render", metavar="PATH.svg|PATH.png", text=RENDER_HELP)]
HTML_HELP = N_("Also write the step-through HTML page (--format html) to FILE.")
LAYOUT_HELP = N_("Who lays out the HTML page: dagre (in the page, default) or graphviz (needs Graphviz).")
BINDINGS_HELP = N_('JSON object of values, e.g. {"x": -2}.')
BindingsOption = Annotated[str | None, _input_option("--bindings", metavar="FILE", text=BINDINGS_HELP)]


@app.command(
    cls=BackpropCommand,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    help=page.GRAD_HELP,
    short_help=page.GRAD_SHORT,
    epilog=page.GRAD_EPILOG + "\n\n" + page.GRAD_EXIT_CODES,
)
def grad(
    ctx: typer.Context,
    expr: Annotated[
        str, typer.Argument(metavar="EXPR", help=N_("The expression, @PATH to read it from a file, or - for stdin."))
    ],
    json_output: Annotated[bool, _output_option("--json", text=N_("Print one JSON object (same as --format json)."))] = False,
    output_format: Annotated[
        OutputFormat, _output_option("--format", text=N_("What to write; docs/reference.md describes each format."))
    ] = OutputFormat["table"],
    quiet: Annotated[bool, _output_option("--quiet", text=N_("Print only gradients: name<TAB>value per line."))] = False,
    wrt: Annotated[str | None, _output_option("--wrt", text=N_("Report only these variables, comma-separated."))] = None,
    expect: ExpectOption = None,
    tol: Annotated[
        float,
        _check_option(
            "--tol", parser=_tolerance, metavar="TOL", text=N_("Tolerance of --expect: relative, with an absolute floor.")
        ),
    ] = 1e-6,
    check: Annotated[bool, _check_option("--check", text=N_("Compare every gradient with a central finite difference."))] = False,
    explain: Annotated[bool, _output_option("--explain", text=N_("Print the backward pass as chain-rule lines."))] = False,
    digits: Annotated[int, _output_option("--digits", min=1, max=17, metavar="N", text=DIGITS_HELP)] = 6,
    fuse: FuseOption = None,
    convention: ConventionOption = Convention.pytorch,
    output_name: Annotated[str | None, _output_option("--output-name", metavar="NAME", text=OUTPUT_NAME_HELP)] = None,
    render: RenderOption = None,
    html: Annotated[str | None, _output_option("--html", metavar="FILE", text=HTML_HELP)] = None,
    layout: Annotated[Layout, _output_option("--layout", text=LAYOUT_HELP)] = Layout.dagre,
    bindings: BindingsOption = None,
    lang: LangOption = None,
) -> None:
    """Compute the value and every gradient of EXPR (the help is page.GRAD_HELP)."""
    from .gradient.command import GradRequest, run_grad

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
            html=html,
            layout=layout.value,
            digits=digits,
            options=_long_options(ctx),
        )
    )


@app.command(
    cls=BackpropCommand,
    help=page.BATCH_SHORT,
    short_help=page.BATCH_SHORT,
    epilog=page.BATCH_EPILOG + "\n\n" + page.BATCH_EXIT_CODES,
)
def batch(
    expr: Annotated[str, typer.Argument(metavar="EXPR", help=N_("The expression or program, @PATH, or - for stdin."))],
    input_path: Annotated[
        str,
        typer.Option(
            "--input",
            metavar="FILE",
            help=N_("Rows: CSV with a header of variable names, or JSON Lines; - for stdin."),
            rich_help_panel=INPUT,
        ),
    ],
    output: Annotated[
        str | None,
        _output_option("--output", metavar="FILE", text=N_("Write here, not stdout (atomically; a device is written to).")),
    ] = None,
    json_output: Annotated[bool, _output_option("--json", text=N_("Write JSON Lines instead of CSV."))] = False,
    expect_columns: Annotated[
        bool,
        _check_option("--expect-columns", text=N_("Grade against expected_f, expected_dx, ... columns: adds a pass column.")),
    ] = False,
    tol: Annotated[
        float,
        _check_option(
            "--tol", parser=_tolerance, metavar="TOL", text=N_("Tolerance of --expect-columns: relative, with an absolute floor.")
        ),
    ] = 1e-6,
    skip_bad: Annotated[
        bool, _check_option("--skip-bad", text=N_("Write the good rows, report each bad one, exit 2 at the end."))
    ] = False,
    chunk_size: Annotated[
        int | None,
        typer.Option("--chunk-size", help=N_("Rows per chunk [default: 65536; 262144 on the polars engine].")),
    ] = None,
    convention: ConventionOption = Convention.pytorch,
    fuse: FuseOption = None,
    output_name: Annotated[
        str | None, _output_option("--output-name", metavar="NAME", text=N_("In a program: the output."))
    ] = None,
    lang: LangOption = None,
) -> None:
    """Value and every gradient of EXPR for each row (the help is page.BATCH_SHORT)."""
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


def train(
    hidden: Annotated[int | None, typer.Option("--hidden", help=N_("Hidden units (lecture: 100)."))] = None,
    steps: Annotated[int | None, typer.Option("--steps", help=N_("Gradient-descent steps (lecture: 1000)."))] = None,
    lr: Annotated[float | None, typer.Option("--lr", help=N_("Learning rate (lecture: 1e-4)."))] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help=N_("np.random.seed before the draws (default 0; 0 to 2**32-1)."))
    ] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", help=N_("Rows per step (default: all)."))] = None,
    activation: Annotated[Activation | None, typer.Option("--activation", help=N_("Hidden activation."))] = None,
    loss: Annotated[Loss | None, typer.Option("--loss", help=N_("l2 (sum of squares) or softmax."))] = None,
    reg: Annotated[float | None, typer.Option("--reg", help=N_("L2 regularisation: + reg·Σw²."))] = None,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help=N_("random (the lecture's), xor, spiral, digits, or PATH.csv."))
    ] = None,
    dtype: Annotated[DType | None, typer.Option("--dtype", help=N_("float64 (bit-exact lecture) or float32."))] = None,
    gradcheck: Annotated[
        bool, typer.Option("--gradcheck", help=N_("Check w1, w2 (and biases) against finite differences."))
    ] = False,
    save: Annotated[str | None, typer.Option("--save", metavar="PATH.npz", help=N_("Save the run (+.npz if missing)."))] = None,
    load: Annotated[str | None, typer.Option("--load", metavar="PATH.npz", help=N_("Resume (or evaluate, --steps 0)."))] = None,
    json_output: Annotated[bool, typer.Option("--json", help=N_("Print one JSON object."))] = False,
    plot: Annotated[
        str | None, typer.Option("--plot", metavar="PATH.png", help=N_("Write the loss curve (needs matplotlib)."))
    ] = None,
    lang: LangOption = None,
) -> None:
    """Train the lectures' NumPy 2-layer network (the help is page.TRAIN_SHORT)."""
    from .train.command import TrainRequest, run_train

    options = dict(hidden=hidden, steps=steps, lr=lr, seed=seed, batch_size=batch_size, reg=reg, dataset=dataset)
    choices = {"activation": activation, "loss": loss, "dtype": dtype}
    options.update({name: choice.value if choice else None for name, choice in choices.items()})
    run_train(TrainRequest(options, gradcheck=gradcheck, save=save, load=load, json=json_output, plot=plot))


TRAIN_PAGE = dict(cls=BackpropCommand, epilog=page.TRAIN_EPILOG + "\n\n" + page.TRAIN_EXIT_CODES)
app.command("train", help=page.TRAIN_SHORT, **TRAIN_PAGE)(train)
app.command("mlp-train", help=page.TRAIN_ALIAS, **TRAIN_PAGE)(train)


@app.command(cls=BackpropCommand, help=page.OPS_SHORT, epilog=page.OPS_EPILOG + "\n\n" + page.OPS_EXIT_CODES)
def ops(
    plot: Annotated[str | None, typer.Option("--plot", metavar="NAME", help=N_("Draw a function and its derivative."))] = None,
    plot_file: Annotated[
        str | None, typer.Option("--plot-file", metavar="PATH.png", help=N_("Also write the plot as a PNG (needs matplotlib)."))
    ] = None,
    properties: Annotated[bool, typer.Option("--properties", help=N_("The activation functions' properties."))] = False,
    convention: Annotated[
        Convention, typer.Option("--convention", help=N_("Gradient at kinks: pytorch, jax or sympy."))
    ] = Convention.pytorch,
    lang: LangOption = None,
) -> None:
    """List the operators, or draw one (the help is page.OPS_SHORT)."""
    from .render.operators import run_ops

    run_ops(plot, plot_file, properties, convention.value)


@app.command(cls=BackpropCommand, help=page.PERCEPTRON_HELP, short_help=page.PERCEPTRON_SHORT, epilog=page.PERCEPTRON_EPILOG)
def perceptron(
    gate: Annotated[str | None, typer.Argument(metavar="GATE", help=N_("and, or, nand, nor or xor."), show_default=False)] = None,
    theta: Annotated[
        str | None,
        typer.Option(
            "--theta", metavar="θ", help=N_("Threshold θ: the unit fires when w·x > θ [default: 0.5; nand, nor: -0.5].")
        ),
    ] = None,
    weights: Annotated[
        tuple[str, str] | None,
        typer.Option("--weights", metavar="W1 W2", help=N_("The unit's two weights [default: the gate's, docs/perceptron.md].")),
    ] = None,
    learn: Annotated[bool, typer.Option("--learn", help=N_("Run the perceptron learning rule, epoch by epoch."))] = False,
    rate: Annotated[
        str | None, typer.Option("--rate", metavar="η", help=N_("Learning rate η of --learn [default: 0.1]."))
    ] = None,
    epochs: Annotated[int | None, typer.Option("--epochs", metavar="N", help=N_("Most epochs of --learn [default: 20]."))] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            metavar="S",
            help=N_("--learn: start from seeded small values, not zeros; --collapse: the random layers' seed [default: 0]."),
        ),
    ] = None,
    layers: Annotated[int, typer.Option("--layers", metavar="1|2", help=N_("2: two layers of units (XOR = AND(OR, NAND))."))] = 1,
    hidden_weights: Annotated[
        str | None, typer.Option("--hidden-weights", metavar="JSON", help=N_("--layers 2: rows [w1, w2, θ]; --collapse: W1."))
    ] = None,
    output_weights: Annotated[
        str | None, typer.Option("--output-weights", metavar="JSON", help=N_("--layers 2: [v1, ..., θ]; --collapse: W2."))
    ] = None,
    collapse: Annotated[bool, typer.Option("--collapse", help=N_("Two linear layers against their product W2·W1."))] = False,
    plot: Annotated[
        str | None, typer.Option("--plot", metavar="PATH.png", help=N_("Draw the region of (w1, w2) (needs matplotlib)."))
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help=N_("Print one JSON object."))] = False,
    lang: LangOption = None,
) -> None:
    """Threshold units, the learning rule, XOR, collapse (the help is page.PERCEPTRON_HELP)."""
    from .perceptron.command import PerceptronRequest, run_perceptron

    options = dict(theta=theta, weights=weights, learn=learn, rate=rate, epochs=epochs, seed=seed, layers=layers)
    options.update(hidden_weights=hidden_weights, output_weights=output_weights, collapse=collapse, plot=plot)
    run_perceptron(PerceptronRequest(gate=gate, json=json_output, **options))


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
        code = report(error)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


SheetFormat = _choices("SheetFormat", ["markdown", "csv", "latex", "key"])


@app.command(
    cls=BackpropCommand,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    help=page.EXERCISE_HELP,
    short_help=page.EXERCISE_SHORT,
    epilog=page.EXERCISE_EPILOG + "\n\n" + page.EXERCISE_EXIT_CODES,
)
def exercise(
    ctx: typer.Context,
    expr: Annotated[
        str | None,
        typer.Argument(metavar="[EXPR]", help=N_("The expression, @PATH or - (not with --random)."), show_default=False),
    ] = None,
    random: Annotated[bool, _input_option("--random", text=N_("Draw the exercise (see --level, --seed)."))] = False,
    level: Annotated[
        int | None, _input_option("--level", min=1, max=3, metavar="1|2|3", text=N_("Size of a drawn exercise [default: 1]."))
    ] = None,
    seed: Annotated[int | None, _input_option("--seed", metavar="S", text=N_("Seed of the draw [default: 0]."))] = None,
    student: Annotated[str | None, _input_option("--student", metavar="ID", text=N_("One student's sheet (and draw)."))] = None,
    roster: Annotated[
        str | None, _input_option("--roster", metavar="FILE", text=N_("CSV with an id column: a sheet per student."))
    ] = None,
    bindings: BindingsOption = None,
    output_format: Annotated[
        SheetFormat | None,
        _output_option(
            "--format", text=N_("The sheet, or key for its answer key (JSON) [default: markdown; csv with --roster].")
        ),
    ] = None,
    key: Annotated[str | None, _output_option("--key", metavar="FILE", text=N_("Also write the key (JSON) to FILE."))] = None,
    out: Annotated[
        str | None, _output_option("--out", metavar="DIR", text=N_("With --roster: write the sheets and keys.json here."))
    ] = None,
    force: Annotated[bool, _output_option("--force", text=N_("Replace an existing key file."))] = False,
    quiet: Annotated[bool, _output_option("--quiet", text=N_("Do not say on stderr what was written."))] = False,
    lang: LangOption = None,
) -> None:
    """Make a worksheet and its answer key (the help is page.EXERCISE_HELP)."""
    from .exercise.command import ExerciseRequest, run_exercise

    run_exercise(
        ExerciseRequest(
            expression=expr,
            binding_words=list(ctx.args),
            bindings_file=bindings,
            random=random,
            level=level,
            seed=seed,
            student=student,
            roster=roster,
            out=out,
            output_format=output_format.value if output_format else None,
            key=key,
            force=force,
            quiet=quiet,
            options=_long_options(ctx),
        )
    )


@app.command(
    cls=BackpropCommand,
    help=page.MARK_HELP,
    short_help=page.MARK_SHORT,
    epilog=page.MARK_EPILOG + "\n\n" + page.MARK_EXIT_CODES,
)
def mark(
    sheets: Annotated[
        list[str], typer.Argument(metavar="SHEET...", help=N_("Filled-in worksheets (CSV), or - for stdin."), show_default=False)
    ],
    key: Annotated[str | None, _input_option("--key", metavar="FILE", text=N_("The answer key of the exercise (JSON)."))] = None,
    keys: Annotated[
        str | None,
        _input_option("--keys", metavar="FILE", text=N_("A class's keys (JSON), matched by #student, else by the file name.")),
    ] = None,
    json_output: Annotated[bool, _output_option("--json", text=N_("Print one JSON object."))] = False,
    output: Annotated[
        str | None, _output_option("--output", metavar="FILE", text=N_("Write the class's results CSV here (atomically)."))
    ] = None,
    tol: Annotated[
        float, _check_option("--tol", parser=_tolerance, metavar="TOL", text=N_("Tolerance: relative, with an absolute floor."))
    ] = 1e-6,
    min_digits: Annotated[
        int, _check_option("--min-digits", metavar="N", text=N_("A rounded answer is right with at least N significant digits."))
    ] = 3,
    points: Annotated[
        str | None, _check_option("--points", metavar="SPEC", text=N_("Points per cell, e.g. right=1,carried=1,wrong=0."))
    ] = None,
    pass_mark: Annotated[
        str | None, _check_option("--pass-mark", metavar="P", text=N_("Points (12) or percent (75%); exit 1 below it."))
    ] = None,
    lang: LangOption = None,
) -> None:
    """Mark filled-in worksheets node by node (the help is page.MARK_HELP)."""
    from .mark.command import MarkRequest, run_mark

    options = dict(key=key, keys=keys, json=json_output, output=output, points=points, pass_mark=pass_mark)
    run_mark(MarkRequest(sheets=list(sheets), tol=tol, min_digits=min_digits, **options))
