"""``train``'s sizes, checked before anything is drawn: each array within the limit, loaded
weights that fit the data (the messages name the layer and the option to change)."""

from __future__ import annotations

from ..errors import UsageError
from ..i18n import N_, _
from .datasets import Dataset


def check_sizes(config, data: Dataset, max_elements: int) -> None:
    """Refuse, before anything is allocated, a network whose arrays exceed ``max_elements`` numbers."""
    rows, inputs, outputs, hidden = len(data.x_train), data.x_train.shape[1], data.outputs, config.hidden
    arrays = [
        ("w1", N_("inputs"), inputs, hidden),
        (N_("the hidden layer"), N_("rows"), rows, hidden),
        (N_("the output layer"), N_("rows"), rows, outputs),
        ("w2", N_("hidden"), hidden, outputs),
    ]
    for name, what, first, second in arrays:
        if first * second > max_elements:
            message = _(
                "{name} would hold {first} {what} × {second} = {product} numbers, "
                "more than the limit of {limit} (use a smaller --hidden or dataset)"
            )
            numbers = {
                "first": f"{first:,}",
                "second": f"{second:,}",
                "product": f"{first * second:,}",
                "limit": f"{max_elements:,}",
            }
            raise UsageError(message.format(name=_(name), what=_(what), **numbers))


def check_shapes(config, data: Dataset, weights) -> None:
    """Refuse loaded weights whose layers do not fit the data and --hidden."""
    expected = (data.x_train.shape[1], config.hidden, data.outputs)
    got = (weights.w1.shape[0], weights.w1.shape[1], weights.w2.shape[1])
    if expected != got:
        message = _("loaded weights are {got}, the data needs {expected}")
        raise UsageError(message.format(got="→".join(map(str, got)), expected="→".join(map(str, expected))))
