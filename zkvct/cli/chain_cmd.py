"""``zkvct chain up|down|status|deploy``, ``zkvct statement register|show|key``,
``zkvct issuer anchor-root|retire-root|revoke-credential``.

Connection: by default the node started by ``zkvct chain up`` (its record in ``--home``, default
``$ZKVCT_LOCALNET_HOME`` or ``~/.local/state/zkvct/localnet``); or an explicit ``--grpc`` +
``--chain-id`` (+ ``--rpc`` for event lists). Signer: ``--from NAME`` (a public local test key) or
``--mnemonic-env VAR`` (a mnemonic read from that environment variable, never from the command line).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Callable

import click

from .common import Rejected, command_errors, emit, json_option

# -- shared options ---------------------------------------------------------------------------


def connection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    opts = [
        click.option("--home", type=click.Path(file_okay=False), default=None,
                     help="Home of a `zkvct chain up` node (default $ZKVCT_LOCALNET_HOME or ~/.local/state/zkvct/localnet)."),
        click.option("--grpc", "grpc_url", default=None, help="Explicit gRPC endpoint, e.g. grpc+http://127.0.0.1:9090."),
        click.option("--rpc", "rpc_url", default=None, help="CometBFT RPC endpoint (event lists), e.g. http://127.0.0.1:26657."),
        click.option("--chain-id", default=None, help="Chain id (with --grpc)."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def signer_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--private-key-env", default=None, metavar="VAR",
                        help="Sign with the hex secp256k1 private key in environment variable VAR.")(func)
    func = click.option("--mnemonic-env", default=None, metavar="VAR",
                        help="Sign with the mnemonic in environment variable VAR.")(func)
    func = click.option("--from", "key_name", default="alice", show_default=True,
                        help="Sign with this public local test key (alice, bob, carol, dave, eve).")(func)
    return func


def _client(home, grpc_url, rpc_url, chain_id):
    from ..chain.deployment import connect

    return connect(home, grpc_url, rpc_url, chain_id)


def _tx_summary(res) -> dict[str, Any]:
    return {"tx_hash": res.hash, "height": res.height, "gas_used": res.gas_used, "gas_wanted": res.gas_wanted,
            "inclusion_s": round(res.inclusion_s, 3)}


def contract_rejections(func: Callable[..., Any]) -> Callable[..., Any]:
    """A contract refusal is a verdict (exit 1 with the contract's reason), not a crash."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..chain.client import ContractError

        try:
            return func(*args, **kwargs)
        except ContractError as exc:
            result = {"accepted": False, "reason": exc.reason, "tx_hash": exc.tx_hash, "height": exc.height,
                      "gas_used": exc.gas_used}
            raise Rejected(result, exc.reason) from None

    return wrapper


# -- zkvct chain ------------------------------------------------------------------------------


@click.group("chain")
def chain_group() -> None:
    """Local wasmd node (ShareLedger-like) and contract deployment."""


@chain_group.command("up")
@click.option("--home", type=click.Path(file_okay=False), default=None, help="Where to keep the node (must be new).")
@click.option("--chain-id", default="zkvct-localnet-1", show_default=True)
@click.option("--block-ms", type=click.IntRange(50, 10_000), default=250, show_default=True, help="timeout_commit in ms.")
@json_option
@command_errors
def chain_up(home, chain_id, block_ms, as_json):
    """Start a single-node chain on 127.0.0.1 that keeps running (stop it with `zkvct chain down`)."""
    from ..chain.localnet import start_detached

    info = start_detached(home, chain_id=chain_id, timeout_commit_ms=block_ms)
    result = {"ok": True, **info.to_json()}
    emit(result, as_json, f"node up: chain {info.chain_id}, rpc {info.rpc_url}, grpc {info.grpc_url} (pid {info.pid}, home {info.home})")


@chain_group.command("down")
@click.option("--home", type=click.Path(file_okay=False), default=None)
@click.option("--keep-data", is_flag=True, help="Keep the node's data directory.")
@json_option
@command_errors
def chain_down(home, keep_data, as_json):
    """Stop the node started by `zkvct chain up` and delete its data."""
    from ..chain.localnet import stop_detached

    info = stop_detached(home, keep_home=keep_data)
    result = {"ok": True, "stopped": info is not None, "home": info.home if info else None}
    emit(result, as_json, f"node stopped ({info.home})" if info else "no node was recorded there")


@chain_group.command("status")
@connection_options
@json_option
@command_errors
def chain_status(home, grpc_url, rpc_url, chain_id, as_json):
    """Height and endpoints of the node."""
    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    height = client.ledger.query_height()
    result = {"ok": True, "chain_id": client.network.chain_id, "height": height, "grpc": client.network.url}
    if home_path is not None:
        from ..chain.deployment import Deployment

        try:
            result["deployment"] = Deployment.load(home_path).__dict__
        except Exception:  # noqa: BLE001 - no deployment yet is fine
            pass
    emit(result, as_json, f"{result['chain_id']} at height {height}")


@chain_group.command("deploy")
@connection_options
@signer_options
@click.option("--registry-wasm", type=click.Path(dir_okay=False, exists=True), default=None,
              help="CW1056 wasm (default verifier_contract/artifacts/cw1056.wasm).")
@click.option("--verifier-wasm", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Verifier wasm (default verifier_contract/artifacts/zkvct_verifier.wasm).")
@click.option("--root-window-secs", type=click.IntRange(0, 2**64 - 1), default=86_400, show_default=True,
              help="How long a replaced issuer root stays acceptable.")
@click.option("--date-tolerance-days", type=click.IntRange(0, 7), default=None)
@json_option
@command_errors
@contract_rejections
def chain_deploy(home, grpc_url, rpc_url, chain_id, key_name, mnemonic_env, private_key_env, registry_wasm, verifier_wasm,
                 root_window_secs, date_tolerance_days, as_json):
    """Store and instantiate the CW1056 registry and the zkVCT verifier; record their addresses."""
    from ..chain.deployment import deploy, wallet_from

    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    dep = deploy(client, wallet_from(key_name, mnemonic_env, private_key_env), registry_wasm and Path(registry_wasm),
                 verifier_wasm and Path(verifier_wasm), root_window_secs=root_window_secs,
                 date_tolerance_days=date_tolerance_days)
    result = {"ok": True, **dep.__dict__}
    if home_path is not None:
        result["recorded_in"] = str(dep.save(home_path))
    emit(result, as_json, f"registry {dep.registry} (code {dep.registry_code_id})\nverifier {dep.verifier} (code {dep.verifier_code_id})")


# -- zkvct statement --------------------------------------------------------------------------


@click.group("statement")
def statement_group() -> None:
    """Statements (verification key + input roles) registered in the on-chain verifier."""


def parse_role(text: str) -> Any:
    """``issuer_root`` / ``cutoff_days:18`` / ``param:7`` -> a verifier InputRole."""
    from ..chain.messages import role

    name, _, arg = text.partition(":")
    if name == "cutoff_days":
        if not arg.isdigit():
            raise click.BadParameter(f"{text!r}: cutoff_days needs the number of years, e.g. cutoff_days:18")
        return role("cutoff_days", years=int(arg))
    if name == "param":
        if not arg.isdigit():
            raise click.BadParameter(f"{text!r}: param needs its fixed decimal value, e.g. param:7")
        return role("param", value=arg)
    if arg:
        raise click.BadParameter(f"{text!r}: role {name} takes no argument")
    try:
        return role(name)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@statement_group.command("register")
@connection_options
@signer_options
@click.option("--verifier", default=None, help="Verifier contract address (default: the recorded deployment).")
@click.option("--statement-id", required=True)
@click.option("--owner-did", required=True, help="did:shr the sender controls (owner or sigAuth delegate).")
@click.option("--vk", "vk_path", required=True, type=click.Path(dir_okay=False, exists=True),
              help="snarkjs verification_key.json.")
@click.option("--role", "roles", multiple=True, required=True,
              help="Role of each public input, in order: issuer_root | revocation_root, cutoff_days:<years>, "
                   "today_days, scope, nullifier, challenge, holder_did_hash, param:<value>.")
@click.option("--trusted-issuer", "trusted", multiple=True, help="did:shr whose anchored roots are accepted.")
@click.option("--record-validity-secs", type=click.IntRange(0, 2**64 - 1), default=None)
@click.option("--description", default=None)
@json_option
@command_errors
@contract_rejections
def statement_register(home, grpc_url, rpc_url, chain_id, key_name, mnemonic_env, private_key_env, verifier, statement_id, owner_did,
                       vk_path, roles, trusted, record_validity_secs, description, as_json):
    """Register (a new version of) a statement."""
    from ..chain.deployment import resolve_addresses, wallet_from
    from ..chain.messages import RegisterStatement, load_json

    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    _, verifier = resolve_addresses(home_path, None, verifier)
    msg = RegisterStatement(statement_id=statement_id, owner_did=owner_did, verification_key=load_json(vk_path),
                            roles=[parse_role(r) for r in roles], trusted_issuers=list(trusted),
                            record_validity_secs=record_validity_secs, description=description)
    res = client.execute(verifier, msg, wallet_from(key_name, mnemonic_env, private_key_env))
    version = res.attribute("version", verifier)
    result = {"ok": True, "statement_id": statement_id, "version": version, **_tx_summary(res)}
    emit(result, as_json, f"statement {statement_id} version {version} registered (gas {res.gas_used})")


@statement_group.command("show")
@connection_options
@click.option("--verifier", default=None)
@click.option("--statement-id", required=True)
@click.option("--version", type=click.IntRange(1, 2**32 - 1), default=None)
@json_option
@command_errors
@contract_rejections
def statement_show(home, grpc_url, rpc_url, chain_id, verifier, statement_id, version, as_json):
    """Show a registered statement."""
    from ..chain.deployment import resolve_addresses
    from ..chain.messages import StatementQuery

    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    _, verifier = resolve_addresses(home_path, None, verifier)
    res = client.query(verifier, StatementQuery(statement_id=statement_id, version=version))
    emit({"ok": True, **res}, as_json, json.dumps(res, indent=2))


@statement_group.command("key")
@connection_options
@click.option("--verifier", default=None)
@click.option("--statement-id", required=True)
@click.option("--version", type=click.IntRange(1, 2**32 - 1), default=None)
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Write the verification_key.json there (snarkjs format).")
@json_option
@command_errors
@contract_rejections
def statement_key(home, grpc_url, rpc_url, chain_id, verifier, statement_id, version, out_path, as_json):
    """The statement version's verification key as registered (snarkjs verification_key.json)."""
    ver = _verifier(home, grpc_url, rpc_url, chain_id, verifier)
    res = ver.verification_key(statement_id, version)
    if out_path:
        with open(out_path, "w", encoding="utf-8") as fh:
            json.dump(res.verification_key, fh, indent=1)
    emit({"ok": True, **res.model_dump(), "written_to": out_path}, as_json,
         f"verification key of {statement_id} version {res.version}" + (f" written to {out_path}" if out_path else "")
         + ("" if out_path else "\n" + json.dumps(res.verification_key, indent=1)))


# -- zkvct issuer -----------------------------------------------------------------------------


@click.group("issuer")
def issuer_group() -> None:
    """Issuer actions on the verifier (credential-tree roots)."""


def _verifier(home, grpc_url, rpc_url, chain_id, verifier):
    """The typed verifier client for the recorded (or given) deployment."""
    from ..chain.contracts import VerifierContract
    from ..chain.deployment import resolve_addresses

    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    _, address = resolve_addresses(home_path, None, verifier)
    return VerifierContract(client, address)


@issuer_group.command("anchor-root")
@connection_options
@signer_options
@click.option("--verifier", default=None)
@click.option("--issuer-did", required=True, help="did:shr of the issuer (the sender must control it).")
@click.option("--root", required=True, help="Credential-tree root as a decimal field element.")
@click.option("--retire-previous", is_flag=True,
              help="A revocation: every earlier root of the issuer is refused from now on (no window).")
@json_option
@command_errors
@contract_rejections
def issuer_anchor_root(home, grpc_url, rpc_url, chain_id, key_name, mnemonic_env, private_key_env, verifier, issuer_did, root,
                       retire_previous, as_json):
    """Anchor the issuer's current credential-tree root."""
    from ..chain.deployment import wallet_from

    ver = _verifier(home, grpc_url, rpc_url, chain_id, verifier)
    res = ver.anchor_root(wallet_from(key_name, mnemonic_env, private_key_env), issuer_did, root,
                          retire_previous=retire_previous)
    result = {"ok": True, "issuer_did": issuer_did, "root": root, "retire_previous": retire_previous, **_tx_summary(res)}
    emit(result, as_json, f"root anchored for {issuer_did} (gas {res.gas_used})")


@issuer_group.command("retire-root")
@connection_options
@signer_options
@click.option("--verifier", default=None)
@click.option("--issuer-did", required=True, help="did:shr of the issuer (the sender must control it).")
@click.option("--root", required=True, help="The anchored root to retire (decimal).")
@json_option
@command_errors
@contract_rejections
def issuer_retire_root(home, grpc_url, rpc_url, chain_id, key_name, mnemonic_env, private_key_env, verifier, issuer_did, root,
                       as_json):
    """Retire one anchored root at once (proofs against it are refused from now on)."""
    from ..chain.deployment import wallet_from

    ver = _verifier(home, grpc_url, rpc_url, chain_id, verifier)
    res = ver.retire_root(wallet_from(key_name, mnemonic_env, private_key_env), issuer_did, root)
    result = {"ok": True, "issuer_did": issuer_did, "root": root, **_tx_summary(res)}
    emit(result, as_json, f"root retired for {issuer_did} (gas {res.gas_used})")


@issuer_group.command("revoke-credential")
@connection_options
@signer_options
@click.option("--verifier", default=None)
@click.option("--issuer-did", required=True, help="did:shr of the issuer (the sender must control it).")
@click.option("--holder-did", required=True, help="did:shr whose zkVCT records under this issuer become invalid.")
@json_option
@command_errors
@contract_rejections
def issuer_revoke_credential(home, grpc_url, rpc_url, chain_id, key_name, mnemonic_env, private_key_env, verifier, issuer_did,
                             holder_did, as_json):
    """Report the holder's zkVCT records made under this issuer until now as not valid."""
    from ..chain.deployment import wallet_from

    ver = _verifier(home, grpc_url, rpc_url, chain_id, verifier)
    res = ver.revoke_credential(wallet_from(key_name, mnemonic_env, private_key_env), issuer_did, holder_did)
    result = {"ok": True, "issuer_did": issuer_did, "holder_did": holder_did, **_tx_summary(res)}
    emit(result, as_json, f"credential of {holder_did} revoked by {issuer_did} (gas {res.gas_used})")


def register(main: click.Group) -> None:
    main.add_command(chain_group)
    main.add_command(statement_group)
    # the issuer's on-chain actions join the issuer service's group (zkvct/cli/issuer_cmd.py)


#: ``zkvct issuer anchor-root | retire-root | revoke-credential``: added to the issuer group by issuer_cmd.
ISSUER_CHAIN_COMMANDS = tuple(issuer_group.commands.values())
