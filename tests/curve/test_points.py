"""G1Point / G2Point: constants, encodings, checks and single-point arithmetic against py_ecc and the native core."""
from __future__ import annotations

import py_ecc.optimized_bn128 as bn
import pytest
from g16_badpoints import g2_not_in_subgroup
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvct import _native
from zkvct.curve import B2, G1_GENERATOR, G2_GENERATOR, G1Point, G2Point, PointError
from zkvct.errors import FormatError, PointError as ErrorsPointError, ZkvctError
from zkvct.field import Q, R

scalars = st.integers(min_value=1, max_value=R - 1)


def test_one_point_error_class() -> None:
    """zkvct.curve re-exports the one PointError; it is a format error, a ZkvctError and a ValueError."""
    assert PointError is ErrorsPointError
    assert issubclass(PointError, FormatError) and issubclass(PointError, ZkvctError) and issubclass(PointError, ValueError)


def test_constants_match_py_ecc_and_native() -> None:
    assert G1Point.from_py_ecc(bn.G1) == G1_GENERATOR == G1Point.generator()
    assert G2Point.from_py_ecc(bn.G2) == G2_GENERATOR == G2Point.generator()
    assert B2 == tuple(int(c) for c in bn.b2.coeffs)
    assert G1_GENERATOR.to_lem() == _native.g1_generator()
    assert G2_GENERATOR.to_lem() == _native.g2_generator()


@given(scalars, scalars)
@settings(max_examples=10, deadline=None)
def test_add_neg_mul_match_py_ecc(a: int, b: int) -> None:
    p1, q1 = bn.multiply(bn.G1, a), bn.multiply(bn.G1, b)
    P1, Q1 = G1Point.from_py_ecc(p1), G1Point.from_py_ecc(q1)
    assert P1.add(Q1) == G1Point.from_py_ecc(bn.add(p1, q1))
    assert P1.add(P1) == G1Point.from_py_ecc(bn.double(p1))
    assert P1.neg() == G1Point.from_py_ecc(bn.neg(p1))
    assert G1_GENERATOR.mul(a) == P1
    p2, q2 = bn.multiply(bn.G2, a), bn.multiply(bn.G2, b)
    P2, Q2 = G2Point.from_py_ecc(p2), G2Point.from_py_ecc(q2)
    assert P2.add(Q2) == G2Point.from_py_ecc(bn.add(p2, q2))
    assert P2.add(P2) == G2Point.from_py_ecc(bn.double(p2))
    assert P2.neg() == G2Point.from_py_ecc(bn.neg(p2))
    assert G2_GENERATOR.mul(a) == P2


def test_identity_in_arithmetic() -> None:
    for P in (G1_GENERATOR.mul(7), G2_GENERATOR.mul(7)):
        O = type(P).identity()
        assert P.add(O) == P and O.add(P) == P and O.add(O) == O
        assert P.add(P.neg()) == O and P.neg().add(P) == O
        assert O.neg() == O and O.mul(5) == O
        assert P.mul(0) == O and P.mul(R) == O
    with pytest.raises(ValueError, match="scalar must be non-negative"):
        G1_GENERATOR.mul(-1)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**300), scalars)
def test_native_scalar_multiplication_matches_py_ecc_for_any_scalar(k: int, base: int) -> None:
    """mul runs natively for any k >= 0 (also >= r), and on G2 points outside the subgroup."""
    p1 = G1_GENERATOR.mul(base)
    assert p1.mul(k) == G1Point.from_py_ecc(bn.multiply(p1.to_py_ecc(), k))
    p2 = G2_GENERATOR.mul(base)
    assert p2.mul(k) == G2Point.from_py_ecc(bn.multiply(p2.to_py_ecc(), k))


def test_arithmetic_outside_the_subgroup() -> None:
    t = g2_not_in_subgroup(1)[0]
    tt = t.to_py_ecc()
    assert t.add(G2_GENERATOR) == G2Point.from_py_ecc(bn.add(tt, bn.G2))
    assert t.add(t) == G2Point.from_py_ecc(bn.double(tt))
    assert t.mul(12345) == G2Point.from_py_ecc(bn.multiply(tt, 12345))


