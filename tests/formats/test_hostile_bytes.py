"""Property tests: damaged copies of valid files only ever fail with the format's own error.

Every binary reader (.r1cs, .wtns, .zkey, .ptau, and the ceremony's .ptau records) gets valid
files truncated anywhere, with bytes overwritten, with extreme values written over header
fields, section sizes and counts, and random bytes behind a valid magic. A read may succeed (a
change in point data is the verifier's business) or raise :class:`FormatError`; anything else
(MemoryError, IndexError, struct.error, numpy's ValueError, BufferError...) fails the test.
"""
from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceremony.records import parse_contributions
from zkvct.formats.binfile import FormatError, parse_bytes
from zkvct.formats.ptau import parse_ptau
from zkvct.formats.r1cs_file import parse_r1cs
from zkvct.formats.wtns_file import parse_wtns
from zkvct.formats.zkey import parse_zkey

EXTREMES = [0, 1, 2, 3, 31, 32, 33, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF]
EXTREMES_U64 = EXTREMES + [1 << 40, (1 << 63) - 1, 1 << 63, (1 << 64) - 1]


READERS = {
    "r1cs": (b"r1cs", 1, parse_r1cs),
    "wtns": (b"wtns", 2, parse_wtns),
    "zkey": (b"zkey", 1, lambda data: parse_zkey(data).close()),
    "ptau": (b"ptau", 1, lambda data: parse_ptau(data).close()),
    "ptau records": (b"ptau", 1, lambda data: parse_ptau(data, records=parse_contributions).close()),
}
FILE_OF = {"r1cs": "r1cs", "wtns": "wtns", "zkey": "zkey", "ptau": "ptau", "ptau records": "ptau"}
#: Sections whose fields a reader interprets (None: all); the records codec only adds section 7.
FIELDS_OF = {"ptau records": {7}}


def field_offsets(data: bytes, magic: bytes, version: int, only: set[int] | None = None) -> list[int]:
    """Offsets of what a reader sizes things by: the container's section count, every section's
    id and size, the whole header section (1), and the first 16 bytes of every other section
    (where counts live)."""
    bf = parse_bytes(data, magic=magic, versions=[version])
    out = {8}
    for sid, ranges in bf.sections.items():
        if only is not None and sid not in only:
            continue
        for start, size in ranges:
            out.update((start - 12, start - 8))
            out.update(range(start, start + (size if sid in (1, 2) and magic != b"ptau" or sid == 1 else min(size, 16)), 4))
    return sorted(out)


def damage(data: bytes, offsets: list[int], draw) -> bytes:
    """One kind of damage: truncation, overwritten bytes, extreme values over fields, or noise."""
    raw = bytearray(data)
    kind = draw(st.sampled_from(["fields", "fields", "truncate", "bytes", "random"]))
    if kind == "truncate":
        return bytes(raw[:draw(st.integers(0, len(raw) - 1))])
    if kind == "bytes":
        for _ in range(draw(st.integers(1, 4))):
            pos = draw(st.one_of(st.sampled_from(offsets), st.integers(0, len(raw) - 1)))
            raw[pos] = draw(st.integers(0, 255))
        return bytes(raw)
    if kind == "fields":
        for _ in range(draw(st.integers(1, 3))):
            pos = draw(st.sampled_from([o for o in offsets if o + 8 <= len(raw)]))
            if draw(st.booleans()):
                struct.pack_into("<I", raw, pos, draw(st.sampled_from(EXTREMES)))
            else:
                struct.pack_into("<Q", raw, pos, draw(st.sampled_from(EXTREMES_U64)))
        return bytes(raw)
    return bytes(raw[:12]) + draw(st.binary(max_size=400))


@pytest.fixture(scope="module")
def originals(valid_files) -> dict[str, bytes]:
    return {name: Path(valid_files[FILE_OF[name]]).read_bytes() for name in READERS}


@pytest.mark.parametrize("name", list(READERS))
def test_valid_file_reads(name, originals) -> None:
    READERS[name][2](originals[name])  # the starting point is accepted


@pytest.mark.parametrize("name", list(READERS))
@given(data=st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_damaged_file_fails_only_with_format_error(name, originals, memory_cap, data) -> None:
    magic, version, read = READERS[name]
    original = originals[name]
    bad = damage(original, field_offsets(original, magic, version), data.draw)
    try:
        with memory_cap():
            read(bad)
    except FormatError as exc:
        assert str(exc), "a format error must say what is wrong"


@pytest.mark.parametrize("name", list(READERS))
def test_every_field_at_every_extreme(name, originals, memory_cap) -> None:
    """Exhaustively: each count/size/header field of the valid file set to each extreme value."""
    magic, version, read = READERS[name]
    original = originals[name]
    for pos in field_offsets(original, magic, version, FIELDS_OF.get(name)):
        for width, values in ((4, EXTREMES), (8, EXTREMES_U64)):
            if pos + width > len(original):
                continue
            for value in values:
                raw = bytearray(original)
                raw[pos:pos + width] = value.to_bytes(width, "little")
                try:
                    with memory_cap():
                        read(bytes(raw))
                except FormatError:
                    pass
