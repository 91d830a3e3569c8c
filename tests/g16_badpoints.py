"""Constructions of invalid BN254 points for negative tests (computed, not hard-coded).

* :func:`g2_not_in_subgroup` - points on the G2 twist curve whose order is not r (G2's cofactor is
  about 2^254, so a random curve point is outside the subgroup with overwhelming probability;
  each result is checked to be so, with py_ecc, independently of the native core).
* :func:`g1_off_curve` / :func:`g2_off_curve` - coordinates that fail the curve equation.
"""
from __future__ import annotations

from zkvct.curve import B2, G1Point, G2Point, f2_add, f2_is_square, f2_mul, f2_sqrt
from zkvct.field import Q


def g2_not_in_subgroup(count: int, start: int = 5) -> list[G2Point]:
    """``count`` twist points (x0 + u, y) for x0 = start, start+1, ... that lie outside G2."""
    out: list[G2Point] = []
    x0 = start
    while len(out) < count:
        x = (x0, 1)
        x0 += 1
        rhs = f2_add(f2_mul(f2_mul(x, x), x), B2)
        if not f2_is_square(rhs):
            continue
        p = G2Point(x, f2_sqrt(rhs))
        assert p.is_on_curve()
        if not p.in_subgroup():
            out.append(p)
    return out


def g1_off_curve(p: G1Point) -> G1Point:
    return G1Point(p.x, (p.y + 1) % Q)


def g2_off_curve(p: G2Point) -> G2Point:
    return G2Point(p.x, ((p.y[0] + 1) % Q, p.y[1]))
