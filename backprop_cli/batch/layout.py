"""``batch``'s columns: which input columns are variables and expectations, and what
is written (the input's columns, then ``f``, ``df/dx``, ... and ``pass``)."""

from __future__ import annotations

from ..errors import UsageError
from ..i18n import _
from ..inputs.files import repeated_key
from ..language.graph import Graph

EXPECTED_PREFIX = "expected_"


class Layout:
    """Which input columns are variables and expectations, and the output columns."""

    def __init__(self, graph: Graph, header: list[str], expect: bool, json_lines: bool, first_line: int = 2) -> None:
        self.header = header
        self.variables = list(graph.variables)
        self.json_lines = json_lines
        self.first_line = first_line  # the line of the first row (after the header)
        _refuse_duplicates(header)
        if not json_lines:
            missing = [name for name in self.variables if name not in header]
            if missing:
                message = _("the input has no column for {names} (its columns: {columns})")
                raise UsageError(message.format(names=", ".join(missing), columns=", ".join(header)))
        self.index = {name: header.index(name) for name in self.variables} if not json_lines else {}
        self.results = ["f"] + [f"df/d{name}" for name in self.variables]
        self.expected: dict[str, str] = {}  # output column -> expected column
        if expect:
            self.expected = _expected_columns(header, self.results)
        self.added = self.results + (["pass"] if expect else [])
        clash = clash_with(header, self.added)
        if clash:
            where = _("its first object has a field {clash}") if json_lines else _("it has a column {clash}")
            raise UsageError(_("the input cannot be used as it is: {where}").format(where=where.format(clash=clash)))
        self.output_header = header + self.added


def _refuse_duplicates(header: list[str]) -> None:
    name = repeated_key(header)
    if name is not None:
        raise UsageError(_("the input has two columns named {name!r}: give each column its own name").format(name=name))


def clash_with(names, added: list[str]) -> str | None:
    """How an input column or field would collide with a column batch adds, or None."""
    for name in added:
        if name in names:
            message = _("named {name!r}, like a column batch adds ({columns}): rename it (input columns pass through untouched)")
            return message.format(name=name, columns=", ".join(added))
    return None


def _expected_columns(header: list[str], results: list[str]) -> dict[str, str]:
    """expected_f -> f, expected_dx -> df/dx (only those present)."""
    wanted = {result: EXPECTED_PREFIX + ("f" if result == "f" else "d" + result[4:]) for result in results}
    found = {result: column for result, column in wanted.items() if column in header}
    if not found:
        raise UsageError(
            _("--expect-columns: the input has none of the columns {columns}").format(columns=", ".join(wanted.values()))
        )
    return found
