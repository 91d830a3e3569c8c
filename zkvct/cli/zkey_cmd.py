"""``zkvct zkey export verificationkey``: the verification key of a .zkey as snarkjs writes it."""
from __future__ import annotations

import click

from .common import command_errors, emit, json_option


@click.group("zkey")
def zkey_group() -> None:
    """Groth16 proving keys (.zkey)."""


@zkey_group.group("export")
def export_group() -> None:
    """Export parts of a .zkey."""


@export_group.command("verificationkey")
@click.argument("zkey_path", metavar="ZKEY", type=click.Path(dir_okay=False))
@click.argument("vk_path", metavar="VK", type=click.Path(dir_okay=False, writable=True), default="verification_key.json")
@json_option
@command_errors
def export_vk(zkey_path: str, vk_path: str, as_json: bool) -> None:
    """Write the verification key of ZKEY to VK (default verification_key.json)."""
    from ..groth16.export import export_verification_key

    vk = export_verification_key(zkey_path, vk_path)
    emit({"ok": True, "verification_key": vk_path, "n_public": vk.nPublic}, as_json, f"wrote {vk_path} (nPublic = {vk.nPublic})")


@export_group.command("solidityverifier")
@click.argument("key_path", metavar="KEY", type=click.Path(dir_okay=False))
@click.argument("out_path", metavar="OUT.sol", type=click.Path(dir_okay=False, writable=True), default="verifier.sol")
@json_option
@command_errors
def export_solidity_verifier(key_path: str, out_path: str, as_json: bool) -> None:
    """Write a Solidity Groth16 verifier for KEY (a .zkey or verification_key.json) to OUT.sol."""
    from ..evm.export import write_solidity_verifier

    n = write_solidity_verifier(key_path, out_path)
    emit({"ok": True, "verifier": out_path, "n_public": n}, as_json, f"wrote {out_path} (nPublic = {n})")


@export_group.command("soliditycalldata")
@click.argument("public_path", metavar="PUBLIC", type=click.Path(dir_okay=False), default="public.json")
@click.argument("proof_path", metavar="PROOF", type=click.Path(dir_okay=False), default="proof.json")
@json_option
@command_errors
def export_solidity_calldata(public_path: str, proof_path: str, as_json: bool) -> None:
    """Print the verifyProof arguments for PROOF and PUBLIC, as snarkjs prints them."""
    from ..evm.calldata import snarkjs_text
    from ..evm.export import solidity_calldata

    p = solidity_calldata(public_path, proof_path)

    emit({"ok": True, "a": [str(v) for v in p.a], "b": [[str(v) for v in row] for row in p.b],
          "c": [str(v) for v in p.c], "inputs": [str(v) for v in p.inputs]}, as_json, snarkjs_text(p))


def register(main: click.Group) -> None:
    existing = main.commands.get("zkey")
    if isinstance(existing, click.Group):  # another module (ceremony) may own `zkey`: merge
        existing.add_command(export_group)
    else:
        main.add_command(zkey_group)
