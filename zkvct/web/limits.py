"""Limits that protect a service from one client: body size, body time, concurrency.

All three are pure ASGI middleware, so they act before any route runs and before any byte is
stored:

* :class:`BodyLimit` refuses a missing-or-malformed, negative or oversized ``Content-Length``
  (400/411/413) before reading anything, then counts the bytes actually streamed and stops at
  the limit (a chunked body or a lying length cannot get past it). Each chunk must arrive within
  ``idle_timeout`` seconds and the whole body within ``total_timeout`` (408).
* :class:`ConcurrencyLimit` lets at most ``max_active`` requests run at once; the next ones wait
  up to ``queue_timeout`` seconds for a slot, then get 503. Blocking handlers run on anyio's
  thread pool, whose size :func:`cap_threads` bounds.

Routes that accept a large upload raise their own, tighter limit while streaming
(:func:`stream_to_file`), e.g. the current ceremony state's size plus a margin.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import re
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

from .errors import BodyTimeout, BodyTooLarge, ServiceError

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_DIGITS = re.compile(rb"^[0-9]{1,19}$")


async def _send_json(send: Send, status: int, code: str, detail: str) -> None:
    import json

    body = json.dumps({"error": code, "detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def parse_content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    """The declared length, ``None`` when absent; :class:`ServiceError` when malformed or repeated."""
    values = [v for k, v in headers if k.lower() == b"content-length"]
    if not values:
        return None
    if len(values) > 1 or not _DIGITS.match(values[0].strip()):
        raise ServiceError(400, "bad_content_length", "Content-Length must be one non-negative decimal integer")
    return int(values[0])


class BodyLimit:
    """Enforce a byte limit and timeouts on request bodies while they stream in."""

    def __init__(self, app: Any, max_bytes: int, *, idle_timeout: float = 30.0, total_timeout: float = 600.0,
                 bodyless: tuple[str, ...] = ("GET", "HEAD", "OPTIONS", "DELETE")):
        self.app, self.max_bytes = app, max_bytes
        self.idle_timeout, self.total_timeout, self.bodyless = idle_timeout, total_timeout, bodyless

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            declared = parse_content_length(scope.get("headers", []))
        except ServiceError as exc:
            await _send_json(send, exc.status, exc.code, exc.detail)
            return
        if declared is not None and declared > self.max_bytes:
            await _send_json(send, 413, "body_too_large", f"Content-Length {declared} exceeds the {self.max_bytes}-byte limit")
            return
        if declared is not None and declared > 0 and scope["method"] in self.bodyless:
            await _send_json(send, 400, "unexpected_body", f"{scope['method']} requests take no body")
            return
        seen = 0
        started = time.monotonic()
        limit, idle, total = self.max_bytes, self.idle_timeout, self.total_timeout

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen
            left = total - (time.monotonic() - started)
            try:  # asyncio.timeout, not wait_for: no extra task per chunk on the hot path
                async with asyncio.timeout(max(0.001, min(idle, left))):
                    msg = await receive()
            except TimeoutError:
                raise BodyTimeout(min(idle, total)) from None
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return msg

        scope.setdefault("state", {})["body_limit"] = limit
        await self.app(scope, limited_receive, send)


class ConcurrencyLimit:
    """At most ``max_active`` requests in flight; others wait ``queue_timeout`` s, then 503."""

    def __init__(self, app: Any, max_active: int = 16, queue_timeout: float = 10.0, exempt: Callable[[Scope], bool] | None = None):
        self.app, self.queue_timeout = app, queue_timeout
        self.max_active = max_active
        self._sem: asyncio.Semaphore | None = None
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.exempt and self.exempt(scope)):
            await self.app(scope, receive, send)
            return
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.max_active)
        try:
            if self._sem.locked():  # wait for a slot, at most queue_timeout
                async with asyncio.timeout(self.queue_timeout):
                    await self._sem.acquire()
            else:  # a free slot: take it without arming a timer
                await self._sem.acquire()
        except TimeoutError:
            await _send_json(send, 503, "busy", f"the service is at its limit of {self.max_active} concurrent requests; retry later")
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._sem.release()


def cap_threads(n: int) -> None:
    """Bound anyio's worker threads (FastAPI runs blocking handlers there) to ``n``."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = n


async def stream_to_file(request: Any, dest: Path, limit: int) -> tuple[str, int]:
    """Stream the body into ``dest`` (created 0600), stopping at ``limit`` bytes; return (sha256 hex, size).

    The caller authenticates *before* calling this, so nothing from an unauthenticated client is
    ever written. On any failure the partial file is removed.
    """
    h = hashlib.sha256()
    size = 0
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(limit)
                h.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return h.hexdigest(), size


async def read_small_body(request: Any, limit: int) -> bytes:
    """The whole body, refused with 413 past ``limit`` bytes (counted while streaming)."""
    buf = bytearray()
    async for chunk in request.stream():
        buf += chunk
        if len(buf) > limit:
            raise BodyTooLarge(limit)
    return bytes(buf)
