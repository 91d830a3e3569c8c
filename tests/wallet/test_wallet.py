"""The wallet: store encryption (wrong passphrase, tampering), credential checks (malformed or
foreign VCs), and the full path offer -> sync -> proof that the protocol's verifier accepts."""
from __future__ import annotations

import base64
import json
import sqlite3
import time

import pytest

from issuer_fixtures import admin_offer
from issuer_helpers import FAST_SCRYPT, PASSPHRASE
from memory_view import MemoryView
from zkvct.credentials.derive import ProofRequest, holder_secret_from_seed
from zkvct.credentials.verify import RegisteredStatement, registration_roles, verify_presentation
from zkvct.did import jws
from zkvct.sealed import TamperedData, WrongPassphrase
from zkvct.wallet import ConsentDeclined, Wallet, WalletError
from zkvct.wallet.holder import did_key_from_seed

RP = "did:shr:" + jws.did_of(jws.new_private_key()).split(":")[-1]


def fresh(tmp_path, name="w.db", **kw):
    return Wallet.create(tmp_path / name, PASSPHRASE, scrypt=FAST_SCRYPT, **kw)


def test_seed_restores_the_same_identity(tmp_path):
    w = fresh(tmp_path)
    seed = bytes.fromhex(w.seed_hex())
    restored = fresh(tmp_path, "r.db", seed=seed)
    assert restored.did == w.did == jws.did_of(did_key_from_seed(seed))
    assert restored.holder_commit == w.holder_commit
    assert w._holder_secret == holder_secret_from_seed(seed)
    # nothing secret on disk in the clear
    raw = (tmp_path / "w.db").read_bytes()
    assert seed not in raw and seed.hex().encode() not in raw and str(w._holder_secret).encode() not in raw
    assert (tmp_path / "w.db").stat().st_mode & 0o077 == 0


def test_wrong_passphrase_changes_nothing(tmp_path):
    w = fresh(tmp_path)
    w.store.log_consent({"note": "x"})
    w.close()
    before = (tmp_path / "w.db").read_bytes()
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        Wallet.open(tmp_path / "w.db", "not the passphrase")
    assert (tmp_path / "w.db").read_bytes() == before
    assert Wallet.open(tmp_path / "w.db", PASSPHRASE).consent_log()[0]["note"] == "x"


def test_tampered_store_is_detected(tmp_path):
    w = fresh(tmp_path)
    w.store.add_credential("urn:x", "did:shr:issuer", 3, {"vc_jws": "a.b.c", "opening": {}})
    w.close()
    db = tmp_path / "w.db"
    with sqlite3.connect(db) as conn:  # move the record to another serial: its plain columns are in the AAD
        conn.execute("UPDATE wallet_credentials SET serial = 4")
    w = Wallet.open(db, PASSPHRASE)
    with pytest.raises(TamperedData, match="urn:x"):
        w.store.credential("urn:x")
    with pytest.raises(TamperedData):
        w.store.update_credential("urn:x", {"vc_jws": "d.e.f"})  # a tampered record is not overwritten
    w.close()
    with sqlite3.connect(db) as conn:  # flip a byte of the sealed seed
        sealed = conn.execute("SELECT sealed FROM wallet_secrets WHERE name='seed'").fetchone()[0]
        conn.execute("UPDATE wallet_secrets SET sealed = ? WHERE name='seed'", (sealed[:-1] + bytes([sealed[-1] ^ 1]),))
    with pytest.raises(TamperedData):
        Wallet.open(db, PASSPHRASE)
    with sqlite3.connect(db) as conn:  # weaken the key parameters
        conn.execute("UPDATE wallet_meta SET value = 'garbage' WHERE name='scrypt'")
    with pytest.raises(TamperedData):
        Wallet.open(db, PASSPHRASE)


