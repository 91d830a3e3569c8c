"""Groth16 interop with the real snarkjs 0.7.6 and circom2 (the acceptance tests of issue 2).

Every direction is covered: snarkjs verifies zkvct proofs; zkvct (native and py_ecc) verifies
snarkjs proofs; zkvct's setup output is byte-identical to ``snarkjs groth16 setup``, passes
``snarkjs zkey verify`` and snarkjs proves with it; zkvct proves with snarkjs keys carrying
phase-2 contributions and a beacon; a circomlib Poseidon chain compiled by circom2 is proved by
zkvct from circom's own .wtns.
"""
from __future__ import annotations

import shutil

import pytest

from zkvct.formats.binfile import read_binfile
from zkvct.formats.r1cs_file import read_r1cs
from zkvct.formats.wtns_file import read_wtns
from zkvct.formats.zkey import read_zkey
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.json_models import Proof, PublicSignals, VerificationKey
from zkvct.groth16.prove import prove, prove_files
from zkvct.groth16.setup import setup_files
from zkvct.groth16.verify import verify, verify_files
from zkvct.groth16.verify_reference import verify_reference
from zkvct.r1cs import check_witness

pytestmark = pytest.mark.interop


def snarkjs_verifies(npm_peers, vk, public, proof) -> bool:
    proc = npm_peers.snarkjs("groth16", "verify", str(vk), str(public), str(proof), check=False)
    return proc.returncode == 0 and "OK!" in proc.stdout


def test_zkvct_setup_is_byte_identical_to_snarkjs(mul_circuit, snarkjs_keys, ptau9, tmp_path):
    ours = tmp_path / "ours.zkey"
    setup_files(str(mul_circuit.r1cs), str(ptau9), str(ours))
    assert ours.read_bytes() == snarkjs_keys.zkey0.read_bytes()


def test_snarkjs_zkey_verify_accepts_zkvct_key_and_snarkjs_proves_with_it(npm_peers, mul_circuit, ptau9, tmp_path):
    ours = tmp_path / "ours.zkey"
    setup_files(str(mul_circuit.r1cs), str(ptau9), str(ours))
    proc = npm_peers.snarkjs("zkey", "verify", str(mul_circuit.r1cs), str(ptau9), str(ours))
    assert "ZKey Ok!" in proc.stdout + proc.stderr
    # a contribution on top of our key, verified again, then a snarkjs proof with it
    contributed = tmp_path / "ours_1.zkey"
    npm_peers.snarkjs("zkey", "contribute", str(ours), str(contributed), "--name=carol", "-e=carol entropy")
    proc = npm_peers.snarkjs("zkey", "verify", str(mul_circuit.r1cs), str(ptau9), str(contributed))
    assert "ZKey Ok!" in proc.stdout + proc.stderr
    vk, proof, public = tmp_path / "vk.json", tmp_path / "proof.json", tmp_path / "public.json"
    npm_peers.snarkjs("zkey", "export", "verificationkey", str(contributed), str(vk))
    npm_peers.snarkjs("groth16", "prove", str(contributed), str(mul_circuit.wtns), str(proof), str(public))
    assert snarkjs_verifies(npm_peers, vk, public, proof)
    assert verify_files(str(vk), str(public), str(proof)).ok


def test_snarkjs_zkey_verify_rejects_a_tampered_zkvct_key(npm_peers, mul_circuit, ptau9, tmp_path):
    """The acceptance above is meaningful: snarkjs does reject a key whose A section we alter."""
    ours = tmp_path / "ours.zkey"
    setup_files(str(mul_circuit.r1cs), str(ptau9), str(ours))
    with read_zkey(ours) as zk:
        other = bytes(zk.b1)  # valid points, wrong section
        from zkvct.formats.zkey import write_zkey_like

        write_zkey_like(tmp_path / "bad.zkey", zk, a=other)
    proc = npm_peers.snarkjs("zkey", "verify", str(mul_circuit.r1cs), str(ptau9), str(tmp_path / "bad.zkey"), check=False)
    assert "ZKey Ok!" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("which", ["zkey0", "zkey2", "zkey3"])
def test_zkvct_proves_with_snarkjs_keys_and_snarkjs_verifies(npm_peers, mul_circuit, snarkjs_keys, which, tmp_path):
    zkey = getattr(snarkjs_keys, which)
    vk = tmp_path / "vk.json"
    npm_peers.snarkjs("zkey", "export", "verificationkey", str(zkey), str(vk))
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    prove_files(str(zkey), str(mul_circuit.wtns), str(proof), str(public))
    assert snarkjs_verifies(npm_peers, vk, public, proof)
    assert PublicSignals.load(public).values == [3 * 11 * 7 + 3, 3]


def test_snarkjs_contributions_are_parsed(snarkjs_keys):
    with read_zkey(snarkjs_keys.zkey3) as zk:
        names = [c.name for c in zk.mpc.contributions]
        types = [c.type for c in zk.mpc.contributions]
        assert names == ["alice", "bob", "final beacon"]
        assert types == [0, 0, 1]
        assert zk.mpc.contributions[2].num_iterations_exp == 10
        assert zk.mpc.contributions[2].beacon_hash == bytes(range(1, 32))
        # deltaAfter of the last contribution is the key's delta1
        assert zk.mpc.contributions[-1].delta_after == zk.header.delta1


