"""Strict parsing of everything a client sends the coordinator: headers, bodies, path parts.

Every field has one accepted spelling and a bounded size; anything else is a 400 that names
the field and what is allowed (never echoing the value: signatures and invite codes are
secrets or near enough). Numbers in headers are plain decimals, so "nan", "inf", "1e9" or
"-5" never reach arithmetic; bodies are pydantic models with ``extra="forbid"`` and strict
types, so a missing field or a float exponent is a clear 400 rather than an internal error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from zkvct.web.app import describe_validation

from .core import CeremonyRejected

_PATTERNS = {
    "X-Zkvct-Did": (re.compile(r"^did:shr:0[23][0-9a-f]{64}$"), "did:shr:<66 lower-case hex digits of a compressed secp256k1 key>"),
    "X-Zkvct-Timestamp": (re.compile(r"^[0-9]{1,11}(\.[0-9]{1,6})?$"), "seconds since the epoch as a plain decimal (digits, optional . and up to 6 decimals)"),
    "X-Zkvct-Nonce": (re.compile(r"^[0-9a-f]{32}$"), "32 lower-case hex digits, new for each request"),
    "X-Zkvct-Signature": (re.compile(r"^[0-9a-f]{128}$"), "128 lower-case hex digits (r||s, low s)"),
    "X-Zkvct-Body-Sha256": (re.compile(r"^[0-9a-f]{64}$"), "the SHA-256 of the body as 64 lower-case hex digits"),
    "X-Zkvct-Contribution-Hash": (re.compile(r"^[0-9a-f]{128}$"), "the 64-byte contribution hash as 128 lower-case hex digits"),
    "X-Zkvct-Attestation": (re.compile(r"^[0-9a-f]{128}$"), "128 lower-case hex digits (the attestation signature)"),
}
SIGNED = ("X-Zkvct-Did", "X-Zkvct-Timestamp", "X-Zkvct-Nonce", "X-Zkvct-Signature", "X-Zkvct-Body-Sha256")
DID_QUERY = _PATTERNS["X-Zkvct-Did"]


def header(headers: Mapping[str, str], name: str, *, required: bool = True) -> str | None:
    """One header, checked against its pattern; 400 (401 for a missing signature part) naming it."""
    values = headers.getlist(name) if hasattr(headers, "getlist") else [v for k, v in headers.items() if k.lower() == name.lower()]
    if not values:
        if required:
            status = 401 if name in SIGNED else 400
            raise CeremonyRejected(status, f"unsigned or incomplete request: header {name} is required "
                                           f"({', '.join(SIGNED)} sign a request)" if name in SIGNED else f"header {name} is required",
                                   "unsigned" if name in SIGNED else "missing_header")
        return None
    pattern, allowed = _PATTERNS[name]
    if len(values) > 1 or not pattern.match(values[0]):
        raise CeremonyRejected(400, f"header {name} is malformed; expected {allowed}", "bad_header")
    return values[0]


@dataclass(frozen=True)
class Signed:
    did: str
    timestamp: str
    nonce: str
    signature: str
    body_sha256: str


def signed_headers(headers: Mapping[str, str]) -> Signed:
    did, ts, nonce, sig, sha = (header(headers, n) for n in SIGNED)
    return Signed(did, ts, nonce, sig, sha)  # type: ignore[arg-type]


def query_did(value: str | None) -> str | None:
    if value is None:
        return None
    if not DID_QUERY[0].match(value):
        raise CeremonyRejected(400, f"query parameter did is malformed; expected {DID_QUERY[1]}", "bad_query")
    return value


class RegisterBody(BaseModel):
    """``POST /api/register``: empty, or an invite code for ceremonies that admit by invitation."""

    model_config = ConfigDict(extra="forbid")
    invite: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{16,64}$", description="single-use invite code")


class EmptyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FinalizeBody(BaseModel):
    """``POST /api/finalize`` (admin): the public beacon and its iteration exponent."""

    model_config = ConfigDict(extra="forbid")
    beacon_hash: str = Field(pattern=r"^(?:[0-9a-f]{2}){1,255}$", description="public beacon value, 1..255 bytes as lower-case hex")
    num_iterations_exp: StrictInt = Field(ge=10, le=63, description="log2 of the beacon's hash iterations; snarkjs allows 10..63, "
                                                                    "the coordinator's own cap may be lower")


def parse_body(model: type[BaseModel], raw: bytes) -> BaseModel:
    """Validate a JSON body (an empty body means ``{}``) into ``model``; 400 naming the field."""
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise CeremonyRejected(400, f"body: {describe_validation(exc.errors())}", "invalid_request") from None
