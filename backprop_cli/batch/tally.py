"""``batch``'s bookkeeping, shared by both engines: what happened to the rows (every
input row is either written or reported: rows in = rows out + rows reported), the
grading of ``--expect-columns``, and the exit code they give."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.finite import non_finite_rows
from ..errors import BackpropError, CheckFailed, ExitCode, NonFiniteError, UsageError
from ..i18n import _
from ..report.checks import within
from .layout import Layout


@dataclass
class Tally:
    """What happened to the rows, for the summary and the exit code."""

    rows_in: int = 0
    rows_out: int = 0
    bad: list[str] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    non_finite: int = 0
    first_non_finite: int | None = None


def count_non_finite(results: list[np.ndarray], lines, tally: Tally) -> bool:
    """Count the rows with an inf or nan result; True if there are any."""
    bad = non_finite_rows(results)
    if bad is None:
        return False
    tally.non_finite += int(bad.sum())
    if tally.first_non_finite is None:
        tally.first_non_finite = int(lines[int(np.argmax(bad))])
    return True


def grade(results: list[np.ndarray], expected: np.ndarray, layout: Layout, tol: float, tally: Tally) -> np.ndarray:
    """Per row: every expected cell within tol (relative, with an absolute floor)."""
    got = np.column_stack([results[layout.results.index(result)] for result in layout.expected])
    graded = ~np.isnan(expected)  # an empty cell
    ok = np.where(graded, within(got, expected, tol), True).all(axis=1)
    tally.passed += int(ok.sum())
    tally.failed += int((~ok).sum())
    return ok


def finish(tally: Tally, graded: bool, stderr) -> None:
    if graded:
        message = _("graded {total} rows: {passed} passed, {failed} failed")
        stderr.write(message.format(total=tally.passed + tally.failed, passed=tally.passed, failed=tally.failed) + "\n")
    problems: list[BackpropError] = []
    if tally.bad:
        message = _("{bad} bad row(s) reported; {written} of {total} rows written")
        problems.append(UsageError(message.format(bad=len(tally.bad), written=tally.rows_out, total=tally.rows_in)))
    if tally.non_finite:
        message = _("non-finite results in {count} row(s), the first at line {line}")
        problems.append(NonFiniteError(message.format(count=tally.non_finite, line=tally.first_non_finite)))
    if tally.failed:
        message = _("{failed} of {total} rows failed the expectations")
        problems.append(CheckFailed(message.format(failed=tally.failed, total=tally.passed + tally.failed)))
    if problems:
        raise min(problems, key=lambda p: _SEVERITY[p.exit_code])


_SEVERITY = {ExitCode.BAD_INPUT: 0, ExitCode.NON_FINITE: 1, ExitCode.CHECK_FAILED: 2}  # 2 over 3 over 1
