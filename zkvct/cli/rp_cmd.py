"""``zkvct rp ...``: the relying party's service and its admin commands.

State lives in one home directory (``--home``, default ``~/.zkvct/rp``):

* ``rp-key.sealed.json``: the relying party's did:shr key, AES-256-GCM under a passphrase
  (``$ZKVCT_RP_PASSPHRASE`` or ``--passphrase-file``); never on disk in the clear;
* ``admin.token`` and ``webhook.secret``: made at ``init``, mode 0600;
* ``rp.db``: the SQLite database (``--db`` takes a PostgreSQL URL for replicas);
* ``rp.json``: public settings (DID, public URL, chain connection, trusted issuers).

The admin commands talk to a running service over HTTP with the admin token.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import click
import httpx

from ..did import jws
from ..errors import ZkvctError
from ..sealed import read_passphrase, read_sealed, write_sealed
from .common import command_errors, emit, json_option

KEY_FILE = "rp-key.sealed.json"
KEY_PURPOSE = "zkvct/rp-did-key"
SETTINGS_FILE = "rp.json"


def _home(home: str | None) -> Path:
    return Path(home or os.environ.get("ZKVCT_RP_HOME") or Path.home() / ".zkvct" / "rp")


def _write_0600(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _read_secret(path: Path) -> bytes:
    if path.stat().st_mode & 0o077:
        raise ZkvctError(f"{path} is readable by other users; chmod 600 it")
    return path.read_bytes().strip()


def _settings(home: Path) -> dict[str, Any]:
    p = home / SETTINGS_FILE
    if not p.exists():
        raise ZkvctError(f"{home} is not a relying-party home: run `zkvct rp init --home {home}` first")
    return json.loads(p.read_text())


def _admin(home: Path, url: str | None) -> tuple[str, dict[str, str]]:
    s = _settings(home)
    token = _read_secret(home / "admin.token").decode()
    return (url or s.get("listen_url") or s["public_url"]).rstrip("/"), {"authorization": f"Bearer {token}"}


def _call(method: str, url: str, headers: dict[str, str], **kw: Any) -> Any:
    try:
        r = httpx.request(method, url, headers=headers, timeout=30, **kw)
    except httpx.HTTPError as e:
        raise ZkvctError(f"cannot reach the relying party at {url}: {type(e).__name__}") from None
    if r.status_code >= 400:
        try:
            err = r.json()
            raise ZkvctError(f"{err.get('error')}: {err.get('detail')}")
        except ValueError:
            raise ZkvctError(f"HTTP {r.status_code} from {url}") from None
    return r.json()


@click.group("rp")
def rp_group() -> None:
    """Relying party: workflows, signed proof requests, response checks and webhook deliveries."""


home_option = click.option("--home", help="State directory (default $ZKVCT_RP_HOME or ~/.zkvct/rp).")
passphrase_option = click.option("--passphrase-file", type=click.Path(dir_okay=False),
                                 help="File whose first line is the key passphrase (else $ZKVCT_RP_PASSPHRASE).")


@rp_group.command("init")
@home_option
@passphrase_option
@click.option("--public-url", required=True, help="URL wallets use to reach this service (response URLs).")
@click.option("--trusted-issuer", "trusted", multiple=True, help="did:shr of an issuer whose roots tasks trust by default.")
@click.option("--chain-home", help="Local chain home (`zkvct chain up`) for statements, roots and on-chain tasks.")
@click.option("--private-key-env", help="Environment variable holding the 32-byte hex key to use (else a new key).")
@json_option
@command_errors
def init_cmd(home, passphrase_file, public_url, trusted, chain_home, private_key_env, as_json):
    """Create the relying party's home: sealed did:shr key, admin token, webhook secret, settings."""
    h = _home(home)
    h.mkdir(parents=True, exist_ok=True, mode=0o700)
    if (h / KEY_FILE).exists():
        raise ZkvctError(f"{h / KEY_FILE} exists: this home is already initialised")
    passphrase = read_passphrase("ZKVCT_RP_PASSPHRASE", passphrase_file, what="relying-party key")
    if private_key_env:
        raw = os.environ.get(private_key_env, "")
        try:
            key = jws.private_key_from_bytes(bytes.fromhex(raw))
        except ValueError:
            raise ZkvctError(f"${private_key_env} must hold a 32-byte key in hex") from None
    else:
        key = jws.new_private_key()
    for issuer in trusted:
        from ..did.identifier import parse_did
        parse_did(issuer)
    write_sealed(h / KEY_FILE, jws.private_key_bytes(key), passphrase, purpose=KEY_PURPOSE)
    _write_0600(h / "admin.token", secrets.token_urlsafe(32).encode() + b"\n")
    _write_0600(h / "webhook.secret", secrets.token_hex(32).encode() + b"\n")
    settings = {"did": jws.did_of(key), "public_url": public_url, "trusted_issuers": list(trusted),
                "chain_home": chain_home}
    (h / SETTINGS_FILE).write_text(json.dumps(settings, indent=2))
    emit({"ok": True, "home": str(h), **settings}, as_json,
         f"relying party {settings['did']}\nhome {h}\nwebhook secret in {h / 'webhook.secret'} (share it with your receiver)")


