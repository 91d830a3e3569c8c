"""The prover API on zkvct.web; OpenAPI at ``/openapi.json``.

* ``GET  /v1/health``: liveness, no token needed, reveals nothing.
* ``GET  /v1/statements``: the configured statements, their public inputs and roles.
* ``POST /v1/prove``: ``{"statement": ID, "input": {...}}`` (circom-style input.json) returns
  ``{"proof": ..., "publicSignals": [...]}`` exactly as snarkjs writes proof.json and public.json.
* ``POST /v1/verify``: ``{"verification_key": ..., "publicSignals": [...], "proof": ...}``
  returns ``{"ok": bool, "reason": str}``.

Everything but health needs ``Authorization: Bearer <token>``; the token is made at the first
start and kept in a 0600 file. Requests must name a local ``Host`` (DNS rebinding) and carry no
``Origin`` outside the allow-list (web pages). Bodies are capped at :data:`MAX_BODY_BYTES` while
streaming, slow bodies and slow headers time out, at most ``max_active`` requests are in
flight and at most ``threads`` proofs run at once (bounded worker threads). Errors are ``{"error", "detail"}`` naming the field and the allowed
range, never a submitted value.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from fastapi import Header, Request
from starlette.concurrency import run_in_threadpool

from zkvct.web.app import create_app, install_guards
from zkvct.web.auth import LOCAL_HOSTS, check_bearer
from zkvct.web.limits import read_small_body
from zkvct.web.serve import ServerThread, ServeSettings

from .service import ProveRequest, ProverService, VerifyRequest

#: Largest request body accepted (a depth-32 credential input is a few kB; a vk a few more).
MAX_BODY_BYTES = 1 << 20


def build_app(service: ProverService, token: str, *, allowed_hosts: Iterable[str] = LOCAL_HOSTS,
              allowed_origins: Iterable[str] = (), max_active: int = 32, threads: int = 4) -> Any:
    app = create_app("zkvct prover", __doc__.split("\n\n")[0], version="1")

    def auth(authorization: str | None) -> None:
        check_bearer(authorization, token)

    @app.get("/v1/health", summary="Liveness")
    def health() -> dict:
        return {"ok": True}

    @app.get("/v1/statements", summary="The configured statements")
    def statements(authorization: str | None = Header(None)) -> dict:
        auth(authorization)
        return service.list_statements()

    @app.post("/v1/prove", summary="Prove a statement from circom-style input (holder secrets: never logged)",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": ProveRequest.model_json_schema()}}}})
    async def prove(request: Request, authorization: str | None = Header(None)) -> dict:
        auth(authorization)  # before the body is read
        req = ProveRequest.model_validate_json(await read_small_body(request, MAX_BODY_BYTES))
        return await run_in_threadpool(service.prove, req)

    @app.post("/v1/verify", summary="Verify a Groth16 proof",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": VerifyRequest.model_json_schema(by_alias=True)}}}})
    async def verify(request: Request, authorization: str | None = Header(None)) -> dict:
        auth(authorization)
        req = VerifyRequest.model_validate_json(await read_small_body(request, MAX_BODY_BYTES))
        return await run_in_threadpool(service.verify, req)

    install_guards(app, max_body=MAX_BODY_BYTES, allowed_hosts=set(allowed_hosts), allowed_origins=set(allowed_origins),
                   max_active=max_active, queue_timeout=10.0, body_idle_timeout=5.0, body_total_timeout=30.0, threads=threads,
                   exempt_paths=frozenset({"/v1/health"}))
    return app


def default_token_file(config_path: str | Path) -> Path:
    """Where the token lives unless told otherwise: beside the config, readable by its owner only."""
    return Path(config_path).resolve().parent / "prover.token"


class RunningService:
    """The service on ``host:port`` in a background thread (``port=0`` picks a free one)."""

    def __init__(self, service: ProverService, token: str, host: str = "127.0.0.1", port: int = 0, **app_kw: Any):
        self.server = ServerThread(build_app(service, token, **app_kw), ServeSettings(host=host, port=port, header_timeout=5.0))

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> "RunningService":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> "RunningService":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
