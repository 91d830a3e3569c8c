"""``zkvct verify --on-chain``: submit a snarkjs proof to the zkVCT verifier contract.

Exit 0 when the contract accepted the proof (nullifier and zkVCT recorded), 1 when it rejected it
(the contract's reason is printed), 2 for bad input. ``--dry-run`` asks the contract's ``verify``
query instead: every check, no transaction, nothing recorded. Off-chain verification is
``zkvct groth16 verify``.
"""
from __future__ import annotations

import click

from .chain_cmd import _client, _tx_summary, connection_options, contract_rejections, signer_options
from .common import Rejected, command_errors, emit, json_option


@click.command("verify")
@click.option("--on-chain", "on_chain", is_flag=True, help="Required: verify with the on-chain verifier contract.")
@connection_options
@signer_options
@click.option("--verifier", default=None, help="Verifier contract address (default: the recorded deployment).")
@click.option("--statement-id", required=True)
@click.option("--version", type=click.IntRange(1, 2**32 - 1), default=None, help="Statement version (default latest).")
@click.option("--proof", "proof_path", required=True, type=click.Path(dir_okay=False, exists=True), help="snarkjs proof.json")
@click.option("--public", "public_path", required=True, type=click.Path(dir_okay=False, exists=True), help="snarkjs public.json")
@click.option("--issuer-did", default=None, help="Issuer whose anchored root the issuer_root input claims.")
@click.option("--holder-did", default=None, help="Holder DID for a holder_did_hash input (the sender must control it).")
@click.option("--challenge", default=None, help="Expected value of a challenge input.")
@click.option("--gas", "gas_limit", type=click.IntRange(50_000, 100_000_000), default=None,
              help="Fixed gas limit: skip simulation, so a rejection is recorded on chain with its gas.")
@click.option("--dry-run", is_flag=True, help="Run the contract's checks as a query; no transaction.")
@json_option
@command_errors
@contract_rejections
def verify_on_chain(on_chain, home, grpc_url, rpc_url, chain_id, key_name, mnemonic_env, private_key_env, verifier, statement_id,
                    version, proof_path, public_path, issuer_did, holder_did, challenge, gas_limit, dry_run, as_json):
    """Verify a proof with the on-chain verifier (records the nullifier and the zkVCT)."""
    if not on_chain:
        raise click.UsageError("`zkvct verify` needs --on-chain (for off-chain checks use `zkvct groth16 verify`)")
    from ..chain.deployment import resolve_addresses, wallet_from
    from ..chain.messages import Verify, VerifyQuery, VerifyRequest, load_json

    public = load_json(public_path)
    if not isinstance(public, list) or not all(isinstance(x, str) for x in public):
        raise ValueError(f"{public_path}: expected a JSON list of decimal strings (snarkjs public.json)")
    request = VerifyRequest(statement_id=statement_id, version=version, proof=load_json(proof_path),
                            public_inputs=public, issuer_did=issuer_did, holder_did=holder_did, challenge=challenge)
    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    _, verifier = resolve_addresses(home_path, None, verifier)
    wallet = wallet_from(key_name, mnemonic_env, private_key_env)
    if dry_run:
        res = client.query(verifier, VerifyQuery(request=request, sender=str(wallet.address())))
        result = {"accepted": bool(res.get("valid")), "reason": res.get("reason"), "dry_run": True}
        if not result["accepted"]:
            raise Rejected(result, res.get("reason") or "rejected")
        emit({"ok": True, **result}, as_json, "VALID (dry run: nothing recorded)")
        return
    res = client.execute(verifier, Verify(request=request), wallet, gas_limit=gas_limit)
    result = {"ok": True, "accepted": True, **_tx_summary(res)}
    emit(result, as_json, f"ACCEPTED at height {res.height} (gas {res.gas_used}, tx {res.hash})")


def register(main: click.Group) -> None:
    main.add_command(verify_on_chain)
