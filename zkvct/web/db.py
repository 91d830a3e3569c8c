"""Database engines from a URL, and the two kinds of transaction services use.

``sqlite:///path`` is the default (WAL journal, synchronous=FULL, foreign keys on, a busy
timeout); ``postgresql+psycopg://user@host/db`` serves replicas. Writers use :func:`write_tx`:
on SQLite ``BEGIN IMMEDIATE`` (the write lock is taken up front, so two writers never deadlock
on lock upgrade), on PostgreSQL a transaction-scoped advisory lock that serialises writers of
the same service across replicas. Readers use :func:`read_tx`: a plain deferred transaction
that never takes a write lock and never fsyncs, so a status poll cannot be slowed down by,
or slow down, a writer.

On SQLite, writers of one database file also queue on a writer gate (:class:`_WriterGate`: a
thread lock, then ``flock`` on a sidecar ``<db>-writer.lock``) before ``BEGIN IMMEDIATE``. SQLite
itself makes a writer that finds the lock taken sleep in its busy handler (1 to 100 ms between
tries) however soon the lock is released; the gate wakes the next writer, thread or process, the
moment the previous one commits. The relying party's batcher and delivery worker write from two
threads, and ``rp serve --workers N`` from N processes (benchmarks/RESULTS.md, session 5). The
SQLite lock stays the guarantee: a writer that does not use the gate is still serialised by it.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, create_engine, event, text

#: advisory lock key used by write_tx on PostgreSQL (any constant shared by the replicas)
WRITE_LOCK_KEY = 0x7A6B7663


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path)}"


class _WriterGate:
    """One writer at a time for one SQLite file: first among this process's threads (a lock that
    wakes the next thread at once), then among processes (``flock`` on ``lock_path``, polled at
    sub-millisecond steps). A writer that cannot pass the gate within ``timeout`` seconds goes on
    to SQLite's own lock and busy timeout, which decide as they would without the gate."""

    def __init__(self, lock_path: str | None, timeout: float):
        self.lock_path = lock_path
        self.timeout = timeout
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        # a forked child must not share its parent's open file (flock is per open file)
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd

    def _flock(self, fd: int, deadline: float) -> bool:
        pause = 0.0001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.001)

    @contextmanager
    def held(self) -> Iterator[None]:
        deadline = time.monotonic() + self.timeout
        if not self._lock.acquire(timeout=self.timeout):
            yield
            return
        try:
            fd = self._file() if self.lock_path is not None else None
            if fd is None or not self._flock(fd, deadline):
                yield
                return
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._lock.release()


def make_engine(url: str, *, busy_timeout_ms: int = 30000) -> Engine:
    """An engine for ``url`` with the project's settings (see module docstring)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000})
        db = engine.url.database
        on_disk = bool(db) and db != ":memory:" and not db.startswith("file:")
        engine.zkvct_writer_gate = _WriterGate(db + "-writer.lock" if on_disk else None, busy_timeout_ms / 1000)  # type: ignore[attr-defined]

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql(conn.info.get("zkvct_begin", "BEGIN"))

        return engine
    scheme = url.split("://", 1)[0]
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return create_engine("postgresql+psycopg://" + url.split("://", 1)[1], pool_pre_ping=True)
    raise ValueError(f"unsupported database URL scheme in {url.split(':', 1)[0]!r}; use sqlite:///PATH or postgresql+psycopg://...")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the service's write lock from its first statement; commits on exit."""
    gate = getattr(engine, "zkvct_writer_gate", None)
    if gate is not None:
        with gate.held(), _write_tx(engine) as conn:
            yield conn
    else:
        with _write_tx(engine) as conn:
            yield conn


@contextmanager
def _write_tx(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn.info["zkvct_begin"] = "BEGIN IMMEDIATE"
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
                yield conn
        finally:
            conn.info.pop("zkvct_begin", None)


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read-only snapshot: no write lock, nothing to fsync."""
    with engine.connect() as conn:
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SET TRANSACTION READ ONLY"))
            yield conn
