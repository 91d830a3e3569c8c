"""Durable anchoring: the outbox rows written by :mod:`.registry` are sent to the chain in order.

A row is marked done only after the chain has its effect, and before a row is sent the chain is
asked whether it already has it (``IssuerRoot {issuer_did, root}`` says the root is the issuer's
*current* one; "anchored at some time" is not enough, because a tree can return to an earlier root:
revoking the newest credential restores the root from before it, and that anchor must still be
sent to make it current and retire the others): so a crash anywhere (after
the root was computed and queued, after the transaction was broadcast but before it was marked,
during the mark) loses nothing and anchors once. Rows are processed strictly in id order: a
revocation's retiring anchor never overtakes the epoch anchors queued before it.

With PostgreSQL and several replicas only one drains at a time: the drain runs inside a
transaction that holds the ``meta`` row ``anchor_lock`` (``SELECT ... FOR UPDATE``); with SQLite
the database write lock does the same.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from . import db

log = logging.getLogger("zkvct.issuer.outbox")


class ChainSink(Protocol):
    """What the anchorer needs from the chain (see :class:`VerifierSink`)."""

    def root_is_current(self, issuer_did: str, root: str) -> bool: ...

    def anchor_root(self, issuer_did: str, root: str, retire_previous: bool) -> tuple[str, int]: ...

    def revoke_credential(self, issuer_did: str, holder_did: str) -> tuple[str, int]: ...


class VerifierSink:
    """:class:`ChainSink` over the zkVCT verifier contract, signed by the issuer's controller key."""

    def __init__(self, client: Any, verifier_address: str, wallet: Any):
        self.client = client
        self.address = verifier_address
        self.wallet = wallet

    def root_is_current(self, issuer_did: str, root: str) -> bool:
        res = self.client.query(self.address, {"issuer_root": {"issuer_did": issuer_did, "root": root}})
        return bool(res.get("current"))

    def anchor_root(self, issuer_did: str, root: str, retire_previous: bool) -> tuple[str, int]:
        """``AnchorRoot {issuer_did, root, retire_previous}`` (docs/protocol.md).

        A verifier deployed before protocol v2 knows no ``retire_previous`` and refuses unknown
        fields: a plain epoch anchor is then resent without it; a retiring anchor is never
        downgraded (revocation needs the v2 contract), it stays pending with the contract's reason.
        """
        from ...chain.client import ContractError

        body = {"issuer_did": issuer_did, "root": root, "retire_previous": retire_previous}
        try:
            res = self.client.execute(self.address, {"anchor_root": body}, self.wallet)
        except ContractError as exc:
            if retire_previous or "retire_previous" not in exc.reason:
                raise
            res = self.client.execute(self.address, {"anchor_root": {"issuer_did": issuer_did, "root": root}}, self.wallet)
        return res.hash, res.height

    def revoke_credential(self, issuer_did: str, holder_did: str) -> tuple[str, int]:
        msg = {"revoke_credential": {"issuer_did": issuer_did, "holder_did": holder_did}}
        res = self.client.execute(self.address, msg, self.wallet)
        return res.hash, res.height


class Anchorer:
    """Drains the outbox to a :class:`ChainSink`."""

    def __init__(self, engine: Engine, issuer_did: str, sink: ChainSink):
        self.engine = engine
        self.issuer_did = issuer_did
        self.sink = sink
        self._local = threading.Lock()

    def drain(self, max_rows: int = 100) -> list[dict[str, Any]]:
        """Send pending rows in order until none is left or one fails; returns what was done.

        Returns at once (nothing done) when another thread or replica is draining.
        """
        if not self._local.acquire(blocking=False):
            return []
        try:
            if self.engine.dialect.name != "postgresql":
                return self._drain(max_rows)
            with self.engine.begin() as guard:
                got = guard.execute(select(db.meta.c.value).where(db.meta.c.name == "anchor_lock")
                                    .with_for_update(skip_locked=True)).first()
                if got is None:
                    return []  # another replica holds it
                return self._drain(max_rows)
        finally:
            self._local.release()

    def _drain(self, max_rows: int) -> list[dict[str, Any]]:
        done: list[dict[str, Any]] = []
        for _ in range(max_rows):
            with self.engine.connect() as conn:
                row = conn.execute(select(db.outbox).where(db.outbox.c.done_at.is_(None))
                                   .order_by(db.outbox.c.id).limit(1)).first()
            if row is None:
                break
            try:
                tx_hash, height = self._apply(row)
            except Exception as exc:  # noqa: BLE001 - the chain may fail in many ways; retry later
                with self.engine.begin() as conn:
                    conn.execute(update(db.outbox).where(db.outbox.c.id == row.id).values(
                        attempts=db.outbox.c.attempts + 1, last_error=str(exc)[:500]))
                log.warning("outbox row %s (%s) not sent yet: %s", row.id, row.kind, exc)
                break
            with self.engine.begin() as conn:
                conn.execute(update(db.outbox).where(db.outbox.c.id == row.id, db.outbox.c.done_at.is_(None)).values(
                    done_at=int(time.time()), tx_hash=tx_hash, height=height, attempts=db.outbox.c.attempts + 1,
                    last_error=None))
            done.append({"id": row.id, "kind": row.kind, "root": row.root, "tx_hash": tx_hash, "height": height})
        return done

    def _apply(self, row: Any) -> tuple[str | None, int | None]:
        if row.kind == "anchor_root":
            if self.sink.root_is_current(self.issuer_did, row.root):
                return None, None  # an earlier attempt reached the chain; do not anchor twice
            return self.sink.anchor_root(self.issuer_did, row.root, bool(row.retire_previous))
        if row.kind == "revoke_credential":
            return self.sink.revoke_credential(self.issuer_did, row.holder_did)
        raise ValueError(f"unknown outbox kind {row.kind!r}")


class EpochLoop:
    """Background thread: every ``epoch_s`` close an epoch; every ``poll_s`` drain the outbox."""

    def __init__(self, issuer: Any, anchorer: Anchorer | None, epoch_s: float, poll_s: float = 1.0):
        self.issuer = issuer
        self.anchorer = anchorer
        self.epoch_s = epoch_s
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="issuer-epochs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        next_epoch = time.monotonic() + self.epoch_s
        while not self._stop.is_set():
            try:
                if self.epoch_s > 0 and time.monotonic() >= next_epoch:
                    self.issuer.close_epoch()
                    next_epoch = time.monotonic() + self.epoch_s
                if self.anchorer is not None:
                    self.anchorer.drain()
            except Exception:  # noqa: BLE001 - keep the loop alive; the row stays pending
                log.exception("epoch loop step failed")
            self._wake.wait(self.poll_s)
            self._wake.clear()
