"""The hashed point encodings (native uncompressed, numpy compressed) against the Python reference."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremony import curve as C
from ceremony import kernels as K


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
