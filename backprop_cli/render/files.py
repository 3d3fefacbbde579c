"""Writing an output file without damaging anything (``batch --output``, ``mark --output``).

The output is written to a private temporary file (``.backprop-<command>-*.part``) and put
in place only when the run succeeds, so an interrupted or failed run never leaves a
file that looks complete and never clobbers the previous one:

- a regular file or a new name: the temporary file sits beside it and is renamed over
  it (atomic); an existing file keeps its permission bits (and, where allowed, its owner
  and group). A symbolic link is followed: its target is what gets replaced, the link stays.
- anything else (a device such as ``/dev/null``, a FIFO): the result is written through
  to it (appended, as ``cat >> FILE`` does), never replaced; an open descriptor
  (``/dev/stdout``, ``/dev/fd/3``) is written on itself.
- no destination (or ``-``): copied to standard output at the end.

An output that is one of the run's input files (the same file, also through a link) is
refused before anything is read. While a run is on, a signal that ends the process
(SIGTERM, SIGHUP, SIGINT, ...) removes the temporary files first, then exits with 128 +
the signal's number (``errors.signal_exit_code``: 130 for Ctrl-C).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import ExitCode, UsageError, signal_exit_code
from ..i18n import N_, _
from ..inputs.files import os_reason

_TEMPORARY: set[str] = set()  # files to remove if a signal ends the run
_ENDING_SIGNALS = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF", "SIGXCPU")


def temporary_folder() -> str:
    return tempfile.gettempdir()


def temporary_file(folder: str, suffix: str, prefix: str = ".backprop-") -> tuple[str, int]:
    """A new private file in ``folder`` and its descriptor, removed if a signal ends the run.

    The name is registered before the file is made, so no signal can come between the
    two and leave it behind."""
    for _attempt in range(100):
        path = os.path.join(folder, prefix + secrets.token_hex(6) + suffix)
        _TEMPORARY.add(path)
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        except FileExistsError:
            _TEMPORARY.discard(path)
        except OSError as error:
            _TEMPORARY.discard(path)
            message = _("cannot create a temporary file in {folder}: {reason}")
            raise UsageError(message.format(folder=folder, reason=os_reason(error))) from None
    raise UsageError(_("cannot create a temporary file in {folder}: too many names taken").format(folder=folder))


def remove_temporary(path: str) -> None:
    _TEMPORARY.discard(path)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@contextmanager
def removed_on_signals():
    """While the block runs, a signal that would end the process removes the temporary
    files, says so in one line and exits 128 + its number. Signals that were ignored
    when the process started (``nohup``, a background job's SIGINT) stay ignored."""
    installed = {}
    try:
        for name in _ENDING_SIGNALS:
            number = getattr(signal, name, None)
            if number is not None and signal.getsignal(number) not in (signal.SIG_IGN, None):
                installed[number] = signal.signal(number, _on_signal)
    except ValueError:  # not the main thread (an API caller's worker): leave signals alone
        pass
    try:
        yield
    finally:
        for number, previous in installed.items():
            signal.signal(number, previous)


def _on_signal(number: int, frame) -> None:
    for path in list(_TEMPORARY):
        try:
            os.unlink(path)
        except OSError:
            pass
    message = _("interrupted by {signal}; no output written").format(signal=signal.Signals(number).name)
    os.write(2, f"backprop: {message}\n".encode())
    os._exit(signal_exit_code(number))


@dataclass
class Target:
    """The resolved destination: ``kind`` is stdout, replace (a regular or a new file) or through."""

    kind: str
    path: str | None = None
    shown: str = N_("standard output")  # a path as the user wrote it, else translated where shown

    def name(self) -> str:
        """The destination as a message names it, in the run's language."""
        return _(self.shown) if self.kind == "stdout" else self.shown

    descriptor: int | None = None  # /dev/stdout, /dev/fd/N: written on the open descriptor itself


def output_target(destination: str | None, inputs: list[str], stdin, stdout, refusal: str, option: str = "--output") -> Target:
    """Check the destination before any work: not a directory, not one of the ``inputs``
    (paths, or - for standard input). ``refusal``: the message, with {path} and {name}, that
    refuses an output that is an input; ``option``: the option that names the destination."""
    sources = {_identity(path, stdin): path for path in inputs}
    sources.pop(None, None)  # not a regular file: nothing to overwrite
    if destination == "":
        # the option's name is never translated: the --output messages serve every option
        raise UsageError(_("--output needs a file name (or - for standard output)").replace("--output", option))
    if destination in (None, "-"):
        same = sources.get(_descriptor_identity(stdout))
        if same is not None:
            message = _("standard output is the input file ({name}): write to another file")
            raise UsageError(message.format(name=_input_name(same)))
        return Target("stdout")
    try:
        status = os.stat(destination)  # through every symbolic link to the file itself
    except FileNotFoundError:
        status = None  # a new file, or a link to one that does not exist yet
        folder = os.path.dirname(os.path.realpath(destination))
        if not os.path.isdir(folder):  # said now, not after the work
            reason = os.strerror(errno.ENOENT) if not os.path.exists(folder) else os.strerror(errno.ENOTDIR)
            raise UsageError(_("cannot write {what}: {reason}").format(what=destination, reason=reason)) from None
    except OSError as error:
        raise UsageError(_("cannot write {what}: {reason}").format(what=destination, reason=os_reason(error))) from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise UsageError(_("--output {path} is a directory: name a file").replace("--output", option).format(path=destination))
    same = sources.get((status.st_dev, status.st_ino)) if status is not None and stat.S_ISREG(status.st_mode) else None
    if same is not None:
        raise UsageError(refusal.format(path=destination, name=_input_name(same)))
    descriptor = _descriptor_named(destination)
    if status is not None and (descriptor is not None or not stat.S_ISREG(status.st_mode)):
        return Target("through", destination, destination, descriptor)
    return Target("replace", os.path.realpath(destination), destination)


def _descriptor_named(path: str) -> int | None:
    """N for /dev/fd/N, /proc/self/fd/N, /dev/stdout (1), /dev/stderr (2): an open descriptor.

    It is written on as it is (the same offset as the shell's ``>`` or ``>>``); opened
    again by name, a regular file behind it would be written from another offset."""
    found = re.fullmatch(r"/dev/fd/(\d+)|/proc/self/fd/(\d+)|/dev/(stdout|stderr)", os.path.abspath(path))
    if found is None:
        return None
    return {"stdout": 1, "stderr": 2}.get(found.group(3)) or int(found.group(1) or found.group(2))


def _identity(input_path: str, stdin):
    """(device, inode) of the input if it is a regular file, else None."""
    if input_path == "-":
        return _descriptor_identity(stdin)
    try:
        status = os.stat(input_path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def _descriptor_identity(stream):
    try:
        status = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):  # a StringIO, a closed stream
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def _input_name(input_path: str) -> str:
    return _("standard input") if input_path == "-" else input_path


class Spool:
    """Output written to a temporary file (``prefix``: the command's, as ``.backprop-batch-``),
    put in place only by ``commit``."""

    def __init__(self, target: Target, prefix: str) -> None:
        self.target = target
        replacing = target.kind == "replace"
        self.folder = os.path.dirname(target.path) if replacing else temporary_folder()
        try:
            self.path, handle = temporary_file(self.folder, ".part", prefix)
        except UsageError as error:
            raise UsageError(_("cannot write {what}: {reason}").format(what=target.name(), reason=error.message)) from None
        # private (0600) until it is in place; a lone surrogate from a JSON escape is written as the text \udxxx
        self.stream = os.fdopen(handle, "w", newline="", encoding="utf-8", errors="backslashreplace")

    def commit(self, stdout=None) -> None:
        """Put the output in place: rename it over the file, write it through, or copy it to stdout."""
        try:
            self.stream.close()
            if self.target.kind == "replace":
                self._replace()
            elif self.target.kind == "through":
                self._write_through(stdout or sys.stdout)
            else:
                _copy_to(self.path, stdout or sys.stdout)
        except BrokenPipeError:  # `batch ... | head`: the reader has all it wants; end quietly, as SIGPIPE would
            remove_temporary(self.path)
            os._exit(ExitCode.PIPE_CLOSED)
        except OSError as error:
            message = _("cannot write {what}: {reason}")
            raise UsageError(message.format(what=self.target.name(), reason=os_reason(error))) from None
        finally:
            remove_temporary(self.path)

    def _write_through(self, stdout) -> None:
        if self.target.descriptor is not None:
            if self.target.descriptor == 1:
                stdout.flush()  # what was printed comes first
            sink = os.fdopen(os.dup(self.target.descriptor), "wb")
        else:
            sink = open(self.target.path, "ab")
        with open(self.path, "rb") as spooled, sink:
            shutil.copyfileobj(spooled, sink, 1 << 20)

    def _replace(self) -> None:
        try:
            current = os.stat(self.target.path)
        except FileNotFoundError:
            current = None
        if current is not None and stat.S_ISREG(current.st_mode):
            if (current.st_uid, current.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.chown(self.path, current.st_uid, current.st_gid)
                except OSError:
                    pass  # only root may give a file away: it becomes ours, as with any editor
            os.chmod(self.path, stat.S_IMODE(current.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.path, 0o666 & ~umask)  # a new file: the usual mode
        os.replace(self.path, self.target.path)

    def reset(self) -> None:
        """Forget what was written so far (the fast engine gave the input back)."""
        self.stream.seek(0)
        self.stream.truncate()

    def discard(self) -> None:
        try:
            self.stream.close()
        except OSError:
            pass  # a full disk: the buffered rest cannot be written, and is not wanted
        remove_temporary(self.path)


def write_whole(target: Target, prefix: str, write, stdout=None) -> None:
    """``write(stream)`` into a ``Spool``, put in place only when it returns; removed if it raises."""
    spool = Spool(target, prefix)
    try:
        write(spool.stream)
        spool.commit(stdout)
    except BaseException:
        spool.discard()
        raise


def _copy_to(path: str, stdout) -> None:
    binary = getattr(stdout, "buffer", None)  # bytes as they are: no decoding and encoding again
    with open(path, "rb" if binary else "r", newline=None if binary else "") as spooled:
        stdout.flush()
        shutil.copyfileobj(spooled, binary or stdout, 1 << 20)
    (binary or stdout).flush()
