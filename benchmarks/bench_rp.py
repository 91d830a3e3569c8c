"""Relying-party benchmark (issue 12): latency from a wallet's response to the webhook delivery,
off-chain and on-chain (p50/p95), and the relying party's off-chain verification throughput.

Run on a quiet machine (it prints a table with the machine's details and load; it writes no file):

    PYTHONPATH=. .venv/bin/python benchmarks/bench_rp.py [--throughput-n 600] [--latency-n 30]
                                                         [--onchain-n 20] [--no-onchain] [--workers 2]
                                                         [--http h11|httptools]

What is measured, and how:

* **throughput, HTTP, 1 rp process**: the relying party alone in a spawned process (the same app
  and server as ``zkvct rp serve``, SQLite in a temp dir, the delivery worker running and
  delivering to the webhook endpoint in this process), the load from another *separate* process
  (16 connections, so the client does not share the server's GIL), each response a different
  credential's proof. Responses accepted per second of wall time, from the first POST to the last
  answer. Target in the issue: >= 300/s. The row under it is the same load on the relying party
  served from a thread of this process, which it shares with the webhook endpoint (the figure
  sessions 1-4 reported as "1 process").
* **throughput, HTTP, N workers**: the same with N relying-party processes on one port
  (SO_REUSEPORT) and one SQLite file, as ``zkvct rp serve --workers N`` runs them.
* **throughput, in-process**: the same checks and writes without HTTP, one
  :func:`~zkvct.services.rp.responses.accept_response` at a time (the per-response path), then
  :func:`~zkvct.services.rp.batch.accept_batch` on 64 at a time (what the service's batcher does
  under load: one read snapshot, one batch pairing, one commit). Their ratio is the batching gain.
* **latency**: one response at a time; from the moment the wallet sends its POST to the moment the
  webhook endpoint (127.0.0.1, answers at once) receives the signed delivery. The delivery worker
  is woken when a response is accepted (its 0.2 s poll only picks up retries and other replicas'
  rows). On-chain: the relying party submits to the verifier contract on a local wasmd node
  (``timeout_commit`` 200 ms) and waits for inclusion before it accepts.

Keys are INSECURE dev setups (the same size as a ceremony's); proofs are made before any clock
starts. The chain world is the one tests/rp/rp_chain_world.py builds (unlinkable age_gte, depth 7).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT / "tests" / "rp", ROOT / "tests" / "credentials", ROOT):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

TOKEN = "admin-token-" + "b" * 32
ADMIN = {"authorization": f"Bearer {TOKEN}"}
SECRET = b"bench-webhook-secret-0123456789"
LOAD_CONNECTIONS = 16
HTTP_PARSER = "h11"  # --http: the relying party's uvicorn HTTP parser (zkvct.web.serve.ServeSettings.http)


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from zkvct.web.serve import resolve_http, resolve_loop

    return {"cpu": cpu, "cores": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(), "platform": platform.platform(),
            "http parser": resolve_http(HTTP_PARSER), "event loop": resolve_loop("auto")}


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


# -- the load generator: its own process ------------------------------------------------------

def _post_all(url: str, paths: list[str], bodies: list[dict], connections: int) -> tuple[float, list[int]]:
    import httpx

    codes = [0] * len(paths)
    local = threading.local()

    def one(i: int) -> None:
        c = getattr(local, "client", None)
        if c is None:
            c = local.client = httpx.Client(base_url=url, timeout=120)
        codes[i] = c.post(paths[i], json=bodies[i]).status_code

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        list(pool.map(one, range(len(paths))))
    return time.perf_counter() - t0, codes


# -- the off-chain world: statement in memory, N credentials --------------------------------------

def offchain_world(work: Path, n: int) -> dict:
    from circuits.statements import get_statement
    from circuits.statements.credential import Registry, sample_credential
    from memory_view import MemoryView
    from zkvct.credentials.sample import SAMPLE_ISSUER_DID
    from zkvct.credentials.verify import RegisteredStatement, registration_roles
    from zkvct.did import jws
    from zkvct.dsl import compile_circuit
    from zkvct.formats.zkey import read_zkey
    from zkvct.groth16.export import export_verification_key
    from zkvct.groth16.setup import dev_setup
    from zkvct.services.rp.requests import RelyingParty

    depth = max(4, (n - 1).bit_length())
    st = get_statement("age_gte", depth=depth, with_did=False)
    cc = compile_circuit(st)
    zkey = work / "age.zkey"
    dev_setup(cc.r1cs, zkey)
    view = MemoryView(clock=int(time.time()))
    view.register(RegisteredStatement("age_gte", 1, tuple(registration_roles(st)), (SAMPLE_ISSUER_DID,),
                                      export_verification_key(zkey)))
    reg = Registry(depth)
    creds = [sample_credential(holder_did_hash=i + 1, serial=i) for i in range(n)]
    for c in creds:
        reg.issue(c)
    view.anchor(SAMPLE_ISSUER_DID, reg.root)
    key = jws.new_private_key()
    return {"statement": st, "compiled": cc, "zkey": read_zkey(zkey), "registry": reg, "creds": creds,
            "view": view, "rp": RelyingParty(jws.did_of(key), key), "key": key, "issuer": SAMPLE_ISSUER_DID}


def rp_app(work: Path, world: dict, name: str, *, submitter=None, chain=None):
    from zkvct.services.rp.app import RpSettings, create_rp_app
    from zkvct.web.db import make_engine, sqlite_url

    engine = make_engine(sqlite_url(work / f"{name}.db"))
    app = create_rp_app(engine=engine, rp=world["rp"], view=world["view"], submitter=submitter, admin_token=TOKEN,
                        webhook_secret=SECRET, settings=RpSettings(public_url="http://127.0.0.1",
                                                                   trusted_issuers=[world["issuer"]], chain=chain))
    return app, engine


def open_requests(url: str, hook_url: str, verification: str, n: int,
                  workflow_id: str = "age") -> tuple[list[str], list[dict]]:
    import httpx

    from rp_chain_world import workflow
    from zkvct.services.rp.requests import check_request

    with httpx.Client(base_url=url, headers=ADMIN, timeout=60) as http:
        r = http.post("/workflows", json={"id": workflow_id, "document": workflow(hook_url, verification)})
        r.raise_for_status()
        ids = [http.post("/requests", json={"workflow_id": workflow_id}).json()["id"] for _ in range(n)]
        tokens = [check_request(http.get(f"/requests/{rid}").text) for rid in ids]
    return ids, tokens


def latency(url: str, script, ids: list[str], bodies: list[dict]) -> list[float]:
    """Seconds from each POST to its delivery's arrival at the endpoint, one response at a time."""
    import httpx

    out = []
    with httpx.Client(base_url=url, timeout=120) as c:
        for rid, body in zip(ids, bodies):
            seen = len(script.calls)
            t0 = time.time()
            r = c.post(f"/requests/{rid}/response", json=body)
            if r.status_code != 200:
                raise SystemExit(f"response refused: {r.status_code} {r.text}")
            deadline = time.time() + 60
            while time.time() < deadline:
                hit = [x for x in script.calls[seen:] if json.loads(x["body"])["zkvct"]["request_id"] == rid]
                if hit:
                    out.append(hit[0]["at"] - t0)
                    break
                time.sleep(0.002)
            else:
                raise SystemExit(f"delivery for {rid} did not arrive within 60 s")
    return out


