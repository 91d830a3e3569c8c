"""Is an uploaded file exactly the current state plus one valid contribution?

The coordinator never trusts an upload: it must parse, keep every earlier contribution record
byte for byte (no history rewriting), add exactly one, and pass the full verification of its kind
(phase 1: :func:`ceremony.phase1_verify.verify`; phase 2: :func:`ceremony.phase2.verify` against
the circuit and the phase-1 file). A beacon record is refused (only finalization applies one).
"""
from __future__ import annotations

from pathlib import Path

from zkvct.errors import ZkvctError


class UploadInvalid(ZkvctError):
    """The upload is not an acceptable next state; the message says why."""


def initial_key_file(track_name: str) -> str:
    """Where a phase-2 track keeps the initial key rebuilt at init from its circuit and phase-1 file
    (relative to the ceremony directory). Every upload is checked against it, so the Groth16 setup
    runs once per track instead of once per upload; it was built by the coordinator itself from
    files it verified, so it is as trusted as those files."""
    return f"inputs/{track_name}.initial.zkey"


def verify_extension(track: dict, root: Path, upload: Path) -> str:
    """Return the new contribution's hash (hex) or raise :class:`UploadInvalid`."""
    current = root / track["state_file"]
    try:
        if track["kind"] == "ptau":
            return _ptau(current, upload)
        return _zkey(current, upload, root / track["r1cs"], root / track["ptau"], root / initial_key_file(track["name"]))
    except UploadInvalid:
        raise
    except (ZkvctError, ValueError) as exc:  # parse errors and failed checks, with their reasons
        raise UploadInvalid(str(exc).replace(str(upload), "upload")) from exc


def _ptau(current: Path, upload: Path) -> str:
    from .. import phase1_verify
    from ..records import open_transcript

    with open_transcript(current) as cur, open_transcript(upload) as new:
        if (new.power, new.ceremony_power) != (cur.power, cur.ceremony_power):
            raise UploadInvalid(f"power {new.power} differs from the ceremony's {cur.power}")
        if len(new.contributions) != len(cur.contributions) + 1:
            raise UploadInvalid(f"expected exactly one new contribution on top of {len(cur.contributions)}, found {len(new.contributions)}")
        for old, mine in zip(cur.contributions, new.contributions):
            if old.to_bytes() != mine.to_bytes():
                raise UploadInvalid(f"earlier contribution #{old.index} was altered")
        last = new.contributions[-1]
        if last.type != 0:
            raise UploadInvalid("a beacon is applied only at finalization")
        if new.prepared:
            raise UploadInvalid("upload the plain accumulator (no phase-2 sections)")
    phase1_verify.verify(upload)
    return last.response_hash().hex()


def _zkey(current: Path, upload: Path, r1cs: Path, ptau: Path, initial: Path) -> str:
    from zkvct.formats.zkey import read_zkey

    from .. import phase2

    with read_zkey(current, trusted=True) as cur, read_zkey(upload) as new:
        if new.mpc.cs_hash != cur.mpc.cs_hash:
            raise UploadInvalid("circuit hash differs from the ceremony's circuit")
        if len(new.mpc.contributions) != len(cur.mpc.contributions) + 1:
            raise UploadInvalid(f"expected exactly one new contribution on top of {len(cur.mpc.contributions)}, found {len(new.mpc.contributions)}")
        for i, (old, mine) in enumerate(zip(cur.mpc.contributions, new.mpc.contributions), start=1):
            if old.encode() != mine.encode():
                raise UploadInvalid(f"earlier contribution #{i} was altered")
        last = new.mpc.contributions[-1]
        if last.type != 0:
            raise UploadInvalid("a beacon is applied only at finalization")
    if initial.is_file():  # rebuilt from r1cs and ptau when the ceremony was created
        phase2.verify_against(upload, initial)
    else:  # a ceremony directory made before the rebuilt key was kept
        phase2.verify(upload, r1cs, ptau)
    return phase2.contribution_hash(last).hex()
