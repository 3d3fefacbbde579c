"""What ``batch`` writes its rows with, and the one line an I/O failure becomes.

Where the output goes and how it gets there without damaging anything (a temporary
``.backprop-batch-*.part`` file put in place only when the run succeeds, an output that
is the input refused, signals that remove the temporary files) is ``render.files``.
"""

from __future__ import annotations

import csv
import errno
import os
import re

from ..i18n import N_, _
from ..render import files

PREFIX = ".backprop-batch-"
REFUSAL = N_(
    "--output {path} is the input file ({name}): "
    "it would be replaced (with --skip-bad, without its bad rows); write to another file"
)
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def output_target(destination: str | None, input_path: str, stdin, stdout) -> files.Target:
    """The checked destination of ``--output`` (``render.files.output_target``): not the input."""
    return files.output_target(destination, [input_path], stdin, stdout, _(REFUSAL))


def spool(target: files.Target) -> files.Spool:
    """A temporary file for the rows, put in place by ``commit`` when the run succeeds."""
    return files.Spool(target, PREFIX)


class CsvWriter:
    def __init__(self, stream, header: list[str]) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(header)

    def write_many(self, rows) -> None:
        self.writer.writerows(rows)


def failure_message(error: OSError) -> str:
    """One line for an OSError met while the rows were read or written."""
    number = error.errno or _errno_in_text(str(error))  # polars passes some on as text only
    text = os.strerror(number) if number else str(error) or type(error).__name__
    if number in _FULL:
        return _("cannot write the output: {reason} (nothing written)").format(reason=text)
    if error.filename:
        return _("input/output error ({path}): {reason} (nothing written)").format(path=error.filename, reason=text)
    return _("input/output error: {reason} (nothing written)").format(reason=text)


def _errno_in_text(text: str) -> int | None:
    found = re.search(r"\[Errno (\d+)\]|\(os error (\d+)\)", text)
    return int(found.group(1) or found.group(2)) if found else None