def _worker_main(db_url: str, view, key_bytes: bytes, port: int, issuer: str, http: str = "h11") -> None:
    """One spawned relying-party worker for the --workers measurement: its own engine on the shared
    SQLite file, the same app as ``zkvct rp serve``, on a SO_REUSEPORT socket of the shared port."""
    import socket

    import uvicorn

    from zkvct.did import jws
    from zkvct.services.rp.app import RpSettings, create_rp_app
    from zkvct.services.rp.requests import RelyingParty
    from zkvct.web.db import make_engine
    from zkvct.web.serve import ServeSettings, make_config

    key = jws.private_key_from_bytes(key_bytes)
    app = create_rp_app(engine=make_engine(db_url), rp=RelyingParty(jws.did_of(key), key), view=view,
                        admin_token=TOKEN, webhook_secret=SECRET,
                        settings=RpSettings(public_url="http://127.0.0.1", trusted_issuers=[issuer]))
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    uvicorn.Server(make_config(app, ServeSettings(port=port, http=http))).run(sockets=[sock])


def http_workers(work: Path, world: dict, hook_url: str, n: int, workers: int) -> float:
    """Responses/s over HTTP with ``workers`` relying-party processes (1: one process, as plain
    ``zkvct rp serve``) on one port and one SQLite file."""
    import socket

    import httpx

    from rp_chain_world import prove_answers
    from zkvct.did import jws
    from zkvct.services.rp.schema import create_all
    from zkvct.web.db import make_engine, sqlite_url

    db_url = sqlite_url(work / f"workers{workers}.db")
    create_all(make_engine(db_url))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker_main, daemon=True,
                         args=(db_url, world["view"], jws.private_key_bytes(world["key"]), port, world["issuer"],
                               HTTP_PARSER))
             for _ in range(workers)]
    for p in procs:
        p.start()
    try:
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise SystemExit("the relying-party workers did not start")
            time.sleep(0.2)
        time.sleep(1.0)  # let every worker finish starting
        ids, tokens = open_requests(url, hook_url, "off-chain", n, workflow_id=f"age{workers}")
        bodies = prove_answers({**world, "creds": world["creds"][:n]}, tokens)
        with ctx.Pool(1) as pool:
            elapsed, codes = pool.apply(_post_all, (url, [f"/requests/{r}/response" for r in ids], bodies,
                                                    LOAD_CONNECTIONS))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(10)
    bad = [c for c in codes if c != 200]
    if bad:
        raise SystemExit(f"{len(bad)} of {n} responses refused: {sorted(set(bad))}")
    return n / elapsed


