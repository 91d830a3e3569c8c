"""Vectorised Montgomery → normal conversion of Fq coordinates (numpy, no loop over points).

The transcript hashes points in snarkjs's "uncompressed" big-endian normal form, while files hold
little-endian Montgomery form (v·2^256 mod q). Converting is one Montgomery reduction per
coordinate: REDC(v) = v·2^-256 mod q. Done here on whole arrays with 32-bit limbs held in uint64
lanes (each partial product plus carries fits in 64 bits), so the cost is a fixed ~200 numpy
operations per call whatever the number of points; the native conversion of G2 points also
re-checks subgroup membership, which is wasted work for points this code just produced or already
validated.
"""
from __future__ import annotations

import numpy as np

from zkvct.field import Q

_M32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_Q32 = [np.uint64((Q >> (32 * j)) & 0xFFFFFFFF) for j in range(8)]
_QINV = np.uint64((-pow(Q, -1, 1 << 32)) % (1 << 32))  # -q^-1 mod 2^32
_Q_BE = np.frombuffer(Q.to_bytes(32, "big"), dtype=np.uint8)


def from_montgomery_le(coords: np.ndarray) -> np.ndarray:
    """(n, 32) uint8 little-endian Montgomery values (< q) → (n, 32) uint8 big-endian normal values."""
    n = coords.shape[0]
    limbs = np.ascontiguousarray(coords).view("<u4").reshape(n, 8).astype(np.uint64)
    t = [limbs[:, j].copy() for j in range(8)] + [np.zeros(n, dtype=np.uint64) for _ in range(9)]
    for i in range(8):  # REDC, one 32-bit limb at a time
        m = (t[i] * _QINV) & _M32
        carry = np.zeros(n, dtype=np.uint64)
        for j in range(8):
            s = t[i + j] + m * _Q32[j] + carry  # < 2^64: (2^32-1)^2 + 2(2^32-1)
            t[i + j] = s & _M32
            carry = s >> _S32
        k = i + 8
        while k < 17:  # propagate the carry
            s = t[k] + carry
            t[k] = s & _M32
            carry = s >> _S32
            k += 1
    res = np.stack(t[8:16], axis=1).astype("<u4")  # value < 2q
    out = res.view(np.uint8).reshape(n, 32)[:, ::-1].copy()  # big-endian
    ge = _ge_q(out)
    if ge.any():
        out[ge] = _sub_q(out[ge])
    return out


def _ge_q(be: np.ndarray) -> np.ndarray:
    limbs = be.view(">u8").reshape(-1, 4)
    ql = _Q_BE.view(">u8")
    greater = np.zeros(limbs.shape[0], dtype=bool)
    equal = np.ones(limbs.shape[0], dtype=bool)
    for k in range(4):
        greater |= equal & (limbs[:, k] > ql[k])
        equal &= limbs[:, k] == ql[k]
    return greater | equal


def _sub_q(be: np.ndarray) -> np.ndarray:
    limbs = be.view(">u8").reshape(-1, 4).astype(np.uint64)
    ql = _Q_BE.view(">u8").astype(np.uint64)
    out = np.empty_like(limbs)
    borrow = np.zeros(limbs.shape[0], dtype=np.uint64)
    for k in (3, 2, 1, 0):
        a = limbs[:, k]
        out[:, k] = a - ql[k] - borrow
        borrow = ((a < ql[k]) | ((a == ql[k]) & (borrow == 1))).astype(np.uint64)
    return out.astype(">u8").view(np.uint8).reshape(-1, 32)


def lem_to_uncompressed(group: str, buf: bytes | memoryview) -> bytes:
    """LEM points → snarkjs uncompressed form (G2 coordinates c1 before c0); infinity → zeros."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    if group == "G1":
        coords = arr.reshape(-1, 32)  # x, y alternate
        return from_montgomery_le(coords).tobytes()
    be = from_montgomery_le(arr.reshape(-1, 32)).reshape(-1, 4, 32)  # x.c0, x.c1, y.c0, y.c1
    return be[:, [1, 0, 3, 2], :].tobytes()
