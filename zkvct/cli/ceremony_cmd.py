"""Ceremony commands: ``zkvct powersoftau ...`` (phase 1) and ``zkvct ceremony ...`` (contributor
client and coordinator service, from :mod:`.ceremony_service_cmd`). Phase 2 on a single key
(``zkvct zkey contribute|beacon|verify``) lives with the other ``zkey`` verbs in :mod:`.zkey_cmd`.

Verification commands exit 0 when the transcript is valid and 1 (``REJECTED: <reason>``) when a
check fails; malformed input exits 2. Long steps show progress on stderr; ``--json`` prints one
JSON object on stdout.
"""
from __future__ import annotations

import click

from .common import Rejected, command_errors, emit, json_option
from .contribution_options import beacon_options, contribution_options, in_out_arguments
from .progress import step_progress as _progress  # also imported from here by ceremony_service_cmd


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
@contribution_options("transcript")
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
@beacon_options()
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
@in_out_arguments()
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


def register(main: click.Group) -> None:
    main.add_command(ptau_group)
    from . import ceremony_service_cmd

    ceremony_service_cmd.register(main)
