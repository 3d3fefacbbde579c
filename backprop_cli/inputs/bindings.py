"""Variable bindings from the command line and from ``--bindings FILE`` (SPEC §1).

Accepted forms: ``-x -2``, ``--x -2``, ``--x=-2``, ``-x=-2``, ``x=-2``; a single
dash before a multi-letter name is one variable (``-w0 2``), and a value that
starts with a minus sign is always a value.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from difflib import get_close_matches

from ..errors import UsageError
from ..i18n import _, ngettext
from .files import load_npz, read_text_file, read_text_stream, repeated_key

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_WITH_VALUE = re.compile(rf"--?({_NAME})=(.*)", re.DOTALL)
_FLAG = re.compile(rf"--?({_NAME})")
_ASSIGNMENT = re.compile(rf"({_NAME})=(.*)", re.DOTALL)
_OPERATOR = re.compile(r"[-+*/^@()]")  # a stray word with one is the rest of an unquoted expression
# ASCII only: \d, \s and float() would also take other scripts' digits ("١٢" as 12) and spaces
_NUMBER = re.compile(r"\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)\s*", re.IGNORECASE | re.ASCII)


def parse_number(text: str) -> float | None:
    """The number ``text`` spells by grad's rule (``_NUMBER``: ``-2``, ``.5``, ``1e-3``, ``inf``, ``nan``;
    not ``1_000``), or None. ``batch`` reads its cells with it: one number rule everywhere."""
    return float(text) if _NUMBER.fullmatch(text) else None


def parse_binding_args(
    args: list[str], variables: Collection[str] | None = None, options: Collection[str] = (), expression: str = ""
) -> dict[str, float]:
    """Turn the command line's binding words into ``{name: value}``.

    With ``variables`` (the expression's), ``-NAME``/``--NAME`` is a binding only when
    NAME is one of them; otherwise it is an unknown option, named with the closest of
    ``options`` (``--wtr`` -> ``--wrt``). ``NAME=VALUE`` is always a binding.
    """
    bindings: dict[str, float] = {}
    for position, (word, name, text) in enumerate(_binding_words(args, variables, options)):
        if name is None:
            raise UsageError(_stray_message(args, word, position, expression))
        if name in bindings:
            raise UsageError(_("variable {name} is bound twice").format(name=name))
        bindings[name] = parse_value(name, text)
    return bindings


def _binding_words(args: list[str], variables, options):
    """(word, name, value text) per binding; (word, None, None) for a word that is none."""
    words = iter(args)
    for word in words:
        with_value = _WITH_VALUE.fullmatch(word)
        flag = with_value or _FLAG.fullmatch(word)
        if flag and variables is not None and flag.group(1) not in variables:
            _refuse_unknown_option(word, flag.group(1), options)
        if with_value or _ASSIGNMENT.fullmatch(word):
            yield (word, *(with_value or _ASSIGNMENT.fullmatch(word)).groups())
        elif flag:
            text = next(words, None)
            if text is None:
                raise UsageError(_("{word} needs a value, e.g. {word} 2").format(word=word))
            yield word, flag.group(1), text
        else:
            yield word, None, None


def _refuse_unknown_option(word: str, name: str, options: Collection[str]) -> None:
    """``--wtr``: not a variable, so an option; a misspelled one is named with its closest match."""
    spelled = word.split("=", 1)[0]
    by_name = {option.lstrip("-"): option for option in options}
    close = get_close_matches(name, list(by_name), n=1, cutoff=0.6)
    if close:
        message = _("no such option {option}; did you mean {close}?")
        raise UsageError(message.format(option=spelled, close=by_name[close[0]]))
    # otherwise a binding of a name the expression lacks: resolve() says which names it has


def _stray_message(args: list[str], word: str, position: int, expression: str) -> str:
    """A word that is no binding; right after EXPR it is most likely the rest of an unquoted expression."""
    if position == 0 and expression and _OPERATOR.search(word):
        rest = next((i for i, w in enumerate(args) if _FLAG.fullmatch(w) or _WITH_VALUE.fullmatch(w)), len(args))
        quoted = " ".join([f'"{expression} {" ".join(args[:rest])}"', *args[rest:]])
        return _("unexpected argument {word!r}: an expression with spaces must be quoted, as in backprop grad {quoted}").format(
            word=word, quoted=quoted
        )
    message = _("unexpected argument {word!r}: bind variables as -x 2, --x=2 or x=2 (the expression comes first)")
    return message.format(word=word)


def parse_value(name: str, text, subject: str | None = None):
    """A binding's value: a float, or for an array (vector mode) nested lists of floats.

    ``subject`` names it in errors ("value of x" by default; --expect says "the value").
    """
    subject = subject or _("value of {name}").format(name=name)
    if isinstance(text, bool):
        raise UsageError(_("{subject} is not a number: {text!r}").format(subject=subject, text=text))
    if isinstance(text, int):
        return _int_to_float(text)
    if isinstance(text, float):
        return text
    number = parse_number(text) if isinstance(text, str) else None
    if number is not None:
        return number
    if isinstance(text, str) and text.lstrip().startswith("["):
        text = _json_array(subject, text)
    if isinstance(text, list):
        return _array(subject, text)
    raise UsageError(_("{subject} is not a number: {text!r}").format(subject=subject, text=text) + number_hint(text))


def _json_array(subject: str, text: str) -> list:
    try:
        return json.loads(text, parse_int=_json_integer)  # JSON, never Python: no code runs
    except json.JSONDecodeError as error:
        message = _("{subject} is not a valid array: {reason} (write it like [[0.1, 0.5], [-0.3, 0.8]])")
        raise UsageError(message.format(subject=subject, reason=error.msg)) from None


def _json_integer(text: str):
    """A JSON integer; a long one is read as a float (±inf past 1e308, as the number 1e400 is),
    because Python's int() refuses over 4,300 digits and a float of a huge int overflows."""
    return int(text) if len(text) < 300 else float(text)


def _int_to_float(number: int) -> float:
    """An integer too large for a float is ±inf, as the literal 1e400 is."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf  # copysign would convert the int to a float, and overflow


_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"})
# 0,5 and 2,25 are decimals; 1,000 may be a thousand: no guess
_COMMA_DECIMAL = re.compile(r"\s*[+-]?(?:0?,\d+|\d+,(?!\d{3}\s*$)\d+)\s*")


def number_hint(text) -> str:
    """What a number written by another habit means: U+2212's minus, a comma decimal, other scripts' digits."""
    if not isinstance(text, str):
        return ""
    for fixed in (text.translate(_MINUS_SIGNS), text.replace(",", ".") if _COMMA_DECIMAL.fullmatch(text) else text):
        if fixed != text and parse_number(fixed) is not None:
            return _(" (did you mean {number}?)").format(number=fixed.strip())
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        return _(" (write numbers with the digits 0-9)")
    return ""


def _array(subject: str, rows: list) -> list:
    """Nested lists of numbers, rectangular; checked here so NumPy sees only clean data."""
    shape: list[int] = []
    level = rows
    while isinstance(level, list):
        shape.append(len(level))
        level = level[0] if level else None
    flat = [rows]
    for depth, size in enumerate(shape):
        next_level = []
        for item in flat:
            if not isinstance(item, list) or len(item) != size:
                message = _("{subject} is not a rectangular array (at depth {depth})")
                raise UsageError(message.format(subject=subject, depth=depth + 1))
            next_level.extend(item)
        flat = next_level
    for item in flat:
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            raise UsageError(_("{subject} has a non-number element: {item!r}").format(subject=subject, item=item))
    if not shape or 0 in shape:
        raise UsageError(_("{subject} is an empty array").format(subject=subject))
    return rows


def is_array(value) -> bool:
    """True for a vector-mode value (nested lists, or a NumPy array from a .npz file)."""
    return not isinstance(value, float)


def load_bindings_file(path: str) -> dict:
    """Read a JSON object ``{"x": -2, "W": [[...]]}``, or the arrays of a NumPy ``.npz`` file."""
    if path.endswith(".npz"):
        return load_npz(path)
    text = read_text_file(path, _("bindings file {path}").format(path=path))
    try:
        data = json.loads(text, parse_int=_json_integer, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as error:
        message = _("bindings file {path} is not valid JSON: {reason} (line {line})")
        raise UsageError(message.format(path=path, reason=error.msg, line=error.lineno)) from None
    if not isinstance(data, dict):
        raise UsageError(_('bindings file {path} must hold a JSON object like {{"x": -2}}').format(path=path))
    return {str(name): parse_value(str(name), value) for name, value in data.items()}


def _refuse_duplicates(pairs: list[tuple]) -> dict:
    twice = repeated_key(key for key, _ in pairs)
    if twice is not None:
        raise UsageError(_("variable {name} is bound twice in the bindings file").format(name=twice))
    return dict(pairs)


def resolve(variables: list[str], given: dict) -> dict:
    """Check the bindings against the expression's variables: none missing, none unknown."""
    for name in given:
        if name not in variables:
            raise UsageError(_unknown_message(name, variables))
    missing = [name for name in variables if name not in given]
    if missing:
        how = " ".join(f"-{name} VALUE" for name in missing)
        message = ngettext(
            "no value for variable {names}: pass {how} (or {first}=VALUE)",
            "no value for variables {names}: pass {how} (or {first}=VALUE)",
            len(missing),
        )
        raise UsageError(message.format(names=", ".join(missing), how=how, first=missing[0]))
    return given


def _unknown_message(name: str, variables: list[str]) -> str:
    if not variables:
        return _("{name} is bound but the expression has no variables").format(name=name)
    close = get_close_matches(name, variables, n=1, cutoff=0.5)
    if close:
        hint = _("did you mean {name}?").format(name=close[0])
    else:
        hint = _("its variables are {names}").format(names=", ".join(variables))
    return _("{name} is bound but is not a variable of the expression; {hint}").format(name=name, hint=hint)


def read_expression(argument: str, stdin) -> str:
    """EXPR as given, ``@PATH`` read from a file, or ``-`` read from standard input."""
    if argument == "-":
        return read_text_stream(stdin, _("standard input"))
    if argument.startswith("@"):
        path = argument[1:]
        return read_text_file(path, _("expression file {path}").format(path=path))
    return argument
