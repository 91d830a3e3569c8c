"""Load on chain: N requests (default 100) answered through the relying party with on-chain
verification (the RP submits each proof to the verifier contract on a real wasmd node); none lost
(every acceptance recorded on chain and delivered to the webhook), none answered twice.

Unlinkable registration (``age_gte`` with ``with_did=False``): the relying party submits the proof
itself and needs no holder authorization, which keeps the wallet side to one proof per request.
Holders are N distinct credentials in one depth-7 issuer tree (distinct nullifiers). Responses are
posted from 4 threads at once, so the relying party's submitter is exercised concurrently: before
ContractSubmitter sent one transaction at a time, concurrent submissions from the one account read
the same sequence number, the node refused all but one, and most responses got 503 (this test
failed with 10 of 12 refused).

Bounded: N requests, one response and one replay each, 127.0.0.1 only, then it stops.
``ZKVCT_RP_ONCHAIN_N`` shrinks N for a quick local run.
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from rp_chain_world import DEPTH, onchain_world, prove_answers, wasmd_or_skip, workflow
from rp_scripted_endpoint import Script, serve
from zkvct.chain.client import ChainClient
from zkvct.chain.contracts import VerifierContract
from zkvct.chain.deployment import deploy
from zkvct.chain.keys import localnet_wallet
from zkvct.chain.localnet import Localnet
from zkvct.credentials.chain_view import ContractView
from zkvct.services.rp.app import RpSettings, create_rp_app
from zkvct.services.rp.chain import ContractSubmitter
from zkvct.did import jws
from zkvct.services.rp.requests import RelyingParty, check_request
from zkvct.web.db import make_engine, sqlite_url
from zkvct.web.serve import ServerThread

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]

N = int(os.environ.get("ZKVCT_RP_ONCHAIN_N", "100"))
TOKEN = "admin-token-" + "c" * 32
ADMIN = {"authorization": f"Bearer {TOKEN}"}
SECRET = b"onchain-webhook-secret-0123456789"


@pytest.fixture(scope="module")
def localnet():
    wasmd_or_skip()
    with Localnet(timeout_commit_ms=200) as net:
        yield net


def test_onchain_requests_none_lost_none_twice(tmp_path, localnet):
    assert N <= 1 << DEPTH
    world = onchain_world(tmp_path, localnet, N)
    contract = world["contract"]
    script = Script(SECRET, [])
    with serve(script) as hook_url:
        app = create_rp_app(engine=make_engine(sqlite_url(tmp_path / "rp.db")), rp=world["rp"],
                            view=ContractView(contract), submitter=ContractSubmitter(contract, world["key"]),
                            admin_token=TOKEN, webhook_secret=SECRET,
                            settings=RpSettings(public_url="http://127.0.0.1", trusted_issuers=[world["issuer"]],
                                                chain={"chain_id": world["client"].network.chain_id,
                                                       "verifier": contract.address},
                                                deliver_every_secs=0.05))
        with ServerThread(app) as srv:
            with httpx.Client(base_url=srv.url, headers=ADMIN, timeout=60) as http:
                r = http.post("/workflows", json={"id": "age", "document": workflow(hook_url, "on-chain")})
                assert r.status_code == 201, r.text
                opened = [http.post("/requests", json={"workflow_id": "age"}).json() for _ in range(N)]
                assert {o["verification"] for o in opened} == {"on-chain"}
                tokens = [check_request(http.get(f"/requests/{o['id']}").text) for o in opened]
            bodies = prove_answers(world, tokens)

            def answer(i):
                with httpx.Client(base_url=srv.url, timeout=120) as c:
                    first = c.post(f"/requests/{opened[i]['id']}/response", json=bodies[i])
                    replay = c.post(f"/requests/{opened[i]['id']}/response", json=bodies[i])
                    return first.status_code, first.json(), replay.status_code

            t0 = time.time()
            with ThreadPoolExecutor(max_workers=4) as pool:
                results = list(pool.map(answer, range(N)))
            elapsed = time.time() - t0
            deadline = time.time() + 60
            while len(script.accepted) < N and time.time() < deadline:
                time.sleep(0.1)
    failed = [(s, body) for s, body, _ in results if s != 200]
    assert not failed, f"{len(failed)} of {N} refused, e.g. {failed[:3]}"
    assert all(r[2] == 409 for r in results), {r[2] for r in results}
    tx_hashes = [body["tx_hash"] for _, body, _ in results]
    assert len(set(tx_hashes)) == N and all(tx_hashes)
    assert len({body["nullifier"] for _, body, _ in results}) == N  # distinct credentials
    delivered = [d.delivery_id for d in script.accepted]
    assert sorted(delivered) == sorted(body["delivery_id"] for _, body, _ in results)  # each once
    payload_tx = {json.loads(d.body)["zkvct"]["tx_hash"] for d in script.accepted}
    assert payload_tx == set(tx_hashes)
    submitter = ContractSubmitter(contract, world["key"])
    for d in script.accepted:  # the contract itself recorded every accepted proof
        assert submitter.proof_recorded(bytes.fromhex(json.loads(d.body)["zkvct"]["proof_hash"]))
    print(f"\n{N} on-chain responses (+{N} replays) in {elapsed:.1f} s: {N / elapsed:.2f} accepted/s")


def test_workflow_for_a_statement_not_yet_registered_is_a_4xx(tmp_path, localnet):
    """A relying party started before the operator registers its statement (as ``make demo`` can
    start it): adding a workflow that names the statement is refused with a 422 that names the
    node and the statement, not a 500 from the chain query."""
    client = ChainClient.from_localnet(localnet.info)
    fresh = VerifierContract(client, deploy(client, localnet_wallet("alice")).verifier)  # nothing registered
    key = jws.new_private_key()
    app = create_rp_app(engine=make_engine(sqlite_url(tmp_path / "rp.db")), rp=RelyingParty(jws.did_of(key), key),
                        view=ContractView(fresh), admin_token=TOKEN, webhook_secret=SECRET,
                        settings=RpSettings(public_url="http://127.0.0.1", trusted_issuers=["did:shr:" + "02" + "ab" * 32]))
    with ServerThread(app) as srv, httpx.Client(base_url=srv.url, headers=ADMIN, timeout=60) as http:
        r = http.post("/workflows", json={"id": "age", "document": workflow("http://127.0.0.1:9/hook", "off-chain")})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_workflow" and "age_gte" in r.json()["detail"], r.text
