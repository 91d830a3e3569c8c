"""circom's witness file ``.wtns`` (version 2).

Section 1: u32 n8 (= 32), prime r (n8 bytes LE), u32 witness count. Section 2: the values, n8
bytes each, little-endian normal form. Section 2 is exactly the ``(n, 32)`` uint8 layout the
prover takes, so reading is a zero-copy view plus a vectorised canonical check.
"""
from __future__ import annotations

import os
import struct

import numpy as np

from ..field import FR_BYTES, R, first_non_canonical
from .binfile import BinWriter, FormatError, read_binfile, parse_bytes

WTNS_MAGIC = b"wtns"
WTNS_VERSION = 2


def _decode(bf) -> np.ndarray:
    header = bf.section(1, "header")
    if len(header) < 4:
        raise FormatError(f"{bf.path}: witness header is {len(header)} bytes, too short")
    (n8,) = struct.unpack_from("<I", header, 0)
    if n8 != FR_BYTES:
        raise FormatError(f"{bf.path}: field element size {n8} bytes; only 32 (BN254) is supported")
    if len(header) != 4 + n8 + 4:
        raise FormatError(f"{bf.path}: witness header is {len(header)} bytes, expected {8 + n8}")
    prime = int.from_bytes(header[4:4 + n8], "little")
    if prime != R:
        raise FormatError(f"{bf.path}: prime {prime} is not BN254's scalar field r = {R}")
    (count,) = struct.unpack_from("<I", header, 4 + n8)
    values = bf.section(2, "witness values")
    if len(values) != count * n8:
        raise FormatError(f"{bf.path}: witness section holds {len(values)} bytes; {count} values need {count * n8}")
    witness = np.frombuffer(values, dtype=np.uint8).reshape(count, n8).copy()
    bad = first_non_canonical(witness)
    if bad >= 0:
        raise FormatError(f"{bf.path}: witness value {bad} is not < r")
    return witness


def read_wtns(path: str | os.PathLike[str]) -> np.ndarray:
    """Read a ``.wtns`` file into an ``(n, 32)`` uint8 array (validated: prime, sizes, values < r)."""
    with read_binfile(path, magic=WTNS_MAGIC, versions=[WTNS_VERSION]) as bf:
        return _decode(bf)


def parse_wtns(data: bytes) -> np.ndarray:
    """Like :func:`read_wtns` for bytes held in memory."""
    return _decode(parse_bytes(data, magic=WTNS_MAGIC, versions=[WTNS_VERSION]))


def write_wtns(path: str | os.PathLike[str], witness: np.ndarray) -> None:
    """Write an ``(n, 32)`` uint8 witness as ``.wtns`` v2 (atomically: temp file, then rename)."""
    w = np.ascontiguousarray(witness, dtype=np.uint8)
    if w.ndim != 2 or w.shape[1] != FR_BYTES:
        raise ValueError(f"witness must have shape (n, 32), got {w.shape}")
    bad = first_non_canonical(w)
    if bad >= 0:
        raise ValueError(f"witness value {bad} is not < r")
    with BinWriter(path, magic=WTNS_MAGIC, version=WTNS_VERSION, n_sections=2) as out:
        out.section(1, struct.pack("<I", FR_BYTES) + R.to_bytes(FR_BYTES, "little") + struct.pack("<I", w.shape[0]))
        out.section(2, w.tobytes())
