"""``zkvct rp serve --workers 2``: two worker processes on one port and one SQLite database,
started from the CLI against a real wasmd node. Concurrent responses are each accepted once and
delivered once whichever worker takes them; killing the supervisor with SIGKILL takes its workers
with it (nothing keeps the port), and a plain restart on the same home carries on.

Bounded: 16 requests, 127.0.0.1 only."""
from __future__ import annotations

import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from rp_chain_world import init_rp_home, onchain_world, prove_answers, wasmd_or_skip, workflow
from rp_scripted_endpoint import Script, serve
from zkvct.chain.localnet import Localnet
from zkvct.demo.procs import Services, free_port, zkvct_command
from zkvct.services.rp.requests import check_request

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]

N = 16
PASSPHRASE = "workers-test-passphrase-0123"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_two_workers_share_port_and_database(tmp_path):
    wasmd_or_skip()
    chain_home, rp_home = tmp_path / "chain", tmp_path / "rp"
    with Localnet(home=chain_home, timeout_commit_ms=200, keep_home=True) as net, \
            Services(tmp_path / "logs", env={"ZKVCT_RP_PASSPHRASE": PASSPHRASE}) as svc:
        world = onchain_world(tmp_path, net, N, home=chain_home)
        port = free_port()
        admin, secret = init_rp_home(rp_home, world, chain_home, port, svc.env)
        argv = zkvct_command("rp", "serve", "--home", str(rp_home), "--port", str(port), "--workers", "2")
        url = f"http://127.0.0.1:{port}"
        script = Script(secret, [])
        with serve(script) as hook_url:
            svc.start("rp", argv, port=port, timeout=120)
            with httpx.Client(base_url=url, headers=admin, timeout=60) as http:
                assert http.post("/workflows", json={"id": "age", "document": workflow(hook_url, "off-chain")}
                                 ).status_code == 201
                ids = [http.post("/requests", json={"workflow_id": "age"}).json()["id"] for _ in range(N)]
                tokens = [check_request(http.get(f"/requests/{rid}").text) for rid in ids]
            bodies = prove_answers(world, tokens)

            def answer(i):
                with httpx.Client(base_url=url, timeout=60) as c:  # a new connection each: both workers take some
                    return c.post(f"/requests/{ids[i]}/response", json=bodies[i]).json()

            with ThreadPoolExecutor(max_workers=8) as pool:
                first = list(pool.map(answer, range(N // 2)))
            assert all(r.get("accepted") for r in first), first
            proc = svc.running.pop("rp").proc
            os.kill(proc.pid, signal.SIGKILL)  # the supervisor alone (not its group): its workers must go too
            proc.wait(10)
            deadline = time.time() + 20
            while not _port_free(port) and time.time() < deadline:
                time.sleep(0.1)
            assert _port_free(port), "a worker outlived its supervisor and still holds the port"
            svc.start("rp", argv, port=port, timeout=120)
            with ThreadPoolExecutor(max_workers=8) as pool:
                second = list(pool.map(answer, range(N // 2, N)))
            assert all(r.get("accepted") for r in second), second
            expected = {r["delivery_id"] for r in first + second}
            deadline = time.time() + 90  # a delivery cut by the kill waits out its 60 s lease
            while not expected <= {d.delivery_id for d in script.accepted} and time.time() < deadline:
                time.sleep(0.2)
            svc.stop("rp")
    assert len(expected) == N
    assert expected <= {d.delivery_id for d in script.accepted}
    assert {d.delivery_id for d in script.accepted} == expected
