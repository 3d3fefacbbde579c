"""Writing a class's results CSV without damaging anything, as ``batch --output`` does.

``render.files`` does the work: the destination is checked before any sheet is read
(not a directory, never one of the files the run reads: a sheet or the key file, also
through a link); a regular file (or a new name) is written as a private temporary
``.backprop-mark-*.part`` beside it and renamed over it only when complete; a device or
FIFO (``/dev/null``) is written through; no ``--output`` (or ``-``) is standard output.
A signal that ends the run removes the temporary file (``files.removed_on_signals``).
"""

from __future__ import annotations

import csv

from ..i18n import N_, _
from ..render import files

PREFIX = ".backprop-mark-"
REFUSAL = N_("--output {path} is an input of this run ({name}): it would be replaced; write to another file")


def output_target(destination: str | None, inputs: list[str], stdin, stdout) -> files.Target:
    """The checked destination of ``--output``: not a directory, not one of the ``inputs``."""
    return files.output_target(destination, inputs, stdin, stdout, _(REFUSAL))


def write_rows(target: files.Target, header, rows: list[list[str]], stdout) -> None:
    """The CSV (``header``, then ``rows``) to ``target``: stdout, written through, or replaced atomically."""
    if target.kind == "stdout":
        _write_csv(stdout, header, rows)
        return
    files.write_whole(target, PREFIX, lambda stream: _write_csv(stream, header, rows), stdout)


def _write_csv(stream, header, rows: list[list[str]]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
