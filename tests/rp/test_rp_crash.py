"""Crash: the relying party killed (SIGKILL) at random points while it answers and delivers; after
each restart on the same SQLite database every accepted result is delivered, with the same
delivery id, at least once, and no accepted response is lost.

Real processes throughout: a wasmd node (the relying party's statements and roots come from the
verifier contract), ``zkvct rp serve`` started from its CLI (killed with SIGKILL, no grace, and
restarted on the same home and database), and a webhook endpoint that answers slowly, so
deliveries are in flight when the kill lands. Off-chain verification: the kill points that matter
here are the acceptance transaction and the webhook outbox.

Bounded: 20 requests, at most ``KILLS`` kills at seeded random moments (the seed is printed;
``ZKVCT_RP_CRASH_SEED`` replays one), 127.0.0.1 only, a 150 s deadline for the deliveries. The
outbox leases a claimed row for 60 s, so a delivery cut by a kill waits out its lease before
the restarted worker takes it again: that wait is the bulk of the test's time.
"""
from __future__ import annotations

import json
import os
import random
import threading
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

N = 20
KILLS = 4  # while answering and delivering; then the last start runs to the end
SLOW_SECS = 0.25  # each webhook answer takes this long: deliveries are in flight when a kill lands
PASSPHRASE = "crash-test-passphrase-0123"


def status_of(rp_url: str, admin: dict, rid: str) -> dict:
    r = httpx.get(f"{rp_url}/requests/{rid}/status", headers=admin, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_killed_relying_party_delivers_every_accepted_result(tmp_path):
    wasmd_or_skip()
    seed = int(os.environ.get("ZKVCT_RP_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\nZKVCT_RP_CRASH_SEED={seed}")
    rng = random.Random(seed)
    chain_home, rp_home = tmp_path / "chain", tmp_path / "rp"
    with Localnet(home=chain_home, timeout_commit_ms=200, keep_home=True) as net, \
            Services(tmp_path / "logs", env={"ZKVCT_RP_PASSPHRASE": PASSPHRASE}) as svc:
        world = onchain_world(tmp_path, net, N, home=chain_home)
        port = free_port()
        admin, secret = init_rp_home(rp_home, world, chain_home, port, svc.env)
        serve_argv = zkvct_command("rp", "serve", "--home", str(rp_home), "--port", str(port))
        rp_url = f"http://127.0.0.1:{port}"
        script = Script(secret, [("sleep", SLOW_SECS)] * 10_000)
        starts = 0

        def start_rp() -> None:
            nonlocal starts
            svc.start("rp", serve_argv, port=port, timeout=120)
            starts += 1

        with serve(script) as hook_url:
            start_rp()
            with httpx.Client(base_url=rp_url, headers=admin, timeout=60) as http:
                r = http.post("/workflows", json={"id": "age", "document": workflow(hook_url, "off-chain")})
                assert r.status_code == 201, r.text
                opened = [http.post("/requests", json={"workflow_id": "age"}).json()["id"] for _ in range(N)]
                tokens = [check_request(http.get(f"/requests/{rid}").text) for rid in opened]
            bodies = prove_answers(world, tokens)

            accepted: dict[int, str] = {}  # request index -> delivery id the wallet was told
            lost_answers = 0  # posts a kill cut off or that found the relying party down

            def answer(i: int):
                try:
                    time.sleep(delays[i])  # spread the answers over the kill window
                    with httpx.Client(base_url=rp_url, timeout=30) as c:
                        resp = c.post(f"/requests/{opened[i]}/response", json=bodies[i])
                        return i, resp.status_code, resp.json()
                except httpx.HTTPError as e:
                    return i, None, type(e).__name__

            kills = 0
            pending = list(range(N))
            rounds = 0
            while pending:
                rounds += 1
                assert rounds <= KILLS + 3, f"requests still unanswered after {rounds} rounds: {pending}"
                delays = {i: rng.uniform(0, 0.6) for i in pending}
                killer = None
                if kills < KILLS - 1:  # kill while answering (the last kill lands during delivery)
                    killer = threading.Timer(rng.uniform(0.05, 1.5), svc.kill, args=("rp",))
                    killer.start()
                    kills += 1
                with ThreadPoolExecutor(max_workers=4) as pool:
                    results = list(pool.map(answer, pending))
                if killer is not None:
                    killer.join()
                still = []
                for i, code, body in results:
                    if code == 200:
                        accepted[i] = body["delivery_id"]
                    elif code == 409:
                        pass  # accepted before a kill cut the wallet's answer off: the status says so below
                    elif code is None:  # the kill cut the connection: the wallet tries again
                        lost_answers += 1
                        still.append(i)
                    else:
                        pytest.fail(f"request {i}: HTTP {code} {body}")
                if "rp" not in svc.running or svc.running["rp"].proc.poll() is not None:
                    svc.running.pop("rp", None)
                    start_rp()
                pending = still
            # the last kills land during delivery (slow endpoint: deliveries are in flight)
            while kills < KILLS:
                time.sleep(rng.uniform(0.2, 2.0))
                svc.kill("rp")
                kills += 1
                start_rp()

            # every request answered exactly once; the status names the delivery id
            final = {i: status_of(rp_url, admin, opened[i]) for i in range(N)}
            for i, st in final.items():
                assert st["status"] == "answered", (i, st)
                assert st["response"]["delivery_id"], st
                if i in accepted:  # the id the wallet was told is the one recorded
                    assert st["response"]["delivery_id"] == accepted[i]
            expected = {st["response"]["delivery_id"] for st in final.values()}
            assert len(expected) == N
            deadline = time.time() + 150
            while time.time() < deadline:
                if expected <= {d.delivery_id for d in script.accepted}:
                    break
                time.sleep(0.25)
            delivered_ids = [d.delivery_id for d in script.accepted]
            missing = expected - set(delivered_ids)
            assert not missing, f"seed {seed}: {len(missing)} accepted results never delivered: {sorted(missing)}"
            assert set(delivered_ids) == expected  # nothing delivered that was not accepted
            for d in script.accepted:  # each delivery carries its own request's result
                payload = json.loads(d.body)
                assert final[opened.index(payload["zkvct"]["request_id"])]["response"]["delivery_id"] == d.delivery_id
            posts = len(script.calls)
            svc.stop("rp")
    print(f"seed {seed}: {N} accepted, {kills} kills, {starts} starts, "
          f"{lost_answers} posts cut off or refused by the kill, "
          f"{posts} webhook POSTs for {N} deliveries ({posts - N} repeated after a kill)")
