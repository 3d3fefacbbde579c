"""What stdout can show: an ASCII fallback for our own symbols, and a closed pipe.

``PYTHONIOENCODING=ascii`` (or an old C locale) gives a stdout that cannot
encode ∂, × or box lines. The tables and trees are for people, so their own
symbols are written in ASCII instead (∂ as d, box lines as -, |, +) rather than
failing; any other character that cannot be encoded still raises, and ``cli.main``
turns that into one clear line (exit 2). ``--json`` escapes non-ASCII instead
(``render.json_document``), so its data is never altered.
"""

from __future__ import annotations

import codecs
import os
import sys

HANDLER = "backprop-ascii"

# One character for one, where alignment matters (tables, tree guides, plots).
_ASCII = {
    "∂": "d",
    "×": "x",
    "·": "*",
    "⊙": "*",
    "σ": "s",
    "π": "p",
    "–": "-",
    "—": "-",
    "…": ".",
    "─": "-",
    "━": "-",
    "│": "|",
    "┃": "|",
    "├": "|",
    "┤": "|",
    "└": "`",
    "┘": "'",
    "┌": "+",
    "┐": "+",
    "┬": "+",
    "┴": "+",
    "┼": "+",
    "▁": "_",
    "▂": ".",
    "▃": ":",
    "▄": "-",
    "▅": "=",
    "▆": "+",
    "▇": "*",
    "█": "#",
}
# Wider, where a single character would mislead.
_ASCII_WORDS = {"→": "->", "ᵀ": "^T", "≤": "<=", "≥": ">="}


class OutputClosed(Exception):
    """Whoever read stdout stopped reading (``backprop ... | head -1``): stop quietly.

    Not an OSError, so the command-line framework lets it reach ``cli.main``.
    """


def can_encode(stream, sample: str = "∂─×") -> bool:
    """True when ``stream`` can write our non-ASCII symbols as they are."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        sample.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _to_ascii(error: UnicodeError):
    if not isinstance(error, UnicodeEncodeError):
        raise error
    replaced = []
    for char in error.object[error.start : error.end]:
        ascii_text = _ASCII.get(char) or _ASCII_WORDS.get(char)
        if ascii_text is None:
            raise error  # not one of ours: cli.main says the output cannot be shown
        replaced.append(ascii_text)
    return "".join(replaced), error.end


def ascii_fallback(stream=None) -> None:
    """Write our own symbols in ASCII when stdout's encoding cannot show them."""
    stream = stream or sys.stdout
    if can_encode(stream) or not hasattr(stream, "reconfigure"):
        return
    try:
        codecs.lookup_error(HANDLER)
    except LookupError:
        codecs.register_error(HANDLER, _to_ascii)
    stream.reconfigure(errors=HANDLER)


def silence_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests): nothing to flush
        pass


def write_lines(stream, lines, block: int = 2048, size: int = 1 << 18) -> None:
    """Write lines ``block`` (or about ``size`` characters) at a time.

    A 200,000-line output never sits in memory as one string, and a reader
    that stops early is noticed at the next write instead of after the last.
    """
    chunk: list[str] = []
    length = 0
    for line in lines:
        chunk.append(line)
        length += len(line)
        if len(chunk) >= block or length >= size:
            stream.write("\n".join(chunk) + "\n")
            chunk.clear()
            length = 0
    if chunk:
        stream.write("\n".join(chunk) + "\n")
    stream.flush()
