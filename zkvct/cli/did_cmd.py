"""``zkvct did parse|resolve``: did:shr identifiers and their documents.

``parse`` works offline (validates the identifier, shows key, address, token type). ``resolve``
reads the CW1056 registry and the node's tx index and prints the W3C DID resolution result;
``DID#fragment`` prints just that entry. Exit code 2 for a malformed DID, 1 when the resolution
result carries an error (e.g. ``notFound`` for a versionId above the chain's height).
"""
from __future__ import annotations

import json

import click

from .chain_cmd import _client, connection_options
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


def register(main: click.Group) -> None:
    main.add_command(did_group)
