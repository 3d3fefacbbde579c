"""``backprop exercise``: a worksheet and its answer key, from an expression or drawn at random.

One exercise goes to stdout in the chosen format (``--key FILE`` also writes its key);
with ``--roster`` every student of a class gets a generated exercise of their own,
written to ``DIR/<id>.<ext>``, and the class's keys to ``DIR/keys.json``
(docs/worksheets.md). A worksheet must have one right answer: an exercise whose
evaluation has a kink or a non-finite number is refused.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.finite import first_non_finite
from ..engine.scalar import evaluate
from ..errors import UsageError
from ..i18n import _, ngettext
from ..inputs import bindings as binding_args
from ..inputs.files import os_reason
from ..language.graph import stage
from ..report.worksheet import Key, key_from_evaluation, keys_document
from ..rules.table import RULES
from .generate import generate, near_kink
from .roster import read_roster
from .sheet_csv import csv_sheet
from .sheet_latex import latex_sheet
from .sheet_markdown import markdown_sheet


def key_json(key: Key) -> str:
    """The key as the JSON text ``--format key`` and ``--key`` write."""
    return json.dumps(key.to_json(), indent=2, ensure_ascii=False) + "\n"


# --format NAME -> (writer of a key's sheet, file extension in roster mode)
WRITERS = {
    "markdown": (markdown_sheet, "md"),
    "csv": (csv_sheet, "csv"),
    "latex": (latex_sheet, "tex"),
    "key": (key_json, "json"),
}
KEYS_FILE = "keys.json"


@dataclass
class ExerciseRequest:
    """Everything the ``exercise`` command line asked for."""

    expression: str | None = None
    binding_words: list[str] = field(default_factory=list)
    bindings_file: str | None = None
    random: bool = False
    level: int | None = None  # --random: 1, 2 or 3 (default 1)
    seed: int | None = None  # --random: default 0
    student: str | None = None
    roster: str | None = None
    out: str | None = None
    output_format: str | None = None  # default: markdown; csv with --roster
    key: str | None = None  # also write the key here
    force: bool = False  # overwrite an existing key file
    quiet: bool = False
    options: tuple[str, ...] = ()  # the command's own options, to name the closest to a misspelled one


def run_exercise(request: ExerciseRequest, stdin=None, stdout=None, stderr=None) -> None:
    """Run one ``exercise`` request; raises BackpropError subclasses for the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    check_combinations(request)
    if request.roster:
        write_class(request, stderr)
        return
    if request.random:
        key = random_key(request.level or 1, request.seed or 0, request.student)
    else:
        key = text_key(request, stdin)
    if request.key:
        write_new_file(Path(request.key), key_json(key), request.force)
        if not request.quiet:
            stderr.write(_("backprop: wrote the key to {path}").format(path=request.key) + "\n")
    writer, _extension = WRITERS[request.output_format or "markdown"]
    stdout.write(writer(key))


def check_combinations(request: ExerciseRequest) -> None:
    """Refuse options that do not go together, before any work."""
    if request.roster and not request.random:
        raise UsageError(_("--roster gives each student a generated exercise: add --random"))
    given = request.expression is not None or request.binding_words or request.bindings_file
    if request.random and given:
        raise UsageError(_("--random draws the expression and its values: give no EXPR, bindings or --bindings"))
    if not request.random and request.expression is None:
        raise UsageError(_('give an expression and its values, e.g. exercise "(x+y)*z" -x -2 -y 5 -z -4, or --random'))
    if not request.random and (request.level is not None or request.seed is not None):
        raise UsageError(_("--level and --seed are for --random"))
    if request.student is not None and not request.student.strip():
        raise UsageError(_("--student needs an id, e.g. --student s001"))
    if bool(request.roster) != bool(request.out):
        raise UsageError(_("--roster FILE and --out DIR go together: the class's sheets and keys.json are written to DIR"))
    if request.roster and (request.student is not None or request.key):
        raise UsageError(_("--roster makes the whole class's sheets and keys: --student and --key are for one sheet"))
    if request.key == "-":  # the sheet is on stdout; a file named "-" is no one's intent
        raise UsageError(_("--key - would mix the key into the sheet on standard output: name a file, or use --format key"))
    if request.roster and request.output_format == "key":
        raise UsageError(_("--roster writes the keys to DIR/keys.json: choose --format markdown, csv or latex for the sheets"))


