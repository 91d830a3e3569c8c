"""circom's witness file ``.wtns`` (version 2).

Section 1: u32 n8 (= 32), prime r (n8 bytes LE), u32 witness count. Section 2: the values, n8
bytes each, little-endian normal form. Section 2 is exactly the ``(n, 32)`` uint8 layout the
prover takes, so reading is one copy of that section plus a native canonical check.
:func:`read_wtns_values` hands the bytes over as they are (the prover takes any buffer, and the
command that proves from files then needs no numpy at all); :func:`read_wtns` is the array view.
"""
from __future__ import annotations

import os
import struct
from typing import TYPE_CHECKING

from ..field import FR_BYTES, R, first_non_canonical
from .binfile import BinWriter, FormatError, encode_field, parse_bytes, read_binfile, read_field_header

if TYPE_CHECKING:
    import numpy as np

WTNS_MAGIC = b"wtns"
WTNS_VERSION = 2
_HEADER_TAIL = struct.Struct("<I")


def _decode(bf) -> bytearray:
    (count,) = read_field_header(
        bf, label="witness", field="scalar field", symbol="r", prime=R, tail=_HEADER_TAIL, expected=f"BN254's scalar field r = {R}"
    )
    values = bf.section(2, "witness values")
    if len(values) != count * FR_BYTES:
        raise FormatError(f"{bf.path}: witness section holds {len(values)} bytes; {count} values need {count * FR_BYTES}")
    witness = bytearray(values)  # one private copy: the file's map is released on return
    bad = first_non_canonical(witness)
    if bad >= 0:
        raise FormatError(f"{bf.path}: witness value {bad} is not < r")
    return witness


def _as_array(values: bytearray) -> "np.ndarray":
    import numpy as np

    return np.frombuffer(values, dtype=np.uint8).reshape(-1, FR_BYTES)  # owns the bytearray: no copy


def read_wtns_values(path: str | os.PathLike[str]) -> bytearray:
    """Read a ``.wtns`` file's values: ``n * 32`` little-endian bytes (validated: prime, sizes, values < r)."""
    with read_binfile(path, magic=WTNS_MAGIC, versions=[WTNS_VERSION]) as bf:
        return _decode(bf)


def read_wtns(path: str | os.PathLike[str]) -> "np.ndarray":
    """Read a ``.wtns`` file into an ``(n, 32)`` uint8 array (validated as :func:`read_wtns_values`)."""
    return _as_array(read_wtns_values(path))


def parse_wtns(data: bytes) -> "np.ndarray":
    """Like :func:`read_wtns` for bytes held in memory."""
    return _as_array(_decode(parse_bytes(data, magic=WTNS_MAGIC, versions=[WTNS_VERSION])))


def write_wtns(path: str | os.PathLike[str], witness: "np.ndarray") -> None:
    """Write an ``(n, 32)`` uint8 witness as ``.wtns`` v2 (atomically: temp file, then rename)."""
    import numpy as np

    w = np.ascontiguousarray(witness, dtype=np.uint8)
    if w.ndim != 2 or w.shape[1] != FR_BYTES:
        raise ValueError(f"witness must have shape (n, 32), got {w.shape}")
    bad = first_non_canonical(w)
    if bad >= 0:
        raise ValueError(f"witness value {bad} is not < r")
    with BinWriter(path, magic=WTNS_MAGIC, version=WTNS_VERSION, n_sections=2) as out:
        out.section(1, encode_field(R) + _HEADER_TAIL.pack(w.shape[0]))
        out.section(2, w.tobytes())
