"""Arithmetic on single BN254 base-field coordinates: Fq square roots and signs, and Fq2 = Fq[u]/(u^2 + 1).

An Fq2 element is a pair ``(c0, c1)`` meaning ``c0 + c1·u``, the layout of snarkjs's JSON files and
of :class:`zkvct.curve.G2Point`. These functions serve the few points handled one at a time (curve
equation checks, affine additions, the square roots of ffjavascript's point sampling); bulk point
data never reaches them, it stays in the native core.

q = 3 mod 4, so an Fq square root is one exponentiation, -1 is not a square in Fq, and an Fq2
square root reduces to two Fq square roots through the norm N(c0 + c1·u) = c0^2 + c1^2.

The sign convention is ffjavascript's (snarkjs's compressed form and point sampling): an Fq value
is "negative" when it is greater than (q-1)/2; an Fq2 value takes the sign of c1, or of c0 when
c1 = 0.
"""
from __future__ import annotations

from typing import Tuple

from ..field import Q

Fq2 = Tuple[int, int]

F2_ZERO: Fq2 = (0, 0)
F2_ONE: Fq2 = (1, 0)

_HALF_Q = (Q - 1) // 2
_HALF = pow(2, -1, Q)


# ---------------------------------------------------------------- Fq

def fq_is_square(v: int) -> bool:
    """Euler's criterion: v^((q-1)/2) is 1 for a nonzero square (0 counts as a square)."""
    v %= Q
    return v == 0 or pow(v, _HALF_Q, Q) == 1


def fq_sqrt(v: int) -> int:
    """A square root of v (q = 3 mod 4: v^((q+1)/4)); raises ValueError when v is not a square."""
    s = pow(v % Q, (Q + 1) // 4, Q)
    if s * s % Q != v % Q:
        raise ValueError("not a square in Fq")
    return s


def fq_is_negative(v: int) -> bool:
    """ffjavascript's sign of an Fq value: v > (q-1)/2."""
    return v % Q > _HALF_Q


# ---------------------------------------------------------------- Fq2 (u^2 = -1)

def f2_add(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] + b[0]) % Q, (a[1] + b[1]) % Q)


def f2_sub(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] - b[0]) % Q, (a[1] - b[1]) % Q)


def f2_neg(a: Fq2) -> Fq2:
    return ((-a[0]) % Q, (-a[1]) % Q)


def f2_mul(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] * b[0] - a[1] * b[1]) % Q, (a[0] * b[1] + a[1] * b[0]) % Q)


def f2_scale(a: Fq2, k: int) -> Fq2:
    """a times an Fq scalar k."""
    return (a[0] * k % Q, a[1] * k % Q)


def f2_norm(a: Fq2) -> int:
    """N(a) = a·conj(a) = c0^2 + c1^2, an Fq element (zero only for a = 0)."""
    return (a[0] * a[0] + a[1] * a[1]) % Q


def f2_inv(a: Fq2) -> Fq2:
    """1/a = conj(a)/N(a); raises ZeroDivisionError for 0."""
    n = f2_norm(a)
    if n == 0:
        raise ZeroDivisionError("0 has no inverse in Fq2")
    n_inv = pow(n, -1, Q)
    return (a[0] * n_inv % Q, (-a[1]) * n_inv % Q)


def f2_is_square(a: Fq2) -> bool:
    """a is a square in Fq2 iff its norm is a square in Fq."""
    return fq_is_square(f2_norm(a))


def f2_sqrt(a: Fq2) -> Fq2:
    """A square root of a, by the norm (two Fq square roots); raises ValueError when there is none.

    For a = a0 + a1·u with a1 != 0 and a root x0 + x1·u: x0^2 - x1^2 = a0 and 2·x0·x1 = a1, so
    x0^2 = (a0 ± s)/2 with s^2 = N(a); exactly one sign gives an Fq square (their product is
    -a1^2/4, a non-square since -1 is one for q = 3 mod 4), then x1 = a1 / (2·x0). For a1 = 0
    the root is sqrt(a0) or sqrt(-a0)·u. Which of the two roots comes back is fixed; callers that
    need a particular one (ffjavascript's sampling) choose by :func:`f2_is_negative`.
    """
    a0, a1 = a[0] % Q, a[1] % Q
    if a1 == 0:
        return (fq_sqrt(a0), 0) if fq_is_square(a0) else (0, fq_sqrt(-a0 % Q))
    norm = f2_norm((a0, a1))
    if not fq_is_square(norm):
        raise ValueError("not a square in Fq2")
    s = fq_sqrt(norm)
    x0_sq = (a0 + s) * _HALF % Q
    if not fq_is_square(x0_sq):
        x0_sq = (a0 - s) * _HALF % Q
    x0 = fq_sqrt(x0_sq)
    return (x0, a1 * pow(2 * x0, -1, Q) % Q)


def f2_is_negative(a: Fq2) -> bool:
    """ffjavascript's sign of an Fq2 value: the sign of c1, or of c0 when c1 = 0."""
    return fq_is_negative(a[1]) if a[1] % Q != 0 else fq_is_negative(a[0])
