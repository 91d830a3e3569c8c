"""Header-declared sizes and counts are checked against the file before anything is allocated.

Each test builds a small hostile file whose header claims far more than its bytes hold and
expects the format's own error naming the field, the declared value and what the file allows,
while the process may grow by at most 1 GiB (so a reader that trusts the header fails here
with MemoryError instead of taking the machine down).
"""
from __future__ import annotations

import struct

import pytest

from ceremony.records import parse_contributions
from zkvct.field import R
from zkvct.formats.binfile import FormatError, parse_bytes
from zkvct.formats.r1cs_file import parse_r1cs
from zkvct.formats.ptau import PtauError, parse_ptau, read_ptau
from zkvct.formats.wtns_file import parse_wtns
from zkvct.formats.zkey import ZkeyError, parse_zkey

U32_MAX = 0xFFFFFFFF


def container(magic: bytes, version: int, sections: list[tuple[int, bytes]]) -> bytes:
    return struct.pack("<4sII", magic, version, len(sections)) + b"".join(
        struct.pack("<IQ", sid, len(payload)) + payload for sid, payload in sections
    )


def field(prime: int) -> bytes:
    return struct.pack("<I", 32) + prime.to_bytes(32, "little")


def test_r1cs_huge_constraint_count_in_104_bytes(memory_cap) -> None:
    """The reported case: 104 bytes claiming 2^32 - 1 constraints (96 GiB of offsets before the fix)."""
    header = field(R) + struct.pack("<IIIIQI", 2, 0, 1, 0, 2, U32_MAX)
    data = container(b"r1cs", 1, [(1, header), (2, struct.pack("<I", 0))])
    assert len(data) == 104
    with memory_cap(), pytest.raises(FormatError, match=r"nConstraints = 4294967295 is more than the file allows \(0: the constraints section is 4 bytes"):
        parse_r1cs(data)


def test_r1cs_huge_wire_count_without_wire_map(memory_cap) -> None:
    """No section 3: the reader built an identity map of nWires entries (32 GiB) before the fix."""
    header = field(R) + struct.pack("<IIIIQI", U32_MAX, 0, 1, 0, 2, 0)
    data = container(b"r1cs", 1, [(1, header), (2, b"")])
    with memory_cap(), pytest.raises(FormatError, match=r"nWires = 4294967295 is more than the file allows \(1: without a wire map"):
        parse_r1cs(data)


def _section_start(data: bytes, magic: bytes, version: int, sid: int) -> int:
    (start, _), = parse_bytes(data, magic=magic, versions=[version]).sections[sid]
    return start


def _patched(data: bytes, pos: int, fmt: str, value: int) -> bytes:
    raw = bytearray(data)
    struct.pack_into(fmt, raw, pos, value)
    return bytes(raw)


def test_wtns_huge_witness_count(memory_cap) -> None:
    data = container(b"wtns", 2, [(1, field(R) + struct.pack("<I", U32_MAX)), (2, b"")])
    with memory_cap(), pytest.raises(FormatError, match=r"witness section holds 0 bytes; 4294967295 values need"):
        parse_wtns(data)


@pytest.mark.parametrize("section,offset,match", [
    (2, 72, r"section 5 \(A\) is"),  # nVars
    (2, 80, r"domainSize 4294967295 is not a power of two"),
    (4, 0, r"coefficients section is \d+ bytes; 4294967295 entries need"),
    (10, 64, r"contribution 1 of 4294967295 is truncated"),
], ids=["nVars", "domainSize", "coefficient count", "contribution count"])
def test_zkey_huge_counts(valid_files, memory_cap, section, offset, match) -> None:
    data = valid_files["zkey"].read_bytes()
    bad = _patched(data, _section_start(data, b"zkey", 1, section) + offset, "<I", U32_MAX)
    with memory_cap(), pytest.raises(ZkeyError, match=match):
        parse_zkey(bad)


def test_ptau_power_beyond_its_sections(valid_files, memory_cap, tmp_path) -> None:
    data = valid_files["ptau"].read_bytes()
    header = _section_start(data, b"ptau", 1, 1)
    for power, match in ((28, r"section 2 \(tauG1\) is 448 bytes; 34359738304 expected"), (U32_MAX, r"power 4294967295 is out of range; allowed 1..28")):
        bad = tmp_path / f"p{power}.ptau"
        bad.write_bytes(_patched(_patched(data, header + 36, "<I", power), header + 40, "<I", power))
        with memory_cap(), pytest.raises(PtauError, match=match):
            read_ptau(bad)


def test_ptau_huge_contribution_count(valid_files, memory_cap) -> None:
    data = valid_files["ptau"].read_bytes()
    bad = _patched(data, _section_start(data, b"ptau", 1, 7), "<I", U32_MAX)
    with memory_cap(), pytest.raises(FormatError, match=r"contribution #2 is truncated"):
        parse_ptau(bad, records=parse_contributions)


def test_container_huge_section_count_and_size(memory_cap) -> None:
    many = struct.pack("<4sII", b"wtns", 2, U32_MAX) + struct.pack("<IQ", 1, 0)
    with memory_cap(), pytest.raises(FormatError, match=r"declares 4294967295 sections, but 12 bytes after it hold at most 1"):
        parse_bytes(many, magic=b"wtns", versions=[2])
    huge = struct.pack("<4sII", b"wtns", 2, 1) + struct.pack("<IQ", 1, (1 << 64) - 1)
    with memory_cap(), pytest.raises(FormatError, match=r"section 1 declares 18446744073709551615 bytes but only 0 remain"):
        parse_bytes(huge, magic=b"wtns", versions=[2])
