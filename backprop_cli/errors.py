"""User-facing errors and the exit codes they become (SPEC §6).

Every error a user can cause derives from :class:`BackpropError`; the CLI turns it
into one message on stderr and its exit code in exactly one place (``cli.py``).
"""

from __future__ import annotations

from enum import IntEnum

from .i18n import N_, _

# A process ended by signal N exits 128 + N, as the shell reports it.
SIGNAL_BASE = 128


class ExitCode(IntEnum):
    """Every exit code the program returns (docs/reference.md lists exactly these)."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2
    NON_FINITE = 3
    INTERNAL_ERROR = 70  # a bug, not bad input (sysexits' EX_SOFTWARE)
    INTERRUPTED = SIGNAL_BASE + 2  # Ctrl-C (SIGINT)
    PIPE_CLOSED = SIGNAL_BASE + 13  # the reader of stdout went away (SIGPIPE), as cat or grep


def signal_exit_code(number: int) -> int:
    """The exit code of a process ended by signal ``number`` (batch's SIGTERM gives 143)."""
    return SIGNAL_BASE + number


class BackpropError(Exception):
    """Base class of every error meant for the user, not for a traceback."""

    exit_code = ExitCode.BAD_INPUT
    prefix = N_("error: ")  # after "backprop: " on stderr (translated there); a failed check is a result and has none

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def render(self) -> str:
        """The text printed on stderr (without the ``backprop: error:`` prefix)."""
        return self.message


class UsageError(BackpropError):
    """Bad options, bindings or values (exit 2)."""


class ExpressionError(BackpropError):
    """The expression text is malformed; carries the position to point at."""

    def __init__(self, message: str, source: str, position: int) -> None:
        super().__init__(message)
        self.source = source
        self.position = position

    def render(self) -> str:
        """The message, then the offending line with a caret under the position."""
        line_start = self.source.rfind("\n", 0, self.position) + 1
        line_end = self.source.find("\n", self.position)
        if line_end == -1:
            line_end = len(self.source)
        line = self.source[line_start:line_end]
        column = self.position - line_start
        # Very long generated expressions: show a window around the caret only.
        if len(line) > 100:
            lo = max(0, column - 50)
            prefix = "..." if lo else ""
            line = prefix + line[lo : lo + 100]
            column = column - lo + len(prefix)
        where = _("column {column}").format(column=self.position - line_start + 1)
        if "\n" in self.source:
            where = _("line {line}, {column}").format(line=self.source.count(chr(10), 0, self.position) + 1, column=where)
        return f"{self.message} ({where})\n  {line}\n  {' ' * column}^"


class NonFiniteError(BackpropError):
    """A value or gradient became inf or nan (exit 3)."""

    exit_code = ExitCode.NON_FINITE


class CheckFailed(BackpropError):
    """A check the user asked for (``--expect``, ``--check``) did not hold (exit 1).

    Shown as a result, ``backprop: 1 check failed``, not as an error of the command line.
    """

    exit_code = ExitCode.CHECK_FAILED
    prefix = ""