def test_not_a_wallet(tmp_path):
    (tmp_path / "x.db").write_bytes(b"hello")
    with pytest.raises(WalletError):
        Wallet.open(tmp_path / "x.db", PASSPHRASE)
    with pytest.raises(WalletError, match="no wallet"):
        Wallet.open(tmp_path / "missing.db", PASSPHRASE)
    fresh(tmp_path)
    with pytest.raises(WalletError, match="already exists"):
        fresh(tmp_path)


def _resign(token: str, key, mutate) -> str:
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    mutate(payload)
    return jws.sign(payload, key, jws.did_of(key), "vc+jwt")


def test_malformed_credentials_are_refused(issuer_proc, tmp_path):
    w = fresh(tmp_path)
    offer = admin_offer(issuer_proc)
    import httpx

    issuer_did = httpx.get(issuer_proc.url + "/v1/registry").json()["issuer_did"]
    resp = httpx.post(f"{issuer_proc.url}/v1/offers/{offer}/redeem",
                      json={"proof": w.proof_of_possession(offer, issuer_did)}, timeout=60)
    token = resp.json()["credential"]
    forger = jws.new_private_key()
    cases = {
        "garbage": "not a jws",
        "unsigned": token.rsplit(".", 1)[0] + ".AAAA",
        "other issuer key": _resign(token, forger, lambda p: None),
        "no opening": _resign(token, forger, lambda p: p["credentialSubject"].pop("zkvctOpening")),
        "bad leaf": _resign(token, forger, lambda p: p["credentialSubject"]["zkvctOpening"].update(leaf="1")),
        "wrong type": _resign(token, forger, lambda p: p.update(type=["VerifiableCredential"])),
    }
    for name, bad in cases.items():
        with pytest.raises(WalletError):
            w.store_credential(bad, expected_issuer=issuer_did)
        assert w.credentials() == [], name
    w.store_credential(token, expected_issuer=issuer_did, issuer_url=issuer_proc.url)
    assert len(w.credentials()) == 1
    with pytest.raises(WalletError, match="already"):
        w.store_credential(token, expected_issuer=issuer_did)


def test_offer_to_verified_proof(issuer_proc, tmp_path, age_key):
    w = fresh(tmp_path)
    summary = w.accept_offer(issuer_proc.url, admin_offer(issuer_proc))
    w.accept_offer(issuer_proc.url, admin_offer(issuer_proc, dob="2015-01-01"))  # a second, younger credential
    w.sync()
    statement = age_key["statement"]
    request = ProofRequest(id="req-1", nonce="n-" + "7" * 20, expires_at=int(time.time()) + 600)
    declined = []
    with pytest.raises(ConsentDeclined):
        w.prove_for_request(statement, RP, request, zkey=age_key["zkey"], credential_id=summary["id"],
                            consent=lambda ask: declined.append(ask) or False)
    assert declined[0].relying_party_did == RP and declined[0].discloses_holder_did
    with pytest.raises(WalletError, match="does not satisfy"):  # the 2015 credential is under 18
        w.prove_for_request(statement, RP, request, zkey=age_key["zkey"])
    t0 = time.perf_counter()
    presentation = w.prove_for_request(statement, RP, request.to_wire(), zkey=age_key["zkey"],
                                       credential_id=summary["id"], consent=lambda ask: True)
    elapsed = time.perf_counter() - t0
    assert presentation["holder_did"] == w.did and elapsed < 120
    # the protocol's verifier (same checks and reasons as the contract) accepts it once the root is anchored
    import httpx

    root = int(httpx.get(issuer_proc.url + "/v1/registry").json()["root"])
    view = MemoryView(clock=int(time.time()))
    view.register(RegisteredStatement("age_gte", 1, tuple(registration_roles(statement)),
                                      (summary["issuer_did"],), age_key["vk"]))
    assert verify_presentation(presentation, view).reason.value == "root_unknown"
    view.anchor(summary["issuer_did"], root)
    verdict = verify_presentation(presentation, view)
    assert verdict.ok, (verdict.reason, verdict.detail)
    log = w.consent_log()
    assert [e["decision"] for e in log] == ["declined", "unprovable", "proved"]
