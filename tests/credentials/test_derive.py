"""Encodings and derivations: properties (hypothesis) and vectors pinned to other implementations."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from zkvct.credentials.derive import (ProofRequest, authorization_sign_bytes, canonical_did, challenge,
                                      holder_did_hash, holder_secret_from_seed, scope)
from zkvct.credentials.encoding import h253, lp, u64be
from zkvct.credentials.sample import SAMPLE_HOLDER_DID, SAMPLE_RELYING_PARTY_DID, sample_did
from zkvct.did.identifier import DidError
from zkvct.field import R

ROOT = Path(__file__).resolve().parents[2]
fields = st.one_of(st.text(max_size=20), st.binary(max_size=20))


def enc(items) -> bytes:
    return b"".join(lp(x) for x in items)


@given(st.lists(fields, max_size=5), st.lists(fields, max_size=5))
def test_lp_tuples_are_injective(a, b):
    norm = lambda xs: [x.encode() if isinstance(x, str) else x for x in xs]  # noqa: E731
    if norm(a) != norm(b):
        assert enc(a) != enc(b)


@given(st.binary(max_size=200))
def test_h253_is_canonical(data):
    v = h253(data)
    assert 0 <= v < 2**253 < R
    assert v == int.from_bytes(hashlib.sha256(data).digest(), "big") % 2**253


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_u64be_roundtrip(n):
    assert int.from_bytes(u64be(n), "big") == n and len(u64be(n)) == 8


@pytest.mark.parametrize("bad", [-1, 2**64, True, 1.0])
def test_u64be_refuses(bad):
    with pytest.raises(ValueError):
        u64be(bad)


@settings(max_examples=50)
@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_scope_separates_statements(s1, s2):
    a, b = scope(SAMPLE_RELYING_PARTY_DID, s1), scope(SAMPLE_RELYING_PARTY_DID, s2)
    assert a < R and b < R
    assert (a == b) == (s1 == s2)


@settings(max_examples=50)
@given(st.text(max_size=12), st.text(max_size=12), st.integers(min_value=0, max_value=2**64 - 1))
def test_challenge_binds_each_request_field(rid, nonce, exp):
    base = ProofRequest(rid, nonce, exp)
    c = challenge(SAMPLE_RELYING_PARTY_DID, base)
    assert c < R
    assert challenge(SAMPLE_RELYING_PARTY_DID, ProofRequest(rid + "x", nonce, exp)) != c
    assert challenge(SAMPLE_RELYING_PARTY_DID, ProofRequest(rid, nonce + "x", exp)) != c
    assert challenge(SAMPLE_RELYING_PARTY_DID, ProofRequest(rid, nonce, exp ^ 1)) != c
    assert challenge(SAMPLE_HOLDER_DID, base) != c
    # the id/nonce boundary is length-prefixed: shifting a character across it changes the value
    if rid:
        assert challenge(SAMPLE_RELYING_PARTY_DID, ProofRequest(rid[:-1], rid[-1] + nonce, exp)) != c


def test_scope_and_challenge_tags_keep_them_apart():
    r = ProofRequest("age-18", "", 0)
    assert scope(SAMPLE_RELYING_PARTY_DID, "age-18") != challenge(SAMPLE_RELYING_PARTY_DID, r)


# Values computed by the contract side (verifier_contract fixtures for protocol v2, v2_meta.json).
RP = "did:shr:03ecd7091fdb5be2ec1ad24a3492d55032a343db8d36c6c4388809925700dd1db2"
HOLDER = "did:shr:03f0bf43b327637380656afe0acbc778ebd8ab2165494a0ca84ebf840076ad7330"


def test_vectors_pinned_to_the_contract_fixtures():
    assert scope(RP, "age-18") == 11650154145377304613925787479337522000007068863716933461706439533658923044091
    assert scope(RP, "age-18-anon") == 5840203550784765350828354711801319914433364045775384470244999960320619604537
    assert holder_did_hash(HOLDER) == 425518286675249490374313068341326678630987897964210699316650163656159883977
    meta = json.loads((ROOT / "verifier_contract/fixtures/age6/meta.json").read_text())
    assert str(holder_did_hash(meta["holder_did"])) == meta["holder_did_hash"]


def test_scope_vector_by_hand():
    """Second, literal construction of the scope bytes (no shared helper)."""
    raw = (b"\x00\x00\x00\x0ezkvct/scope/v2" + len(RP).to_bytes(4, "big") + RP.encode() + b"\x00\x00\x00\x06age-18")
    assert scope(RP, "age-18") == int.from_bytes(hashlib.sha256(raw).digest(), "big") % 2**253


def test_canonical_did():
    upper = "did:shr:0x" + HOLDER.split(":")[-1].upper()
    assert canonical_did(upper) == HOLDER
    assert holder_did_hash(upper) == holder_did_hash(HOLDER)
    assert scope(upper, "s") == scope(HOLDER, "s")
    for bad in ("did:shr:shr:" + HOLDER.split(":")[-1], "did:shr:0x" + "11" * 20, "did:key:z6Mk", ""):
        with pytest.raises(DidError):
            canonical_did(bad)


def test_holder_did_hashes_differ():
    assert holder_did_hash(sample_did("a")) != holder_did_hash(sample_did("b"))


def test_sign_bytes_layout():
    b = authorization_sign_bytes(chain_id="c", verifier="v", nonce=3, holder_did=HOLDER, statement_id="s",
                                 relying_party_did=RP, request_id="r", proof_hash_bytes=bytes(32))
    expected = (b"\x00" + lp("c") + lp("v") + (3).to_bytes(8, "big") + lp(HOLDER) + lp("authorizeVerify") + lp("s")
                + lp(RP) + lp("r") + lp("00" * 32))
    assert b == expected


def test_holder_secret_from_seed():
    a = holder_secret_from_seed(b"\x01" * 32)
    assert 0 <= a < R and a == holder_secret_from_seed(b"\x01" * 32) != holder_secret_from_seed(b"\x02" * 32)
    with pytest.raises(ValueError):
        holder_secret_from_seed(b"short")
