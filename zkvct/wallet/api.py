"""The wallet's local HTTP API (``zkvct wallet serve``): 127.0.0.1 only, bearer token in a 0600 file.

Apps on the holder's device (a browser extension's native host, a mobile shell) drive the wallet
through it. Every route needs ``Authorization: Bearer <token>`` (the token file is made at the
first start, zkvct.web.auth); Host must be a loopback name and a browser Origin is refused unless
allowed, so a web page cannot reach it (DNS rebinding, CSRF).

* ``GET  /v1/wallet``                      DID and credentials (no secrets)
* ``POST /v1/offers/accept``               ``{"issuer_url", "offer_id"}``
* ``POST /v1/sync``                        ``{"credential_id"?}``
* ``POST /v1/prove``                       ``{"statement", "params", "statement_id"?, "relying_party_did",
  "request": {id, nonce, expires_at}, "credential_id"?}``: the consent decision is the caller's
  (the request-inspection UI of the relying-party flow plugs in at :meth:`Wallet.prove_for_request`)
* ``GET  /v1/consent``                     the consent log

Statement keys are configured at start (``--keys KEYS.json``: ``{"statement id": {"statement",
"params", "zkey"}}``), so a caller cannot point the prover at an arbitrary file.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field

from ..errors import ZkvctError
from ..web.app import create_app, install_guards
from ..web.auth import check_bearer
from ..web.errors import ServiceError
from .holder import ConsentDeclined, Wallet

MAX_BODY = 64 * 1024


class KeyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement: str
    params: dict[str, Any] = {}
    zkey: str


class AcceptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    issuer_url: str = Field(pattern=r"^https?://", max_length=500)
    offer_id: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")


class SyncBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credential_id: str | None = Field(default=None, max_length=100)


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200)
    nonce: str = Field(min_length=1, max_length=200)
    expires_at: int = Field(ge=0, lt=2**63)


class ProveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    relying_party_did: str = Field(max_length=200)
    request: RequestBody
    credential_id: str | None = Field(default=None, max_length=100)


def build_app(wallet: Wallet, *, token: str, keys: dict[str, KeyEntry], allowed_hosts: set[str] | None) -> FastAPI:
    from circuits.statements import get_statement

    app = create_app("zkvct wallet", "The holder's local wallet API (127.0.0.1, bearer token).")
    lock = threading.Lock()  # one wallet operation at a time: the store is one SQLite file
    statements = {sid: (get_statement(k.statement, **k.params), k.zkey) for sid, k in keys.items()}

    def auth(request: Request) -> None:
        check_bearer(request.headers.get("authorization"), token)

    def run(fn, *args: Any, **kw: Any) -> Any:
        with lock:
            try:
                return fn(*args, **kw)
            except ConsentDeclined as exc:
                raise ServiceError(403, "consent_declined", str(exc)) from None
            except (ZkvctError, ValueError) as exc:
                raise ServiceError(400, "wallet_refused", str(exc)) from None

    @app.get("/healthz")
    def health() -> dict[str, Any]:
        return {"ok": True}

    @app.get("/v1/wallet", dependencies=[Depends(auth)])
    def show() -> dict[str, Any]:
        return {"did": wallet.did, "credentials": run(wallet.credentials), "statements": sorted(statements)}

    @app.post("/v1/offers/accept", dependencies=[Depends(auth)])
    def accept(body: AcceptBody) -> dict[str, Any]:
        return {"credential": run(wallet.accept_offer, body.issuer_url, body.offer_id)}

    @app.post("/v1/sync", dependencies=[Depends(auth)])
    def sync(body: SyncBody) -> dict[str, Any]:
        return run(wallet.sync, body.credential_id)

    @app.post("/v1/prove", dependencies=[Depends(auth)])
    def prove(body: ProveBody) -> dict[str, Any]:
        if body.statement_id not in statements:
            raise ServiceError(400, "statement_unknown",
                               f"no key configured for {body.statement_id!r}; configured: {', '.join(sorted(statements))}")
        statement, zkey = statements[body.statement_id]
        return run(wallet.prove_for_request, statement, body.relying_party_did, body.request.model_dump(), zkey=zkey,
                   statement_id=body.statement_id, credential_id=body.credential_id)

    @app.get("/v1/consent", dependencies=[Depends(auth)])
    def consent() -> dict[str, Any]:
        return {"consent": run(wallet.consent_log)}

    return install_guards(app, max_body=MAX_BODY, allowed_hosts=allowed_hosts, threads=2,
                          exempt_paths=frozenset({"/healthz"}))


def load_keys(path: str | Path | None) -> dict[str, KeyEntry]:
    import json

    if not path:
        return {}
    base = Path(path).resolve().parent
    raw = json.loads(Path(path).read_text())
    if not isinstance(raw, dict):
        raise ZkvctError(f"{path}: expected {{statement id: {{statement, params, zkey}}}}")
    out = {}
    for sid, entry in raw.items():
        key = KeyEntry.model_validate(entry)
        out[sid] = key.model_copy(update={"zkey": str((base / key.zkey).resolve())})
    return out
