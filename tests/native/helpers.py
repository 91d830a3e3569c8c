"""Independent (pure Python, py_ecc) encoders for the native-core tests.

Nothing here calls `zkvct._native`: these functions are the yardstick the native results are
compared against (LEM = Montgomery little-endian, snarkjs "uncompressed" = big-endian normal).
"""
from __future__ import annotations

import py_ecc.optimized_bn128 as bn
from g16_badpoints import g2_not_in_subgroup

Q = bn.field_modulus
R = bn.curve_order
MONT = 1 << 256


def fr(v: int) -> bytes:
    return (v % R).to_bytes(32, "little")


def frs(vals) -> bytes:
    return b"".join(fr(v) for v in vals)


def fq_mont(v: int) -> bytes:
    return (v * MONT % Q).to_bytes(32, "little")


def affine(p):
    """py_ecc projective point -> affine int tuple(s); None for infinity."""
    if bn.is_inf(p):
        return None
    x, y = bn.normalize(p)
    if isinstance(x, bn.FQ2):
        return ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))
    return (int(x), int(y))


def g1_lem(p) -> bytes:
    a = affine(p)
    if a is None:
        return bytes(64)
    return fq_mont(a[0]) + fq_mont(a[1])


def g2_lem(p) -> bytes:
    a = affine(p)
    if a is None:
        return bytes(128)
    (x0, x1), (y0, y1) = a
    return fq_mont(x0) + fq_mont(x1) + fq_mont(y0) + fq_mont(y1)


def g1_uncompressed(p) -> bytes:
    a = affine(p)
    if a is None:
        return bytes(64)
    return a[0].to_bytes(32, "big") + a[1].to_bytes(32, "big")


def g2_uncompressed(p) -> bytes:
    a = affine(p)
    if a is None:
        return bytes(128)
    (x0, x1), (y0, y1) = a
    return b"".join(v.to_bytes(32, "big") for v in (x1, x0, y1, y0))


def g1_mul(k: int):
    return bn.multiply(bn.G1, k % R)


def g2_mul(k: int):
    return bn.multiply(bn.G2, k % R)


def twist_point_outside_subgroup(start: int = 1):
    """A point on the G2 twist curve y^2 = x^3 + b2 that is NOT in the order-r subgroup.

    The first (c + u, y) with c >= start found by solving the curve equation
    (:func:`g16_badpoints.g2_not_in_subgroup`, pure Python, membership checked with py_ecc).
    Returns ((x0, x1), (y0, y1)) ints.
    """
    p = g2_not_in_subgroup(1, start)[0]
    return p.x, p.y


def g2_lem_ints(x, y) -> bytes:
    return fq_mont(x[0]) + fq_mont(x[1]) + fq_mont(y[0]) + fq_mont(y[1])
