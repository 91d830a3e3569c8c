"""The hashed point encodings (native uncompressed, numpy compressed) against the Python reference."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremony import curve as C
from ceremony import kernels as K
from zkvct.field import Q, R


@given(st.lists(st.integers(min_value=1, max_value=(1 << 64)), min_size=1, max_size=6))
@settings(max_examples=25, deadline=None)
def test_point_encodings_match_native_and_reference(scalars: list[int]) -> None:
    g1 = [C.g1_mul(C.G1_GEN, s) for s in scalars]
    g2 = [C.g2_mul(C.G2_GEN, s) for s in scalars]
    lem1, lem2 = b"".join(map(C.g1_to_lem, g1)), b"".join(map(C.g2_to_lem, g2))
    u1, u2 = K.lem_to_uncompressed("G1", lem1), K.lem_to_uncompressed("G2", lem2)
    assert u1 == b"".join(map(C.g1_to_uncompressed, g1))
    assert u2 == b"".join(map(C.g2_to_uncompressed, g2))
    # compressed: x plus the sign flag of y
    c1 = K.uncompressed_to_compressed("G1", u1)
    for i, p in enumerate(g1):
        x = int.from_bytes(c1[32 * i:32 * i + 32], "big")
        assert x & ((1 << 254) - 1) == p[0] and bool(x >> 255) == C.fq_is_negative(p[1])
    c2 = K.uncompressed_to_compressed("G2", u2)
    for i, p in enumerate(g2):
        chunk = c2[64 * i:64 * i + 64]
        assert bool(chunk[0] & 0x80) == C.f2_is_negative(p[1])


def test_infinity_encodings() -> None:
    assert K.lem_to_uncompressed("G2", bytes(128)) == bytes(128)
    assert K.lem_to_uncompressed("G1", bytes(64)) == bytes(64)
    assert K.uncompressed_to_compressed("G1", bytes(64)) == b"\x40" + bytes(31)


def test_trusted_conversion_still_rejects_off_curve_and_ragged_input() -> None:
    """``trusted`` skips only the G2 subgroup check: a point off the curve is still refused."""
    bad = bytearray(C.g2_to_lem(C.g2_mul(C.G2_GEN, 7)))
    bad[0] ^= 1
    with pytest.raises(ValueError):
        K.lem_to_uncompressed("G2", bytes(bad))
    with pytest.raises(ValueError, match="not a whole number of 64-byte points"):
        K.lem_to_uncompressed("G1", bytes(65))


@given(st.integers(min_value=1, max_value=R - 1))
@settings(max_examples=20, deadline=None)
def test_lem_round_trip_through_zkvct_curve(k: int) -> None:
    p1, p2 = C.g1_mul(C.G1_GEN, k), C.g2_mul(C.G2_GEN, k)
    assert C.g1_from_lem(C.g1_to_lem(p1)) == p1
    assert C.g2_from_lem(C.g2_to_lem(p2)) == p2


def test_point_decoding_errors_name_the_point_and_the_problem() -> None:
    g1 = bytearray(C.g1_to_lem(C.g1_mul(C.G1_GEN, 5)))
    with pytest.raises(C.PointError, match="tauG1: expected 64 bytes, got 63"):
        C.g1_from_lem(bytes(g1[:63]), "tauG1")
    with pytest.raises(C.PointError, match=r"tauG1.x: Montgomery value is not < q"):
        C.g1_from_lem(Q.to_bytes(32, "little") + bytes(g1[32:]), "tauG1")
    off = bytearray(g1)
    off[40] ^= 1
    with pytest.raises(C.PointError, match="tauG1 is not on the BN254 G1 curve"):
        C.g1_from_lem(bytes(off), "tauG1")
    with pytest.raises(C.PointError, match="tauG1 is the point at infinity, which is not allowed here"):
        C.g1_from_lem(bytes(64), "tauG1")
    assert C.g1_from_lem(bytes(64), "tauG1", allow_infinity=True) is None
    g2 = bytearray(C.g2_to_lem(C.g2_mul(C.G2_GEN, 5)))
    g2[100] ^= 1
    with pytest.raises(C.PointError, match="betaG2: not on the BN254 twist curve"):
        C.g2_from_lem(bytes(g2), "betaG2")
    with pytest.raises(C.PointError, match="betaG2 is the point at infinity"):
        C.g2_from_lem(bytes(128), "betaG2")


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**300), st.integers(1, R - 1))
def test_native_one_point_products_match_py_ecc(k: int, base: int) -> None:
    """g1_mul/g2_mul run natively for any k >= 0 (also >= r, and on points outside G2)."""
    import py_ecc.optimized_bn128 as bn

    from zkvct.curve import G1Point, G2Point

    p1 = C.g1_mul(C.G1_GEN, base)
    want1 = G1Point.from_py_ecc(bn.multiply(C._to_ecc1(p1), k))
    assert C.g1_mul(p1, k) == C._g1_tuple(want1)
    p2 = C.g2_mul(C.G2_GEN, base)
    want2 = G2Point.from_py_ecc(bn.multiply(C._to_ecc2(p2), k))
    assert C.g2_mul(p2, k) == C._g2_tuple(want2)


def test_cofactor_clearing_of_a_twist_point_matches_py_ecc() -> None:
    import py_ecc.optimized_bn128 as bn

    from ceremony.chacha import ChaCha
    from zkvct.curve import G2Point

    hashed = C.g2_from_rng(ChaCha.from_bytes_be(bytes(range(32))))
    assert C.g2_in_subgroup(hashed)  # g2_from_rng multiplies by the cofactor
    x = (5, 1)
    rhs = C.f2_add(C.f2_mul(C.f2_mul(x, x), x), C.B2)
    while not C.f2_is_square(rhs):
        x = (x[0] + 1, 1)
        rhs = C.f2_add(C.f2_mul(C.f2_mul(x, x), x), C.B2)
    raw = (x, C.f2_sqrt(rhs))
    assert not C.g2_in_subgroup(raw)
    want = G2Point.from_py_ecc(bn.multiply(C._to_ecc2(raw), C.G2_COFACTOR))
    got = C.g2_mul(raw, C.G2_COFACTOR)
    assert got == C._g2_tuple(want) and C.g2_in_subgroup(got)
    assert C.g1_mul(None, 5) is None and C.g2_mul(None, 5) is None
