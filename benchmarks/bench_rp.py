"""Relying-party benchmark (issue 12): latency from a wallet's response to the webhook delivery,
off-chain and on-chain (p50/p95), and the relying party's off-chain throughput over HTTP.

Run on a quiet machine (it prints the machine, the load average at start and end, and a table;
it writes no file):

    PYTHONPATH=. .venv/bin/python benchmarks/bench_rp.py [--throughput-n 600] [--latency-n 30]
        [--rounds 2] [--workers 2] [--connections 64] [--no-onchain] [--no-go] [--no-inprocess]
        [--only TEXT] [--http h11|httptools]

What is measured, and how:

* **throughput, HTTP**: relying-party processes spawned as ``zkvct rp serve`` runs them (the same
  app and server, one SQLite file), answering ``--throughput-n`` prepared responses (each a
  different credential's proof; all proofs are made once, before any clock, and every run starts
  from a copy of one prepared database) sent over ``--connections`` keep-alive connections (64 by
  default: the wallets in flight at once). The client is closed-loop, so by Little's law it
  measures connections / latency until the service saturates; with 16 connections (sessions 1-5)
  each response waits for its batch's commit and pairing while at most 16 are in flight, and the
  figure is the client's, not the service's capacity (RESULTS.md, "Quiet figures, session 6",
  gives 16, 32 and 64). Every row names its layout: the webhook delivery in a thread of the serving process (``serve
  --delivery-in-process``) or in one ``zkvct rp deliver`` process woken over a socket (serve's
  default); the load client (Python httpx threads in a separate process, or the Go
  ``benchmarks/loadgen post``); the webhook receiver (the Python scripted endpoint in this
  process, or ``loadgen receive``, which checks each signature by the documented any-language
  recipe). Every process runs on this machine, so the client and receiver take cores from the
  relying party: the Go pair takes less. "accepted/s": n over the client's wall time (target in
  the issue: >= 300/s); "delivered/s": n over the time from the first POST to the last webhook
  received. The rows run interleaved, ``--rounds`` times, one figure per round.
* **throughput, in-process**: the same checks and writes without HTTP, one
  :func:`~zkvct.services.rp.responses.accept_response` at a time, then
  :func:`~zkvct.services.rp.batch.accept_batch` on 64 at a time (what the batcher does under load).
* **latency**: one response at a time, from the moment the wallet sends its POST to the moment the
  webhook endpoint (127.0.0.1, answers at once) receives the signed delivery, for both delivery
  layouts (Python client and receiver). On-chain: the relying party (in this process, delivery
  thread) submits to the verifier contract on a local wasmd node (``timeout_commit`` 200 ms) and
  waits for inclusion before it accepts.

Go is found on PATH and the tool built once into benchmarks/.cache/loadgen; without Go the Go rows
are skipped (said in the output). Keys are INSECURE dev setups (the same size as a ceremony's).
The chain world is the one tests/rp/rp_chain_world.py builds (unlinkable age_gte, depth 7).
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
LOAD_CONNECTIONS = 64  # --connections
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


def _worker_main(db_url: str, view, key_bytes: bytes, port: int, issuer: str, http: str = "h11",
                 wake=None) -> None:
    """One spawned relying-party worker: its own engine on the shared SQLite file, the same app as
    ``zkvct rp serve``, on a SO_REUSEPORT socket of the shared port. ``wake``: the writing end of
    the delivery process's wake socket (serve's default layout); None: the delivery thread runs
    in this process (``serve --delivery-in-process``)."""
    import socket

    import uvicorn

    from zkvct.did import jws
    from zkvct.services.rp.app import RpSettings, create_rp_app
    from zkvct.services.rp.deliver_process import send_wake
    from zkvct.services.rp.requests import RelyingParty
    from zkvct.web.db import make_engine
    from zkvct.web.serve import ServeSettings, make_config

    key = jws.private_key_from_bytes(key_bytes)
    app = create_rp_app(engine=make_engine(db_url), rp=RelyingParty(jws.did_of(key), key), view=view,
                        admin_token=TOKEN, webhook_secret=SECRET,
                        settings=RpSettings(public_url="http://127.0.0.1", trusted_issuers=[issuer]),
                        run_worker=wake is None, wake_deliveries=(lambda: send_wake(wake)) if wake else None)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    uvicorn.Server(make_config(app, ServeSettings(port=port, http=http))).run(sockets=[sock])


# -- the Go load client and webhook receiver (benchmarks/loadgen) ---------------------------------

LOADGEN_SRC = Path(__file__).resolve().parent / "loadgen"
LOADGEN_BIN = Path(__file__).resolve().parent / ".cache" / "loadgen"


def build_loadgen() -> str | None:
    """Build the Go tool once into benchmarks/.cache; returns why it cannot run, or None."""
    import shutil
    import subprocess

    go = shutil.which("go")
    if go is None:
        return "Go is not installed: the Go client/receiver rows are left out"
    sources = [LOADGEN_SRC / "main.go", LOADGEN_SRC / "go.mod"]
    if not LOADGEN_BIN.exists() or LOADGEN_BIN.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        LOADGEN_BIN.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([go, "build", "-o", str(LOADGEN_BIN), "."], cwd=LOADGEN_SRC, capture_output=True,
                              text=True, timeout=600, env=dict(os.environ, GOFLAGS="-mod=readonly -buildvcs=false"))
        if proc.returncode != 0:
            return "go build failed: " + " | ".join(proc.stderr.strip().splitlines()[-3:])
    return None


class GoReceiver:
    """``loadgen receive``: checks every delivery's signature by the any-language recipe."""

    def __init__(self, secret_file: Path):
        import subprocess

        self.proc = subprocess.Popen([str(LOADGEN_BIN), "receive", "-secret-file", str(secret_file)],
                                     stdout=subprocess.PIPE, text=True)
        self.base = json.loads(self.proc.stdout.readline())["listening"]
        self.url = self.base + "/hook"

    def stats(self) -> dict:
        import httpx

        return httpx.get(self.base + "/stats", timeout=10).json()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def _post_go(url: str, paths: list[str], bodies: list[dict], connections: int, work: Path) -> tuple[float, list[int]]:
    import subprocess

    f = work / "bodies.jsonl"
    f.write_text("".join(json.dumps({"path": p, "body": b}, separators=(",", ":")) + "\n"
                         for p, b in zip(paths, bodies)))
    out = subprocess.run([str(LOADGEN_BIN), "post", "-url", url, "-bodies", str(f), "-c", str(connections)],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"loadgen post failed: {out.stderr.strip()}")
    res = json.loads(out.stdout)
    codes = [int(c) for c, k in res["codes"].items() for _ in range(k)]
    return res["wall_s"], codes


