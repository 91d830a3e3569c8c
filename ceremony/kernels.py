"""Bulk point kernels used by the ceremony, dispatched to the native core (``zkvct._native``).

Every function takes and returns contiguous LEM byte buffers (docs/DESIGN.md). The hot path is
native: scaling a section by powers, converting it to the hashed "uncompressed" form, MSMs for the
random-linear-combination checks, pairings, subgroup validation, and the group inverse FFT that
produces the Lagrange sections.

If the native module lacks a kernel (an older build, or while it is being written), a *reference*
implementation on py_ecc runs instead, but only for tiny inputs (at most
:data:`REFERENCE_LIMIT` points): it exists so the ceremony logic can be tested against snarkjs
without the native core, never as a production path. Beyond the limit :class:`NativeKernelMissing`
names the kernel that is needed.

The compressed encoding needs no kernel: it is derived from the uncompressed one with numpy (x
bytes plus a sign flag computed by a vectorised big-endian comparison).
"""
from __future__ import annotations

import os
from typing import Callable

import numpy as np

from zkvct.errors import ZkvctError
from zkvct.field import Q, R

from . import curve as C

try:  # the native core is optional at import time so that file parsing works without it
    from zkvct import _native  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the build
    _native = None

#: largest input the py_ecc reference fallback accepts (override with ZKVCT_REFERENCE_LIMIT)
REFERENCE_LIMIT = int(os.environ.get("ZKVCT_REFERENCE_LIMIT", "4096"))

SIZES = {"G1": 64, "G2": 128}


class NativeKernelMissing(ZkvctError, RuntimeError):
    """The native core does not provide a kernel that this input size needs."""


def _native_fn(name: str) -> Callable | None:
    return getattr(_native, name, None) if _native is not None else None


def have_native(name: str) -> bool:
    return _native_fn(name) is not None


def _count(group: str, buf: bytes | memoryview) -> int:
    size = SIZES[group]
    n = len(buf)
    if n % size:
        raise ValueError(f"{group} buffer of {n} bytes is not a whole number of {size}-byte points")
    return n // size


def _reference_guard(kernel: str, n: int) -> None:
    if n > REFERENCE_LIMIT:
        raise NativeKernelMissing(
            f"zkvct._native.{kernel} is not available and {n} points exceed the py_ecc reference "
            f"limit of {REFERENCE_LIMIT}; rebuild the native core (pip install -e .)"
        )


def _decode(group: str, buf: bytes | memoryview, allow_infinity: bool = True) -> list:
    size = SIZES[group]
    dec = C.g1_from_lem if group == "G1" else C.g2_from_lem
    mv = memoryview(buf)
    return [dec(mv[i:i + size], f"{group} point {i // size}", allow_infinity) for i in range(0, len(mv), size)]


def _encode(group: str, points: list) -> bytes:
    enc = C.g1_to_lem if group == "G1" else C.g2_to_lem
    return b"".join(enc(p) for p in points)


def _scalar_bytes(v: int, what: str) -> bytes:
    if not 0 <= v < R:
        raise ValueError(f"{what} must be a canonical scalar (< r)")
    return v.to_bytes(32, "little")


# ---------------------------------------------------------------- kernels

def scale_powers(group: str, points: bytes | memoryview, first: int, step: int) -> bytes:
    """P_i · first·step^i for every point (the contribution update of a section)."""
    fn = _native_fn(f"{group.lower()}_scale_powers")
    first_b, step_b = bytearray(_scalar_bytes(first, "first")), bytearray(_scalar_bytes(step, "step"))
    try:
        if fn is not None:
            return fn(points, bytes(first_b), bytes(step_b))
        n = _count(group, points)
        _reference_guard(f"{group.lower()}_scale_powers", n)
        mul = C.g1_mul if group == "G1" else C.g2_mul
        out, k = [], first
        for p in _decode(group, points):
            out.append(mul(p, k))
            k = k * step % R
        return _encode(group, out)
    finally:  # the factors are toxic waste: do not leave them in our buffers
        first_b[:] = bytes(32)
        step_b[:] = bytes(32)