@rp_group.command("serve")
@home_option
@passphrase_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8090, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", help="Database URL (default sqlite in the home; postgresql+psycopg://... for replicas).")
@click.option("--webhook-bearer-env", help="Environment variable with a bearer token for webhook deliveries.")
@click.option("--allowed-host", "allowed_hosts", multiple=True,
              help="Host header values to accept (DNS-rebinding guard; default: any).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes sharing the port and the database (one per core helps; see "
                   "zkvct/services/rp/workers.py).")
@click.option("--delivery-in-process", is_flag=True,
              help="Deliver webhooks from a thread of each serving process instead of one delivery process "
                   "(`zkvct rp deliver`, the default; see zkvct/services/rp/deliver_process.py).")
@json_option
@command_errors
def serve_cmd(home, passphrase_file, host, port, db, webhook_bearer_env, allowed_hosts, workers, delivery_in_process,
              as_json):
    """Run the relying-party service (binds 127.0.0.1 unless told otherwise) and its webhook
    delivery process."""
    from ..services.rp.app import RpSettings, create_rp_app
    from ..services.rp.chain import chain_backends
    from ..services.rp.deliver_process import DeliverySupervisor, WakePipe
    from ..services.rp.requests import RelyingParty
    from ..services.rp.schema import create_all
    from ..services.rp.workers import serve_workers
    from ..web.db import make_engine, sqlite_url
    from ..web.serve import ServeSettings, run

    h = _home(home)
    s = _settings(h)
    passphrase = read_passphrase("ZKVCT_RP_PASSPHRASE", passphrase_file, what="relying-party key")
    key = jws.private_key_from_bytes(read_sealed(h / KEY_FILE, passphrase, purpose=KEY_PURPOSE))
    rp = RelyingParty(s["did"], key)
    if jws.did_of(key) != rp.did:
        raise ZkvctError("the sealed key does not match the DID in rp.json")
    bearer = os.environ.get(webhook_bearer_env) if webhook_bearer_env else None
    admin_token = _read_secret(h / "admin.token").decode()
    webhook_secret = _read_secret(h / "webhook.secret")
    db_url = db or sqlite_url(h / "rp.db")
    pipe = None if delivery_in_process else WakePipe()

    def deliver_argv(wake_fd: int) -> list[str]:
        argv = [sys.executable, "-m", "zkvct", "rp", "deliver", "--home", str(h), "--wake-fd", str(wake_fd),
                "--supervised-by", str(os.getpid()), "--json"]
        if db:
            argv += ["--db", db]
        if webhook_bearer_env:
            argv += ["--webhook-bearer-env", webhook_bearer_env]
        return argv

    def build_app():  # in each worker process: its own engine and chain clients
        engine = make_engine(db_url)
        create_all(engine)
        view, submitter, chain_info = chain_backends(s.get("chain_home"), key, engine)
        return create_rp_app(engine=engine, rp=rp, view=view, submitter=submitter, admin_token=admin_token,
                             webhook_secret=webhook_secret, webhook_bearer=bearer,
                             settings=RpSettings(public_url=s["public_url"], trusted_issuers=s["trusted_issuers"],
                                                 chain=chain_info), allowed_hosts=set(allowed_hosts) or None,
                             run_worker=pipe is None, wake_deliveries=pipe.wake if pipe else None)

    s["listen_url"] = f"http://{host}:{port}"
    (h / SETTINGS_FILE).write_text(json.dumps(s, indent=2))
    if not as_json:
        click.echo(f"relying party {rp.did} on http://{host}:{port} (OpenAPI at /docs)"
                   + (f", {workers} workers" if workers > 1 else ""))
    if workers > 1:
        supervisor = DeliverySupervisor(deliver_argv, pipe) if pipe else None
        serve_workers(build_app, ServeSettings(host=host, port=port), workers,
                      helper=supervisor.spawn if supervisor else None)
        return
    app = build_app()  # a home that cannot serve fails here, before a delivery process is started
    supervisor = DeliverySupervisor(deliver_argv, pipe) if pipe else None
    if supervisor:
        supervisor.start()
    try:
        run(app, ServeSettings(host=host, port=port))
    finally:
        if supervisor:
            supervisor.stop()


@rp_group.command("deliver")
@home_option
@click.option("--db", help="Database URL (default sqlite in the home; the one `serve --db` uses).")
@click.option("--webhook-bearer-env", help="Environment variable with a bearer token for webhook deliveries.")
@click.option("--every", default=0.2, show_default=True, type=click.FloatRange(0.01, 60),
              help="Seconds between outbox polls when nothing wakes it (retries that came due, other replicas).")
@click.option("--lease-secs", default=60.0, show_default=True, type=click.FloatRange(1, 3600),
              help="How long a claimed delivery is held before another delivery process may take it.")
@click.option("--wake-fd", type=click.IntRange(0), hidden=True,
              help="Reading end of the wake socket `serve` writes to after each accepted response.")
@click.option("--supervised-by", type=click.IntRange(1), hidden=True,
              help="The pid of the `serve` that started this process: stop when it dies.")
@json_option
@command_errors
def deliver_cmd(home, db, webhook_bearer_env, every, lease_secs, wake_fd, supervised_by, as_json):
    """Deliver the relying party's webhooks from its durable outbox until stopped (SIGINT/SIGTERM).

    `zkvct rp serve` starts and supervises one of these; run it yourself only with
    `serve --delivery-in-process` off and several replicas sharing a PostgreSQL --db."""
    import signal

    from ..services.rp.deliver_process import StopFlag, deliver_forever, die_with_parent
    from ..services.rp.delivery import Deliverer
    from ..services.rp.schema import create_all
    from ..web.db import make_engine, sqlite_url

    if supervised_by:
        die_with_parent(supervised_by)
    h = _home(home)
    _settings(h)
    bearer = os.environ.get(webhook_bearer_env) if webhook_bearer_env else None
    engine = make_engine(db or sqlite_url(h / "rp.db"))
    create_all(engine)
    deliverer = Deliverer(engine, _read_secret(h / "webhook.secret"), bearer_token=bearer, lease_secs=lease_secs)
    stop = StopFlag()  # set by the handlers below: no lock in a signal handler (see StopFlag)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if not as_json:
        click.echo(f"delivering webhooks from {h} (pid {os.getpid()})")
    deliver_forever(deliverer, every, stop, wake_fd)
    emit({"ok": True, "stopped": True, "pid": os.getpid()}, as_json, "delivery stopped")


@rp_group.group("workflow")
def workflow_group() -> None:
    """LINK workflows (nodes, edges, bindings) answered with zkVCT proofs."""


@workflow_group.command("add")
@home_option
@click.argument("document", type=click.Path(exists=True, dir_okay=False))
@click.option("--id", "wid", help="Workflow id (default: generated).")
@click.option("--url", help="Service URL (default: the one `serve` recorded).")
@json_option
@command_errors
def workflow_add(home, document, wid, url, as_json):
    """Add a workflow from a LINK JSON DOCUMENT."""
    base, headers = _admin(_home(home), url)
    try:
        doc = json.loads(Path(document).read_text())
    except json.JSONDecodeError as e:
        raise ZkvctError(f"{document}: not JSON ({e.msg} at line {e.lineno})") from None
    out = _call("POST", base + "/workflows", headers, json={"id": wid, "document": doc} if wid else {"document": doc})
    emit(out, as_json, f"workflow {out['id']}: {out['name']} -> " + ", ".join(t["statement"] for t in out["tasks"]))


@workflow_group.command("list")
@home_option
@click.option("--url")
@json_option
@command_errors
def workflow_list(home, url, as_json):
    base, headers = _admin(_home(home), url)
    rows = _call("GET", base + "/workflows", headers)
    emit({"workflows": rows}, as_json, "\n".join(f"{r['id']}\t{r['name']}" for r in rows) or "(none)")


@rp_group.group("request")
def request_group() -> None:
    """Proof requests (deep link + QR code)."""


@request_group.command("new")
@home_option
@click.option("--workflow", "workflow_id", required=True)
@click.option("--task", help="Proof task node (when the workflow has several).")
@click.option("--ttl", type=click.IntRange(1, 86400), help="Seconds until the request expires.")
@click.option("--qr", type=click.Path(dir_okay=False), help="Also write the QR code as a PNG here.")
@click.option("--url")
@json_option
@command_errors
def request_new(home, workflow_id, task, ttl, qr, url, as_json):
    """Open a request; prints its deep link and a QR code for the terminal."""
    base, headers = _admin(_home(home), url)
    body: dict[str, Any] = {"workflow_id": workflow_id}
    if task:
        body["task"] = task
    if ttl:
        body["ttl_secs"] = ttl
    out = _call("POST", base + "/requests", headers, json=body)
    # the QR helpers live with the service's request code (a heavy import): only when a QR is drawn
    if qr:
        from ..services.rp.requests import qr_png

        Path(qr).write_bytes(qr_png(out["deep_link"]))
        out["qr_file"] = qr
    if as_json:
        emit(out, as_json, "")
        return
    from ..services.rp.requests import qr_terminal

    emit(out, as_json, f"request {out['id']} ({out['statement_id']}, {out['verification']}), expires {out['expires_at']}\n"
         f"{out['deep_link']}\n{qr_terminal(out['deep_link'])}")


@request_group.command("status")
@home_option
@click.argument("request_id")
@click.option("--url")
@json_option
@command_errors
def request_status(home, request_id, url, as_json):
    base, headers = _admin(_home(home), url)
    out = _call("GET", base + f"/requests/{request_id}/status", headers)
    emit(out, as_json)


@rp_group.command("deliveries")
@home_option
@click.option("--status", type=click.Choice(["pending", "delivered", "failed"]))
@click.option("--redeliver", "redeliver_id", help="Queue this delivery again (same delivery id).")
@click.option("--url")
@json_option
@command_errors
def deliveries_cmd(home, status, redeliver_id, url, as_json):
    """List webhook deliveries, or queue one again."""
    base, headers = _admin(_home(home), url)
    if redeliver_id:
        out = _call("POST", base + f"/deliveries/{redeliver_id}/redeliver", headers)
        emit(out, as_json, f"delivery {redeliver_id} queued again")
        return
    rows = _call("GET", base + "/deliveries", headers, params={"status": status} if status else None)
    emit({"deliveries": rows}, as_json, "\n".join(
        f"{r['id']}\t{r['status']}\tattempts={r['attempts']}\t{r['request_id']}\t{r['last_error'] or ''}" for r in rows)
        or "(none)")


@rp_group.command("receiver")
@click.option("--secret-file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The relying party's webhook.secret (mode 0600).")
@click.option("--log", "log_path", required=True, type=click.Path(dir_okay=False), help="JSON-lines file of deliveries.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8091, show_default=True, type=click.IntRange(0, 65535))
@click.option("--tolerance", default=300, show_default=True, type=click.IntRange(1, 3600), help="Seconds of clock skew allowed.")
@json_option
@command_errors
def receiver_cmd(secret_file, log_path, host, port, tolerance, as_json):
    """Run a webhook receiver that checks signatures and records deliveries."""
    from ..services.rp.receiver import create_receiver_app
    from ..web.serve import ServeSettings, run

    app = create_receiver_app(_read_secret(Path(secret_file)), Path(log_path), tolerance_secs=tolerance)
    if not as_json:
        click.echo(f"webhook receiver on http://{host}:{port}/webhook")
    run(app, ServeSettings(host=host, port=port))


def register(main: click.Group) -> None:
    main.add_command(rp_group)