def _delivery_home(work: Path, name: str) -> Path:
    """The files ``zkvct rp deliver`` reads (settings and the webhook secret, mode 0600)."""
    home = work / f"home-{name}"
    home.mkdir()
    (home / "rp.json").write_text(json.dumps({"did": "did:shr:bench", "public_url": "http://127.0.0.1"}))
    fd = os.open(home / "webhook.secret", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, SECRET + b"\n")
    os.close(fd)
    return home


def prepared_requests(work: Path, world: dict, hook_url: str, n: int, n_lat: int) -> dict:
    """Open ``n + n_lat`` requests once in a template database and prove their answers once: every
    HTTP run starts from a copy of it (:func:`run_database`), so a run costs no proving and all
    runs answer the same requests."""
    from rp_chain_world import prove_answers
    from zkvct.services.rp.requests import check_request
    from zkvct.web.serve import ServerThread

    app, engine = rp_app(work, world, "template")
    with ServerThread(app) as srv:
        ids, tokens = open_requests(srv.url, hook_url, "off-chain", n + n_lat, workflow_id="age")
    engine.dispose()
    bodies = prove_answers({**world, "creds": world["creds"][:n + n_lat]}, tokens)
    return {"db": work / "template.db", "ids": ids[:n], "bodies": bodies[:n], "lat_ids": ids[n:],
            "lat_bodies": bodies[n:]}


