"""``zkvct demo``: the pipeline the project exists for, every role a real process on 127.0.0.1.

1. a Powers-of-Tau ceremony over HTTP: a coordinator, two contributors and a beacon for phase 1,
   then phase 2 for the age statement the same way; the final keys published;
2. the local chain (wasmd) with the CW1056 registry and the zkVCT verifier; the statement's
   verification key registered by the operator's did:shr;
3. an issuer service issuing a credential to a wallet (proof of possession of the holder's
   did:shr), its registry root anchored on chain;
4. a relying party service with ShareRing LINK's age workflow, a signed request (deep link and QR
   code), the wallet's consent and proof, the proof verified by the verifier contract, the result
   delivered to a webhook receiver and its signature checked;
5. what a user should see refused: a replayed response, a tampered public input, an expired
   request, a revoked credential, a webhook delivery with a stale timestamp.

Every file lands in ``--out`` (default ``demo-out/``) and ``rerun.sh`` there lists the commands to
run any step again by hand.

Work that shares nothing runs side by side: the chain, the issuer (issuance, anchoring, the
revocation step 5 relies on) and the relying party start beside the ceremony, at a lower
priority; the circuit compiles while phase 1 runs; both published transcripts are verified by
one `zkvct ceremony verify` while the key is registered and the request opened (the wallet proves
only after it passed); the refusals run side by side, beside step 4b. Each step is still timed,
and ``demo.json`` has a timeline of every process and wait (see :mod:`.timeline`).
"""
from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx

from ..chain.localnet import _set_pdeathsig
from ..errors import ZkvctError
from .procs import Services, free_port, zkvct_command
from .timeline import Timeline, process_cpu, run_measured

SEED_WORKFLOW = {
    "name": "Age Verification Workflow",
    "nodes": [
        {"id": "start-1", "type": "start", "data": {"label": "Start", "config": {"requiredInputs": []}}},
        {"id": "age_verification-1", "type": "age_verification",
         "data": {"label": "Verify Age (18+)", "config": {"valueType": "age", "operator": "gte", "compareValue": 18,
                                                          "label": "Please enter your date of birth"}}},
        {"id": "delivery_webhook-1", "type": "delivery_webhook",
         "data": {"label": "Send to RP",
                  "config": {"url": "https://api.hotel.com/verify",
                             "payloadSchema": {"type": "object", "properties": {
                                 "age_verified": {"type": "boolean"},
                                 "verifiedAt": {"type": "string", "format": "date-time"}}}},
                  "bindings": [
                      {"target": "input.payload.age_verified",
                       "source": {"ref": "taskOutput", "nodeId": "age_verification-1", "path": "value"}},
                      {"target": "input.payload.verifiedAt",
                       "source": {"ref": "taskOutput", "nodeId": "age_verification-1", "path": "verifiedAt"}}]}},
        {"id": "end_ok-1", "type": "end_ok", "data": {"label": "End", "config": {"publicMessage": "Verification complete"}}},
    ],
    "edges": [{"source": "start-1", "target": "age_verification-1"},
              {"source": "age_verification-1", "target": "delivery_webhook-1"},
              {"source": "delivery_webhook-1", "target": "end_ok-1"}],
}


#: how often a waiting contributor asks the coordinator whether its turn has come: the second
#: contributor waits for the first one's whole turn, and a turn that ends between two polls is
#: dead time on the demo's critical path (the CLI's default, 2 s, suits a public ceremony)
CONTRIBUTOR_POLL_S = 0.05


class DemoError(ZkvctError):
    """A step of the demo failed; the message says which and shows the service's log."""


def _child_setup(nice: int) -> None:  # runs in the child between fork and exec
    """A CLI process dies with the demo (the thread that waits for it) and runs at ``nice``."""
    _set_pdeathsig()
    if nice:
        os.nice(nice)


