"""Durable webhook delivery: an outbox table and the worker that drains it.

A result is *enqueued* in the same database transaction that accepts the wallet's response, so
an accepted result is never lost: if the process dies before the POST, the row is still pending
at restart. The worker claims due rows with a lease (a replica that dies mid-delivery releases
its rows when the lease runs out), signs each attempt afresh (new timestamp, same delivery id),
and classifies the answer:

* 2xx: delivered.
* network error, timeout, 408, 429 or 5xx: retried with exponential backoff and full jitter,
  at least the ``Retry-After`` the endpoint asked for (seconds or an HTTP date, capped).
* any other status: failed at once (the endpoint refused the payload; retrying cannot help).
* after ``max_attempts``: failed. ``redeliver`` puts a failed or delivered row back in the queue
  with the same delivery id, so the receiver's replay guard still recognises it.

Delivery is at-least-once: a crash after the endpoint answered 2xx but before the row is marked
delivered repeats the POST with the same id, which the receiver deduplicates.
"""
from __future__ import annotations

import email.utils
import json
import logging
import random
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa

from zkvct import webhook
from zkvct.web.db import read_tx, write_tx

from .schema import deliveries

log = logging.getLogger("zkvct.rp.delivery")

RETRY_STATUSES = frozenset({408, 429})
MAX_RETRY_AFTER_SECS = 3600.0


# built once: statements built per pass cost more Python than the database work they ask for
_DUE = (sa.select(deliveries)
        .where(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= sa.bindparam("now"),
               deliveries.c.lease_until <= sa.bindparam("now"))
        .order_by(deliveries.c.next_attempt_at).limit(sa.bindparam("limit")))
_LEASE = (deliveries.update()
          .where(deliveries.c.id.in_(sa.bindparam("ids", expanding=True)), deliveries.c.status == "pending",
                 deliveries.c.lease_until <= sa.bindparam("now"))
          .values(lease_until=sa.bindparam("until")))
_HELD = sa.select(deliveries.c.id).where(deliveries.c.id.in_(sa.bindparam("ids", expanding=True)),
                                         deliveries.c.lease_until == sa.bindparam("until"))
_SETTLED_COLUMNS = ("status", "attempts", "last_status", "last_error", "delivered_at", "next_attempt_at", "lease_until")
_SETTLE = (deliveries.update().where(deliveries.c.id == sa.bindparam("did"))
           .values({c: sa.bindparam(c) for c in _SETTLED_COLUMNS}))


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff: attempt k waits uniform(0, min(cap, base * 2^k)) seconds, but at least Retry-After."""

    base_secs: float = 1.0
    cap_secs: float = 300.0
    max_attempts: int = 12
    timeout_secs: float = 10.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        backoff = rng.uniform(0, min(self.cap_secs, self.base_secs * (2 ** min(attempt, 30))))
        if retry_after is not None:
            return max(backoff, min(retry_after, MAX_RETRY_AFTER_SECS))
        return backoff


def new_delivery_id() -> str:
    return "dlv_" + secrets.token_hex(12)


def delivery_row(*, request_id: str, url: str, payload: dict[str, Any], delivery_id: str | None = None,
                 now: float | None = None) -> dict[str, Any]:
    """The outbox row of one new delivery (its ``id`` is the delivery id)."""
    t = time.time() if now is None else now
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return {"id": delivery_id or new_delivery_id(), "request_id": request_id, "url": url, "body": body,
            "status": "pending", "attempts": 0, "next_attempt_at": t, "lease_until": 0.0, "created_at": t}


def enqueue(conn: sa.Connection, *, request_id: str, url: str, payload: dict[str, Any],
            delivery_id: str | None = None, now: float | None = None) -> str:
    """Add one delivery inside the caller's transaction; returns its id."""
    row = delivery_row(request_id=request_id, url=url, payload=payload, delivery_id=delivery_id, now=now)
    conn.execute(deliveries.insert().values(**row))
    return row["id"]


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value), int(MAX_RETRY_AFTER_SECS)))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, min(when.timestamp() - now, MAX_RETRY_AFTER_SECS))


