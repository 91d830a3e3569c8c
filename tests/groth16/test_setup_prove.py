"""Dev setup -> prove -> verify on synthetic circuits, and the prover's input checks."""
from __future__ import annotations

import numpy as np
import pytest

from zkvct.field import R, fr_array, fr_ints
from zkvct.formats.zkey import read_zkey
from zkvct.groth16.export import verification_key
from zkvct.groth16.prove import ProveError, prove, prove_with_key
from zkvct.groth16.setup import circuit_power, dev_setup
from zkvct.groth16.synthetic import chain_circuit
from zkvct.groth16.verify import verify
from zkvct.groth16.verify_reference import verify_reference
from zkvct.r1cs import R1CS, check_witness


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    r1cs, witness = chain_circuit(20, x0=5)
    path = tmp_path_factory.mktemp("dev") / "chain.zkey"
    dev_setup(r1cs, path)
    with read_zkey(path) as zk:
        vk = verification_key(zk)
    return r1cs, witness, path, vk


def test_synthetic_witness_satisfies(chain):
    r1cs, witness, _, _ = chain
    check_witness(r1cs, witness)


def test_prove_verify_native_and_reference(chain):
    r1cs, witness, path, vk = chain
    res = prove(path, witness)
    assert res.publics.values == [5]
    assert verify(vk, res.publics, res.proof).ok
    assert verify_reference(vk, res.publics, res.proof).ok
    assert not verify(vk, [6], res.proof).ok
    assert not verify(vk, [5 + R], res.proof).ok  # aliasing input is refused, not reduced


def test_proofs_are_randomised_but_deterministic_with_fixed_blinding(chain):
    _, witness, path, vk = chain
    with read_zkey(path) as zk:
        p1 = prove_with_key(zk, witness).proof
        p2 = prove_with_key(zk, witness).proof
        q1 = prove_with_key(zk, witness, r=7, s=9).proof
        q2 = prove_with_key(zk, witness, r=7, s=9).proof
    assert p1 != p2
    assert q1 == q2
    assert verify(vk, [5], q1).ok


def test_unsatisfied_witness_is_reported(chain):
    _, witness, path, _ = chain
    bad = witness.copy()
    bad[7] = fr_array([12345])[0]
    with pytest.raises(ProveError, match="does not satisfy"):
        prove(path, bad)


@pytest.mark.parametrize(
    "mutate,match",
    [
        (lambda w: w[:-1], "expects nVars"),
        (lambda w: np.concatenate([w, w[:1]]), "expects nVars"),
        (lambda w: w[:, :31], r"shape \(n, 32\)"),
        (lambda w: np.concatenate([fr_array([2]), w[1:]]), "constant 1"),
        (lambda w: np.concatenate([w[:3], np.full((1, 32), 0xFF, dtype=np.uint8), w[4:]]), "value 3 is not < r"),
    ],
)
def test_witness_checks(chain, mutate, match):
    _, witness, path, _ = chain
    with pytest.raises(ProveError, match=match):
        prove(path, mutate(witness.copy()))


@pytest.mark.parametrize(
    "mutate,match",
    [
        (lambda b: b[:-32], "expects nVars"),
        (lambda b: b + b[:32], "expects nVars"),
        (lambda b: b[:-1], "not a whole number|must be n values of 32"),
        (lambda b: (2).to_bytes(32, "little") + b[32:], "constant 1"),
        (lambda b: b[:96] + b"\xff" * 32 + b[128:], "value 3 is not < r"),
    ],
)
def test_witness_checks_on_raw_bytes(chain, mutate, match):
    """The bytes a ``.wtns`` file holds (what the command proves from) get the same checks as an array."""
    _, witness, path, _ = chain
    with pytest.raises(ProveError, match=match):
        prove(path, mutate(witness.tobytes()))


@pytest.mark.parametrize("form", ["bytes", "bytearray", "memoryview"])
def test_raw_bytes_witness_proves_like_the_array(chain, form):
    _, witness, path, vk = chain
    raw = {"bytes": bytes, "bytearray": bytearray, "memoryview": memoryview}[form](witness.tobytes())
    with read_zkey(path) as zk:
        from_bytes = prove_with_key(zk, raw, r=3, s=4)
        from_array = prove_with_key(zk, witness, r=3, s=4)
    assert from_bytes.proof == from_array.proof
    assert from_bytes.publics.values == [5]
    assert verify(vk, from_bytes.publics, from_bytes.proof).ok


def test_circuit_power_matches_snarkjs_rule():
    # snarkjs: log2(nConstraints + nPublic) + 1 with floor log2
    r1cs, _ = chain_circuit(6)  # 6 constraints + 1 public = 7 -> 2^3
    assert circuit_power(r1cs) == 3
    r1cs, _ = chain_circuit(7)  # 8 -> 2^4 (the nPublic + 1 extra rows must fit)
    assert circuit_power(r1cs) == 4


def test_public_outputs_come_first(tmp_path):
    """Wire layout 1 | outputs | inputs: public.json lists outputs then inputs."""
    # out = x * y with x public input, y private: wires 0=1, 1=out, 2=x, 3=y
    r1cs = R1CS.from_rows(n_wires=4, n_pub_out=1, n_pub_in=1, n_prv_in=1, constraints=[({2: 1}, {3: 1}, {1: 1})])
    witness = fr_array([1, 42, 6, 7])
    dev_setup(r1cs, tmp_path / "k.zkey")
    res = prove(tmp_path / "k.zkey", witness)
    assert res.publics.values == [42, 6]
    with read_zkey(tmp_path / "k.zkey") as zk:
        vk = verification_key(zk)
    assert vk.nPublic == 2
    assert verify(vk, res.publics, res.proof).ok
    assert fr_ints(witness[1:3]) == res.publics.values