def text_key(request: ExerciseRequest, stdin) -> Key:
    """The key of the expression and bindings on the command line (scalar only, one right answer)."""
    source = binding_args.read_expression(request.expression, stdin)
    graph = stage(source)
    if graph.needs_arrays():
        raise UsageError(_("a worksheet is scalar: @, dot, sum, mean and norm need grad's vector mode"))
    variables = list(graph.variables)
    given = binding_args.load_bindings_file(request.bindings_file) if request.bindings_file else {}
    given.update(binding_args.parse_binding_args(request.binding_words, variables, request.options, request.expression))
    for name, value in given.items():
        if binding_args.is_array(value):
            raise UsageError(_("a worksheet is scalar: {name} is an array (use grad for vector mode)").format(name=name))
    values = binding_args.resolve(variables, given)
    result = evaluate(graph, values)
    refuse_ambiguous(result)
    key = key_from_evaluation(result, source, values, student=request.student)
    if not key.cells:  # a constant: no variable, no gate; its key could not be marked
        raise UsageError(_("{expression}: nothing to fill in: a worksheet needs a variable or a node").format(expression=source))
    return key


def refuse_ambiguous(result) -> None:
    """A worksheet has one right answer: no node at a kink, no inf or nan."""
    if result.kinks:
        from ..render.cells import kink_text  # only on this error path

        index, note = min(result.kinks.items())
        message = _("node {name} is at a kink ({kink}): a worksheet needs one right answer; choose other values")
        raise UsageError(message.format(name=result.graph.nodes[index].name, kink=kink_text(note)))
    near = near_kink(result)
    if near is not None:
        node = result.graph.nodes[near]
        message = _("node {name} is at a kink but for rounding ({kink}): a worksheet needs one right answer; choose other values")
        raise UsageError(message.format(name=node.name, kink=_(RULES[node.op].kink.label)))
    where = first_non_finite(result)
    if where is not None:
        raise UsageError(_("{where} is not finite: a worksheet needs finite numbers; choose other values").format(where=where))


def random_key(level: int, seed: int, student: str | None) -> Key:
    """The key of the generated exercise of (level, seed, student)."""
    drawn = generate(level, seed, student or "")
    return key_from_evaluation(drawn.result, drawn.expression, drawn.bindings, student=student, seed=seed, level=level)


def write_class(request: ExerciseRequest, stderr) -> None:
    """Every student's sheet to DIR/<id>.<ext> and the class's keys to DIR/keys.json."""
    students = read_roster(request.roster)
    folder = Path(request.out)
    keys_path = folder / KEYS_FILE
    if keys_path.exists() and not request.force:
        message = _("{path} exists: it may be the key of sheets already handed out; add --force to replace it")
        raise UsageError(message.format(path=keys_path))
    name = request.output_format or "csv"
    writer, extension = WRITERS[name]
    level, seed = request.level or 1, request.seed or 0
    keys = [random_key(level, seed, student.id) for student in students]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(_("cannot make the folder {path}: {reason}").format(path=folder, reason=os_reason(error))) from None
    for student, key in zip(students, keys):
        write_file(folder / f"{student.file_stem}.{extension}", writer(key))
    write_file(keys_path, json.dumps(keys_document(keys), indent=2, ensure_ascii=False) + "\n")
    if not request.quiet:
        message = ngettext(
            "backprop: wrote {count} worksheet ({format}) to {folder} and its key to {keys}",
            "backprop: wrote {count} worksheets ({format}) to {folder} and their keys to {keys}",
            len(keys),
        )
        stderr.write(message.format(count=len(keys), format=name, folder=folder, keys=keys_path) + "\n")


def write_new_file(path: Path, text: str, force: bool) -> None:
    """Write a key file; an existing one is replaced only with --force (it answers sheets already out)."""
    if path.exists() and not force:
        message = _("{path} exists: it may be the key of sheets already handed out; add --force to replace it")
        raise UsageError(message.format(path=path))
    write_file(path, text)


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 with "\\n" line ends; a failure is one clear line."""
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except OSError as error:
        raise UsageError(_("cannot write {path}: {reason}").format(path=path, reason=os_reason(error))) from None
