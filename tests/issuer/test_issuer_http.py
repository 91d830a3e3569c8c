"""The issuer as its own process over HTTP: issuance end to end, refusals that change nothing,
persistence across a SIGKILL, admin auth, body and rate limits."""
from __future__ import annotations

import sqlite3

import httpx
import pytest

from circuits.gadgets.merkle import MerkleTree
from issuer_fixtures import admin_offer, start_issuer
from zkvct.demo.procs import zkvct_command
from issuer_helpers import DEPTH, FAST_SCRYPT, PASSPHRASE, pop
from zkvct.did import jws
from zkvct.wallet import Wallet, WalletError


def registry(svc):
    return httpx.get(svc.url + "/v1/registry", timeout=30).json()


def redeem(svc, offer_id, token):
    return httpx.post(f"{svc.url}/v1/offers/{offer_id}/redeem", json={"proof": token}, timeout=60)


def test_issue_end_to_end_then_sync(issuer_proc, tmp_path):
    wallet = Wallet.create(tmp_path / "w.db", PASSPHRASE, scrypt=FAST_SCRYPT)
    offer = admin_offer(issuer_proc, accredited_until="2027-06-30")
    summary = wallet.accept_offer(issuer_proc.url, offer)
    assert summary["serial"] == 0 and summary["country"] == "SG" and summary["accredited_until"] == "2027-06-30"
    info = registry(issuer_proc)
    assert info["issued"] == 1 and info["depth"] == DEPTH
    # the issuer's tree matches a twin built from the credential's own opening
    cred = list(wallet.store.credentials())[0]
    twin = MerkleTree(DEPTH)
    twin.set(0, int(cred["opening"]["leaf"]))
    assert int(info["root"]) == twin.root
    synced = wallet.sync()
    assert synced["synced"][0]["root"] == info["root"]
    # a second credential for a second holder; the first one's path is refreshed against the new root
    other = Wallet.create(tmp_path / "o.db", PASSPHRASE, scrypt=FAST_SCRYPT)
    assert other.accept_offer(issuer_proc.url, admin_offer(issuer_proc))["serial"] == 1
    assert wallet.sync()["synced"][0]["root"] == registry(issuer_proc)["root"] != info["root"]


