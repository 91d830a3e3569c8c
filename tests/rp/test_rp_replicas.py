"""Two relying-party replicas on one PostgreSQL: 50 concurrent submissions of the same response
give exactly one acceptance and one delivery; the rest are refused with a reason, none with 5xx."""
from __future__ import annotations

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import sqlalchemy as sa

from zkvct.credentials.derive import ProofRequest
from zkvct.credentials.sample import SAMPLE_HOLDER_DID, SAMPLE_ISSUER_DID, sample_presentation
from zkvct.did import jws
from zkvct.groth16.prove import prove
from zkvct.services.rp.app import RpSettings, create_rp_app
from zkvct.services.rp.requests import RelyingParty, check_request
from zkvct.services.rp.schema import deliveries, responses
from zkvct.web.db import make_engine
from zkvct.web.serve import ServerThread

from rp_helpers import today

SEED = json.loads((Path(__file__).parent / "link_age_workflow.json").read_text())
TOKEN = "admin-token-" + "y" * 32
ADMIN = {"authorization": f"Bearer {TOKEN}"}


def test_two_replicas_accept_exactly_once(pg_url, age_key, chain_view):
    key = jws.new_private_key()
    rp = RelyingParty(jws.did_of(key), key)
    settings = RpSettings(public_url="http://127.0.0.1", trusted_issuers=[SAMPLE_ISSUER_DID])
    apps = [create_rp_app(engine=make_engine(pg_url), rp=rp, view=chain_view, settings=settings, admin_token=TOKEN,
                          webhook_secret=b"replica-webhook-secret-0123", run_worker=False) for _ in range(2)]
    with ServerThread(apps[0]) as a, ServerThread(apps[1]) as b:
        doc = copy.deepcopy(SEED)
        for n in doc["nodes"]:
            if n["id"] == "age_verification-1":
                n["data"]["config"]["verification"] = "off-chain"
        assert httpx.post(a.url + "/workflows", json={"id": "age", "document": doc}, headers=ADMIN).status_code == 201
        opened = httpx.post(b.url + "/requests", json={"workflow_id": "age"}, headers=ADMIN).json()
        req = check_request(httpx.get(a.url + f"/requests/{opened['id']}").text)
        p = sample_presentation(age_key.statement, statement_id="age_gte", today=today(), relying_party_did=rp.did,
                                holder_did=SAMPLE_HOLDER_DID, request=ProofRequest(req["id"], req["nonce"], req["exp"]))
        chain_view.anchor(SAMPLE_ISSUER_DID, p.registry.root)
        res = prove(age_key.zkey, age_key.compiled.witness(p.input))
        body = {"proof": res.proof.to_obj(), "public_inputs": [str(v) for v in res.publics.values],
                "issuer_did": SAMPLE_ISSUER_DID, "holder_did": SAMPLE_HOLDER_DID}

        def submit(i):
            url = (a.url if i % 2 else b.url) + f"/requests/{req['id']}/response"
            return httpx.post(url, json=body, timeout=60).status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            codes = list(pool.map(submit, range(50)))
    assert codes.count(200) == 1, codes
    assert all(c in (200, 409, 422) for c in codes), codes
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(responses)).scalar() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar() == 1
