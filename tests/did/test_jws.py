"""did:shr JWS (ES256K): forged signatures, wrong keys, alg/typ confusion, expiry, oversize."""
from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings, strategies as st

from zkvct.did import jws
from zkvct.did.address import address_from_key
from zkvct.did.identifier import did_for_address


@pytest.fixture(scope="module")
def key():
    return jws.new_private_key()


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_roundtrip_key_form(key):
    did = jws.did_of(key)
    tok = jws.sign({"a": 1, "exp": 2_000_000_000}, key, did, "zkvct-request+jwt")
    v = jws.verify(tok, typ="zkvct-request+jwt", now=1_900_000_000)
    assert v.did == did and v.payload == {"a": 1, "exp": 2_000_000_000}
    assert v.public_key == jws.compressed_public_key(key)


def test_roundtrip_address_form(key):
    did = did_for_address(address_from_key(jws.compressed_public_key(key)))
    tok = jws.sign({"a": 1}, key, did, "t")
    assert jws.verify(tok, typ="t").did == did


def test_another_key_cannot_speak_for_a_did(key):
    other = jws.new_private_key()
    tok = jws.sign({"a": 1}, other, jws.did_of(key), "t")
    with pytest.raises(jws.JwsError) as e:
        jws.verify(tok, typ="t")
    assert e.value.code == "key_not_authorized"


def test_tampered_payload_refused(key):
    tok = jws.sign({"value": True}, key, jws.did_of(key), "t")
    h, _p, s = tok.split(".")
    with pytest.raises(jws.JwsError) as e:
        jws.verify(".".join([h, _b64({"value": False}), s]), typ="t")
    assert e.value.code == "bad_signature"


def test_swapped_header_key_refused(key):
    """Replacing the jwk with the attacker's key breaks the signature (the header is signed)."""
    tok = jws.sign({"a": 1}, key, jws.did_of(key), "t")
    attacker = jws.new_private_key()
    forged = jws.sign({"a": 1}, attacker, jws.did_of(key), "t")
    with pytest.raises(jws.JwsError):
        jws.verify(forged.split(".")[0] + "." + ".".join(tok.split(".")[1:]), typ="t")


@pytest.mark.parametrize("alg", ["none", "HS256", "ES256", "RS256"])
def test_alg_pinned(key, alg):
    tok = jws.sign({"a": 1}, key, jws.did_of(key), "t")
    header = json.loads(base64.urlsafe_b64decode(tok.split(".")[0] + "=="))
    header["alg"] = alg
    with pytest.raises(jws.JwsError) as e:
        jws.verify(_b64(header) + "." + tok.split(".", 1)[1], typ="t")
    assert e.value.code == "bad_alg"


def test_typ_confusion_refused(key):
    tok = jws.sign({"a": 1}, key, jws.did_of(key), "zkvct-pop+jwt")
    with pytest.raises(jws.JwsError) as e:
        jws.verify(tok, typ="zkvct-request+jwt")
    assert e.value.code == "wrong_type"


@pytest.mark.parametrize("claims, code", [({"exp": 100}, "expired"), ({"nbf": 10**9}, "not_yet_valid"),
                                          ({"iat": 10**9}, "not_yet_valid"), ({"exp": "soon"}, "malformed"),
                                          ({"exp": -1}, "malformed"), ({"exp": True}, "malformed")])
def test_time_claims(key, claims, code):
    tok = jws.sign(claims, key, jws.did_of(key), "t")
    with pytest.raises(jws.JwsError) as e:
        jws.verify(tok, typ="t", now=1000)
    assert e.value.code == code


def test_required_claims(key):
    tok = jws.sign({"a": 1}, key, jws.did_of(key), "t")
    with pytest.raises(jws.JwsError, match="'nonce'"):
        jws.verify(tok, typ="t", require=("nonce",))


def test_private_jwk_in_header_refused(key):
    tok = jws.sign({"a": 1}, key, jws.did_of(key), "t")
    header = json.loads(base64.urlsafe_b64decode(tok.split(".")[0] + "=="))
    header["jwk"]["d"] = header["jwk"]["x"]
    with pytest.raises(jws.JwsError) as e:
        jws.verify(_b64(header) + "." + tok.split(".", 1)[1], typ="t")
    assert e.value.code == "bad_key"


def test_oversized_token_refused():
    with pytest.raises(jws.JwsError, match="at most"):
        jws.verify("a." + "b" * jws.MAX_TOKEN_BYTES + ".c", typ="t")


def test_registry_key_check_follows_owner_change(key):
    new_owner = jws.new_private_key()

    class Reg:
        def identity_owner(self, identity):
            return address_from_key(jws.compressed_public_key(new_owner)), True

    did = jws.did_of(key)
    check = jws.RegistryKeyCheck(Reg())
    with pytest.raises(jws.JwsError):
        jws.verify(jws.sign({}, key, did, "t"), typ="t", key_check=check)
    assert jws.verify(jws.sign({}, new_owner, did, "t"), typ="t", key_check=check).did == did


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: base64.urlsafe_b64encode(b).decode()))
def test_property_garbage_only_raises_jws_error(text):
    for tok in (text, text + "." + text + "." + text, "eyJhbGciOiJFUzI1NksifQ." + text + ".AA"):
        with pytest.raises(jws.JwsError):
            jws.verify(tok, typ="t")
