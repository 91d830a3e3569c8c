"""snarkjs JSON models: strict parsing, exact serialisation, the Fq12 layout of vk_alphabeta_12."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from zkvct.curve import G1Point, G2Point
from zkvct.field import Q, R
from zkvct.groth16.json_models import JsonFormatError, Proof, PublicSignals, dumps, fq12_to_json, g1_from_json, g2_from_json


@given(st.lists(st.integers(min_value=0, max_value=R - 1), max_size=8))
def test_public_signals_round_trip(values):
    text = PublicSignals(values=values).dumps()
    assert text == json.dumps([str(v) for v in values], indent=1)
    assert PublicSignals.parse(json.loads(text)).values == values


@given(st.integers(min_value=R, max_value=2 ** 260))
def test_public_signal_at_or_above_r_is_rejected(v):
    with pytest.raises(JsonFormatError, match="not < r"):
        PublicSignals.parse([str(v)])


@given(st.text(max_size=12))
def test_only_canonical_decimals_are_accepted(s):
    canonical = s.isascii() and s.isdigit() and (s == "0" or not s.startswith("0"))
    try:
        PublicSignals.parse([s])
    except JsonFormatError:
        assert not canonical
    else:
        assert canonical


@given(st.integers(min_value=0, max_value=Q - 1), st.integers(min_value=0, max_value=Q - 1))
def test_g1_json_round_trip(x, y):
    p = G1Point(x, y)  # shape only: curve checks are the verifiers' job
    assert g1_from_json([str(x), str(y), "1"], "p") == p


@given(st.integers(min_value=Q, max_value=2 ** 256))
def test_coordinate_at_or_above_q_rejected(x):
    with pytest.raises(ValueError, match="not < q"):
        g1_from_json([str(x), "2", "1"], "p")
    with pytest.raises(ValueError, match="not < q"):
        g2_from_json([["1", str(x)], ["1", "0"], ["1", "0"]], "p")


def test_infinity_encoding_rules():
    assert g1_from_json(["0", "1", "0"], "p", allow_infinity=True).infinity
    with pytest.raises(ValueError, match="infinity"):
        g1_from_json(["0", "1", "0"], "p")
    with pytest.raises(ValueError, match="must be written"):
        g1_from_json(["5", "1", "0"], "p", allow_infinity=True)
    assert g2_from_json([["0", "0"], ["1", "0"], ["0", "0"]], "p", allow_infinity=True).infinity


def test_proof_serialises_like_snarkjs():
    p = Proof.from_points(G1Point.generator(), G2Point.generator(), G1Point(1, Q - 2))
    text = p.dumps()
    assert text.startswith('{\n "pi_a": [\n  "1",\n  "2",\n  "1"\n ],')
    assert not text.endswith("\n")
    assert Proof.parse(json.loads(text)) == p
    assert dumps([]) == "[]"


def test_fq12_layout_is_a_ring_isomorphism():
    """fq12_to_json maps py_ecc's w-basis to the Fq2/Fq6/Fq12 tower: check it on w itself,
    which must be the tower element (0 + 1*w) and on u = w^6 - 9, which is Fq2's (0, 1)."""
    from py_ecc.optimized_bn128 import FQ12

    w = FQ12([0, 1] + [0] * 10)
    zero = ["0", "0"]
    assert fq12_to_json([int(c) for c in w.coeffs]) == [[zero, zero, zero], [["1", "0"], zero, zero]]
    u = w ** 6 - FQ12([9] + [0] * 11)
    assert fq12_to_json([int(c) for c in u.coeffs]) == [[["0", "1"], zero, zero], [zero, zero, zero]]
    v = w ** 2
    assert fq12_to_json([int(c) for c in v.coeffs]) == [[zero, ["1", "0"], zero], [zero, zero, zero]]
