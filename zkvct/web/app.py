"""App factory: a FastAPI app whose every refusal is a 4xx JSON ``{"error", "detail"}``.

Validation errors name the field path and pydantic's description of what is allowed; the
submitted value (``input`` in pydantic's error) is never copied into the response, because
bodies carry holder secrets and signatures. Anything unexpected becomes a 500 with no
traceback and no request content; clients never cause one with bad input (the bad-input
corpus in tests/http checks that).
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import ServiceError

log = logging.getLogger("zkvct.web")

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                 406: "not_acceptable", 408: "timeout", 409: "conflict", 411: "length_required", 413: "body_too_large",
                 415: "unsupported_media_type", 421: "misdirected", 422: "invalid", 429: "too_many_requests",
                 503: "busy"}


def error_body(code: str, detail: str) -> dict[str, str]:
    return {"error": code, "detail": detail}


def describe_validation(errors: list[Any]) -> str:
    """``field.path: what is wrong`` for the first few errors, without the submitted values."""
    parts = []
    for err in errors[:3]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "header", "path")]
        where = ".".join(loc) or "body"
        msg = str(err.get("msg", "invalid"))
        ctx = err.get("ctx") or {}
        allowed = {k: v for k, v in ctx.items() if k in ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern", "expected")}
        if allowed and not any(str(v) in msg for v in allowed.values()):
            msg += " (allowed: " + ", ".join(f"{k} {v}" for k, v in allowed.items()) + ")"
        parts.append(f"{where}: {msg}")
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more


def json_error(status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, detail), status_code=status, headers=headers)


def create_app(title: str, description: str, version: str = "1", **kw: Any) -> FastAPI:
    """A FastAPI app (OpenAPI at ``/openapi.json``) with the project's error handlers installed."""
    app = FastAPI(title=title, description=description, version=version, **kw)

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 and exc.code == "unauthorized" else None
        return json_error(exc.status, exc.code, exc.detail, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return json_error(400, "invalid_request", describe_validation(exc.errors()))

    @app.exception_handler(ValidationError)
    async def _model_validation(_: Request, exc: ValidationError) -> JSONResponse:
        return json_error(400, "invalid_request", describe_validation(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) else code
        return json_error(exc.status_code, code, detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # a bug, not the client's fault: log the type and route only (never the request content)
        log.error("internal error %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return json_error(500, "internal", "internal error")

    return app


def install_guards(app: FastAPI, *, max_body: int, allowed_hosts: set[str] | None, allowed_origins: set[str] = frozenset(),
                   max_active: int = 16, queue_timeout: float = 10.0, body_idle_timeout: float = 30.0,
                   body_total_timeout: float = 600.0, threads: int = 8) -> FastAPI:
    """Wrap ``app`` (outermost first): Host/Origin guard, concurrency limit, body limit.

    Order matters: a request from a disallowed host is refused before it takes a slot, and a
    slot is taken before any body byte is read. ``threads`` bounds the worker threads that run
    blocking handlers.
    """
    from .auth import HostOriginGuard
    from .limits import BodyLimit, ConcurrencyLimit, cap_threads

    app.add_middleware(BodyLimit, max_bytes=max_body, idle_timeout=body_idle_timeout, total_timeout=body_total_timeout)
    app.add_middleware(ConcurrencyLimit, max_active=max_active, queue_timeout=queue_timeout)
    app.add_middleware(HostOriginGuard, allowed_hosts=allowed_hosts, allowed_origins=allowed_origins)
    app.router.on_startup.append(lambda: cap_threads(threads))
    return app
