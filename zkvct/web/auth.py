"""Who may talk to a service: a bearer token, and Host/Origin allow-lists.

* The bearer token is made at the first start (32 random bytes, URL-safe) and kept in a file
  created with mode 0600; a later start reuses it and refuses a file others can read. Requests
  present ``Authorization: Bearer <token>``; the comparison is constant-time.
* :class:`HostOriginGuard` refuses a ``Host`` header outside the allow-list (DNS rebinding: a
  web page on evil.example resolving to 127.0.0.1) and an ``Origin`` outside its allow-list
  (a browser page posting to the local service). Both checks run before any route.
"""
from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import Any, Iterable

from .errors import ServiceError
from .limits import Receive, Scope, Send, _send_json


def load_or_create_token(path: str | os.PathLike[str]) -> str:
    """The service token stored at ``path``; create it (0600, atomically) on the first start."""
    p = Path(path)
    if p.exists():
        mode = p.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ServiceError(400, "token_file_mode", f"{p} is readable by other users; chmod 600 it")
        token = p.read_text().strip()
        if len(token) < 32:
            raise ServiceError(400, "token_file", f"{p} does not hold a token of at least 32 characters")
        return token
    p.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    tmp = p.with_name(p.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, p)  # fails if another process created it first: then use theirs
    except FileExistsError:
        tmp.unlink()
        return load_or_create_token(p)
    tmp.unlink()
    return token


def check_bearer(authorization: str | None, token: str) -> None:
    """Raise 401 unless ``authorization`` is ``Bearer <token>`` (constant-time comparison)."""
    if not authorization:
        raise ServiceError(401, "unauthorized", "missing Authorization: Bearer <token> header (the token is in the service's token file)")
    scheme, _, presented = authorization.partition(" ")
    if scheme.lower() != "bearer" or not presented:
        raise ServiceError(401, "unauthorized", "Authorization must be 'Bearer <token>'")
    if not hmac.compare_digest(presented.strip().encode(), token.encode()):
        raise ServiceError(401, "unauthorized", "wrong bearer token")


def local_hosts(port: int) -> set[str]:
    """The Host values a service bound to loopback answers to."""
    names = ("127.0.0.1", "localhost", "[::1]")
    return {n for n in names} | {f"{n}:{port}" for n in names}


class HostOriginGuard:
    """Refuse requests whose Host or Origin header is not allowed (421 / 403, JSON)."""

    def __init__(self, app: Any, allowed_hosts: Iterable[str] | None, allowed_origins: Iterable[str] = ()):
        self.app = app
        self.allowed_hosts = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}
        self.allowed_origins = {o.lower().rstrip("/") for o in allowed_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        hosts = [v for k, v in headers if k == b"host"]
        origins = [v for k, v in headers if k == b"origin"]
        if self.allowed_hosts is not None:
            host = hosts[0].decode("latin-1").lower() if len(hosts) == 1 else None
            if host is None or host not in self.allowed_hosts:
                await _send_json(send, 421, "host_not_allowed",
                                 "the Host header must be one of: " + ", ".join(sorted(self.allowed_hosts)))
                return
        if origins:
            origin = origins[0].decode("latin-1").lower().rstrip("/")
            if len(origins) > 1 or origin not in self.allowed_origins:
                allowed = ", ".join(sorted(self.allowed_origins)) or "none (requests from web pages are refused)"
                await _send_json(send, 403, "origin_not_allowed", f"the Origin header is not allowed; allowed origins: {allowed}")
                return
        await self.app(scope, receive, send)
