"""Check a finished ceremony from its published directory (``final/``): anyone can run this.

1. every final file verifies on its own (phase 1: the whole transcript incl. Lagrange sections;
   phase 2: against the published ``.r1cs`` and phase-1 ``.ptau``);
2. per track, the contribution hashes recorded inside the final file, in order, are exactly the
   transcript's accepted contributions followed by the beacon (nothing added, dropped or
   reordered);
3. every transcript entry's attestation is a valid signature by the DID that claims it;
4. the beacon recorded in the files is the announced beacon value and iteration exponent;
5. every track has at least ``min_contributors`` distinct contributor DIDs besides the admin:
   the larger of the verifier's own minimum (default 2, never below 1) and the ceremony's
   published one, so a coordinator cannot publish a ceremony nobody but itself took part in;
6. the phase-1 file behind every phase-2 track is itself a verified, prepared powers-of-tau
   transcript with at least one contribution (a phase-1 file with a known tau would make the
   phase-2 key forgeable whatever its own contributors did).
"""
from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zkvct.errors import ZkvctError

from . import signing


class TranscriptMismatch(ZkvctError):
    """The published transcript and files disagree, or a signature is invalid."""


DEFAULT_MIN_CONTRIBUTORS = 2
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


class Phase1Checks:
    """Phase-1 files already fully verified in this process, by SHA-256 of their bytes.

    One phase-1 file usually sits behind several published directories (phase 1's own and every
    phase-2 track built on it, each with a copy); checking several directories with one of these
    verifies each distinct file once. Keyed by content, so a copy that differs by one byte is
    verified on its own."""

    def __init__(self) -> None:
        self.reports: dict[str, object] = {}
        self._lock = threading.Lock()
        self._per_file: dict[str, threading.Lock] = {}  # directories checked side by side wait for one check

    def verify(self, path: Path):
        import hashlib

        from .. import phase1_verify

        h = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        key = h.hexdigest()
        with self._lock:
            once = self._per_file.setdefault(key, threading.Lock())
        with once:
            if key not in self.reports:
                self.reports[key] = phase1_verify.verify(path)
            return self.reports[key]


def verify_published(final_dir: str | Path, min_contributors: int = DEFAULT_MIN_CONTRIBUTORS,
                     phase1_checks: Phase1Checks | None = None) -> dict:
    """Check one published directory; pass the same ``phase1_checks`` to check several and verify
    each distinct phase-1 file once."""
    try:
        return _verify_published(Path(final_dir), min_contributors, phase1_checks or Phase1Checks())
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, ZkvctError):
            raise
        raise TranscriptMismatch(f"transcript.json is malformed ({type(exc).__name__}: {exc})") from exc


def _verify_published(d: Path, min_contributors: int, checks: Phase1Checks) -> dict:
    from .. import phase2
    from ..records import open_transcript

    if isinstance(min_contributors, bool) or not isinstance(min_contributors, int) or min_contributors < 1:
        raise ValueError("min_contributors must be an integer >= 1")
    tx = json.loads((d / "transcript.json").read_text())
    if not tx.get("finalized"):
        raise TranscriptMismatch("transcript.json is not marked finalized")
    published_min = tx.get("policy", {}).get("min_contributors", DEFAULT_MIN_CONTRIBUTORS)
    need = max(min_contributors, published_min if isinstance(published_min, int) else DEFAULT_MIN_CONTRIBUTORS)
    admin = tx["admin_did"]
    beacon = tx["beacon"]
    by_track: dict[str, list[dict]] = {}
    for c in tx["contributions"]:
        by_track.setdefault(c["track"], []).append(c)
    for c in tx["contributions"]:
        msg = signing.attestation_message(tx["ceremony"], tx["ceremony_id"], c["track"], c["seq"], c["contribution_hash"], c["did"])
        try:
            pub = signing.pubkey_of_did(c["did"])
        except ValueError as exc:
            raise TranscriptMismatch(f"{c['track']} #{c['seq']}: bad DID {c['did']}: {exc}") from exc
        if not signing.verify(pub, msg, c["attestation"]):
            raise TranscriptMismatch(f"{c['track']} #{c['seq']}: attestation is not a valid signature by {c['did']}")
    report = {"ceremony": tx["ceremony"], "tracks": {}}
    for t in tx["tracks"]:
        name, info = t["name"], beacon["tracks"][t["name"]]
        for key in ("file", "r1cs", "ptau"):
            if key in info and not _SAFE_NAME.match(info[key]):
                raise TranscriptMismatch(f"track {name}: published file name {key} must be a plain file name in the directory")
        entries = sorted(by_track.get(name, []), key=lambda c: c["seq"])
        if [c["seq"] for c in entries] != list(range(1, len(entries) + 1)):
            raise TranscriptMismatch(f"track {name}: sequence numbers are not 1..{len(entries)}")
        distinct = {c["did"] for c in entries} - {admin}
        if len(distinct) < need:
            raise TranscriptMismatch(f"track {name}: {len(distinct)} distinct contributors besides the admin; "
                                     f"at least {need} are required")
        if t["kind"] == "ptau":
            rep = checks.verify(d / info["file"])
            hashes = [c["response_hash"] for c in rep.contributions]
            with open_transcript(d / info["file"]) as pt:
                last = pt.contributions[-1]
                b_hash, b_exp = (last.beacon_hash or b"").hex(), last.num_iterations_exp
        else:
            # the key's own check runs beside its phase-1 file's (both mostly native, one core
            # each); a flaw in the phase-1 file is still the error reported first
            with ThreadPoolExecutor(1, thread_name_prefix=f"zkey-{name}") as pool:
                key_check = pool.submit(phase2.verify, d / info["file"], d / info["r1cs"], d / info["ptau"])
                try:
                    p1 = checks.verify(d / info["ptau"])
                except (ZkvctError, ValueError) as exc:
                    raise TranscriptMismatch(f"track {name}: its phase-1 file is not a verified transcript: {exc}") from exc
                if not p1.prepared or not any(c["type"] == "contribution" for c in p1.contributions):
                    raise TranscriptMismatch(f"track {name}: its phase-1 file is unprepared or has no contribution")
                rep2 = key_check.result()
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
