"""Reading what a user hands over as a file or stream: bounded, UTF-8, checked.

An expression file (``@PATH``), standard input (``-``) and a ``--bindings`` file
are read at most ``MAX_INPUT_BYTES`` (+1, to know there is more) and refused past
it, so ``/dev/zero`` or a wrong file cannot fill the memory. Text must be UTF-8;
a UTF-8 byte-order mark is dropped (editors on Windows write one). A ``.npz`` file
is checked member by member from the ``.npy`` headers before any array is read.
"""

from __future__ import annotations

import errno

from .. import limits
from ..errors import UsageError
from ..i18n import N_, _

MAX_INPUT_BYTES = limits.MAX_INPUT_BYTES
_CHUNK = 1 << 20
_BOM = "\ufeff"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 (and UTF-32 LE starts with FF FE too)


# The operating system's reasons a student meets most (errno -> the C library's English words),
# in the run's language; any other reason as the OS says it.
_OS_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EISDIR: N_("Is a directory"),
}


def os_reason(error: OSError) -> str:
    """Why ``error`` happened (its ``strerror``), translated when it is one of the common reasons."""
    if _OS_REASONS.get(error.errno) == error.strerror:
        return _(error.strerror)
    return str(error.strerror or error)


def read_text_file(path: str, what: str) -> str:
    """The UTF-8 text of ``path`` (``what`` names it in errors, e.g. "expression file x.txt")."""
    try:
        with open(path, "rb") as stream:
            data = _read_at_most(stream, MAX_INPUT_BYTES)
    except OSError as error:
        raise UsageError(_("cannot read {what}: {reason}").format(what=what, reason=os_reason(error))) from None
    return decode_utf8(_within_limit(data, what), what)


def read_text_stream(stream, what: str) -> str:
    """Standard input as UTF-8 text, whatever the locale; a text-only stream as it is."""
    if stream is None:  # started with standard input closed
        raise UsageError(_("{what} is closed: pass the expression as text or @PATH").format(what=what))
    binary = getattr(stream, "buffer", None)
    if binary is not None:
        return decode_utf8(_within_limit(_read_at_most(binary, MAX_INPUT_BYTES), what), what)
    text = _within_limit(stream.read(MAX_INPUT_BYTES + 1), what)  # io.StringIO: tests, the Python API
    return text.removeprefix(_BOM)


def _read_at_most(stream, limit: int) -> bytearray:
    """Up to ``limit + 1`` bytes, in chunks: one more than allowed shows there is more.

    One ``read(limit + 1)`` would reserve the whole limit for every small file.
    """
    collected = bytearray()
    while len(collected) <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - len(collected)))
        if not chunk:
            break
        collected += chunk
    return collected


def _within_limit(data, what: str):
    if len(data) > MAX_INPUT_BYTES:
        message = _("{what} is larger than the input limit of {limit} bytes")
        raise UsageError(message.format(what=what, limit=f"{MAX_INPUT_BYTES:,}"))
    return data


def decode_utf8(data: bytes | bytearray, what: str) -> str:
    """UTF-8 text without a leading byte-order mark; anything else is refused with one line."""
    if data.startswith(_WIDE_BOMS) or b"\x00" in data:
        raise UsageError(_("{what} is not UTF-8 (it looks like UTF-16): save it as UTF-8").format(what=what))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        message = _("{what} is not valid UTF-8 (byte {byte} at offset {offset}): save it as UTF-8")
        raise UsageError(message.format(what=what, byte=f"0x{byte:02x}", offset=error.start)) from None
    return text.removeprefix(_BOM)


def repeated_key(keys) -> str | None:
    """The first key given twice (a JSON object's, which ``json`` would keep the last of silently;
    a CSV header's), or None."""
    seen: set = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None


