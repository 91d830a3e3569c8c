"""``zkvct wallet init|show|accept|list|sync|prove|consent|serve``: the holder's wallet.

The wallet file's passphrase comes from ``$ZKVCT_WALLET_PASSPHRASE`` or ``--passphrase-file``
(never argv). ``init`` prints the recovery seed once (``--restore-seed-file`` restores from one).
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from .common import command_errors, emit, json_option

PASSPHRASE_ENV = "ZKVCT_WALLET_PASSPHRASE"

wallet_option = click.option("--wallet", "wallet_path", required=True, type=click.Path(dir_okay=False),
                             help="The wallet's store file (SQLite, secrets sealed).")
pass_option = click.option("--passphrase-file", type=click.Path(dir_okay=False, exists=True),
                           help=f"File whose first line is the wallet passphrase (default: ${PASSPHRASE_ENV}).")


def _passphrase(passphrase_file: str | None) -> str:
    from ..sealed import read_passphrase

    return read_passphrase(None if passphrase_file else PASSPHRASE_ENV, passphrase_file, what="wallet")


def _open(wallet_path: str, passphrase_file: str | None):
    from ..wallet import Wallet

    return Wallet.open(wallet_path, _passphrase(passphrase_file))


@click.group("wallet")
def wallet_group() -> None:
    """The holder's wallet: did:shr key, credentials, Merkle paths, proofs, consent log."""


@wallet_group.command("init")
@wallet_option
@pass_option
@click.option("--restore-seed-file", type=click.Path(dir_okay=False, exists=True),
              help="Restore from a recovery seed (hex, first line of the file).")
@json_option
@command_errors
def init(wallet_path, passphrase_file, restore_seed_file, as_json):
    """Create a wallet (new seed, or restored); prints the DID and the recovery seed."""
    from ..errors import ZkvctError
    from ..wallet import Wallet

    seed = None
    if restore_seed_file:
        text = Path(restore_seed_file).read_text().strip()
        try:
            seed = bytes.fromhex(text)
        except ValueError:
            raise ZkvctError("the seed file must hold the recovery seed as hex") from None
    w = Wallet.create(wallet_path, _passphrase(passphrase_file), seed=seed)
    try:
        result = {"ok": True, "did": w.did, "wallet": wallet_path}
        if seed is None:
            result["recovery_seed"] = w.seed_hex()
        emit(result, as_json, f"wallet {wallet_path} for {w.did}" + (
            f"\nrecovery seed (write it down, it is shown once): {result['recovery_seed']}" if seed is None else ""))
    finally:
        w.close()


@wallet_group.command("show")
@wallet_option
@pass_option
@json_option
@command_errors
def show(wallet_path, passphrase_file, as_json):
    """The wallet's DID and credentials."""
    w = _open(wallet_path, passphrase_file)
    try:
        emit({"ok": True, "did": w.did, "credentials": w.credentials()}, as_json)
    finally:
        w.close()


@wallet_group.command("accept")
@wallet_option
@pass_option
@click.option("--issuer", "issuer_url", required=True, help="The issuer's URL.")
@click.argument("offer_id")
@json_option
@command_errors
def accept(wallet_path, passphrase_file, issuer_url, offer_id, as_json):
    """Redeem OFFER_ID at the issuer with a proof of possession of this wallet's DID.

    Offer ids from zkvct issuers begin with ``offer_``; an id from elsewhere that begins with
    ``-`` goes after ``--`` (``accept --wallet W --issuer URL --json -- -id``)."""
    w = _open(wallet_path, passphrase_file)
    try:
        emit({"ok": True, "credential": w.accept_offer(issuer_url, offer_id)}, as_json)
    finally:
        w.close()


@wallet_group.command("sync")
@wallet_option
@pass_option
@click.option("--credential", "credential_id", help="Only this credential (default: all).")
@json_option
@command_errors
def sync(wallet_path, passphrase_file, credential_id, as_json):
    """Rebuild Merkle paths from the issuers' public registries."""
    w = _open(wallet_path, passphrase_file)
    try:
        emit({"ok": True, **w.sync(credential_id)}, as_json)
    finally:
        w.close()


