"""Header-declared sizes and counts are checked against the file before anything is allocated.

Each test builds a small hostile file whose header claims far more than its bytes hold and
expects the format's own error naming the field, the declared value and what the file allows,
while the process may grow by at most 1 GiB (so a reader that trusts the header fails here
with MemoryError instead of taking the machine down).
"""
from __future__ import annotations

import struct

import pytest

from zkvct.field import Q, R
from zkvct.formats.binfile import FormatError, parse_bytes
from zkvct.formats.r1cs_file import parse_r1cs
from zkvct.formats.ptau import PtauError, read_ptau
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
