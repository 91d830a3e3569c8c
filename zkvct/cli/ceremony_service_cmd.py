"""``zkvct ceremony ...``: run a coordinated ceremony (init, serve, finalize) and take part in one
(keygen, contribute, status), or check a finished one (verify)."""
from __future__ import annotations

import json

import click

from .common import Rejected, command_errors, emit, json_option


@click.group("ceremony")
def ceremony_group() -> None:
    """Multi-party trusted-setup ceremonies: coordinator service and contributor client."""


@ceremony_group.command("keygen")
@click.argument("keyfile", type=click.Path(dir_okay=False))
@json_option
@command_errors
def keygen(keyfile: str, as_json: bool) -> None:
    """Create a secp256k1 participant key (file mode 0600) and print its did:shr."""
    from pathlib import Path

    from ceremony.coordinator import signing

    if Path(keyfile).exists():
        raise click.UsageError(f"{keyfile} exists; refusing to overwrite a key")
    did = signing.did_of(signing.new_key(keyfile))
    emit({"ok": True, "did": did, "keyfile": keyfile}, as_json, did)


@ceremony_group.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", "cname", required=True, help="Ceremony name (part of every attestation).")
@click.option("--admin-did", required=True, help="did:shr allowed to finalize.")
@click.option("--ptau", "ptau_tracks", multiple=True, metavar="NAME=FILE", help="A phase-1 track starting from FILE.")
@click.option("--circuit", "zkey_tracks", multiple=True, metavar="NAME=ZKEY,R1CS,PTAU", help="A phase-2 track: initial zkey, circuit, prepared ptau.")
@click.option("--turn-timeout", default=3600.0, show_default=True, help="Seconds a participant may hold the turn.")
@json_option
@command_errors
def init(directory: str, cname: str, admin_did: str, ptau_tracks: tuple[str, ...], zkey_tracks: tuple[str, ...], turn_timeout: float, as_json: bool) -> None:
    """Create a ceremony in DIRECTORY with one or more tracks."""
    from ceremony.coordinator.core import Coordinator, TrackSpec

    specs = []
    for spec in ptau_tracks:
        name, _, path = spec.partition("=")
        specs.append(TrackSpec(name, "ptau", path))
    for spec in zkey_tracks:
        name, _, rest = spec.partition("=")
        parts = rest.split(",")
        if len(parts) != 3:
            raise click.BadParameter(f"{spec!r}: expected NAME=ZKEY,R1CS,PTAU", param_hint="--circuit")
        specs.append(TrackSpec(name, "zkey", parts[0], parts[1], parts[2]))
    Coordinator.init(directory, cname, specs, admin_did, turn_timeout).close()
    emit({"ok": True, "directory": directory, "tracks": [s.name for s in specs]}, as_json, f"ceremony {cname!r} created in {directory}")


@ceremony_group.command("serve")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--turn-timeout", type=float, default=None, help="Override the timeout stored at init (seconds).")
@command_errors
def serve_cmd(directory: str, host: str, port: int, turn_timeout: float | None) -> None:
    """Run the coordinator HTTP service for the ceremony in DIRECTORY."""
    from ceremony.coordinator.server import serve

    def ready(addr) -> None:
        click.echo(f"coordinator listening on http://{addr[0]}:{addr[1]}", err=True)

    serve(directory, host, port, turn_timeout=turn_timeout, ready=ready)


