"""The hashed point encodings (native uncompressed, numpy compressed) against the Python reference,
and ffjavascript's G2 sampling (cofactor clearing) against py_ecc."""
from __future__ import annotations

import pytest
from g16_badpoints import g2_not_in_subgroup
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvct.curve import G1_GENERATOR, G2_GENERATOR, G2Point, f2_is_negative, fq_is_negative

from ceremony import kernels as K
from ceremony.chacha import ChaCha
from ceremony.sampling import G2_COFACTOR, g2_from_rng


@given(st.lists(st.integers(min_value=1, max_value=(1 << 64)), min_size=1, max_size=6))
@settings(max_examples=25, deadline=None)
def test_point_encodings_match_native_and_reference(scalars: list[int]) -> None:
    g1 = [G1_GENERATOR.mul(s) for s in scalars]
    g2 = [G2_GENERATOR.mul(s) for s in scalars]
    lem1, lem2 = b"".join(p.to_lem() for p in g1), b"".join(p.to_lem() for p in g2)
    u1, u2 = K.lem_to_uncompressed("G1", lem1), K.lem_to_uncompressed("G2", lem2)
    assert u1 == b"".join(p.to_uncompressed() for p in g1)
    assert u2 == b"".join(p.to_uncompressed() for p in g2)
    # compressed: x plus the sign flag of y
    c1 = K.uncompressed_to_compressed("G1", u1)
    for i, p in enumerate(g1):
        x = int.from_bytes(c1[32 * i:32 * i + 32], "big")
        assert x & ((1 << 254) - 1) == p.x and bool(x >> 255) == fq_is_negative(p.y)
    c2 = K.uncompressed_to_compressed("G2", u2)
    for i, p in enumerate(g2):
        chunk = c2[64 * i:64 * i + 64]
        assert bool(chunk[0] & 0x80) == f2_is_negative(p.y)


def test_infinity_encodings() -> None:
    assert K.lem_to_uncompressed("G2", bytes(128)) == bytes(128)
    assert K.lem_to_uncompressed("G1", bytes(64)) == bytes(64)
    assert K.uncompressed_to_compressed("G1", bytes(64)) == b"\x40" + bytes(31)


def test_trusted_conversion_still_rejects_off_curve_and_ragged_input() -> None:
    """``trusted`` skips only the G2 subgroup check: a point off the curve is still refused."""
    bad = bytearray(G2_GENERATOR.mul(7).to_lem())
    bad[0] ^= 1
    with pytest.raises(ValueError):
        K.lem_to_uncompressed("G2", bytes(bad))
    with pytest.raises(ValueError, match="not a whole number of 64-byte points"):
        K.lem_to_uncompressed("G1", bytes(65))


def test_cofactor_clearing_of_a_sampled_point_matches_py_ecc() -> None:
    """g2_from_rng multiplies its twist point by ffjavascript's cofactor (2q - r): the result is in G2."""
    import py_ecc.optimized_bn128 as bn

    hashed = g2_from_rng(ChaCha.from_bytes_be(bytes(range(32))))
    assert hashed.in_subgroup(native=True) and hashed.in_subgroup()
    raw = g2_not_in_subgroup(1)[0]
    want = G2Point.from_py_ecc(bn.multiply(raw.to_py_ecc(), G2_COFACTOR))
    got = raw.mul(G2_COFACTOR)
    assert got == want and got.in_subgroup(native=True)
