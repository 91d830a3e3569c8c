"""The .zkey reader rejects malformed keys with a clear error; the writer round-trips."""
from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from g16_badpoints import g2_not_in_subgroup
from zkvct.curve import G1Point
from zkvct.field import Q, R
from zkvct.formats.binfile import FormatError, parse_bytes
from zkvct.formats.zkey import ZkeyError, parse_zkey, read_zkey, write_zkey_like
from zkvct.groth16.setup import dev_setup
from zkvct.groth16.synthetic import chain_circuit


@pytest.fixture(scope="module")
def key_bytes(tmp_path_factory) -> bytes:
    r1cs, _ = chain_circuit(12)
    path = tmp_path_factory.mktemp("zk") / "k.zkey"
    dev_setup(r1cs, path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def bad_g2_lem() -> bytes:
    return g2_not_in_subgroup(1)[0].to_lem()


def section_start(data: bytes, sid: int) -> int:
    bf = parse_bytes(data, magic=b"zkey", versions=[1])
    (start, _size), = bf.sections[sid]
    return start


def patch(data: bytes, pos: int, new: bytes) -> bytes:
    return data[:pos] + new + data[pos + len(new):]


def test_valid_key_parses(key_bytes):
    zk = parse_zkey(key_bytes)
    assert zk.header.n_vars == 14 and zk.header.n_public == 1 and zk.header.domain_size == 16
    assert zk.mpc.contributions == []
    assert zk.n_coeffs == 12 + 24 + 2


def test_write_round_trip(key_bytes, tmp_path):
    src = tmp_path / "a.zkey"
    src.write_bytes(key_bytes)
    with read_zkey(src) as zk:
        write_zkey_like(tmp_path / "b.zkey", zk)
    assert (tmp_path / "b.zkey").read_bytes() == key_bytes


HEADER_CASES = [
    ("n8q", 0, struct.pack("<I", 48), "n8q = 48"),
    ("q", 4, (Q + 2).to_bytes(32, "little"), "base field prime"),
    ("n8r", 36, struct.pack("<I", 8), "n8r = 8"),
    ("r", 40, (R - 2).to_bytes(32, "little"), "scalar field prime"),
    ("domainSize not power of 2", 80, struct.pack("<I", 24), "not a power of two"),
    ("domainSize doubled", 80, struct.pack("<I", 32), "section"),
    ("nVars", 72, struct.pack("<I", 15), "section"),
    ("nPublic >= nVars", 76, struct.pack("<I", 14), "nPublic"),
    ("alpha1 x >= q", 84, (Q + 1 << 0).to_bytes(32, "little"), "alpha1"),
    ("alpha1 off curve", 84 + 32, (5).to_bytes(32, "little"), "alpha1"),
    ("alpha1 infinity", 84, bytes(64), "alpha1"),
    ("delta2 infinity", 84 + 64 * 2 + 128 * 2 + 64, bytes(128), "delta2"),
]


@pytest.mark.parametrize("name,offset,new,match", HEADER_CASES, ids=[c[0] for c in HEADER_CASES])
def test_header_errors(key_bytes, name, offset, new, match):
    data = patch(key_bytes, section_start(key_bytes, 2) + offset, new)
    with pytest.raises(ZkeyError, match=match):
        parse_zkey(data)


@pytest.mark.parametrize("field_offset", [84 + 128, 84 + 128 + 128])  # beta2, gamma2
def test_header_g2_outside_subgroup(key_bytes, bad_g2_lem, field_offset):
    data = patch(key_bytes, section_start(key_bytes, 2) + field_offset, bad_g2_lem)
    with pytest.raises(ZkeyError, match="subgroup"):
        parse_zkey(data)
    with pytest.raises(ZkeyError, match="subgroup"):
        parse_zkey(data, trusted=True)  # header points are always checked


def test_bulk_b2_outside_subgroup_only_caught_untrusted(key_bytes, bad_g2_lem):
    data = patch(key_bytes, section_start(key_bytes, 7) + 128 * 3, bad_g2_lem)
    with pytest.raises(ZkeyError, match="B2"):
        parse_zkey(data)
    parse_zkey(data, trusted=True)  # documented fast path: no subgroup checks on bulk sections


@pytest.mark.parametrize("sid", [5, 6, 8, 9])
def test_bulk_g1_off_curve(key_bytes, sid):
    data = patch(key_bytes, section_start(key_bytes, sid) + 64 + 32, (7).to_bytes(32, "little"))
    with pytest.raises(ZkeyError, match=f"section {sid}"):
        parse_zkey(data)


def test_ic_checked_even_when_trusted(key_bytes):
    data = patch(key_bytes, section_start(key_bytes, 3) + 32, (7).to_bytes(32, "little"))
    with pytest.raises(ZkeyError, match="IC"):
        parse_zkey(data, trusted=True)


@pytest.mark.parametrize(
    "entry_offset,new,match",
    [
        (0, struct.pack("<I", 2), r"coefficient 5 has matrix \(0 = A, 1 = B\) = 2, allowed below 2"),
        (4, struct.pack("<I", 16), r"coefficient 5 has constraint \(< domainSize\) = 16, allowed below 16"),
        (8, struct.pack("<I", 14), r"coefficient 5 has signal \(< nVars\) = 14, allowed below"),
        (8, struct.pack("<I", 0xFFFFFFFF), r"coefficient 5 has signal \(< nVars\) = 4294967295"),
        (12, R.to_bytes(32, "little"), "coefficient 5 has a value that is not < r"),
    ],
)
def test_coefficient_errors(key_bytes, entry_offset, new, match):
    data = patch(key_bytes, section_start(key_bytes, 4) + 4 + 44 * 5 + entry_offset, new)
    with pytest.raises(ZkeyError, match=match):
        parse_zkey(data)


def test_coefficient_count_mismatch(key_bytes):
    data = patch(key_bytes, section_start(key_bytes, 4), struct.pack("<I", 39))
    with pytest.raises(ZkeyError, match="entries need"):
        parse_zkey(data)


def test_protocol_not_groth16(key_bytes):
    data = patch(key_bytes, section_start(key_bytes, 1), struct.pack("<I", 2))
    with pytest.raises(ZkeyError, match="plonk"):
        parse_zkey(data)


def test_contribution_count_without_data(key_bytes):
    data = patch(key_bytes, section_start(key_bytes, 10) + 64, struct.pack("<I", 1))
    with pytest.raises(ZkeyError, match="contribution 1 of 1 is truncated"):
        parse_zkey(data)


def test_wrong_magic_and_version(key_bytes):
    with pytest.raises(FormatError, match="not a .zkey"):
        parse_zkey(b"ptau" + key_bytes[4:])
    with pytest.raises(FormatError, match="version"):
        parse_zkey(key_bytes[:4] + struct.pack("<I", 2) + key_bytes[8:])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_any_truncation_is_a_clean_error(key_bytes, cut):
    cut = cut % len(key_bytes)
    with pytest.raises(FormatError):
        parse_zkey(key_bytes[:cut])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pos=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_any_bit_flip_is_caught_or_harmless(key_bytes, pos, bit):
    """A flipped bit either fails parsing cleanly or leaves a key that still parses (e.g. a
    coefficient or contribution hash changed); parsing never crashes with another exception."""
    pos %= len(key_bytes)
    data = bytearray(key_bytes)
    data[pos] ^= 1 << bit
    try:
        parse_zkey(bytes(data))
    except (FormatError, ValueError):
        pass


def test_point_type_round_trip():
    g = G1Point.generator()
    assert G1Point.from_lem(g.to_lem()) == g


_U32_NEAR = st.one_of(st.integers(0, 40), st.integers(2**32 - 3, 2**32 - 1), st.integers(0, 2**32 - 1))
_VALUE = st.one_of(
    st.integers(0, R - 1), st.integers(R, 2**256 - 1), st.sampled_from([0, 1, R - 1, R, R + 1, 2**256 - 1])
)


@settings(max_examples=200, deadline=None)
@given(entries=st.lists(st.tuples(st.integers(0, 3), _U32_NEAR, _U32_NEAR, _VALUE), max_size=40),
       domain_size=st.integers(1, 40), n_vars=st.integers(1, 40))
def test_coefficient_check_matches_a_per_entry_reading(entries, domain_size, n_vars):
    """The strided, vectorised check names the same first bad entry as reading entry by entry:
    all matrices first, then constraints, signals and values (the order of the error messages)."""
    from types import SimpleNamespace

    from zkvct.formats.zkey import _check_coeffs

    payload = struct.pack("<I", len(entries)) + b"".join(
        struct.pack("<III", m, c, s) + v.to_bytes(32, "little") for m, c, s, v in entries)
    header = SimpleNamespace(domain_size=domain_size, n_vars=n_vars)
    expected = None
    for column, limit, word in ((0, 2, "matrix"), (1, domain_size, "constraint"), (2, n_vars, "signal")):
        bad = [k for k, e in enumerate(entries) if e[column] >= limit]
        if bad:
            expected = f"coefficient {bad[0]} has {word} .* = {entries[bad[0]][column]}, allowed below {limit}"
            break
    if expected is None:
        bad = [k for k, e in enumerate(entries) if e[3] >= R]
        expected = f"coefficient {bad[0]} has a value that is not < r" if bad else None
    if expected is None:
        _check_coeffs("k.zkey", memoryview(payload), header)
    else:
        with pytest.raises(ZkeyError, match=expected):
            _check_coeffs("k.zkey", memoryview(payload), header)
