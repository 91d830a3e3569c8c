"""Ceremony commands: ``zkvct powersoftau ...`` (phase 1), ``zkvct zkey contribute|beacon|verify``
(phase 2) and ``zkvct ceremony ...`` (contributor client and coordinator service).

Verification commands exit 0 when the transcript is valid and 1 (``REJECTED: <reason>``) when a
check fails; malformed input exits 2. Long steps show progress on stderr; ``--json`` prints one
JSON object on stdout.
"""
from __future__ import annotations

import click

from .common import Rejected, command_errors, emit, json_option
from .progress import with_step_callback as _progress  # one definition, shared with ceremony_service_cmd


# ---------------------------------------------------------------- phase 1


@click.group("powersoftau")
def ptau_group() -> None:
    """Phase 1: the universal powers-of-tau ceremony (.ptau, snarkjs-compatible)."""


@ptau_group.command("new")
@click.argument("power", type=click.IntRange(1, 28))
@click.argument("out", type=click.Path(dir_okay=False))
@json_option
@command_errors
def ptau_new(power: int, out: str, as_json: bool) -> None:
    """Start a ceremony of 2^POWER: write the empty accumulator to OUT."""
    from ceremony import phase1

    h = phase1.new(power, out)
    emit({"ok": True, "file": out, "power": power, "first_challenge": h.hex()}, as_json,
         f"wrote {out} (power {power})\nfirst challenge hash: {h.hex()}")


