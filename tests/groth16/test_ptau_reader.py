"""The .ptau reader (real snarkjs files) and its errors."""
from __future__ import annotations

import struct

import pytest

import ptau_cache
from zkvct.field import Q
from zkvct.formats.binfile import FormatError, parse_bytes
from zkvct.formats.ptau import PtauError, read_ptau
from zkvct.groth16.setup import setup
from zkvct.groth16.synthetic import chain_circuit

pytestmark = pytest.mark.interop


def test_prepared_ptau_sections(ptau9):
    with read_ptau(ptau9) as p:
        assert (p.power, p.ceremony_power, p.prepared) == (9, 9, True)
        assert len(p.lagrange(12, 10)) == 1024 * 64
        assert len(p.lagrange(13, 9)) == 512 * 128
        assert len(p.tau_g1()) == (2 ** 10 - 1) * 64
        # level 0 of the Lagrange basis is the single point L_0 = 1 -> the generator
        from zkvct import native as n

        assert bytes(p.lagrange(12, 0)) == n.g1_generator()
        assert bytes(p.lagrange(13, 0)) == n.g2_generator()
        with pytest.raises(PtauError, match="no level"):
            p.lagrange(13, 10)


def test_unprepared_ptau_message(ptau9, ptau_dir, tmp_path):
    raw = ptau_cache.unprepared_ptau(9, ptau_dir)
    r1cs, _ = chain_circuit(10)
    with pytest.raises(PtauError, match="not prepared for phase 2"):
        setup(r1cs, raw, tmp_path / "x.zkey")


def test_power_too_small_message(ptau9, tmp_path):
    r1cs, _ = chain_circuit(600)
    with pytest.raises(PtauError, match="power 9 is too small for a circuit needing 2\\^10"):
        setup(r1cs, ptau9, tmp_path / "x.zkey")


def _header_pos(data: bytes) -> int:
    bf = parse_bytes(data, magic=b"ptau", versions=[1])
    (start, _), = bf.sections[1]
    return start


@pytest.mark.parametrize(
    "offset,new,match",
    [
        (0, struct.pack("<I", 48), "field element size"),
        (4, (Q - 2).to_bytes(32, "little"), "not BN254"),
        (36, struct.pack("<I", 8), "section 2 \\(tauG1\\) is"),
        (36, struct.pack("<I", 0), "out of range"),
        (40, struct.pack("<I", 3), "ceremonyPower"),
    ],
)
def test_header_errors(ptau9, tmp_path, offset, new, match):
    data = bytearray(ptau9.read_bytes())
    pos = _header_pos(bytes(data)) + offset
    data[pos:pos + len(new)] = new
    bad = tmp_path / "bad.ptau"
    bad.write_bytes(bytes(data))
    with pytest.raises(PtauError, match=match):
        read_ptau(bad)


def test_truncated(ptau9, tmp_path):
    data = ptau9.read_bytes()
    bad = tmp_path / "bad.ptau"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="truncated"):
        read_ptau(bad)
