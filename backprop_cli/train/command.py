"""``backprop train``: a request from the command line run end to end (load, prepare,
check, train, save, report), and the ``--save``/``--load`` file of a run.

``train/training.py`` does the training; ``train/output.py`` shows it; this module calls both.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from ..errors import UsageError
from ..i18n import _
from . import network, output, saved_runs, training


@dataclass
class TrainRequest:
    """Everything the ``train`` command line asked for (None: the default)."""

    options: dict = field(default_factory=dict)  # TrainConfig fields given on the command line
    gradcheck: bool = False
    save: str | None = None
    load: str | None = None
    json: bool = False
    plot: str | None = None


def run_train(request: TrainRequest, stdout=None) -> None:
    """Run one ``train`` request; raises BackpropError subclasses for the exit code."""
    stdout = stdout or sys.stdout
    target = saved_runs.destination(request.save) if request.save is not None else None  # before a long run, not after
    loaded_config, loaded_weights, done = load(request.load) if request.load is not None else (None, None, 0)
    config = training.resolve_config(request.options, loaded_config)
    config, data, weights = training.prepare(config, loaded_weights)
    report = training.gradient_check(config, data, weights) if request.gradcheck else None
    with output.progress(config.steps) as callback:
        result = training.train(config, data, weights, callback)
    result.start_step, result.gradcheck = done, report
    if target is not None:
        save(target, result)
    if request.plot:
        output.write_plot(request.plot, result)
    if request.json:
        stdout.write(json.dumps(output.json_document(result)) + "\n")
    else:
        stdout.write("\n".join(output.summary_lines(result)) + "\n")
    stdout.flush()
    training.check_gradcheck(report)


def save(path: str, result: training.TrainResult) -> None:
    """Weights, configuration and loss history in one .npz file (``path`` ends in .npz)."""
    meta = {"config": asdict(result.config), "steps_done": result.start_step + len(result.losses)}
    saved_runs.save(path, {"losses": np.array(result.losses, dtype=np.float64), **result.weights.named()}, meta)
    result.saved = path


def load(path: str) -> tuple[training.TrainConfig, network.Weights, int]:
    """A run saved by ``save``: its configuration, weights and step count, every part checked."""
    meta, arrays = saved_runs.load(path, training.MAX_ELEMENTS)
    where = _("cannot load {path}: {reason}").format(path=path, reason="meta")
    config, done = _config_from_meta(meta, where)
    recorded = len(arrays.pop("losses"))  # saved_runs.load insists on it
    if not recorded <= done <= training.MAX_SAVED_STEPS:  # a run records one loss per step of its own
        message = _(
            "{where}: steps_done is {done}, but the file holds {recorded} losses "
            "(steps_done must be at least that and at most {limit})"
        )
        numbers = {"done": f"{done:,}", "recorded": f"{recorded:,}", "limit": f"{training.MAX_SAVED_STEPS:,}"}
        raise UsageError(message.format(where=where, **numbers))
    try:
        training.validate_config(config)
    except UsageError as error:  # name the file: the user did not type this value
        raise UsageError(f"{where}: {error.message}") from None
    return config, network.Weights(**arrays), done


def _config_from_meta(meta: object, where: str) -> tuple[training.TrainConfig, int]:
    """The TrainConfig and step count in a saved run's meta, each field's type checked."""
    if not isinstance(meta, dict) or set(meta) != {"config", "steps_done"}:
        raise UsageError(_("{where} must be a JSON object with exactly config and steps_done").format(where=where))
    config, done = meta["config"], meta["steps_done"]
    if type(done) is not int or done < 0:
        raise UsageError(_("{where}: steps_done must be a whole number, got {got}").format(where=where, got=f"{done!r:.40}"))
    if not isinstance(config, dict):
        raise UsageError(_("{where}: config must be a JSON object").format(where=where))
    kinds = {field_.name: field_.type for field_ in fields(training.TrainConfig)}
    unknown, missing = sorted(set(config) - set(kinds)), sorted(set(kinds) - set(config))
    if unknown or missing:
        if unknown:
            message = _("{where}: config has an unknown field {name!r}").format(where=where, name=unknown[0])
        else:
            message = _("{where}: config has no field {name!r}").format(where=where, name=missing[0])
        raise UsageError(message)
    for name, kind in kinds.items():
        if not _has_type(config[name], kind):
            message = _("{where}: config.{name} must be {kind}, got {got}")
            kind_words = kind.replace(" | None", _(" or null"))
            raise UsageError(message.format(where=where, name=name, kind=kind_words, got=f"{config[name]!r:.40}"))
    return training.TrainConfig(**config), done


def _has_type(value: object, kind: str) -> bool:
    """Does a JSON value fit a TrainConfig annotation (``int``, ``float | None``, ...)?"""
    if value is None:
        return kind.endswith("| None")
    if kind.startswith("int"):
        return type(value) is int
    if kind.startswith("float"):
        return type(value) in (int, float)
    return isinstance(value, str)
