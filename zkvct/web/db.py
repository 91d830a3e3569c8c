"""Database engines from a URL, and the two kinds of transaction services use.

``sqlite:///path`` is the default (WAL journal, synchronous=FULL, foreign keys on, a busy
timeout); ``postgresql+psycopg://user@host/db`` serves replicas. Writers use :func:`write_tx`:
on SQLite ``BEGIN IMMEDIATE`` (the write lock is taken up front, so two writers never deadlock
on lock upgrade), on PostgreSQL a transaction-scoped advisory lock that serialises writers of
the same service across replicas. Readers use :func:`read_tx`: a plain deferred transaction
that never takes a write lock and never fsyncs, so a status poll cannot be slowed down by,
or slow down, a writer.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, create_engine, event, text

#: advisory lock key used by write_tx on PostgreSQL (any constant shared by the replicas)
WRITE_LOCK_KEY = 0x7A6B7663


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path)}"


def make_engine(url: str, *, busy_timeout_ms: int = 30000) -> Engine:
    """An engine for ``url`` with the project's settings (see module docstring)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000})

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
