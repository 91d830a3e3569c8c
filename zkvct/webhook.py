"""Signed webhook deliveries, LINK-style: what a relying party's endpoint checks on receipt.

A delivery is an HTTP POST whose raw body is JSON, with these headers:

``x-workflow-timestamp``
    Unix seconds (decimal integer) when this attempt was signed.
``x-workflow-delivery``
    The delivery id: the same on every retry of one result, so a receiver deduplicates by it.
``x-workflow-signature``
    ``sha256=`` + hex HMAC-SHA256 under the shared secret of ``signing_input(timestamp, id, body)``.
``authorization`` (optional)
    ``Bearer <token>`` when the workflow configures one.

The signed input is ``timestamp ‖ "." ‖ delivery id ‖ "." ‖ raw body``: the timestamp and the id
are inside the MAC, so neither can be swapped onto another body, and the receiver's time window
(±5 minutes by default) together with its record of seen ids stops replays. The same recipe in
any language: build that byte string, HMAC-SHA256 it with the secret, compare in constant time.

This module has no dependency beyond the standard library so that a receiver can vendor it.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Callable, Mapping

SIGNATURE_HEADER = "x-workflow-signature"
TIMESTAMP_HEADER = "x-workflow-timestamp"
DELIVERY_HEADER = "x-workflow-delivery"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_SECS = 300
#: A delivery id is short and printable, so it can be logged and used as a database key.
DELIVERY_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
MIN_SECRET_BYTES = 16


class WebhookError(ValueError):
    """A delivery failed a check; ``code`` names which one (stable, for logs and metrics)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def signing_input(timestamp: int, delivery_id: str, body: bytes) -> bytes:
    """The exact bytes the HMAC covers."""
    return f"{timestamp}.{delivery_id}.".encode() + body


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, (bytes, bytearray)) or len(secret) < MIN_SECRET_BYTES:
        raise WebhookError("bad_secret", f"the webhook secret must be at least {MIN_SECRET_BYTES} bytes")


def sign(secret: bytes, delivery_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers for one delivery attempt of ``body`` (the sender's half)."""
    _check_secret(secret)
    if not DELIVERY_ID_RE.match(delivery_id):
        raise WebhookError("bad_delivery_id", "a delivery id is 1-128 characters of letters, digits and _.:-")
    ts = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(bytes(secret), signing_input(ts, delivery_id, body), hashlib.sha256).hexdigest()
    return {TIMESTAMP_HEADER: str(ts), DELIVERY_HEADER: delivery_id, SIGNATURE_HEADER: SIGNATURE_PREFIX + mac}


@dataclass(frozen=True)
class Delivery:
    """A delivery that passed every check."""

    delivery_id: str
    timestamp: int
    body: bytes


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookError("missing_header", f"header {name} is missing")


def verify(secret: bytes, headers: Mapping[str, str], body: bytes, *,
           tolerance_secs: int = DEFAULT_TOLERANCE_SECS, now: float | None = None,
           seen: Callable[[str], bool] | None = None) -> Delivery:
    """Check a received delivery and return it, or raise :class:`WebhookError`.

    ``seen(delivery_id)`` is the receiver's replay guard: it must record the id atomically and
    return True when the id was recorded before (a set's ``add``-and-test, a database insert
    that hits a unique key). It is called only after the signature and the time window check,
    so a forged request cannot fill the receiver's store.
    """
    _check_secret(secret)
    raw_ts = _header(headers, TIMESTAMP_HEADER).strip()
    if not raw_ts.isascii() or not raw_ts.isdigit() or len(raw_ts) > 12:
        raise WebhookError("bad_timestamp", f"{TIMESTAMP_HEADER} must be Unix seconds as a decimal integer")
    ts = int(raw_ts)
    delivery_id = _header(headers, DELIVERY_HEADER).strip()
    if not DELIVERY_ID_RE.match(delivery_id):
        raise WebhookError("bad_delivery_id",
                           f"{DELIVERY_HEADER} must be 1-128 characters of letters, digits and _.:-")
    given = _header(headers, SIGNATURE_HEADER).strip()
    if not given.startswith(SIGNATURE_PREFIX):
        raise WebhookError("bad_signature", f"{SIGNATURE_HEADER} must start with {SIGNATURE_PREFIX!r}")
    expected = hmac.new(bytes(secret), signing_input(ts, delivery_id, body), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given[len(SIGNATURE_PREFIX):].encode(), expected.encode()):
        raise WebhookError("bad_signature", "the signature does not match the body, timestamp and delivery id")
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_secs:
        raise WebhookError("stale_timestamp",
                           f"the timestamp is {int(current - ts)} s from now; at most {tolerance_secs} s is allowed")
    if seen is not None and seen(delivery_id):
        raise WebhookError("replayed", f"delivery {delivery_id} was already received")
    return Delivery(delivery_id=delivery_id, timestamp=ts, body=body)


class SeenIds:
    """An in-process replay guard for :func:`verify` that forgets ids older than the window."""

    def __init__(self, tolerance_secs: int = DEFAULT_TOLERANCE_SECS):
        self._seen: dict[str, float] = {}
        self._keep = 2 * tolerance_secs

    def __call__(self, delivery_id: str) -> bool:
        now = time.time()
        if len(self._seen) > 10_000:
            self._seen = {k: t for k, t in self._seen.items() if now - t < self._keep}
        if delivery_id in self._seen:
            return True
        self._seen[delivery_id] = now
        return False
