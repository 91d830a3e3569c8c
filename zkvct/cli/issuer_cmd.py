"""``zkvct issuer init|serve|offer|revoke|epoch|status``: the credential issuer service.

``init`` creates an issuer home (sealed did:shr key, admin token, configuration); ``serve`` runs
the HTTP service from it; the other verbs are admin calls to a running service (its URL and the
home's admin token). The passphrase that unseals the key comes from ``$ZKVCT_ISSUER_PASSPHRASE``
or ``--passphrase-file``, never from the command line.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..services.issuer.limits import MAX_DEPTH, MIN_DEPTH
from .common import command_errors, emit, json_option

home_option = click.option("--home", required=True, type=click.Path(file_okay=False), help="The issuer's home directory.")
pass_option = click.option("--passphrase-file", type=click.Path(dir_okay=False, exists=True),
                           help="File whose first line is the key passphrase (default: $ZKVCT_ISSUER_PASSPHRASE).")
url_option = click.option("--url", default="http://127.0.0.1:8790", show_default=True, help="The running issuer.")


def _passphrase(passphrase_file: str | None) -> str:
    from ..services.issuer.config import PASSPHRASE_ENV
    from ..sealed import read_passphrase

    return read_passphrase(None if passphrase_file else PASSPHRASE_ENV, passphrase_file, what="issuer key")


@click.group("issuer")
def issuer_group() -> None:
    """Issue zkvct credentials: offers, did:shr proof of possession, registry tree, anchoring."""


@issuer_group.command("init")
@home_option
@pass_option
@click.option("--db-url", help="SQLAlchemy URL (default sqlite:///HOME/issuer.db; postgresql+psycopg://... for replicas).")
@click.option("--public-url", help="The URL holders reach the issuer at (goes into credentialStatus).")
@click.option("--depth", default=20, show_default=True, type=click.IntRange(MIN_DEPTH, MAX_DEPTH),
              help="Registry tree depth (the statements' circuits must use the same).")
@click.option("--epoch-s", default=60.0, show_default=True, type=click.FloatRange(0.5, 86_400), help="Anchor the root this often.")
@click.option("--chain-home", type=click.Path(file_okay=False), help="A `zkvct chain up` home with deployment.json.")
@click.option("--grpc", "grpc_url", help="gRPC endpoint of the chain (instead of --chain-home).")
@click.option("--rpc", "rpc_url", help="CometBFT RPC endpoint (DID resolution).")
@click.option("--chain-id")
@click.option("--verifier", help="zkVCT verifier contract address.")
@click.option("--registry", help="CW1056 registry contract address.")
@click.option("--no-chain", is_flag=True, help="Do not anchor (roots are queued until a chain is configured).")
@json_option
@command_errors
def init(home, passphrase_file, db_url, public_url, depth, epoch_s, chain_home, grpc_url, rpc_url, chain_id, verifier, registry,
         no_chain, as_json):
    """Create an issuer home with a new did:shr key sealed under the passphrase."""
    from ..services.issuer.config import ChainSettings, init_home

    chain = None
    if not no_chain and (chain_home or grpc_url):
        chain = ChainSettings(home=chain_home, grpc_url=grpc_url, rpc_url=rpc_url, chain_id=chain_id,
                              verifier=verifier, registry=registry)
    cfg = init_home(Path(home), _passphrase(passphrase_file), db_url=db_url, public_url=public_url, depth=depth, epoch_s=epoch_s,
                    chain=chain)
    from ..did.identifier import parse_did

    emit({"ok": True, "issuer_did": cfg.did, "controller_address": parse_did(cfg.did).address, "home": str(home),
          "db_url": _redact(cfg.db_url), "chain": chain is not None}, as_json,
         f"issuer {cfg.did} created in {home} (fund {parse_did(cfg.did).address} to anchor roots)")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@issuer_group.command("serve")
@home_option
@pass_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8790, show_default=True, type=click.IntRange(0, 65535))
@click.option("--allowed-host", "allowed_hosts", multiple=True, help="Host header values to accept (default: any).")
@click.option("--rate", default=5.0, show_default=True, type=click.FloatRange(0.1, 10_000), help="Public requests per second per client.")
@click.option("--burst", default=20, show_default=True, type=click.IntRange(1, 100_000))
@json_option
@command_errors
def serve(home, passphrase_file, host, port, allowed_hosts, rate, burst, as_json):
    """Run the issuer's HTTP API (prints one line with the URL once it listens)."""
    from ..services.issuer.server import serve as run

    def ready(address: tuple[str, int]) -> None:
        url = f"http://{address[0]}:{address[1]}"
        emit({"ok": True, "url": url}, as_json, f"issuer listening on {url} (Ctrl-C stops)")
        sys.stdout.flush()

    run(Path(home), _passphrase(passphrase_file), host=host, port=port, ready=ready,
        allowed_hosts=set(allowed_hosts) or None, rate=rate, burst=burst)


