"""The words of the command line: its help pages, and the one line an error becomes.

Help pages use Click's plain formatter, options grouped, every word in the run's language.

Typer's own grouping (``rich_help_panel``) draws with Rich, which ``--help`` must not
import (docs/architecture.md); here the panels Typer records on each option are drawn
with Click's plain formatter instead. Help texts, epilogs and headings are written in
English, marked ``N_()`` where they are defined and translated here, when a page is
shown (i18n chose the language before parsing). Nothing is truncated: a command's
line in ``backprop --help`` is its whole ``short_help``.
"""

from __future__ import annotations

import inspect
import sys

from typer import Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

from .errors import BackpropError, ExitCode
from .i18n import N_, _

HELP_OPTION_NAMES = ["-h", "--help"]
CONTEXT_SETTINGS = {"help_option_names": HELP_OPTION_NAMES}

# The option groups of grad's and batch's help (Typer's rich_help_panel values).
INPUT = N_("Input")
OUTPUT = N_("Output")
CHECKS = N_("Checks")
# Click's own words on a help page
N_("Usage: ")
N_("Arguments")
N_("Options")
N_("Commands")
N_("Show this message and exit.")
N_("default: {default}")
N_("required")
# Typer's shell-completion options (backprop --install-completion)
N_("Install completion for the current shell.")
N_("Show completion for the current shell, to copy it or customize the installation.")


def _translated(text: str | None) -> str | None:
    """``text`` in the run's language, paragraph by paragraph (an epilog's example and its
    exit codes are separate entries of the catalog, shared between commands)."""
    if not text:
        return text
    return "\n\n".join(_(paragraph) for paragraph in inspect.cleandoc(text).split("\n\n"))


# Click wraps by characters; a Korean syllable takes two columns. Each wide character is
# followed by this placeholder while the text is wrapped, and the placeholder is dropped
# as the page is written, so lines fit the width on screen.
_WIDE_PAD = "\x00"


def _padded(text: str) -> str:
    if text.isascii():
        return text
    from unicodedata import east_asian_width

    return "".join(c + _WIDE_PAD if east_asian_width(c) in "WF" else c for c in text)


class DisplayWidthFormatter(HelpFormatter):
    """Click's formatter, wrapping by display columns (two for a wide character)."""

    def write(self, string: str) -> None:
        super().write(string.replace(_WIDE_PAD, ""))

    def write_text(self, text: str) -> None:
        super().write_text(_padded(text))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(first, _padded(second)) for first, second in rows], col_max, col_spacing)


class HelpContext(Context):
    formatter_class = DisplayWidthFormatter