def test_zkey_rewrite_round_trip_is_byte_identical(snarkjs_keys, tmp_path):
    """Reading then writing a snarkjs key (with contributions) reproduces it byte for byte.

    snarkjs's contribute writes sections in another order than zkey_new; compare per section."""
    from zkvct.formats.zkey import write_zkey_like

    with read_zkey(snarkjs_keys.zkey3) as zk:
        write_zkey_like(tmp_path / "copy.zkey", zk)
    a = read_binfile(snarkjs_keys.zkey3, magic=b"zkey", versions=[1])
    b = read_binfile(tmp_path / "copy.zkey", magic=b"zkey", versions=[1])
    for sid in range(1, 11):
        assert bytes(a.section(sid)) == bytes(b.section(sid)), sid
    a.close(), b.close()


def test_zkvct_verifies_snarkjs_proof_native_and_reference(snarkjs_keys):
    vk = VerificationKey.load(snarkjs_keys.vk)
    proof = Proof.load(snarkjs_keys.proof)
    public = PublicSignals.load(snarkjs_keys.public)
    assert verify(vk, public, proof).ok
    assert verify_reference(vk, public, proof).ok
    wrong = PublicSignals(values=[public.values[0], public.values[1] + 1])
    assert not verify(vk, wrong, proof).ok
    assert not verify_reference(vk, wrong, proof).ok


def test_export_verificationkey_matches_snarkjs_bytes(snarkjs_keys, tmp_path):
    ours = tmp_path / "vk.json"
    export_verification_key(snarkjs_keys.zkey3, ours)
    assert ours.read_bytes() == snarkjs_keys.vk.read_bytes()


def test_json_files_match_snarkjs_formatting(snarkjs_keys, mul_circuit, tmp_path):
    """A proof with the same points serialises to the same bytes; public.json is identical."""
    p = Proof.load(snarkjs_keys.proof)
    assert p.dumps().encode() == snarkjs_keys.proof.read_bytes()
    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    prove_files(str(snarkjs_keys.zkey3), str(mul_circuit.wtns), str(proof), str(public))
    assert public.read_bytes() == snarkjs_keys.public.read_bytes()


@pytest.mark.slow
def test_circom_poseidon_chain_proved_by_zkvct(npm_peers, poseidon_circuit, ptau9, tmp_path):
    """circomlib Poseidon x2 compiled by circom2; witness by circom's wasm; zkvct sets up and
    proves; snarkjs verifies; the output equals Poseidon(Poseidon(seed, salt), salt) by circomlibjs."""
    r1cs = read_r1cs(poseidon_circuit.r1cs)
    witness = read_wtns(poseidon_circuit.wtns)
    check_witness(r1cs, witness)
    zkey = tmp_path / "chain.zkey"
    setup_files(str(poseidon_circuit.r1cs), str(ptau9), str(zkey))
    vk, proof, public = tmp_path / "vk.json", tmp_path / "proof.json", tmp_path / "public.json"
    export_verification_key(zkey, vk)
    prove_files(str(zkey), str(poseidon_circuit.wtns), str(proof), str(public))
    assert snarkjs_verifies(npm_peers, vk, public, proof)
    assert verify_files(str(vk), str(public), str(proof), reference=True).ok
    script = tmp_path / "poseidon.js"
    script.write_text(
        "const {buildPoseidon} = require('circomlibjs');"
        "buildPoseidon().then(p => { const h1 = p([12345n, 777n]); const h2 = p([h1, 777n]);"
        " console.log(p.F.toString(h2)); process.exit(0); });"
    )
    proc = npm_peers.run_node([str(script)])
    assert proc.returncode == 0, proc.stderr
    assert PublicSignals.load(public).values == [int(proc.stdout.strip()), 777]
    proc = npm_peers.snarkjs("zkey", "verify", str(poseidon_circuit.r1cs), str(ptau9), str(zkey))
    assert "ZKey Ok!" in proc.stdout + proc.stderr


def test_zkvct_dev_setup_proof_verified_by_snarkjs(npm_peers, mul_circuit, tmp_path):
    from zkvct.groth16.setup import dev_setup

    zkey = tmp_path / "dev.zkey"
    dev_setup(read_r1cs(mul_circuit.r1cs), zkey)
    vk, proof, public = tmp_path / "vk.json", tmp_path / "proof.json", tmp_path / "public.json"
    npm_peers.snarkjs("zkey", "export", "verificationkey", str(zkey), str(vk))
    export_verification_key(zkey, tmp_path / "ours_vk.json")
    assert (tmp_path / "ours_vk.json").read_bytes() == vk.read_bytes()
    res = prove(str(zkey), read_wtns(mul_circuit.wtns))
    res.proof.write(proof)
    res.publics.write(public)
    assert snarkjs_verifies(npm_peers, vk, public, proof)
    # and snarkjs proves with the dev key too
    npm_peers.snarkjs("groth16", "prove", str(zkey), str(mul_circuit.wtns), str(tmp_path / "p2.json"), str(tmp_path / "pub2.json"))
    assert verify_files(str(vk), str(tmp_path / "pub2.json"), str(tmp_path / "p2.json")).ok
