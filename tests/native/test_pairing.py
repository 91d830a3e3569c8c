"""Multi-pairing product check: bilinearity, non-degeneracy, validation of inputs."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import zkvct._native as nat

from helpers import R, fr

nonzero = st.integers(1, R - 1)


def g1(k):
    return nat.g1_batch_mul(nat.g1_generator(), fr(k))


def g2(k):
    return nat.g2_batch_mul(nat.g2_generator(), fr(k))


@settings(max_examples=8, deadline=None)
@given(nonzero, nonzero)
def test_bilinearity(a, b):
    # e(aP, bQ) · e(-abP, Q) == 1
    assert nat.pairing_product_is_one(g1(a) + g1(-a * b), g2(b) + nat.g2_generator())
    # and a wrong exponent is caught: e(aP, bQ) · e(-(ab+1)P, Q) != 1
    assert not nat.pairing_product_is_one(g1(a) + g1(-(a * b + 1)), g2(b) + nat.g2_generator())


def test_non_degenerate_and_trivial_cases():
    assert not nat.pairing_product_is_one(nat.g1_generator(), nat.g2_generator())
    assert nat.pairing_product_is_one(b"", b"")
    assert nat.pairing_product_is_one(bytes(64), nat.g2_generator())  # infinity pairs to 1


def test_pairing_rejects_bad_input():
    with pytest.raises(ValueError, match="1 G1 points but 2 G2 points"):
        nat.pairing_product_is_one(nat.g1_generator(), nat.g2_generator() * 2)
    bad = bytearray(nat.g1_generator())
    bad[40] ^= 1
    with pytest.raises(ValueError, match="g1s point 0: not on the curve"):
        nat.pairing_product_is_one(bytes(bad), nat.g2_generator())