class HelpPage:
    """The parts of a Click help page, each in the run's language (mixed into Typer's classes)."""

    context_class = HelpContext

    def format_usage(self, ctx, formatter) -> None:
        """``Usage: backprop grad [OPTIONS] EXPR``, with the prefix translated."""
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=_("Usage: "))

    def format_help_text(self, ctx, formatter) -> None:
        """The command's description, translated."""
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_translated(self.help).partition("\f")[0])

    def format_epilog(self, ctx, formatter) -> None:
        """Examples and exit codes, translated; lines after a ``\\b`` line keep their breaks."""
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_translated(self.epilog))

    def get_short_help_str(self, limit: int = 45) -> str:
        """The whole short help (never shortened with "..."), translated."""
        text = self.short_help or (self.help or "").strip().split("\n")[0]
        return _translated(text) or ""

    def get_help_option(self, ctx):
        """``-h``/``--help``, with its help translated."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    def format_options(self, ctx, formatter) -> None:
        """Arguments, then one section per option group (input, output, checks), then the rest."""
        sections: dict[str, list] = {"Arguments": [], INPUT: [], OUTPUT: [], CHECKS: []}
        for param in self.get_params(ctx):
            record = _help_record(param, ctx)
            if record is None:
                continue
            is_argument = param.param_type_name == "argument"
            panel = "Arguments" if is_argument else getattr(param, "rich_help_panel", None) or "Options"
            sections.setdefault(panel, []).append(record)
        sections["Options"] = sections.pop("Options", [])  # the ungrouped ones (help, --lang) last
        for title, records in sections.items():
            if records:
                with formatter.section(_(title)):
                    formatter.write_dl(records)


def _help_record(param, ctx) -> tuple[str, str] | None:
    """Click's (option names, help) for ``param``, its help and Click's extras translated."""
    original = param.help
    param.help = _translated(original)
    try:
        record = param.get_help_record(ctx)
    finally:
        param.help = original
    if record is None:
        return None
    names, text = record
    default = _("default: {default}").split("{default}")[0]
    return names, text.replace("[default: ", "[" + default).replace("[required]", "[" + _("required") + "]")


class BackpropCommand(HelpPage, TyperCommand):
    """A command whose help page is translated and grouped."""


class BackpropGroup(HelpPage, TyperGroup):
    """The ``backprop`` group: its command list is translated and never truncated."""

    command_class = BackpropCommand

    def format_options(self, ctx, formatter) -> None:
        """The group's options, then its commands."""
        HelpPage.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        """One line per command: its name and its whole short help."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str()))
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)


# The words of each page. An epilog is paragraphs, each its own entry of the catalog;
# a paragraph whose first line is "\b" keeps its line breaks (Click's rule).
ROOT_HELP = N_("Gradient calculator: stage an expression, run forward and backward, show every node.")
ROOT_EPILOG = N_('\b\nExamples:\n  backprop grad "(x+y)*z" -x -2 -y 5 -z -4\n  backprop grad -h')
EXIT_CODES = N_(
    "\b\nExit codes:\n  0    done\n  1    a check failed (--expect, --check, --expect-columns, --gradcheck)"
    "\n  2    bad input: expression, option or value\n  3    a value or gradient is inf or nan"
    "\n  70   internal error (a bug)\n  130  interrupted (Ctrl-C)"
)
GRAD_SHORT = N_("Value and every gradient of EXPR, node by node.")
GRAD_HELP = (
    N_("Compute the value and every gradient of EXPR, node by node (forward pass, then backpropagation).")
    + "\n\n"
    + N_(
        "Bind variables after the expression: -x -2, --x=-2 or x=-2. --NAME binds NAME only when NAME is a variable"
        " of the expression; any other --NAME is an option, and a misspelled one is refused. A variable named like"
        " an option (h, json, quiet, ...) is bound as NAME=VALUE, e.g. h=0.5."
    )
)
GRAD_EPILOG = N_(
    '\b\nExamples:\n  backprop grad "(x+y)*z" -x -2 -y 5 -z -4\n  backprop grad "x*y" x=3 y=-1 --expect x=-1 --check'
    "\n  backprop grad @samples/neuron.expr --bindings samples/neuron.json --explain"
)
GRAD_EXIT_CODES = N_("Exit codes: 0 done; 1 an --expect or --check failed; 2 bad input; 3 inf or nan; 70 a bug.")
BATCH_SHORT = N_("Value and every gradient of EXPR for each row of a CSV or JSON Lines file.")
BATCH_EPILOG = N_(
    '\b\nExamples:\n  backprop batch "(x+y)*z" --input samples/students.csv\n'
    '  backprop batch "(x+y)*z" --input samples/students.csv --expect-columns --json'
)
BATCH_EXIT_CODES = N_("Exit codes: 0 done; 1 a row failed --expect-columns; 2 bad input or a bad row; 3 inf or nan; 70 a bug.")
TRAIN_SHORT = N_("Train the lectures' NumPy 2-layer network (defaults: exactly the lecture's).")
TRAIN_ALIAS = N_("Alias of train.")
TRAIN_EPILOG = N_("\b\nExamples:\n  backprop train\n  backprop train --dataset spiral --hidden 50 --steps 2000 --gradcheck")
TRAIN_EXIT_CODES = N_("Exit codes: 0 done; 1 --gradcheck failed; 2 bad input; 3 the loss became inf or nan; 70 a bug.")
OPS_SHORT = N_("List the operators: syntax, local gradient (derived by SymPy), gate pattern, kinks.")
OPS_EPILOG = N_(
    "\b\nExamples:\n  backprop ops --lang ko\n  backprop ops --plot sigmoid\n  backprop ops --plot relu --plot-file relu.png"
    "\n  backprop ops --properties"
)
OPS_EXIT_CODES = N_("Exit codes: 0 done; 2 an unknown --plot NAME, or a --plot-file that cannot be written; 70 a bug.")
EXERCISE_SHORT = N_("A backpropagation worksheet and its answer key, from EXPR or drawn at random.")
EXERCISE_HELP = (
    N_(
        "Make a worksheet: the computational graph of EXPR in grad's node names, every node's value and gradient"
        " left blank, and its answer key (JSON). Bind variables as grad does: -x -2, --x=-2 or x=-2."
    )
    + "\n\n"
    + N_(
        "--random draws an exercise like the lectures' (level 1: add and mul chains; 2: max, fan-out, negation;"
        " 3: the logistic neuron, division, exp). The same --seed and --student give the same exercise, so any"
        " student's sheet and key can be made again. --roster gives each student of a class their own."
    )
)
EXERCISE_EPILOG = N_(
    '\b\nExamples:\n  backprop exercise "(x+y)*z" -x -2 -y 5 -z -4 --key key.json'
    "\n  backprop exercise --random --level 3 --seed 7 --student s001 --format latex"
    "\n  backprop exercise --random --level 2 --seed 7 --roster students.csv --out sheets"
)
EXERCISE_EXIT_CODES = N_("Exit codes: 0 done; 2 bad input (also an exercise at a kink or with inf or nan); 70 a bug.")
MARK_SHORT = N_("Mark filled-in worksheets node by node: right, carried, wrong; a class's results and item analysis.")
MARK_HELP = (
    N_(
        "Mark every asked cell of a filled-in worksheet against its answer key: right, carried (follows from the"
        " student's own earlier numbers), wrong (with the misconception, where one fits), blank or unreadable."
    )
    + "\n\n"
    + N_(
        "One sheet with --key: a table of its cells and the result line. Several sheets, or --keys: one row per"
        " student (CSV, to stdout or --output) and the item analysis (docs/marking.md)."
    )
)
MARK_EPILOG = N_(
    "\b\nExamples:\n  backprop mark s001.csv --key key.json\n"
    "  backprop mark --keys keys.json submissions/*.csv --output results.csv --pass-mark 60%"
)
MARK_EXIT_CODES = N_(
    "Exit codes: 0 marked; 1 below --pass-mark; 2 bad input, or a sheet that could not be marked (a class: at the end); 70 a bug."
)

PERCEPTRON_SHORT = N_("Threshold units and gates, the perceptron learning rule, XOR and two layers, linear collapse.")
PERCEPTRON_HELP = N_(
    "The chapter before backprop: a threshold unit fires when w1·x1 + w2·x2 > θ. GATE's truth table beside the"
    " unit's, whether the weights implement it, and the region of (w1, w2) that does; --learn runs the perceptron"
    " learning rule; --layers 2 builds XOR from two layers; --collapse shows two linear layers are one."
)
PERCEPTRON_EPILOG = (
    N_(
        "\b\nExamples:\n  backprop perceptron and --theta 0.5 --weights 0.4 0.2\n  backprop perceptron xor --learn"
        "\n  backprop perceptron xor --layers 2\n  backprop perceptron --collapse --seed 3"
    )
    + "\n\n"
    + N_("Exit codes: 0 done (whether or not the weights implement the gate); 2 bad input; 70 a bug.")
)


def _unencodable(error: UnicodeEncodeError) -> str:
    char = error.object[error.start : error.end][:1]
    message = _(
        "the output contains {char!r}, which this terminal's encoding ({encoding}) cannot show;"
        " set PYTHONIOENCODING=utf-8 (or use --json)"
    )
    return message.format(char=char, encoding=error.encoding)


# Click's own messages (it has no catalogs): the ones a student meets, as patterns of their English
# text, so that each is shown in the run's language; a message no pattern fits stays as Click wrote it.
CLICK_MESSAGES = (
    (r"Missing argument '(?P<name>[^']+)'\.", N_("Missing argument '{name}'.")),
    (r"Missing option '(?P<name>[^']+)'\.", N_("Missing option '{name}'.")),
    (r"Option '(?P<option>[^']+)' requires an argument\.", N_("Option '{option}' requires an argument.")),
    (r"No such option: (?P<option>\S+)", N_("No such option: {option}")),
    (r"Got unexpected extra argument\(s\) \((?P<words>.*)\)", N_("Got unexpected extra argument(s) ({words})")),
    (
        r"Invalid value for '(?P<option>[^']+)': (?P<value>'.*') is not one of (?P<choices>.*)\.",
        N_("Invalid value for '{option}': {value} is not one of {choices}."),
    ),
    (
        r"Invalid value for '(?P<option>[^']+)': (?P<value>'.*') is not a valid (?P<kind>int|integer|float)\.",
        N_("Invalid value for '{option}': {value} is not a valid {kind}."),
    ),
)
N_("int"), N_("integer"), N_("float")  # the {kind} of the last pattern


def _click_words(text: str) -> str:
    """Click's English ``text`` in the run's language, when one of CLICK_MESSAGES fits it whole."""
    import re  # only on this error path

    for pattern, template in CLICK_MESSAGES:
        found = re.fullmatch(pattern, text, flags=re.DOTALL)
        if found:
            parts = found.groupdict()
            kind = parts.get("kind")
            if kind:
                parts.update(kind=_(kind))
            return _(template).format(**parts)
    return text


def _usage_message(error) -> str:
    """Click's message; an unknown option in grad's words: "no such option --jsn; did you mean --json?"."""
    if type(error).__name__ != "NoSuchOption" or not error.possibilities:
        text = _click_words(error.format_message())
        param = getattr(error, "param", None)
        if type(error).__name__ == "MissingParameter" and param is not None and "--input" in param.opts:
            text += " " + _("Give the rows file as --input FILE (or --input - for stdin).")  # batch x.csv
        return text
    message = _("no such option {option}; did you mean {close}?")
    return message.format(option=error.option_name, close=error.possibilities[0])  # Click's closest first


def report(error: Exception) -> ExitCode:
    """One line on stderr for ``error``; its exit code."""
    if isinstance(error, BackpropError):
        prefix = _(error.prefix) if error.prefix else ""
        print(f"backprop: {prefix}{error.render()}", file=sys.stderr)
        return error.exit_code
    if isinstance(error, UnicodeEncodeError):
        print("backprop: " + _("error: ") + _unencodable(error), file=sys.stderr)
        return ExitCode.BAD_INPUT
    format_message = getattr(error, "format_message", None)
    if type(error).__name__ == "NoArgsIsHelpError":  # plain `backprop`: the help, on stderr
        print(format_message(), file=sys.stderr)
        return ExitCode.BAD_INPUT
    if format_message is not None:  # a click/Typer usage error: bad option, missing EXPR
        command = getattr(getattr(error, "ctx", None), "command_path", "backprop")
        message = _("{message} (see '{command} --help')").format(message=_usage_message(error), command=command)
        print("backprop: " + _("error: ") + message, file=sys.stderr)
        return ExitCode(getattr(error, "exit_code", ExitCode.BAD_INPUT))  # click uses 1 and 2
    if isinstance(error, (RecursionError, MemoryError)):
        message = _("input too large ({reason})").format(reason=type(error).__name__)
        print("backprop: " + _("error: ") + message, file=sys.stderr)
        return ExitCode.BAD_INPUT
    print(f"backprop: internal error: {type(error).__name__}: {error} (set BACKPROP_TRACEBACK=1 for details)", file=sys.stderr)
    return ExitCode.INTERNAL_ERROR
