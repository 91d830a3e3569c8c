"""``zkvct did parse|resolve|change-owner|add-delegate|revoke-delegate|set-attribute|revoke-attribute``.

``parse`` works offline (validates the identifier, shows key, address, token type). ``resolve``
reads the CW1056 registry and the node's tx index and prints the W3C DID resolution result;
``DID#fragment`` prints just that entry. Exit code 2 for a malformed DID, 1 when the resolution
result carries an error (e.g. ``notFound`` for a versionId above the chain's height).
"""
from __future__ import annotations

import json

import click

from .chain_cmd import _client, _tx_summary, connection_options, contract_rejections, signer_options
from .common import Rejected, command_errors, emit, json_option


@click.group("did")
def did_group() -> None:
    """did:shr identifiers (CW1056 registry on ShareLedger)."""


@did_group.command("parse")
@click.argument("did_url")
@json_option
@command_errors
def did_parse(did_url, as_json):
    """Validate a did:shr identifier or DID URL and show what it names."""
    from ..did.identifier import parse_did_url

    u = parse_did_url(did_url)
    result = {
        "ok": True, "did": u.did.did, "form": "publicKey" if u.did.is_key_form else "address",
        "token_type": u.did.token_type, "public_key": u.did.public_key.hex() if u.did.public_key else None,
        "address": u.did.address, "version_id": u.version_id, "fragment": u.fragment,
    }
    emit(result, as_json)


@did_group.command("resolve")
@click.argument("did_url")
@connection_options
@click.option("--registry", default=None, help="CW1056 registry address (default: the recorded deployment).")
@json_option
@command_errors
def did_resolve(did_url, home, grpc_url, rpc_url, chain_id, registry, as_json):
    """Resolve DID[?versionId=N][#fragment] to its DID resolution result (always JSON)."""
    from ..chain.deployment import resolve_addresses
    from ..did.identifier import parse_did_url
    from ..did.resolver import ContractRegistry, Resolver, dereference

    parse_did_url(did_url)  # malformed input: exit 2 with the reason, before touching the chain
    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    if client.rpc is None:
        raise ValueError("resolution needs the node's RPC (tx index): pass --rpc")
    registry, _ = resolve_addresses(home_path, registry, None)
    if not registry:
        raise ValueError("no registry address: pass --registry or run `zkvct chain deploy`")
    result = Resolver(ContractRegistry(client, registry), client.rpc).resolve(did_url)
    error = result["didResolutionMetadata"].get("error")
    if error:
        raise Rejected(result, f"{error}: {result['didResolutionMetadata'].get('message', '')}")
    fragment = parse_did_url(did_url).fragment
    if fragment:
        entry = dereference(result, fragment)
        if entry is None:
            raise Rejected({"error": "notFound"}, f"#{fragment} is not in the document")
        result = entry
    click.echo(json.dumps(result, indent=2))
    _ = emit, as_json  # the result is JSON either way


# -- changes (CW1056 transactions, sent by the identity's owner) -----------------------------


def _registry_for(home, grpc_url, rpc_url, chain_id, registry):
    from ..chain.contracts import RegistryContract
    from ..chain.deployment import resolve_addresses

    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    registry, _ = resolve_addresses(home_path, registry, None)
    if not registry:
        raise ValueError("no registry address: pass --registry or run `zkvct chain deploy`")
    return RegistryContract(client, registry)


def _identity(did: str) -> str:
    from ..did.identifier import parse_did

    d = parse_did(did)
    if d.public_key is None:
        raise ValueError(f"{did}: the CW1056 registry is keyed by public key; use the public-key form of the DID")
    return d.public_key.hex()


def _change_command(name: str, doc: str, params: list, build):
    @did_group.command(name, help=doc)
    @click.argument("did")
    @connection_options
    @signer_options
    @click.option("--registry", default=None, help="CW1056 registry address (default: the recorded deployment).")
    @json_option
    @command_errors
    @contract_rejections
    def command(did, home, grpc_url, rpc_url, chain_id, key_name, mnemonic_env, private_key_env, registry, as_json, **kw):
        from ..chain.deployment import wallet_from

        reg = _registry_for(home, grpc_url, rpc_url, chain_id, registry)
        msg = build(_identity(did), **kw)
        res = reg.client.execute(reg.address, msg, wallet_from(key_name, mnemonic_env, private_key_env))
        emit({"ok": True, "did": did, **_tx_summary(res)}, as_json, f"{name}: done at height {res.height} (gas {res.gas_used})")

    for p in params:
        command = p(command)
    return command


def _hex_value(value: str, utf8: bool) -> str:
    return value.encode().hex() if utf8 else value.removeprefix("0x")


_validity = click.option("--validity", type=click.IntRange(1, 2**64 - 1), required=True, help="Seconds from now.")
_dtype = click.option("--type", "delegate_type", required=True, help="Delegate type, e.g. veriKey or sigAuth.")
_delegate = click.option("--delegate", required=True, help="Delegate address (shareledger1...).")
_name = click.option("--name", required=True, help="Attribute name, e.g. did/pub/Ed25519/veriKey/base58 or did/svc/Hub.")
_value = click.option("--value", required=True, help="Attribute value in hex (or text with --utf8).")
_utf8 = click.option("--utf8", is_flag=True, help="--value is text (e.g. a service URL); send its UTF-8 bytes.")


def _msgs():
    from ..chain import messages as m

    return m


_change_command("change-owner", "Set a new owner address (`--new-owner none` deactivates the DID for good).",
                [click.option("--new-owner", required=True, help="Owner address, or 'none' to deactivate.")],
                lambda ident, new_owner: _msgs().ChangeOwner(identity=ident, new_owner=None if new_owner == "none" else new_owner))
_change_command("add-delegate", "Add a delegate valid for --validity seconds.", [_dtype, _delegate, _validity],
                lambda ident, delegate_type, delegate, validity: _msgs().AddDelegate(
                    identity=ident, delegate_type=delegate_type, delegate=delegate, validity=validity))
_change_command("revoke-delegate", "Revoke a delegate.", [_dtype, _delegate],
                lambda ident, delegate_type, delegate: _msgs().RevokeDelegate(
                    identity=ident, delegate_type=delegate_type, delegate=delegate))
_change_command("set-attribute", "Publish a key or service attribute valid for --validity seconds.",
                [_name, _value, _utf8, _validity],
                lambda ident, name, value, utf8, validity: _msgs().SetAttribute(
                    identity=ident, name=name, value=_hex_value(value, utf8), validity=validity))
_change_command("revoke-attribute", "Revoke an attribute (same name and value).", [_name, _value, _utf8],
                lambda ident, name, value, utf8: _msgs().RevokeAttribute(
                    identity=ident, name=name, value=_hex_value(value, utf8)))


def register(main: click.Group) -> None:
    main.add_command(did_group)
