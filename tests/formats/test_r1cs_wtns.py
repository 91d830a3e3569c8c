"""circom .r1cs / .wtns: read what circom writes, write what snarkjs reads, reject bad files."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from zkvct.field import R, fr_array, fr_ints
from zkvct.formats.binfile import FormatError
from zkvct.formats.r1cs_file import parse_r1cs, read_r1cs, write_r1cs
from zkvct.formats.wtns_file import parse_wtns, read_wtns, write_wtns
from zkvct.r1cs import R1CS, WitnessError, check_witness

CIRCUIT = """
pragma circom 2.0.0;
include "circomlib/circuits/poseidon.circom";
template M() {
  signal input a; signal input b; signal output c; signal output h;
  c <== a*b + 3;
  component p = Poseidon(2); p.inputs[0] <== a; p.inputs[1] <== b; h <== p.out;
}
component main {public [a]} = M();
"""


@pytest.fixture(scope="module")
def circom_files(npm_peers, tmp_path_factory):
    work = tmp_path_factory.mktemp("circom")
    out = npm_peers.compile_circom(CIRCUIT, "mul", work)
    wtns = npm_peers.circom_witness(out["wasm"], {"a": 3, "b": 11}, work / "mul.wtns")
    return out["r1cs"], wtns


def test_reads_circom_output_and_round_trips_byte_for_byte(circom_files, tmp_path):
    r1cs_path, wtns_path = circom_files
    r1cs = read_r1cs(r1cs_path)
    assert (r1cs.n_pub_out, r1cs.n_pub_in, r1cs.n_prv_in) == (2, 1, 1)
    assert r1cs.n_constraints > 200  # Poseidon(2) dominates
    witness = read_wtns(wtns_path)
    values = fr_ints(witness[:4])
    assert values[0] == 1 and values[1] == 3 * 11 + 3 and values[3] == 3
    # circomlib test vector: Poseidon(3, 11) is what circom computed; the witness satisfies the R1CS
    check_witness(r1cs, witness)
    write_r1cs(r1cs, tmp_path / "re.r1cs")
    write_wtns(tmp_path / "re.wtns", witness)
    assert (tmp_path / "re.r1cs").read_bytes() == r1cs_path.read_bytes()
    assert (tmp_path / "re.wtns").read_bytes() == wtns_path.read_bytes()


def test_snarkjs_reads_our_files(circom_files, npm_peers, tmp_path):
    r1cs = read_r1cs(circom_files[0])
    r1cs.wire_to_label = np.arange(r1cs.n_wires, dtype=np.uint64)  # change the file, still valid
    r1cs.n_labels = r1cs.n_wires
    write_r1cs(r1cs, tmp_path / "ours.r1cs")
    info = npm_peers.snarkjs("r1cs", "info", str(tmp_path / "ours.r1cs")).stdout
    assert f"# of Constraints: {r1cs.n_constraints}" in info
    assert f"# of Wires: {r1cs.n_wires}" in info
    write_wtns(tmp_path / "ours.wtns", read_wtns(circom_files[1]))
    check = npm_peers.snarkjs("wtns", "check", str(tmp_path / "ours.r1cs"), str(tmp_path / "ours.wtns"))
    assert "WITNESS IS CORRECT" in check.stdout


def test_check_witness_names_first_broken_constraint(circom_files):
    r1cs = read_r1cs(circom_files[0])
    witness = read_wtns(circom_files[1]).copy()
    witness[1] = fr_array([37])[0]  # output c claimed as 37 instead of 36
    with pytest.raises(WitnessError, match=r"does not satisfy constraint \d+"):
        check_witness(r1cs, witness)
    with pytest.raises(WitnessError, match="has 3 values but the circuit has"):
        check_witness(r1cs, witness[:3])


def test_truncated_r1cs_and_wtns_are_rejected(circom_files):
    r1cs_bytes = circom_files[0].read_bytes()
    wtns_bytes = circom_files[1].read_bytes()
    for cut in (1, 5, 31, 32, 100, len(r1cs_bytes) // 2, len(r1cs_bytes) - 13):
        with pytest.raises(FormatError):
            parse_r1cs(r1cs_bytes[:-cut])
    for cut in (1, 32, len(wtns_bytes) // 2):
        with pytest.raises(FormatError):
            parse_wtns(wtns_bytes[:-cut])


def test_wrong_prime_and_non_canonical_values(circom_files):
    wtns_bytes = bytearray(circom_files[1].read_bytes())
    # header section: magic(4) ver(4) n(4) id(4) size(8) n8(4) prime(32)...
    bad_prime = bytearray(wtns_bytes)
    bad_prime[28] ^= 1
    with pytest.raises(FormatError, match="not BN254's scalar field"):
        parse_wtns(bytes(bad_prime))
    # first witness value (after header section: 12 + 12 + 40 + 12) set to r
    start = 12 + 12 + 40 + 12
    non_canonical = bytearray(wtns_bytes)
    non_canonical[start:start + 32] = R.to_bytes(32, "little")
    with pytest.raises(FormatError, match="witness value 0 is not < r"):
        parse_wtns(bytes(non_canonical))


lc = st.dictionaries(st.integers(0, 9), st.integers(1, R - 1), max_size=4)


@given(rows=st.lists(st.tuples(lc, lc, lc), min_size=1, max_size=12), n_pub_in=st.integers(0, 3))
@settings(max_examples=60, deadline=None)
def test_r1cs_write_read_property(tmp_path_factory, rows, n_pub_in):
    r1cs = R1CS.from_rows(n_wires=10, n_pub_out=1, n_pub_in=n_pub_in, n_prv_in=2, constraints=rows)
    path = tmp_path_factory.mktemp("r") / "x.r1cs"
    write_r1cs(r1cs, path)
    back = read_r1cs(path)
    assert back.n_constraints == len(rows) and back.n_pub_in == n_pub_in
    for i, (a, b, c) in enumerate(rows):
        assert back.a.row(i) == {w: v for w, v in a.items()}
        assert back.b.row(i) == b and back.c.row(i) == c


@given(values=st.lists(st.integers(0, R - 1), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_wtns_property(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("w") / "x.wtns"
    write_wtns(path, fr_array(values))
    assert fr_ints(read_wtns(path)) == values