def load_npz(path: str) -> dict:
    """The arrays of a NumPy ``.npz`` file as floats, all checked from their headers before one is read."""
    import os
    import zipfile

    try:
        if os.stat(path).st_size > MAX_INPUT_BYTES:
            message = _("{what} is larger than the input limit of {limit} bytes")
            raise UsageError(message.format(what=_("bindings file {path}").format(path=path), limit=f"{MAX_INPUT_BYTES:,}"))
        with zipfile.ZipFile(path) as archive:
            members = [(info, name, _header(path, archive, info, name)) for info, name in _members(path, archive)]
            _check_total(path, [shape for _, _, (shape, _) in members])
            return {name: _read_member(path, archive, info, name) for info, name, _ in members}
    except OSError as error:
        what = _("bindings file {path}").format(path=path)
        raise UsageError(_("cannot read {what}: {reason}").format(what=what, reason=os_reason(error))) from None
    except (zipfile.BadZipFile, EOFError) as error:  # a .npy renamed, a truncated archive
        message = _("bindings file {path} is not a NumPy .npz archive ({reason})")
        raise UsageError(message.format(path=path, reason=error)) from None


def _members(path: str, archive):
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            message = _("bindings file {path} has a member {member!r} that is not a .npy array")
            raise UsageError(message.format(path=path, member=info.filename))
        yield info, info.filename[: -len(".npy")]


def _header(path: str, archive, info, name: str) -> tuple:
    """(shape, dtype) from a member's .npy header, refused unless it holds a non-empty real array."""
    try:
        shape, dtype, _data_bytes = npy_header(archive, info)
    except ValueError as error:
        message = _("bindings file {path}: {name} is not a .npy array ({reason})")
        raise UsageError(message.format(path=path, name=name, reason=error)) from None
    _check_member(path, name, shape, dtype)
    return shape, dtype


class UnsupportedNpy(ValueError):
    """A .npy member whose format version NumPy's header readers do not know."""


def npy_header(archive, info) -> tuple:
    """A zip member's .npy shape, dtype and the bytes of data after its header, reading only the header.

    Raises ``UnsupportedNpy`` for an unknown format version and NumPy's ``ValueError``
    for a damaged header; nothing is unpickled, no array data is read.
    """
    from numpy.lib import format as npy

    readers = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}
    with archive.open(info) as member:
        version = npy.read_magic(member)
        if version not in readers:
            raise UnsupportedNpy(_("unsupported .npy format version {version}").format(version=f"{version[0]}.{version[1]}"))
        shape, _fortran, dtype = readers[version](member)
        return shape, dtype, info.file_size - member.tell()


# What a .npz member holds instead of real numbers, by its dtype's kind.
_HELD = {"c": N_("complex numbers"), "b": N_("booleans"), "O": N_("Python objects"), "U": N_("text"), "S": N_("bytes")}
_NON_NUMBERS = N_("non-numbers")


def _check_member(path: str, name: str, shape: tuple, dtype) -> None:
    """What JSON bindings accept: real numbers (nan and inf included) in a non-empty array."""
    import math

    if dtype.kind not in "iuf":
        held = _(_HELD.get(dtype.kind, _NON_NUMBERS))
        message = _("value of {name} in {path} holds {held} ({dtype}): bindings must be real numbers")
        raise UsageError(message.format(name=name, path=path, held=held, dtype=dtype))
    if math.prod(shape) == 0:
        raise UsageError(_("value of {name} in {path} is an empty array").format(name=name, path=path))


def _check_total(path: str, shapes: list[tuple]) -> None:
    import math

    size = 8 * sum(math.prod(shape) for shape in shapes)  # bytes once converted to float64
    if size > MAX_INPUT_BYTES:
        message = _("bindings file {path} holds {size} bytes of float64 arrays, over the input limit of {limit} bytes")
        raise UsageError(message.format(path=path, size=f"{size:,}", limit=f"{MAX_INPUT_BYTES:,}"))


def _read_member(path: str, archive, info, name: str):
    import numpy as np
    from numpy.lib import format as npy

    with archive.open(info) as member:
        try:
            array = npy.read_array(member, allow_pickle=False)
        except ValueError as error:  # data shorter than its header says
            message = _("bindings file {path}: {name} cannot be read ({reason})")
            raise UsageError(message.format(path=path, name=name, reason=error)) from None
    array = np.asarray(array, dtype=float)
    return float(array) if array.ndim == 0 else array
