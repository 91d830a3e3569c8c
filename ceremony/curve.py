"""Ceremony-specific BN254 point work, one point at a time: the keys and points of a contribution.

Bulk point work (whole ``.ptau`` sections) happens in the native core (see :mod:`ceremony.kernels`).
The generic parts (LEM and uncompressed encodings, Montgomery conversion, on-curve checks, py_ecc
conversion) are :mod:`zkvct.curve`'s ``G1Point``/``G2Point``; this module adapts them to the
ceremony's lightweight tuple form and adds what only the ceremony needs: snarkjs' ``hashToG2`` and
ffjavascript's ``fromRng`` point/scalar sampling (reproduced exactly, with the same ChaCha stream,
sampling and sign conventions), which need an Fq2 square root.

Representation: a G1 point is ``None`` (infinity) or ``(x, y)`` of ints; a G2 point is ``None`` or
``((x0, x1), (y0, y1))`` with Fq2 = Fq[u]/(u^2 + 1), element ``c0 + c1·u``.

The compressed form hashed into the transcript (x with 0x80 set when y is "negative": y > (q-1)/2;
for Fq2 the sign of c1, or of c0 when c1 = 0; 0x40 alone for infinity) is computed in bulk by
:func:`ceremony.kernels.uncompressed_to_compressed`.
"""
from __future__ import annotations

from typing import Optional, Tuple

import py_ecc.optimized_bn128 as _bn

from zkvct import native as _native  # the native facade
from zkvct.curve import B2, G1Point, G2Point, fq_from_mont_le  # noqa: F401 (B2 re-exported for tests)
from zkvct.curve import PointError as _CurvePointError
from zkvct.field import Q, R
from zkvct.formats.binfile import FormatError

from .chacha import ChaCha

Fq2 = Tuple[int, int]
G1 = Optional[Tuple[int, int]]
G2 = Optional[Tuple[Fq2, Fq2]]

FR_MONT_INV = pow(1 << 256, -1, R)
_HALF_Q = (Q - 1) // 2
_MASK254 = (1 << 254) - 1
#: cofactor of G2 as ffjavascript uses it (2q - r)
G2_COFACTOR = 0x30644E72E131A029B85045B68181585E06CEECDA572A2489345F2299C0F9FA8D

G1_GEN: G1 = (1, 2)
G2_GEN: G2 = (
    (10857046999023057135944570762232829481370756359578518086990519993285655852781,
     11559732032986387107991004021392285783925812861821192530917403151452391805634),
    (8495653923123431417604973247489272438418190587263600148770280649306958101930,
     4082367875863433681332203403145435568316851327593401208105741076214120093531),
)


class PointError(FormatError):
    """A point encoding is malformed, off the curve or outside the prime-order subgroup."""


# ---------------------------------------------------------------- Fq2 arithmetic (u^2 = -1)

def f2_add(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] + b[0]) % Q, (a[1] + b[1]) % Q)


def f2_neg(a: Fq2) -> Fq2:
    return ((-a[0]) % Q, (-a[1]) % Q)


def f2_mul(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] * b[0] - a[1] * b[1]) % Q, (a[0] * b[1] + a[1] * b[0]) % Q)


def f2_pow(a: Fq2, e: int) -> Fq2:
    result: Fq2 = (1, 0)
    base = a
    while e:
        if e & 1:
            result = f2_mul(result, base)
        base = f2_mul(base, base)
        e >>= 1
    return result


def _legendre(v: int) -> int:
    v %= Q
    if v == 0:
        return 0
    return 1 if pow(v, _HALF_Q, Q) == 1 else -1


def f2_is_square(a: Fq2) -> bool:
    """a is a square in Fq2 iff its norm c0^2 + c1^2 is a square in Fq."""
    return _legendre(a[0] * a[0] + a[1] * a[1]) != -1


