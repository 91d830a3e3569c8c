"""A webhook receiver a relying party can run as it is (``zkvct rp receiver``), and the model of
what any receiver does with :func:`zkvct.webhook.verify`.

Each verified delivery is appended to a JSON-lines file (its id, timestamp and body) and fsynced
before the 200 goes out, so a delivery the sender saw acknowledged is on disk. A replay of a
delivery id already recorded is acknowledged again without being recorded twice (that is what a
retry after a lost 200 looks like). Anything that fails a check gets a 401 naming the check.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from zkvct import webhook
from zkvct.web.app import create_app, install_guards

MAX_BODY = 256 * 1024


class DeliveryLog:
    """Append-only JSON-lines record of accepted deliveries; its ids are the replay guard."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._ids: set[str] = set()
        if path.exists():
            for line in path.read_text().splitlines():
                try:
                    self._ids.add(json.loads(line)["delivery_id"])
                except (ValueError, KeyError):
                    continue

    def seen(self, delivery_id: str) -> bool:
        with self._lock:
            return delivery_id in self._ids

    def append(self, delivery: webhook.Delivery) -> bool:
        """Record ``delivery``; False when its id was already recorded."""
        with self._lock:
            if delivery.delivery_id in self._ids:
                return False
            line = json.dumps({"delivery_id": delivery.delivery_id, "timestamp": delivery.timestamp,
                               "body": json.loads(delivery.body)}, separators=(",", ":"))
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            self._ids.add(delivery.delivery_id)
            return True


def create_receiver_app(secret: bytes, log_path: Path, *, bearer_token: str | None = None,
                        tolerance_secs: int = webhook.DEFAULT_TOLERANCE_SECS) -> FastAPI:
    record = DeliveryLog(log_path)
    app = create_app("zkvct webhook receiver", "Checks signed zkVCT webhook deliveries and records them.")

    @app.post("/webhook")
    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        if bearer_token is not None and request.headers.get("authorization") != f"Bearer {bearer_token}":
            return JSONResponse({"error": "unauthorized", "detail": "wrong or missing bearer token"}, status_code=401)
        try:
            delivery = webhook.verify(secret, request.headers, body, tolerance_secs=tolerance_secs, seen=record.seen)
        except webhook.WebhookError as e:
            if e.code == "replayed":
                return JSONResponse({"ok": True, "duplicate": True})
            return JSONResponse({"error": e.code, "detail": str(e)}, status_code=401)
        try:
            json.loads(body)
        except ValueError:
            return JSONResponse({"error": "bad_body", "detail": "the body is not JSON"}, status_code=400)
        fresh = record.append(delivery)
        return JSONResponse({"ok": True, "duplicate": not fresh})

    @app.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    install_guards(app, max_body=MAX_BODY, allowed_hosts=None)
    return app