def bench_offchain(work: Path, n_tp: int, n_lat: int, workers: int) -> dict:
    import httpx

    from rp_chain_world import prove_answers
    from rp_scripted_endpoint import Script, serve
    from zkvct.services.rp.batch import accept_batch
    from zkvct.services.rp.requests import check_request
    from zkvct.services.rp.responses import accept_response
    from zkvct.web.serve import ServerThread, ServeSettings

    world = offchain_world(work, 3 * n_tp + n_lat)
    creds = world["creds"]
    res: dict = {}
    script = Script(SECRET, [])
    with serve(script) as hook_url:
        # in-process first (no server threads running yet): one at a time, then in batches of 64
        app2, engine2 = rp_app(work, world, "direct")
        with ServerThread(app2) as srv2:
            ids2, tokens2 = open_requests(srv2.url, hook_url, "off-chain", 2 * n_tp)
        bodies2 = prove_answers({**world, "creds": creds[n_tp:3 * n_tp]}, tokens2)
        did, view = world["rp"].did, world["view"]
        t0 = time.perf_counter()
        for rid, body in zip(ids2[:n_tp], bodies2[:n_tp]):
            accept_response(engine2, view, did, rid, body)
        res["single_per_s"] = n_tp / (time.perf_counter() - t0)
        items = list(zip(ids2[n_tp:], bodies2[n_tp:]))
        t0 = time.perf_counter()
        for k in range(0, n_tp, 64):
            out = accept_batch(engine2, view, did, items[k:k + 64])
            assert all(type(o).__name__ == "Accepted" for o in out), out[:3]
        res["batch_per_s"] = n_tp / (time.perf_counter() - t0)
        # HTTP, one process (the load from another process), then the latency on the same server
        app, _ = rp_app(work, world, "http")
        with ServerThread(app, ServeSettings(http=HTTP_PARSER)) as srv:
            ids, tokens = open_requests(srv.url, hook_url, "off-chain", n_tp)
            bodies = prove_answers({**world, "creds": creds[:n_tp]}, tokens)
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(1) as pool:
                elapsed, codes = pool.apply(_post_all, (srv.url, [f"/requests/{r}/response" for r in ids], bodies,
                                                        LOAD_CONNECTIONS))
            bad = [c for c in codes if c != 200]
            if bad:
                raise SystemExit(f"{len(bad)} of {n_tp} responses refused: {sorted(set(bad))}")
            res["http_per_s"] = n_tp / elapsed
            deadline = time.time() + 120
            while len(script.accepted) < n_tp and time.time() < deadline:
                time.sleep(0.05)
            lids, ltokens = [], []
            with httpx.Client(base_url=srv.url, headers=ADMIN, timeout=60) as http:
                for _ in range(n_lat):
                    rid = http.post("/requests", json={"workflow_id": "age"}).json()["id"]
                    lids.append(rid)
                    ltokens.append(check_request(http.get(f"/requests/{rid}").text))
            lbodies = prove_answers({**world, "creds": creds[3 * n_tp:3 * n_tp + n_lat]}, ltokens)
            res["latency"] = latency(srv.url, script, lids, lbodies)
        # the same credentials again, each time another database and another relying-party workflow:
        # the relying party alone in its own process (as `zkvct rp serve` runs it: the webhook
        # endpoint and this script's threads no longer share its GIL), then N worker processes
        res["proc_per_s"] = http_workers(work, world, hook_url, n_tp, 1)
        if workers > 1:
            res["workers_per_s"] = http_workers(work, world, hook_url, n_tp, workers)
    return res


