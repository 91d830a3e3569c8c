"""Fq / Fq2 arithmetic of :mod:`zkvct.curve.fq2` against py_ecc's field classes as the oracle."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc.fields import optimized_bn128_FQ as FQ
from py_ecc.fields import optimized_bn128_FQ2 as FQ2

from zkvct.curve import (
    F2_ONE, F2_ZERO, f2_add, f2_inv, f2_is_negative, f2_is_square, f2_mul, f2_neg, f2_norm, f2_scale,
    f2_sqrt, f2_sub, fq_is_negative, fq_is_square, fq_sqrt,
)
from zkvct.field import Q

fq = st.integers(min_value=0, max_value=Q - 1)
fq2 = st.tuples(fq, fq)
nonzero_fq2 = fq2.filter(lambda a: a != (0, 0))


def ref(a):
    return FQ2(list(a))


def ints(x: FQ2):
    return tuple(int(c) for c in x.coeffs)


@given(fq2, fq2, fq)
@settings(max_examples=200, deadline=None)
def test_ring_operations_match_py_ecc(a, b, k) -> None:
    assert f2_add(a, b) == ints(ref(a) + ref(b))
    assert f2_sub(a, b) == ints(ref(a) - ref(b))
    assert f2_neg(a) == ints(-ref(a))
    assert f2_mul(a, b) == ints(ref(a) * ref(b))
    assert f2_scale(a, k) == ints(ref(a) * k)


@given(nonzero_fq2)
@settings(max_examples=100, deadline=None)
def test_inverse_and_norm(a) -> None:
    inv = f2_inv(a)
    assert inv == ints(ref(a).inv())
    assert f2_mul(a, inv) == F2_ONE
    # the norm is a times its conjugate, an element of Fq
    assert (f2_norm(a), 0) == f2_mul(a, (a[0], (-a[1]) % Q))


def test_zero_has_no_inverse() -> None:
    with pytest.raises(ZeroDivisionError):
        f2_inv(F2_ZERO)


@given(fq2)
@settings(max_examples=100, deadline=None)
def test_is_square_matches_euler_criterion_in_fq2(a) -> None:
    """Oracle: a is a nonzero square in Fq2 iff a^((q^2-1)/2) == 1 (py_ecc's exponentiation)."""
    euler = ref(a) ** ((Q * Q - 1) // 2)
    assert f2_is_square(a) == (a == F2_ZERO or euler == FQ2.one())


@given(fq2)
@settings(max_examples=100, deadline=None)
def test_sqrt_of_a_square_squares_back(a) -> None:
    sq = f2_mul(a, a)
    root = f2_sqrt(sq)
    assert f2_mul(root, root) == sq
    assert root in (a, f2_neg(a))
    assert f2_is_square(sq)


@given(fq)
@settings(max_examples=100, deadline=None)
def test_sqrt_of_base_field_values(c) -> None:
    """a1 = 0: Fq squares have an Fq root, the others a root on the u axis (every Fq value is an Fq2 square)."""
    root = f2_sqrt((c, 0))
    assert f2_mul(root, root) == (c, 0)
    assert f2_is_square((c, 0))


@given(nonzero_fq2)
@settings(max_examples=50, deadline=None)
def test_sqrt_of_a_non_square_raises(a) -> None:
    """A non-square (found by Euler's criterion) times a nonzero square is never a square."""
    non_square = _NON_SQUARE
    b = f2_mul(non_square, f2_mul(a, a))
    assert not f2_is_square(b)
    with pytest.raises(ValueError, match="not a square in Fq2"):
        f2_sqrt(b)


def _first_non_square():
    c = 1
    while ref((c, 1)) ** ((Q * Q - 1) // 2) == FQ2.one():
        c += 1
    return (c, 1)


_NON_SQUARE = _first_non_square()


@given(nonzero_fq2)
@settings(max_examples=100, deadline=None)
def test_sign_is_opposite_for_a_value_and_its_negation(a) -> None:
    assert f2_is_negative(a) != f2_is_negative(f2_neg(a))
    # the sign follows c1, and c0 only when c1 = 0
    if a[1]:
        assert f2_is_negative(a) == (a[1] > (Q - 1) // 2)
    else:
        assert f2_is_negative(a) == (a[0] > (Q - 1) // 2)


@given(fq)
@settings(max_examples=200, deadline=None)
def test_fq_square_root_and_sign(v) -> None:
    sq = v * v % Q
    assert fq_is_square(sq)
    assert fq_sqrt(sq) in (v, (-v) % Q)
    assert fq_is_square(v) == (v == 0 or FQ(v) ** ((Q - 1) // 2) == FQ.one())
    if v:
        # q = 3 mod 4: -1 is not a square, so -v^2 never is
        assert not fq_is_square((-sq) % Q)
        with pytest.raises(ValueError, match="not a square in Fq"):
            fq_sqrt((-sq) % Q)
        assert fq_is_negative(v) != fq_is_negative((-v) % Q)
