"""The relying party's HTTP API (``zkvct rp serve``).

Admin routes (bearer token): add and list workflows, open requests, list deliveries and redeliver.
Public routes (size-limited, no token): the signed request a wallet fetches, its QR code, and the
response endpoint. The crash recovery runs beside the server in this process, and the webhook
worker either in a thread here or (``zkvct rp serve``) in a delivery process of its own that this
one wakes (:mod:`.deliver_process`); every decision they make is in the database, so a restart
resumes them.
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from zkvct.chain.client import ChainError
from zkvct.credentials.verify import ChainView
from zkvct.web.app import create_app, install_guards
from zkvct.web.auth import check_bearer
from zkvct.web.db import read_tx, write_tx
from zkvct.web.errors import ServiceError

from . import delivery
from .batch import ON_CHAIN, ResponseBatcher
from .requests import RelyingParty, deep_link, new_request, qr_png
from .responses import ChainSubmitter, accept_response, recover
from .schema import create_all, refusals, requests, responses, workflows
from .workflow import WorkflowError, parse_workflow

log = logging.getLogger("zkvct.rp")

MAX_BODY = 64 * 1024
DID_PATTERN = r"^did:shr:[A-Za-z0-9:]{20,120}$"


@dataclass
class RpSettings:
    public_url: str  # how wallets reach this service (the response URL's base)
    default_ttl_secs: int = 600
    trusted_issuers: list[str] = field(default_factory=list)
    chain: dict[str, str] | None = None  # {"chain_id", "verifier"}: wallets sign holder authorizations for these
    deliver_every_secs: float = 0.2  # the worker's poll when nothing wakes it (retries come due; other replicas' rows)
    batch_max: int = 64  # off-chain responses settled together (one pairing check, one commit)
    batch_wait_secs: float = 0.002  # how long a batch waits for company after its first response


class WorkflowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    document: dict[str, Any]


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workflow_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    task: str | None = Field(default=None, max_length=128)
    ttl_secs: int | None = Field(default=None, ge=1, le=86400)


class HolderAuthorization(BaseModel):
    model_config = ConfigDict(extra="forbid")
    public_key: str = Field(pattern=r"^0[23][0-9a-fA-F]{64}$", description="33-byte compressed secp256k1 key, hex")
    signature: str = Field(pattern=r"^[A-Za-z0-9+/=]{80,100}$", description="64-byte r||s, base64")
    nonce: int = Field(ge=0, lt=2**63)


class ProofIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pi_a: list[str] = Field(min_length=3, max_length=3)
    pi_b: list[list[str]] = Field(min_length=3, max_length=3)
    pi_c: list[str] = Field(min_length=3, max_length=3)
    protocol: Literal["groth16"] = "groth16"
    curve: Literal["bn128"] = "bn128"


class ResponseIn(BaseModel):
    """What a wallet sends: only what it owns. Statement, scope, challenge and request come from
    the relying party's own record of the request."""

    model_config = ConfigDict(extra="forbid")
    proof: ProofIn
    public_inputs: list[str] = Field(min_length=1, max_length=64)
    issuer_did: str = Field(pattern=DID_PATTERN)
    holder_did: str | None = Field(default=None, pattern=DID_PATTERN)
    holder_authorization: HolderAuthorization | None = None


class AcceptedOut(BaseModel):
    """What the response endpoint answers on acceptance (documents the OpenAPI schema)."""

    accepted: bool
    request_id: str
    delivery_id: str | None
    nullifier: str
    tx_hash: str | None


class DeliveryWorker:
    """Drains the webhook outbox in a thread until stopped. It runs a pass when woken (this
    process enqueued a delivery: :meth:`wake`) and otherwise every ``every`` seconds (retries
    that came due, rows another replica enqueued), so a delivery does not wait for the poll."""

    def __init__(self, deliverer: delivery.Deliverer, every: float):
        self.deliverer, self.every = deliverer, every
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rp-deliveries", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.deliverer.run_once()
            except Exception as e:  # a database hiccup must not kill the worker; the rows stay pending
                log.warning("delivery pass failed: %s", type(e).__name__)
                busy = 0
            if not busy:
                self._wake.wait(self.every)
                self._wake.clear()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(10)


