"""A wallet's response to a request: checked once, accepted at most once, never lost.

The wallet sends only what it owns (proof, public inputs, issuer, and in DID-bound mode its DID
and, for on-chain tasks, its authorization for the relying party to submit). Everything the
relying party decides (statement, its own DID, the request id, nonce and expiry) comes from its
own database, never from the body, so a wallet cannot answer with a scope or challenge of its
choosing.

Order of work, and why:

1. Cheap refusals from the stored request: unknown, already answered, expired.
2. :func:`zkvct.credentials.verify.verify_presentation`, the same checks as the contract with
   the same reason codes, against the chain's statements and roots plus this database's accepted
   nullifiers and proofs; a refusal is logged and the request stays open.
3. Off-chain tasks: one write transaction moves the request from ``open`` to ``answered``
   (a conditional update: two replicas cannot both succeed), records the nullifier and proof hash
   (primary keys: a second use fails), the response, and the webhook delivery.
   On-chain tasks: the request is first leased (``submitting``), the proof is submitted to the
   verifier contract, and the same transaction as above records the result with its tx hash. A
   process that dies while submitting leaves a lease that :func:`recover` resolves from the
   chain's own record of the proof.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import sqlalchemy as sa

from zkvct.credentials.chain_view import LayeredView
from zkvct.credentials.reasons import Reason
from zkvct.credentials.verify import ChainView, Presentation, Verdict, verify_presentation
from zkvct.web.db import read_tx, write_tx
from zkvct.web.errors import ServiceError

from . import delivery
from .schema import accepted_nullifiers, accepted_proofs, deliveries, refusals, requests, responses, workflows
from .workflow import Workflow, parse_workflow

log = logging.getLogger("zkvct.rp.responses")

MAX_ATTEMPTS = 5
SUBMIT_LEASE_SECS = 120.0


class Refused(ServiceError):
    """The response failed a protocol check: 422 with the protocol's reason code."""

    def __init__(self, reason: Reason | str, detail: str):
        super().__init__(422, str(reason), detail)


class ChainSubmitter(Protocol):
    """Submits an accepted presentation to the verifier contract (on-chain tasks)."""

    def submit(self, presentation: dict[str, Any], holder_authorization: dict[str, Any] | None) -> str:
        """The transaction hash; raises :class:`Refused` with the contract's reason code."""

    def proof_recorded(self, proof_hash: bytes) -> bool:
        """Whether the contract has accepted a proof with this hash (crash recovery)."""


@dataclass(frozen=True)
class Accepted:
    request_id: str
    delivery_id: str | None
    nullifier: str
    tx_hash: str | None


def local_view(engine: sa.Engine, chain: ChainView) -> ChainView:
    """The chain's view with this database's accepted nullifiers and proofs in front."""

    def nullifier_used(statement_id: str, scope: int, nullifier: int) -> bool:
        with read_tx(engine) as conn:
            return conn.execute(sa.select(accepted_nullifiers.c.request_id).where(
                accepted_nullifiers.c.statement_id == statement_id, accepted_nullifiers.c.scope == str(scope),
                accepted_nullifiers.c.nullifier == str(nullifier))).first() is not None

    def proof_used(digest: bytes) -> bool:
        with read_tx(engine) as conn:
            return conn.execute(sa.select(accepted_proofs.c.request_id).where(
                accepted_proofs.c.proof_hash == digest.hex())).first() is not None

    return LayeredView(chain, nullifier_used, proof_used)


def _load(engine: sa.Engine, request_id: str) -> tuple[sa.Row, sa.Row]:
    with read_tx(engine) as conn:
        req = conn.execute(sa.select(requests).where(requests.c.id == request_id)).first()
        if req is None:
            raise ServiceError(404, "unknown_request", "no request with this id")
        wf = conn.execute(sa.select(workflows).where(workflows.c.id == req.workflow_id)).one()
    return req, wf


def log_refusal(conn: sa.Connection, request_id: str, reason: str, detail: str, now: float,
                reopen: bool = False) -> Refused:
    """Record a refusal inside the caller's transaction (the request stays open, one attempt more)."""
    conn.execute(refusals.insert().values(request_id=request_id, reason=reason, detail=detail[:500], at=now))
    values: dict[str, Any] = {"attempts": requests.c.attempts + 1}
    if reopen:
        values.update(status="open", lease_until=0.0)
    conn.execute(requests.update().where(requests.c.id == request_id).values(**values))
    log.info("request %s refused: %s", request_id, reason)
    return Refused(reason, detail)


def _refuse(engine: sa.Engine, request_id: str, reason: str, detail: str, now: float, reopen: bool = False) -> Refused:
    with write_tx(engine) as conn:
        return log_refusal(conn, request_id, reason, detail, now, reopen)


_workflows: dict[str, Workflow] = {}
_workflows_lock = threading.Lock()