@ceremony_group.command("contribute")
@click.argument("inp", metavar="[IN]", required=False, type=click.Path(exists=True, dir_okay=False))
@click.argument("out", metavar="[OUT]", required=False, type=click.Path(dir_okay=False))
@click.option("--coordinator", "url", help="Coordinator URL (network mode).")
@click.option("--key", "keyfile", type=click.Path(exists=True, dir_okay=False), help="Participant key file (network mode).")
@click.option("--name", default="", help="Name stored with the contribution.")
@click.option("--entropy", "-e", default="", help="Extra text mixed into the OS randomness.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between turn checks.")
@json_option
@command_errors
def contribute(inp: str | None, out: str | None, url: str | None, keyfile: str | None, name: str, entropy: str, poll: float, as_json: bool) -> None:
    """Contribute: to a coordinator (--coordinator URL --key KEYFILE) or file to file (IN OUT, .ptau or .zkey)."""
    from .ceremony_cmd import _progress

    prog, cb = _progress("ceremony contribute", not as_json)
    if url or keyfile:
        if not (url and keyfile) or inp or out:
            raise click.UsageError("network mode needs --coordinator URL and --key KEYFILE (and no IN/OUT)")
        from ceremony.coordinator import signing
        from ceremony.coordinator.client import Client

        client = Client(url, signing.load_key(keyfile))

        def waiting(st: dict) -> None:
            prog.step = f"waiting for the turn (position {st.get('position')})"

        with prog:
            prog("joining the queue")
            receipts = client.contribute(name=name, entropy=entropy, progress=cb, poll=poll, on_wait=waiting)
        lines = [f"{r['track']} #{r['seq']}: contribution hash (publish it): {r['contribution_hash']}" for r in receipts]
        emit({"ok": True, "did": client.did, "receipts": receipts}, as_json, "\n".join(lines))
        return
    if not (inp and out):
        raise click.UsageError("give IN and OUT files, or --coordinator URL --key KEYFILE")
    from zkvct.formats.zkey import is_zkey

    with prog:
        if is_zkey(inp):
            from ceremony import phase2

            h = phase2.contribute(inp, out, name=name, entropy=entropy, progress=cb).contribution_hash
        else:
            from ceremony import phase1

            h = phase1.contribute(inp, out, name=name, entropy=entropy, progress=cb).response_hash
    emit({"ok": True, "file": out, "contribution_hash": h.hex()}, as_json, f"wrote {out}\ncontribution hash (publish it): {h.hex()}")


@ceremony_group.command("status")
@click.option("--coordinator", "url", required=True)
@json_option
@command_errors
def status(url: str, as_json: bool) -> None:
    """Show the queue, the current turn and the tracks of a coordinator."""
    import urllib.request

    with urllib.request.urlopen(url.rstrip("/") + "/api/status", timeout=30) as resp:
        st = json.loads(resp.read())
    emit(st, as_json, json.dumps(st, indent=2))


@ceremony_group.command("finalize")
@click.option("--coordinator", "url", required=True)
@click.option("--key", "keyfile", required=True, type=click.Path(exists=True, dir_okay=False), help="The admin key.")
@click.option("--beacon", "beacon_hex", required=True, help="Public beacon value (hex).")
@click.option("--exp", "num_iterations_exp", default=10, show_default=True, type=click.IntRange(10, 63))
@json_option
@command_errors
def finalize(url: str, keyfile: str, beacon_hex: str, num_iterations_exp: int, as_json: bool) -> None:
    """Apply the beacon and publish the final keys and transcript (admin only)."""
    from ceremony import phase1
    from ceremony.coordinator import signing
    from ceremony.coordinator.client import Client

    tx = Client(url, signing.load_key(keyfile)).finalize(phase1.parse_beacon_hash(beacon_hex), num_iterations_exp)
    emit(tx, as_json, f"finalized: {len(tx['contributions'])} contributions over {len(tx['tracks'])} tracks")


@ceremony_group.command("verify")
@click.argument("final_dir", type=click.Path(exists=True, file_okay=False))
@json_option
@command_errors
def verify(final_dir: str, as_json: bool) -> None:
    """Check a finished ceremony's published directory (transcript.json and final files)."""
    from ceremony import phase1_verify, phase2
    from ceremony.coordinator.transcript_verify import TranscriptMismatch, verify_published

    try:
        rep = verify_published(final_dir)
    except (TranscriptMismatch, phase1_verify.TranscriptInvalid, phase2.ZkeyInvalid) as exc:
        raise Rejected({"directory": final_dir, "reason": str(exc)}, str(exc)) from exc
    lines = [f"ceremony {rep['ceremony']!r}: transcript and final files OK"]
    lines += [f"  {n}: {t['kind']}, {t['contributions']} contributions + beacon" for n, t in rep["tracks"].items()]
    emit({"ok": True, **rep}, as_json, "\n".join(lines))


def register(main: click.Group) -> None:
    main.add_command(ceremony_group)
