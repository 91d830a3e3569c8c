"""Two relying-party replicas on one PostgreSQL share one chain key and submit on-chain tasks at
once: each submission must be serialised across the replicas (zkvct.services.rp.chain.SubmitLease),
or both read the same account sequence and the node refuses one ("account sequence mismatch",
answered 503). Every response is accepted once, with its own transaction, and delivered.

Bounded: N requests (default 12) on a real wasmd node, 127.0.0.1 only."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from rp_chain_world import onchain_world, prove_answers, wasmd_or_skip, workflow
from zkvct.chain.localnet import Localnet
from zkvct.credentials.chain_view import ContractView
from zkvct.services.rp.app import RpSettings, create_rp_app
from zkvct.services.rp.chain import ContractSubmitter
from zkvct.services.rp.requests import check_request
from zkvct.services.rp.schema import deliveries, responses
from zkvct.web.db import make_engine
from zkvct.web.serve import ServerThread

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]

N = int(os.environ.get("ZKVCT_RP_REPLICA_CHAIN_N", "12"))
TOKEN = "admin-token-" + "r" * 32
ADMIN = {"authorization": f"Bearer {TOKEN}"}


def test_two_replicas_one_chain_key_no_sequence_collision(tmp_path, pg_url):
    wasmd_or_skip()
    with Localnet(timeout_commit_ms=200) as net:
        world = onchain_world(tmp_path, net, N)
        contract = world["contract"]
        chain = {"chain_id": world["client"].network.chain_id, "verifier": contract.address}
        apps = []
        for _ in range(2):  # each replica: its own engine, its own submitter (own in-process lock), one key
            engine = make_engine(pg_url)
            apps.append(create_rp_app(
                engine=engine, rp=world["rp"], view=ContractView(contract),
                submitter=ContractSubmitter(contract, world["key"], engine), admin_token=TOKEN,
                webhook_secret=b"replica-chain-webhook-secret-01", run_worker=False,
                settings=RpSettings(public_url="http://127.0.0.1", trusted_issuers=[world["issuer"]], chain=chain)))
        with ServerThread(apps[0]) as a, ServerThread(apps[1]) as b:
            with httpx.Client(base_url=a.url, headers=ADMIN, timeout=60) as http:
                doc = workflow("http://127.0.0.1:9/hook", "on-chain")
                assert http.post("/workflows", json={"id": "age", "document": doc}).status_code == 201
                ids = [http.post("/requests", json={"workflow_id": "age"}).json()["id"] for _ in range(N)]
                tokens = [check_request(http.get(f"/requests/{rid}").text) for rid in ids]
            bodies = prove_answers(world, tokens)

            def answer(i):
                url = (a.url if i % 2 else b.url) + f"/requests/{ids[i]}/response"
                r = httpx.post(url, json=bodies[i], timeout=120)
                return r.status_code, r.json()

            with ThreadPoolExecutor(max_workers=6) as pool:
                results = list(pool.map(answer, range(N)))
    failed = [r for r in results if r[0] != 200]
    assert not failed, f"{len(failed)} of {N} refused, e.g. {failed[:2]}"
    assert len({body["tx_hash"] for _, body in results}) == N
    with make_engine(pg_url).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(responses)).scalar() == N
        assert conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar() == N
