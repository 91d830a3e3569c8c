"""BN254 points one at a time: the few keys and points of a contribution record, not the sections.

Bulk point work (whole ``.ptau`` sections) happens in the native core (see :mod:`ceremony.kernels`).
What remains here is per-contribution: decoding the public keys, snarkjs' ``hashToG2`` and
``G1.fromRng`` (which must be reproduced exactly, so they are written out with the same sampling
and sign conventions as ffjavascript/wasmcurves), and the encodings hashed into the transcript.

Representation: a G1 point is ``None`` (infinity) or ``(x, y)`` of ints; a G2 point is ``None`` or
``((x0, x1), (y0, y1))`` with Fq2 = Fq[u]/(u^2 + 1), element ``c0 + c1·u``.

Encodings (see docs/DESIGN.md and shared/docs/reference.md):

* LEM: x‖y, each coordinate 32-byte little-endian Montgomery (G2: x.c0‖x.c1‖y.c0‖y.c1); infinity is
  all zero bytes.
* uncompressed ("U"): big-endian normal form; an Fq2 coordinate is written c1 then c0 (wasmcurves
  reverses the whole 64-byte LE element); infinity is all zero bytes (batch ``LEMtoU``).
* compressed ("C"): the x part of U, with 0x80 set in the first byte when y is "negative"
  (y > (q-1)/2; for Fq2 the sign of c1, or of c0 when c1 = 0) and 0x40 alone for infinity.
"""
from __future__ import annotations

from typing import Optional, Tuple

import py_ecc.optimized_bn128 as _bn

from zkvct.field import Q, R
from zkvct.formats.binfile import FormatError

from .chacha import ChaCha

Fq2 = Tuple[int, int]
G1 = Optional[Tuple[int, int]]
G2 = Optional[Tuple[Fq2, Fq2]]

MONT = (1 << 256) % Q
MONT_INV = pow(1 << 256, -1, Q)
FR_MONT_INV = pow(1 << 256, -1, R)
_HALF_Q = (Q - 1) // 2
_MASK254 = (1 << 254) - 1
#: twist coefficient b' = 3 / (9 + u)
B2: Fq2 = (
    19485874751759354771024239261021720505790618469301721065564631296452457478373,
    266929791119991161246907387137283842545076965332900288569378510910307636690,
)
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


# ---------------------------------------------------------------- group operations (via py_ecc)

def _to_ecc1(p: G1):
    if p is None:
        return (_bn.FQ.one(), _bn.FQ.one(), _bn.FQ.zero())
    return (_bn.FQ(p[0]), _bn.FQ(p[1]), _bn.FQ.one())


def _from_ecc1(p) -> G1:
    if _bn.is_inf(p):
        return None
    x, y = _bn.normalize(p)
    return (int(x), int(y))


def _to_ecc2(p: G2):
    if p is None:
        return (_bn.FQ2.one(), _bn.FQ2.one(), _bn.FQ2.zero())
    return (_bn.FQ2(list(p[0])), _bn.FQ2(list(p[1])), _bn.FQ2.one())


def _from_ecc2(p) -> G2:
    if _bn.is_inf(p):
        return None
    x, y = _bn.normalize(p)
    return ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))


def g1_mul(p: G1, k: int) -> G1:
    return _from_ecc1(_bn.multiply(_to_ecc1(p), k))


def g2_mul(p: G2, k: int) -> G2:
    return _from_ecc2(_bn.multiply(_to_ecc2(p), k))


def g1_add(a: G1, b: G1) -> G1:
    return _from_ecc1(_bn.add(_to_ecc1(a), _to_ecc1(b)))


def g2_add(a: G2, b: G2) -> G2:
    return _from_ecc2(_bn.add(_to_ecc2(a), _to_ecc2(b)))


def g1_neg(p: G1) -> G1:
    return None if p is None else (p[0], (-p[1]) % Q)


def g1_on_curve(p: G1) -> bool:
    return p is None or (p[1] * p[1] - p[0] ** 3 - 3) % Q == 0


def g2_on_curve(p: G2) -> bool:
    if p is None:
        return True
    x, y = p
    return f2_mul(y, y) == f2_add(f2_mul(f2_mul(x, x), x), B2)


def g2_in_subgroup(p: G2) -> bool:
    """r·P == O (the G2 cofactor is large, so on-curve is not enough); native when available."""
    if p is None:
        return True
    try:
        from zkvct import _native

        _native.g2_validate(g2_to_lem(p), True)
        return True
    except ImportError:  # pragma: no cover - without the native core
        return _bn.is_inf(_bn.multiply(_to_ecc2(p), R))
    except ValueError:
        return False


# ---------------------------------------------------------------- encodings

def _fq_from_mont(b: bytes | memoryview, what: str) -> int:
    v = int.from_bytes(b, "little")
    if v >= Q:
        raise PointError(f"{what}: coordinate is not reduced (>= q)")
    return v * MONT_INV % Q


def _fq_to_mont(v: int) -> bytes:
    return (v * MONT % Q).to_bytes(32, "little")


def g1_from_lem(b: bytes | memoryview, what: str = "G1 point", allow_infinity: bool = False) -> G1:
    b = bytes(b)
    if len(b) != 64:
        raise PointError(f"{what}: expected 64 bytes, got {len(b)}")
    if b == bytes(64):
        if allow_infinity:
            return None
        raise PointError(f"{what}: is the point at infinity, which is not allowed here")
    p = (_fq_from_mont(b[:32], what), _fq_from_mont(b[32:], what))
    if not g1_on_curve(p):
        raise PointError(f"{what}: not on the BN254 curve")
    return p


def g1_to_lem(p: G1) -> bytes:
    return bytes(64) if p is None else _fq_to_mont(p[0]) + _fq_to_mont(p[1])


def g2_from_lem(b: bytes | memoryview, what: str = "G2 point", allow_infinity: bool = False) -> G2:
    b = bytes(b)
    if len(b) != 128:
        raise PointError(f"{what}: expected 128 bytes, got {len(b)}")
    if b == bytes(128):
        if allow_infinity:
            return None
        raise PointError(f"{what}: is the point at infinity, which is not allowed here")
    c = [_fq_from_mont(b[32 * i:32 * i + 32], what) for i in range(4)]
    p = ((c[0], c[1]), (c[2], c[3]))
    if not g2_on_curve(p):
        raise PointError(f"{what}: not on the BN254 twist curve")
    if not g2_in_subgroup(p):
        raise PointError(f"{what}: not in the prime-order subgroup of G2")
    return p


def g2_to_lem(p: G2) -> bytes:
    if p is None:
        return bytes(128)
    return b"".join(_fq_to_mont(v) for v in (p[0][0], p[0][1], p[1][0], p[1][1]))


def g1_to_uncompressed(p: G1) -> bytes:
    if p is None:
        return bytes(64)
    return p[0].to_bytes(32, "big") + p[1].to_bytes(32, "big")


def g2_to_uncompressed(p: G2) -> bytes:
    if p is None:
        return bytes(128)
    (x0, x1), (y0, y1) = p
    return b"".join(v.to_bytes(32, "big") for v in (x1, x0, y1, y0))


# ---------------------------------------------------------------- ffjavascript-compatible sampling

def fq_from_rng(rng: ChaCha) -> int:
    """ffjavascript ``F1.fromRng``: 4 u64 words (low first), 254-bit mask, reject >= q, read as Montgomery."""
    while True:
        v = 0
        for i in range(4):
            v |= rng.next_u64() << (64 * i)
        v &= _MASK254
        if v < Q:
            return v * MONT_INV % Q


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
