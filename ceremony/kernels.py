"""Bulk point kernels of the ceremony: thin wrappers over the native core (``zkvct._native``).

Every function takes and returns contiguous LEM byte buffers (docs/DESIGN.md, native/README.md).
The hot path is native: scaling a section by powers, converting it to the hashed "uncompressed"
form, MSMs for the random-linear-combination checks, pairings, subgroup validation, and the group
inverse FFT that produces the Lagrange sections. The package requires the native core; these
wrappers only pick the G1/G2 variant, check buffer lengths and wipe the toxic scalars they encode.

The compressed encoding needs no kernel: it is derived from the uncompressed one with numpy (x
bytes plus a sign flag computed by a vectorised big-endian comparison).
"""
from __future__ import annotations

import numpy as np

from zkvct import _native
from zkvct.field import Q, R

SIZES = {"G1": 64, "G2": 128}

_SCALE_POWERS = {"G1": _native.g1_scale_powers, "G2": _native.g2_scale_powers}
_TO_UNCOMPRESSED = {"G1": _native.g1_to_uncompressed, "G2": _native.g2_to_uncompressed}
_MSM = {"G1": _native.g1_msm, "G2": _native.g2_msm}
_VALIDATE = {"G1": _native.g1_validate, "G2": _native.g2_validate}
_IFFT = {"G1": _native.g1_ifft, "G2": _native.g2_ifft}


def _count(group: str, buf: bytes | memoryview) -> int:
    size = SIZES[group]
    n = len(buf)
    if n % size:
        raise ValueError(f"{group} buffer of {n} bytes is not a whole number of {size}-byte points")
    return n // size


def _scalar_bytes(v: int, what: str) -> bytearray:
    if not 0 <= v < R:
        raise ValueError(f"{what} must be a canonical scalar (< r)")
    return bytearray(v.to_bytes(32, "little"))


def scale_powers(group: str, points: bytes | memoryview, first: int, step: int) -> bytes:
    """P_i · first·step^i for every point (the contribution update of a section)."""
    first_b, step_b = _scalar_bytes(first, "first"), _scalar_bytes(step, "step")
    try:  # the buffers are passed as-is (no bytes() copy of the toxic factors)
        return _SCALE_POWERS[group](points, first_b, step_b)
    finally:  # the factors are toxic waste: do not leave them in our buffers
        first_b[:] = bytes(32)
        step_b[:] = bytes(32)


def lem_to_uncompressed(group: str, buf: bytes | memoryview) -> bytes:
    """LEM → the big-endian "uncompressed" form that snarkjs hashes (infinity → zero bytes).

    Only for points the caller has already validated or just computed: the G2 subgroup check is
    skipped (``trusted=True``); coordinates and the curve equation are still checked natively.
    """
    _count(group, buf)
    return _TO_UNCOMPRESSED[group](buf, trusted=True)


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


def msm(group: str, bases: bytes | memoryview, scalars: bytes | memoryview, *, trusted: bool = False) -> bytes:
    """Σ s_i·P_i (scalars 32-byte little-endian, canonical); LEM result.

    ``trusted=True`` only for bases this process has just validated with :func:`validate`
    (the native MSM would otherwise re-run the G2 subgroup check on every base).
    """
    return _MSM[group](bases, scalars, trusted)


def validate(group: str, buf: bytes | memoryview, allow_infinity: bool = False) -> None:
    """Raise ValueError naming the first point that is off-curve, outside the subgroup or not reduced."""
    _VALIDATE[group](buf, allow_infinity)


def pairing_product_is_one(g1s: bytes, g2s: bytes) -> bool:
    """Π e(g1_i, g2_i) == 1 for LEM-encoded points."""
    return bool(_native.pairing_product_is_one(g1s, g2s))


def ifft(group: str, points: bytes | memoryview) -> bytes:
    """Inverse DFT in the group: L_i = (1/n) Σ_j ω^{-ij} P_j, ω the snarkjs root of order n.

    This turns τ^j·G into the Lagrange basis L_i(τ)·G for the domain of size n (a power of two).
    The points come from a file, so they are fully validated (G2 subgroup included) natively.
    """
    _count(group, points)
    return _IFFT[group](points)


def fr_fft(values: bytes) -> bytes:
    """Forward FFT of scalars (32-byte LE normal form) on the domain of size len/32."""
    return _native.fr_fft(values, False)