def bench_onchain(work: Path, n: int) -> dict:
    from rp_chain_world import onchain_world, prove_answers
    from rp_scripted_endpoint import Script, serve
    from zkvct.chain.localnet import Localnet
    from zkvct.credentials.chain_view import ContractView
    from zkvct.services.rp.chain import ContractSubmitter
    from zkvct.web.serve import ServerThread

    with Localnet(timeout_commit_ms=200) as net:
        world = onchain_world(work, net, n)
        contract = world["contract"]
        world["view"] = ContractView(contract)
        script = Script(SECRET, [])
        with serve(script) as hook_url:
            app, _ = rp_app(work, world, "onchain", submitter=ContractSubmitter(contract, world["key"]),
                            chain={"chain_id": world["client"].network.chain_id, "verifier": contract.address})
            with ServerThread(app) as srv:
                ids, tokens = open_requests(srv.url, hook_url, "on-chain", n)
                bodies = prove_answers(world, tokens)
                return {"latency": latency(srv.url, script, ids, bodies)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--throughput-n", type=int, default=600)
    ap.add_argument("--latency-n", type=int, default=30)
    ap.add_argument("--onchain-n", type=int, default=20)
    ap.add_argument("--no-onchain", action="store_true")
    ap.add_argument("--workers", type=int, default=2, help="also measure HTTP with this many worker processes (1: skip)")
    ap.add_argument("--http", choices=("h11", "httptools", "auto"), default="h11",
                    help="the relying party's HTTP parser for the HTTP measures (default h11, the service default)")
    a = ap.parse_args(argv)
    global HTTP_PARSER
    HTTP_PARSER = a.http
    with tempfile.TemporaryDirectory(prefix="bench-rp-") as tmp:
        work = Path(tmp)
        off = bench_offchain(work, a.throughput_n, a.latency_n, a.workers)
        on = None
        if not a.no_onchain:
            (work / "chain").mkdir()
            on = bench_onchain(work / "chain", a.onchain_n)
    info = machine()
    print("\nzkvct relying party (issue 12)")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print(f"{'measure':52} {'value':>12}")
    print(f"{'off-chain throughput, HTTP, 1 rp process, responses/s':52} {off['proc_per_s']:12.0f}")
    print(f"{'  the same, rp sharing a process with the webhook endpoint':52} {off['http_per_s']:12.0f}")
    if "workers_per_s" in off:
        print(f"{'off-chain throughput, HTTP, ' + str(a.workers) + ' worker processes, /s':52} "
              f"{off['workers_per_s']:12.0f}")
    print(f"{'  (' + str(LOAD_CONNECTIONS) + ' connections from a separate process; target >= 300/s)':52}")
    print(f"{'in-process accept_response, one at a time, /s':52} {off['single_per_s']:12.0f}")
    print(f"{'in-process accept_batch, batches of 64, /s':52} {off['batch_per_s']:12.0f}")
    print(f"{'  (n = ' + str(a.throughput_n) + ' each)':52}")
    rows = [("off-chain", off["latency"])] + ([("on-chain", on["latency"])] if on else [])
    for name, lat in rows:
        print(f"{name + ' response -> webhook delivered, p50 ms (n=' + str(len(lat)) + ')':52} "
              f"{1000 * statistics.median(lat):12.0f}")
        print(f"{name + ' response -> webhook delivered, p95 ms':52} {1000 * pct(lat, 0.95):12.0f}")


if __name__ == "__main__":
    main()
