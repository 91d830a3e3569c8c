"""Bulk point kernels of the ceremony.

The native work (scaling a section by powers, the hashed "uncompressed" form, MSMs for the
random-linear-combination checks, pairings, subgroup validation, the group inverse FFT that
produces the Lagrange sections) goes through the library's one native facade, :mod:`zkvct.native`,
whose group-generic helpers are re-exported here for the ceremony modules.

What is ceremony-specific stays here: the compressed encoding needs no kernel: it is derived from
the uncompressed one with numpy (x bytes plus a sign flag computed by a vectorised big-endian
comparison).
"""
from __future__ import annotations

import numpy as np

from zkvct.field import Q
from zkvct.native import (  # noqa: F401  (re-exported for the ceremony modules)
    SIZES,
    fr_fft,
    ifft,
    lem_to_uncompressed,
    msm,
    pairing_product_is_one,
    scale_powers,
    validate,
)

_HALF_Q_BE = np.frombuffer(((Q - 1) // 2).to_bytes(32, "big"), dtype=">u8")


def _gt_half(coords_be: np.ndarray) -> np.ndarray:
    """Row-wise ``value > (q-1)/2`` for an (n, 32) big-endian uint8 array, vectorised."""
    limbs = coords_be.copy().view(">u8").reshape(-1, 4)
    greater = np.zeros(limbs.shape[0], dtype=bool)
    equal = np.ones(limbs.shape[0], dtype=bool)
    for k in range(4):  # four limbs, not a loop over points
        col = limbs[:, k]
        greater |= equal & (col > _HALF_Q_BE[k])
        equal &= col == _HALF_Q_BE[k]
    return greater


def uncompressed_to_compressed(group: str, ubuf: bytes | memoryview) -> bytes:
    """The snarkjs compressed form (x with sign/infinity flags) from the uncompressed form."""
    size = SIZES[group]
    half = size // 2
    arr = np.frombuffer(ubuf, dtype=np.uint8).reshape(-1, size)
    out = arr[:, :half].copy()
    if group == "G1":
        neg = _gt_half(arr[:, half:])
    else:  # y = c1 BE ‖ c0 BE: sign of c1, or of c0 when c1 is zero
        y1, y0 = arr[:, half:half + 32], arr[:, half + 32:]
        y1_zero = ~y1.any(axis=1)
        neg = np.where(y1_zero, _gt_half(y0), _gt_half(y1))
    out[neg, 0] |= 0x80
    inf = ~arr.any(axis=1)
    out[inf, 0] = 0x40
    return out.tobytes()
