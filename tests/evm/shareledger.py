"""ShareLedger for the EVM tests: a real wasmd node (zkvct.chain.localnet), the CW1056 registry
and the protocol-v2 zkvct CosmWasm verifier deployed on it, as the chain tests do
(tests/chain/conftest.py). The EVM side reads it only through zkvct.evm.mirror.ContractSource.

The node is started once per test session (by the ``shareledger_net`` fixture in conftest.py),
each module deploys its own verifier contract, so the modules' statements and roots never mix.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timezone

import pytest


def wasmd_or_fail():
    """The wasmd binary and the built contracts; a skip only where the machine opted out."""
    if os.environ.get("ZKVCT_SKIP_WASMD") == "1":
        pytest.skip("ZKVCT_SKIP_WASMD=1: this machine does not run the chain tests")
    from zkvct.chain.localnet import LocalnetError, find_wasmd, repo_root

    try:
        find_wasmd()
    except LocalnetError as exc:
        pytest.fail(str(exc))
    artifacts = repo_root() / "verifier_contract" / "artifacts"
    for name in ("cw1056.wasm", "zkvct_verifier.wasm"):
        if not (artifacts / name).is_file():
            pytest.fail(f"{artifacts / name} is missing: build the contracts with `bash scripts/build_contracts.sh`")
    return artifacts


@dataclass
class ShareLedger:
    """One deployed verifier on the running node, with the public test wallets."""

    chain: object  # zkvct.chain.client.ChainClient
    ver: object  # zkvct.chain.contracts.VerifierContract
    wallets: dict

    def did(self, name: str) -> str:
        from zkvct.chain.contracts import did_of

        return did_of(self.wallets[name])

    def block_now(self) -> tuple[int, str]:
        """(unix seconds, ISO date) of the latest block: the clock the contract judges by."""
        t = self.chain.rpc.block_time(self.chain.rpc.latest_height()).astimezone(timezone.utc)
        return int(t.timestamp()), t.date().isoformat()

    def source(self):
        from zkvct.evm.mirror import ContractSource

        return ContractSource(self.chain, self.ver.address)


def deploy_shareledger(net, label: str, root_window_secs: int = 3600) -> ShareLedger:
    """Store and instantiate CW1056 and the zkvct verifier on ``net`` (a started Localnet)."""
    from zkvct.chain.client import ChainClient
    from zkvct.chain.contracts import VerifierContract
    from zkvct.chain.keys import localnet_wallet
    from zkvct.chain.messages import VerifierInstantiate

    artifacts = wasmd_or_fail()
    chain = ChainClient.from_localnet(net.info)
    wallets = {name: localnet_wallet(name) for name in ("alice", "bob", "carol", "dave", "eve")}
    alice = wallets["alice"]
    code_id, _ = chain.store(artifacts / "cw1056.wasm", alice)
    registry, _ = chain.instantiate(code_id, {"address_prefix": "shareledger"}, alice, f"cw1056 ({label})")
    code_id, _ = chain.store(artifacts / "zkvct_verifier.wasm", alice)
    address, _ = chain.instantiate(code_id, VerifierInstantiate(registry=registry, root_window_secs=root_window_secs),
                                   alice, f"zkvct verifier ({label})")
    return ShareLedger(chain, VerifierContract(chain, address), wallets)
