"""Off-chain responses accepted in batches: the same checks, one pairing check, one commit.

Responses that arrive together are gathered by :class:`ResponseBatcher` (a thread in the relying
party's process) and settled by :func:`accept_batch`, which does for each response exactly what
:func:`zkvct.services.rp.responses.accept_response` does, in the same order and with the same
outcomes, but shares the expensive parts:

1. one read transaction loads every request with its workflow document, and the same snapshot
   answers the "already accepted here?" lookups of every presentation's checks;
2. :func:`zkvct.credentials.verify.check_presentation` runs each response's protocol checks (a
   statement and an issuer root read once per batch);
3. the pairings of all the presentations of one key go to :func:`zkvct.groth16.batch.verify_batch`
   at once. When it names a bad proof, that response alone is refused with ``proof_invalid``:
   the proofs before it passed their single checks, and the rest are checked again as a batch;
4. one write transaction records every outcome (group commit: one fsync for the batch). Each
   acceptance runs in its own savepoint with the same conditional ``open -> answered`` update and
   the same primary keys on the nullifier and proof hash, so a replay within the batch, a replay
   of an earlier batch, or a replica racing on the same database fails exactly as it does alone.

The answer (200 or the refusal) is given only after that commit returns, and SQLite runs in WAL
mode with ``synchronous=FULL`` (zkvct.web.db): the WAL is synced on every commit, so an acceptance
the wallet was told about survives a crash or a power cut. (``NORMAL`` would sync only at
checkpoints: a power cut could then undo a commit whose 200 was already sent.) Group commit makes
FULL cheap: one sync per batch instead of one per response.

On-chain tasks are not batched (each waits for its own transaction on chain); the batcher hands
them back to the caller, which runs :func:`accept_response`.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from typing import Any, Callable, Sequence

import sqlalchemy as sa

from zkvct.credentials.chain_view import LayeredView
from zkvct.credentials.verify import PAIRING_REFUSAL, ChainView, Checked, Verdict, check_presentation
from zkvct.groth16.batch import prepared_key_for, verify_batch
from zkvct.groth16.verify import verify as groth16_verify
from zkvct.web.db import read_tx, write_tx
from zkvct.web.errors import ServiceError

from .responses import (ANSWERED, NULLIFIER_TAKEN, PROOF_TAKEN, Accepted, AcceptanceRows, Refused, acceptance_rows,
                        precheck, presentation_of, record)
from .schema import accepted_nullifiers, accepted_proofs, deliveries, refusals, requests, responses, workflows

log = logging.getLogger("zkvct.rp.batch")

ON_CHAIN = "on-chain"
"""What :func:`accept_batch` answers for a response to an on-chain task (the caller settles it)."""

Outcome = Any  # Accepted | ServiceError | ON_CHAIN


# built once: a statement built per call costs more than the lookup itself
_NULLIFIER_USED = sa.select(accepted_nullifiers.c.request_id).where(
    accepted_nullifiers.c.statement_id == sa.bindparam("st"), accepted_nullifiers.c.scope == sa.bindparam("scope"),
    accepted_nullifiers.c.nullifier == sa.bindparam("n"))
_PROOF_USED = sa.select(accepted_proofs.c.request_id).where(accepted_proofs.c.proof_hash == sa.bindparam("h"))


class _BatchView:
    """The chain view for one batch: statements and issuer roots read once per batch (a
    revocation shows from the next batch on), "already used" from this database, then the chain.

    This database's "already used" answers come from two queries per batch, not two per response:
    a first pass checks every response answering "not used here" while it notes the keys asked
    (:meth:`asking`); :meth:`settle` then looks all of them up at once, and only a response that
    asked about a key found used is checked again with the true answers. The checks are a function
    of the answers they get, so a response whose keys were all unused gets the verdict the exact
    answers give, and one that hit gets it from its second check."""

    def __init__(self, chain: ChainView, conn: sa.Connection):
        self._statements: dict[tuple[str, int | None], Any] = {}
        self._roots: dict[tuple[str, int], Any] = {}
        self._layered = LayeredView(chain, self._nullifier_here, self._proof_here)
        self._conn = conn
        self.chain = chain
        self.root_window_secs = chain.root_window_secs
        self.date_tolerance_days = chain.date_tolerance_days
        self._asked: list[tuple] = []
        self._used: set[tuple] | None = None  # None: the first pass (answer "not used", note the key)

    def asking(self) -> list[tuple]:
        """Start noting the keys the next check asks about; returns the list they go to."""
        self._asked = []
        return self._asked

    def settle(self, asked: set[tuple]) -> set[tuple]:
        """Look every noted key up; from now on answer from the result. Returns the keys found used."""
        nulls = sorted({k[3] for k in asked if k[0] == "n"})
        proofs = sorted({k[1] for k in asked if k[0] == "p"})
        used: set[tuple] = set()
        if nulls:
            used |= {("n", r.statement_id, r.scope, r.nullifier)
                     for r in self._conn.execute(_NULLIFIERS_TAKEN, {"values": nulls})}
        if proofs:
            used |= {("p", h) for h in self._conn.execute(_PROOFS_TAKEN, {"values": proofs}).scalars()}
        self._used = used
        return used & asked

    def _here(self, key: tuple, exact: Callable[[], bool]) -> bool:
        self._asked.append(key)
        if self._used is None:
            return False
        return key in self._used or exact()

    def _nullifier_here(self, statement_id: str, scope: int, nullifier: int) -> bool:
        return self._here(("n", statement_id, str(scope), str(nullifier)), lambda: self._conn.execute(
            _NULLIFIER_USED, {"st": statement_id, "scope": str(scope), "n": str(nullifier)}).first() is not None)

    def _proof_here(self, digest: bytes) -> bool:
        return self._here(("p", digest.hex()), lambda: self._conn.execute(
            _PROOF_USED, {"h": digest.hex()}).first() is not None)

    def now(self) -> int:
        return self.chain.now()

    def statement(self, statement_id: str, version: int | None) -> Any:
        key = (statement_id, version)
        if key not in self._statements:
            self._statements[key] = self.chain.statement(statement_id, version)
        return self._statements[key]

    def root_status(self, issuer_did: str, root: int) -> Any:
        key = (issuer_did, root)
        if key not in self._roots:
            self._roots[key] = self.chain.root_status(issuer_did, root)
        return self._roots[key]

    def nullifier_used(self, statement_id: str, scope: int, nullifier: int) -> bool:
        return self._layered.nullifier_used(statement_id, scope, nullifier)

    def proof_used(self, proof_hash: bytes) -> bool:
        return self._layered.proof_used(proof_hash)


def pair_all(checked: dict[int, Checked]) -> set[int]:
    """The positions (keys of ``checked``) whose pairing fails, checking each key's proofs in
    batches; a key the native core cannot prepare is checked proof by proof (same verdicts)."""
    by_key: dict[int, list[int]] = {}
    for i, c in checked.items():
        by_key.setdefault(id(c.verification_key), []).append(i)
    bad: set[int] = set()
    for positions in by_key.values():
        vk = checked[positions[0]].verification_key
        prepared = prepared_key_for(vk)
        if prepared is None:
            bad.update(i for i in positions if not groth16_verify(vk, list(checked[i].values), checked[i].proof).ok)
            continue
        todo = positions
        while todo:
            res = verify_batch(prepared, [(checked[i].proof, checked[i].values) for i in todo])
            if res.ok:
                break
            k = res.bad_index if res.bad_index is not None else 0
            bad.add(todo[k])
            todo = todo[k + 1:]  # the ones before k passed their single checks
    return bad


def _load_many(conn: sa.Connection, ids: Sequence[str]) -> dict[str, sa.Row]:
    q = (sa.select(requests, workflows.c.document)
         .join(workflows, workflows.c.id == requests.c.workflow_id)
         .where(requests.c.id.in_(sorted(set(ids)))))
    return {row.id: row for row in conn.execute(q)}


def accept_batch(engine: sa.Engine, view: ChainView, rp_did: str, items: Sequence[tuple[str, dict[str, Any]]], *,
                 now: Callable[[], float] = time.time) -> list[Outcome]:
    """Settle ``(request id, body)`` pairs; for each: :class:`Accepted`, the :class:`ServiceError`
    to answer, or :data:`ON_CHAIN`. Same checks and outcomes as :func:`accept_response` per item."""
    t = now()
    out: list[Outcome] = [None] * len(items)
    checked: dict[int, Checked] = {}
    refused: dict[int, Verdict] = {}
    asked: dict[int, list[tuple]] = {}
    with read_tx(engine) as conn:
        rows = _load_many(conn, [rid for rid, _ in items])
        bview = _BatchView(view, conn)
        for i, (rid, body) in enumerate(items):
            req = rows.get(rid)
            if req is None:
                out[i] = ServiceError(404, "unknown_request", "no request with this id")
                continue
            try:
                precheck(req, t)
            except ServiceError as e:
                out[i] = e
                continue
            if req.verification != "off-chain":
                out[i] = ON_CHAIN
                continue
            asked[i] = bview.asking()
            result = check_presentation(presentation_of(req, body, rp_did), bview)
            if isinstance(result, Verdict):
                refused[i] = result
            else:
                checked[i] = result
        used = bview.settle({k for keys in asked.values() for k in keys})
        for i, keys in asked.items():
            if used.intersection(keys):  # it asked about a key used before: check it with the true answers
                refused.pop(i, None)
                checked.pop(i, None)
                rid, body = items[i]
                result = check_presentation(presentation_of(rows[rid], body, rp_did), bview)
                if isinstance(result, Verdict):
                    refused[i] = result
                else:
                    checked[i] = result
    for i in pair_all(checked):
        refused[i] = Verdict(False, *PAIRING_REFUSAL)
        del checked[i]
    if not refused and not checked:
        return out
    with write_tx(engine) as conn:
        try:
            with conn.begin_nested():
                settled = _record_bulk(conn, rows, items, checked, rp_did, t)
        except sa.exc.IntegrityError:  # not expected under the write lock; the row-by-row path decides
            log.warning("bulk acceptance hit a uniqueness conflict; recording row by row")
            settled = _record_each(conn, rows, items, checked, rp_did, t)
        for i, outcome in settled.items():
            if isinstance(outcome, Refused):
                refused[i] = Verdict(False, outcome.code, outcome.detail)
            else:
                out[i] = outcome
        if refused:
            conn.execute(_INSERT_REFUSAL, [{"request_id": items[i][0], "reason": str(getattr(v.reason, "value", v.reason)),
                                            "detail": v.detail[:500], "at": t} for i, v in refused.items()])
            conn.execute(_COUNT_ATTEMPT, [{"rid": items[i][0]} for i in refused])
    for i, v in refused.items():
        code = str(getattr(v.reason, "value", v.reason))
        log.info("request %s refused: %s", items[i][0], code)
        out[i] = Refused(code, v.detail)
    return out


_INSERT_REFUSAL = refusals.insert()
_COUNT_ATTEMPT = requests.update().where(requests.c.id == sa.bindparam("rid")).values(attempts=requests.c.attempts + 1)
_NULLIFIERS_TAKEN = sa.select(accepted_nullifiers.c.statement_id, accepted_nullifiers.c.scope,
                              accepted_nullifiers.c.nullifier).where(
    accepted_nullifiers.c.nullifier.in_(sa.bindparam("values", expanding=True)))
_PROOFS_TAKEN = sa.select(accepted_proofs.c.proof_hash).where(
    accepted_proofs.c.proof_hash.in_(sa.bindparam("values", expanding=True)))
_STILL_OPEN = sa.select(requests.c.id).where(requests.c.id.in_(sa.bindparam("values", expanding=True)),
                                             requests.c.status == "open")
_ANSWER = (requests.update().where(requests.c.id == sa.bindparam("rid"), requests.c.status == "open")
           .values(status="answered", lease_until=0.0, pending=None, attempts=requests.c.attempts + 1))


def _record_bulk(conn: sa.Connection, rows: dict[str, sa.Row], items: Sequence[tuple[str, dict[str, Any]]],
                 checked: dict[int, Checked], rp_did: str, t: float) -> dict[int, Any]:
    """Every acceptance of the batch with a handful of statements. Under the write lock (SQLite's
    ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock: every writer of this service takes it) the
    lookups below are what the inserts would find, so each response gets the outcome
    :func:`record` would give it in this order: 409 if its request is no longer open (answered
    earlier in this batch, or by a replica), else ``nullifier_used``, else ``proof_replayed``.
    The primary keys stay the last word: a conflict raises and the caller takes the row-by-row path."""
    order = list(checked)
    verdicts = {i: checked[i].verdict for i in order}
    ids = sorted({items[i][0] for i in order})
    still_open = set(conn.execute(_STILL_OPEN, {"values": ids}).scalars())
    nullifiers_taken = {tuple(r) for r in conn.execute(_NULLIFIERS_TAKEN, {
        "values": sorted({str(v.nullifier) for v in verdicts.values()})})}
    proofs_taken = set(conn.execute(_PROOFS_TAKEN, {"values": sorted({v.proof_hash.hex() for v in verdicts.values()})})
                       .scalars())
    settled: dict[int, Any] = {}
    accepted: list[AcceptanceRows] = []
    for i in order:
        rid, body = items[i]
        v = verdicts[i]
        nkey = (v.statement_id, str(v.scope), str(v.nullifier))
        if rid not in still_open:
            settled[i] = ServiceError(*ANSWERED)
        elif nkey in nullifiers_taken:
            settled[i] = Refused(*NULLIFIER_TAKEN)
        elif v.proof_hash.hex() in proofs_taken:
            settled[i] = Refused(*PROOF_TAKEN)
        else:
            still_open.discard(rid)
            nullifiers_taken.add(nkey)
            proofs_taken.add(v.proof_hash.hex())
            acc = acceptance_rows(rows[rid], rows[rid].document, v, body, rp_did, None, t)
            accepted.append(acc)
            settled[i] = acc.accepted
    if accepted:
        moved = conn.execute(_ANSWER, [{"rid": a.accepted.request_id} for a in accepted])
        if moved.rowcount not in (-1, len(accepted)):
            raise sa.exc.IntegrityError("bulk answer", None, Exception("a request left 'open' under the write lock"))
        conn.execute(accepted_nullifiers.insert(), [a.nullifier for a in accepted])
        conn.execute(accepted_proofs.insert(), [a.proof for a in accepted])
        dlv = [a.delivery for a in accepted if a.delivery is not None]
        if dlv:
            conn.execute(deliveries.insert(), dlv)
        conn.execute(responses.insert(), [a.response for a in accepted])
    return settled


def _record_each(conn: sa.Connection, rows: dict[str, sa.Row], items: Sequence[tuple[str, dict[str, Any]]],
                 checked: dict[int, Checked], rp_did: str, t: float) -> dict[int, Any]:
    """The same outcomes one acceptance at a time, each in its own savepoint (:func:`record`)."""
    settled: dict[int, Any] = {}
    for i, c in checked.items():
        rid, body = items[i]
        try:
            with conn.begin_nested():
                settled[i] = record(conn, rows[rid], rows[rid], c.verdict, body, rp_did, None, "open", t)
        except (Refused, ServiceError) as e:  # Refused: a used nullifier/proof; 409: answered meanwhile
            settled[i] = e
    return settled


class ResponseBatcher:
    """Gathers concurrently arriving responses and settles them with :func:`accept_batch` in one
    thread: whatever is queued when a batch starts (up to ``max_batch``), plus what arrives
    within ``max_wait`` seconds after the first. An idle service settles a lone response at
    once (plus ``max_wait``); a loaded one settles larger batches, sharing one pairing check and
    one commit. ``on_commit`` runs after a batch that accepted something (wakes the deliveries)."""

    def __init__(self, engine: sa.Engine, view: ChainView, rp_did: str, *, max_batch: int = 64,
                 max_wait: float = 0.002, on_commit: Callable[[], None] | None = None):
        self.engine, self.view, self.rp_did = engine, view, rp_did
        self.max_batch, self.max_wait, self.on_commit = max_batch, max_wait, on_commit
        self._queue: "queue.SimpleQueue[tuple[str, dict[str, Any], Future] | None]" = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def submit(self, request_id: str, body: dict[str, Any]) -> Future:
        """A future of the outcome (see :func:`accept_batch`); the thread starts on first use."""
        fut: Future = Future()
        with self._lock:
            if self._stopped:
                raise ServiceError(503, "shutting_down", "the relying party is stopping; try again")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="rp-responses", daemon=True)
                self._thread.start()
            self._queue.put((request_id, body, fut))
        return fut

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            thread = self._thread
            self._queue.put(None)
        if thread is not None:
            thread.join(30)

    def _gather(self, first: tuple) -> tuple[list[tuple], bool]:
        batch, stop = [first], False
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    item = self._queue.get(timeout=left)
                except queue.Empty:
                    break
            if item is None:
                stop = True
                break
            batch.append(item)
        return batch, stop

    def _run(self) -> None:
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                break
            batch, stop = self._gather(first)
            try:
                outcomes = accept_batch(self.engine, self.view, self.rp_did, [(rid, body) for rid, body, _ in batch])
            except Exception as e:  # the database failed: nothing of this batch was committed
                log.warning("response batch of %d failed: %s", len(batch), type(e).__name__)
                err = ServiceError(503, "unavailable", "the response could not be recorded; send it again")
                outcomes = [err] * len(batch)
            for (_, _, fut), outcome in zip(batch, outcomes):
                if isinstance(outcome, ServiceError):
                    fut.set_exception(outcome)
                else:
                    fut.set_result(outcome)
            if self.on_commit is not None and any(isinstance(o, Accepted) for o in outcomes):
                self.on_commit()
        while True:  # answer whatever is still queued after a stop
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[2].set_exception(ServiceError(503, "shutting_down", "the relying party is stopping; try again"))
