"""The section container: round trips, and every truncation is a clean FormatError."""
from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings, strategies as st

from zkvct.formats.binfile import BinWriter, FormatError, parse_bytes, read_binfile

sections_strategy = st.lists(st.tuples(st.integers(1, 20), st.binary(max_size=64)), max_size=6)


@given(sections=sections_strategy)
@settings(max_examples=60, deadline=None)
def test_round_trip(tmp_path_factory, sections):
    path = tmp_path_factory.mktemp("bin") / "f.bin"
    with BinWriter(path, magic=b"zkey", version=1, n_sections=len(sections)) as out:
        for sid, payload in sections:
            out.section(sid, payload)
    with read_binfile(path, magic=b"zkey", versions=[1]) as bf:
        for sid, payload in sections:
            found = [bytes(bf.data[s:s + n]) for s, n in bf.sections[sid]]
            assert payload in found
        assert sum(len(v) for v in bf.sections.values()) == len(sections)


@given(sections=sections_strategy.filter(lambda s: len(s) > 0), cut=st.integers(min_value=1, max_value=10_000))
@settings(max_examples=80, deadline=None)
def test_any_truncation_is_a_format_error(sections, cut):
    blob = struct.pack("<4sII", b"wtns", 2, len(sections)) + b"".join(
        struct.pack("<IQ", sid, len(p)) + p for sid, p in sections
    )
    cut = min(cut, len(blob))
    with pytest.raises(FormatError):
        parse_bytes(blob[: len(blob) - cut], magic=b"wtns", versions=[2])


def test_wrong_magic_and_version_are_named():
    blob = struct.pack("<4sII", b"r1cs", 1, 0)
    with pytest.raises(FormatError, match="not a .wtns file"):
        parse_bytes(blob, magic=b"wtns", versions=[2])
    with pytest.raises(FormatError, match="unsupported .r1cs version 1"):
        parse_bytes(blob, magic=b"r1cs", versions=[2])


def test_missing_and_repeated_sections(tmp_path):
    path = tmp_path / "f.bin"
    with BinWriter(path, magic=b"zkey", version=1, n_sections=2) as out:
        out.section(3, b"a")
        out.section(3, b"b")
    with read_binfile(path, magic=b"zkey", versions=[1]) as bf:
        with pytest.raises(FormatError, match="section 3 .* appears 2 times"):
            bf.section(3, "IC")
        with pytest.raises(FormatError, match="section 9 .* is missing"):
            bf.section(9, "H")


def test_writer_is_atomic_on_error(tmp_path):
    path = tmp_path / "f.bin"
    with pytest.raises(RuntimeError):
        with BinWriter(path, magic=b"zkey", version=1, n_sections=1) as out:
            out.section(1, b"x")
            raise RuntimeError("boom")
    assert not path.exists() and not (tmp_path / "f.bin.tmp").exists()
