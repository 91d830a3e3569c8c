"""The issuer's HTTP API (FastAPI on the project's web stack, zkvct/web).

Public (rate-limited per client address, small bodies):

* ``GET  /v1/issuer``                       the issuer's DID and public key (JWK)
* ``GET  /v1/offers/{id}``                  what an offer contains (names only) and its deadline
* ``POST /v1/offers/{id}/redeem``           ``{"proof": <PoP JWS>}`` -> ``{"credential", "vc", "serial"}``
* ``GET  /v1/registry``                     root, size, last anchored root
* ``GET  /v1/registry/nodes?level=&after=&limit=``  the registry's non-empty nodes of one level
  (level 0: the public leaves); a wallet downloads whole levels, never its own path, so the
  issuer does not learn which credential is about to be used

Admin (``Authorization: Bearer <admin_token>``):

* ``POST /admin/offers``                    ``{"subject": {...}, "ttl_s": n}``
* ``POST /admin/credentials/{serial}/revoke``
* ``GET  /admin/credentials/{serial}``
* ``POST /admin/epoch``                     close an epoch now (queue the current root) and drain
* ``GET  /admin/outbox``                    pending chain work
"""
from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import Depends, FastAPI, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ...web.app import create_app, install_guards
from ...web.auth import check_bearer
from ...web.errors import ServiceError
from . import db
from .outbox import Anchorer, EpochLoop
from .registry import Issuer, IssuerError, Subject

MAX_BODY = 16 * 1024
MAX_PAGE = 1000


class SubjectModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dob: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="date of birth, ISO YYYY-MM-DD")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2 residency")
    expiry: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="credential expiry, ISO YYYY-MM-DD")
    accredited_until: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class OfferRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject: SubjectModel
    ttl_s: int = Field(default=7 * 86_400, ge=60, le=30 * 86_400)


class RedeemRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    proof: str = Field(min_length=1, max_length=8192, description="compact JWS (ES256K) proof of possession")


class RateLimiter:
    """Token bucket per client address: ``rate`` requests per second, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) > 10_000:  # forget idle clients
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                retry = max(1, int((1 - tokens) / self.rate + 0.999))
                raise ServiceError(429, "rate_limited", f"too many requests from this address; retry in {retry} s")
            self._buckets[client] = (tokens - 1, now)


def _refuse(exc: IssuerError) -> ServiceError:
    return ServiceError(exc.status, exc.code, str(exc))


def build_app(issuer: Issuer, *, admin_token: str, anchorer: Anchorer | None = None, epoch_s: float = 60.0,
              rate: float = 5.0, burst: int = 20, allowed_hosts: set[str] | None = None) -> FastAPI:
    """The issuer app; starts the epoch/anchoring loop on startup and stops it on shutdown."""
    app = create_app("zkvct issuer", "Offers, redemption with did:shr proof of possession, public registry, revocation.")
    limiter = RateLimiter(rate, burst)
    loop = EpochLoop(issuer, anchorer, epoch_s)
    app.state.issuer, app.state.loop = issuer, loop
    app.router.on_startup.append(loop.start)
    app.router.on_shutdown.append(loop.stop)

    def public(request: Request) -> None:
        limiter.check(request.client.host if request.client else "unknown")

    def admin(request: Request) -> None:
        check_bearer(request.headers.get("authorization"), admin_token)

    def call(fn, *args: Any) -> Any:
        try:
            return fn(*args)
        except IssuerError as exc:
            raise _refuse(exc) from None

    @app.get("/healthz")
    def health() -> dict[str, Any]:
        return {"ok": True}

    @app.get("/v1/issuer", dependencies=[Depends(public)])
    def issuer_info() -> dict[str, Any]:
        return {"issuer_did": issuer.did, "registry_depth": issuer.depth}

    @app.get("/v1/offers/{offer_id}", dependencies=[Depends(public)])
    def offer(offer_id: str) -> dict[str, Any]:
        return call(issuer.offer_info, offer_id)

    @app.post("/v1/offers/{offer_id}/redeem", dependencies=[Depends(public)])
    def redeem(offer_id: str, body: RedeemRequest) -> dict[str, Any]:
        result = call(issuer.redeem, offer_id, body.proof)
        loop.wake()
        return result

    @app.get("/v1/registry", dependencies=[Depends(public)])
    def registry() -> dict[str, Any]:
        return issuer.registry_info()

    @app.get("/v1/registry/nodes", dependencies=[Depends(public)])
    def nodes(level: int = Query(0, ge=0, le=64), after: int = Query(-1, ge=-1),
              limit: int = Query(MAX_PAGE, ge=1, le=MAX_PAGE)) -> dict[str, Any]:
        return call(issuer.level_nodes, level, after, limit)

    @app.post("/admin/offers", dependencies=[Depends(admin)])
    def create_offer(body: OfferRequest) -> dict[str, Any]:
        return call(issuer.create_offer, Subject(**body.subject.model_dump()), body.ttl_s)

    @app.post("/admin/credentials/{serial}/revoke", dependencies=[Depends(admin)])
    def revoke(serial: int) -> dict[str, Any]:
        if not 0 <= serial < 1 << issuer.depth:
            raise ServiceError(400, "malformed", f"serial must be 0..2^{issuer.depth}-1")
        result = call(issuer.revoke, serial)
        loop.wake()
        return result

    @app.get("/admin/credentials/{serial}", dependencies=[Depends(admin)])
    def status(serial: int) -> dict[str, Any]:
        return call(issuer.credential_status, serial)

    @app.post("/admin/epoch", dependencies=[Depends(admin)])
    def epoch() -> dict[str, Any]:
        result = call(issuer.close_epoch)
        result["anchored"] = anchorer.drain() if anchorer is not None else []
        return result

    @app.get("/admin/outbox", dependencies=[Depends(admin)])
    def outbox() -> dict[str, Any]:
        with issuer.engine.connect() as conn:
            rows = conn.execute(select(db.outbox).order_by(db.outbox.c.id)).all()
        return {"rows": [
            {"id": r.id, "kind": r.kind, "status": "done" if r.done_at is not None else "pending", "root": r.root,
             "retire_previous": bool(r.retire_previous),
             "holder_did": r.holder_did, "done_at": r.done_at, "tx_hash": r.tx_hash, "height": r.height,
             "attempts": r.attempts, "last_error": r.last_error} for r in rows]}

    return install_guards(app, max_body=MAX_BODY, allowed_hosts=allowed_hosts, exempt_paths=frozenset({"/healthz"}))
