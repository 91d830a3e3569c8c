"""Proof requests: what a relying party signs, and how a wallet is pointed at it.

A request is a compact JWS (``typ: zkvct-request+jwt``, ES256K) by the relying party's did:shr.
Its payload names the statement, the issuers the relying party trusts, where the proof is
checked, and the values the proof must carry: ``scope`` and ``challenge``, derived exactly as
the contract recomputes them (docs/protocol.md), so a wallet can refuse a request whose scope or
challenge does not match its own signer before it shows any consent screen.

The wallet is pointed at the request by a deep link that carries only a URL
(``zkvct://request?request_uri=...``), so the QR code stays small; the wallet fetches the token
from that URL and checks the signature itself.
"""
from __future__ import annotations

import io
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

import qrcode
from cryptography.hazmat.primitives.asymmetric import ec

from zkvct.credentials import derive
from zkvct.did import jws

REQUEST_TYP = "zkvct-request+jwt"
DEEP_LINK_SCHEME = "zkvct"
REQUEST_VERSION = 2
MAX_TTL_SECS = 24 * 3600


class RequestError(ValueError):
    """A request token or deep link fails a check; ``code`` says which."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RelyingParty:
    """The relying party's identity: its did:shr and the key that signs for it."""

    did: str
    key: ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class NewRequest:
    id: str
    nonce: str
    expires_at: int
    token: str
    payload: dict[str, Any]


def new_request(rp: RelyingParty, *, statement_id: str, params: dict[str, Any], trusted_issuers: list[str],
                verification: str, response_uri_base: str, ttl_secs: int, workflow: str, purpose: str,
                public_inputs: list[dict[str, Any]], did_bound: bool, chain: dict[str, str] | None = None,
                now: int | None = None) -> NewRequest:
    """Sign a fresh request (random id and 128-bit nonce) for one proof task."""
    if not 1 <= ttl_secs <= MAX_TTL_SECS:
        raise RequestError("bad_ttl", f"a request lives 1 to {MAX_TTL_SECS} seconds, got {ttl_secs}")
    t = int(time.time()) if now is None else now
    rid = "req_" + secrets.token_hex(12)
    nonce = secrets.token_hex(16)
    expires_at = t + ttl_secs
    pr = derive.ProofRequest(rid, nonce, expires_at)
    payload = {
        "v": REQUEST_VERSION, "id": rid, "iss": rp.did, "iat": t, "exp": expires_at, "nonce": nonce,
        "statement_id": statement_id, "params": params, "trusted_issuers": list(trusted_issuers),
        "verification": verification, "did_bound": did_bound,
        "scope": str(derive.scope(rp.did, statement_id)), "challenge": str(derive.challenge(rp.did, pr)),
        "response_uri": response_uri_base.rstrip("/") + f"/requests/{rid}/response",
        "workflow": workflow, "purpose": purpose, "public_inputs": public_inputs,
    }
    if chain:
        payload["chain"] = dict(chain)
    token = jws.sign(payload, rp.key, rp.did, REQUEST_TYP)
    return NewRequest(rid, nonce, expires_at, token, payload)


def deep_link(request_uri: str) -> str:
    return f"{DEEP_LINK_SCHEME}://request?" + urllib.parse.urlencode({"request_uri": request_uri})


def parse_deep_link(link: str) -> str:
    """The ``request_uri`` of a deep link (an http(s) URL), or a :class:`RequestError`."""
    parsed = urllib.parse.urlsplit(link.strip())
    if parsed.scheme != DEEP_LINK_SCHEME or parsed.netloc != "request":
        raise RequestError("bad_link", f"a request link looks like {DEEP_LINK_SCHEME}://request?request_uri=URL")
    values = urllib.parse.parse_qs(parsed.query).get("request_uri", [])
    if len(values) != 1 or not values[0].startswith(("http://", "https://")):
        raise RequestError("bad_link", "the link's request_uri must be one http(s) URL")
    return values[0]


def qr_png(text: str) -> bytes:
    img = qrcode.make(text, error_correction=qrcode.constants.ERROR_CORRECT_M)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def qr_terminal(text: str) -> str:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=1)
    qr.add_data(text)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def check_request(token: str, *, key_check: jws.KeyCheck = jws.offline_key_check,
                  now: int | None = None) -> dict[str, Any]:
    """What a wallet runs before any consent screen: the signature (by the DID in ``iss``), the
    version, expiry, and that ``scope`` and ``challenge`` are the ones the contract will derive.
    Returns the payload; raises :class:`RequestError` naming the failed check."""
    try:
        v = jws.verify(token, typ=REQUEST_TYP, key_check=key_check, now=now,
                       require=("v", "id", "iss", "exp", "nonce", "statement_id", "scope", "challenge",
                                "response_uri", "trusted_issuers", "verification"))
    except jws.JwsError as e:
        raise RequestError(e.code, f"request token: {e}") from None
    p = v.payload
    if p["v"] != REQUEST_VERSION:
        raise RequestError("bad_version", f"request version {p['v']!r} is not {REQUEST_VERSION}")
    if p["iss"] != v.did:
        raise RequestError("issuer_mismatch", "the request's iss is not the DID that signed it")
    for name in ("id", "nonce", "statement_id", "response_uri"):
        if not isinstance(p[name], str) or not p[name]:
            raise RequestError("malformed", f"request {name} must be a non-empty string")
    if not p["response_uri"].startswith(("http://", "https://")):
        raise RequestError("malformed", "request response_uri must be an http(s) URL")
    if p["verification"] not in ("off-chain", "on-chain"):
        raise RequestError("malformed", "request verification must be 'off-chain' or 'on-chain'")
    if not isinstance(p["trusted_issuers"], list) or not all(isinstance(i, str) for i in p["trusted_issuers"]):
        raise RequestError("malformed", "request trusted_issuers must be a list of DIDs")
    pr = derive.ProofRequest(p["id"], p["nonce"], p["exp"])
    if p["scope"] != str(derive.scope(v.did, p["statement_id"])):
        raise RequestError("scope_mismatch", "the request's scope is not the one derived from its signer and statement")
    if p["challenge"] != str(derive.challenge(v.did, pr)):
        raise RequestError("challenge_mismatch", "the request's challenge is not the one derived from its id, nonce and expiry")
    return p
