"""Writing a class's results CSV without damaging anything (as ``batch --output`` does).

The destination is checked before any sheet is read: not a directory, and never one of
the files the run reads (a sheet or the key file, also through a link). A regular file
(or a new name) is written as a private temporary file beside it and renamed over it
only when complete, keeping an existing file's permission bits; a device or FIFO
(``/dev/null``) is written through; no ``--output`` (or ``-``) is standard output.
"""

from __future__ import annotations

import csv
import os
import stat
import tempfile

from ..errors import UsageError
from ..i18n import _
from ..inputs.files import os_reason


def check_destination(destination: str | None, inputs: list[str]) -> None:
    """Refuse, before any work, an output that is a directory or one of the ``inputs``."""
    if destination in (None, "-"):
        return
    if destination == "":
        raise UsageError(_("--output needs a file name (or - for standard output)"))
    try:
        status = os.stat(destination)
    except FileNotFoundError:
        return
    except OSError as error:
        raise UsageError(_("cannot write {what}: {reason}").format(what=destination, reason=os_reason(error))) from None
    if stat.S_ISDIR(status.st_mode):
        raise UsageError(_("--output {path} is a directory: name a file").format(path=destination))
    for path in inputs:
        try:
            same = path != "-" and os.path.samefile(path, destination)
        except OSError:
            same = False
        if same and stat.S_ISREG(status.st_mode):
            message = _("--output {path} is an input of this run ({name}): it would be replaced; write to another file")
            raise UsageError(message.format(path=destination, name=path))


def write_rows(destination: str | None, header, rows: list[list[str]], stdout) -> None:
    """The CSV (``header``, then ``rows``) to ``destination``: stdout, written through, or replaced atomically."""
    if destination in (None, "-"):
        _write_csv(stdout, header, rows)
        return
    try:
        status = os.stat(destination)
    except OSError:
        status = None
    try:
        if status is not None and not stat.S_ISREG(status.st_mode):
            with open(destination, "w", newline="", encoding="utf-8") as stream:
                _write_csv(stream, header, rows)
            return
        _replace(os.path.realpath(destination), status, header, rows)
    except OSError as error:
        raise UsageError(_("cannot write {what}: {reason}").format(what=destination, reason=os_reason(error))) from None


def _replace(path: str, status, header, rows) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".backprop-mark-", suffix=".part", dir=os.path.dirname(path))
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            _write_csv(stream, header, rows)
        if status is not None:
            os.chmod(temporary, stat.S_IMODE(status.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # a new file: the usual mode
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _write_csv(stream, header, rows: list[list[str]]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