@wallet_group.command("prove")
@wallet_option
@pass_option
@click.option("--statement", "statement_name", required=True, help="Statement circuit, e.g. age_gte.")
@click.option("--params", default="{}", help='Statement parameters as JSON, e.g. {"years": 18, "depth": 20}.')
@click.option("--statement-id", help="The id the relying party registered (default: the statement name).")
@click.option("--zkey", required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--rp", "rp_did", required=True, help="The relying party's did:shr.")
@click.option("--request", "request_json", required=True, help='The request: {"id", "nonce", "expires_at"} as JSON.')
@click.option("--credential", "credential_id")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the presentation JSON here.")
@json_option
@command_errors
def prove(wallet_path, passphrase_file, statement_name, params, statement_id, zkey, rp_did, request_json,
          credential_id, out, as_json):
    """Prove a statement for a relying party's request (consent given by running this command)."""
    from circuits.statements import get_statement

    statement = get_statement(statement_name, **json.loads(params))
    w = _open(wallet_path, passphrase_file)
    try:
        presentation = w.prove_for_request(statement, rp_did, json.loads(request_json), zkey=zkey,
                                           statement_id=statement_id, credential_id=credential_id)
    finally:
        w.close()
    if out:
        Path(out).write_text(json.dumps(presentation, indent=2))
    emit({"ok": True, "presentation": presentation}, as_json, json.dumps(presentation, indent=2))


@wallet_group.command("consent")
@wallet_option
@pass_option
@json_option
@command_errors
def consent_log(wallet_path, passphrase_file, as_json):
    """The consent log: every proof made or declined."""
    w = _open(wallet_path, passphrase_file)
    try:
        emit({"ok": True, "consent": w.consent_log()}, as_json)
    finally:
        w.close()


@wallet_group.command("serve")
@wallet_option
@pass_option
@click.option("--port", default=8791, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--token-file", type=click.Path(dir_okay=False), help="Bearer token file (default: WALLET.token, made 0600 at first start).")
@click.option("--keys", "keys_path", type=click.Path(dir_okay=False, exists=True),
              help='Statement keys: {"age-18": {"statement": "age_gte", "params": {"years": 18}, "zkey": "age.zkey"}}.')
@json_option
@command_errors
def serve(wallet_path, passphrase_file, port, token_file, keys_path, as_json):
    """Serve the wallet's local HTTP API on 127.0.0.1 (bearer token; loopback Host only)."""
    from ..wallet.api import build_app, load_keys
    from ..web.auth import LOCAL_HOSTS, load_or_create_token
    from ..web.serve import ServeSettings, run

    token = load_or_create_token(token_file or str(wallet_path) + ".token")
    w = _open(wallet_path, passphrase_file)
    app = build_app(w, token=token, keys=load_keys(keys_path), allowed_hosts=set(LOCAL_HOSTS))

    def ready(address):
        url = f"http://{address[0]}:{address[1]}"
        emit({"ok": True, "url": url, "did": w.did}, as_json, f"wallet API for {w.did} on {url} (Ctrl-C stops)")

    try:
        run(app, ServeSettings(host="127.0.0.1", port=port), ready)
    finally:
        w.close()


# -- the relying party's requests (zkvct.wallet.requests) ---------------------------------------------

@wallet_group.group("request")
def request_group() -> None:
    """A relying party's request: inspect it, then approve (prove and answer) or deny."""


keys_option = click.option("--keys", "keys_file", required=True, type=click.Path(dir_okay=False, exists=True),
                           help='Statement keys this wallet proves with: {"statement id": {"statement", "params", "zkey"}}.')
chain_option = click.option("--chain-home", type=click.Path(file_okay=False),
                            help="Local chain home: checks the relying party's DID owner on chain and reads the "
                                 "holder-authorization nonce for on-chain tasks.")


def _chain(chain_home: str | None):
    """(key check, nonce reader) from the chain, or the offline key check and no nonce reader."""
    from ..did import jws

    if not chain_home:
        return jws.offline_key_check, None
    from ..chain.deployment import connect, resolve_addresses
    from ..did.keycheck import ResolverKeyCheck
    from ..did.resolver import ContractRegistry, Resolver

    client, home = connect(chain_home)
    registry, verifier = resolve_addresses(home)

    def nonce_of(holder_did: str) -> int:
        res = client.query(verifier, {"authorization_nonce": {"holder_did": holder_did}})
        return int(res.get("nonce", 0))

    return ResolverKeyCheck(Resolver(ContractRegistry(client, registry), client.rpc)), nonce_of


def _checked(link: str, wallet_path: str, passphrase_file: str | None, keys_file: str, chain_home: str | None):
    from ..wallet import requests as wr

    from ..errors import ZkvctError

    key_check, nonce_of = _chain(chain_home)
    keys = json.loads(Path(keys_file).read_text())
    w = _open(wallet_path, passphrase_file)
    try:
        return w, wr.check(w, wr.fetch(link), keys, key_check=key_check), nonce_of
    except wr.RequestRefused as exc:
        w.close()
        raise ZkvctError(f"request refused before consent ({exc.code}): {exc}") from None


@request_group.command("inspect")
@click.argument("link")
@wallet_option
@pass_option
@keys_option
@chain_option
@json_option
@command_errors
def request_inspect(link, wallet_path, passphrase_file, keys_file, chain_home, as_json):
    """Show who asks, for which statement, and what becomes public; refuse a request that does not check."""
    w, req, _ = _checked(link, wallet_path, passphrase_file, keys_file, chain_home)
    try:
        s = req.summary()
    finally:
        w.close()
    human = (f"{s['relying_party']} asks for {s['statement']} {s['params']} ({s['purpose']}, checked {s['verification']})\n"
             f"from your credential {s['credential']} by {s['issuer']}; expires in {s['expires_in_s']} s\n"
             "becomes public:\n  " + "\n  ".join(s["becomes_public"]))
    emit({"ok": True, "summary": s}, as_json, human)


@request_group.command("approve")
@click.argument("link")
@wallet_option
@pass_option
@keys_option
@chain_option
@click.option("--yes", is_flag=True, help="Approve without asking (scripts).")
@click.option("--save-response", type=click.Path(dir_okay=False), help="Also write the response sent to this file.")
@json_option
@command_errors
def request_approve(link, wallet_path, passphrase_file, keys_file, chain_home, yes, save_response, as_json):
    """Consent, prove with the stored credential, and answer the relying party."""
    from ..errors import ZkvctError
    from ..wallet import requests as wr

    w, req, nonce_of = _checked(link, wallet_path, passphrase_file, keys_file, chain_home)
    try:
        s = req.summary()
        if not yes:
            click.echo(f"{s['relying_party']} asks for {s['statement']} {s['params']}; becomes public:\n  "
                       + "\n  ".join(s["becomes_public"]), err=True)
            if not click.confirm("Prove and send?", default=False, err=True):
                wr.deny(w, req)
                raise ZkvctError("declined by the holder (recorded in the consent log)")
        try:
            out = wr.approve(w, req, nonce_of=nonce_of)
        except wr.RequestRefused as exc:
            raise ZkvctError(f"not accepted ({exc.code}): {exc}") from None
    finally:
        w.close()
    if save_response:
        Path(save_response).write_text(json.dumps(out["response"], indent=2))
    ans = out["answer"]
    emit({"ok": True, **ans}, as_json, f"accepted by {s['relying_party']}: request {ans.get('request_id')}, "
         f"tx {ans.get('tx_hash')}, delivery {ans.get('delivery_id')}")


@request_group.command("deny")
@click.argument("link")
@wallet_option
@pass_option
@keys_option
@chain_option
@json_option
@command_errors
def request_deny(link, wallet_path, passphrase_file, keys_file, chain_home, as_json):
    """Decline a request (logged in the consent log; nothing is sent)."""
    from ..wallet.requests import deny

    w, req, _ = _checked(link, wallet_path, passphrase_file, keys_file, chain_home)
    try:
        deny(w, req)
    finally:
        w.close()
    emit({"ok": True, "declined": req.payload["id"]}, as_json, f"declined request {req.payload['id']}")


def register(main: click.Group) -> None:
    main.add_command(wallet_group)
