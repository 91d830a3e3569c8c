"""Property tests for the setup's numpy helpers against plain Python integer arithmetic."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from zkvct import _native
from zkvct.curve import G1Point
from zkvct.field import Q, R, fr_array, fr_ints
from zkvct.groth16.setup import circuit_power, coeffs_times_r2, g1_negate_lem
from zkvct.groth16.synthetic import chain_circuit


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=R - 1), min_size=1, max_size=6), st.booleans())
def test_g1_negate_lem(scalars, with_infinity):
    pts = _native.g1_batch_mul(_native.g1_generator() * len(scalars), fr_array(scalars))
    if with_infinity:
        pts += bytes(64)
    neg = g1_negate_lem(pts).tobytes()
    for i in range(len(pts) // 64):
        p = G1Point.from_lem(pts[64 * i:64 * (i + 1)])
        n = G1Point.from_lem(neg[64 * i:64 * (i + 1)])
        if p.infinity:
            assert n.infinity
        else:
            assert (n.x, n.y) == (p.x, (Q - p.y) % Q)
            assert n.is_on_curve()


@given(st.lists(st.integers(min_value=0, max_value=R - 1), max_size=40))
def test_coeffs_times_r2(values):
    # repeat values so the de-duplication path is exercised
    vals = values + values[: len(values) // 2]
    out = coeffs_times_r2(fr_array(vals))
    assert fr_ints(out) == [v * pow(2, 512, R) % R for v in vals]


@given(st.integers(min_value=1, max_value=5000))
def test_circuit_power_is_snarkjs_log2_rule(m):
    r1cs, _ = chain_circuit(m)
    total = m + 1
    floor_log2 = total.bit_length() - 1
    assert circuit_power(r1cs) == floor_log2 + 1
    assert m + 2 <= 2 ** circuit_power(r1cs)  # constraints + the nPublic + 1 extra rows fit
