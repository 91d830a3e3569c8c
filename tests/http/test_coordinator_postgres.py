"""The coordinator on PostgreSQL (psycopg 3): a whole ceremony over HTTP with the state in a real server."""
from __future__ import annotations

import httpx
import pytest

from ceremony import phase1
from ceremony.coordinator import signing
from ceremony.coordinator.client import Client, CoordinatorError
from ceremony.coordinator.core import CeremonyRejected, Coordinator, TrackSpec
from ceremony.coordinator.policy import CeremonyPolicy
from ceremony.coordinator.server import RunningServer
from ceremony.coordinator.transcript_verify import verify_published


def test_ceremony_on_postgresql(tmp_path, pg_url):
    phase1.new(3, tmp_path / "start.ptau")
    admin = signing.new_key(tmp_path / "admin.key")
    people = [signing.new_key(tmp_path / f"p{i}.key") for i in range(3)]
    policy = CeremonyPolicy(allow=tuple(signing.did_of(k) for k in people[:2]), turn_timeout=60)
    Coordinator.init(tmp_path / "c", "pg", [TrackSpec("phase1", "ptau", str(tmp_path / "start.ptau"))], signing.did_of(admin),
                     policy, db_url=pg_url).close()
    assert not (tmp_path / "c" / "ceremony.db").exists()  # the state is in PostgreSQL
    with pytest.raises(CeremonyRejected, match="already holds a ceremony"):  # never two ceremonies in one database
        Coordinator.init(tmp_path / "c2", "pg2", [TrackSpec("phase1", "ptau", str(tmp_path / "start.ptau"))], signing.did_of(admin),
                         policy, db_url=pg_url)
    srv = RunningServer(tmp_path / "c", db_url=pg_url)
    try:
        with pytest.raises(CoordinatorError, match="allow-list"):
            Client(srv.url, people[2]).register()
        receipts = [r for k in people[:2] for r in Client(srv.url, k).contribute(poll=0.05)]
        assert [r["seq"] for r in receipts] == [1, 2]
        assert httpx.get(srv.url + "/api/status").json()["tracks"] == [{"name": "phase1", "kind": "ptau", "seq": 2}]
        tx = Client(srv.url, admin).finalize(b"\x09" * 32, 10)
        assert tx["finalized"] and [c["did"] for c in tx["contributions"]] == [signing.did_of(k) for k in people[:2]]
    finally:
        srv.stop()
    assert verify_published(tmp_path / "c" / "final")["tracks"]["phase1"]["contributions"] == 2
