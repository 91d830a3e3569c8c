"""Bounded load on the coordinator (127.0.0.1): 50 participants register, join and poll while
contributions upload. The coordinator runs as its own process (``zkvct ceremony serve``) so its
peak memory can be read from /proc; the checks are that memory stays bounded, turns follow the
join order exactly, polling never fails, and every accepted contribution is in the transcript.
"""
from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from ceremony import phase1
from ceremony.coordinator import signing
from ceremony.coordinator.client import Client
from ceremony.coordinator.core import Coordinator, TrackSpec
from ceremony.coordinator.policy import CeremonyPolicy
from ceremony.coordinator.transcript_verify import verify_published

pytestmark = pytest.mark.slow

CLI = "import sys; from zkvct.cli.main import main; sys.argv = ['zkvct'] + sys.argv[1:]; main()"
N_PARTICIPANTS = 50
N_CONTRIBUTE = 3  # the first three in the queue contribute while everyone polls
POWER = 8  # a state of a few hundred kB, so uploads take a moment
PEAK_RSS_LIMIT_MB = 600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_fifty_participants_poll_while_contributions_upload(tmp_path):
    phase1.new(POWER, tmp_path / "start.ptau")
    admin = signing.new_key(tmp_path / "admin.key")
    keys = [signing.new_key(tmp_path / f"p{i}.key") for i in range(N_PARTICIPANTS)]
    root = tmp_path / "c"
    Coordinator.init(root, "load", [TrackSpec("phase1", "ptau", str(tmp_path / "start.ptau"))], signing.did_of(admin),
                     CeremonyPolicy(allow=tuple(signing.did_of(k) for k in keys), turn_timeout=600)).close()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-c", CLI, "ceremony", "serve", str(root), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while True:
            try:
                httpx.get(url + "/api/status", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.time() < deadline, "coordinator did not start"
                time.sleep(0.1)
        clients = [Client(url, k, timeout=120) for k in keys]
        errors: list[str] = []
        positions: dict[str, list[int]] = {c.did: [] for c in clients}
        start = threading.Barrier(N_PARTICIPANTS)
        stop = threading.Event()

        def participant(c: Client) -> None:
            try:
                start.wait()
                c.register()
                c.join()
                while not stop.is_set():
                    st = c.status()
                    if st["position"] is not None:
                        positions[c.did].append(st["position"])
                    time.sleep(0.05)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(f"{c.did[-6:]}: {type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=participant, args=(c,)) for c in clients]
        t0 = time.time()
        for t in threads:
            t.start()
        # wait until everyone is queued, then let the head of the queue contribute in order
        while httpx.get(url + "/api/status").json()["waiting"] < N_PARTICIPANTS - 1 and time.time() - t0 < 60:
            time.sleep(0.1)
        db = sqlite3.connect(f"file:{root / 'ceremony.db'}?mode=ro", uri=True)
        join_order = [r[0] for r in db.execute("SELECT did FROM queue ORDER BY id")]
        db.close()
        assert sorted(join_order) == sorted(c.did for c in clients)
        by_did = {c.did: c for c in clients}
        receipts = []
        for did in join_order[:N_CONTRIBUTE]:
            c = by_did[did]  # its polling thread keeps polling meanwhile (httpx clients are thread-safe)
            st = c.wait_turn(poll=0.05, max_wait=60)
            assert st["your_turn"]
            cur = c.download("phase1", tmp_path / "cur.ptau")
            res = phase1.contribute(cur, tmp_path / "new.ptau")
            receipts.append(c.upload("phase1", tmp_path / "new.ptau", res.response_hash.hex(), st["tracks"][0]["seq"] + 1, st["ceremony"]))
        stop.set()
        for t in threads:
            t.join(timeout=60)
        elapsed = time.time() - t0
        assert not errors, errors[:5]
        tx = httpx.get(url + "/api/transcript").json()
        assert [c["did"] for c in tx["contributions"]] == join_order[:N_CONTRIBUTE]  # fair: strictly in join order
        assert {(r["seq"], r["contribution_hash"]) for r in receipts} == {(c["seq"], c["contribution_hash"]) for c in tx["contributions"]}
        for did, seen in positions.items():  # nobody was ever passed: positions only go down
            assert seen == sorted(seen, reverse=True), (did, seen[:20])
        st = httpx.get(url + "/api/status").json()
        assert st["active"]["did"] == join_order[N_CONTRIBUTE] and st["waiting"] == N_PARTICIPANTS - N_CONTRIBUTE - 1
        peak = _peak_rss_mb(proc.pid)
        print(f"50 participants, {N_CONTRIBUTE} contributions in {elapsed:.1f} s; coordinator peak RSS {peak:.0f} MB")
        assert peak < PEAK_RSS_LIMIT_MB
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # the run left a consistent ceremony: finalize it offline and verify
    coord = Coordinator(root)
    coord.finalize(b"\x0a" * 32, 10)
    coord.close()
    assert verify_published(root / "final")["tracks"]["phase1"]["contributions"] == N_CONTRIBUTE