def f2_sqrt(a: Fq2) -> Fq2:
    """A square root for q = 3 mod 4 (Adj & Rodríguez-Henríquez, algorithm 9); raises if none."""
    if a == (0, 0):
        return (0, 0)
    a1 = f2_pow(a, (Q - 3) // 4)
    alpha = f2_mul(f2_mul(a1, a1), a)
    x0 = f2_mul(a1, a)
    if alpha == (Q - 1, 0):
        x = f2_mul((0, 1), x0)
    else:
        b = f2_pow(f2_add((1, 0), alpha), (Q - 1) // 2)
        x = f2_mul(b, x0)
    if f2_mul(x, x) != (a[0] % Q, a[1] % Q):
        raise ValueError("not a square in Fq2")
    return x


def fq_is_negative(v: int) -> bool:
    return v > _HALF_Q


def f2_is_negative(a: Fq2) -> bool:
    return fq_is_negative(a[1]) if a[1] != 0 else fq_is_negative(a[0])


# ---------------------------------------------------------------- tuples <-> zkvct.curve points

def _g1_point(p: G1) -> G1Point:
    return G1Point.identity() if p is None else G1Point(p[0], p[1])


def _g2_point(p: G2) -> G2Point:
    return G2Point.identity() if p is None else G2Point(p[0], p[1])


def _g1_tuple(p: G1Point) -> G1:
    return None if p.infinity else (p.x, p.y)


def _g2_tuple(p: G2Point) -> G2:
    return None if p.infinity else (p.x, p.y)


# ---------------------------------------------------------------- group operations (via py_ecc)

def _to_ecc1(p: G1):
    return _g1_point(p).to_py_ecc()


def _to_ecc2(p: G2):
    return _g2_point(p).to_py_ecc()


def _scalar_le(k: int) -> bytes:
    if k < 0:
        raise ValueError("scalar must be non-negative")
    return k.to_bytes(max(1, (k.bit_length() + 7) // 8), "little")


def g1_mul(p: G1, k: int) -> G1:
    """k·P natively (any k ≥ 0; the points here come from keys and headers, one at a time)."""
    if p is None:
        return None
    return _g1_tuple(G1Point.from_lem(_native.g1_mul_any(g1_to_lem(p), _scalar_le(k))))


def g2_mul(p: G2, k: int) -> G2:
    """k·P natively for any point of the twist (G2 subgroup not required: cofactor clearing)."""
    if p is None:
        return None
    return _g2_tuple(G2Point.from_lem(_native.g2_mul_any(g2_to_lem(p), _scalar_le(k))))


def g1_add(a: G1, b: G1) -> G1:
    return _g1_tuple(G1Point.from_py_ecc(_bn.add(_to_ecc1(a), _to_ecc1(b))))


def g2_add(a: G2, b: G2) -> G2:
    return _g2_tuple(G2Point.from_py_ecc(_bn.add(_to_ecc2(a), _to_ecc2(b))))


def g1_neg(p: G1) -> G1:
    return None if p is None else (p[0], (-p[1]) % Q)


def g2_on_curve(p: G2) -> bool:
    return _g2_point(p).is_on_curve()


def g2_in_subgroup(p: G2) -> bool:
    """r·P == O (the G2 cofactor is large, so on-curve is not enough), by the native ψ-based check."""
    if p is None:
        return True
    try:
        _native.g2_validate(g2_to_lem(p), True)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- encodings (zkvct.curve)

def g1_from_lem(b: bytes | memoryview, what: str = "G1 point", allow_infinity: bool = False) -> G1:
    """Decode 64 LEM bytes: canonical coordinates, on the curve; infinity only if allowed."""
    try:
        return _g1_tuple(G1Point.from_lem(b, what).check(what, allow_infinity))
    except _CurvePointError as exc:
        raise PointError(str(exc)) from None


def g2_from_lem(b: bytes | memoryview, what: str = "G2 point", allow_infinity: bool = False) -> G2:
    """Decode 128 LEM bytes: canonical coordinates, on the twist, in the prime-order subgroup."""
    try:
        p = G2Point.from_lem(b, what)
        if p.infinity:
            p.check(what, allow_infinity)  # raises unless allowed
            return None
        if not p.is_on_curve():
            raise PointError(f"{what}: not on the BN254 twist curve")
    except _CurvePointError as exc:
        raise PointError(str(exc)) from None
    pt = _g2_tuple(p)
    if not g2_in_subgroup(pt):
        raise PointError(f"{what}: not in the prime-order subgroup of G2")
    return pt


def g1_to_lem(p: G1) -> bytes:
    return _g1_point(p).to_lem()


def g2_to_lem(p: G2) -> bytes:
    return _g2_point(p).to_lem()


def g1_to_uncompressed(p: G1) -> bytes:
    return _g1_point(p).to_uncompressed()


def g2_to_uncompressed(p: G2) -> bytes:
    return _g2_point(p).to_uncompressed()


# ---------------------------------------------------------------- ffjavascript-compatible sampling

def fq_from_rng(rng: ChaCha) -> int:
    """ffjavascript ``F1.fromRng``: 4 u64 words (low first), 254-bit mask, reject >= q, read as Montgomery."""
    while True:
        v = 0
        for i in range(4):
            v |= rng.next_u64() << (64 * i)
        v &= _MASK254
        if v < Q:
            return fq_from_mont_le(v.to_bytes(32, "little"))


def fr_from_rng(rng: ChaCha) -> int:
    """ffjavascript ``Fr.fromRng`` (same sampling, modulus r, Montgomery radix 2^256)."""
    while True:
        v = 0
        for i in range(4):
            v |= rng.next_u64() << (64 * i)
        v &= _MASK254
        if v < R:
            return v * FR_MONT_INV % R


def g1_from_rng(rng: ChaCha) -> G1:
    """ffjavascript ``G1.fromRng``: random x until x^3 + 3 is a square, sign chosen by a coin."""
    while True:
        x = fq_from_rng(rng)
        greatest = rng.next_bool()
        rhs = (x * x * x + 3) % Q
        if _legendre(rhs) != -1:
            break
    y = pow(rhs, (Q + 1) // 4, Q)
    if greatest ^ fq_is_negative(y):
        y = (-y) % Q
    return (x, y)


def g2_from_rng(rng: ChaCha) -> G2:
    """ffjavascript ``G2.fromRng``: as G1 over Fq2, then multiplied by the G2 cofactor."""
    while True:
        x = (fq_from_rng(rng), fq_from_rng(rng))
        greatest = rng.next_bool()
        rhs = f2_add(f2_mul(f2_mul(x, x), x), B2)
        if f2_is_square(rhs):
            break
    y = f2_sqrt(rhs)
    if greatest ^ f2_is_negative(y):
        y = f2_neg(y)
    return g2_mul((x, y), G2_COFACTOR)


def hash_to_g2(digest: bytes) -> G2:
    """snarkjs ``hashToG2``: ChaCha seeded with the first 32 bytes (big-endian words) → G2.fromRng."""
    return g2_from_rng(ChaCha.from_bytes_be(digest))
