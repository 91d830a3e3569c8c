"""One test per attack on a phase-1 transcript: each is rejected with its own reason."""
from __future__ import annotations

import struct

import pytest
from ceremony_helpers import (
    g1_point_off_curve, g2_point_outside_subgroup, rewrite, section, with_contributions,
)

from zkvct.curve import G1_GENERATOR, G2_GENERATOR
from ceremony import phase1, phase1_verify
from ceremony.phase1_verify import TranscriptInvalid
from ceremony.ptau_file import open_ptau
from zkvct.formats.binfile import FormatError


def test_truncated_file(work, zkvct_chain) -> None:
    raw = zkvct_chain["z2"].read_bytes()
    (work / "t.ptau").write_bytes(raw[:-100])
    with pytest.raises(FormatError, match="truncated"):
        phase1_verify.verify(work / "t.ptau")


def test_wrong_magic_and_version(work, zkvct_chain) -> None:
    raw = bytearray(zkvct_chain["z2"].read_bytes())
    (work / "m.ptau").write_bytes(b"zkey" + raw[4:])
    with pytest.raises(FormatError, match="not a .ptau file"):
        phase1_verify.verify(work / "m.ptau")
    raw[4:8] = struct.pack("<I", 2)
    (work / "v.ptau").write_bytes(raw)
    with pytest.raises(FormatError, match="unsupported .ptau version 2"):
        phase1_verify.verify(work / "v.ptau")


def test_section_of_wrong_size(work, zkvct_chain) -> None:
    rewrite(zkvct_chain["z2"], work / "s.ptau", {4: section(zkvct_chain["z2"], 4)[:-64]})
    with pytest.raises(FormatError, match="section 4 is .* expected"):
        phase1_verify.verify(work / "s.ptau")


def test_wrong_ratio_in_key(work, zkvct_chain) -> None:
    """x·g2_sp replaced by (x+1)·g2_sp: the proof of knowledge for tau fails."""
    def edit(cs):
        k = cs[-1].key
        k.tau_g2_spx = k.tau_g2_spx.add(G2_GENERATOR)
    with_contributions(zkvct_chain["z2"], work / "r.ptau", edit)
    with pytest.raises(TranscriptInvalid, match=r"contribution #2 \(dave\): invalid proof of knowledge for tau"):
        phase1_verify.verify(work / "r.ptau")


def test_reused_key(work, zkvct_chain) -> None:
    """Copying an earlier contributor's public key: it answers another challenge, so it fails."""
    def edit(cs):
        cs[-1].key = cs[0].key
    with_contributions(zkvct_chain["z2"], work / "k.ptau", edit)
    with pytest.raises(TranscriptInvalid, match="invalid proof of knowledge .* different previous challenge"):
        phase1_verify.verify(work / "k.ptau")


def test_tampered_section_point(work, zkvct_chain) -> None:
    """One power replaced by another valid point: the powers are no longer successive."""
    s2 = bytearray(section(zkvct_chain["z2"], 2))
    s2[64 * 5:64 * 6] = G1_GENERATOR.mul(12345).to_lem()
    rewrite(zkvct_chain["z2"], work / "p.ptau", {2: bytes(s2)})
    with pytest.raises(TranscriptInvalid, match=r"section 2 \(tau\*G1\): the points are not successive powers"):
        phase1_verify.verify(work / "p.ptau")


@pytest.mark.parametrize(("sid", "index", "name"), [
    (2, 20, r"section 2 \(tau\*G1\)"),           # the upper half (index >= 2^power)
    (3, 3, r"section 3 \(tau\*G2\)"),
    (4, 7, r"section 4 \(alpha\*tau\*G1\)"),
    (5, 15, r"section 5 \(beta\*tau\*G1\)"),      # the last point
])
def test_tampered_point_in_each_section_is_named(work, zkvct_chain, sid, index, name) -> None:
    """A valid point in the wrong place fails the combined check; the fallback names the section."""
    data = bytearray(section(zkvct_chain["z2"], sid))
    if sid == 3:
        data[128 * index:128 * (index + 1)] = G2_GENERATOR.mul(4242).to_lem()
    else:
        data[64 * index:64 * (index + 1)] = G1_GENERATOR.mul(4242).to_lem()
    rewrite(zkvct_chain["z2"], work / f"t{sid}.ptau", {sid: bytes(data)})
    with pytest.raises(TranscriptInvalid, match=name + ": the points are not successive powers"):
        phase1_verify.verify(work / f"t{sid}.ptau")


