"""Prepared-key and batch verification agree with single verification, and a batch with one bad
proof among 256 is refused with that proof named (soundness of the random coefficients:
native/src/verify_batch.rs, docs/DESIGN.md "Batch verification")."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkvct import native
from zkvct.curve import G1Point, G2Point, g1_lem_array
from zkvct.errors import EncodingLengthError, PointError, ScalarError
from zkvct.field import R, fr_array
from zkvct.formats.zkey import read_zkey
from zkvct.groth16 import batch
from zkvct.groth16.batch import BatchResult, prepare, prepared_key_for, verify_batch
from zkvct.groth16.export import verification_key
from zkvct.groth16.json_models import Proof, VerificationKey
from zkvct.groth16.prove import proving_key
from zkvct.groth16.setup import dev_setup
from zkvct.groth16.synthetic import chain_circuit
from zkvct.groth16.verify import verify

STATEMENTS = [3, 5, 7, 11, 13, 17, 19, 23]
"""x0 values: one circuit, several witnesses, so the batch holds different public inputs."""


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A dev key for a 20-constraint chain circuit, and 256 fresh proofs over 8 statements."""
    r1cs, _ = chain_circuit(20, x0=STATEMENTS[0])
    path = tmp_path_factory.mktemp("batch") / "chain.zkey"
    dev_setup(r1cs, path)
    with read_zkey(path) as zk:
        vk = verification_key(zk)
        key = proving_key(zk)
        witnesses = [chain_circuit(20, x0=x)[1] for x in STATEMENTS]
        items = []
        for i in range(256):
            pa, pb, pc = native.groth16_prove(key, witnesses[i % len(witnesses)])
            proof = Proof.from_points(G1Point.from_lem(pa, "pi_a"), G2Point.from_lem(pb, "pi_b"), G1Point.from_lem(pc, "pi_c"))
            items.append((proof, [STATEMENTS[i % len(STATEMENTS)]]))
    return vk, items


def with_point(proof: Proof, field: str, value) -> Proof:
    return Proof.parse({**proof.to_obj(), field: value})


def off_curve(proof: Proof) -> Proof:
    """pi_a with y + 1: still a canonical coordinate, no longer on the curve."""
    x, y, z = proof.pi_a
    return with_point(proof, "pi_a", [x, str(int(y) + 1), z])


def test_all_valid_batch_of_256_passes_and_each_proof_verifies_singly(setup):
    vk, items = setup
    key = prepare(vk)
    assert verify_batch(key, items) == BatchResult(True)
    for proof, pub in items[:16]:
        assert verify(vk, pub, proof).ok
        assert key.verify(pub, proof).ok


@pytest.mark.parametrize("bad", [0, 137, 255])
def test_one_bad_proof_among_256_is_caught_and_named(setup, bad):
    vk, items = setup
    key = prepare(vk)
    # another statement's public input for this proof: well-formed, but the pairing check fails
    tampered = list(items)
    proof, (x,) = tampered[bad]
    tampered[bad] = (proof, [x + 2])
    res = verify_batch(key, tampered)
    assert not res.ok and res.bad_index == bad
    assert res.reason == f"proof {bad}: {batch.PAIRING_FAILED}"
    assert not verify(vk, [x + 2], proof).ok


def test_swapped_c_is_caught(setup):
    vk, items = setup
    key = prepare(vk)
    tampered = list(items)
    p, q = tampered[40][0], tampered[41][0]
    tampered[40] = (with_point(p, "pi_c", q.pi_c), tampered[40][1])
    assert verify_batch(key, tampered).bad_index == 40


def test_public_not_below_r_is_refused_with_its_index(setup):
    vk, items = setup
    key = prepare(vk)
    tampered = list(items)
    proof, (x,) = tampered[9]
    tampered[9] = (proof, [x + R])  # aliases x: must be refused, not reduced
    res = verify_batch(key, tampered)
    assert not res.ok and res.bad_index == 9
    assert res.reason.startswith("proof 9: public signal[0]")


def test_off_curve_point_is_refused_with_its_index(setup):
    vk, items = setup
    key = prepare(vk)
    tampered = list(items)
    tampered[77] = (off_curve(tampered[77][0]), tampered[77][1])
    res = verify_batch(key, tampered)
    assert not res.ok and res.bad_index == 77
    assert res.reason == "proof 77: pi_a: not on the curve"
    # single verification names it the way it always has
    single = verify(vk, tampered[77][1], tampered[77][0])
    assert not single.ok and single.reason.startswith("pi_a: ")


def test_wrong_count_of_publics_is_named(setup):
    vk, items = setup
    res = verify_batch(prepare(vk), [items[0], (items[1][0], [5, 6])])
    assert res == BatchResult(False, 1, "proof 1: got 2 public signals, the verification key expects nPublic = 1")


