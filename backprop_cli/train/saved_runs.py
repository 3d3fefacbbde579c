"""``train --save`` and ``--load``: a run's weights, configuration and losses in one .npz.

A file given to ``--load`` is untrusted input. Before any array data is read, every
member's shape and dtype come from its .npy header (read through ``zipfile``), so a
small file that claims a huge array is refused at once; nothing is ever unpickled.
"""

from __future__ import annotations

import json
import math
import os
import stat
import zipfile
import zlib

import numpy as np

from ..errors import UsageError
from ..i18n import _
from ..inputs.files import UnsupportedNpy, npy_header, os_reason

REQUIRED = ("meta", "losses", "w1", "w2")
BIASES = ("b1", "b2")  # both or neither
WEIGHT_DTYPES = ("float64", "float32")
MAX_META_CHARS = 65_536  # the JSON of a configuration is a few hundred characters
# What a damaged archive raises from zipfile and its decompressors while reading.
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


def destination(path: str) -> str:
    """The file ``--save PATH`` writes (NumPy adds .npz unless PATH ends so), checked before training."""
    if not path:
        raise UsageError(_("--save needs a file name, e.g. --save run.npz"))
    final = path if path.endswith(".npz") else path + ".npz"
    if path.endswith(("/", os.sep)) or os.path.isdir(path) or os.path.isdir(final):
        message = _("--save {path}: is a directory; name a file in it, e.g. --save {example}")
        raise UsageError(message.format(path=path, example=os.path.join(path, "run.npz")))
    folder = os.path.dirname(final) or "."
    if not os.path.isdir(folder):
        raise UsageError(_("--save {path}: no such directory: {folder}").format(path=path, folder=folder))
    return final


