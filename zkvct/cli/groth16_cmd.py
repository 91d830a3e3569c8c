"""``zkvct groth16 setup | prove | verify``: snarkjs-compatible Groth16 from the command line.

Exit codes (see cli/common.py): 0 ok / proof accepted, 1 proof rejected, 2 bad input (the message
names the file and the problem), 3 internal error.
"""
from __future__ import annotations

import click

from .common import Rejected, command_errors, emit, json_option
from .progress import Progress


@click.group("groth16")
def groth16_group() -> None:
    """Groth16 over BN254: setup from a prepared .ptau, prove, verify (snarkjs file formats)."""


@groth16_group.command("setup")
@click.argument("r1cs_path", metavar="R1CS", type=click.Path(dir_okay=False))
@click.argument("ptau_path", metavar="PTAU", type=click.Path(dir_okay=False))
@click.argument("zkey_path", metavar="ZKEY", type=click.Path(dir_okay=False, writable=True))
@click.option("--trusted-ptau", is_flag=True, help="Skip G2 subgroup checks on the ptau points (only for a ptau you verified).")
@json_option
@command_errors
def setup_cmd(r1cs_path: str, ptau_path: str, zkey_path: str, trusted_ptau: bool, as_json: bool) -> None:
    """Write a fresh .zkey (no phase-2 contributions yet) for R1CS from a prepared PTAU."""
    from ..formats.r1cs_file import read_r1cs
    from ..groth16.setup import circuit_power, setup

    r1cs = read_r1cs(r1cs_path)
    with Progress("groth16 setup") as prog:
        prog("reading ptau")
        cs_hash = setup(r1cs, ptau_path, zkey_path, trusted_ptau=trusted_ptau, progress=prog)
    result = {
        "ok": True, "zkey": zkey_path, "constraints": r1cs.n_constraints, "n_public": r1cs.n_public,
        "domain_size": 1 << circuit_power(r1cs), "circuit_hash": cs_hash.hex(),
    }
    emit(result, as_json, f"wrote {zkey_path} (domain 2^{circuit_power(r1cs)}, circuit hash {cs_hash.hex()[:32]}...)\n"
         "next: add phase-2 contributions (`zkvct zkey contribute` or `snarkjs zkey contribute`) before production use")


@groth16_group.command("prove")
@click.argument("zkey_path", metavar="ZKEY", type=click.Path(dir_okay=False))
@click.argument("wtns_path", metavar="WTNS", type=click.Path(dir_okay=False))
@click.argument("proof_path", metavar="PROOF", type=click.Path(dir_okay=False, writable=True))
@click.argument("public_path", metavar="PUBLIC", type=click.Path(dir_okay=False, writable=True))
@click.option("--trusted-zkey", is_flag=True, help="Skip point checks on the key's bulk sections (only for a key you verified).")
@click.option("--recheck-zkey", is_flag=True,
              help="Check the key fully even if an earlier run recorded a check of the same bytes (by SHA-256, "
                   "under ~/.cache/zkvct/checked-zkeys).")
@json_option
@command_errors
def prove_cmd(zkey_path: str, wtns_path: str, proof_path: str, public_path: str, trusted_zkey: bool, recheck_zkey: bool,
              as_json: bool) -> None:
    """Prove with ZKEY and the witness WTNS; write PROOF (proof.json) and PUBLIC (public.json)."""
    from ..formats.wtns_file import read_wtns_values
    from ..groth16.checked_keys import CheckedKeys
    from ..groth16.prove import prove

    with Progress("groth16 prove") as prog:
        prog("reading witness")
        witness = read_wtns_values(wtns_path)
        prog("reading and checking zkey, proving")
        res = prove(zkey_path, witness, trusted_zkey=trusted_zkey, checked_keys=None if recheck_zkey else CheckedKeys())
        res.write(proof_path, public_path)
    emit({"ok": True, "proof": proof_path, "public": public_path, "public_signals": res.public_obj()}, as_json,
         f"wrote {proof_path} and {public_path} ({len(res.public_values)} public signals)")


@groth16_group.command("verify")
@click.argument("vk_path", metavar="VK", type=click.Path(dir_okay=False))
@click.argument("public_path", metavar="PUBLIC", type=click.Path(dir_okay=False))
@click.argument("proof_path", metavar="PROOF", type=click.Path(dir_okay=False))
@click.option("--reference", is_flag=True, help="Use the independent pure-Python (py_ecc) verifier instead of the native one.")
@json_option
@command_errors
def verify_cmd(vk_path: str, public_path: str, proof_path: str, reference: bool, as_json: bool) -> None:
    """Verify PROOF for PUBLIC against the verification key VK (exit 0 accepted, 1 rejected)."""
    from ..groth16.verify import verify_files

    res = verify_files(vk_path, public_path, proof_path, reference=reference)
    verifier = "reference (py_ecc)" if reference else "native"
    if not res.ok:
        raise Rejected({"valid": False, "verifier": verifier, "reason": res.reason}, f"invalid proof: {res.reason}")
    emit({"ok": True, "valid": True, "verifier": verifier}, as_json, "OK: the proof is valid")


def register(main: click.Group) -> None:
    main.add_command(groth16_group)
