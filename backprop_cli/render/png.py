"""PNG plots through matplotlib (the optional ``plot`` extra), shared by ``train --plot``,
``perceptron --plot`` and ``ops --plot-file``: one way to find matplotlib, one way to save.

matplotlib is imported only when a plot is asked for, on the Agg backend (no display).
"""

from __future__ import annotations

from contextlib import contextmanager

from ..errors import UsageError
from ..i18n import _
from ..inputs.files import os_reason


def pyplot(option: str):
    """matplotlib's pyplot on the Agg backend, or exit 2 saying how to install it (``option``:
    the option that asked for the plot, as the message names it)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        # the option's name is never translated: the --plot message serves every option
        message = _("--plot needs matplotlib: pip install 'backprop-cli[plot]' (or pip install matplotlib)")
        raise UsageError(message.replace("--plot", option, 1)) from None
    return plt


@contextmanager
def figure_to(path: str, option: str, size: tuple[float, float]):
    """A new figure and its axes to draw on; written to ``path`` as a PNG when the block ends
    (an unwritable path: exit 2), and closed whatever happens."""
    plt = pyplot(option)
    figure, axes = plt.subplots(figsize=size)
    try:
        yield figure, axes
        try:
            figure.savefig(path, dpi=100, bbox_inches="tight")
        except OSError as error:
            raise UsageError(_("cannot write plot {path}: {reason}").format(path=path, reason=os_reason(error))) from None
    finally:
        plt.close(figure)
