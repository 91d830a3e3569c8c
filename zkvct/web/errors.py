"""The error a service handler raises to refuse a request.

Every refusal travels as ``{"error": code, "detail": message}`` with a 4xx status: ``code`` is
stable and machine-readable, ``detail`` names the field and what is allowed. A detail never
contains a value the client submitted that could be secret (keys, invite codes, witness inputs):
handlers describe the *field*, not its content.
"""
from __future__ import annotations

from zkvct.errors import ZkvctError


class ServiceError(ZkvctError):
    """Refuse a request with ``status`` (4xx for the client's fault), a code and a detail."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


class BodyTooLarge(ServiceError):
    def __init__(self, limit: int):
        super().__init__(413, "body_too_large", f"request body exceeds the {limit}-byte limit for this endpoint")


class BodyTimeout(ServiceError):
    def __init__(self, seconds: float):
        super().__init__(408, "body_timeout", f"the request body did not arrive within {seconds:g} s")
