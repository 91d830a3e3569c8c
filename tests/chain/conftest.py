"""Fixtures for the chain tests: one real wasmd node per test session, and the deployed contracts.

The node is built by scripts/build_wasmd.sh (run by scripts/setup.sh through setup.d/40-wasmd.sh);
a missing binary fails the tests loudly, unless the machine opted out with ZKVCT_SKIP_WASMD=1.
The contracts come from scripts/build_contracts.sh (verifier_contract/artifacts/*.wasm, or
$ZKVCT_WASM_DIR).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from zkvct.chain.client import ChainClient
from zkvct.chain.keys import localnet_wallet
from zkvct.chain.localnet import Localnet, LocalnetError, find_wasmd, repo_root

ARTIFACTS = Path(os.environ.get("ZKVCT_WASM_DIR") or repo_root() / "verifier_contract" / "artifacts")


def _wasmd_or_fail() -> Path:
    if os.environ.get("ZKVCT_SKIP_WASMD") == "1":
        pytest.skip("ZKVCT_SKIP_WASMD=1: this machine does not run the chain tests")
    try:
        return find_wasmd()
    except LocalnetError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def localnet():
    """A running single-node chain (fast blocks, funded public test keys); stopped at session end."""
    _wasmd_or_fail()
    net = Localnet(timeout_commit_ms=200)
    net.start()
    try:
        yield net
    finally:
        net.stop()


@pytest.fixture(scope="session")
def chain(localnet):
    return ChainClient.from_localnet(localnet.info)


@pytest.fixture(scope="session")
def wallets():
    return {name: localnet_wallet(name) for name in ("alice", "bob", "carol", "dave", "eve")}


def artifact(name: str) -> Path:
    path = ARTIFACTS / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the contracts with `bash scripts/build_contracts.sh`")
    return path


@pytest.fixture(scope="session")
def registry(chain, wallets):
    """A freshly stored and instantiated CW1056 registry: (address, code_id, store gas, init gas)."""
    code_id, stored = chain.store(artifact("cw1056.wasm"), wallets["alice"])
    address, inst = chain.instantiate(code_id, {"address_prefix": "shareledger"}, wallets["alice"], "cw1056 registry")
    return {"address": address, "code_id": code_id, "store_gas": stored.gas_used, "instantiate_gas": inst.gas_used}


@pytest.fixture(scope="session")
def verifier_wasm() -> Path:
    return artifact("zkvct_verifier.wasm")


@pytest.fixture(scope="session")
def age_prover(tmp_path_factory, npm_peers):
    """The protocol-v2 toy circuits compiled once per session, with their keys (see age_v2.py)."""
    from age_v2 import AgeProver

    return AgeProver(tmp_path_factory.mktemp("age_v2"), npm_peers)
