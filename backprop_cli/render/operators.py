"""``backprop ops``: the operator table with its SymPy-derived local gradients."""

from __future__ import annotations

from ..i18n import N_, _
from ..rules.generated.derived import SYMBOLIC
from ..rules.table import CONVENTIONS, FUNCTIONS, RULES

_NAMES = ("a", "b", "c")
_NOTE_COLUMN = 17  # where a kink's note starts, after its name

CONVENTION_NOTES_AFTER = [
    N_("Domain edges, every convention: ∂(a**b)/∂b = 0 at a = 0 < b; ∂(a**0)/∂a = 0;"),
    N_("  the others are listed in docs/reference.md, 'Domain edges'."),
    N_("Unary minus is its own gate (neg, *-1); a minus written directly before a number is part of it."),
    N_("A variable used twice or more is a fan-out: pattern 'adder', its gradients add."),
]


def convention_notes() -> list[str]:
    """The lines under the table: each row's kink (``Kink.shown``/``note``), then the general notes."""
    from rich.cells import cell_len  # Hangul takes two columns

    lines = [_("Kinks (marked 'kink' in the table and JSON; choose with --convention):")]
    for row in RULES.values():
        kink = row.kink
        if kink is None or kink.shown is None:
            continue
        first, *more = _(kink.note).split("\n")
        shown = _(kink.shown)
        lines.append(f"  {shown}:" + " " * max(1, _NOTE_COLUMN - cell_len(shown) - 1) + first)
        lines += [" " * (2 + _NOTE_COLUMN) + line for line in more]
    return lines + [_(line) for line in CONVENTION_NOTES_AFTER]


def _syntax(op: str) -> str:
    row = RULES[op]
    if row.infix is not None:
        written = [f"{s}a" if row.arity == 1 else f"a {s} b" for s in row.infix.spellings]
        return ", ".join(written)
    names = [name for name, spec in FUNCTIONS.items() if spec.op == op]
    spec = FUNCTIONS[names[0]]
    if spec.max_args is None:
        args = "a, b, ..."
    elif spec.defaults:
        args = f"a[, b={spec.defaults[0]}]"
    else:
        args = ", ".join(_NAMES[: spec.max_args])
    return " | ".join(f"{name}({args})" for name in names)


def _local(op: str) -> str:
    arity = RULES[op].arity or 2
    templates = SYMBOLIC[(op, arity)]
    parts = []
    for index, template in enumerate(templates):
        text = template
        for i in range(arity):
            text = text.replace(f"ARG{i}", _NAMES[i])
        parts.append(f"∂/∂{_NAMES[index]} = {text}")
    return "\n".join(parts)


def rows() -> list[tuple[str, str, str, str]]:
    """(op, syntax, local gradients, pattern) for every row, in table order."""
    result = []
    for op, rule in RULES.items():
        pattern = _(rule.pattern) if rule.pattern else ""
        if rule.vjp is not None:  # only on arrays: vector–Jacobian products, g the upstream gradient
            local = "\n".join(f"∂/∂{_NAMES[i]}: {t.format(*_NAMES)}" for i, t in enumerate(rule.vjp))
            result.append((op, _syntax(op) + " " + _("(arrays)"), local, pattern))
            continue
        if op == "mul":
            pattern = _("switcher (scaler with a constant)")
        result.append((op, _syntax(op), _local(op), pattern))
    return result


OPS_COLUMNS = [(N_("op"), ""), (N_("syntax"), ""), (N_("local gradient"), ""), (N_("pattern"), "")]


def print_ops() -> None:
    """Print the table (fitted to the terminal, or stacked) and the convention notes to stdout."""
    from .table_layout import console, print_section

    out = console()
    title = _("backprop operators (local gradients derived by SymPy)")
    print_section(out, title, OPS_COLUMNS, [list(row) for row in rows()], "f")
    out.print(_("Constants: pi. Conventions: {conventions} (default pytorch).").format(conventions=", ".join(CONVENTIONS)))
    for line in convention_notes():
        out.print(line)


def run_ops(plot: str | None, plot_file: str | None, properties: bool, convention: str = "pytorch") -> None:
    """``backprop ops``: the table; or ``--plot NAME`` (and ``--plot-file``), ``--properties`` or both."""
    if plot_file is not None and plot is None:
        from ..errors import UsageError

        raise UsageError(_("--plot-file needs --plot NAME (the function to draw)"))
    if plot is None and not properties:
        print_ops()
        return
    if plot is not None:
        from .function_plot import print_plot, resolve, write_png

        op = resolve(plot)
        if plot_file is not None:
            write_png(plot_file, op, convention)
        print_plot(op, convention)
    if properties:
        from .activation_properties import print_properties

        print_properties()
