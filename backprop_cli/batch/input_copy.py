"""``batch``'s input as a regular file: the polars engine reads a path (and may read it
twice), so standard input, a pipe such as ``<(...)``, a FIFO or a device is copied to
a temporary file first, a line longer than the input limit refused on the way."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager

from .. import limits
from ..errors import UsageError
from ..i18n import _
from ..inputs.files import os_reason
from ..render import files
from . import output, rows_in


@contextmanager
def input_file(path: str, stdin, copy: bool):
    """The input as a path. With ``copy`` (the polars engine reads a file, and may need to
    read it twice), standard input and anything that is not a regular file (a pipe such as
    ``<(...)``, a FIFO, a device) are first copied to a temporary file."""
    if not copy or _is_regular_file(path):
        yield path
        return
    folder = files.temporary_folder()
    temporary, handle = files.temporary_file(folder, ".csv", output.PREFIX)
    try:
        try:
            with open(handle, "wb") as spooled:
                _copy(path, stdin, spooled)
        except OSError as error:
            if error.filename == path:
                raise UsageError(_("cannot read {what}: {reason}").format(what=path, reason=os_reason(error))) from None
            message = _("cannot copy the input to {folder}: {reason}")
            raise UsageError(message.format(folder=folder, reason=os_reason(error))) from None
        yield temporary
    finally:
        files.remove_temporary(temporary)


def _copy(path: str, stdin, spooled) -> None:
    """The input's bytes as they come (a pipe's rows are copied as they arrive, not per megabyte)."""
    if path == "-" and getattr(stdin, "buffer", None) is None:  # text already (tests, API callers)
        spooled.write(stdin.read().encode("utf-8", "surrogateescape"))
        return
    source = open(path, "rb", buffering=0) if path != "-" else None
    since_break = 0  # bytes since the last line break: /dev/zero must not fill the disk
    try:
        descriptor = source.fileno() if source is not None else stdin.buffer.fileno()
        while block := os.read(descriptor, 1 << 20):
            last_break = block.rfind(b"\n")
            since_break = len(block) - last_break - 1 if last_break >= 0 else since_break + len(block)
            if since_break > limits.MAX_INPUT_BYTES:
                raise UsageError(rows_in.too_long_message(path, None))
            spooled.write(block)
            spooled.flush()
    finally:
        if source is not None:
            source.close()


def _is_regular_file(path: str) -> bool:
    if path == "-":
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # let the reader say what is wrong with it
