"""A ``str.format`` template made into a printf one, for the hot loops of the writers.

The writers build one template per shape of node (``report.shapes``) and fill it in
per node. ``template % fields(row)`` parses its template about twice as fast as
``template.format(*row)``, and a row field used twice (JSON's "edges" repeat
"local") is taken twice by ``operator.itemgetter``, in C.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter

_PART = re.compile(r"(\{\{|\}\}|\{\d+(?:![rs])?(?::[<>]?\d*(?:\.\d+g)?)?\})")
_SPEC = re.compile(r"(?P<align>[<>])?(?P<width>\d*)(?P<precision>\.\d+g)?")


def printf(template: str) -> tuple[str, Callable[[tuple], tuple]]:
    """``(text, fields)`` such that ``text % fields(row) == template.format(*row)``.

    Fields: ``{3}``, ``{3!r}``, and the specs the table uses: ``{3:<8}`` (a text
    padded), ``{3:>8.6g}`` and ``{3:.6g}`` (a number); a width needs its alignment.
    """
    text, fields, _order = printf_template(template)
    return text, fields


def printf_template(template: str) -> tuple[str, Callable[[tuple], tuple], list[int]]:
    """``printf``'s ``(text, fields)`` and the row fields it takes in order (``printf_order``),
    the template read once: a writer fills it row by row or column by column (``fill_columns``)."""
    text, order = printf_order(template)
    if len(order) > 1:
        return text, itemgetter(*order), order
    if order:  # itemgetter of one index gives the item itself, not a tuple
        only = order[0]
        return text, lambda row: (row[only],), order
    return text, lambda row: (), order


def fill_columns(texts: list[str], places: list[int], text: str, order: list[int], columns: list[list]) -> None:
    """``texts[place] = text % row`` for rows given as ``columns`` (``NodeRows.column_blocks``):
    one C-level ``map`` for the whole group instead of a Python step per row."""
    for place, filled in zip(places, map(text.__mod__, zip(*map(columns.__getitem__, order)))):
        texts[place] = filled


def printf_order(template: str) -> tuple[str, list[int]]:
    """``(text, order)``: ``printf``'s text, and the row fields it takes in order (a
    writer formatting columns zips ``columns[k] for k in order``)."""
    out, order = [], []
    for part in _PART.split(template):
        if part == "{{":
            out.append("{")
        elif part == "}}":
            out.append("}")
        elif part.startswith("{") and part.endswith("}") and len(part) > 2:
            field, _colon, spec = part[1:-1].partition(":")
            number, _bang, conversion = field.partition("!")
            order.append(int(number))
            out.append(_conversion(conversion, spec))
        else:
            if "{" in part or "}" in part:
                raise ValueError(f"not a plain field: {part!r}")
            out.append(part.replace("%", "%%"))
    return "".join(out), order


def _conversion(conversion: str, spec: str) -> str:
    if not spec:
        return "%r" if conversion == "r" else "%s"
    match = _SPEC.fullmatch(spec)
    if match is None or (match["width"] and not match["align"]):
        raise ValueError(f"not a supported format spec: {spec!r}")
    flag = "-" if match["align"] == "<" else ""
    return f"%{flag}{match['width']}{match['precision'] or 's'}"