def test_subgroup_checks_agree() -> None:
    """The py_ecc test (reference verifier) and the native ψ test (file readers) give the same answers."""
    inside = G2_GENERATOR.mul(99)
    outside = g2_not_in_subgroup(2)
    assert inside.in_subgroup() and inside.in_subgroup(native=True)
    for p in outside:
        assert not p.in_subgroup() and not p.in_subgroup(native=True)
        with pytest.raises(PointError, match="g2: not in the prime-order subgroup of G2"):
            p.check("g2")
        with pytest.raises(PointError, match="g2: not in the prime-order subgroup of G2"):
            G2Point.from_lem_checked(p.to_lem(), "g2")


@given(scalars)
@settings(max_examples=20, deadline=None)
def test_lem_and_uncompressed_round_trips(k: int) -> None:
    p1, p2 = G1_GENERATOR.mul(k), G2_GENERATOR.mul(k)
    assert G1Point.from_lem_checked(p1.to_lem()) == p1
    assert G2Point.from_lem_checked(p2.to_lem()) == p2
    assert _native.g1_to_uncompressed(p1.to_lem()) == p1.to_uncompressed()
    assert _native.g2_to_uncompressed(p2.to_lem()) == p2.to_uncompressed()
    assert _native.g1_to_affine_ints(p1.to_lem()) == (p1.x, p1.y)
    assert _native.g2_to_affine_ints(p2.to_lem()) == (p2.x, p2.y)


@given(st.binary(min_size=64, max_size=64))
@settings(max_examples=200)
def test_g1_lem_parser_accepts_exactly_the_valid_points(raw: bytes) -> None:
    """Arbitrary bytes either decode to a valid point that re-encodes identically, or raise PointError."""
    try:
        p = G1Point.from_lem_checked(raw, "p", allow_infinity=True)
    except PointError:
        return
    assert p.to_lem() == raw and p.is_on_curve()


@given(st.binary(min_size=0, max_size=130))
@settings(max_examples=100)
def test_g2_lem_parser_rejects_wrong_lengths_and_junk(raw: bytes) -> None:
    try:
        p = G2Point.from_lem_checked(raw, "p", allow_infinity=True)
    except PointError:
        return
    assert p.to_lem() == raw


def test_decoding_errors_name_the_point_and_the_problem() -> None:
    g1 = bytearray(G1_GENERATOR.mul(5).to_lem())
    with pytest.raises(PointError, match="tauG1: expected 64 bytes, got 63"):
        G1Point.from_lem_checked(bytes(g1[:63]), "tauG1")
    with pytest.raises(PointError, match=r"tauG1.x: Montgomery value is not < q"):
        G1Point.from_lem_checked(Q.to_bytes(32, "little") + bytes(g1[32:]), "tauG1")
    off = bytearray(g1)
    off[40] ^= 1
    with pytest.raises(PointError, match="tauG1 is not on the BN254 G1 curve"):
        G1Point.from_lem_checked(bytes(off), "tauG1")
    with pytest.raises(PointError, match="tauG1 is the point at infinity, which is not allowed here"):
        G1Point.from_lem_checked(bytes(64), "tauG1")
    assert G1Point.from_lem_checked(bytes(64), "tauG1", allow_infinity=True).infinity
    g2 = bytearray(G2_GENERATOR.mul(5).to_lem())
    g2[100] ^= 1
    with pytest.raises(PointError, match="betaG2: not on the BN254 twist curve"):
        G2Point.from_lem_checked(bytes(g2), "betaG2")
    with pytest.raises(PointError, match="betaG2 is the point at infinity"):
        G2Point.from_lem_checked(bytes(128), "betaG2")
    with pytest.raises(PointError, match=r"vk_alpha_1.x = .* is not a base-field element"):
        G1Point(Q, 2).check("vk_alpha_1")
