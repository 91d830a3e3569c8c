"""Load: N requests (default 1,000) answered through the relying party with off-chain checks;
none lost (every acceptance delivered once to the webhook), none answered twice.

Bounded: N requests, one response each plus one replay each, on 127.0.0.1, then it stops. The
proofs come from one registry of N credentials (depth 11) and one open proving key, generated
before the clock starts; ``ZKVCT_RP_LOAD_N`` shrinks N for a quick local run.
"""
from __future__ import annotations

import copy
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from circuits.statements import get_statement
from circuits.statements.credential import Registry, sample_credential
from rp_scripted_endpoint import Script, serve
from zkvct.credentials.derive import holder_did_hash
from zkvct.credentials.sample import SAMPLE_HOLDER_DID, SAMPLE_ISSUER_DID
from zkvct.credentials.verify import RegisteredStatement, registration_roles
from zkvct.did import jws
from zkvct.dsl import compile_circuit
from zkvct.formats.zkey import read_zkey
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.prove import prove_with_key
from zkvct.groth16.setup import dev_setup
from zkvct.services.rp.app import RpSettings, create_rp_app
from zkvct.services.rp.requests import RelyingParty, check_request
from zkvct.web.db import make_engine, sqlite_url
from zkvct.web.serve import ServerThread

from rp_helpers import today
from memory_view import MemoryView

N = int(os.environ.get("ZKVCT_RP_LOAD_N", "1000"))
DEPTH = 11
SEED = json.loads((Path(__file__).parent / "link_age_workflow.json").read_text())
TOKEN = "admin-token-" + "z" * 32
ADMIN = {"authorization": f"Bearer {TOKEN}"}
SECRET = b"load-webhook-secret-0123456789"


@pytest.mark.slow
def test_thousand_requests_none_lost_none_twice(tmp_path):
    assert N <= 1 << DEPTH
    st = get_statement("age_gte", depth=DEPTH)
    cc = compile_circuit(st)
    zkey_path = tmp_path / "age.zkey"
    dev_setup(cc.r1cs, zkey_path)
    view = MemoryView(clock=int(time.time()))
    view.register(RegisteredStatement("age_gte", 1, tuple(registration_roles(st)), (SAMPLE_ISSUER_DID,),
                                      export_verification_key(zkey_path)))
    reg = Registry(DEPTH)
    creds = [sample_credential(holder_did_hash=holder_did_hash(SAMPLE_HOLDER_DID), serial=i) for i in range(N)]
    for c in creds:
        reg.issue(c)
    view.anchor(SAMPLE_ISSUER_DID, reg.root)
    key = jws.new_private_key()
    rp = RelyingParty(jws.did_of(key), key)
    script = Script(SECRET, [])
    with serve(script) as hook_url:
        app = create_rp_app(engine=make_engine(sqlite_url(tmp_path / "rp.db")), rp=rp, view=view, admin_token=TOKEN,
                            webhook_secret=SECRET, settings=RpSettings(public_url="http://127.0.0.1",
                                                                       trusted_issuers=[SAMPLE_ISSUER_DID],
                                                                       deliver_every_secs=0.05))
        with ServerThread(app) as srv:
            doc = copy.deepcopy(SEED)
            for n in doc["nodes"]:
                if n["id"] == "delivery_webhook-1":
                    n["data"]["config"]["url"] = hook_url
                if n["id"] == "age_verification-1":
                    n["data"]["config"]["verification"] = "off-chain"
            with httpx.Client(base_url=srv.url, headers=ADMIN, timeout=60) as http:
                assert http.post("/workflows", json={"id": "age", "document": doc}).status_code == 201
                # an hour: proving N proofs before the clock starts takes minutes on a loaded machine
                opened = [http.post("/requests", json={"workflow_id": "age", "ttl_secs": 3600}).json()["id"]
                          for _ in range(N)]
                tokens = [check_request(http.get(f"/requests/{rid}").text) for rid in opened]
            zk = read_zkey(zkey_path)
            bodies = []
            for cred, req in zip(creds, tokens):
                data = st.statement_input(cred, reg, today=today(), scope=int(req["scope"]),
                                          challenge=int(req["challenge"]))
                res = prove_with_key(zk, cc.witness(data), self_check=False)
                bodies.append({"proof": res.proof.to_obj(), "public_inputs": [str(v) for v in res.publics.values],
                               "issuer_did": SAMPLE_ISSUER_DID, "holder_did": SAMPLE_HOLDER_DID})

            def answer(i):
                with httpx.Client(base_url=srv.url, timeout=60) as c:
                    first = c.post(f"/requests/{opened[i]}/response", json=bodies[i])
                    replay = c.post(f"/requests/{opened[i]}/response", json=bodies[i])
                    return first.status_code, first.json().get("delivery_id"), replay.status_code

            t0 = time.time()
            with ThreadPoolExecutor(max_workers=8) as pool:
                results = list(pool.map(answer, range(N)))
            elapsed = time.time() - t0
            deadline = time.time() + 120
            while len(script.accepted) < N and time.time() < deadline:
                time.sleep(0.1)
    assert [r[0] for r in results] == [200] * N, {r[0] for r in results}
    assert all(r[2] == 409 for r in results)
    delivered = [d.delivery_id for d in script.accepted]
    assert sorted(delivered) == sorted(r[1] for r in results)  # every acceptance delivered, exactly once
    print(f"\n{N} responses (+{N} replays) in {elapsed:.1f} s: {2 * N / elapsed:.0f} requests/s")
