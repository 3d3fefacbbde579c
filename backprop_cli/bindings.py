"""Variable bindings from the command line and from ``--bindings FILE`` (SPEC §1).

Accepted forms: ``-x -2``, ``--x -2``, ``--x=-2``, ``-x=-2``, ``x=-2``; a single
dash before a multi-letter name is one variable (``-w0 2``), and a value that
starts with a minus sign is always a value.
"""

from __future__ import annotations

import json
import re
from difflib import get_close_matches
from pathlib import Path

from .errors import UsageError

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_WITH_VALUE = re.compile(rf"--?({_NAME})=(.*)", re.DOTALL)
_FLAG = re.compile(rf"--?({_NAME})")
_ASSIGNMENT = re.compile(rf"({_NAME})=(.*)", re.DOTALL)
_NUMBER = re.compile(r"\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)\s*", re.IGNORECASE)


def parse_binding_args(args: list[str]) -> dict[str, float]:
    """Turn the command line's binding words into ``{name: value}``."""
    bindings: dict[str, float] = {}
    words = iter(args)
    for word in words:
        match = _WITH_VALUE.fullmatch(word) or _ASSIGNMENT.fullmatch(word)
        if match:
            name, text = match.groups()
        elif _FLAG.fullmatch(word):
            name = _FLAG.fullmatch(word).group(1)
            text = next(words, None)
            if text is None:
                raise UsageError(f"{word} needs a value, e.g. {word} 2")
        else:
            raise UsageError(f"unexpected argument {word!r}: bind variables as -x 2, --x=2 or x=2 (the expression comes first)")
        if name in bindings:
            raise UsageError(f"variable {name} is bound twice")
        bindings[name] = parse_value(name, text)
    return bindings


def parse_value(name: str, text) -> float:
    """A binding's value as a float; a clear error for anything else."""
    if isinstance(text, bool):
        raise UsageError(f"value of {name} is not a number: {text!r}")
    if isinstance(text, (int, float)):
        return float(text)
    if isinstance(text, str) and _NUMBER.fullmatch(text):
        return float(text)
    if isinstance(text, (list, str)) and str(text).lstrip().startswith("["):
        raise UsageError(f"value of {name} is an array: vector mode is not available in this version")
    raise UsageError(f"value of {name} is not a number: {text!r}")


def load_bindings_file(path: str) -> dict[str, float]:
    """Read a JSON object ``{"x": -2, ...}``."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as error:
        raise UsageError(f"cannot read bindings file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"bindings file {path} is not valid JSON: {error.msg} (line {error.lineno})") from None
    if not isinstance(data, dict):
        raise UsageError(f'bindings file {path} must hold a JSON object like {{"x": -2}}')
    return {str(name): parse_value(str(name), value) for name, value in data.items()}


def resolve(variables: list[str], given: dict[str, float]) -> dict[str, float]:
    """Check the bindings against the expression's variables: none missing, none unknown."""
    for name in given:
        if name not in variables:
            raise UsageError(_unknown_message(name, variables))
    missing = [name for name in variables if name not in given]
    if missing:
        how = " ".join(f"-{name} VALUE" for name in missing)
        noun = "variable" if len(missing) == 1 else "variables"
        raise UsageError(f"no value for {noun} {', '.join(missing)}: pass {how} (or {missing[0]}=VALUE)")
    return given


def _unknown_message(name: str, variables: list[str]) -> str:
    if not variables:
        return f"{name} is bound but the expression has no variables"
    close = get_close_matches(name, variables, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]}?" if close else f"its variables are {', '.join(variables)}"
    return f"{name} is bound but is not a variable of the expression; {hint}"


def read_expression(argument: str, stdin) -> str:
    """EXPR as given, ``@PATH`` read from a file, or ``-`` read from standard input."""
    if argument == "-":
        return stdin.read()
    if argument.startswith("@"):
        path = argument[1:]
        try:
            return Path(path).read_text()
        except OSError as error:
            raise UsageError(f"cannot read expression file {path}: {error.strerror}") from None
    return argument
