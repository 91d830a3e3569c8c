"""Check a finished ceremony from its published directory (``final/``): anyone can run this.

1. every final file verifies on its own (phase 1: the whole transcript incl. Lagrange sections;
   phase 2: against the published ``.r1cs`` and phase-1 ``.ptau``);
2. per track, the contribution hashes recorded inside the final file, in order, are exactly the
   transcript's accepted contributions followed by the beacon (nothing added, dropped or
   reordered);
3. every transcript entry's attestation is a valid signature by the DID that claims it;
4. the beacon recorded in the files is the announced beacon value and iteration exponent.
"""
from __future__ import annotations

import json
from pathlib import Path

from zkvct.errors import ZkvctError

from . import signing


class TranscriptMismatch(ZkvctError):
    """The published transcript and files disagree, or a signature is invalid."""


def verify_published(final_dir: str | Path) -> dict:
    from .. import phase1_verify, phase2
    from ..records import open_transcript

    d = Path(final_dir)
    tx = json.loads((d / "transcript.json").read_text())
    if not tx.get("finalized"):
        raise TranscriptMismatch("transcript.json is not marked finalized")
    beacon = tx["beacon"]
    by_track: dict[str, list[dict]] = {}
    for c in tx["contributions"]:
        by_track.setdefault(c["track"], []).append(c)
    for c in tx["contributions"]:
        msg = signing.attestation_message(tx["ceremony"], c["track"], c["seq"], c["contribution_hash"], c["did"])
        try:
            pub = signing.pubkey_of_did(c["did"])
        except ValueError as exc:
            raise TranscriptMismatch(f"{c['track']} #{c['seq']}: bad DID {c['did']}: {exc}") from exc
        if not signing.verify(pub, msg, c["attestation"]):
            raise TranscriptMismatch(f"{c['track']} #{c['seq']}: attestation is not a valid signature by {c['did']}")
    report = {"ceremony": tx["ceremony"], "tracks": {}}
    for t in tx["tracks"]:
        name, info = t["name"], beacon["tracks"][t["name"]]
        entries = sorted(by_track.get(name, []), key=lambda c: c["seq"])
        if [c["seq"] for c in entries] != list(range(1, len(entries) + 1)):
            raise TranscriptMismatch(f"track {name}: sequence numbers are not 1..{len(entries)}")
        if t["kind"] == "ptau":
            rep = phase1_verify.verify(d / info["file"])
            hashes = [c["response_hash"] for c in rep.contributions]
            with open_transcript(d / info["file"]) as pt:
                last = pt.contributions[-1]
                b_hash, b_exp = (last.beacon_hash or b"").hex(), last.num_iterations_exp
        else:
            rep2 = phase2.verify(d / info["file"], d / info["r1cs"], d / info["ptau"])
            hashes = [c["contribution_hash"] for c in rep2["contributions"]]
            from zkvct.formats.zkey import read_zkey

            with read_zkey(d / info["file"], trusted=True) as zk:
                last = zk.mpc.contributions[-1]
                b_hash, b_exp = (last.beacon_hash or b"").hex(), last.num_iterations_exp
        want = [c["contribution_hash"] for c in entries] + [info["beacon_hash"]]
        if hashes != want:
            raise TranscriptMismatch(f"track {name}: the file's contributions do not match the transcript "
                                     f"({len(hashes)} in the file, {len(want)} expected incl. the beacon)")
        if last.type != 1 or b_hash != beacon["hash"] or b_exp != beacon["num_iterations_exp"]:
            raise TranscriptMismatch(f"track {name}: the final contribution is not the announced beacon")
        report["tracks"][name] = {"kind": t["kind"], "contributions": len(entries), "file": info["file"],
                                  "dids": [c["did"] for c in entries]}
    return report
