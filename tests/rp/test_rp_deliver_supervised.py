"""``zkvct rp serve`` runs webhook delivery in a process of its own (``zkvct rp deliver``): killed
with SIGKILL, it is started again by serve, and every result accepted while it was down is
delivered with the delivery id the wallet was told; killing serve alone (not its process group)
takes the delivery process with it.

Real processes against a real wasmd node (the statements and roots come from the verifier
contract). Bounded: 12 requests, 127.0.0.1 only."""
from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from rp_chain_world import init_rp_home, onchain_world, prove_answers, wasmd_or_skip, workflow
from rp_scripted_endpoint import Script, serve
from zkvct.chain.localnet import Localnet
from zkvct.demo.procs import Services, free_port, zkvct_command
from zkvct.services.rp.requests import check_request

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]

N = 12
PASSPHRASE = "supervised-test-passphrase-0123"


def delivery_child(serve_pid: int, timeout: float = 30.0) -> int:
    """The pid of serve's ``rp deliver`` child (waits for it to be started)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for task in Path(f"/proc/{serve_pid}/task").iterdir():
            for pid in (task / "children").read_text().split():
                try:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if b"deliver" in cmd and b"rp" in cmd:
                    return int(pid)
        time.sleep(0.05)
    raise AssertionError("serve started no delivery process")


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_delivery_process_killed_and_restarted_by_serve(tmp_path):
    wasmd_or_skip()
    chain_home, rp_home = tmp_path / "chain", tmp_path / "rp"
    with Localnet(home=chain_home, timeout_commit_ms=200, keep_home=True) as net, \
            Services(tmp_path / "logs", env={"ZKVCT_RP_PASSPHRASE": PASSPHRASE}) as svc:
        world = onchain_world(tmp_path, net, N, home=chain_home)
        port = free_port()
        admin, secret = init_rp_home(rp_home, world, chain_home, port, svc.env)
        url = f"http://127.0.0.1:{port}"
        script = Script(secret, [])
        with serve(script) as hook_url:
            rp = svc.start("rp", zkvct_command("rp", "serve", "--home", str(rp_home), "--port", str(port)),
                           port=port, timeout=120)
            first_deliverer = delivery_child(rp.proc.pid)
            with httpx.Client(base_url=url, headers=admin, timeout=60) as http:
                assert http.post("/workflows", json={"id": "age", "document": workflow(hook_url, "off-chain")}
                                 ).status_code == 201
                ids = [http.post("/requests", json={"workflow_id": "age"}).json()["id"] for _ in range(N)]
                tokens = [check_request(http.get(f"/requests/{rid}").text) for rid in ids]
            bodies = prove_answers(world, tokens)

            def answer(i):
                with httpx.Client(base_url=url, timeout=60) as c:
                    return c.post(f"/requests/{ids[i]}/response", json=bodies[i]).json()

            with ThreadPoolExecutor(max_workers=4) as pool:
                first = list(pool.map(answer, range(N // 2)))
            assert all(r.get("accepted") for r in first), first
            deadline = time.time() + 30
            while len(script.accepted) < N // 2 and time.time() < deadline:
                time.sleep(0.05)
            assert len(script.accepted) == N // 2, "the delivery process did not deliver the first half"

            os.kill(first_deliverer, signal.SIGKILL)
            with ThreadPoolExecutor(max_workers=4) as pool:  # accepted while no delivery process runs
                second = list(pool.map(answer, range(N // 2, N)))
            assert all(r.get("accepted") for r in second), second
            second_deliverer = delivery_child(rp.proc.pid)
            assert second_deliverer != first_deliverer
            expected = {r["delivery_id"] for r in first + second}
            deadline = time.time() + 60
            while not expected <= {d.delivery_id for d in script.accepted} and time.time() < deadline:
                time.sleep(0.1)
            got = [d.delivery_id for d in script.accepted]

            os.kill(rp.proc.pid, signal.SIGKILL)  # serve alone: its delivery process must not outlive it
            rp.proc.wait(10)
            deadline = time.time() + 10
            while alive(second_deliverer) and time.time() < deadline:
                time.sleep(0.05)
            orphan = alive(second_deliverer)
            svc.stop("rp")
    assert len(expected) == N
    assert sorted(got) == sorted(expected), "each accepted result delivered once, with the id the wallet was told"
    assert not orphan, "the delivery process outlived its serve"
