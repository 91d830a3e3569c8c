"""Constructions of invalid BN254 points for negative tests (computed, not hard-coded).

* :func:`g2_not_in_subgroup` - points on the G2 twist curve whose order is not r (G2's cofactor is
  about 2^254, so a random curve point is outside the subgroup with overwhelming probability;
  each result is checked to be so).
* :func:`g1_off_curve` / :func:`g2_off_curve` - coordinates that fail the curve equation.
"""
from __future__ import annotations

from py_ecc.fields import optimized_bn128_FQ2 as FQ2

from zkvct.curve import B2, G1Point, G2Point
from zkvct.field import Q


def _fq2_sqrt(a: FQ2) -> FQ2 | None:
    """Square root in Fq2 for q = 3 mod 4 (Adj and Rodriguez-Henriquez, Algorithm 9)."""
    a1 = a ** ((Q - 3) // 4)
    alpha = a1 * a1 * a
    a0 = (alpha ** Q) * alpha
    minus_one = FQ2([Q - 1, 0])
    if a0 == minus_one:
        return None
    x0 = a1 * a
    if alpha == minus_one:
        x = FQ2([0, 1]) * x0
    else:
        b = (FQ2([1, 0]) + alpha) ** ((Q - 1) // 2)
        x = b * x0
    return x if x * x == a else None


def g2_not_in_subgroup(count: int, start: int = 5) -> list[G2Point]:
    out: list[G2Point] = []
    x0 = start
    b2 = FQ2(list(B2))
    while len(out) < count:
        x = FQ2([x0, 1])
        y = _fq2_sqrt(x * x * x + b2)
        x0 += 1
        if y is None:
            continue
        p = G2Point(tuple(int(c) for c in x.coeffs), tuple(int(c) for c in y.coeffs))  # type: ignore[arg-type]
        assert p.is_on_curve()
        if not p.in_subgroup():
            out.append(p)
    return out


def g1_off_curve(p: G1Point) -> G1Point:
    return G1Point(p.x, (p.y + 1) % Q)


def g2_off_curve(p: G2Point) -> G2Point:
    return G2Point(p.x, ((p.y[0] + 1) % Q, p.y[1]))
