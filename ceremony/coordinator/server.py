"""The coordinator's HTTP API on zkvct.web (FastAPI on uvicorn); OpenAPI at ``/openapi.json``.

=======  ==========================  ==========================================================
method   path                        meaning
=======  ==========================  ==========================================================
GET      /api/status[?did=DID]       queue, current turn and its deadline, tracks (read-only)
GET      /api/state/TRACK            the current state file of a track (anyone may download)
GET      /api/transcript             the public transcript (contributions, DIDs, attestations)
GET      /api/final/FILE             published final files (after finalization)
POST     /api/register               signed: register the signing DID (allow-list or ``{"invite"}``)
POST     /api/join                   signed: join the queue
POST     /api/contribute/TRACK       signed: body = the new state; headers carry the
                                     contribution hash and the signed attestation
POST     /api/finalize               signed by the admin DID: ``{"beacon_hash", "num_iterations_exp"}``
=======  ==========================  ==========================================================

Signed requests carry ``X-Zkvct-Did``, ``-Timestamp``, ``-Nonce``, ``-Body-Sha256`` and
``-Signature`` (see :mod:`ceremony.coordinator.signing`): the signature covers the ceremony id,
method, path and the declared body hash, so it is checked *before* the body is read. An upload
is streamed to disk only after its request was authenticated and found in turn, with a limit of
the current state's size plus a margin enforced while streaming; its hash must then equal the
declared one. Errors are ``{"error": code, "detail": message}`` with a 4xx status.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import Query, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from zkvct.web.app import create_app, install_guards
from zkvct.web.limits import read_small_body, stream_to_file
from zkvct.web.serve import ServerThread, ServeSettings, run

from . import wire
from .core import UPLOAD_MARGIN, CeremonyRejected, Coordinator

_SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
SMALL_BODY = 1 << 16

_SIGNED_DOC = {"parameters": [{"name": n, "in": "header", "required": True, "schema": {"type": "string"}} for n in wire.SIGNED]}


def _body_doc(model) -> dict[str, Any]:
    return {**_SIGNED_DOC, "requestBody": {"required": False, "content": {"application/json": {"schema": model.model_json_schema()}}}}


def build_app(coord: Coordinator, *, allowed_hosts: set[str] | None = None, max_active: int = 32, threads: int = 8,
              tick: float = 1.0) -> Any:
    """The coordinator's ASGI app, with limits, timeouts and a ticker that times out stalled turns."""
    app = create_app("zkvct ceremony coordinator", __doc__.split("\n\n")[0], version="2")

    @app.exception_handler(CeremonyRejected)
    async def _rejected(_: Request, exc: CeremonyRejected) -> JSONResponse:
        return JSONResponse({"error": exc.code, "detail": str(exc)}, status_code=exc.status)

    stop = threading.Event()

    def ticker() -> None:
        while not stop.wait(tick):
            try:
                coord.advance()
            except Exception:  # noqa: BLE001 - keep ticking; requests report real problems
                pass

    app.router.on_startup.append(lambda: threading.Thread(target=ticker, daemon=True, name="coordinator-tick").start())
    app.router.on_shutdown.append(stop.set)

    async def authenticated(request: Request, *, registered: bool = True) -> wire.Signed:
        s = wire.signed_headers(request.headers)
        await run_in_threadpool(coord.authenticate, s.did, request.method, request.url.path, s.timestamp, s.nonce,
                                s.body_sha256, s.signature, must_be_registered=registered)
        return s

    async def small_body(request: Request, s: wire.Signed) -> bytes:
        raw = await read_small_body(request, SMALL_BODY)
        if hashlib.sha256(raw).hexdigest() != s.body_sha256:
            raise CeremonyRejected(400, "the body does not match X-Zkvct-Body-Sha256", "body_hash_mismatch")
        return raw

    # ------------------------------------------------------------ reads (no write lock)

    @app.get("/api/status", summary="Queue, current turn, tracks; with ?did= the caller's position")
    def status(did: str | None = Query(None, max_length=128)) -> dict:
        return {"ok": True, **coord.status(wire.query_did(did))}

    @app.get("/api/transcript", summary="The public transcript")
    def transcript() -> dict:
        return {"ok": True, **coord.transcript()}

    @app.get("/api/state/{track}", summary="The current state file of a track", response_class=FileResponse)
    def state(track: str) -> FileResponse:
        return FileResponse(coord.state_path(track), media_type="application/octet-stream")

    @app.get("/api/final/{name}", summary="A published final file", response_class=FileResponse)
    def final(name: str) -> FileResponse:
        f = coord.root / "final" / name
        if not _SAFE.match(name) or not coord.transcript()["finalized"] or not f.is_file() or name.endswith(".tmp"):
            raise CeremonyRejected(404, "no such published file (files appear after finalization)")
        return FileResponse(f, media_type="application/octet-stream")

    # ------------------------------------------------------------ signed writes

    @app.post("/api/register", summary="Register the signing DID", openapi_extra=_body_doc(wire.RegisterBody))
    async def register(request: Request) -> dict:
        s = await authenticated(request, registered=False)
        body = wire.parse_body(wire.RegisterBody, await small_body(request, s))
        return {"ok": True, **await run_in_threadpool(coord.register, s.did, body.invite)}

    @app.post("/api/join", summary="Join the queue", openapi_extra=_body_doc(wire.EmptyBody))
    async def join(request: Request) -> dict:
        s = await authenticated(request)
        wire.parse_body(wire.EmptyBody, await small_body(request, s))
        return {"ok": True, **await run_in_threadpool(coord.join, s.did)}

    @app.post("/api/contribute/{track}", summary="Upload the next state of a track (in turn only)",
              openapi_extra={"parameters": _SIGNED_DOC["parameters"] + [
                  {"name": n, "in": "header", "required": True, "schema": {"type": "string"}}
                  for n in ("X-Zkvct-Contribution-Hash", "X-Zkvct-Attestation")],
                  "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def contribute(track: str, request: Request) -> dict:
        s = await authenticated(request)  # before a single body byte is read or stored
        contribution_hash = wire.header(request.headers, "X-Zkvct-Contribution-Hash")
        attestation = wire.header(request.headers, "X-Zkvct-Attestation")
        queue_id, tr, limit = await run_in_threadpool(coord.begin_upload, s.did, track)
        try:
            declared = request.headers.get("content-length")
            if declared is not None and int(declared) > limit:
                raise CeremonyRejected(413, f"upload of {declared} bytes exceeds the {limit}-byte limit for track {track} "
                                            f"(its current state plus {UPLOAD_MARGIN})")
            tmp = coord.root / "uploads" / f"{secrets.token_hex(8)}.upload"
            try:
                sha, _size = await stream_to_file(request, tmp, limit)
                if sha != s.body_sha256:
                    raise CeremonyRejected(400, "the uploaded body does not match X-Zkvct-Body-Sha256", "body_hash_mismatch")
                receipt = await run_in_threadpool(coord.finish_upload, s.did, queue_id, tr, tmp, contribution_hash, attestation)
            finally:
                tmp.unlink(missing_ok=True)
        finally:
            coord.end_upload(track)
        return {"ok": True, **receipt}

    @app.post("/api/finalize", summary="Apply the beacon and publish (admin only)", openapi_extra=_body_doc(wire.FinalizeBody))
    async def finalize(request: Request) -> dict:
        s = await authenticated(request, registered=False)
        if s.did != coord.admin_did:
            raise CeremonyRejected(403, "only the ceremony's admin DID may finalize", "not_admin")
        body = wire.parse_body(wire.FinalizeBody, await small_body(request, s))
        coord.check_beacon_exp(body.num_iterations_exp)  # before any work, with the configured cap
        tx = await run_in_threadpool(coord.finalize, bytes.fromhex(body.beacon_hash), body.num_iterations_exp)
        return {"ok": True, **tx, "work_seconds": coord.finalize_seconds}

    largest = max((p.stat().st_size for p in (coord.root / "states").rglob("*") if p.is_file()), default=0)
    install_guards(app, max_body=largest + UPLOAD_MARGIN, allowed_hosts=allowed_hosts, max_active=max_active,
                   queue_timeout=10.0, body_idle_timeout=60.0, body_total_timeout=3600.0, threads=threads)
    return app


def serve(root: str | Path, host: str = "127.0.0.1", port: int = 8765, *, turn_timeout: float | None = None, ready=None,
          db_url: str | None = None, max_connections: int = 256) -> None:
    """Run the coordinator until interrupted."""
    coord = Coordinator(root, turn_timeout=turn_timeout, db_url=db_url)
    try:
        run(build_app(coord), ServeSettings(host=host, port=port, max_connections=max_connections), ready)
    finally:
        coord.close()


class RunningServer:
    """A coordinator served from a background thread (embedding and tests); ``stop()`` ends it."""

    def __init__(self, root: str | Path, host: str = "127.0.0.1", port: int = 0, *, turn_timeout: float | None = None,
                 clock=None, db_url: str | None = None, **app_kw: Any):
        self.coord = Coordinator(root, turn_timeout=turn_timeout, clock=clock or time.time, db_url=db_url)
        self.server = ServerThread(build_app(self.coord, **app_kw), ServeSettings(host=host, port=port)).start()
        self.url = self.server.url

    def stop(self) -> None:
        self.server.stop()
        self.coord.close()


__all__ = ["build_app", "serve", "RunningServer"]
