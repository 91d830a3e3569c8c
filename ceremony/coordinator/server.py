"""The coordinator's HTTP API (stdlib ``http.server``; JSON in and out, files as raw bodies).

=======  ==========================  ==========================================================
method   path                        meaning
=======  ==========================  ==========================================================
GET      /api/status[?did=DID]       queue, current turn and its deadline, tracks
GET      /api/state/TRACK            the current state file of a track (anyone may download)
GET      /api/transcript             the public transcript (contributions, DIDs, attestations)
GET      /api/final/FILE             published final files (after finalization)
POST     /api/register               signed: register the DID that signs the request
POST     /api/join                   signed: join the queue
POST     /api/contribute/TRACK       signed: body = the new state; headers carry the
                                     contribution hash and the signed attestation
POST     /api/finalize               signed by the admin DID: ``{"beacon_hash", "num_iterations_exp"}``
=======  ==========================  ==========================================================

Signed requests carry ``X-Zkvct-Did``, ``X-Zkvct-Timestamp``, ``X-Zkvct-Nonce`` and
``X-Zkvct-Signature`` (see :mod:`ceremony.coordinator.signing`). Errors are ``{"ok": false,
"error": reason}`` with 400/401/403/404/409/413/422.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from .core import CeremonyRejected, Coordinator

_CHUNK = 1 << 20
_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def make_handler(coord: Coordinator):
    class Handler(BaseHTTPRequestHandler):
        server_version = "zkvct-ceremony/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args) -> None:  # requests only, never bodies or secrets
            if os.environ.get("ZKVCT_CEREMONY_LOG"):
                super().log_message(fmt, *args)

        # -------------------------------------------------------- plumbing
        def _json(self, status: int, obj: dict) -> None:
            raw = json.dumps(obj, sort_keys=True).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _file(self, path: Path) -> None:
            size = path.stat().st_size
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            with open(path, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    self.wfile.write(chunk)

        def _body_to(self, dest: Path | None, limit: int) -> tuple[str, bytes]:
            """Read the body (to ``dest`` if given), return its SHA-256 hex and (small) bytes."""
            length = int(self.headers.get("Content-Length") or 0)
            if length > limit:
                raise CeremonyRejected(413, f"body of {length} bytes exceeds the {limit}-byte limit for this request")
            h = hashlib.sha256()
            kept = bytearray()
            left = length
            fh = open(dest, "wb") if dest else None
            try:
                while left:
                    chunk = self.rfile.read(min(_CHUNK, left))
                    if not chunk:
                        raise CeremonyRejected(400, "connection closed before the whole body arrived")
                    h.update(chunk)
                    left -= len(chunk)
                    if fh:
                        fh.write(chunk)
                    else:
                        kept += chunk
                if fh:
                    fh.flush()
                    os.fsync(fh.fileno())
            finally:
                if fh:
                    fh.close()
            return h.hexdigest(), bytes(kept)

        def _auth(self, path: str, body_sha: str, *, registered: bool = True) -> str:
            g = self.headers.get
            did = g("X-Zkvct-Did", "")
            coord.authenticate(did, self.command, path, g("X-Zkvct-Timestamp", ""), g("X-Zkvct-Nonce", ""), body_sha,
                               g("X-Zkvct-Signature", ""), must_be_registered=registered)
            return did

        def _run(self, fn) -> None:
            try:
                fn()
            except CeremonyRejected as exc:
                self._json(exc.status, {"ok": False, "error": str(exc)})
            except (ValueError, OSError) as exc:
                self._json(400, {"ok": False, "error": str(exc)})

        # -------------------------------------------------------- routes
        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            parts = url.path.strip("/").split("/")

            def go() -> None:
                if parts[:2] == ["api", "status"]:
                    did = parse_qs(url.query).get("did", [None])[0]
                    self._json(200, {"ok": True, **coord.status(did)})
                elif parts[:2] == ["api", "state"] and len(parts) == 3:
                    self._file(coord.state_path(parts[2]))
                elif parts[:2] == ["api", "transcript"]:
                    self._json(200, {"ok": True, **coord.transcript()})
                elif parts[:2] == ["api", "final"] and len(parts) == 3 and _SAFE.match(parts[2]):
                    f = coord.root / "final" / parts[2]
                    if not coord.transcript()["finalized"] or not f.is_file() or f.name.endswith(".tmp"):
                        raise CeremonyRejected(404, f"no published file {parts[2]!r}")
                    self._file(f)
                else:
                    raise CeremonyRejected(404, f"no such endpoint: GET {url.path}")
            self._run(go)

        def do_POST(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            parts = url.path.strip("/").split("/")

            def go() -> None:
                if parts[:2] == ["api", "register"]:
                    sha, _ = self._body_to(None, 1 << 16)
                    did = self._auth(url.path, sha, registered=False)
                    self._json(200, {"ok": True, **coord.register(did)})
                elif parts[:2] == ["api", "join"]:
                    sha, _ = self._body_to(None, 1 << 16)
                    did = self._auth(url.path, sha)
                    self._json(200, {"ok": True, **coord.join(did)})
                elif parts[:2] == ["api", "contribute"] and len(parts) == 3:
                    cur = coord.state_path(parts[2])
                    limit = cur.stat().st_size + (1 << 20)
                    tmp = coord.root / "uploads" / f"{secrets.token_hex(8)}.upload"
                    try:
                        sha, _ = self._body_to(tmp, limit)
                        did = self._auth(url.path, sha)
                        receipt = coord.accept_upload(did, parts[2], tmp, self.headers.get("X-Zkvct-Contribution-Hash", ""),
                                                      self.headers.get("X-Zkvct-Attestation", ""))
                    finally:
                        tmp.unlink(missing_ok=True)
                    self._json(200, {"ok": True, **receipt})
                elif parts[:2] == ["api", "finalize"]:
                    sha, body = self._body_to(None, 1 << 16)
                    did = self._auth(url.path, sha, registered=False)
                    if did != coord.admin_did:
                        raise CeremonyRejected(403, "only the ceremony's admin DID may finalize")
                    req = json.loads(body or b"{}")
                    tx = coord.finalize(bytes.fromhex(req["beacon_hash"]), int(req["num_iterations_exp"]))
                    self._json(200, {"ok": True, **tx})
                else:
                    raise CeremonyRejected(404, f"no such endpoint: POST {url.path}")
            self._run(go)

    return Handler


def serve(root: str | Path, host: str = "127.0.0.1", port: int = 8765, *, turn_timeout: float | None = None, ready=None) -> None:
    """Run the coordinator until interrupted; a background tick times out stalled turns."""
    coord = Coordinator(root, turn_timeout=turn_timeout)
    httpd = ThreadingHTTPServer((host, port), make_handler(coord))
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(1.0):
            try:
                coord.advance()
            except Exception:  # keep ticking; the next request reports real problems
                pass

    threading.Thread(target=tick, daemon=True).start()
    if ready:
        ready(httpd.server_address)
    try:
        httpd.serve_forever()
    finally:
        stop.set()
        httpd.server_close()
        coord.close()


class RunningServer:
    """A coordinator served from a background thread (embedding and tests); ``stop()`` ends it."""

    def __init__(self, root: str | Path, host: str = "127.0.0.1", port: int = 0, *, turn_timeout: float | None = None, clock=None):
        import time

        self.coord = Coordinator(root, turn_timeout=turn_timeout, clock=clock or time.time)
        self.httpd = ThreadingHTTPServer((host, port), make_handler(self.coord))
        self.url = f"http://{self.httpd.server_address[0]}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()
        self.coord.close()