def workflow_of(document: Any) -> Workflow:
    """The parsed workflow of a stored document, parsed once per distinct document (workflows are
    immutable; the key is the document's canonical JSON, so two databases' workflows of the same
    id but different content never share an entry)."""
    key = json.dumps(document, sort_keys=True, separators=(",", ":"))
    hit = _workflows.get(key)
    if hit is None:
        hit = parse_workflow(document)
        with _workflows_lock:
            if len(_workflows) >= 256:
                _workflows.clear()
            _workflows[key] = hit
    return hit


def _iso(t: float) -> str:
    return _dt.datetime.fromtimestamp(t, _dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


NULLIFIER_TAKEN = (Reason.NULLIFIER_USED, "this credential already answered this relying party for this statement")
PROOF_TAKEN = (Reason.PROOF_REPLAYED, "this proof was accepted before")
ANSWERED = (409, "already_answered", "this request has already been answered")


@dataclass(frozen=True)
class AcceptanceRows:
    """The rows one acceptance writes besides moving its request to ``answered``."""

    accepted: Accepted
    nullifier: dict[str, Any]
    proof: dict[str, Any]
    delivery: dict[str, Any] | None
    response: dict[str, Any]


def acceptance_rows(req: sa.Row, document: Any, verdict: Verdict, body: dict[str, Any], rp_did: str,
                    tx_hash: str | None, now: float) -> AcceptanceRows:
    """What accepting ``verdict`` for ``req`` records (``document``: the stored workflow): the
    nullifier and proof hash (primary keys), the webhook delivery if the workflow has one, the response."""
    workflow = workflow_of(document)
    output = {"value": True, "verifiedAt": _iso(now), "statement": verdict.statement_id,
              "issuerDid": body["issuer_did"], "nullifier": str(verdict.nullifier), "txHash": tx_hash,
              "requestId": req.id}
    dlv = None
    if workflow.webhook is not None:
        payload = workflow.payload({req.task_node: output})
        payload["zkvct"] = {"request_id": req.id, "statement_id": verdict.statement_id, "verification": req.verification,
                            "issuer_did": body["issuer_did"], "holder_did": verdict.holder_did,
                            "relying_party_did": rp_did, "nullifier": str(verdict.nullifier),
                            "proof_hash": verdict.proof_hash.hex(), "tx_hash": tx_hash, "verified_at": output["verifiedAt"]}
        dlv = delivery.delivery_row(request_id=req.id, url=workflow.webhook.url, payload=payload, now=now)
    delivery_id = dlv["id"] if dlv else None
    return AcceptanceRows(
        Accepted(req.id, delivery_id, str(verdict.nullifier), tx_hash),
        {"statement_id": verdict.statement_id, "scope": str(verdict.scope), "nullifier": str(verdict.nullifier),
         "request_id": req.id},
        {"proof_hash": verdict.proof_hash.hex(), "request_id": req.id},
        dlv,
        {"request_id": req.id, "statement_id": verdict.statement_id, "issuer_did": body["issuer_did"],
         "holder_did": verdict.holder_did, "nullifier": str(verdict.nullifier),
         "proof_hash": verdict.proof_hash.hex(), "tx_hash": tx_hash, "delivery_id": delivery_id, "answered_at": now})


def record(conn: sa.Connection, req: sa.Row, wf: Any, verdict: Verdict, body: dict[str, Any], rp_did: str,
           tx_hash: str | None, from_status: str, now: float) -> Accepted:
    """Record one acceptance in the caller's transaction (``wf.document``: the stored workflow).
    Raises 409 when the request is no longer in ``from_status`` and :class:`Refused` when the
    nullifier or proof hash is taken; the caller rolls its transaction or savepoint back then."""
    moved = conn.execute(requests.update().where(requests.c.id == req.id, requests.c.status == from_status)
                         .values(status="answered", lease_until=0.0, pending=None, attempts=requests.c.attempts + 1))
    if moved.rowcount != 1:
        raise ServiceError(*ANSWERED)
    rows = acceptance_rows(req, wf.document, verdict, body, rp_did, tx_hash, now)
    try:
        with conn.begin_nested():
            conn.execute(accepted_nullifiers.insert().values(**rows.nullifier))
    except sa.exc.IntegrityError:
        raise Refused(*NULLIFIER_TAKEN) from None
    try:
        with conn.begin_nested():
            conn.execute(accepted_proofs.insert().values(**rows.proof))
    except sa.exc.IntegrityError:
        raise Refused(*PROOF_TAKEN) from None
    if rows.delivery is not None:
        conn.execute(deliveries.insert().values(**rows.delivery))
    conn.execute(responses.insert().values(**rows.response))
    return rows.accepted


def precheck(req: sa.Row, t: float) -> None:
    """The cheap refusals from the stored request alone (step 1), shared with the batch path."""
    if req.status == "answered":
        raise ServiceError(409, "already_answered", "this request has already been answered")
    if req.status == "submitting" and req.lease_until > t:
        raise ServiceError(409, "in_progress", "a response to this request is being submitted on chain")
    if t > req.expires_at:
        raise ServiceError(410, Reason.REQUEST_EXPIRED.value, f"the request expired at {req.expires_at} (Unix seconds)")
    if req.attempts >= MAX_ATTEMPTS:
        raise ServiceError(429, "too_many_attempts", f"this request refused {MAX_ATTEMPTS} responses; ask for a new one")


def presentation_of(req: sa.Row, body: dict[str, Any], rp_did: str) -> dict[str, Any]:
    """The presentation to check: the wallet's proof and inputs, everything else from our record."""
    return {
        "statement_id": req.statement_id, "proof": body["proof"], "public_inputs": body["public_inputs"],
        "issuer_did": body["issuer_did"], "relying_party_did": rp_did, "holder_did": body.get("holder_did"),
        "request": {"id": req.id, "nonce": req.nonce, "expires_at": int(req.expires_at)},
    }


def accept_response(engine: sa.Engine, view: ChainView, rp_did: str, request_id: str, body: dict[str, Any], *,
                    submitter: ChainSubmitter | None = None, now: Callable[[], float] = time.time) -> Accepted:
    """Check and record one response (see the module docstring); raises :class:`ServiceError`."""
    t = now()
    req, wf = _load(engine, request_id)
    precheck(req, t)
    presentation = presentation_of(req, body, rp_did)
    verdict = verify_presentation(Presentation.from_wire(presentation), local_view(engine, view))
    if not verdict.ok:
        raise _refuse(engine, req.id, verdict.reason.value, verdict.detail, t)
    if req.verification == "off-chain":
        try:
            with write_tx(engine) as conn:
                return record(conn, req, wf, verdict, body, rp_did, None, "open", t)
        except Refused as r:
            raise _refuse(engine, req.id, r.code, r.detail, t) from None
    if submitter is None:
        raise ServiceError(503, "chain_unavailable", "this relying party has no chain connection for on-chain tasks")
    pending = {"body": body, "verdict": _verdict_to_json(verdict)}
    with write_tx(engine) as conn:
        leased = conn.execute(requests.update().where(
            requests.c.id == req.id, sa.or_(requests.c.status == "open",
                                            sa.and_(requests.c.status == "submitting", requests.c.lease_until <= t)))
            .values(status="submitting", lease_until=t + SUBMIT_LEASE_SECS, pending=pending))
        if leased.rowcount != 1:
            raise ServiceError(409, "already_answered", "this request has already been answered")
    try:
        tx_hash = submitter.submit(presentation, body.get("holder_authorization"))
    except Refused as r:
        raise _refuse(engine, req.id, r.code, r.detail, t, reopen=True) from None
    except Exception as e:  # the chain is down or answered oddly: reopen, say so, keep no secret
        log.warning("request %s: submission failed: %s", req.id, type(e).__name__)
        _refuse(engine, req.id, "chain_unavailable", type(e).__name__, t, reopen=True)
        raise ServiceError(503, "chain_unavailable", "the chain could not be reached; try again") from None
    with write_tx(engine) as conn:
        return record(conn, req, wf, verdict, body, rp_did, tx_hash, "submitting", now())


def _verdict_to_json(v: Verdict) -> dict[str, Any]:
    return {"statement_id": v.statement_id, "version": v.version, "scope": str(v.scope), "nullifier": str(v.nullifier),
            "proof_hash": v.proof_hash.hex(), "holder_did": v.holder_did}


def _verdict_from_json(d: dict[str, Any]) -> Verdict:
    return Verdict(True, statement_id=d["statement_id"], version=d["version"], scope=int(d["scope"]),
                   nullifier=int(d["nullifier"]), proof_hash=bytes.fromhex(d["proof_hash"]), holder_did=d["holder_did"])


def recover(engine: sa.Engine, rp_did: str, submitter: ChainSubmitter, now: float | None = None) -> dict[str, str]:
    """Settle requests whose on-chain submission lease ran out (the process died mid-submit).

    The checked response was stored with the lease. If the contract recorded the proof, the
    acceptance is recorded and delivered now (the tx hash is unknown: the evidence says so);
    otherwise the request is reopened for the wallet to retry. Returns ``{request id: outcome}``.
    """
    t = time.time() if now is None else now
    outcome: dict[str, str] = {}
    with read_tx(engine) as conn:
        stale = conn.execute(sa.select(requests.c.id).where(requests.c.status == "submitting",
                                                            requests.c.lease_until <= t)).scalars().all()
    for rid in stale:
        req, wf = _load(engine, rid)
        pending = req.pending or {}
        recorded = bool(pending) and submitter.proof_recorded(bytes.fromhex(pending["verdict"]["proof_hash"]))
        with write_tx(engine) as conn:
            if recorded:
                record(conn, req, wf, _verdict_from_json(pending["verdict"]), pending["body"], rp_did, None,
                        "submitting", t)
                outcome[rid] = "accepted"
            else:
                conn.execute(requests.update().where(requests.c.id == rid, requests.c.status == "submitting")
                             .values(status="open", lease_until=0.0, pending=None))
                outcome[rid] = "reopened"
    return outcome
