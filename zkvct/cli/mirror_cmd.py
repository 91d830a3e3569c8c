"""``zkvct mirror deploy|sync|devnode``: the relayer that copies statements and issuer roots from
ShareLedger's CosmWasm verifier to the zkVCT registry on an EVM chain (docs/evm.md).

EVM side: ``--evm-rpc URL`` (any Ethereum JSON-RPC endpoint) and ``--evm-key-env VAR`` (the
relayer's hex private key, read from that environment variable only). ShareLedger side: the
``zkvct chain`` connection options and ``--verifier`` (default: the recorded deployment).
"""
from __future__ import annotations

import os

import click

from .chain_cmd import connection_options
from .common import command_errors, emit, json_option


@click.group("mirror")
def mirror_group() -> None:
    """Mirror ShareLedger's zkVCT statements and issuer roots to an EVM chain."""


def _evm(evm_rpc: str, key_env: str | None):
    from ..evm.rpc import RpcEvm

    key = None
    if key_env:
        key = os.environ.get(key_env)
        if not key:
            raise click.UsageError(f"environment variable {key_env} is empty or unset (it must hold the relayer's hex key)")
    return RpcEvm(evm_rpc, key)


def evm_options(func):
    func = click.option("--evm-key-env", metavar="VAR", default=None,
                        help="Environment variable holding the relayer's hex private key.")(func)
    func = click.option("--evm-rpc", required=True, metavar="URL", help="Ethereum JSON-RPC endpoint of the EVM chain.")(func)
    return func


@mirror_group.command("deploy")
@evm_options
@click.option("--root-window-secs", type=click.IntRange(0, 2**63), default=3600, show_default=True,
              help="How long a replaced issuer root stays acceptable (use the CosmWasm contract's value).")
@click.option("--date-tolerance-days", type=click.IntRange(0, 30), default=1, show_default=True)
@json_option
@command_errors
def mirror_deploy(evm_rpc, evm_key_env, root_window_secs, date_tolerance_days, as_json):
    """Deploy the zkVCT registry (the sender becomes its admin and first relayer)."""
    from ..evm.registry import Registry, compile_cached, registry_source

    evm = _evm(evm_rpc, evm_key_env)
    compiled = compile_cached({"ZkvctRegistry.sol": registry_source()})["ZkvctRegistry"]
    reg = Registry.deploy(evm, compiled, root_window_secs=root_window_secs, date_tolerance_days=date_tolerance_days)
    emit({"ok": True, "registry": reg.address, "chain_id": evm.chain_id, "solc": compiled.solc_version}, as_json,
         f"registry deployed at {reg.address} (chain id {evm.chain_id})")


@mirror_group.command("sync")
@connection_options
@click.option("--verifier", default=None, help="CosmWasm verifier address (default: the recorded deployment).")
@evm_options
@click.option("--registry", "registry_address", required=True, help="Address of the EVM zkVCT registry.")
@click.option("--statement", "statement_ids", multiple=True, required=True, help="Statement id to mirror (repeatable).")
@click.option("--dry-run", is_flag=True, help="Only say what would be sent.")
@json_option
@command_errors
def mirror_sync(home, grpc_url, rpc_url, chain_id, verifier, evm_rpc, evm_key_env, registry_address, statement_ids,
                dry_run, as_json):
    """Copy each statement's versions and keys and its issuers' current roots; idempotent."""
    from ..chain.deployment import connect, resolve_addresses
    from ..evm.mirror import ContractSource, sync
    from ..evm.registry import Registry, compile_cached, registry_source

    client, home_path = connect(home, grpc_url, rpc_url, chain_id)
    _, verifier = resolve_addresses(home_path, None, verifier)
    evm = _evm(evm_rpc, evm_key_env)
    abi = compile_cached({"ZkvctRegistry.sol": registry_source()})["ZkvctRegistry"].abi
    reg = Registry(evm, evm.at(registry_address, abi))
    report = sync(ContractSource(client, verifier), reg, statement_ids, dry_run=dry_run)
    lines = [f"{'would send' if dry_run else 'sent'} {len(report.actions)} transaction(s)"]
    lines += ["  " + ", ".join(f"{k}={v}" for k, v in a.items()) for a in report.actions]
    emit({"ok": True, **report.to_obj()}, as_json, "\n".join(lines))


@mirror_group.command("devnode")
@click.option("--port", type=click.IntRange(1, 65535), default=8545, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@json_option
@command_errors
def mirror_devnode(port, host, as_json):
    """Serve an in-process py-evm chain over JSON-RPC (rehearsals and tests; state is lost on exit)."""
    import uvicorn

    from ..evm.devnode import create_app

    emit({"ok": True, "url": f"http://{host}:{port}/"}, as_json, f"EVM devnode on http://{host}:{port}/ (Ctrl-C stops it)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")


def register(main: click.Group) -> None:
    main.add_command(mirror_group)