@ptau_group.command("contribute")
@click.argument("inp", metavar="IN", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--name", default="", help="Contributor name stored in the transcript (64 chars max).")
@click.option("--entropy", "-e", default="", help="Extra text mixed into the OS randomness (optional).")
@json_option
@command_errors
def ptau_contribute(inp: str, out: str, name: str, entropy: str, as_json: bool) -> None:
    """Add a contribution to IN with fresh randomness and write OUT."""
    from ceremony import phase1

    prog, cb = _progress("contribute", not as_json)
    with prog:
        res = phase1.contribute(inp, out, name=name, entropy=entropy, progress=cb)
    emit({"ok": True, "file": out, "contribution_hash": res.response_hash.hex(), "next_challenge": res.next_challenge.hex()},
         as_json, f"wrote {out}\ncontribution hash (publish it): {res.response_hash.hex()}")


@ptau_group.command("beacon")
@click.argument("inp", metavar="IN", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@click.argument("beacon_hash", metavar="BEACON_HEX")
@click.argument("num_iterations_exp", metavar="EXP", type=int)
@click.option("--name", default="", help="Name stored with the beacon contribution.")
@json_option
@command_errors
def ptau_beacon(inp: str, out: str, beacon_hash: str, num_iterations_exp: int, name: str, as_json: bool) -> None:
    """Apply the public beacon BEACON_HEX (SHA-256 iterated 2^EXP times, EXP in 10..63)."""
    from ceremony import phase1

    prog, cb = _progress("beacon", not as_json)
    with prog:
        res = phase1.beacon(inp, out, phase1.parse_beacon_hash(beacon_hash), num_iterations_exp, name=name, progress=cb)
    emit({"ok": True, "file": out, "contribution_hash": res.response_hash.hex()}, as_json,
         f"wrote {out}\nbeacon contribution hash: {res.response_hash.hex()}")


@ptau_group.command("verify")
@click.argument("path", metavar="PTAU", type=click.Path(exists=True, dir_okay=False))
@json_option
@command_errors
def ptau_verify(path: str, as_json: bool) -> None:
    """Verify every contribution and every section of PTAU."""
    from ceremony import phase1_verify

    prog, cb = _progress("verify", not as_json)
    try:
        with prog:
            rep = phase1_verify.verify(path, progress=cb)
    except phase1_verify.TranscriptInvalid as exc:
        raise Rejected({"file": path, "reason": str(exc)}, str(exc)) from exc
    lines = [f"{path}: powers of tau OK (power {rep.power}, {len(rep.contributions)} contributions"
             + (", Lagrange sections verified)" if rep.prepared else ")")]
    for c in rep.contributions:
        lines.append(f"  #{c['index']} {c['type']} {c['name']!r}: {c['response_hash'][:32]}...")
    emit(rep.as_dict(), as_json, "\n".join(lines))


@ptau_group.command("prepare-phase2")
@click.argument("inp", metavar="IN", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@json_option
@command_errors
def ptau_prepare(inp: str, out: str, as_json: bool) -> None:
    """Add the Lagrange sections phase 2 needs (group inverse FFTs)."""
    from ceremony import phase1

    prog, cb = _progress("prepare phase2", not as_json)
    with prog:
        phase1.prepare_phase2(inp, out, progress=cb)
    emit({"ok": True, "file": out}, as_json, f"wrote {out}")


@ptau_group.command("truncate")
@click.argument("inp", metavar="IN", type=click.Path(exists=True, dir_okay=False))
@click.argument("template")
@json_option
@command_errors
def ptau_truncate(inp: str, template: str, as_json: bool) -> None:
    """Write TEMPLATE01.ptau ... for every smaller power (IN must be prepared)."""
    from ceremony import phase1

    files = phase1.truncate(inp, template)
    emit({"ok": True, "files": files}, as_json, "\n".join(f"wrote {f}" for f in files))


# ---------------------------------------------------------------- phase 2 (added to `zkvct zkey`)


@click.command("contribute")
@click.argument("inp", metavar="IN", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--name", default="", help="Contributor name stored in the key (64 chars max).")
@click.option("--entropy", "-e", default="", help="Extra text mixed into the OS randomness (optional).")
@json_option
@command_errors
def zkey_contribute(inp: str, out: str, name: str, entropy: str, as_json: bool) -> None:
    """Phase 2: add a contribution (new random delta) to the Groth16 key IN, write OUT."""
    from ceremony import phase2

    prog, cb = _progress("zkey contribute", not as_json)
    with prog:
        res = phase2.contribute(inp, out, name=name, entropy=entropy, progress=cb)
    emit({"ok": True, "file": out, "contribution_hash": res.contribution_hash.hex()}, as_json,
         f"wrote {out}\ncontribution hash (publish it): {res.contribution_hash.hex()}")


@click.command("beacon")
@click.argument("inp", metavar="IN", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@click.argument("beacon_hash", metavar="BEACON_HEX")
@click.argument("num_iterations_exp", metavar="EXP", type=int)
@click.option("--name", default="", help="Name stored with the beacon contribution.")
@json_option
@command_errors
def zkey_beacon(inp: str, out: str, beacon_hash: str, num_iterations_exp: int, name: str, as_json: bool) -> None:
    """Phase 2: apply the public beacon BEACON_HEX (SHA-256 iterated 2^EXP times)."""
    from ceremony import phase1, phase2

    res = phase2.beacon(inp, out, phase1.parse_beacon_hash(beacon_hash), num_iterations_exp, name=name)
    emit({"ok": True, "file": out, "contribution_hash": res.contribution_hash.hex()}, as_json,
         f"wrote {out}\nbeacon contribution hash: {res.contribution_hash.hex()}")


@click.command("verify")
@click.argument("r1cs_path", metavar="R1CS", type=click.Path(exists=True, dir_okay=False))
@click.argument("ptau_path", metavar="PTAU", type=click.Path(exists=True, dir_okay=False))
@click.argument("zkey_path", metavar="ZKEY", type=click.Path(exists=True, dir_okay=False))
@json_option
@command_errors
def zkey_verify(r1cs_path: str, ptau_path: str, zkey_path: str, as_json: bool) -> None:
    """Phase 2: verify ZKEY was made from R1CS and PTAU by valid contributions (snarkjs argument order)."""
    from ceremony import phase2

    prog, cb = _progress("zkey verify", not as_json)
    try:
        with prog:
            rep = phase2.verify(zkey_path, r1cs_path, ptau_path, progress=cb)
    except phase2.ZkeyInvalid as exc:
        raise Rejected({"file": zkey_path, "reason": str(exc)}, str(exc)) from exc
    lines = [f"{zkey_path}: ZKey OK ({len(rep['contributions'])} contributions)"]
    lines += [f"  #{c['index']} {c['type']} {c['name']!r}: {c['contribution_hash'][:32]}..." for c in rep["contributions"]]
    emit(rep, as_json, "\n".join(lines))


def register(main: click.Group) -> None:
    main.add_command(ptau_group)
    zkey = main.commands.get("zkey")
    if not isinstance(zkey, click.Group):  # zkey_cmd (groth16 side) not present: own the group
        zkey = click.Group("zkey", help="Groth16 proving keys (.zkey).")
        main.add_command(zkey)
    for cmd in (zkey_contribute, zkey_beacon, zkey_verify):
        zkey.add_command(cmd)
    from . import ceremony_service_cmd

    ceremony_service_cmd.register(main)