def test_forged_pop_is_refused_and_changes_nothing(issuer_proc):
    offer = admin_offer(issuer_proc)
    issuer_did = registry(issuer_proc)["issuer_did"]
    victim, mallory = jws.new_private_key(), jws.new_private_key()
    # mallory signs a proof naming the victim's DID: the key does not control it
    forged = pop(mallory, offer, issuer_did, did=jws.did_of(victim))
    resp = redeem(issuer_proc, offer, forged)
    assert resp.status_code == 401 and resp.json()["error"] == "pop_not_controller"
    # a tampered payload (signature no longer matches)
    good = pop(victim, offer, issuer_did)
    head, body, sig = good.split(".")
    tampered = ".".join([head, body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB"), sig])
    assert redeem(issuer_proc, offer, tampered).status_code in (400, 401)
    # wrong audience, wrong offer, too long a lifetime
    assert redeem(issuer_proc, offer, pop(victim, offer, "did:shr:" + "02" + "11" * 32)).status_code in (400, 401)
    assert redeem(issuer_proc, offer, pop(victim, "x" * 32, issuer_did)).status_code == 401
    assert redeem(issuer_proc, offer, pop(victim, offer, issuer_did, lifetime=3600)).status_code == 400
    info = registry(issuer_proc)
    assert info["issued"] == 0
    assert httpx.get(f"{issuer_proc.url}/v1/offers/{offer}", timeout=30).json()["redeemed"] is False


def test_replayed_pop_is_refused(issuer_proc):
    offer = admin_offer(issuer_proc)
    issuer_did = registry(issuer_proc)["issuer_did"]
    key = jws.new_private_key()
    token = pop(key, offer, issuer_did)
    first = redeem(issuer_proc, offer, token)
    assert first.status_code == 200, first.text
    again = redeem(issuer_proc, offer, token)
    assert again.status_code == 409 and again.json()["error"] == "pop_replayed"
    # another holder cannot redeem the redeemed offer
    assert redeem(issuer_proc, offer, pop(jws.new_private_key(), offer, issuer_did)).json()["error"] == "offer_redeemed"
    # the same holder with a fresh proof gets its same credential back (a lost answer loses nothing)
    retry = redeem(issuer_proc, offer, pop(key, offer, issuer_did))
    assert retry.status_code == 200 and retry.json()["credential"] == first.json()["credential"]
    assert registry(issuer_proc)["issued"] == 1


def test_expired_pop_is_refused(issuer_proc):
    import time

    offer = admin_offer(issuer_proc)
    issuer_did = registry(issuer_proc)["issuer_did"]
    old = pop(jws.new_private_key(), offer, issuer_did, now=int(time.time()) - 400)
    resp = redeem(issuer_proc, offer, old)
    assert resp.status_code == 401 and resp.json()["error"] == "pop_expired"
    assert registry(issuer_proc)["issued"] == 0


def test_registry_full(issuer_proc):
    offer = admin_offer(issuer_proc)
    issuer_did = registry(issuer_proc)["issuer_did"]
    db = issuer_proc.home / "issuer.db"
    with sqlite3.connect(db) as conn:  # simulate 2^depth credentials issued: the next serial is past the tree
        conn.execute("UPDATE issuer_meta SET value = ? WHERE name = 'next_serial'", (str(1 << DEPTH),))
    resp = redeem(issuer_proc, offer, pop(jws.new_private_key(), offer, issuer_did))
    assert resp.status_code == 409 and resp.json()["error"] == "registry_full"
    assert httpx.get(f"{issuer_proc.url}/v1/offers/{offer}", timeout=30).json()["redeemed"] is False
    assert registry(issuer_proc)["root"] == registry(issuer_proc)["root"]


def test_persistence_across_kill(services, issuer_proc, tmp_path):
    wallet = Wallet.create(tmp_path / "w.db", PASSPHRASE, scrypt=FAST_SCRYPT)
    wallet.accept_offer(issuer_proc.url, admin_offer(issuer_proc))
    pending = admin_offer(issuer_proc)
    before = registry(issuer_proc)
    services.kill("issuer")
    again = start_issuer(services, issuer_proc.home, port=issuer_proc.port)  # same URL the wallet keeps
    after = httpx.get(again.url + "/v1/registry", timeout=30).json()
    assert (after["root"], after["issued"]) == (before["root"], before["issued"])
    assert wallet.accept_offer(again.url, pending)["serial"] == 1  # the offer survived, serials continue
    assert wallet.sync()["synced"][0]["root"] == httpx.get(again.url + "/v1/registry", timeout=30).json()["root"]


def test_admin_needs_token_and_bad_input_is_4xx(issuer_proc):
    url = issuer_proc.url
    body = {"subject": {"dob": "1990-05-17", "country": "SG", "expiry": "2030-01-01"}}
    assert httpx.post(url + "/admin/offers", json=body, timeout=30).status_code == 401
    assert httpx.post(url + "/admin/offers", json=body, headers={"Authorization": "Bearer nope"}, timeout=30).status_code == 401
    for bad in ({"subject": {**body["subject"], "country": "sg"}}, {"subject": {**body["subject"], "dob": "1990-13-01"}},
                {"subject": {**body["subject"], "expiry": "1980-01-01"}}, {"subject": body["subject"], "ttl_s": 1},
                {"subject": body["subject"], "extra": 1}, {}):
        resp = httpx.post(url + "/admin/offers", json=bad, headers=issuer_proc.admin, timeout=30)
        assert resp.status_code == 400, (bad, resp.text)
        assert "error" in resp.json() and "detail" in resp.json()
    resp = httpx.post(url + "/v1/offers/" + "a" * 32 + "/redeem", content=b"{not json", timeout=30,
                      headers={"content-type": "application/json"})
    assert resp.status_code == 400
    resp = httpx.post(url + "/v1/offers/" + "a" * 32 + "/redeem", json={"proof": "x" * 40_000}, timeout=30)
    assert resp.status_code == 413
    assert httpx.get(url + "/v1/offers/nope", timeout=30).status_code == 404
    assert httpx.get(url + "/v1/registry/nodes", params={"level": 99}, timeout=30).status_code == 400
    assert httpx.post(url + "/admin/credentials/0/revoke", headers=issuer_proc.admin, timeout=30).status_code == 404


def test_public_endpoints_are_rate_limited(services, issuer_home):
    svc = services.start("limited", zkvct_command(
        "issuer", "serve", "--home", str(issuer_home), "--port", "{port}", "--rate", "1", "--burst", "5"), timeout=120)
    codes = [httpx.get(svc.url + "/v1/registry", timeout=30).status_code for _ in range(12)]
    assert codes[:5] == [200] * 5 and 429 in codes
    assert httpx.get(svc.url + "/healthz", timeout=30).status_code == 200  # health is not limited


def test_wallet_refuses_a_credential_for_someone_else(issuer_proc, tmp_path):
    offer = admin_offer(issuer_proc)
    issuer_did = registry(issuer_proc)["issuer_did"]
    stranger = jws.new_private_key()
    vc = redeem(issuer_proc, offer, pop(stranger, offer, issuer_did)).json()["credential"]
    wallet = Wallet.create(tmp_path / "w.db", PASSPHRASE, scrypt=FAST_SCRYPT)
    with pytest.raises(WalletError, match="not this wallet"):
        wallet.store_credential(vc)
    assert wallet.credentials() == []
