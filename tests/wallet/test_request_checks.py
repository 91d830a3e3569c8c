"""The wallet refuses a relying party's request before any consent screen when it does not check."""
from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from zkvct.credentials.request_token import REQUEST_TYP, RelyingParty, new_request
from zkvct.did import jws
from zkvct.did.address import SECP256K1_N
from zkvct.wallet import requests as wr
from zkvct.wallet.requests import _sign_low_s

ISSUER = jws.did_of(jws.new_private_key())
KEYS = {"age_gte": {"statement": "age_gte", "params": {"years": 18}, "zkey": "/nonexistent.zkey"}}


class Holdings:
    """What check() reads of a wallet: its credentials' issuers."""

    def __init__(self, issuers):
        self._creds = [{"id": f"cred-{i}", "issuer_did": d} for i, d in enumerate(issuers)]

    def credentials(self):
        return list(self._creds)


@pytest.fixture
def rp():
    key = jws.new_private_key()
    return RelyingParty(jws.did_of(key), key)


def _request(rp, **over):
    kw = dict(statement_id="age_gte", params={"years": 18}, trusted_issuers=[ISSUER], verification="off-chain",
              response_uri_base="http://127.0.0.1:1", ttl_secs=600, workflow="w", purpose="p",
              public_inputs=[], did_bound=True)
    kw.update(over)
    return new_request(rp, **kw)


def _code(exc_info):
    return exc_info.value.code


def test_a_good_request_passes_and_says_what_becomes_public(rp):
    req = wr.check(Holdings([ISSUER]), _request(rp).token, KEYS)
    s = req.summary()
    assert s["relying_party"] == rp.did and s["statement"] == "age_gte" and s["discloses_your_did"] is True


def test_scope_not_derived_from_the_signer_is_refused(rp):
    payload = dict(_request(rp).payload, scope="12345")
    token = jws.sign(payload, rp.key, rp.did, REQUEST_TYP)
    with pytest.raises(wr.RequestRefused) as e:
        wr.check(Holdings([ISSUER]), token, KEYS)
    assert _code(e) == "scope_mismatch"


def test_challenge_not_derived_from_the_request_is_refused(rp):
    payload = dict(_request(rp).payload, challenge="7")
    with pytest.raises(wr.RequestRefused) as e:
        wr.check(Holdings([ISSUER]), jws.sign(payload, rp.key, rp.did, REQUEST_TYP), KEYS)
    assert _code(e) == "challenge_mismatch"


def test_request_signed_by_a_key_that_does_not_control_the_did_is_refused(rp):
    impostor = jws.new_private_key()
    token = jws.sign(_request(rp).payload, impostor, rp.did, REQUEST_TYP)
    with pytest.raises(wr.RequestRefused) as e:
        wr.check(Holdings([ISSUER]), token, KEYS)
    assert _code(e) == "key_not_authorized"


def test_expired_request_is_refused(rp):
    nr = _request(rp, ttl_secs=1, now=int(time.time()) - 3600)
    with pytest.raises(wr.RequestRefused) as e:
        wr.check(Holdings([ISSUER]), nr.token, KEYS)
    assert _code(e) == "expired"


def test_unknown_statement_and_other_parameters_are_refused(rp):
    with pytest.raises(wr.RequestRefused) as e:
        wr.check(Holdings([ISSUER]), _request(rp, statement_id="salary_gte").token, KEYS)
    assert _code(e) == "statement_unknown"
    with pytest.raises(wr.RequestRefused) as e:
        wr.check(Holdings([ISSUER]), _request(rp, params={"years": 21}).token, KEYS)
    assert _code(e) == "params_mismatch"


def test_no_credential_from_a_trusted_issuer_is_refused(rp):
    with pytest.raises(wr.RequestRefused) as e:
        wr.check(Holdings([jws.did_of(jws.new_private_key())]), _request(rp).token, KEYS)
    assert _code(e) == "issuer_not_trusted"


def test_holder_authorization_signature_is_low_s_and_verifies():
    key = jws.new_private_key()
    for i in range(40):  # about half of raw ECDSA signatures are high-S
        msg = b"authorize %d" % i
        sig = _sign_low_s(key, msg)
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        assert 0 < s <= SECP256K1_N // 2
        key.public_key().verify(encode_dss_signature(r, s), msg, ec.ECDSA(hashes.SHA256()))
