"""ffjavascript's ``fromRng`` sampling and snarkjs's ``hashToG2``: the ceremony's only curve code of its own.

snarkjs derives contribution keys, beacon keys and the ``g2_sp`` base point of every proof of
knowledge from a ChaCha stream (:mod:`ceremony.chacha`), so these are reproduced bit for bit: the
same stream reads, the same rejection sampling, the same sign convention for choosing a square
root (:func:`zkvct.curve.fq_is_negative` / :func:`zkvct.curve.f2_is_negative`) and, for G2, the
same cofactor multiplication. Points, Fq2 arithmetic and encodings are :mod:`zkvct.curve`'s.
"""
from __future__ import annotations

from zkvct.curve import (
    B2, G1Point, G2Point, f2_add, f2_is_negative, f2_is_square, f2_mul, f2_neg, f2_sqrt, fq_from_mont_le,
    fq_is_negative, fq_is_square, fq_sqrt,
)
from zkvct.field import Q, R

from .chacha import ChaCha

FR_MONT_INV = pow(1 << 256, -1, R)
_MASK254 = (1 << 254) - 1
#: Cofactor of G2 as ffjavascript multiplies by it (2q - r; the twist's order is r·(2q - r)).
G2_COFACTOR = 2 * Q - R


def _masked_u256(rng: ChaCha) -> int:
    """Four u64 words (low word first), masked to 254 bits: ffjavascript's candidate field value."""
    v = 0
    for i in range(4):
        v |= rng.next_u64() << (64 * i)
    return v & _MASK254


def fq_from_rng(rng: ChaCha) -> int:
    """ffjavascript ``F1.fromRng``: a 254-bit candidate, rejected if >= q, read as Montgomery form."""
    while True:
        v = _masked_u256(rng)
        if v < Q:
            return fq_from_mont_le(v.to_bytes(32, "little"))


def fr_from_rng(rng: ChaCha) -> int:
    """ffjavascript ``Fr.fromRng`` (same sampling, modulus r, Montgomery radix 2^256)."""
    while True:
        v = _masked_u256(rng)
        if v < R:
            return v * FR_MONT_INV % R


def g1_from_rng(rng: ChaCha) -> G1Point:
    """ffjavascript ``G1.fromRng``: random x until x^3 + 3 is a square, sign chosen by a coin."""
    while True:
        x = fq_from_rng(rng)
        greatest = rng.next_bool()
        rhs = (x * x * x + 3) % Q
        if fq_is_square(rhs):
            break
    y = fq_sqrt(rhs)
    if greatest ^ fq_is_negative(y):
        y = (-y) % Q
    return G1Point(x, y)


def g2_from_rng(rng: ChaCha) -> G2Point:
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
    return G2Point(x, y).mul(G2_COFACTOR)


def hash_to_g2(digest: bytes) -> G2Point:
    """snarkjs ``hashToG2``: ChaCha seeded with the first 32 bytes (big-endian words) → G2.fromRng."""
    return g2_from_rng(ChaCha.from_bytes_be(digest))
