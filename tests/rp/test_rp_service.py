"""The relying-party service in-process (httpx test client): requests, responses, webhooks, and
each attack on the response endpoint with its own test."""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rp_scripted_endpoint import Script, serve
from zkvct import webhook
from zkvct.credentials.derive import ProofRequest
from zkvct.credentials.sample import SAMPLE_HOLDER_DID, SAMPLE_ISSUER_DID, sample_did, sample_presentation
from zkvct.did import jws
from zkvct.groth16.prove import prove
from zkvct.services.rp.app import RpSettings, create_rp_app
from zkvct.services.rp.requests import RelyingParty, check_request, parse_deep_link
from zkvct.web.db import make_engine, sqlite_url

from rp_helpers import today

SEED = json.loads((Path(__file__).parent / "link_age_workflow.json").read_text())
SECRET = b"webhook-secret-for-tests-0123"
TOKEN = "admin-token-" + "x" * 32
ADMIN = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def rp():
    key = jws.new_private_key()
    return RelyingParty(jws.did_of(key), key)


@pytest.fixture
def hook():
    script = Script(SECRET, [])
    with serve(script) as url:
        yield script, url


@pytest.fixture
def client(tmp_path, rp, chain_view, hook):
    engine = make_engine(sqlite_url(tmp_path / "rp.db"))
    app = create_rp_app(engine=engine, rp=rp, view=chain_view, admin_token=TOKEN, webhook_secret=SECRET,
                        settings=RpSettings(public_url="http://testserver", trusted_issuers=[SAMPLE_ISSUER_DID],
                                            deliver_every_secs=0.05))
    with TestClient(app) as c:
        doc = copy.deepcopy(SEED)
        for n in doc["nodes"]:
            if n["id"] == "delivery_webhook-1":
                n["data"]["config"]["url"] = hook[1]
            if n["id"] == "age_verification-1":
                n["data"]["config"]["verification"] = "off-chain"
        r = c.post("/workflows", json={"id": "age", "document": doc}, headers=ADMIN)
        assert r.status_code == 201, r.text
        yield c


