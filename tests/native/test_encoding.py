"""Point and scalar encodings of the native core against independent Python encoders."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import zkvct._native as nat

from helpers import (
    MONT, Q, R, fq_mont, fr, frs, g1_lem, g1_mul, g1_uncompressed, g2_lem, g2_lem_ints, g2_mul,
    g2_uncompressed, twist_point_outside_subgroup, affine,
)

scalars = st.integers(min_value=1, max_value=R - 1)


def g1_of(k: int) -> bytes:
    return nat.g1_batch_mul(nat.g1_generator(), fr(k))


def g2_of(k: int) -> bytes:
    return nat.g2_batch_mul(nat.g2_generator(), fr(k))


def test_generators_match_py_ecc_in_lem_layout():
    assert nat.g1_generator() == g1_lem(g1_mul(1))
    assert nat.g2_generator() == g2_lem(g2_mul(1))


@settings(max_examples=15, deadline=None)
@given(scalars)
def test_g1_lem_ints_round_trip_and_layout(k):
    lem = g1_of(k)
    assert lem == g1_lem(g1_mul(k))  # LEM bytes equal the independent Montgomery encoding
    x, y = nat.g1_to_affine_ints(lem)
    assert (x, y) == affine(g1_mul(k))
    assert nat.g1_from_affine_ints(x, y) == lem
    assert not hasattr(nat, "g1_lem_to_ints")  # one name per function: no aliases


@settings(max_examples=6, deadline=None)
@given(scalars)
def test_g2_lem_ints_round_trip_and_layout(k):
    lem = g2_of(k)
    assert lem == g2_lem(g2_mul(k))
    x, y = nat.g2_to_affine_ints(lem)
    assert (x, y) == affine(g2_mul(k))
    assert nat.g2_from_affine_ints(x, y) == lem


@settings(max_examples=10, deadline=None)
@given(st.lists(scalars, min_size=1, max_size=5))
def test_uncompressed_layout_and_round_trip(ks):
    g1 = b"".join(g1_of(k) for k in ks)
    u1 = nat.g1_to_uncompressed(g1)
    assert u1 == b"".join(g1_uncompressed(g1_mul(k)) for k in ks)
    assert nat.g1_from_uncompressed(u1) == g1
    g2 = g2_of(ks[0])
    u2 = nat.g2_to_uncompressed(g2)
    assert u2 == g2_uncompressed(g2_mul(ks[0]))  # x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0, big-endian
    assert nat.g2_from_uncompressed(u2) == g2


def test_infinity_encodings():
    assert nat.g1_to_uncompressed(bytes(64)) == bytes(64)
    assert nat.g2_to_uncompressed(bytes(128)) == bytes(128)
    assert nat.g1_from_uncompressed(b"\x40" + bytes(63)) == bytes(64)
    assert nat.g2_from_uncompressed(b"\x40" + bytes(127)) == bytes(128)
    with pytest.raises(ValueError, match="infinity flag"):
        nat.g1_from_uncompressed(b"\x40" + bytes(62) + b"\x01")
    with pytest.raises(ValueError, match="compression flag"):
        nat.g1_from_uncompressed(b"\x80" + bytes(63))
    assert nat.g1_to_affine_ints(bytes(64)) == (0, 0)
    nat.g1_validate(bytes(64), allow_infinity=True)
    with pytest.raises(ValueError, match="point 0: the point at infinity is not allowed"):
        nat.g1_validate(bytes(64))
    with pytest.raises(ValueError, match="point 1: the point at infinity"):
        nat.g2_validate(nat.g2_generator() + bytes(128), False)


def test_validate_rejects_off_curve_naming_the_index():
    good = g1_of(5)
    x, y = affine(g1_mul(5))
    bad = fq_mont(x) + fq_mont((y + 1) % Q)
    nat.g1_validate(good * 3)
    with pytest.raises(ValueError, match="point 2: not on the curve"):
        nat.g1_validate(good * 2 + bad + good)
    with pytest.raises(ValueError, match="not on the curve"):
        nat.g1_from_affine_ints(x, y + 1)
    (x0, x1), (y0, y1) = affine(g2_mul(7))
    with pytest.raises(ValueError, match="point 0: not on the curve"):
        nat.g2_validate(g2_lem_ints((x0, x1), (y0, (y1 + 1) % Q)))


def test_validate_rejects_coordinates_not_below_q():
    x, y = affine(g1_mul(9))
    raw_x = x * MONT % Q
    # same residue, non-canonical representative: raw + q still fits in 256 bits
    aliased = (raw_x + Q).to_bytes(32, "little") + fq_mont(y)
    with pytest.raises(ValueError, match="point 0: x coordinate is not < q"):
        nat.g1_validate(aliased)
    with pytest.raises(ValueError, match="y coordinate is not < q"):
        nat.g1_msm(fq_mont(x) + (y * MONT % Q + Q).to_bytes(32, "little"), fr(1))
    with pytest.raises(ValueError, match="x coordinate is not < q"):
        nat.g1_from_affine_ints(x + Q, y)
    with pytest.raises(ValueError, match="out of range"):
        nat.g1_from_affine_ints(-1, y)
    with pytest.raises(ValueError, match="x coordinate is not < q"):
        nat.g1_from_uncompressed((x + Q).to_bytes(32, "big") + y.to_bytes(32, "big"))
    lem = bytearray(g2_of(3))
    raw = int.from_bytes(lem[96:128], "little") + Q
    lem[96:128] = raw.to_bytes(32, "little")
    with pytest.raises(ValueError, match="y.c1 coordinate is not < q"):
        nat.g2_validate(bytes(lem))


def test_g2_outside_subgroup_is_rejected_everywhere_but_trusted_paths():
    x, y = twist_point_outside_subgroup()
    bad = g2_lem_ints(x, y)
    good = g2_of(11)
    with pytest.raises(ValueError, match="point 1: not in the prime-order subgroup"):
        nat.g2_validate(good + bad)
    with pytest.raises(ValueError, match="not in the prime-order subgroup"):
        nat.g2_from_affine_ints(x, y)
    with pytest.raises(ValueError, match="not in the prime-order subgroup"):
        nat.g2_msm(bad, fr(2))
    with pytest.raises(ValueError, match="not in the prime-order subgroup"):
        nat.g2_from_uncompressed(nat.g2_to_uncompressed(good)[:0] + b"".join(
            v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0])))
    with pytest.raises(ValueError, match="g2s point 0: not in the prime-order subgroup"):
        nat.pairing_product_is_one(nat.g1_generator(), bad)
    # the trusted fast path skips only the subgroup check (still on-curve)
    nat.g2_msm(bad, fr(2), trusted=True)


@pytest.mark.parametrize("fn,size", [
    (nat.g1_validate, 64), (nat.g2_validate, 128), (nat.g1_to_uncompressed, 64),
    (nat.g2_from_uncompressed, 128), (nat.fr_first_non_canonical, 32),
])
def test_truncated_buffers_are_rejected(fn, size):
    with pytest.raises(ValueError, match="truncated or misaligned"):
        fn(bytes(size * 2 - 1))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, R - 1), max_size=20), st.data())
def test_fr_first_non_canonical(values, data):
    blob = bytearray(frs(values))
    assert nat.fr_first_non_canonical(bytes(blob)) == -1
    if values:
        i = data.draw(st.integers(0, len(values) - 1))
        bad = data.draw(st.integers(R, (1 << 256) - 1))
        blob[32 * i:32 * i + 32] = bad.to_bytes(32, "little")
        assert nat.fr_first_non_canonical(bytes(blob)) == i
        with pytest.raises(ValueError, match=f"scalar {i}: not canonical"):
            nat.g1_msm(nat.g1_generator() * len(values), bytes(blob))


def test_buffer_protocol_inputs():
    import numpy as np

    g = nat.g1_generator()
    s = fr(3)
    ref = nat.g1_msm(g, s)
    assert nat.g1_msm(bytearray(g), memoryview(s)) == ref
    assert nat.g1_msm(np.frombuffer(g, dtype=np.uint8).reshape(1, 64), np.frombuffer(s, dtype=np.uint8)) == ref
    with pytest.raises(ValueError, match="C-contiguous"):
        nat.g1_msm(np.frombuffer(g * 2, dtype=np.uint8).reshape(2, 64)[:, ::2], s)


decoders_g1 = [nat.g1_validate, nat.g1_to_uncompressed, nat.g1_from_uncompressed, nat.g1_to_affine_ints]
decoders_g2 = [nat.g2_validate, nat.g2_to_uncompressed, nat.g2_from_uncompressed, nat.g2_to_affine_ints]


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=0, max_size=200), st.integers(0, 3))
def test_decoders_never_crash_on_arbitrary_bytes(blob, k):
    """Random bytes either decode (rarely) or raise ValueError: never a panic or another error."""
    for fn in (decoders_g1[k], decoders_g2[k]):
        try:
            fn(blob)
        except ValueError:
            pass


@settings(max_examples=30, deadline=None)
@given(scalars, st.integers(0, 63), st.integers(1, 255))
def test_single_byte_corruption_of_a_g1_point_is_caught_or_harmless(k, pos, flip):
    """Flipping bits of a valid LEM point gives either an error or another valid point, and an
    accepted result always re-encodes to itself (no silent aliasing of coordinates)."""
    lem = bytearray(g1_of(k))
    lem[pos] ^= flip
    try:
        nat.g1_validate(bytes(lem))
    except ValueError as exc:
        assert "point 0:" in str(exc)
        return
    x, y = nat.g1_to_affine_ints(bytes(lem))
    assert nat.g1_from_affine_ints(x, y) == bytes(lem)


def test_g2_to_uncompressed_trusted_skips_only_the_subgroup_check():
    x, y = twist_point_outside_subgroup()
    bad = g2_lem_ints(x, y)
    with pytest.raises(ValueError, match="not in the prime-order subgroup"):
        nat.g2_to_uncompressed(bad)
    assert nat.g2_to_uncompressed(bad, trusted=True) == b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))
    off = bytearray(bad)
    off[100] ^= 1
    with pytest.raises(ValueError, match="not on the curve|not < q"):
        nat.g2_to_uncompressed(bytes(off), trusted=True)
    with pytest.raises(TypeError):  # G1 has no subgroup check to skip: no ignored flag
        nat.g1_to_uncompressed(nat.g1_generator(), trusted=True)


@pytest.mark.parametrize("start", [3, 10, 50, 200, 1000])
def test_subgroup_check_on_several_twist_points_and_mixed_sums(start):
    """The fast ψ-based G2 membership test rejects points outside G2, including a G2 point plus a
    non-subgroup component, and accepts their cofactor-free counterparts."""
    import py_ecc.optimized_bn128 as bn

    x, y = twist_point_outside_subgroup(start)
    with pytest.raises(ValueError, match="not in the prime-order subgroup"):
        nat.g2_validate(g2_lem_ints(x, y))
    t = (bn.FQ2(list(x)), bn.FQ2(list(y)), bn.FQ2.one())
    mixed = bn.add(t, g2_mul(start + 7))
    with pytest.raises(ValueError, match="not in the prime-order subgroup"):
        nat.g2_validate(g2_lem(mixed))
    nat.g2_validate(g2_lem(g2_mul(start + 7)))
