"""Inverse FFT over G1/G2 points built from the native batch kernels (no Python loop over points).

"Prepare phase 2" turns the powers τ^j·G of every domain size n = 2^p into Lagrange points
L_i(τ)·G = (1/n)·Σ_j ω^{-ij}·τ^j·G. The native core has no group-FFT kernel (yet), so each
radix-2 layer is done with three native calls on whole arrays:

1. ``t = b ⊙ twiddles``            - ``gX_batch_mul`` (n/2 scalar multiplications)
2. ``−t``                          - numpy: y ↦ q − y on the Montgomery limbs (negation is linear)
3. ``a + t`` and ``a + (−t)``      - ``gX_sparse_lincomb`` with every coefficient 1 (pure additions)

with the 1/n scaling folded into the last layer (its twiddles are ω^{-k}/n and its upper inputs
are scaled by 1/n). That is about (log2(n) + 1)·n/2 scalar multiplications, less the products by
ω^0 = 1 (skipped), about what snarkjs' group FFT does. Index bookkeeping (bit reversal, butterfly
pairs, twiddle tables) is numpy. The twiddle tables come from native ``fr_fft`` calls on the unit vector e_1 (= all powers of ω)
and on e_1/n. A dedicated native ``g1_ifft``/``g2_ifft`` would save the per-layer affine normalisation; when
the native module provides one, :func:`ceremony.kernels.ifft` uses it instead.
"""
from __future__ import annotations

import numpy as np

from zkvct.field import Q, R

_Q_LIMBS = np.array([(Q >> (64 * k)) & ((1 << 64) - 1) for k in range(4)], dtype=np.uint64)
_ONE = (1).to_bytes(32, "little")


def _neg_coords(arr: np.ndarray, start: int, count: int) -> None:
    """In place: each of ``count`` 32-byte Montgomery coordinates from byte ``start`` becomes q − v (0 stays 0)."""
    for c in range(count):
        col = np.ascontiguousarray(arr[:, start + 32 * c:start + 32 * (c + 1)])
        limbs = col.view("<u8").reshape(-1, 4)
        zero = ~limbs.any(axis=1)
        out = np.empty_like(limbs)
        borrow = np.zeros(limbs.shape[0], dtype=np.uint64)
        for k in range(4):  # four limbs, not a loop over points
            qk = _Q_LIMBS[k]
            yk = limbs[:, k]
            out[:, k] = qk - yk - borrow
            borrow = ((qk < yk) | ((qk == yk) & (borrow == 1))).astype(np.uint64)
        out[zero] = 0
        arr[:, start + 32 * c:start + 32 * (c + 1)] = out.view(np.uint8).reshape(-1, 32)


def negate(group: str, points: np.ndarray) -> np.ndarray:
    """−P for every LEM point of an (n, size) uint8 array (y, or both Fq2 parts of y, negated)."""
    out = points.copy()
    if group == "G1":
        _neg_coords(out, 32, 1)
    else:
        _neg_coords(out, 64, 2)
    return out


def _bit_reverse(n: int) -> np.ndarray:
    bits = n.bit_length() - 1
    idx = np.arange(n, dtype=np.uint32)
    rev = np.zeros(n, dtype=np.uint32)
    for b in range(bits):  # log n passes over the index vector
        rev |= ((idx >> b) & 1) << (bits - 1 - b)
    return rev


def ifft(group: str, points: bytes | memoryview, native, root: int) -> bytes:
    """Inverse DFT of LEM points with the primitive n-th root ``root`` (natural order in and out)."""
    size = 64 if group == "G1" else 128
    gl = group.lower()
    batch_mul = getattr(native, f"{gl}_batch_mul")
    lincomb = getattr(native, f"{gl}_sparse_lincomb")
    scale = getattr(native, f"{gl}_scale_powers")
    validate = getattr(native, f"{gl}_validate")
    raw = bytes(points)
    n = len(raw) // size
    if n * size != len(raw) or n & (n - 1):
        raise ValueError(f"group FFT needs a power-of-two number of {group} points, got {len(raw) / size:g}")
    validate(raw, True)  # once: later layers only combine checked points
    if n == 1:
        return raw
    # all powers ω^i from one native FFT of e_1; inverse twiddles are ω^{-i} = ω^{n-i}
    e1 = bytearray(32 * n)
    e1[32:64] = _ONE
    pw = np.frombuffer(native.fr_fft(bytes(e1), False), dtype=np.uint8).reshape(n, 32)
    # the same table times 1/n (the FFT is linear): the last layer applies the 1/n scaling
    inv_n = pow(n, -1, R).to_bytes(32, "little")
    e1[32:64] = inv_n
    pw_scaled = np.frombuffer(native.fr_fft(bytes(e1), False), dtype=np.uint8).reshape(n, 32)
    a = np.frombuffer(raw, dtype=np.uint8).reshape(n, size)[_bit_reverse(n)]
    m = 2
    while m <= n:
        half = m // 2
        blocks = np.arange(0, n, m, dtype=np.int64)
        k = np.arange(half, dtype=np.int64)
        top = (blocks[:, None] + k[None, :]).reshape(-1)
        bot = top + half
        last = m == n
        tw = (pw_scaled if last else pw)[((n - (n // m) * k) % n)]  # ω_m^{-k} (/n in the last layer)
        # k = 0 has twiddle 1 before the last layer: those products are plain copies
        nz = np.tile(k > 0, n // m) if not last else np.ones(n // 2, dtype=bool)
        t = a[bot].copy()
        if nz.any():
            tw_all = np.tile(tw, (n // m, 1))[nz]
            t[nz] = np.frombuffer(batch_mul(a[bot][nz].tobytes(), tw_all.tobytes(), True), dtype=np.uint8).reshape(-1, size)
        a_top = a[top]
        if last:  # (a + ω^-k·b)/n = a/n + (ω^-k/n)·b
            a_top = np.frombuffer(scale(a_top.tobytes(), inv_n, _ONE, True), dtype=np.uint8).reshape(-1, size)
        pts = np.concatenate([a_top, t, negate(group, t)])
        h = n // 2
        # CSR rows: a_top[i] → outputs top[i] and bot[i]; t[i] → top[i]; −t[i] → bot[i]
        row_len = np.concatenate([np.full(h, 2, np.uint64), np.ones(2 * h, np.uint64)])
        offsets = np.zeros(2 * h + h + 1, dtype=np.uint64)
        np.cumsum(row_len, out=offsets[1:])
        wires = np.concatenate([np.stack([top, bot], axis=1).reshape(-1), top, bot]).astype(np.uint32)
        coeffs = np.zeros((len(wires), 32), dtype=np.uint8)
        coeffs[:, 0] = 1
        a = np.frombuffer(lincomb(pts.tobytes(), offsets, wires, coeffs.tobytes(), n, True), dtype=np.uint8).reshape(n, size)
        m *= 2
    return a.tobytes()
