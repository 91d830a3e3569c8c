"""Issuer and wallet benchmarks (pytest-benchmark). Not part of the test suite; run on a quiet machine:

    .venv/bin/python -m pytest benchmarks/bench_issuer.py --benchmark-only

* ``test_issue_10k_batch``: 10,000 leaves inserted into the persisted depth-20 registry (SQLite)
  in one transaction, then the root: what an issuer importing a batch pays (ancestors shared).
* ``test_redeem``: the full issuance path per credential (proof-of-possession check, serial, leaf,
  O(depth) tree update, signed VC, one transaction), 100 per round; ``extra_info`` has the mean.
* ``test_wallet_sync`` / ``test_wallet_prove_age_gte``: a wallet's path sync against a live issuer
  holding 10,000 credentials (HTTP on 127.0.0.1), and its age_gte proof at depth 20 (target
  <= 0.3 s; the key is an INSECURE dev setup, the same size as a ceremony key).
"""
from __future__ import annotations

import os
import secrets
import time

import pytest

from circuits.statements import get_statement
from zkvct.credentials.derive import ProofRequest
from zkvct.did import jws
from zkvct.services.issuer import db
from zkvct.services.issuer.registry import POP_TYP, Issuer, Subject

#: credentials in the registry (ZKVCT_BENCH_ISSUER_N lowers it for a quick smoke run)
N = int(os.environ.get("ZKVCT_BENCH_ISSUER_N", "10000"))
PER_ROUND = min(100, N)
SUBJECT = Subject(dob="1990-05-17", country="SG", expiry="2030-01-01")
PASS = "bench passphrase"


def _issuer(tmp_path, depth=20):
    issuer = Issuer(db.make_engine(f"sqlite:///{tmp_path / 'issuer.db'}"), jws.new_private_key(), depth=depth)
    issuer.init_db()
    return issuer


def _pop(holder, offer, aud):
    now = int(time.time())
    did = jws.did_of(holder)
    return jws.sign({"offer_id": offer, "holder_did": did, "holder_commit": str(secrets.randbelow(2**250) + 1),
                     "nonce": secrets.token_urlsafe(16), "aud": aud, "iat": now, "exp": now + 120}, holder, did, POP_TYP)


def test_issue_10k_batch(benchmark, tmp_path_factory):
    def run():
        issuer = _issuer(tmp_path_factory.mktemp("batch"))
        with db.write_tx(issuer.engine) as conn:
            return issuer.tree.set_leaves(conn, {i: secrets.randbelow(2**250) + 1 for i in range(N)})

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info["credentials"] = N


def test_redeem(benchmark, tmp_path):
    issuer = _issuer(tmp_path)
    holder = jws.new_private_key()

    def run():
        for _ in range(PER_ROUND):
            offer = issuer.create_offer(SUBJECT)["offer_id"]
            issuer.redeem(offer, _pop(holder, offer, issuer.did))

    benchmark.pedantic(run, rounds=3, iterations=1)
    if benchmark.stats is not None:  # None under --benchmark-disable
        benchmark.extra_info["per_credential_s"] = benchmark.stats.stats.mean / PER_ROUND


@pytest.fixture(scope="module")
def live_wallet(tmp_path_factory):
    """A wallet holding one credential of an issuer (its own server thread) with 10,000 leaves."""
    from zkvct.services.issuer.app import build_app
    from zkvct.wallet import Wallet
    from zkvct.web.serve import ServerThread

    tmp = tmp_path_factory.mktemp("live")
    issuer = _issuer(tmp)
    with db.write_tx(issuer.engine) as conn:
        issuer.tree.set_leaves(conn, {i: secrets.randbelow(2**250) + 1 for i in range(N)})
        conn.execute(db.meta.update().where(db.meta.c.name == "next_serial").values(value=str(N)))
    server = ServerThread(build_app(issuer, admin_token="x" * 43, epoch_s=0, rate=1e6, burst=10**6)).start()
    wallet = Wallet.create(tmp / "w.db", PASS)
    offer = issuer.create_offer(SUBJECT)["offer_id"]
    wallet.accept_offer(server.url, offer)
    yield wallet
    server.stop()


def test_wallet_sync(benchmark, live_wallet):
    benchmark.pedantic(live_wallet.sync, rounds=3, iterations=1)


def test_wallet_prove_age_gte(benchmark, live_wallet, tmp_path_factory):
    from zkvct.dsl import compile_circuit
    from zkvct.groth16.setup import dev_setup
    from zkvct.wallet.holder import compiled_statement

    statement = get_statement("age_gte")
    zkey = tmp_path_factory.mktemp("key") / "age_gte.zkey"
    dev_setup(compile_circuit(statement).r1cs, zkey)
    compiled_statement(statement)  # compiled once per wallet process, like the prover service
    live_wallet.sync()
    rp = jws.did_of(jws.new_private_key())

    def prove():
        req = ProofRequest(id="bench-" + secrets.token_hex(4), nonce=secrets.token_hex(16), expires_at=int(time.time()) + 600)
        return live_wallet.prove_for_request(statement, rp, req, zkey=zkey)

    benchmark.pedantic(prove, rounds=5, iterations=1, warmup_rounds=1)
    benchmark.extra_info["target_s"] = 0.3
