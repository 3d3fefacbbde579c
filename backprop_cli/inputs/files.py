"""Reading what a user hands over as a file or stream: bounded, UTF-8, checked.

An expression file (``@PATH``), standard input (``-``) and a ``--bindings`` file
are read at most ``MAX_INPUT_BYTES`` (+1, to know there is more) and refused past
it, so ``/dev/zero`` or a wrong file cannot fill the memory. Text must be UTF-8;
a UTF-8 byte-order mark is dropped (editors on Windows write one). A ``.npz`` file
is checked member by member from the ``.npy`` headers before any array is read.
"""

from __future__ import annotations

from .. import limits
from ..errors import UsageError

MAX_INPUT_BYTES = limits.MAX_INPUT_BYTES
_CHUNK = 1 << 20
_BOM = "\ufeff"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 (and UTF-32 LE starts with FF FE too)


def read_text_file(path: str, what: str) -> str:
    """The UTF-8 text of ``path`` (``what`` names it in errors, e.g. "expression file x.txt")."""
    try:
        with open(path, "rb") as stream:
            data = _read_at_most(stream, MAX_INPUT_BYTES)
    except OSError as error:
        raise UsageError(f"cannot read {what}: {error.strerror or error}") from None
    return decode_utf8(_within_limit(data, what), what)


def read_text_stream(stream, what: str) -> str:
    """Standard input as UTF-8 text, whatever the locale; a text-only stream as it is."""
    if stream is None:  # started with standard input closed
        raise UsageError(f"{what} is closed: pass the expression as text or @PATH")
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
        raise UsageError(f"{what} is larger than the input limit of {MAX_INPUT_BYTES:,} bytes")
    return data


def decode_utf8(data: bytes | bytearray, what: str) -> str:
    """UTF-8 text without a leading byte-order mark; anything else is refused with one line."""
    if data.startswith(_WIDE_BOMS) or b"\x00" in data:
        raise UsageError(f"{what} is not UTF-8 (it looks like UTF-16): save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise UsageError(f"{what} is not valid UTF-8 (byte 0x{byte:02x} at offset {error.start}): save it as UTF-8") from None
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
            raise UsageError(f"bindings file {path} is larger than the input limit of {MAX_INPUT_BYTES:,} bytes")
        with zipfile.ZipFile(path) as archive:
            members = [(info, name, _header(path, archive, info, name)) for info, name in _members(path, archive)]
            _check_total(path, [shape for _, _, (shape, _) in members])
            return {name: _read_member(path, archive, info, name) for info, name, _ in members}
    except OSError as error:
        raise UsageError(f"cannot read bindings file {path}: {error.strerror or error}") from None
    except (zipfile.BadZipFile, EOFError) as error:  # a .npy renamed, a truncated archive
        raise UsageError(f"bindings file {path} is not a NumPy .npz archive ({error})") from None


def _members(path: str, archive):
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            raise UsageError(f"bindings file {path} has a member {info.filename!r} that is not a .npy array")
        yield info, info.filename[: -len(".npy")]


def _header(path: str, archive, info, name: str) -> tuple:
    """(shape, dtype) from a member's .npy header, refused unless it holds a non-empty real array."""
    try:
        shape, dtype, _ = npy_header(archive, info)
    except ValueError as error:
        raise UsageError(f"bindings file {path}: {name} is not a .npy array ({error})") from None
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
            raise UnsupportedNpy(f"unsupported .npy format version {version[0]}.{version[1]}")
        shape, _fortran, dtype = readers[version](member)
        return shape, dtype, info.file_size - member.tell()


def _check_member(path: str, name: str, shape: tuple, dtype) -> None:
    """What JSON bindings accept: real numbers (nan and inf included) in a non-empty array."""
    import math

    if dtype.kind not in "iuf":
        what = {"c": "complex numbers", "b": "booleans", "O": "Python objects", "U": "text", "S": "bytes"}
        held = what.get(dtype.kind, "non-numbers")
        raise UsageError(f"value of {name} in {path} holds {held} ({dtype}): bindings must be real numbers")
    if math.prod(shape) == 0:
        raise UsageError(f"value of {name} in {path} is an empty array")


def _check_total(path: str, shapes: list[tuple]) -> None:
    import math

    size = 8 * sum(math.prod(shape) for shape in shapes)  # bytes once converted to float64
    if size > MAX_INPUT_BYTES:
        limit = f"the input limit of {MAX_INPUT_BYTES:,} bytes"
        raise UsageError(f"bindings file {path} holds {size:,} bytes of float64 arrays, over {limit}")


def _read_member(path: str, archive, info, name: str):
    import numpy as np
    from numpy.lib import format as npy

    with archive.open(info) as member:
        try:
            array = npy.read_array(member, allow_pickle=False)
        except ValueError as error:  # data shorter than its header says
            raise UsageError(f"bindings file {path}: {name} cannot be read ({error})") from None
    array = np.asarray(array, dtype=float)
    return float(array) if array.ndim == 0 else array
