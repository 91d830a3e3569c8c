"""Phase 1 round trips on zkvct's own files (no snarkjs needed)."""
from __future__ import annotations

import hashlib

import pytest

from ceremony import phase1, phase1_verify
from blake2b_reference import Blake2b  # the independent pure-Python oracle
from ceremony.records import open_transcript

from ceremony_helpers import BEACON, POWER
from ceremony_helpers import section


def test_new_is_all_generators_and_first_challenge(work) -> None:
    h = phase1.new(3, work / "n.ptau")
    with open_transcript(work / "n.ptau") as pt:
        assert pt.power == pt.ceremony_power == 3 and pt.contributions == []
        g1 = bytes(pt.section(2)[:64])
        assert bytes(pt.section(2)) == g1 * 15
    assert h == phase1.first_challenge_hash(3) and len(h) == 64


def test_chain_verifies_and_records_names(zkvct_chain) -> None:
    rep = phase1_verify.verify(zkvct_chain["z4"])
    assert rep.prepared and rep.power == POWER
    assert [c["name"] for c in rep.contributions] == ["alice", "dave", "Final Beacon"]
    assert [c["type"] for c in rep.contributions] == ["contribution", "contribution", "beacon"]
    assert rep.contributions[2]["beacon_hash"] == BEACON


def test_response_hash_chain(zkvct_chain) -> None:
    """next_challenge = H(response ‖ U(sections)) and response resumes from the stored state."""
    with open_transcript(zkvct_chain["z2"]) as pt:
        last = pt.contributions[-1]
        prev = pt.contributions[-2]
        h = Blake2b.from_state(last.partial_hash)
        h.update(last.key.to_uncompressed())
        assert h.digest() == last.response_hash()
        # the state starts from the previous challenge: first block buffered holds it
        assert Blake2b(prev.next_challenge).state()[:64] == prev.next_challenge
    assert hashlib.blake2b(b"", digest_size=64).digest() != last.next_challenge


def test_contributions_differ_and_are_random(work, zkvct_chain) -> None:
    a = phase1.contribute(zkvct_chain["z1"], work / "a.ptau", name="x")
    b = phase1.contribute(zkvct_chain["z1"], work / "b.ptau", name="x")
    assert a.response_hash != b.response_hash
    assert section(work / "a.ptau", 2) != section(work / "b.ptau", 2)


def test_beacon_is_deterministic(work, zkvct_chain) -> None:
    phase1.beacon(zkvct_chain["z2"], work / "b1.ptau", bytes.fromhex(BEACON), 10, name="Final Beacon")
    assert (work / "b1.ptau").read_bytes() == zkvct_chain["z3"].read_bytes()


def test_contribute_into_prepared_file_drops_lagrange(work, zkvct_chain) -> None:
    phase1.contribute(zkvct_chain["z4"], work / "c.ptau")
    rep = phase1_verify.verify(work / "c.ptau")
    assert not rep.prepared and len(rep.contributions) == 4


def test_truncate_writes_smaller_verifiable_files(work, zkvct_chain) -> None:
    files = phase1.truncate(zkvct_chain["z4"], str(work / "t_"))
    assert [f[-8:] for f in files] == ["_01.ptau", "_02.ptau", "_03.ptau"]
    for f in files:
        with open_transcript(f) as pt:
            assert pt.ceremony_power == POWER and pt.prepared
        rep = phase1_verify.verify(f)
        assert len(rep.contributions) == 3


def test_truncate_requires_prepared(work, zkvct_chain) -> None:
    with pytest.raises(phase1.CeremonyError, match="prepare-phase2"):
        phase1.truncate(zkvct_chain["z3"], str(work / "t_"))


def test_contribute_refuses_truncated_file(work, zkvct_chain) -> None:
    f = phase1.truncate(zkvct_chain["z4"], str(work / "t_"))[0]
    with pytest.raises(phase1.CeremonyError, match="truncated"):
        phase1.contribute(f, work / "x.ptau")


def test_no_secret_left_in_output(work, zkvct_chain) -> None:
    """The key object wipes itself; the file holds only public data (sanity on the record size)."""
    from ceremony.keys import random_key

    sk, _ = random_key(bytes(64))
    assert "secret" in repr(sk) and str(sk.tau) not in repr(sk)
    sk.wipe()
    assert (sk.tau, sk.alpha, sk.beta) == (0, 0, 0)


def test_untouched_accumulator_is_rejected(zkvct_chain) -> None:
    with pytest.raises(phase1_verify.TranscriptInvalid, match="no contributions"):
        phase1_verify.verify(zkvct_chain["z0"])
