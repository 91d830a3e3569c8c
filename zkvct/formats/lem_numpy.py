"""Vectorised LEM -> snarkjs "uncompressed" conversion in numpy, without point checks.

For points this process computed itself (e.g. the B2 section a setup just produced): the native
``g2_to_uncompressed`` decodes with full checks, and its G2 subgroup check dominates a setup's
running time while proving nothing new about self-computed points. This module converts the
coordinates with a Montgomery reduction (REDC) over 32-bit limbs held in uint64 numpy arrays,
vectorised over all coordinates at once (no per-point Python loop):

    normal = REDC(m) = m * 2^-256 mod q, for each 32-byte little-endian Montgomery value m < q

and then lays the bytes out as snarkjs's ``LEMtoU`` does (big-endian; G2 as x.c1 x.c0 y.c1 y.c0).
The all-zero encoding of infinity maps to all zeros, as in snarkjs. Do not use this on outside
data: it does not check that coordinates are < q or that points are on the curve.
"""
from __future__ import annotations

import numpy as np

from ..field import Q

_MASK = np.uint64(0xFFFFFFFF)
_Q32 = [np.uint64((Q >> (32 * i)) & 0xFFFFFFFF) for i in range(8)]
_QINV = np.uint64((-pow(Q, -1, 1 << 32)) % (1 << 32))
_Q_LIMBS32 = np.array([(Q >> (32 * i)) & 0xFFFFFFFF for i in range(8)], dtype=np.uint64)


def fq_from_montgomery(coords: np.ndarray) -> np.ndarray:
    """(n, 32) LE Montgomery values -> (n, 32) LE normal-form values (each m < q assumed)."""
    c = np.ascontiguousarray(coords, dtype=np.uint8).reshape(-1, 32)
    n = c.shape[0]
    t = np.zeros((n, 17), dtype=np.uint64)
    t[:, :8] = c.view("<u4").astype(np.uint64)
    for i in range(8):
        u = (t[:, i] * _QINV) & _MASK
        carry = np.zeros(n, dtype=np.uint64)
        for j in range(8):
            s = t[:, i + j] + u * _Q32[j] + carry
            t[:, i + j] = s & _MASK
            carry = s >> np.uint64(32)
        k = i + 8
        while k < 17:
            s = t[:, k] + carry
            t[:, k] = s & _MASK
            carry = s >> np.uint64(32)
            if not carry.any():
                break
            k += 1
    r = t[:, 8:16].copy()  # < 2q
    # subtract q where r >= q (lexicographic compare from the top limb)
    ge = np.ones(n, dtype=bool)
    decided = np.zeros(n, dtype=bool)
    for j in range(7, -1, -1):
        gt = ~decided & (r[:, j] > _Q_LIMBS32[j])
        lt = ~decided & (r[:, j] < _Q_LIMBS32[j])
        ge = np.where(lt, False, ge)
        decided |= gt | lt
    borrow = np.zeros(n, dtype=np.uint64)
    sub = np.empty_like(r)
    for j in range(8):
        d = r[:, j] + (np.uint64(1) << np.uint64(32)) - _Q_LIMBS32[j] - borrow
        sub[:, j] = d & _MASK
        borrow = np.uint64(1) - (d >> np.uint64(32))
    r = np.where(ge[:, None], sub, r)
    return r.astype("<u4").view(np.uint8).reshape(n, 32)


def g1_lem_to_uncompressed_unchecked(buf: bytes | memoryview) -> bytes:
    normal = fq_from_montgomery(np.frombuffer(buf, dtype=np.uint8)).reshape(-1, 2, 32)
    return normal[:, :, ::-1].tobytes()  # each coordinate big-endian: x || y


def g2_lem_to_uncompressed_unchecked(buf: bytes | memoryview) -> bytes:
    normal = fq_from_montgomery(np.frombuffer(buf, dtype=np.uint8)).reshape(-1, 2, 64)
    return normal[:, :, ::-1].tobytes()  # each Fq2 reversed as a whole: c1 BE || c0 BE
