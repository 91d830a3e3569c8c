"""Off-chain responses settled in a batch (zkvct.services.rp.batch): one bad pairing refuses that
response alone, replays and nullifier races inside one batch fail as they do one at a time, and
a delivery is woken at once rather than waiting for the worker's poll."""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from rp_scripted_endpoint import Script, serve
from zkvct.credentials.derive import ProofRequest
from zkvct.credentials.sample import SAMPLE_HOLDER_DID, SAMPLE_ISSUER_DID, sample_presentation
from zkvct.did import jws
from zkvct.groth16.prove import prove
from zkvct.services.rp.app import RpSettings, create_rp_app
from zkvct.services.rp.batch import accept_batch
from zkvct.services.rp.requests import RelyingParty, check_request
from zkvct.services.rp.responses import Accepted
from zkvct.services.rp.schema import deliveries, refusals, requests
from zkvct.web.db import make_engine, sqlite_url
from zkvct.web.errors import ServiceError

from rp_helpers import today

SEED = json.loads((Path(__file__).parent / "link_age_workflow.json").read_text())
SECRET = b"webhook-secret-for-tests-0123"
TOKEN = "admin-token-" + "y" * 32
ADMIN = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def world(tmp_path, chain_view):
    key = jws.new_private_key()
    rp = RelyingParty(jws.did_of(key), key)
    script = Script(SECRET, [])
    with serve(script) as hook_url:
        engine = make_engine(sqlite_url(tmp_path / "rp.db"))
        app = create_rp_app(engine=engine, rp=rp, view=chain_view, admin_token=TOKEN, webhook_secret=SECRET,
                            settings=RpSettings(public_url="http://testserver", trusted_issuers=[SAMPLE_ISSUER_DID],
                                                deliver_every_secs=30.0))
        with TestClient(app) as c:
            doc = copy.deepcopy(SEED)
            for n in doc["nodes"]:
                if n["id"] == "delivery_webhook-1":
                    n["data"]["config"]["url"] = hook_url
                if n["id"] == "age_verification-1":
                    n["data"]["config"]["verification"] = "off-chain"
            assert c.post("/workflows", json={"id": "age", "document": doc}, headers=ADMIN).status_code == 201
            yield {"client": c, "engine": engine, "rp": rp, "view": chain_view, "script": script}


def _open(w) -> dict:
    rid = w["client"].post("/requests", json={"workflow_id": "age"}, headers=ADMIN).json()["id"]
    return check_request(w["client"].get(f"/requests/{rid}").text)


def _answer(w, age_key, req, p=None) -> tuple[dict, object]:
    pr = ProofRequest(req["id"], req["nonce"], req["exp"])
    if p is None:
        p = sample_presentation(age_key.statement, statement_id="age_gte", today=today(), relying_party_did=req["iss"],
                                holder_did=SAMPLE_HOLDER_DID, request=pr)
    else:  # the same credential answering another request
        p = sample_presentation(age_key.statement, statement_id="age_gte", today=today(), relying_party_did=req["iss"],
                                holder_did=SAMPLE_HOLDER_DID, request=pr, credential=p.credential, registry=p.registry)
    w["view"].anchor(SAMPLE_ISSUER_DID, p.registry.root)
    res = prove(age_key.zkey, age_key.compiled.witness(p.input))
    return ({"proof": res.proof.to_obj(), "public_inputs": [str(v) for v in res.publics.values],
             "issuer_did": SAMPLE_ISSUER_DID, "holder_did": SAMPLE_HOLDER_DID}, p)


def _status(w, rid) -> tuple[str, int, list[str]]:
    with w["engine"].connect() as conn:
        st, attempts = conn.execute(sa.select(requests.c.status, requests.c.attempts).where(requests.c.id == rid)).one()
        why = conn.execute(sa.select(refusals.c.reason).where(refusals.c.request_id == rid)).scalars().all()
    return st, attempts, why


def test_one_bad_pairing_refuses_that_response_alone(world, age_key):
    reqs = [_open(world) for _ in range(4)]
    bodies = [_answer(world, age_key, r)[0] for r in reqs]
    # well-formed points that do not verify for these inputs: the pairing alone can tell
    bodies[2]["proof"]["pi_a"] = bodies[0]["proof"]["pi_a"]
    out = accept_batch(world["engine"], world["view"], world["rp"].did, [(r["id"], b) for r, b in zip(reqs, bodies)])
    assert [type(o).__name__ for o in out] == ["Accepted", "Accepted", "Refused", "Accepted"]
    assert out[2].code == "proof_invalid" and out[2].status == 422
    assert _status(world, reqs[2]["id"]) == ("open", 1, ["proof_invalid"])
    for i in (0, 1, 3):
        assert _status(world, reqs[i]["id"]) == ("answered", 1, [])
    with world["engine"].connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar() == 3


def test_replay_and_nullifier_race_inside_one_batch(world, age_key):
    a, b = _open(world), _open(world)
    body_a, p = _answer(world, age_key, a)
    body_b, _ = _answer(world, age_key, b, p)  # the same credential: the same nullifier at this relying party
    items = [(a["id"], body_a), (a["id"], body_a), (b["id"], body_b)]
    out = accept_batch(world["engine"], world["view"], world["rp"].did, items)
    assert isinstance(out[0], Accepted)
    assert isinstance(out[1], ServiceError) and (out[1].status, out[1].code) == (409, "already_answered")
    assert isinstance(out[2], ServiceError) and out[2].code == "nullifier_used"
    assert _status(world, b["id"]) == ("open", 1, ["nullifier_used"])
    # and the next batch sees what this one accepted
    again = accept_batch(world["engine"], world["view"], world["rp"].did, [(b["id"], body_a)])
    assert again[0].code == "proof_replayed"


def test_delivery_woken_not_polled(world, age_key):
    """The worker polls every 30 s here; an accepted response must still be delivered at once."""
    req = _open(world)
    body, _ = _answer(world, age_key, req)
    t0 = time.time()
    r = world["client"].post(f"/requests/{req['id']}/response", json=body)
    assert r.status_code == 200, r.text
    while not world["script"].accepted and time.time() - t0 < 10:
        time.sleep(0.01)
    assert world["script"].accepted and world["script"].accepted[0].delivery_id == r.json()["delivery_id"]
    assert time.time() - t0 < 10


def test_row_by_row_fallback_gives_the_same_outcomes(world, age_key, monkeypatch):
    """The bulk write's backstop: when it meets a uniqueness conflict the batch is recorded one
    acceptance at a time (savepoints, primary keys), with the outcomes the bulk path gives."""
    from zkvct.services.rp import batch

    def conflict(*_a, **_k):
        raise sa.exc.IntegrityError("bulk", None, Exception("forced for the test"))

    monkeypatch.setattr(batch, "_record_bulk", conflict)
    a, b = _open(world), _open(world)
    body_a, p = _answer(world, age_key, a)
    body_b, _ = _answer(world, age_key, b, p)
    out = accept_batch(world["engine"], world["view"], world["rp"].did, [(a["id"], body_a), (a["id"], body_a),
                                                                        (b["id"], body_b)])
    assert isinstance(out[0], Accepted)
    assert (out[1].status, out[1].code) == (409, "already_answered")
    assert out[2].code == "nullifier_used"
    assert _status(world, a["id"]) == ("answered", 1, [])
    assert _status(world, b["id"]) == ("open", 1, ["nullifier_used"])