def run_database(prepared: dict, work: Path, run: str, hook_url: str) -> str:
    """A copy of the template database (SQLite's backup API) whose workflow delivers to ``hook_url``."""
    import sqlite3

    import sqlalchemy as sa

    from zkvct.services.rp.schema import workflows
    from zkvct.web.db import make_engine, sqlite_url

    path = work / f"{run}.db"
    with sqlite3.connect(prepared["db"]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    engine = make_engine(sqlite_url(path))
    with engine.begin() as conn:
        for wid, doc in conn.execute(sa.select(workflows.c.id, workflows.c.document)).all():
            for node in doc["nodes"]:
                if node.get("type") == "delivery_webhook" or node["id"].startswith("delivery_webhook"):
                    node["data"]["config"]["url"] = hook_url
            conn.execute(workflows.update().where(workflows.c.id == wid).values(document=doc))
    engine.dispose()
    return sqlite_url(path)


def http_workers(work: Path, world: dict, prepared: dict, workers: int, *, delivery: str, client: str, receiver,
                 run: str, with_latency: bool = False) -> dict:
    """Responses/s over HTTP with ``workers`` relying-party processes (1: one process, as plain
    ``zkvct rp serve``) on one port and a copy of the prepared SQLite file. ``delivery``: "process"
    (one ``zkvct rp deliver`` woken over a socket: serve's default) or "thread" (in each worker,
    ``serve --delivery-in-process``). ``client``: "python" (httpx threads in a separate process)
    or "go" (``loadgen post``). ``receiver``: the Python scripted endpoint (in this process) or a
    :class:`GoReceiver`."""
    import socket
    import subprocess

    import httpx

    from zkvct.did import jws
    from zkvct.services.rp.deliver_process import WakePipe

    n = len(prepared["ids"])
    db_url = run_database(prepared, work, run, receiver.url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    ctx = multiprocessing.get_context("spawn")
    pipe = WakePipe() if delivery == "process" else None
    deliverer = None
    if pipe:
        deliverer = subprocess.Popen([sys.executable, "-m", "zkvct", "rp", "deliver", "--home",
                                      str(_delivery_home(work, run)), "--db", db_url, "--wake-fd", str(pipe.read_fd),
                                      "--json"], pass_fds=(pipe.read_fd,), stdout=subprocess.DEVNULL,
                                     env=dict(os.environ, PYTHONPATH=str(ROOT)))
    procs = [ctx.Process(target=_worker_main, daemon=True,
                         args=(db_url, world["view"], jws.private_key_bytes(world["key"]), port, world["issuer"],
                               HTTP_PARSER, pipe.writer if pipe else None))
             for _ in range(workers)]
    for p in procs:
        p.start()
    delivered = (lambda: receiver.stats()["accepted"]) if isinstance(receiver, GoReceiver) \
        else (lambda: len(receiver.accepted))
    out: dict = {}
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
        paths = [f"/requests/{r}/response" for r in prepared["ids"]]
        before = delivered()
        t0 = time.perf_counter()
        if client == "go":
            elapsed, codes = _post_go(url, paths, prepared["bodies"], LOAD_CONNECTIONS, work)
        else:
            with ctx.Pool(1) as pool:
                elapsed, codes = pool.apply(_post_all, (url, paths, prepared["bodies"], LOAD_CONNECTIONS))
        bad = [c for c in codes if c != 200]
        if bad:
            raise SystemExit(f"{run}: {len(bad)} of {n} responses refused: {sorted(set(bad))}")
        deadline = time.time() + 120
        while delivered() - before < n and time.time() < deadline:
            time.sleep(0.01)
        out["accepted_per_s"] = n / elapsed
        out["delivered_per_s"] = n / (time.perf_counter() - t0) if delivered() - before >= n else float("nan")
        if with_latency:
            out["latency"] = latency(url, receiver, prepared["lat_ids"], prepared["lat_bodies"])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(10)
        if deliverer is not None:
            deliverer.terminate()
            deliverer.wait(10)
        if pipe:
            pipe.close()
    return out


#: (label, workers, delivery, client, receiver): the HTTP rows, measured interleaved per round
def http_configs(workers: int, go: bool) -> list[tuple[str, int, str, str, str]]:
    rows = [("1 rp, delivery thread, python client+receiver", 1, "thread", "python", "python"),
            ("1 rp, delivery process, python client+receiver", 1, "process", "python", "python")]
    if go:
        rows += [("1 rp, delivery thread, go client+receiver", 1, "thread", "go", "go"),
                 ("1 rp, delivery process, go client+receiver", 1, "process", "go", "go")]
        if workers > 1:
            rows.append((f"{workers} rp workers, delivery process, go client+receiver", workers, "process", "go", "go"))
    elif workers > 1:
        rows.append((f"{workers} rp workers, delivery process, python client+receiver", workers, "process",
                     "python", "python"))
    return rows


def bench_offchain(work: Path, n_tp: int, n_lat: int, workers: int, rounds: int, go_skip: str | None,
                   only: str | None = None, inprocess: bool = True) -> dict:
    from rp_chain_world import prove_answers
    from rp_scripted_endpoint import Script, serve
    from zkvct.services.rp.batch import accept_batch
    from zkvct.services.rp.responses import accept_response
    from zkvct.web.serve import ServerThread

    world = offchain_world(work, 2 * n_tp + n_lat)
    creds = world["creds"]
    res: dict = {"http": {}, "latency": {}}
    script = Script(SECRET, [])
    secret_file = work / "webhook.secret"
    secret_file.write_bytes(SECRET)
    go_receiver = GoReceiver(secret_file) if go_skip is None else None
    try:
        with serve(script) as hook_url:
            script.url = hook_url
            # in-process first (no server threads running yet): one at a time, then in batches of 64
            if inprocess:
                app2, engine2 = rp_app(work, world, "direct")
                with ServerThread(app2) as srv2:
                    ids2, tokens2 = open_requests(srv2.url, hook_url, "off-chain", 2 * n_tp)
                bodies2 = prove_answers({**world, "creds": creds[:2 * n_tp]}, tokens2)
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
            # HTTP: every configuration once per round, interleaved, each on its own copy of one
            # prepared database (the same requests and proofs); the latency on the 1-process
            # python-receiver rows of the last round
            prepared = prepared_requests(work, world, hook_url, n_tp, n_lat)
            for r in range(rounds):
                for i, (label, nw, dlv, client, recv) in enumerate(http_configs(workers, go_receiver is not None)):
                    if only and only not in label:
                        continue
                    lat = r == rounds - 1 and recv == "python" and nw == 1 and n_lat > 0
                    got = http_workers(work, world, prepared, nw, delivery=dlv, client=client,
                                       receiver=script if recv == "python" else go_receiver,
                                       run=f"r{r}c{i}", with_latency=lat)
                    res["http"].setdefault(label, []).append(got)
                    if "latency" in got:
                        res["latency"][label] = got["latency"]
                    print(f"  round {r + 1}: {label}: {got['accepted_per_s']:.0f}/s accepted, "
                          f"{got['delivered_per_s']:.0f}/s delivered (load {os.getloadavg()[0]:.2f})", flush=True)
    finally:
        if go_receiver:
            go_receiver.close()
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
    global HTTP_PARSER, LOAD_CONNECTIONS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--throughput-n", type=int, default=600)
    ap.add_argument("--latency-n", type=int, default=30)
    ap.add_argument("--onchain-n", type=int, default=20)
    ap.add_argument("--no-onchain", action="store_true")
    ap.add_argument("--workers", type=int, default=2, help="also measure HTTP with this many worker processes (1: skip)")
    ap.add_argument("--rounds", type=int, default=2, help="HTTP configurations measured this many times, interleaved")
    ap.add_argument("--no-go", action="store_true", help="leave out the Go client/receiver rows")
    ap.add_argument("--connections", type=int, default=LOAD_CONNECTIONS,
                    help="keep-alive connections of the load client (wallets in flight at once; the service batches "
                         "the responses that arrive together, so more connections mean larger batches); default 64")
    ap.add_argument("--only", help="measure only the HTTP rows whose label contains this text")
    ap.add_argument("--no-inprocess", action="store_true",
                    help="skip the in-process accept_response/accept_batch rows (their 2n proofs take minutes)")
    ap.add_argument("--http", choices=("h11", "httptools", "auto"), default="h11",
                    help="the relying party's HTTP parser for the HTTP measures (default h11, the service default)")
    a = ap.parse_args(argv)
    HTTP_PARSER = a.http
    LOAD_CONNECTIONS = a.connections
    go_skip = "--no-go" if a.no_go else build_loadgen()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-rp-") as tmp:
        work = Path(tmp)
        off = bench_offchain(work, a.throughput_n, a.latency_n, a.workers, a.rounds, go_skip, a.only,
                             not a.no_inprocess)
        on = None
        if not a.no_onchain:
            (work / "chain").mkdir()
            on = bench_onchain(work / "chain", a.onchain_n)
    info = machine()
    print("\nzkvct relying party (issue 12)")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print("load average (1/5/15 min) at start: " + " ".join(f"{x:.2f}" for x in load_before)
          + ", at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"off-chain over HTTP, n = {a.throughput_n} responses per run, {LOAD_CONNECTIONS} keep-alive connections; "
          f"every process on this machine (target >= 300/s accepted).")
    print("  'python client': httpx threads in a separate process; 'go client': benchmarks/loadgen post.")
    print("  'python receiver': the scripted endpoint in the benchmark's process; 'go receiver': loadgen receive "
          "(checks each signature by the any-language recipe).")
    print("  'delivery process': one `zkvct rp deliver` woken over a socket (serve's default); "
          "'delivery thread': serve --delivery-in-process.")
    if go_skip:
        print(f"  Go rows skipped: {go_skip}")
    print(f"{'measure':60} {'accepted/s':>11} {'delivered/s':>12}")
    for label, runs in off["http"].items():
        acc = " ".join(f"{r['accepted_per_s']:.0f}" for r in runs)
        dlv = " ".join(f"{r['delivered_per_s']:.0f}" for r in runs)
        print(f"{label:60} {acc:>11} {dlv:>12}")
    print(f"  (one figure per round; 'delivered/s': n over the time from the first POST to the last "
          f"webhook received)")
    if "single_per_s" in off:
        print(f"{'in-process accept_response, one at a time, /s':60} {off['single_per_s']:11.0f}")
        print(f"{'in-process accept_batch, batches of 64, /s':60} {off['batch_per_s']:11.0f}")
    rows = [(f"off-chain, {label}", lat) for label, lat in off["latency"].items()]
    rows += [("on-chain (delivery thread)", on["latency"])] if on else []
    for name, lat in rows:
        print(f"{name + ': response -> webhook, p50/p95 ms (n=' + str(len(lat)) + ')':60} "
              f"{1000 * statistics.median(lat):11.0f} {1000 * pct(lat, 0.95):12.0f}")


if __name__ == "__main__":
    main()