def save(path: str, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write the arrays and the JSON ``meta`` to ``path`` (which ends in .npz)."""
    try:
        np.savez(path, meta=np.array(json.dumps(meta)), **arrays)
    except OSError as error:
        raise UsageError(_("cannot save to {path}: {reason}").format(path=path, reason=os_reason(error))) from None


def load(path: str, max_elements: int) -> tuple[object, dict[str, np.ndarray]]:
    """The parsed ``meta`` JSON and the arrays (losses, w1, w2 and maybe b1, b2) of a saved run."""
    _check_file(path)
    try:
        with zipfile.ZipFile(path) as archive:
            headers = _headers(path, archive, max_elements)
            arrays = {name: _read(archive, name) for name in headers}
    except UsageError:
        raise
    except _ARCHIVE_ERRORS as error:
        raise _error(path, _("damaged archive ({reason})").format(reason=error)) from None
    except ValueError as error:  # a .npy header or body that NumPy cannot parse
        raise _error(path, _("damaged array ({reason})").format(reason=error)) from None
    for name, array in arrays.items():
        if name in ("w1", "w2", *BIASES) and not np.all(np.isfinite(array)):
            message = _("{name} holds nan or inf (a run saved by train never does: a diverged run exits 3 unsaved)")
            raise _error(path, message.format(name=name))
    return _meta(path, arrays.pop("meta")), {name: arrays[name] for name in ("losses", "w1", "w2", *BIASES) if name in arrays}


def _error(path: str, reason: str) -> UsageError:
    return UsageError(_("cannot load {path}: {reason}").format(path=path, reason=reason))


def _check_file(path: str) -> None:
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise _error(path, _("is a directory"))
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device: opening it could block or never end
            raise _error(path, _("not a regular file"))
        with open(path, "rb") as handle:
            start = handle.read(6)
    except OSError as error:
        raise _error(path, os_reason(error)) from None
    if info.st_size == 0:
        raise _error(path, _("the file is empty"))
    if start == b"\x93NUMPY":
        raise _error(path, _("a single .npy array, not the .npz archive that train --save writes"))
    if not zipfile.is_zipfile(path):
        raise _error(path, _("not a .npz archive (truncated, or not a zip file)"))


def _headers(path: str, archive: zipfile.ZipFile, max_elements: int) -> dict[str, tuple[tuple, np.dtype]]:
    """Each member's shape and dtype from its .npy header; refuses a wrong set of members."""
    headers: dict[str, tuple[tuple, np.dtype]] = {}
    for info in archive.infolist():
        name = info.filename[:-4] if info.filename.endswith(".npy") else None
        if name not in (*REQUIRED, *BIASES):
            message = _("unexpected member {member!r} (expected {names} and optionally b1, b2)")
            raise _error(path, message.format(member=info.filename, names=", ".join(REQUIRED)))
        if name in headers:
            raise _error(path, _("member {member!r} appears twice").format(member=info.filename))
        shape, dtype, data_bytes = _header(path, archive, info)
        _check_member(path, name, shape, dtype, max_elements)  # before the sizes: the clearer message
        promised = math.prod(shape) * dtype.itemsize
        if data_bytes != promised:
            message = _("{member}: its header promises {promised} bytes of data, the archive has {found}")
            raise _error(path, message.format(member=info.filename, promised=f"{promised:,}", found=f"{data_bytes:,}"))
        headers[name] = shape, dtype
    missing = [name for name in REQUIRED if name not in headers]
    if sum(name in headers for name in BIASES) == 1:
        missing += [name for name in BIASES if name not in headers]
    if missing:
        raise _error(path, _("missing {names}").format(names=", ".join(missing)))
    _check_layers(path, headers)
    return headers


def _header(path: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[tuple, np.dtype, int]:
    """A member's shape, dtype and the bytes of data after its header, reading only the header."""
    try:
        return npy_header(archive, info)
    except UnsupportedNpy as error:
        raise _error(path, f"{info.filename}: {error}") from None


def _check_member(path: str, name: str, shape: tuple, dtype: np.dtype, max_elements: int) -> None:
    if name == "meta":
        if dtype.kind != "U" or shape != ():
            raise _error(path, _("meta must be one string, got dtype {dtype} and shape {shape}").format(dtype=dtype, shape=shape))
        if dtype.itemsize // 4 > MAX_META_CHARS:
            raise _error(path, _("meta is longer than {limit} characters").format(limit=f"{MAX_META_CHARS:,}"))
        return
    wanted = 1 if name in ("losses", *BIASES) else 2
    dtypes = WEIGHT_DTYPES if name != "losses" else ("float64",)
    if dtype.hasobject or dtype.name not in dtypes:
        raise _error(
            path, _("{name} has dtype {dtype}, expected {dtypes}").format(name=name, dtype=dtype, dtypes=_(" or ").join(dtypes))
        )
    if len(shape) != wanted:
        raise _error(path, _("{name} must be {wanted}-D, got shape {shape}").format(name=name, wanted=wanted, shape=shape))
    if math.prod(shape) > max_elements:
        message = _("{name} holds {count} numbers, more than the limit of {limit}")
        raise _error(path, message.format(name=name, count=f"{math.prod(shape):,}", limit=f"{max_elements:,}"))


def _check_layers(path: str, headers: dict[str, tuple[tuple, np.dtype]]) -> None:
    """w1 (D×H), w2 (H×C), b1 (H), b2 (C) must fit together, and be non-empty."""
    (d, h), (rows, c) = headers["w1"][0], headers["w2"][0]
    if 0 in (d, h, c):
        raise _error(path, _("empty weights: w1 is {w1}, w2 is {w2}").format(w1=f"{d}×{h}", w2=f"{rows}×{c}"))
    if rows != h:
        raise _error(path, _("w1 is {w1} but w2 is {w2}: w2 needs {rows} rows").format(w1=f"{d}×{h}", w2=f"{rows}×{c}", rows=h))
    for name, size in (("b1", h), ("b2", c)):
        if name in headers and headers[name][0] != (size,):
            message = _("{name} has shape {shape}, expected {wanted}")
            raise _error(path, message.format(name=name, shape=headers[name][0], wanted=f"({size},)"))


def _read(archive: zipfile.ZipFile, name: str) -> np.ndarray:
    from numpy.lib import format as npy

    with archive.open(name + ".npy") as member:
        return npy.read_array(member, allow_pickle=False)


def _meta(path: str, array: np.ndarray) -> object:
    try:
        return json.loads(str(array.item()))
    except (ValueError, RecursionError) as error:  # JSONDecodeError, an integer too long, nesting too deep
        raise _error(path, _("meta is not valid JSON ({reason})").format(reason=type(error).__name__)) from None
