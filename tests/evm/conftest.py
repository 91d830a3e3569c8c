"""Fixtures for the EVM tests: a real EVM (py-evm through eth-tester, in this process), contracts
compiled by the pinned solc-js (tests/peers), Groth16 keys made by zkvct's (INSECURE, test-only)
dev setup, proofs from zkvct and from the real snarkjs, and snarkjs's own exported verifier.

Pairings in py-evm take about 4 s each (pure Python BN254), so the fixtures are session-wide and
every test sends only the pairings it needs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from circuits.statements import get_statement
from zkvct.dsl import compile_circuit
from zkvct.evm.local import LocalEvm
from zkvct.evm.registry import compile_cached, registry_source, verifier_contract_name, verifier_sources
from zkvct.formats.wtns_file import write_wtns
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.json_models import Proof, PublicSignals, VerificationKey
from zkvct.groth16.prove import prove
from zkvct.groth16.setup import dev_setup
from zkvct.groth16.synthetic import chain_circuit


@dataclass
class Key:
    name: str
    zkey: Path
    vk: VerificationKey
    workdir: Path
    compiled: object = None  # the statement circuit (witness), None for the synthetic one
    statement: object = None


def snarkjs_prove(npm_peers, key: Key, witness, tag: str) -> tuple[dict, list[str]]:
    """Prove with the real snarkjs from a witness computed by zkvct (written as .wtns)."""
    wtns = key.workdir / f"{tag}.wtns"
    write_wtns(wtns, witness)
    proof, public = key.workdir / f"{tag}.proof.json", key.workdir / f"{tag}.public.json"
    npm_peers.snarkjs("groth16", "prove", str(key.zkey), str(wtns), str(proof), str(public))
    return json.loads(proof.read_text()), json.loads(public.read_text())


@pytest.fixture(scope="session")
def one_input(tmp_path_factory):
    """A 1-public-input key (synthetic chain circuit), its witness and a zkvct proof."""
    d = tmp_path_factory.mktemp("one_input")
    r1cs, witness = chain_circuit(8, x0=5)
    dev_setup(r1cs, d / "one.zkey")
    key = Key("one", d / "one.zkey", export_verification_key(d / "one.zkey"), d)
    res = prove(key.zkey, witness)
    return {"key": key, "witness": witness, "proof": res.proof.to_obj(), "public": res.publics.to_obj()}


def _statement_key(tmp_path_factory, name: str, statement_id: str, **params) -> Key:
    st = get_statement(name, depth=4, **params)
    cc = compile_circuit(st)
    d = tmp_path_factory.mktemp(statement_id)
    dev_setup(cc.r1cs, d / f"{statement_id}.zkey")
    return Key(statement_id, d / f"{statement_id}.zkey", export_verification_key(d / f"{statement_id}.zkey"), d, cc, st)


@pytest.fixture(scope="session")
def age_anon(tmp_path_factory) -> Key:
    """age >= 18, unlinkable: 6 public inputs (root, cutoff, today, scope, nullifier, challenge)."""
    return _statement_key(tmp_path_factory, "age_gte", "age-18-anon", with_did=False)


@pytest.fixture(scope="session")
def age_bound(tmp_path_factory) -> Key:
    """age >= 18, DID-bound: 7 public inputs (… challenge, holder_did_hash)."""
    return _statement_key(tmp_path_factory, "age_gte", "age-18")


@pytest.fixture(scope="session")
def snarkjs_verifier_source(npm_peers, one_input):
    """snarkjs's own `zkey export solidityverifier` for the one-input key."""
    key = one_input["key"]
    out = key.workdir / "snarkjs_verifier.sol"
    npm_peers.snarkjs("zkey", "export", "solidityverifier", str(key.zkey), str(out))
    return out.read_text()


@pytest.fixture(scope="session")
def compiled(one_input, age_anon, age_bound, snarkjs_verifier_source):
    """Everything compiled in one solc-js run: the registry, our verifiers, snarkjs's verifier."""
    sources = {"ZkvctRegistry.sol": registry_source(), "SnarkjsVerifier.sol": snarkjs_verifier_source}
    sources.update(verifier_sources([one_input["key"].vk, age_anon.vk, age_bound.vk]))
    out = compile_cached(sources)
    out["ours:one"] = out[verifier_contract_name(one_input["key"].vk)]
    out["snarkjs:one"] = out["SnarkjsVerifier.sol:Groth16Verifier"]
    return out


@pytest.fixture(scope="session")
def evm():
    return LocalEvm()


def proof_words(proof: dict) -> tuple[list, list, list]:
    """verifyProof's (a, b, c) from a proof object, as they are (bad points included)."""
    from zkvct.evm.calldata import words_from_json

    w = words_from_json(proof)
    return [w[0], w[1]], [[w[2], w[3]], [w[4], w[5]]], [w[6], w[7]]


def parsed(proof: dict, public: list[str]):
    return Proof.parse(proof), PublicSignals.parse(public)


@pytest.fixture(scope="session")
def shareledger_net():
    """A running single-node wasmd chain (ShareLedger's stand-in), for the modules that mirror it."""
    from shareledger import wasmd_or_fail
    from zkvct.chain.localnet import Localnet

    wasmd_or_fail()
    net = Localnet(timeout_commit_ms=200)
    net.start()
    try:
        yield net
    finally:
        net.stop()