def test_section_rescaled_as_a_whole_is_caught_by_its_first_point(work, zkvct_chain) -> None:
    """β·τ^i·G1 all multiplied by 7: still successive powers of τ, but not β's (hash aside)."""
    from zkvct import native

    data = section(zkvct_chain["z2"], 5)
    rescaled = native.g1_batch_mul(data, (7).to_bytes(32, "little") * (len(data) // 64))
    rewrite(zkvct_chain["z2"], work / "r5.ptau", {5: rescaled})
    with pytest.raises(TranscriptInvalid, match=r"section 5: beta\*G1 differs from the last contribution's value"):
        phase1_verify.verify(work / "r5.ptau")


def test_consistently_rescaled_sections_break_the_hash(work, zkvct_chain) -> None:
    """Sections re-scaled by an extra secret after the contribution: only the hash chain catches it."""
    src = zkvct_chain["z2"]
    with open_ptau(src) as pt:
        power = pt.power
    phase1.contribute(src, work / "extra.ptau")
    # keep z2's records (so every key check passes) but take the re-scaled points from extra
    repl = {sid: section(work / "extra.ptau", sid) for sid in (2, 3, 4, 5, 6)}
    rewrite(src, work / "h.ptau", repl)
    with pytest.raises(TranscriptInvalid, match="not successive powers of the final tau"):
        phase1_verify.verify(work / "h.ptau")
    assert power == 4


def test_altered_next_challenge(work, zkvct_chain) -> None:
    """The last record's next-challenge hash no longer matches its response and sections."""
    def edit(cs):
        cs[-1].next_challenge = bytes(64)
    with_contributions(zkvct_chain["z2"], work / "nc.ptau", edit)
    with pytest.raises(TranscriptInvalid, match="do not hash to the last contribution's next challenge"):
        phase1_verify.verify(work / "nc.ptau")


def test_wrong_previous_hash(work, zkvct_chain) -> None:
    """A contribution made on another transcript spliced onto this one: it answers the wrong challenge."""
    phase1.contribute(zkvct_chain["z0"], work / "other1.ptau", name="elsewhere")
    with open_ptau(work / "other1.ptau") as pt:
        foreign = pt.contributions[-1]

    def edit(cs):
        foreign.index = len(cs) + 1
        cs.append(foreign)
    with_contributions(zkvct_chain["z1"], work / "w.ptau", edit)
    with pytest.raises(TranscriptInvalid, match=r"contribution #2 \(elsewhere\)"):
        phase1_verify.verify(work / "w.ptau")


def test_g2_point_outside_subgroup_in_section(work, zkvct_chain) -> None:
    s3 = bytearray(section(zkvct_chain["z2"], 3))
    s3[128 * 3:128 * 4] = g2_point_outside_subgroup()
    rewrite(zkvct_chain["z2"], work / "g.ptau", {3: bytes(s3)})
    with pytest.raises(TranscriptInvalid, match="section 3: .*point 3.*subgroup"):
        phase1_verify.verify(work / "g.ptau")


def test_g2_point_outside_subgroup_in_key(work, zkvct_chain) -> None:
    raw = bytearray(section(zkvct_chain["z2"], 7))
    # record layout: 4 + (3 G1 + 2 G2) + 6 G1, then the tau x·g2_sp key point
    off = 4 + 3 * 64 + 2 * 128 + 6 * 64
    raw[off:off + 128] = g2_point_outside_subgroup()
    rewrite(zkvct_chain["z2"], work / "gk.ptau", {7: bytes(raw)})
    with pytest.raises(FormatError, match="contribution #1 key tau_g2_spx: not in the prime-order subgroup"):
        phase1_verify.verify(work / "gk.ptau")


def test_g1_point_off_curve(work, zkvct_chain) -> None:
    s4 = bytearray(section(zkvct_chain["z2"], 4))
    s4[64:128] = g1_point_off_curve()
    rewrite(zkvct_chain["z2"], work / "c.ptau", {4: bytes(s4)})
    with pytest.raises(TranscriptInvalid, match="section 4: .*point 1.*curve"):
        phase1_verify.verify(work / "c.ptau")


def test_point_at_infinity_in_section(work, zkvct_chain) -> None:
    s5 = bytearray(section(zkvct_chain["z2"], 5))
    s5[64 * 2:64 * 3] = bytes(64)
    rewrite(zkvct_chain["z2"], work / "i.ptau", {5: bytes(s5)})
    with pytest.raises(TranscriptInvalid, match="section 5: .*point 2.*infinity"):
        phase1_verify.verify(work / "i.ptau")


def test_forged_beacon(work, zkvct_chain) -> None:
    """A beacon record whose keys do not come from its beacon value."""
    def edit(cs):
        cs[-1].beacon_hash = bytes.fromhex("ff" * 32)
    with_contributions(zkvct_chain["z3"], work / "fb.ptau", edit)
    with pytest.raises(TranscriptInvalid, match="beacon key .* not the one the beacon value reproduces"):
        phase1_verify.verify(work / "fb.ptau")


def test_tampered_lagrange_section(work, zkvct_chain) -> None:
    s14 = bytearray(section(zkvct_chain["z4"], 14))
    s14[64 * 7:64 * 8] = G1_GENERATOR.mul(7).to_lem()
    rewrite(zkvct_chain["z4"], work / "l.ptau", {14: bytes(s14)})
    with pytest.raises(TranscriptInvalid, match="section 14: Lagrange points for domain size 2\\^3"):
        phase1_verify.verify(work / "l.ptau")


def test_unsorted_or_unknown_parameters(work, zkvct_chain) -> None:
    raw = bytearray(section(zkvct_chain["z1"], 7))
    # the only record ends with: u32 plen, 0x01 len name...; make the tag unknown
    tag_at = len(raw) - len("alice") - 2
    raw[tag_at] = 9
    rewrite(zkvct_chain["z1"], work / "u.ptau", {7: bytes(raw)})
    with pytest.raises(FormatError, match="unknown parameter tag 9"):
        phase1_verify.verify(work / "u.ptau")