def open_request(client, **kw):
    r = client.post("/requests", json={"workflow_id": "age", **kw}, headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()


def wallet_answer(client, age_key, chain_view, opened, *, holder=SAMPLE_HOLDER_DID, rp_did=None, mutate=None):
    """Do what a wallet does: fetch and check the request, prove for it, answer."""
    token = client.get(parse_deep_link(opened["deep_link"]).replace("http://testserver", "")).text
    req = check_request(token)
    pr = ProofRequest(req["id"], req["nonce"], req["exp"])
    p = sample_presentation(age_key.statement, statement_id=req["statement_id"], today=today(),
                            relying_party_did=rp_did or req["iss"], holder_did=holder, request=pr)
    chain_view.anchor(SAMPLE_ISSUER_DID, p.registry.root)
    res = prove(age_key.zkey, age_key.compiled.witness(p.input))
    body = {"proof": res.proof.to_obj(), "public_inputs": [str(v) for v in res.publics.values],
            "issuer_did": SAMPLE_ISSUER_DID, "holder_did": holder}
    if mutate:
        mutate(body)
    return client.post(f"/requests/{req['id']}/response", json=body), body


def wait_delivered(script, n=1, timeout=10.0):
    end = time.time() + timeout
    while len(script.accepted) < n and time.time() < end:
        time.sleep(0.05)
    return script.accepted


def test_request_answered_once_and_webhook_delivered(client, age_key, chain_view, hook):
    opened = open_request(client)
    assert opened["deep_link"].startswith("zkvct://request?request_uri=")
    assert client.get(f"/requests/{opened['id']}/qr.png").content[:8] == b"\x89PNG\r\n\x1a\n"
    r, _ = wallet_answer(client, age_key, chain_view, opened)
    assert r.status_code == 200, r.text
    got = wait_delivered(hook[0])
    assert len(got) == 1 and got[0].delivery_id == r.json()["delivery_id"]
    payload = json.loads(got[0].body)
    assert payload["age_verified"] is True and payload["zkvct"]["statement_id"] == "age_gte"
    assert payload["zkvct"]["nullifier"] == r.json()["nullifier"]
    status = client.get(f"/requests/{opened['id']}/status", headers=ADMIN).json()
    assert status["status"] == "answered" and status["response"]["delivery_id"] == got[0].delivery_id


def test_second_answer_refused(client, age_key, chain_view):
    opened = open_request(client)
    assert wallet_answer(client, age_key, chain_view, opened)[0].status_code == 200
    r, _ = wallet_answer(client, age_key, chain_view, opened)
    assert r.status_code == 409 and r.json()["error"] == "already_answered"


def test_replayed_response_to_a_new_request_refused(client, age_key, chain_view):
    first = open_request(client)
    r, body = wallet_answer(client, age_key, chain_view, first)
    assert r.status_code == 200
    second = open_request(client)
    r2 = client.post(f"/requests/{second['id']}/response", json=body)
    assert r2.status_code == 422 and r2.json()["error"] == "proof_replayed"


def test_same_credential_twice_is_one_pseudonym(client, age_key, chain_view):
    """A second request answered with a fresh proof from the same credential hits the nullifier."""
    from zkvct.credentials.sample import sample_presentation as sp
    opened = open_request(client)
    token = client.get(f"/requests/{opened['id']}").text
    req = check_request(token)
    p = sp(age_key.statement, statement_id="age_gte", today=today(), relying_party_did=req["iss"],
           request=ProofRequest(req["id"], req["nonce"], req["exp"]))
    chain_view.anchor(SAMPLE_ISSUER_DID, p.registry.root)
    res = prove(age_key.zkey, age_key.compiled.witness(p.input))
    body = {"proof": res.proof.to_obj(), "public_inputs": [str(v) for v in res.publics.values],
            "issuer_did": SAMPLE_ISSUER_DID, "holder_did": SAMPLE_HOLDER_DID}
    assert client.post(f"/requests/{req['id']}/response", json=body).status_code == 200
    second = check_request(client.get(f"/requests/{open_request(client)['id']}").text)
    data = age_key.statement.statement_input(p.credential, p.registry, today=today(),
                                             scope=int(second["scope"]), challenge=int(second["challenge"]))
    res2 = prove(age_key.zkey, age_key.compiled.witness(data))
    body2 = {**body, "proof": res2.proof.to_obj(), "public_inputs": [str(v) for v in res2.publics.values]}
    r = client.post(f"/requests/{second['id']}/response", json=body2)
    assert r.status_code == 422 and r.json()["error"] == "nullifier_used"


def test_proof_for_another_relying_party_refused(client, age_key, chain_view):
    opened = open_request(client)
    r, _ = wallet_answer(client, age_key, chain_view, opened, rp_did=sample_did("other-rp"))
    assert r.status_code == 422 and r.json()["error"] == "scope_mismatch"


def test_proof_for_another_did_refused(client, age_key, chain_view):
    opened = open_request(client)
    r, _ = wallet_answer(client, age_key, chain_view, opened,
                         mutate=lambda b: b.update(holder_did=sample_did("someone-else")))
    assert r.status_code == 422 and r.json()["error"] == "holder_did_mismatch"


def test_tampered_public_input_refused(client, age_key, chain_view):
    opened = open_request(client)

    def bump(b):
        b["public_inputs"][1] = str(int(b["public_inputs"][1]) - 1)  # cutoff_days
    r, _ = wallet_answer(client, age_key, chain_view, opened, mutate=bump)
    assert r.status_code == 422 and r.json()["error"] in ("cutoff_mismatch", "proof_invalid")


def test_input_at_or_above_r_refused(client, age_key, chain_view):
    from zkvct.field import R
    opened = open_request(client)
    r, _ = wallet_answer(client, age_key, chain_view, opened, mutate=lambda b: b["public_inputs"].__setitem__(0, str(R)))
    assert r.status_code == 422 and r.json()["error"] == "input_not_canonical"


def test_off_curve_proof_refused(client, age_key, chain_view):
    opened = open_request(client)
    r, _ = wallet_answer(client, age_key, chain_view, opened, mutate=lambda b: b["proof"]["pi_a"].__setitem__(1, "5"))
    assert r.status_code == 422 and r.json()["error"] == "proof_malformed"


def test_prover_cannot_choose_scope_or_challenge(client, age_key, chain_view):
    opened = open_request(client)
    r, _ = wallet_answer(client, age_key, chain_view, opened, mutate=lambda b: b.update(scope="1", challenge="2"))
    assert r.status_code == 400 and "scope" in r.json()["detail"]


def test_expired_request_refused(client, age_key, chain_view):
    opened = open_request(client, ttl_secs=1)
    time.sleep(2.1)
    body = {"proof": {"pi_a": ["1", "2", "1"], "pi_b": [["1", "0"], ["1", "0"], ["1", "0"]], "pi_c": ["1", "2", "1"]},
            "public_inputs": ["1"], "issuer_did": SAMPLE_ISSUER_DID}
    r = client.post(f"/requests/{opened['id']}/response", json=body)
    assert r.status_code == 410 and r.json()["error"] == "request_expired"


def test_admin_routes_need_the_token(client):
    assert client.post("/requests", json={"workflow_id": "age"}).status_code == 401
    assert client.get("/deliveries", headers={"authorization": "Bearer wrong"}).status_code == 401


def test_oversized_and_malformed_bodies_are_4xx(client):
    opened = open_request(client)
    url = f"/requests/{opened['id']}/response"
    assert client.post(url, content=b"x" * (70 * 1024), headers={"content-type": "application/json"}).status_code == 413
    assert client.post(url, content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert client.post(url, json={"proof": 1}).status_code == 400
    assert client.post("/requests/nope/response", json={}).status_code in (400, 404)


def test_unknown_statement_workflow_refused_naming_node(client):
    doc = copy.deepcopy(SEED)
    for n in doc["nodes"]:
        if n["id"] == "age_verification-1":
            n["type"] = "zkvct_proof"
            n["data"]["config"] = {"statement": "salary_gte"}
    r = client.post("/workflows", json={"id": "bad", "document": doc}, headers=ADMIN)
    assert r.status_code == 422 and "age_verification-1" in r.json()["detail"]


def test_years_mismatch_refused(client):
    doc = copy.deepcopy(SEED)
    for n in doc["nodes"]:
        if n["id"] == "age_verification-1":
            n["data"]["config"]["compareValue"] = 21
    r = client.post("/workflows", json={"id": "age21", "document": doc}, headers=ADMIN)
    assert r.status_code == 422 and "18 years" in r.json()["detail"]


def test_webhook_signature_checks_at_receiver(client, age_key, chain_view, hook):
    opened = open_request(client)
    wallet_answer(client, age_key, chain_view, opened)
    got = wait_delivered(hook[0])
    call = hook[0].calls[-1]
    with pytest.raises(webhook.WebhookError):
        webhook.verify(b"not-the-secret-0123456789", call["headers"], call["body"])
    assert got[0].body == call["body"]


def test_openapi_describes_the_response_route(client):
    """The response endpoint is a plain Starlette route (no FastAPI dependency solving on the hot
    path); it is still in the OpenAPI description, from the same models, with resolvable refs."""
    doc = client.get("/openapi.json").json()
    op = doc["paths"]["/requests/{request_id}/response"]["post"]
    assert [p["name"] for p in op["parameters"]] == ["request_id"]
    schemas = doc["components"]["schemas"]

    def resolve(ref: str) -> dict:
        assert ref.startswith("#/components/schemas/"), ref
        return schemas[ref.rsplit("/", 1)[1]]

    body = resolve(op["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert set(body["required"]) == {"proof", "public_inputs", "issuer_did"}
    proof = body["properties"]["proof"]
    resolve(proof["$ref"] if "$ref" in proof else proof["allOf"][0]["$ref"])
    refs = []

    def walk(node):
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    for ref in refs:
        resolve(ref)
    accepted = resolve(op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
    assert {"accepted", "delivery_id", "nullifier"} <= set(accepted["properties"])
    assert {"400", "404", "409", "415", "422"} <= set(op["responses"])
