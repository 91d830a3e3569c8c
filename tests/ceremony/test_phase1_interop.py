"""Phase 1 both ways with the real snarkjs 0.7.6: each verifies the other's transcripts."""
from __future__ import annotations

import pytest
from ceremony_helpers import BEACON, copy

from ceremony import phase1, phase1_verify

pytestmark = pytest.mark.interop


def _snarkjs_verify(npm_peers, path) -> str:
    proc = npm_peers.snarkjs("powersoftau", "verify", str(path), check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Powers of Tau Ok!" in out, out
    return out


@pytest.mark.parametrize("name", ["z1", "z2", "z3", "z4"])
def test_snarkjs_verifies_zkvct_transcripts(npm_peers, zkvct_chain, name) -> None:
    out = _snarkjs_verify(npm_peers, zkvct_chain[name])
    if name == "z3":
        assert "Beacon generator: " + BEACON in out


@pytest.mark.parametrize("name", ["s1", "s2", "s3", "s4"])
def test_zkvct_verifies_snarkjs_transcripts(snarkjs_chain, name) -> None:
    rep = phase1_verify.verify(snarkjs_chain[name])
    assert len(rep.contributions) == {"s1": 1, "s2": 2, "s3": 3, "s4": 3}[name]
    assert rep.prepared == (name == "s4")


def test_response_hashes_agree_with_snarkjs(npm_peers, snarkjs_chain) -> None:
    """snarkjs prints each contribution's response hash; ours (resumed partial state) must match."""
    out = _snarkjs_verify(npm_peers, snarkjs_chain["s3"])
    words = "".join(ch for ch in out.split("Contribution #1: bob")[1].split("Response Hash:")[1].split("Response Hash:")[0] if ch in "0123456789abcdef")
    rep = phase1_verify.verify(snarkjs_chain["s3"])
    assert rep.contributions[0]["response_hash"] == words[:128]


def test_beacon_and_prepare_are_byte_identical_to_snarkjs(work, snarkjs_chain) -> None:
    phase1.beacon(snarkjs_chain["s2"], work / "b.ptau", bytes.fromhex(BEACON), 10, name="Final Beacon")
    assert (work / "b.ptau").read_bytes() == snarkjs_chain["s3"].read_bytes()
    phase1.prepare_phase2(snarkjs_chain["s3"], work / "p.ptau")
    assert (work / "p.ptau").read_bytes() == snarkjs_chain["s4"].read_bytes()


@pytest.mark.slow
def test_mixed_chain(npm_peers, work, snarkjs_chain) -> None:
    """snarkjs → zkvct → snarkjs → zkvct beacon: both verify every step."""
    phase1.contribute(snarkjs_chain["s1"], work / "m2.ptau", name="zk one")
    npm_peers.snarkjs("powersoftau", "contribute", str(work / "m2.ptau"), str(work / "m3.ptau"), "--name=js two", "-e=x")
    phase1.beacon(work / "m3.ptau", work / "m4.ptau", bytes.fromhex("ab" * 32), 11)
    phase1.prepare_phase2(work / "m4.ptau", work / "m5.ptau")
    for f in ("m2", "m3", "m4", "m5"):
        _snarkjs_verify(npm_peers, work / f"{f}.ptau")
        phase1_verify.verify(work / f"{f}.ptau")


def test_truncate_matches_snarkjs(npm_peers, work, snarkjs_chain) -> None:
    copy(snarkjs_chain["s4"], work / "s4.ptau")  # snarkjs writes next to its input
    npm_peers.snarkjs("powersoftau", "truncate", str(work / "s4.ptau"))
    ours = phase1.truncate(snarkjs_chain["s4"], str(work / "ours_"))
    for p, f in enumerate(ours, start=1):
        assert (work / f"s4_{p:02d}.ptau").read_bytes() == open(f, "rb").read()