def test_empty_batch_and_malformed_items(setup):
    vk, items = setup
    key = prepare(vk)
    assert verify_batch(key, []) == BatchResult(True)
    with pytest.raises(ValueError, match="batch item 1: expected a"):
        verify_batch(key, [items[0], items[1][0]])
    with pytest.raises(ValueError, match="batch item 0: the proof must be"):
        verify_batch(key, [(items[0][0].to_obj(), [3])])


def test_native_batch_refuses_mismatched_lengths_and_names_indices(setup):
    vk, items = setup
    key = prepare(vk).native
    proofs = b"".join(a.to_lem() + b.to_lem() + c.to_lem() for a, b, c in (p.points() for p, _ in items[:4]))
    pubs = fr_array([x for _, (x,) in items[:4]]).tobytes()
    assert key.batch_verify(proofs, pubs) is None
    assert key.batch_verify(b"", b"") is None
    with pytest.raises(EncodingLengthError, match="4 proofs with 1 public inputs each need 128 bytes"):
        key.batch_verify(proofs, pubs[:96])
    with pytest.raises(EncodingLengthError, match="not a whole number of 256-byte proofs"):
        key.batch_verify(proofs[:-1], pubs[:96])
    bad = bytearray(pubs)
    bad[2 * 32:3 * 32] = b"\xff" * 32
    with pytest.raises(ScalarError, match="proof 2: public input 0") as exc:
        key.batch_verify(proofs, bytes(bad))
    assert exc.value.index == 2
    off = bytearray(proofs)
    off[3 * 256 + 64 + 5] ^= 1  # pi_b of proof 3
    with pytest.raises(PointError, match="proof 3: pi_b") as exc:
        key.batch_verify(bytes(off), pubs)
    assert exc.value.index == 3


def test_prepared_key_refuses_a_bad_key_and_the_cache_falls_back(setup):
    vk, items = setup
    obj = vk.to_obj()
    x, y = obj["vk_alpha_1"][:2]
    bad_vk = VerificationKey.parse({**obj, "vk_alpha_1": [x, str(int(y) + 1), "1"]})
    with pytest.raises(PointError, match="vk alpha1: not on the curve"):
        prepare(bad_vk)
    assert prepared_key_for(bad_vk) is None
    proof, pub = items[0]
    res = verify(bad_vk, pub, proof)
    assert not res.ok and res.reason.startswith("vk_alpha_1: ")
    # with a bad proof too, the proof's fault is named first, as before the cache existed
    res = verify(bad_vk, pub, off_curve(proof))
    assert res.reason.startswith("pi_a: ")


def test_cache_is_keyed_by_the_key_points(setup):
    vk, items = setup
    batch.clear_prepared_cache()
    first = prepared_key_for(vk)
    assert first is not None and prepared_key_for(VerificationKey.parse(vk.to_obj())) is first
    # another key (a different IC point) never reuses this one's entry
    obj = vk.to_obj()
    other = VerificationKey.parse({**obj, "IC": [obj["IC"][1], obj["IC"][0]]})
    second = prepared_key_for(other)
    assert second is not None and second is not first and second.digest != first.digest
    proof, pub = items[0]
    assert verify(vk, pub, proof).ok
    assert not verify(other, pub, proof).ok
    encodings = batch.key_encodings(vk)
    assert encodings[4] == g1_lem_array(vk.ic())


KINDS = st.sampled_from(["valid", "valid", "valid", "wrong_public", "swapped_c", "off_curve", "public_ge_r"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(KINDS, min_size=1, max_size=8), start=st.integers(0, 200))
def test_batch_agrees_with_single_verification(setup, kinds, start):
    vk, items = setup
    key = prepare(vk)
    batch_items = []
    for j, kind in enumerate(kinds):
        proof, (x,) = items[start + j]
        pub = [x]
        if kind == "wrong_public":
            pub = [x + 1]
        elif kind == "swapped_c":
            proof = with_point(proof, "pi_c", items[start + j + 1][0].pi_c)
        elif kind == "off_curve":
            proof = off_curve(proof)
        elif kind == "public_ge_r":
            pub = [x + R]
        batch_items.append((proof, pub))
    singles = [verify(vk, pub, proof).ok for proof, pub in batch_items]
    res = verify_batch(key, batch_items)
    assert res.ok == all(singles)
    if not res.ok:
        # malformed proofs are refused before any pairing: the lowest-index one is named
        malformed = [j for j, kind in enumerate(kinds) if kind in ("off_curve", "public_ge_r")]
        assert res.bad_index == (malformed[0] if malformed else singles.index(False))
    for (proof, pub), single in zip(batch_items, singles):
        assert key.verify(pub, proof).ok == single


def test_lowest_index_malformed_proof_is_named_whichever_check_finds_it(setup):
    vk, items = setup
    key = prepare(vk)
    tampered = list(items[:8])
    tampered[2] = (off_curve(tampered[2][0]), tampered[2][1])  # found natively
    tampered[5] = (tampered[5][0], [R + 1])  # found in Python before the native call
    assert verify_batch(key, tampered).bad_index == 2
    tampered[1] = (tampered[1][0], [1, 2])
    assert verify_batch(key, tampered).bad_index == 1