def _admin(home: str, url: str, method: str, path: str, body: Any = None) -> dict[str, Any]:
    import httpx

    from ..errors import ZkvctError
    from ..services.issuer.config import admin_token

    try:
        resp = httpx.request(method, url.rstrip("/") + path, json=body, timeout=120,
                             headers={"Authorization": f"Bearer {admin_token(Path(home))}"})
    except httpx.HTTPError as exc:
        raise ZkvctError(f"cannot reach the issuer at {url}: {exc.__class__.__name__}") from None
    data = resp.json() if resp.headers.get("content-type", "").startswith("application/json") else {}
    if resp.status_code >= 400:
        raise ZkvctError(f"issuer refused ({resp.status_code} {data.get('error')}): {data.get('detail')}")
    return data


@issuer_group.command("offer")
@home_option
@url_option
@click.option("--dob", required=True, help="Date of birth, YYYY-MM-DD.")
@click.option("--country", required=True, help="ISO 3166 alpha-2, e.g. SG.")
@click.option("--expiry", required=True, help="Credential expiry, YYYY-MM-DD.")
@click.option("--accredited-until", help="Accredited investor until, YYYY-MM-DD.")
@click.option("--ttl-s", default=7 * 86_400, show_default=True, type=int)
@json_option
@command_errors
def offer(home, url, dob, country, expiry, accredited_until, ttl_s, as_json):
    """Create an offer for one subject; prints the offer id to hand to the holder."""
    subject = {"dob": dob, "country": country, "expiry": expiry, "accredited_until": accredited_until}
    data = _admin(home, url, "POST", "/admin/offers", {"subject": subject, "ttl_s": ttl_s})
    emit({"ok": True, **data}, as_json, f"offer {data['offer_id']} (expires at {data['expires_at']})")


@issuer_group.command("revoke")
@home_option
@url_option
@click.argument("serial", type=click.IntRange(0))
@json_option
@command_errors
def revoke(home, url, serial, as_json):
    """Revoke credential SERIAL: zero its leaf, anchor a root that retires the earlier ones."""
    data = _admin(home, url, "POST", f"/admin/credentials/{serial}/revoke")
    emit({"ok": True, **data}, as_json)


@issuer_group.command("epoch")
@home_option
@url_option
@json_option
@command_errors
def epoch(home, url, as_json):
    """Close an epoch now: queue the current root and anchor what is pending."""
    emit({"ok": True, **_admin(home, url, "POST", "/admin/epoch")}, as_json)


@issuer_group.command("status")
@home_option
@url_option
@json_option
@command_errors
def status(home, url, as_json):
    """The registry (root, size, anchored root) and the outbox."""
    data = _admin(home, url, "GET", "/admin/outbox")
    import httpx

    info = httpx.get(url.rstrip("/") + "/v1/registry", timeout=30).json()
    result = {"ok": True, "registry": info, "outbox": data["rows"]}
    emit(result, as_json, json.dumps(result, indent=2))


def register(main: click.Group) -> None:
    from .chain_cmd import ISSUER_CHAIN_COMMANDS

    for cmd in ISSUER_CHAIN_COMMANDS:  # one `zkvct issuer` group: the service and its on-chain actions
        issuer_group.add_command(cmd)
    main.add_command(issuer_group)
