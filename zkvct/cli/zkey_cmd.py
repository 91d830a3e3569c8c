"""``zkvct zkey ...``: every verb on a Groth16 proving key (.zkey), in one group this module owns.

* ``zkey export verificationkey``: the verification key as snarkjs writes it;
* ``zkey contribute|beacon|verify``: phase 2 of the trusted setup on one key file (snarkjs's
  argument order); the multi-party coordinator is ``zkvct ceremony`` (:mod:`.ceremony_cmd`).

Verification exits 0 when the key is valid and 1 (``REJECTED: <reason>``) when a check fails;
malformed input exits 2. Long steps show progress on stderr; ``--json`` prints one JSON object.
"""
from __future__ import annotations

import click

from .common import Rejected, command_errors, emit, json_option
from .contribution_options import beacon_options, contribution_options
from .progress import step_progress


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


# ---------------------------------------------------------------- phase 2 on one key


@zkey_group.command("contribute")
@contribution_options("key")
@json_option
@command_errors
def zkey_contribute(inp: str, out: str, name: str, entropy: str, as_json: bool) -> None:
    """Phase 2: add a contribution (new random delta) to the Groth16 key IN, write OUT."""
    from ceremony import phase2

    prog, cb = step_progress("zkey contribute", not as_json)
    with prog:
        res = phase2.contribute(inp, out, name=name, entropy=entropy, progress=cb)
    emit({"ok": True, "file": out, "contribution_hash": res.contribution_hash.hex()}, as_json,
         f"wrote {out}\ncontribution hash (publish it): {res.contribution_hash.hex()}")


@zkey_group.command("beacon")
@beacon_options()
@json_option
@command_errors
def zkey_beacon(inp: str, out: str, beacon_hash: str, num_iterations_exp: int, name: str, as_json: bool) -> None:
    """Phase 2: apply the public beacon BEACON_HEX (SHA-256 iterated 2^EXP times)."""
    from ceremony import phase1, phase2

    res = phase2.beacon(inp, out, phase1.parse_beacon_hash(beacon_hash), num_iterations_exp, name=name)
    emit({"ok": True, "file": out, "contribution_hash": res.contribution_hash.hex()}, as_json,
         f"wrote {out}\nbeacon contribution hash: {res.contribution_hash.hex()}")


@zkey_group.command("verify")
@click.argument("r1cs_path", metavar="R1CS", type=click.Path(exists=True, dir_okay=False))
@click.argument("ptau_path", metavar="PTAU", type=click.Path(exists=True, dir_okay=False))
@click.argument("zkey_path", metavar="ZKEY", type=click.Path(exists=True, dir_okay=False))
@json_option
@command_errors
def zkey_verify(r1cs_path: str, ptau_path: str, zkey_path: str, as_json: bool) -> None:
    """Phase 2: verify ZKEY was made from R1CS and PTAU by valid contributions (snarkjs argument order)."""
    from ceremony import phase2

    prog, cb = step_progress("zkey verify", not as_json)
    try:
        with prog:
            rep = phase2.verify(zkey_path, r1cs_path, ptau_path, progress=cb)
    except phase2.ZkeyInvalid as exc:
        raise Rejected({"file": zkey_path, "reason": str(exc)}, str(exc)) from exc
    lines = [f"{zkey_path}: ZKey OK ({len(rep['contributions'])} contributions)"]
    lines += [f"  #{c['index']} {c['type']} {c['name']!r}: {c['contribution_hash'][:32]}..." for c in rep["contributions"]]
    emit(rep, as_json, "\n".join(lines))


def register(main: click.Group) -> None:
    main.add_command(zkey_group)