def lem_to_uncompressed(group: str, buf: bytes | memoryview) -> bytes:
    """LEM → the big-endian "uncompressed" form that snarkjs hashes (infinity → zero bytes).

    For points the caller has already validated (or just computed). G1 uses the native
    conversion; G2 uses the numpy Montgomery reduction of :mod:`ceremony.montgomery`, because the
    native G2 conversion re-runs the subgroup check on every point (~15x slower here).
    """
    _count(group, buf)
    fn = _native_fn(f"{group.lower()}_to_uncompressed")
    if group == "G1" and fn is not None:
        return fn(buf)
    from .montgomery import lem_to_uncompressed as numpy_convert

    return numpy_convert(group, buf)


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
    fn = _native_fn(f"{group.lower()}_msm")
    if fn is not None:
        return fn(bases, scalars, trusted)
    n = _count(group, bases)
    _reference_guard(f"{group.lower()}_msm", n)
    mul, add = (C.g1_mul, C.g1_add) if group == "G1" else (C.g2_mul, C.g2_add)
    acc = None
    sc = bytes(scalars)
    for i, p in enumerate(_decode(group, bases)):
        acc = add(acc, mul(p, int.from_bytes(sc[32 * i:32 * i + 32], "little")))
    return _encode(group, [acc])


def validate(group: str, buf: bytes | memoryview, allow_infinity: bool = False) -> None:
    """Raise ValueError naming the first point that is off-curve, outside the subgroup or not reduced."""
    fn = _native_fn(f"{group.lower()}_validate")
    if fn is not None:
        fn(buf, allow_infinity)
        return
    _reference_guard(f"{group.lower()}_validate", _count(group, buf))
    _decode(group, buf, allow_infinity)


def pairing_product_is_one(g1s: bytes, g2s: bytes) -> bool:
    """Π e(g1_i, g2_i) == 1 for LEM-encoded, already validated points."""
    fn = _native_fn("pairing_product_is_one")
    if fn is not None:
        return bool(fn(g1s, g2s))
    import py_ecc.optimized_bn128 as bn

    acc = bn.FQ12.one()
    for a, b in zip(_decode("G1", g1s), _decode("G2", g2s)):
        if a is None or b is None:
            continue
        acc = acc * bn.pairing(C._to_ecc2(b), C._to_ecc1(a), final_exponentiate=False)
    return bn.final_exponentiate(acc) == bn.FQ12.one()


def ifft(group: str, points: bytes | memoryview) -> bytes:
    """Inverse DFT in the group: L_i = (1/n) Σ_j ω^{-ij} P_j, ω the snarkjs root of order n.

    This turns τ^j·G into the Lagrange basis L_i(τ)·G for the domain of size n (a power of two).
    """
    fn = _native_fn(f"{group.lower()}_ifft")
    if fn is not None:
        return fn(points)
    if all(have_native(f"{group.lower()}_{k}") for k in ("batch_mul", "sparse_lincomb", "scale_powers", "validate")) and have_native("fr_fft"):
        from . import group_fft
        from .domain import root_of_unity

        return group_fft.ifft(group, points, _native, root_of_unity(max(1, _count(group, points))))
    n = _count(group, points)
    _reference_guard(f"{group.lower()}_ifft", n)
    from .domain import root_of_unity

    pts = _decode(group, points)
    mul, add = (C.g1_mul, C.g1_add) if group == "G1" else (C.g2_mul, C.g2_add)
    return _encode(group, _group_fft(pts, pow(root_of_unity(n), -1, R), pow(n, -1, R), mul, add))


def _group_fft(pts: list, w: int, scale: int, mul, add) -> list:
    """Recursive radix-2 FFT over group elements (reference only; O(n log n) scalar mults)."""
    def rec(a: list, w: int) -> list:
        n = len(a)
        if n == 1:
            return a
        even, odd = rec(a[0::2], w * w % R), rec(a[1::2], w * w % R)
        out = [None] * n
        wk = 1
        for k in range(n // 2):
            t = mul(odd[k], wk)
            out[k] = add(even[k], t)
            out[k + n // 2] = add(even[k], mul(t, R - 1))
            wk = wk * w % R
        return out

    return [mul(p, scale) for p in rec(pts, w)]


def fr_fft(values: bytes) -> bytes:
    """Forward FFT of scalars (32-byte LE normal form) on the domain of size len/32."""
    fn = _native_fn("fr_fft")
    if fn is not None:
        return fn(values, False)
    from .domain import root_of_unity

    n = len(values) // 32
    _reference_guard("fr_fft", n)
    vals = [int.from_bytes(values[32 * i:32 * i + 32], "little") for i in range(n)]

    def rec(a: list[int], w: int) -> list[int]:
        m = len(a)
        if m == 1:
            return a
        e, o = rec(a[0::2], w * w % R), rec(a[1::2], w * w % R)
        out = [0] * m
        wk = 1
        for k in range(m // 2):
            t = o[k] * wk % R
            out[k] = (e[k] + t) % R
            out[k + m // 2] = (e[k] - t) % R
            wk = wk * w % R
        return out

    return b"".join(v.to_bytes(32, "little") for v in rec(vals, root_of_unity(n)))
