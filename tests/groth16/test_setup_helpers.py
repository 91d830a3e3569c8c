"""Property tests for the setup's numpy helpers against plain Python integer arithmetic."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from zkvct import native
from zkvct.curve import G1Point
from zkvct.field import Q, R, fr_array, fr_ints
from zkvct.groth16.setup import circuit_power, coeffs_times_r2, g1_negate_lem
from zkvct.groth16.synthetic import chain_circuit


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=R - 1), min_size=1, max_size=6), st.booleans())
def test_g1_negate_lem(scalars, with_infinity):
    pts = native.g1_batch_mul(native.g1_generator() * len(scalars), fr_array(scalars))
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


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=R - 1), min_size=1, max_size=5), st.integers(min_value=0, max_value=5))
def test_numpy_uncompressed_matches_native(scalars, infinity_at):
    """The check-free numpy REDC conversion equals the native checked one (G1 and G2, with infinity)."""
    from zkvct.formats.lem_numpy import g1_lem_to_uncompressed_unchecked, g2_lem_to_uncompressed_unchecked

    sc = fr_array(scalars)
    g1 = bytearray(native.g1_batch_mul(native.g1_generator() * len(scalars), sc))
    g2 = bytearray(native.g2_batch_mul(native.g2_generator() * len(scalars), sc))
    i = infinity_at % len(scalars)
    g1[64 * i:64 * (i + 1)] = bytes(64)
    g2[128 * i:128 * (i + 1)] = bytes(128)
    assert g1_lem_to_uncompressed_unchecked(bytes(g1)) == native.g1_to_uncompressed(bytes(g1))
    assert g2_lem_to_uncompressed_unchecked(bytes(g2)) == native.g2_to_uncompressed(bytes(g2))


@given(st.lists(st.integers(min_value=0, max_value=Q - 1), min_size=1, max_size=30))
def test_numpy_redc_is_montgomery_inverse(values):
    from zkvct.formats.lem_numpy import fq_from_montgomery

    mont = np.frombuffer(b"".join((v * 2 ** 256 % Q).to_bytes(32, "little") for v in values), dtype=np.uint8)
    out = fq_from_montgomery(mont).tobytes()
    assert [int.from_bytes(out[32 * k:32 * (k + 1)], "little") for k in range(len(values))] == values