RESPONSE_PATH = "/requests/{request_id}/response"


def _document_response_route(app: FastAPI) -> None:
    """Add the plain route above to the app's OpenAPI description: request body ``ResponseIn``,
    200 ``AcceptedOut``, 400/404/409/415/422 as the service's ``{"error", "detail"}``; the models'
    nested definitions go to ``components/schemas`` so every ``$ref`` resolves."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        refs = {}
        for model in (ResponseIn, AcceptedOut):
            doc = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(doc.pop("$defs", {}))
            components[model.__name__] = doc
            refs[model] = {"$ref": f"#/components/schemas/{model.__name__}"}
        error = {"description": "refused: the body names the reason (protocol reason codes for 422)",
                 "content": {"application/json": {"schema": {"type": "object", "properties": {
                     "error": {"type": "string"}, "detail": {"type": "string"}}}}}}
        schema.setdefault("paths", {})[RESPONSE_PATH] = {"post": {
            "summary": "Answer a request with a proof",
            "operationId": "post_response",
            "parameters": [{"name": "request_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": refs[ResponseIn]}}},
            "responses": {"200": {"description": "accepted", "content": {"application/json": {
                "schema": refs[AcceptedOut]}}}, **{str(c): error for c in (400, 404, 409, 415, 422)}}}}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_rp_app(*, engine: sa.Engine, rp: RelyingParty, view: ChainView, settings: RpSettings, admin_token: str,
                  webhook_secret: bytes, webhook_bearer: str | None = None, submitter: ChainSubmitter | None = None,
                  allowed_hosts: set[str] | None = None, run_worker: bool = True,
                  wake_deliveries: Callable[[], None] | None = None) -> FastAPI:
    """``run_worker``: deliver webhooks from a thread of this process. ``zkvct rp serve`` passes
    False and ``wake_deliveries`` instead (the delivery process's wake-up, see
    :mod:`.deliver_process`), called after each commit that enqueued deliveries."""
    create_all(engine)
    deliverer = delivery.Deliverer(engine, webhook_secret, bearer_token=webhook_bearer)
    worker = DeliveryWorker(deliverer, settings.deliver_every_secs) if run_worker else None
    wake = worker.wake if worker else wake_deliveries
    batcher = ResponseBatcher(engine, view, rp.did, max_batch=settings.batch_max, max_wait=settings.batch_wait_secs,
                              on_commit=wake)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if submitter is not None:
            settled = recover(engine, rp.did, submitter)
            if settled:
                log.info("recovered %d interrupted on-chain submissions", len(settled))
        if worker:
            worker.start()
        yield
        batcher.stop()
        if worker:
            worker.stop()

    app = create_app("zkvct relying party", "LINK-style workflows answered with zkVCT proofs: signed requests, "
                     "checked responses, signed webhook deliveries.", lifespan=lifespan)
    app.state.deliverer = deliverer

    def admin(authorization: str | None = Header(default=None)) -> None:
        check_bearer(authorization, admin_token)

    def known(statement_id: str) -> Any:
        """The registered statement, None if the verifier has none; a chain that cannot answer
        is a 503 that names the statement, never a 500 (the wallet or operator can retry)."""
        try:
            return view.statement(statement_id, None)
        except ChainError as exc:
            log.warning("statement %r: the verifier could not be read: %s", statement_id, type(exc).__name__)
            raise ServiceError(503, "chain_unavailable",
                               f"the verifier contract could not be read for statement {statement_id!r}; "
                               "try again when the chain answers") from None

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"ok": True, "did": rp.did}

    @app.post("/workflows", dependencies=[Depends(admin)], status_code=201)
    def add_workflow(body: WorkflowIn) -> dict[str, Any]:
        try:
            wf = parse_workflow(body.document, defaults={"trusted_issuers": settings.trusted_issuers})
        except WorkflowError as e:
            raise ServiceError(422, "invalid_workflow", str(e)) from None
        for task in wf.tasks:
            st = known(task.statement)
            if st is None:
                raise ServiceError(422, "invalid_workflow",
                                   f"node {task.node_id}: statement {task.statement!r} is not registered on the verifier")
            years = [r.years for r in st.roles if r.kind == "cutoff_days"]
            if "years" in task.params and years and years[0] != task.params["years"]:
                raise ServiceError(422, "invalid_workflow",
                                   f"node {task.node_id}: statement {task.statement!r} is registered for "
                                   f"{years[0]} years, the task asks {task.params['years']}")
            if not task.trusted_issuers:
                raise ServiceError(422, "invalid_workflow",
                                   f"node {task.node_id}: no trusted issuers (set config.trustedIssuers or the service default)")
        wid = body.id or "wf_" + secrets.token_hex(6)
        with write_tx(engine) as conn:
            if conn.execute(sa.select(workflows.c.id).where(workflows.c.id == wid)).first():
                raise ServiceError(409, "exists", f"workflow {wid} exists; workflows are immutable, add a new id")
            conn.execute(workflows.insert().values(id=wid, name=wf.name, document=body.document, created_at=time.time()))
        return {"id": wid, "name": wf.name, "tasks": [t.__dict__ for t in wf.tasks],
                "webhook": wf.webhook.url if wf.webhook else None}

    @app.get("/workflows", dependencies=[Depends(admin)])
    def list_workflows() -> list[dict[str, Any]]:
        with read_tx(engine) as conn:
            rows = conn.execute(sa.select(workflows.c.id, workflows.c.name, workflows.c.created_at)
                                .order_by(workflows.c.created_at)).all()
        return [dict(r._mapping) for r in rows]

    @app.post("/requests", dependencies=[Depends(admin)], status_code=201)
    def open_request(body: RequestIn) -> dict[str, Any]:
        with read_tx(engine) as conn:
            row = conn.execute(sa.select(workflows).where(workflows.c.id == body.workflow_id)).first()
        if row is None:
            raise ServiceError(404, "unknown_workflow", f"no workflow {body.workflow_id}")
        wf = parse_workflow(row.document, defaults={"trusted_issuers": settings.trusted_issuers})
        tasks = [t for t in wf.tasks if body.task in (None, t.node_id)]
        if len(tasks) != 1:
            raise ServiceError(422, "choose_task", "name one proof task of the workflow: "
                               + ", ".join(t.node_id for t in wf.tasks))
        task = tasks[0]
        st = known(task.statement)
        if st is None:
            raise ServiceError(422, "statement_unknown", f"statement {task.statement!r} is not registered any more")
        roles = [{"index": i, "role": r.kind, **({"years": r.years} if r.years is not None else {})}
                 for i, r in enumerate(st.roles)]
        did_bound = any(r.kind == "holder_did_hash" for r in st.roles)
        nr = new_request(rp, statement_id=task.statement, params=task.params, trusted_issuers=list(task.trusted_issuers),
                         verification=task.verification, response_uri_base=settings.public_url,
                         ttl_secs=body.ttl_secs or settings.default_ttl_secs, workflow=wf.name, purpose=task.label,
                         public_inputs=roles, did_bound=did_bound,
                         chain=settings.chain if task.verification == "on-chain" else None)
        with write_tx(engine) as conn:
            conn.execute(requests.insert().values(
                id=nr.id, workflow_id=row.id, task_node=task.node_id, statement_id=task.statement, nonce=nr.nonce,
                expires_at=nr.expires_at, verification=task.verification, token=nr.token, status="open",
                lease_until=0.0, attempts=0, created_at=time.time()))
        uri = settings.public_url.rstrip("/") + f"/requests/{nr.id}"
        return {"id": nr.id, "request_uri": uri, "deep_link": deep_link(uri), "qr_png": uri + "/qr.png",
                "expires_at": nr.expires_at, "statement_id": task.statement, "verification": task.verification}

    @app.get("/requests/{request_id}")
    def get_request(request_id: str) -> Response:
        with read_tx(engine) as conn:
            token = conn.execute(sa.select(requests.c.token).where(requests.c.id == request_id)).scalar()
        if token is None:
            raise ServiceError(404, "unknown_request", "no request with this id")
        return Response(token, media_type="application/jwt")

    @app.get("/requests/{request_id}/qr.png")
    def request_qr(request_id: str) -> Response:
        with read_tx(engine) as conn:
            exists = conn.execute(sa.select(requests.c.id).where(requests.c.id == request_id)).first()
        if exists is None:
            raise ServiceError(404, "unknown_request", "no request with this id")
        uri = settings.public_url.rstrip("/") + f"/requests/{request_id}"
        return Response(qr_png(deep_link(uri)), media_type="image/png")

    async def post_response(request: Request) -> Response:
        # The hot path (every wallet's answer) is a plain Starlette route: no FastAPI dependency
        # solving or response-model pass per request (benchmarks/RESULTS.md, session 6). The body
        # is parsed and validated in one pass by pydantic's JSON parser and the answer encoded
        # once; a validation error is the same 400 ``invalid_request`` the app's handlers give,
        # and the OpenAPI description comes from the same models (:func:`_document_response_route`).
        request_id = request.path_params["request_id"]
        kind = request.headers.get("content-type", "application/json").split(";", 1)[0].strip().lower()
        if kind != "application/json" and not kind.endswith("+json"):
            raise ServiceError(415, "unsupported_media_type", "the response body must be JSON (Content-Type: application/json)")
        body = ResponseIn.model_validate_json(await request.body())
        data = body.model_dump(exclude_none=True)
        accepted = await asyncio.wrap_future(batcher.submit(request_id, data))
        if accepted is ON_CHAIN:  # one at a time, each until its transaction is included
            accepted = await run_in_threadpool(accept_response, engine, view, rp.did, request_id, data,
                                               submitter=submitter)
            if wake:
                wake()
        return Response(json.dumps({"accepted": True, "request_id": accepted.request_id,
                                    "delivery_id": accepted.delivery_id, "nullifier": accepted.nullifier,
                                    "tx_hash": accepted.tx_hash}, separators=(",", ":")),
                        media_type="application/json")

    app.router.add_route(RESPONSE_PATH, post_response, methods=["POST"], include_in_schema=False)
    _document_response_route(app)

    @app.get("/requests/{request_id}/status", dependencies=[Depends(admin)])
    def request_status(request_id: str) -> dict[str, Any]:
        with read_tx(engine) as conn:
            req = conn.execute(sa.select(requests.c.id, requests.c.status, requests.c.expires_at, requests.c.statement_id,
                                         requests.c.verification).where(requests.c.id == request_id)).first()
            if req is None:
                raise ServiceError(404, "unknown_request", "no request with this id")
            resp = conn.execute(sa.select(responses).where(responses.c.request_id == request_id)).first()
            refused = conn.execute(sa.select(refusals.c.reason, refusals.c.detail, refusals.c.at)
                                   .where(refusals.c.request_id == request_id).order_by(refusals.c.id)).all()
        out = dict(req._mapping)
        out["response"] = dict(resp._mapping) if resp else None
        out["refusals"] = [dict(r._mapping) for r in refused]
        return out

    @app.get("/deliveries", dependencies=[Depends(admin)])
    def list_deliveries(status: Literal["pending", "delivered", "failed"] | None = None) -> list[dict[str, Any]]:
        return delivery.list_deliveries(engine, status=status)

    @app.post("/deliveries/{delivery_id}/redeliver", dependencies=[Depends(admin)])
    def redeliver(delivery_id: str) -> dict[str, Any]:
        if not delivery.redeliver(engine, delivery_id):
            raise ServiceError(404, "unknown_delivery", "no delivery with this id")
        return {"id": delivery_id, "status": "pending"}

    install_guards(app, max_body=MAX_BODY, allowed_hosts=allowed_hosts)
    return app
