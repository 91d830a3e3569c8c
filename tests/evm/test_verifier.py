"""Our generated Solidity verifier against snarkjs's exported one and zkvct's own verifier, on a
real EVM (py-evm), with proofs from zkvct and from snarkjs and the CosmWasm corpus of bad proofs."""
from __future__ import annotations

import subprocess
import sys

import pytest
from eth_abi.exceptions import EncodingError

from corpus import KINDS, tampered
from conftest import proof_words, snarkjs_prove
from zkvct.evm.calldata import words_from_json
from zkvct.evm.verifier_sol import CODE_REASONS, solidity_verifier
from zkvct.groth16.json_models import Proof, PublicSignals
from zkvct.groth16.verify import verify as zkvct_verify

pytestmark = [pytest.mark.interop, pytest.mark.slow]


@pytest.fixture(scope="module")
def verifiers(evm, compiled):
    return {"ours": evm.deploy(compiled["ours:one"]), "snarkjs": evm.deploy(compiled["snarkjs:one"])}


@pytest.fixture(scope="module")
def snarkjs_proof(npm_peers, one_input):
    return snarkjs_prove(npm_peers, one_input["key"], one_input["witness"], "snarkjs")


@pytest.fixture(scope="module")
def other_proof(age_anon):
    """A valid proof of another circuit (the age statement's key is not this one)."""
    from zkvct.credentials.sample import sample_presentation

    p = sample_presentation(age_anon.statement, statement_id=age_anon.name)
    from zkvct.groth16.prove import prove

    return prove(age_anon.zkey, age_anon.compiled.witness(p.input)).proof.to_obj()


def _ours_code(v, proof, public):
    return v.call("check", list(words_from_json(proof)), [int(x) for x in public])


def _snarkjs_accepts(v, proof, public) -> bool:
    a, b, c = proof_words(proof)
    try:
        return bool(v.call("verifyProof", a, b, c, [int(x) for x in public]))
    except EncodingError:  # uint[1] cannot carry two inputs: the typed call does not exist
        return False


def _zkvct_reason(vk, proof, public):
    """zkvct's own verifier (what the off-chain verify and the CosmWasm contract implement)."""
    if len(public) != vk.nPublic:
        return "wrong_input_count"
    try:
        pub = PublicSignals.parse(public)
    except ValueError:
        return "input_not_canonical"
    from zkvct import native

    try:
        pr = Proof.parse(proof)
        a, b, c = pr.points()
        native.g1_validate(a.to_lem(), False)
        native.g2_validate(b.to_lem(), False)
        native.g1_validate(c.to_lem(), False)
    except ValueError:  # the parser's and the native core's refusals of a point
        return "proof_malformed"
    return None if zkvct_verify(vk, pub.values, pr).ok else "proof_invalid"


def test_generated_source_is_our_own_and_deterministic(one_input, snarkjs_verifier_source):
    vk = one_input["key"].vk
    src = solidity_verifier(vk)
    assert src == solidity_verifier(vk)
    # nothing of snarkjs's template: none of its helper names or its license header
    for marker in ("checkField", "g1_mulAccC", "checkPairing", "GPL-3.0", "pragma solidity >=0.7.0"):
        assert marker in snarkjs_verifier_source and marker not in src


def test_valid_proofs_from_zkvct_and_snarkjs_accepted_by_both(verifiers, one_input, snarkjs_proof):
    vk = one_input["key"].vk
    for proof, public in ((one_input["proof"], one_input["public"]), snarkjs_proof):
        assert _zkvct_reason(vk, proof, public) is None
        a, b, c = proof_words(proof)
        assert verifiers["ours"].call("verifyProof", a, b, c, [int(x) for x in public]) is True
        assert _snarkjs_accepts(verifiers["snarkjs"], proof, public) is True


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_bad_proof_corpus_same_verdicts(kind, verifiers, one_input, other_proof):
    """Each kind: our check() code is the CosmWasm reason, snarkjs's verifier and zkvct's verifier
    refuse too (snarkjs only says false; zkvct names the same reason)."""
    reason, code = KINDS[kind]
    proof, public = tampered(kind, one_input["proof"], one_input["public"], other_proof)
    got = _ours_code(verifiers["ours"], proof, public)
    assert CODE_REASONS[got] == reason, (kind, got)
    assert _snarkjs_accepts(verifiers["snarkjs"], proof, public) is False
    assert _zkvct_reason(one_input["key"].vk, proof, public) == reason


def test_cli_exports_match_snarkjs(tmp_path, one_input, npm_peers):
    """`zkvct zkey export soliditycalldata` prints what snarkjs prints; solidityverifier writes
    the generated source, from a .zkey or a verification_key.json alike."""
    key = one_input["key"]
    proof_path, public_path = tmp_path / "proof.json", tmp_path / "public.json"
    import json

    proof_path.write_text(json.dumps(one_input["proof"]))
    public_path.write_text(json.dumps(one_input["public"]))
    ours = subprocess.run([sys.executable, "-m", "zkvct", "zkey", "export", "soliditycalldata", str(public_path),
                           str(proof_path)], capture_output=True, text=True, check=True).stdout
    theirs = npm_peers.snarkjs("zkey", "export", "soliditycalldata", str(public_path), str(proof_path)).stdout
    assert ours == theirs
    vk_path = tmp_path / "vk.json"
    key.vk.write(vk_path)
    for src in (key.zkey, vk_path):
        out = tmp_path / f"{src.name}.sol"
        subprocess.run([sys.executable, "-m", "zkvct", "zkey", "export", "solidityverifier", str(src), str(out)],
                       check=True, capture_output=True)
        assert out.read_text() == solidity_verifier(key.vk)
    bad = subprocess.run([sys.executable, "-m", "zkvct", "zkey", "export", "soliditycalldata", str(proof_path),
                          str(public_path), "--json"], capture_output=True, text=True)
    assert bad.returncode == 2 and '"ok": false' in bad.stdout and "Traceback" not in bad.stderr