class Deliverer:
    """Drains the outbox. ``secret`` signs; ``bearer_token`` (optional) goes in Authorization."""

    def __init__(self, engine: sa.Engine, secret: bytes, *, bearer_token: str | None = None,
                 policy: RetryPolicy = RetryPolicy(), lease_secs: float = 60.0,
                 client: httpx.Client | None = None, rng: random.Random | None = None):
        webhook.sign(secret, "dlv_check", b"")  # validates the secret's length now, not at first delivery
        self.engine = engine
        self.secret = secret
        self.bearer_token = bearer_token
        self.policy = policy
        self.lease_secs = lease_secs
        self.client = client or httpx.Client(timeout=policy.timeout_secs, follow_redirects=False)
        self.rng = rng or random.SystemRandom()

    def _claim(self, limit: int, now: float) -> list[sa.Row]:
        """Lease up to ``limit`` due rows. Under the write lock (every writer of this service takes
        it: SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock) no other worker can lease a
        row between the read and the update, so every row read is leased; the update keeps its
        conditions all the same, and a row it did not move is not attempted."""
        with write_tx(self.engine) as conn:
            due = conn.execute(_DUE, {"now": now, "limit": limit}).all()
            if not due:
                return []
            ids = [r.id for r in due]
            moved = conn.execute(_LEASE, {"ids": ids, "now": now, "until": now + self.lease_secs}).rowcount
            if moved != len(ids):  # not expected under the lock: re-read what this worker now holds
                held = set(conn.execute(_HELD, {"ids": ids, "until": now + self.lease_secs}).scalars())
                due = [r for r in due if r.id in held]
            return due

    def _attempt(self, row: sa.Row, now: float) -> dict[str, Any]:
        headers = {"content-type": "application/json",
                   **webhook.sign(self.secret, row.id, row.body, timestamp=int(now))}
        if self.bearer_token:
            headers["authorization"] = f"Bearer {self.bearer_token}"
        attempts = row.attempts + 1
        try:
            resp = self.client.post(row.url, content=row.body, headers=headers)
        except httpx.HTTPError as e:
            return self._retry(row, attempts, None, f"{type(e).__name__}", None, now)
        code = resp.status_code
        if 200 <= code < 300:
            return {"status": "delivered", "attempts": attempts, "last_status": code, "last_error": None,
                    "delivered_at": now, "lease_until": 0.0}
        if code in RETRY_STATUSES or code >= 500:
            return self._retry(row, attempts, code, f"HTTP {code}",
                               parse_retry_after(resp.headers.get("retry-after"), now), now)
        return {"status": "failed", "attempts": attempts, "last_status": code,
                "last_error": f"HTTP {code}: the endpoint refused the delivery", "lease_until": 0.0}

    def _retry(self, row, attempts, code, error, retry_after, now) -> dict[str, Any]:
        if attempts >= self.policy.max_attempts:
            return {"status": "failed", "attempts": attempts, "last_status": code,
                    "last_error": f"{error}; gave up after {attempts} attempts", "lease_until": 0.0}
        delay = self.policy.delay(attempts - 1, retry_after, self.rng)
        return {"status": "pending", "attempts": attempts, "last_status": code, "last_error": error,
                "next_attempt_at": now + delay, "lease_until": 0.0}

    def run_once(self, limit: int = 32, now: float | None = None) -> int:
        """Attempt every due delivery once; returns how many were attempted."""
        t = time.time() if now is None else now
        rows = self._claim(limit, t)
        updates = []
        for row in rows:
            updates.append((row, self._attempt(row, t)))
            log.info("delivery %s attempt %d: %s", row.id, updates[-1][1]["attempts"], updates[-1][1]["status"])
        if updates:
            # one commit for the pass: a crash before it repeats these POSTs with the same ids (the
            # receiver deduplicates; delivery is at-least-once), and the leases keep others off them
            with write_tx(self.engine) as conn:
                conn.execute(_SETTLE, [{**{k: getattr(row, k) for k in _SETTLED_COLUMNS}, **update, "did": row.id}
                                       for row, update in updates])
        return len(rows)

    def next_due(self) -> float | None:
        with read_tx(self.engine) as conn:
            return conn.execute(sa.select(sa.func.min(deliveries.c.next_attempt_at))
                                .where(deliveries.c.status == "pending")).scalar()


def list_deliveries(engine: sa.Engine, *, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    q = sa.select(deliveries.c.id, deliveries.c.request_id, deliveries.c.url, deliveries.c.status,
                  deliveries.c.attempts, deliveries.c.last_status, deliveries.c.last_error,
                  deliveries.c.created_at, deliveries.c.delivered_at, deliveries.c.next_attempt_at)
    if status:
        q = q.where(deliveries.c.status == status)
    with read_tx(engine) as conn:
        return [dict(r._mapping) for r in conn.execute(q.order_by(deliveries.c.created_at).limit(limit))]


def redeliver(engine: sa.Engine, delivery_id: str, now: float | None = None) -> bool:
    """Queue a delivery again with the same id; False when no such delivery exists."""
    t = time.time() if now is None else now
    with write_tx(engine) as conn:
        res = conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(
            status="pending", next_attempt_at=t, lease_until=0.0, attempts=0))
        return res.rowcount == 1
