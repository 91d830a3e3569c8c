"""G1Point / G2Point: constants, encodings, checks and single-point arithmetic against py_ecc and the native core."""
from __future__ import annotations

import py_ecc.optimized_bn128 as bn
import pytest
from g16_badpoints import g2_not_in_subgroup
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvct import native as _native
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


@pytest.mark.parametrize(("cls", "gen"), [(G1Point, bn.G1), (G2Point, bn.G2)])
def test_add_neg_mul_match_py_ecc(cls, gen) -> None:
    @given(scalars, scalars)
    @settings(max_examples=10, deadline=None)
    def run(a: int, b: int) -> None:
        p, q = bn.multiply(gen, a), bn.multiply(gen, b)
        P, Q_ = cls.from_py_ecc(p), cls.from_py_ecc(q)
        assert P.add(Q_) == cls.from_py_ecc(bn.add(p, q))
        assert P.add(P) == cls.from_py_ecc(bn.double(p))
        assert P.neg() == cls.from_py_ecc(bn.neg(p))
        assert cls.generator().mul(a) == P

    run()


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


def _encodings(cls):
    """Valid LEM encodings, the same with one byte changed or cut, and arbitrary bytes."""
    valid = scalars.map(lambda k: cls.generator().mul(k).to_lem())
    damaged = st.tuples(valid, st.integers(0, len(cls.identity().to_lem()) - 1), st.integers(1, 255)).map(
        lambda t: t[0][:t[1]] + bytes([t[0][t[1]] ^ t[2]]) + t[0][t[1] + 1:])
    return st.one_of(valid, damaged, valid.map(lambda b: b[:-1]), st.binary(min_size=0, max_size=130))


@pytest.mark.parametrize("cls", [G1Point, G2Point])
def test_lem_parser_accepts_exactly_the_valid_points(cls) -> None:
    """Bytes either decode to a valid point that re-encodes identically, or raise PointError (nothing else)."""
    @given(_encodings(cls))
    @settings(max_examples=150, deadline=None)
    def run(raw: bytes) -> None:
        try:
            p = cls.from_lem_checked(raw, "p", allow_infinity=True)
        except PointError:
            return
        assert p.to_lem() == raw and p.is_on_curve()
        assert _native.g1_validate(raw, True) is None if cls is G1Point else _native.g2_validate(raw, True) is None

    run()


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
