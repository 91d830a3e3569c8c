"""The native core's refusals arrive as the typed exceptions of zkvct.errors (all ValueError),
with the index of the offending item where it sits in a buffer; messages are unchanged."""
from __future__ import annotations

import pytest

import zkvct._native as nat
from zkvct.errors import DomainSizeError, EncodingLengthError, PointError, ScalarError

from helpers import R, fr, frs, g2_lem_ints, twist_point_outside_subgroup


def test_point_errors_carry_the_index_and_the_fault():
    g = nat.g1_generator()
    off = bytearray(g)
    off[5] ^= 1  # off the curve (or x >= q)
    with pytest.raises(PointError, match="point 2: ") as e:
        nat.g1_validate(g + g + bytes(off))
    assert e.value.index == 2 and isinstance(e.value, ValueError)
    with pytest.raises(PointError, match="point 0: the point at infinity") as e:
        nat.g1_validate(bytes(64))
    assert e.value.index == 0
    x, y = twist_point_outside_subgroup()
    with pytest.raises(PointError, match="g2s point 0: not in the prime-order subgroup"):
        nat.pairing_product_is_one(g, g2_lem_ints(x, y))
    with pytest.raises(PointError, match="G2 point: not in the prime-order subgroup") as e:
        nat.g2_from_affine_ints(x, y)
    assert e.value.index is None


def test_scalar_length_and_domain_errors_are_typed():
    with pytest.raises(ScalarError, match="scalar 1: not canonical") as e:
        nat.fr_fft(fr(1) + R.to_bytes(32, "little"))
    assert e.value.index == 1
    with pytest.raises(ScalarError, match="step: scalar is not canonical"):
        nat.g1_scale_powers(nat.g1_generator(), fr(1), R.to_bytes(32, "little"))
    with pytest.raises(EncodingLengthError, match="truncated or misaligned"):
        nat.g1_validate(bytes(63))
    with pytest.raises(EncodingLengthError, match="first: expected 32 bytes"):
        nat.g1_scale_powers(nat.g1_generator(), b"\x01", fr(1))
    with pytest.raises(DomainSizeError, match="power of two"):
        nat.fr_fft(frs([1, 2, 3]))
    # other malformed arguments stay plain ValueError (not one of the typed kinds)
    with pytest.raises(ValueError, match="2 points and 1 scalars") as e:
        nat.g1_msm(nat.g1_generator() * 2, fr(1))
    assert not isinstance(e.value, (PointError, ScalarError, EncodingLengthError, DomainSizeError))


def test_g2_msm_honours_trusted_and_g1_has_no_flag():
    x, y = twist_point_outside_subgroup()
    bad = g2_lem_ints(x, y)
    with pytest.raises(PointError, match="point 0: not in the prime-order subgroup"):
        nat.g2_msm(bad, fr(2))
    assert nat.g2_msm(bad, fr(1), trusted=True) == bad  # skipped only the subgroup check
    off = bytearray(bad)
    off[70] ^= 1
    with pytest.raises(PointError):
        nat.g2_msm(bytes(off), fr(1), trusted=True)  # the curve equation is still checked
    with pytest.raises(TypeError):
        nat.g1_msm(nat.g1_generator(), fr(1), True)
