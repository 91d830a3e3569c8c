"""``zkvct ceremony ...``: run a coordinated ceremony (init, serve, finalize) and take part in one
(keygen, contribute, status), or check a finished one (verify)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import Rejected, command_errors, emit, json_option
from .progress import step_progress


@click.group("ceremony")
def ceremony_group() -> None:
    """Multi-party trusted-setup ceremonies: coordinator service and contributor client."""


PASSPHRASE_ENV = "ZKVCT_CEREMONY_PASSPHRASE"
passphrase_option = click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False),
                                 help=f"File whose first line seals/opens the participant key (else ${PASSPHRASE_ENV}).")


def _passphrase(passphrase_file: str | None, required: bool = False) -> str | None:
    """The key passphrase from a file or the environment (never argv); None when neither is set
    and ``required`` is false (a key file written by a library caller may be unsealed)."""
    import os

    from ..sealed import read_passphrase

    if passphrase_file or os.environ.get(PASSPHRASE_ENV) or required:
        return read_passphrase(None if passphrase_file else PASSPHRASE_ENV, passphrase_file, what="participant key")
    return None


def _load_key(keyfile: str, passphrase_file: str | None):
    from ceremony.coordinator import signing

    return signing.load_key(keyfile, _passphrase(passphrase_file))


@ceremony_group.command("keygen")
@click.argument("keyfile", type=click.Path(dir_okay=False))
@passphrase_option
@json_option
@command_errors
def keygen(keyfile: str, passphrase_file: str | None, as_json: bool) -> None:
    """Create a secp256k1 participant key, sealed under a passphrase (file mode 0600), and print its did:shr."""
    from ceremony.coordinator import signing

    if Path(keyfile).exists():
        raise click.UsageError(f"{keyfile} exists; refusing to overwrite a key")
    did = signing.did_of(signing.new_key(keyfile, _passphrase(passphrase_file, required=True)))
    emit({"ok": True, "did": did, "keyfile": keyfile}, as_json, did)


def _read_allow(allow: tuple[str, ...], allow_file: str | None) -> tuple[str, ...]:
    dids = list(allow)
    if allow_file:
        dids += [ln.strip() for ln in Path(allow_file).read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    return tuple(dict.fromkeys(dids))


@ceremony_group.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", "cname", required=True, help="Ceremony name (part of every attestation).")
@click.option("--admin-did", required=True, help="did:shr allowed to finalize.")
@click.option("--ptau", "ptau_tracks", multiple=True, metavar="NAME=FILE", help="A phase-1 track starting from FILE.")
@click.option("--circuit", "zkey_tracks", multiple=True, metavar="NAME=ZKEY,R1CS,PTAU",
              help="A phase-2 track: initial zkey, circuit, prepared ptau (its phase-1 transcript is verified); "
                   "NAME=R1CS,PTAU: the coordinator makes the initial zkey itself (groth16 setup).")
@click.option("--turn-timeout", default=3600.0, show_default=True, type=click.FloatRange(1, 7 * 86400), help="Seconds a participant may hold the turn.")
@click.option("--min-contributors", default=2, show_default=True, type=click.IntRange(1, 1000), help="Distinct contributors every track needs before finalize.")
@click.option("--max-turns", default=1, show_default=True, type=click.IntRange(1, 100), help="Turns one DID may take.")
@click.option("--max-beacon-exp", default=24, show_default=True, type=click.IntRange(10, 63), help="Largest beacon iteration exponent finalize accepts (snarkjs: 10..63).")
@click.option("--allow", multiple=True, metavar="DID", help="Admit this did:shr (repeatable).")
@click.option("--allow-file", type=click.Path(exists=True, dir_okay=False), help="File of admitted DIDs, one per line.")
@click.option("--invites", default=0, type=click.IntRange(0, 10000), help="Make N single-use invite codes (printed once).")
@click.option("--open-registration", is_flag=True, help="Admit any DID (not recommended: anyone can queue).")
@click.option("--db", "db_url", default=None, help="Database URL (default: sqlite in DIRECTORY; postgresql+psycopg://... for replicas).")
@json_option
@command_errors
def init(directory: str, cname: str, admin_did: str, ptau_tracks: tuple[str, ...], zkey_tracks: tuple[str, ...], turn_timeout: float,
         min_contributors: int, max_turns: int, max_beacon_exp: int, allow: tuple[str, ...], allow_file: str | None, invites: int,
         open_registration: bool, db_url: str | None, as_json: bool) -> None:
    """Create a ceremony in DIRECTORY with one or more tracks."""
    from ceremony.coordinator.core import Coordinator, TrackSpec
    from ceremony.coordinator.policy import CeremonyPolicy, PolicyError

    specs = []
    for spec in ptau_tracks:
        name, _, path = spec.partition("=")
        specs.append(TrackSpec(name, "ptau", path))
    for spec in zkey_tracks:
        name, _, rest = spec.partition("=")
        parts = rest.split(",")
        if len(parts) == 2:  # no starting key given: the coordinator runs the Groth16 setup itself
            parts = [None, *parts]
        if len(parts) != 3 or not all(parts[1:]):
            raise click.BadParameter(f"{spec!r}: expected NAME=ZKEY,R1CS,PTAU or NAME=R1CS,PTAU", param_hint="--circuit")
        specs.append(TrackSpec(name, "zkey", parts[0] or None, parts[1], parts[2]))
    try:
        policy = CeremonyPolicy(min_contributors=min_contributors, turn_timeout=turn_timeout, max_turns_per_did=max_turns,
                                max_beacon_exp=max_beacon_exp, allow=_read_allow(allow, allow_file), invites=invites > 0,
                                open_registration=open_registration)
    except PolicyError as exc:
        raise click.UsageError(str(exc)) from None
    coord = Coordinator.init(directory, cname, specs, admin_did, policy, invites=invites, db_url=db_url)
    coord.close()
    lines = [f"ceremony {cname!r} created in {directory} (id {coord.ceremony_id})"]
    if coord.new_invites:
        lines += ["invite codes (shown once; give one to each participant):"] + coord.new_invites
    emit({"ok": True, "directory": directory, "ceremony_id": coord.ceremony_id, "tracks": [s.name for s in specs],
          "invites": coord.new_invites}, as_json, "\n".join(lines))


@ceremony_group.command("serve")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--turn-timeout", type=click.FloatRange(1, 7 * 86400), default=None, help="Override the timeout stored at init (seconds).")
@click.option("--db", "db_url", default=None, help="Database URL given at init, if not the default sqlite file.")
@click.option("--max-connections", default=256, show_default=True, type=click.IntRange(8, 100000))
@json_option
@command_errors
def serve_cmd(directory: str, host: str, port: int, turn_timeout: float | None, db_url: str | None, max_connections: int,
              as_json: bool) -> None:
    """Run the coordinator HTTP service for the ceremony in DIRECTORY (OpenAPI at /openapi.json)."""
    from ceremony.coordinator.server import serve

    def ready(addr) -> None:
        url = f"http://{addr[0]}:{addr[1]}"
        emit({"ok": True, "url": url}, as_json, f"coordinator listening on {url}")

    serve(directory, host, port, turn_timeout=turn_timeout, ready=ready, db_url=db_url, max_connections=max_connections)


@ceremony_group.command("contribute")
@click.argument("inp", metavar="[IN]", required=False, type=click.Path(exists=True, dir_okay=False))
@click.argument("out", metavar="[OUT]", required=False, type=click.Path(dir_okay=False))
@click.option("--coordinator", "url", help="Coordinator URL (network mode).")
@click.option("--key", "keyfile", type=click.Path(exists=True, dir_okay=False), help="Participant key file (network mode).")
@passphrase_option
@click.option("--invite", default=None, help="Invite code, for ceremonies that admit by invitation.")
@click.option("--name", default="", help="Name stored with the contribution.")
@click.option("--entropy", "-e", default="", help="Extra text mixed into the OS randomness.")
@click.option("--poll", default=2.0, show_default=True, type=click.FloatRange(0.01, 600), help="Seconds between turn checks.")
@json_option
@command_errors
def contribute(inp: str | None, out: str | None, url: str | None, keyfile: str | None, invite: str | None, name: str, entropy: str,
               poll: float, as_json: bool, passphrase_file: str | None = None) -> None:
    """Contribute: to a coordinator (--coordinator URL --key KEYFILE) or file to file (IN OUT, .ptau or .zkey)."""
    prog, cb = step_progress("ceremony contribute", not as_json)
    if url or keyfile:
        if not (url and keyfile) or inp or out:
            raise click.UsageError("network mode needs --coordinator URL and --key KEYFILE (and no IN/OUT)")
        from ceremony.coordinator import signing
        from ceremony.coordinator.client import Client

        client = Client(url, _load_key(keyfile, passphrase_file), invite=invite)

        last = {"position": None}

        def waiting(st: dict) -> None:
            line = f"waiting for the turn: position {st.get('position')} of {st.get('waiting')} in the queue"
            if st.get("position") != last["position"]:  # a new line (also in logs) each time the queue moves
                last["position"] = st.get("position")
                prog(line)
            else:
                prog.step = line

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
@click.option("--key", "keyfile", type=click.Path(exists=True, dir_okay=False), help="Show this participant's position too.")
@passphrase_option
@json_option
@command_errors
def status(url: str, keyfile: str | None, as_json: bool, passphrase_file: str | None = None) -> None:
    """Show the queue, the current turn and the tracks of a coordinator."""
    import json

    import httpx

    from ceremony.coordinator import signing
    from ceremony.coordinator.client import Client

    if keyfile:
        st = Client(url, _load_key(keyfile, passphrase_file)).status()
    else:
        try:
            resp = httpx.get(url.rstrip("/") + "/api/status", timeout=30)
        except httpx.HTTPError as exc:
            raise click.ClickException(f"coordinator {url} unreachable: {exc}") from None
        st = resp.json()
    emit(st, as_json, json.dumps(st, indent=2))


@ceremony_group.command("finalize")
@click.option("--coordinator", "url", required=True)
@click.option("--key", "keyfile", required=True, type=click.Path(exists=True, dir_okay=False), help="The admin key.")
@passphrase_option
@click.option("--beacon", "beacon_hex", required=True, help="Public beacon value (hex).")
@click.option("--exp", "num_iterations_exp", default=10, show_default=True, type=click.IntRange(10, 63),
              help="Beacon iteration exponent (snarkjs allows 10..63; the coordinator may cap it lower).")
@json_option
@command_errors
def finalize(url: str, keyfile: str, beacon_hex: str, num_iterations_exp: int, as_json: bool,
             passphrase_file: str | None = None) -> None:
    """Apply the beacon and publish the final keys and transcript (admin only)."""
    from ceremony import phase1
    from ceremony.coordinator import signing
    from ceremony.coordinator.client import Client

    tx = Client(url, _load_key(keyfile, passphrase_file)).finalize(phase1.parse_beacon_hash(beacon_hex), num_iterations_exp)
    emit(tx, as_json, f"finalized: {len(tx['contributions'])} contributions over {len(tx['tracks'])} tracks")


@ceremony_group.command("verify")
@click.argument("final_dirs", metavar="FINAL_DIR...", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False))
@click.option("--min-contributors", default=2, show_default=True, type=click.IntRange(1, 1000),
              help="Distinct contributors every track must have (the ceremony's own minimum applies if higher).")
@json_option
@command_errors
def verify(final_dirs: tuple[str, ...], min_contributors: int, as_json: bool) -> None:
    """Check finished ceremonies' published directories (transcript.json and final files).

    Several directories (phase 1 and the phase 2 built on it) are checked in one go: a phase-1
    file they share is verified once. One directory prints its report; several print
    ``{"ok": true, "ceremonies": [report, ...]}``."""
    from ceremony import phase1_verify, phase2
    from ceremony.coordinator.transcript_verify import Phase1Checks, TranscriptMismatch, verify_published

    from concurrent.futures import ThreadPoolExecutor

    checks, reports, lines = Phase1Checks(), [], []
    # the directories are checked side by side (a shared phase-1 file still once: the others wait
    # for that check); the first one that fails, in the order given, is the one reported
    with ThreadPoolExecutor(min(len(final_dirs), 4), thread_name_prefix="verify") as pool:
        checked = [pool.submit(verify_published, final_dir, min_contributors, checks) for final_dir in final_dirs]
    for final_dir, done in zip(final_dirs, checked):
        try:
            rep = done.result()
        except (TranscriptMismatch, phase1_verify.TranscriptInvalid, phase2.ZkeyInvalid) as exc:
            raise Rejected({"directory": final_dir, "reason": str(exc)}, f"{final_dir}: {exc}") from exc
        reports.append({"directory": final_dir, **rep})
        lines += [f"ceremony {rep['ceremony']!r}: transcript and final files OK"]
        lines += [f"  {n}: {t['kind']}, {t['contributions']} contributions + beacon" for n, t in rep["tracks"].items()]
    result = {"ok": True, **reports[0]} if len(reports) == 1 else {"ok": True, "ceremonies": reports}
    emit(result, as_json, "\n".join(lines))


def register(main: click.Group) -> None:
    main.add_command(ceremony_group)
