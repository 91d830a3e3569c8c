"""A real PostgreSQL server for tests: Debian's postgresql 15 binaries, a throwaway cluster.

``pg_server`` (session) runs ``initdb`` and ``pg_ctl start`` in a temporary directory,
listening on a free 127.0.0.1 port only, trust authentication for the local test user; it is
stopped and removed at the end of the session. ``pg_url`` (per test) creates a fresh database
on it and yields its ``postgresql+psycopg://`` URL. When run as root (postgres refuses that),
the cluster belongs to the ``postgres`` system user and is started with ``runuser``.
Tests skip only where the binaries are missing.

Use from a conftest: ``from pg import pg_server, pg_url  # noqa: F401``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from zkvct.chain.localnet import free_port as _free_port

PG_BIN = Path(os.environ.get("ZKVCT_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "zkvct_test"


def _as_pg_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def pg_server():
    """``(host, port, user)`` of a PostgreSQL server private to this test session."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (set ZKVCT_PG_BIN)")
    prefix = _as_pg_user()
    base = Path(tempfile.mkdtemp(prefix="zkvct-pg-", dir="/tmp"))
    data = base / "data"
    if prefix:
        os.chmod(base, 0o755)
        shutil.chown(base, "postgres", "postgres")
    run = lambda *args: subprocess.run(prefix + [str(a) for a in args], check=True, capture_output=True, timeout=120)  # noqa: E731
    run(PG_BIN / "initdb", "-D", data, "-U", USER, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
    for attempt in range(3):  # a port picked free can be taken before the server binds it: pick again
        port = _free_port()
        opts = f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c max_connections=200"
        try:
            run(PG_BIN / "pg_ctl", "-D", data, "-o", opts, "-l", base / "log", "-w", "-t", "60", "start")
            break
        except subprocess.CalledProcessError:
            if attempt == 2 or "already in use" not in (base / "log").read_text(errors="replace"):
                raise
    try:
        yield ("127.0.0.1", port, USER)
    finally:
        subprocess.run(prefix + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh, empty database on the session's server, as a SQLAlchemy URL."""
    import psycopg

    host, port, user = pg_server
    name = "t_" + uuid.uuid4().hex[:12]
    deadline = time.time() + 30
    while True:
        try:
            with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            break
        except psycopg.OperationalError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    return f"postgresql+psycopg://{user}@{host}:{port}/{name}"