@dataclass
class Pipeline:
    out: Path
    echo: Callable[[str], None]
    years: int = 18
    power: int = 13
    timings: dict[str, float] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    rerun: list[tuple[str, str]] = field(default_factory=list)
    refusals: dict[str, str] = field(default_factory=dict)
    timeline: Timeline = field(default_factory=Timeline)

    # -- plumbing ------------------------------------------------------------------------------

    def __post_init__(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.secrets_dir = self.out / "secrets"
        self.secrets_dir.mkdir(mode=0o700, exist_ok=True)
        self.passfile = self.secrets_dir / "passphrase"
        if not self.passfile.exists():
            fd = os.open(self.passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(24) + "\n")
        # every key the demo makes is sealed under this one passphrase (read from env or file);
        # gRPC (cosmpy) polls with poll(2): its epoll poller was seen to abort a service at start
        # when several nodes and services share the machine
        self.env = {"ZKVCT_RP_HOME": str(self.out / "rp"),
                    "ZKVCT_CEREMONY_PASSPHRASE": self.passfile.read_text().strip(),
                    "GRPC_POLL_STRATEGY": "poll"}
        os.environ.setdefault("GRPC_POLL_STRATEGY", "poll")
        os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # poll(2)'s note on every fork is not the demo's output
        self._local = threading.local()  # per thread: the step being run, its buffered lines, niceness
        self._print = threading.Lock()

    def say(self, line: str) -> None:
        """A line of the current step: printed at once on the main thread, kept with the step
        (and printed as one block when it ends) on a thread working beside it."""
        buf = getattr(self._local, "lines", None)
        if buf is None:
            with self._print:
                self.echo(line)
        else:
            buf.append(line)

    @contextmanager
    def step(self, n: str, title: str, beside: str | None = None) -> Iterator[None]:
        """Time a step. ``beside`` names what it overlaps; its lines then come out as one block."""
        label = f"[{n}] {title}" + (f" (beside {beside})" if beside else "")
        start = self.timeline.now()
        self._local.step = n
        if beside:
            self._local.lines = []
        else:
            self.say(label)
        ok = False
        try:
            yield
            ok = True
        finally:
            end = self.timeline.now()
            lines, self._local.lines, self._local.step = getattr(self._local, "lines", None), None, None
            self.timings[f"[{n}] {title}"] = round(end - start, 2)
            self.steps.append({"step": n, "title": title, "beside": beside, "start": round(start, 2),
                               "end": round(end, 2), "seconds": round(end - start, 2)})
            done = f"    {'done' if ok else 'FAILED'} in {end - start:.1f} s (t = {start:.1f} .. {end:.1f} s)"
            with self._print:
                for line in ([label] + lines if lines is not None else []) + [done]:
                    self.echo(line)

    def note(self, command: str) -> None:
        """A command for rerun.sh, filed under the step that ran it."""
        self.rerun.append((getattr(self._local, "step", None) or "-", command))

    def cli(self, *args: str, json_out: bool = True, check: bool = True, timeout: float = 300) -> Any:
        """Run ``zkvct ARGS`` as its own process; the JSON it prints, or the completed process.

        On a thread working beside the critical path the process runs at a lower priority
        (``nice``), so that on a small machine the ceremony keeps its cores."""
        argv = zkvct_command(*args, *(["--json"] if json_out else []))
        self.note("zkvct " + " ".join(shlex.quote(a) for a in args))
        nice = getattr(self._local, "nice", 0)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
                self.timeline.span("cli", "zkvct " + " ".join(a for a in args[:3] if not a.startswith("/"))) as entry:
            code, entry["cpu_s"] = run_measured(argv, env={**os.environ, **self.env}, timeout=timeout, stdout=out,
                                                stderr=err, preexec_fn=lambda: _child_setup(nice))
            out.seek(0), err.seek(0)
            stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        res = subprocess.CompletedProcess(argv, code, stdout, stderr)
        if check and res.returncode != 0:
            raise DemoError(f"`zkvct {' '.join(args[:3])} ...` failed (exit {res.returncode}):\n{res.stderr[-2000:]}"
                            f"{res.stdout[-1000:]}")
        if not json_out:
            return res
        try:
            return json.loads(res.stdout) if res.stdout.strip() else {}
        except json.JSONDecodeError:
            raise DemoError(f"`zkvct {' '.join(args[:3])}` printed no JSON:\n{res.stdout[-1000:]}") from None

    def services(self, svc: Services, specs: dict[str, tuple[list[str], dict[str, Any]]]) -> dict[str, Any]:
        """Start services side by side and wait until each answers (timed in the timeline).

        Call this on a thread that lives as long as the services: a child's parent-death signal
        follows the thread that started it."""
        with self.timeline.span("service", "start " + " + ".join(specs)):
            started = svc.start_many(specs)
        for name, (argv, kw) in specs.items():
            if "port" in kw:
                self.note(" ".join(shlex.quote(a) for a in ["zkvct", *argv[3:]]) + " &")
        return started

    def stop_service(self, svc: Services, name: str) -> None:
        if name in svc.running:
            cpu = process_cpu(svc.running[name].proc.pid)
            with self.timeline.span("service", f"stop {name}", cpu_s_total=cpu):
                svc.stop(name)

    def wait(self, what: str, seconds: float) -> None:
        if seconds > 0:
            with self.timeline.span("wait", what):
                time.sleep(seconds)

    def concurrently(self, jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
        """Run independent jobs side by side (each in its own thread, inheriting this thread's step
        and priority); their results by name. The first failure is raised once all have ended."""
        results: dict[str, Any] = {}
        errors: list[BaseException] = []
        step, nice, lines = (getattr(self._local, k, None) for k in ("step", "nice", "lines"))

        def run(name: str, job: Callable[[], Any]) -> None:
            self._local.step, self._local.nice, self._local.lines = step, nice or 0, lines
            try:
                results[name] = job()
            except BaseException as e:  # noqa: BLE001 - re-raised below
                errors.append(e)

        threads = [threading.Thread(target=run, args=(n, j), name=n) for n, j in jobs.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return results

    def in_background(self, name: str, job: Callable[[], Any]) -> Future:
        """Start ``job`` on its own thread now (same step and priority); its result is the future's."""
        fut: Future = Future()
        step, nice = getattr(self._local, "step", None), getattr(self._local, "nice", 0)

        def run() -> None:
            self._local.step, self._local.nice = step, nice
            try:
                fut.set_result(job())
            except BaseException as e:  # noqa: BLE001 - raised by fut.result()
                fut.set_exception(e)

        threading.Thread(target=run, name=name, daemon=True).start()
        return fut

    # -- 1. the ceremony -----------------------------------------------------------------------

    def _ceremony(self, svc: Services, name: str, home: Path, track_arg: list[str], keys: dict[str, Path],
                  admin: dict[str, Any]) -> dict[str, Any]:
        """One coordinated ceremony: init, the coordinator, two contributors, the beacon."""
        init = self.cli("ceremony", "init", str(home), "--name", name, "--admin-did", admin["did"], *track_arg,
                        "--invites", "2", "--turn-timeout", "600")
        port = free_port()
        self.services(svc, {f"coordinator-{name}": (zkvct_command("ceremony", "serve", str(home), "--port", str(port)),
                                                    {"port": port, "health": "/api/status"})})
        url = f"http://127.0.0.1:{port}"
        made = self.concurrently({who: (lambda who=who, code=code: self.cli(
            "ceremony", "contribute", "--coordinator", url, "--key", str(keys[who]), "--invite", code, "--name", who,
            "--poll", str(CONTRIBUTOR_POLL_S), timeout=600)) for who, code in zip(("alice", "bob"), init["invites"])})
        fin = self.cli("ceremony", "finalize", "--coordinator", url, "--key", str(admin["key"]),
                       "--beacon", secrets.token_hex(32), "--exp", "10")
        self.stop_service(svc, f"coordinator-{name}")
        # the coordinator's own work inside those requests (its receipts and finalize say how long)
        work = {f"check of {who}'s {r['track']} upload": r.get("verify_seconds")
                for who, out in made.items() for r in out.get("receipts", [])}
        for track, parts in (fin.get("work_seconds") or {}).items():
            work.update({f"{part} of {track}": secs for part, secs in parts.items()})
        self.facts.setdefault("ceremony_work", {})[name] = work
        return {"init": init, "finalize": fin}

    def ceremony(self, svc: Services) -> None:
        cer = self.out / "ceremony"
        cer.mkdir(exist_ok=True)
        keys = {who: self.secrets_dir / f"{who}.ceremony.key" for who in ("admin", "alice", "bob")}
        start = cer / "pot_0000.ptau"
        # the circuit is needed only for phase 2: it compiles while phase 1 runs
        compiled = self.in_background("compile", lambda: self.cli("circuit", "compile", "age_gte", "-o", str(cer)))
        made = self.concurrently({**{who: (lambda path=path: self.cli("ceremony", "keygen", str(path))["did"])
                                     for who, path in keys.items()},
                                  "ptau": lambda: self.cli("powersoftau", "new", str(self.power), str(start))})
        admin = {"did": made["admin"], "key": keys["admin"]}
        p1 = self._ceremony(svc, "phase1", cer / "phase1", ["--ptau", f"pot={start}"], keys, admin)
        compiled.result()
        r1cs = next(cer.glob("*.r1cs"))
        prepared = cer / "phase1" / "final" / "pot.ptau"  # the coordinator prepares phase 2 at finalize
        # no starting key: the coordinator runs the Groth16 setup (`zkvct groth16 setup`) from the
        # circuit and the phase-1 file it verifies, and keeps that key to check every upload against
        p2 = self._ceremony(svc, "phase2", cer / "phase2", ["--circuit", f"age_gte={r1cs},{prepared}"], keys, admin)
        final_zkey = cer / "phase2" / "final" / "age_gte.zkey"
        vk = cer / "verification_key.json"
        # both published transcripts are checked by one independent `ceremony verify` (the phase-1
        # file behind phase 2 is phase 1's own, verified once) while the key is registered and the
        # request opened; no proof is made with the key before that check has passed
        self.key_verified = self.in_background("verify-transcripts", lambda: self.cli(
            "ceremony", "verify", str(cer / "phase1" / "final"), str(cer / "phase2" / "final")))
        self.cli("zkey", "export", "verificationkey", str(final_zkey), str(vk))
        self.facts.update(zkey=str(final_zkey), vk=str(vk), r1cs=str(r1cs))
        self.facts["ceremony"] = {"finalize": {"phase1": p1["finalize"].get("tracks"), "phase2": p2["finalize"].get("tracks")}}
        self.say(f"    phase 1 (power {self.power}) and phase 2 (age_gte): 2 contributors + a beacon each; key {final_zkey}; "
                 "`zkvct ceremony verify` checks both published transcripts beside steps 2b-4b")

    def key_checked(self) -> None:
        """Wait for the independent check of the published transcripts (started in step 1)."""
        with self.timeline.span("wait", "published transcripts verified"):
            reports = self.key_verified.result()["ceremonies"]
        self.facts["ceremony"].update(phase1=reports[0], phase2=reports[1])

    # -- 2. the chain and the statement ---------------------------------------------------------

    def chain(self, stack) -> None:
        from ..chain.client import ChainClient
        from ..chain.deployment import deploy
        from ..chain.keys import localnet_wallet
        from ..chain.localnet import Localnet

        home = self.out / "chain"
        with self.timeline.span("service", "start wasmd (init, first block)"):
            net = stack.enter_context(Localnet(home=home, timeout_commit_ms=200, keep_home=True))  # started by __enter__
        client = ChainClient.from_localnet(net.info)
        operator = localnet_wallet("alice")
        with self.timeline.span("chain", "deploy registry + verifier contracts"):
            dep = deploy(client, operator)
        dep.save(home)
        self.client, self.operator, self.deployment = client, operator, dep
        self.facts["chain"] = {"home": str(home), "chain_id": net.info.chain_id, "verifier": dep.verifier,
                               "registry": dep.registry}
        self.note(f"# zkvct chain up --home NEW_DIR --block-ms 200   (the demo's own node kept its state in {home})")
        self.say(f"    wasmd {net.info.chain_id} on {net.info.rpc_url}; verifier {dep.verifier}")

    def fund(self, address: str, amount: int = 10**12) -> None:
        with self.timeline.span("chain", "fund " + address[:16]):
            tx = self.client.ledger.send_tokens(address, amount, "nshr", self.operator)
            tx.wait_to_complete()

    def register(self, trusted_issuer: str) -> None:
        from circuits.statements import get_statement

        from ..chain.contracts import VerifierContract, did_of
        from ..credentials.verify import registration_roles

        st = get_statement("age_gte", years=self.years)
        roles = [r.to_wire() for r in registration_roles(st)]
        vk = json.loads(Path(self.facts["vk"]).read_text())
        contract = VerifierContract(self.client, self.deployment.verifier)
        operator_did = did_of(self.operator)
        with self.timeline.span("chain", "register age_gte"):
            tx = contract.register_statement(self.operator, "age_gte", operator_did, vk, roles, [trusted_issuer],
                                             record_validity_secs=86_400 * 365,
                                             description=f"age >= {self.years} (zkvct demo)")
        self.contract = contract
        self.facts["statement"] = {"id": "age_gte", "owner_did": operator_did, "roles": roles, "tx": tx.hash,
                                   "gas": tx.gas_used}
        self.say(f"    age_gte registered by {operator_did[:24]}... (gas {tx.gas_used}), trusting {trusted_issuer[:24]}...")

    # -- 3. issuer and wallet ---------------------------------------------------------------------

    def issuer_init(self) -> None:
        from ..did.identifier import parse_did

        home = self.out / "issuer"
        res = self.cli("issuer", "init", "--home", str(home), "--passphrase-file", str(self.passfile),
                       "--chain-home", str(self.out / "chain"), "--epoch-s", "1")
        self.issuer_did = res["issuer_did"]
        self.fund(parse_did(self.issuer_did).address)
        self.facts["issuer"] = {"did": self.issuer_did, "home": str(home)}

    def issue(self, svc: Services) -> None:
        """Two holders get a credential and the root is anchored; the second holder's credential
        is then revoked (step 5 shows it refused) and the first holder syncs to the new root."""
        home = self.out / "issuer"
        # one machine plays every holder here, so the per-client rate limit is raised for the demo
        issuer = self.services(svc, {"issuer": (zkvct_command("issuer", "serve", "--home", str(home), "--passphrase-file",
                                                              str(self.passfile), "--port", "{port}", "--rate", "100",
                                                              "--burst", "400"), {})})["issuer"]
        self.issuer_url = issuer.url
        self.note(f"zkvct issuer serve --home {home} --passphrase-file {self.passfile} --port {issuer.port} &")
        self.wallet = self.out / "wallet" / "wallet.db"
        self.wallet_b = self.out / "wallet" / "wallet-b.db"
        self.wallet.parent.mkdir(exist_ok=True)

        def holder(wallet: Path, dob: str, country: str) -> dict[str, Any]:
            offer = self.cli("issuer", "offer", "--home", str(home), "--url", issuer.url, "--dob", dob,
                             "--country", country, "--expiry", "2031-01-01")
            did = self.cli("wallet", "init", "--wallet", str(wallet), "--passphrase-file", str(self.passfile))["did"]
            cred = self.cli("wallet", "accept", "--wallet", str(wallet), "--passphrase-file", str(self.passfile),
                            "--issuer", issuer.url, offer["offer_id"])["credential"]
            return {"did": did, "credential": cred}

        # the second holder is the one whose credential is revoked before it is ever used
        holders = self.concurrently({"holder-a": lambda: holder(self.wallet, "1990-05-17", "SG"),
                                     "holder-b": lambda: holder(self.wallet_b, "1985-02-01", "MY")})
        self.holder_did, self.credential = holders["holder-a"]["did"], holders["holder-a"]["credential"]
        self.credential_b = holders["holder-b"]["credential"]
        self.cli("issuer", "epoch", "--home", str(home), "--url", issuer.url)
        self.wait_anchored(home, issuer.url)
        self.cli("wallet", "sync", "--wallet", str(self.wallet_b), "--passphrase-file", str(self.passfile))
        self.say(f"    credentials for {self.holder_did[:24]}... and a second holder, issued by {self.issuer_did[:24]}...; "
                 "root anchored")
        serial = self.credential_b.get("serial")
        self.cli("issuer", "revoke", "--home", str(home), "--url", issuer.url, str(serial))
        self.wait_anchored(home, issuer.url)
        self.revoked_at = self.timeline.now()
        self.cli("wallet", "sync", "--wallet", str(self.wallet), "--passphrase-file", str(self.passfile))
        self.say(f"    second holder's credential (serial {serial}) revoked, new root anchored; its wallet keeps "
                 "the old path (refused in step 5)")
        self.facts["holder"] = {"did": self.holder_did, "credential": self.credential}

    def wait_anchored(self, home: Path, url: str, timeout: float = 60) -> None:
        """Until the issuer's outbox has sent everything (what `zkvct issuer status` shows)."""
        from ..services.issuer.config import admin_token

        self.note(f"zkvct issuer status --home {home} --url {url}")
        headers = {"Authorization": f"Bearer {admin_token(home)}"}
        deadline, rows = time.monotonic() + timeout, []
        with self.timeline.span("wait", "issuer outbox anchored on chain"):
            while time.monotonic() < deadline:
                rows = httpx.get(url + "/admin/outbox", headers=headers, timeout=30).json().get("rows", [])
                if rows and all(r.get("status") in ("anchored", "done", "sent") for r in rows):
                    return
                time.sleep(0.1)
        raise DemoError(f"the issuer's root was not anchored within {timeout:g} s: {rows}")

    # -- 4. relying party, request, consent, proof, on-chain check, webhook ----------------------------

    def relying_party(self, svc: Services) -> None:
        from ..did.identifier import parse_did

        rp_home = self.out / "rp"
        port = free_port()
        init = self.cli("rp", "init", "--home", str(rp_home), "--passphrase-file", str(self.passfile),
                        "--public-url", f"http://127.0.0.1:{port}", "--trusted-issuer", self.issuer_did,
                        "--chain-home", str(self.out / "chain"))
        self.rp_did = init["did"]
        self.fund(parse_did(self.rp_did).address)
        self.deliveries_log = self.out / "webhook" / "deliveries.jsonl"
        self.deliveries_log.parent.mkdir(exist_ok=True)
        started = self.services(svc, {
            "webhook-receiver": (zkvct_command("rp", "receiver", "--secret-file", str(rp_home / "webhook.secret"),
                                               "--log", str(self.deliveries_log), "--port", "{port}"), {}),
            "relying-party": (zkvct_command("rp", "serve", "--home", str(rp_home), "--passphrase-file",
                                            str(self.passfile), "--port", str(port)), {"port": port})})
        receiver = started["webhook-receiver"]
        self.note(f"zkvct rp receiver --secret-file {rp_home / 'webhook.secret'} --log {self.deliveries_log} "
                  f"--port {receiver.port} &")
        self.rp_url, self.receiver_url = f"http://127.0.0.1:{port}", receiver.url
        self.facts["relying_party"] = {"did": self.rp_did, "url": self.rp_url}
        self.say(f"    relying party {self.rp_did[:24]}... on {self.rp_url}; webhook receiver on {receiver.url}")

    def workflow(self) -> None:
        """LINK's age workflow, loaded as written (its webhook pointed at the receiver); the relying
        party checks its statement on chain, so this comes after the registration."""
        rp_home = self.out / "rp"
        wf = json.loads(json.dumps(SEED_WORKFLOW))
        wf["nodes"][2]["data"]["config"]["url"] = self.receiver_url + "/webhook"
        wf_file = rp_home / "age_workflow.json"
        wf_file.write_text(json.dumps(wf, indent=2))
        added = self.cli("rp", "workflow", "add", "--home", str(rp_home), str(wf_file), "--id", "age")
        self.facts["relying_party"]["workflow"] = added
        self.say(f"    LINK's '{added['name']}' loaded -> {added['tasks'][0]['statement']}")

    def new_request(self, ttl: int | None = None, qr: Path | None = None) -> dict[str, Any]:
        args = ["rp", "request", "new", "--home", str(self.out / "rp"), "--workflow", "age"]
        if ttl:
            args += ["--ttl", str(ttl)]
        if qr:
            args += ["--qr", str(qr)]
        return self.cli(*args)

    def approve(self, link: str, out: Path | None = None, check: bool = True, wallet: Path | None = None) -> Any:
        args = ["wallet", "request", "approve", link, "--wallet", str(wallet or self.wallet), "--passphrase-file", str(self.passfile),
                "--keys", str(self.wallet_keys), "--chain-home", str(self.out / "chain"), "--yes"]
        if out:
            args += ["--save-response", str(out)]
        return self.cli(*args, check=check) if check else self.cli(*args, json_out=False, check=False)

    def prove_and_deliver(self, svc: Services) -> None:
        """Step 4b; step 5 starts beside it once the workflow is loaded (the refusals that need
        this step's response wait for it)."""
        self.workflow()
        keys = {"age_gte": {"statement": "age_gte", "params": {"years": self.years}, "zkey": self.facts["zkey"]}}
        self.wallet_keys = self.out / "wallet" / "keys.json"
        self.wallet_keys.write_text(json.dumps(keys, indent=2))
        self.answered = threading.Event()
        self.refused = self.in_background("step-5", lambda: self.refusals_step(svc))
        try:
            self._prove_and_deliver()
        finally:
            self.answered.set()

    def _prove_and_deliver(self) -> None:
        req = self.new_request(qr=self.out / "rp" / "request.png")
        self.say(f"    request {req['id']}: {req['deep_link'][:60]}... (QR in {self.out / 'rp' / 'request.png'})")
        inspect = self.cli("wallet", "request", "inspect", req["deep_link"], "--wallet", str(self.wallet),
                           "--passphrase-file", str(self.passfile), "--keys", str(self.wallet_keys),
                           "--chain-home", str(self.out / "chain"))["summary"]
        self.say(f"    wallet shows: {inspect['relying_party'][:24]}... asks {inspect['statement']} {inspect['params']}; "
                 f"public: {', '.join(x.split(':')[0] for x in inspect['becomes_public'])}")
        self.first_response = self.out / "wallet" / "response.json"
        self.key_checked()
        self.say("    both published ceremony transcripts verified by `zkvct ceremony verify`: the wallet may prove with the key")
        res = self.approve(req["deep_link"], out=self.first_response)
        self.first_request = req
        self.facts["verification"] = res
        self.say(f"    accepted on chain: tx {res.get('tx_hash')}, nullifier {str(res.get('nullifier'))[:16]}...")
        lines: list[dict[str, Any]] = []
        with self.timeline.span("wait", "webhook delivered"):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if self.deliveries_log.exists() and self.deliveries_log.read_text().strip():
                    lines = [json.loads(x) for x in self.deliveries_log.read_text().splitlines() if x.strip()]
                    break
                time.sleep(0.05)
        if not lines:
            raise DemoError("the webhook receiver got no delivery within 30 s")
        self.facts["webhook"] = lines[0]
        body = lines[0]["body"]
        self.say(f"    webhook {lines[0]['delivery_id']} received, signature checked: age_verified={body.get('age_verified')}, "
                 f"tx {body.get('zkvct', {}).get('tx_hash')}")

    # -- 5. what must be refused ---------------------------------------------------------------------------

    def refuse(self, name: str, ok: bool, detail: str) -> None:
        if not ok:
            raise DemoError(f"{name}: expected a refusal, got {detail}")
        self.refusals[name] = detail

    def refusals_step(self, svc: Services) -> None:
        self._local.nice = 5  # beside step 4b: the wallet's first answer keeps the cores
        with self.step("5", "refusals a user should see, side by side", beside="step 4b"):
            self.failures(svc)

    def first_answer(self) -> dict[str, Any]:
        """The response step 4b saved (the replays need it); waits for step 4b."""
        with self.timeline.span("wait", "step 4b's response"):
            self.answered.wait()
        if not self.first_response.exists():
            raise DemoError("step 4b produced no response to replay")
        return json.loads(self.first_response.read_text())

    def failures(self, svc: Services) -> None:
        """Every refusal on its own thread: none depends on another."""
        from .. import webhook
        from ..did.jws import unverified_payload

        def post(request_id: str, payload: dict[str, Any]) -> httpx.Response:
            return httpx.post(f"{self.rp_url}/requests/{request_id}/response", json=payload, timeout=60)

        def replayed() -> None:
            body = self.first_answer()
            r = post(self.first_request["id"], body)
            self.refuse("replayed response", r.status_code == 409, f"{r.status_code} {r.json().get('error')}")

        def replayed_elsewhere() -> None:
            fresh = self.new_request()
            r = post(fresh["id"], self.first_answer())
            self.refuse("replayed proof on a new request", r.status_code == 422, f"{r.status_code} {r.json().get('error')}")

        def tampered() -> None:
            fresh = self.new_request()
            token = unverified_payload(httpx.get(fresh["request_uri"], timeout=30).text)
            request = json.dumps({"id": token["id"], "nonce": token["nonce"], "expires_at": token["exp"]})
            proved = self.cli("wallet", "prove", "--wallet", str(self.wallet), "--passphrase-file", str(self.passfile),
                              "--statement", "age_gte", "--params", json.dumps({"years": self.years}),
                              "--zkey", self.facts["zkey"], "--rp", self.rp_did, "--request", request)["presentation"]
            forged = {"proof": proved["proof"], "public_inputs": list(proved["public_inputs"]),
                      "issuer_did": proved["issuer_did"], "holder_did": proved["holder_did"]}
            forged["public_inputs"][1] = str(int(forged["public_inputs"][1]) + 365)  # cutoff_days a year later
            r = post(fresh["id"], forged)
            self.refuse("tampered public input (a fresh proof, cutoff moved)", r.status_code == 422,
                        f"{r.status_code} {r.json().get('error')}")

        def expired() -> None:
            short = self.new_request(ttl=1)
            self.wait("request expiry", 2.2)
            res = self.approve(short["deep_link"], check=False)
            self.refuse("expired request", res.returncode != 0, (res.stderr.strip().splitlines() or ["?"])[-1])

        def revoked() -> None:
            after = self.new_request()
            res = self.approve(after["deep_link"], check=False, wallet=self.wallet_b)  # its path is from before the revocation
            self.refuse("revoked credential (second holder, revoked in step 3)", res.returncode != 0,
                        (res.stderr.strip().splitlines() or ["?"])[-1][:160])

        def stale_webhook() -> None:
            secret = (self.out / "rp" / "webhook.secret").read_bytes().strip()
            payload = b'{"age_verified": true}'
            headers = webhook.sign(secret, "dlv_stale_demo", payload, timestamp=int(time.time()) - 3600)
            receiver = svc.running["webhook-receiver"]
            r = httpx.post(receiver.url + "/webhook", content=payload, headers={"content-type": "application/json", **headers})
            self.refuse("webhook with a stale timestamp", r.status_code == 401, f"{r.status_code} {r.json().get('error')}")

        self.concurrently({"replayed": replayed, "replayed-elsewhere": replayed_elsewhere, "tampered": tampered,
                           "expired": expired, "revoked": revoked, "stale-webhook": stale_webhook})
        for name, detail in self.refusals.items():
            self.say(f"    refused as expected: {name}: {detail}")

    # -- the whole run ---------------------------------------------------------------------------------

    def beside_ceremony(self, svc: Services, stack: Any) -> None:
        """Steps 2a, 3 and 4a: they share nothing with the ceremony, so they run beside it, their
        processes at a lower priority than the ceremony's."""
        self._local.nice = 5
        with self.step("2a", "local chain and contracts", beside="the ceremony"):
            self.chain(stack)
        with self.step("3", "issuer issues credentials to two wallets; root anchored; one revoked", beside="the ceremony"):
            self.issuer_init()
            self.issue(svc)
        with self.step("4a", "relying party and webhook receiver started", beside="the ceremony"):
            self.relying_party(svc)

    def run(self) -> dict[str, Any]:
        import contextlib
        import shutil

        for sub in ("ceremony", "chain", "issuer", "wallet", "rp", "webhook", "logs", "secrets"):
            if sub != "secrets":
                shutil.rmtree(self.out / sub, ignore_errors=True)
        t0 = time.perf_counter()
        self.timeline = Timeline(t0)
        with contextlib.ExitStack() as stack:
            svc = stack.enter_context(Services(self.out / "logs", env=self.env))
            stack.callback(lambda: [self.stop_service(svc, n) for n in list(svc.running)[::-1]])
            try:
                beside_error: list[BaseException] = []
                beside_done, pipeline_done = threading.Event(), threading.Event()

                def beside() -> None:
                    """The thread lives until the pipeline ends: the parent-death signal of the node
                    and services it starts is tied to the thread that started them."""
                    try:
                        self.beside_ceremony(svc, stack)
                    except BaseException as e:  # noqa: BLE001 - reported after the ceremony
                        beside_error.append(e)
                    beside_done.set()
                    pipeline_done.wait()

                starter = threading.Thread(target=beside, name="beside-ceremony", daemon=True)
                starter.start()
                stack.callback(starter.join, 30)
                stack.callback(pipeline_done.set)
                with self.step("1", "ceremony over HTTP: phase 1 and phase 2, two contributors and a beacon each"):
                    self.ceremony(svc)
                beside_done.wait()
                if beside_error:
                    raise beside_error[0]
                with self.step("2b", "age_gte registered on chain by the operator's did:shr"):
                    self.register(self.issuer_did)
                with self.step("4b", "LINK workflow, request, wallet consent and proof, on-chain check, webhook"):
                    self.prove_and_deliver(svc)
                self.refused.result()
            except DemoError:
                raise
            except Exception as e:
                logs = {name: s.log_tail(800) for name, s in svc.running.items()}
                raise DemoError(f"{type(e).__name__}: {e}\n" + "\n".join(f"--- {n} ---\n{t}" for n, t in logs.items())) from e
        total = time.perf_counter() - t0
        order = {s["step"]: i for i, s in enumerate(sorted(self.steps, key=lambda s: s["step"]))}
        rerun = [cmd for _, cmd in sorted(self.rerun, key=lambda sc: order.get(sc[0], -1))]
        (self.out / "rerun.sh").write_text("#!/usr/bin/env bash\n# each step of the last `zkvct demo`, to run by hand\n"
                                          "# (in step order; the demo ran steps 2a, 3 and 4a beside step 1)\n"
                                          + "\n".join(rerun) + "\n")
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF)
        self.facts["demo_process_cpu_s"] = round(own.ru_utime + own.ru_stime, 2)  # its threads, polls, HTTP
        summary = {"ok": True, "seconds": round(total, 1), "timings": self.timings, "steps": self.steps,
                   "refusals": self.refusals, "timeline": self.timeline.sorted(), "facts": self.facts, "out": str(self.out)}
        (self.out / "demo.json").write_text(json.dumps(summary, indent=2, default=str))
        return summary
