"""``zkvct verify --on-chain``: submit a snarkjs proof to the zkVCT verifier contract.

Exit 0 when the contract accepted the proof (nullifier and zkVCT recorded), 1 when it rejected it
(the contract's reason, which starts with its reason code, is printed), 2 for bad input. The
request (id, nonce, expiry) and the relying party's DID are required: the contract derives the
scope and the challenge from them. ``zkvct verify-authorize`` is the holder's side of a DID-bound
proof the relying party submits: it signs the authorization (key from an environment variable). ``--dry-run`` asks the contract's ``verify``
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
@click.option("--issuer-did", required=True, help="Issuer whose anchored root the root input claims.")
@click.option("--relying-party-did", required=True, help="The relying party the proof was made for (scope, challenge).")
@click.option("--request-id", required=True, help="The relying party's request id.")
@click.option("--request-nonce", required=True, help="The request's nonce.")
@click.option("--expires-at", type=click.IntRange(0, 2**64 - 1), required=True, help="The request's expiry (Unix seconds).")
@click.option("--holder-did", default=None, help="DID-bound statements: the holder DID (its hash is a public input).")
@click.option("--authorization", "auth_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="DID-bound, sent by the relying party: the holder's authorization JSON "
                   "{public_key, signature, nonce} (see `zkvct verify-authorize`).")
@click.option("--gas", "gas_limit", type=click.IntRange(50_000, 100_000_000), default=None,
              help="Fixed gas limit: skip simulation, so a rejection is recorded on chain with its gas.")
@click.option("--dry-run", is_flag=True, help="Run the contract's checks as a query; no transaction.")
@json_option
@command_errors
@contract_rejections
def verify_on_chain(on_chain, home, grpc_url, rpc_url, chain_id, key_name, mnemonic_env, private_key_env, verifier, statement_id,
                    version, proof_path, public_path, issuer_did, relying_party_did, request_id, request_nonce, expires_at,
                    holder_did, auth_path, gas_limit, dry_run, as_json):
    """Verify a proof with the on-chain verifier (records the proof hash, the nullifier and, for a
    DID-bound statement, the zkVCT)."""
    if not on_chain:
        raise click.UsageError("`zkvct verify` needs --on-chain (for off-chain checks use `zkvct groth16 verify`)")
    from ..chain.deployment import resolve_addresses, wallet_from
    from ..chain.messages import HolderAuthorization, Verify, VerifyQuery, load_json

    request = _request(statement_id, version, proof_path, public_path, issuer_did, relying_party_did, request_id,
                       request_nonce, expires_at, holder_did)
    if auth_path:
        request = request.model_copy(update={"holder_authorization": HolderAuthorization(**load_json(auth_path))})
    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    _, verifier = resolve_addresses(home_path, None, verifier)
    wallet = wallet_from(key_name, mnemonic_env, private_key_env)
    if dry_run:
        res = client.query(verifier, VerifyQuery(request=request, sender=str(wallet.address())))
        result = {"accepted": bool(res.get("valid")), "code": res.get("code"), "reason": res.get("reason"), "dry_run": True}
        if not result["accepted"]:
            raise Rejected(result, res.get("reason") or "rejected")
        emit({"ok": True, **result}, as_json, "VALID (dry run: nothing recorded)")
        return
    res = client.execute(verifier, Verify(request=request), wallet, gas_limit=gas_limit)
    result = {"ok": True, "accepted": True, **_tx_summary(res)}
    emit(result, as_json, f"ACCEPTED at height {res.height} (gas {res.gas_used}, tx {res.hash})")


def _request(statement_id, version, proof_path, public_path, issuer_did, relying_party_did, request_id, request_nonce,
             expires_at, holder_did):
    from ..chain.messages import ProofRequest, VerifyRequest, load_json

    public = load_json(public_path)
    if not isinstance(public, list) or not all(isinstance(x, str) for x in public):
        raise ValueError(f"{public_path}: expected a JSON list of decimal strings (snarkjs public.json)")
    return VerifyRequest(statement_id=statement_id, version=version, proof=load_json(proof_path), public_inputs=public,
                         issuer_did=issuer_did, relying_party_did=relying_party_did,
                         request=ProofRequest(id=request_id, nonce=request_nonce, expires_at=expires_at),
                         holder_did=holder_did)


@click.command("verify-authorize")
@connection_options
@click.option("--verifier", default=None, help="Verifier contract address (default: the recorded deployment).")
@click.option("--statement-id", required=True)
@click.option("--proof", "proof_path", required=True, type=click.Path(dir_okay=False, exists=True), help="snarkjs proof.json")
@click.option("--public", "public_path", required=True, type=click.Path(dir_okay=False, exists=True), help="snarkjs public.json")
@click.option("--issuer-did", required=True)
@click.option("--relying-party-did", required=True)
@click.option("--request-id", required=True)
@click.option("--request-nonce", required=True)
@click.option("--expires-at", type=click.IntRange(0, 2**64 - 1), required=True)
@click.option("--holder-did", required=True, help="The holder DID the key controls.")
@click.option("--private-key-env", "key_env", required=True,
              help="Environment variable holding the holder key (hex secp256k1), never a file or an argument.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the authorization JSON for the relying party.")
@json_option
@command_errors
@contract_rejections
def verify_authorize(home, grpc_url, rpc_url, chain_id, verifier, statement_id, proof_path, public_path, issuer_did,
                     relying_party_did, request_id, request_nonce, expires_at, holder_did, key_env, out_path, as_json):
    """As the holder: sign the authorization that lets the relying party submit this proof."""
    import json
    import os

    from cosmpy.crypto.keypairs import PrivateKey

    from ..chain.contracts import VerifierContract
    from ..chain.deployment import resolve_addresses

    secret = os.environ.get(key_env)
    if not secret:
        raise ValueError(f"environment variable {key_env} is not set (it must hold the holder's hex private key)")
    key = PrivateKey(bytes.fromhex(secret.removeprefix("0x")))
    request = _request(statement_id, None, proof_path, public_path, issuer_did, relying_party_did, request_id,
                       request_nonce, expires_at, holder_did)
    client, home_path = _client(home, grpc_url, rpc_url, chain_id)
    _, verifier = resolve_addresses(home_path, None, verifier)
    auth = VerifierContract(client, verifier).authorize(key, request)
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(auth.to_wire(), fh)
    emit({"ok": True, "nonce": auth.nonce, "public_key": auth.public_key, "written_to": out_path}, as_json,
         f"authorization (nonce {auth.nonce}) written to {out_path}")


def register(main: click.Group) -> None:
    main.add_command(verify_on_chain)
    main.add_command(verify_authorize)
