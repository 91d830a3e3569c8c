"""Deploy both contracts and remember where they are; connect the CLI to a chain.

``deploy`` stores and instantiates the CW1056 registry, then the zkVCT verifier pointing at it.
The result (addresses, code ids, gas) is written next to a ``zkvct chain up`` node as
``deployment.json`` so later commands (``statement register``, ``verify --on-chain``,
``did resolve``) find the contracts without flags.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cosmpy.aerial.config import NetworkConfig
from cosmpy.aerial.wallet import LocalWallet, Wallet

from ..errors import ZkvctError
from .client import ChainClient
from .keys import BECH32_PREFIX, localnet_wallet
from .localnet import LocalnetInfo, default_home, load_info, repo_root
from .messages import Cw1056Instantiate, VerifierInstantiate

DEPLOYMENT_FILE = "deployment.json"
DEFAULT_ARTIFACTS = repo_root() / "verifier_contract" / "artifacts"


@dataclass
class Deployment:
    registry: str
    verifier: str
    registry_code_id: int
    verifier_code_id: int
    gas: dict[str, int]

    def save(self, home: Path) -> Path:
        path = Path(home) / DEPLOYMENT_FILE
        path.write_text(json.dumps(asdict(self), indent=2))
        return path

    @classmethod
    def load(cls, home: Path) -> "Deployment":
        path = Path(home) / DEPLOYMENT_FILE
        if not path.is_file():
            raise ZkvctError(f"no deployment recorded in {home}: run `zkvct chain deploy` first (or pass the address)")
        return cls(**json.loads(path.read_text()))


def deploy(client: ChainClient, sender: Wallet, registry_wasm: Path | None = None, verifier_wasm: Path | None = None,
           root_window_secs: int = 86_400, delegate_type: str | None = None,
           date_tolerance_days: int | None = None) -> Deployment:
    """Store + instantiate the registry, then the verifier configured with the registry address."""
    registry_wasm = Path(registry_wasm or DEFAULT_ARTIFACTS / "cw1056.wasm")
    verifier_wasm = Path(verifier_wasm or DEFAULT_ARTIFACTS / "zkvct_verifier.wasm")
    for p in (registry_wasm, verifier_wasm):
        if not p.is_file():
            raise FileNotFoundError(p)
    reg_code, reg_store = client.store(registry_wasm, sender)
    registry, reg_init = client.instantiate(reg_code, Cw1056Instantiate(address_prefix=BECH32_PREFIX), sender,
                                            "zkvct cw1056 did:shr registry")
    ver_code, ver_store = client.store(verifier_wasm, sender)
    init = VerifierInstantiate(registry=registry, root_window_secs=root_window_secs, delegate_type=delegate_type,
                               date_tolerance_days=date_tolerance_days)
    verifier, ver_init = client.instantiate(ver_code, init, sender, "zkvct verifier")
    return Deployment(registry, verifier, reg_code, ver_code, {
        "store_registry": reg_store.gas_used, "instantiate_registry": reg_init.gas_used,
        "store_verifier": ver_store.gas_used, "instantiate_verifier": ver_init.gas_used,
    })


def wallet_from(key_name: str | None, mnemonic_env: str | None, private_key_env: str | None = None) -> Wallet:
    """The signer: a mnemonic (``mnemonic_env``) or a hex secp256k1 private key (``private_key_env``)
    read from an environment variable (never a CLI argument, so secrets stay out of shell history
    and process lists), else a public local test key by name."""
    if mnemonic_env and private_key_env:
        raise ZkvctError("give either --mnemonic-env or --private-key-env, not both")
    if private_key_env:
        raw = (os.environ.get(private_key_env) or "").strip().removeprefix("0x")
        if len(raw) != 64 or any(c not in "0123456789abcdefABCDEF" for c in raw):
            raise ZkvctError(f"environment variable {private_key_env} must hold a 32-byte private key as 64 hex digits")
        from cosmpy.crypto.keypairs import PrivateKey

        try:
            return LocalWallet(PrivateKey(bytes.fromhex(raw)), prefix=BECH32_PREFIX)
        except Exception:  # noqa: BLE001 - zero or >= n
            raise ZkvctError(f"the key in {private_key_env} is not a valid secp256k1 private key") from None
    if mnemonic_env:
        mnemonic = os.environ.get(mnemonic_env)
        if not mnemonic:
            raise ZkvctError(f"environment variable {mnemonic_env} is empty or unset (expected a BIP-39 mnemonic)")
        try:
            return LocalWallet.from_mnemonic(mnemonic.strip(), prefix=BECH32_PREFIX)
        except Exception as exc:  # noqa: BLE001 - cosmpy raises several types
            raise ZkvctError(f"the mnemonic in {mnemonic_env} is not valid: {exc.__class__.__name__}") from None
    return localnet_wallet(key_name or "alice")


def connect(home: str | None = None, grpc_url: str | None = None, rpc_url: str | None = None,
            chain_id: str | None = None, denom: str = "nshr") -> tuple[ChainClient, Path | None]:
    """A client for either an explicit endpoint (``grpc_url`` + ``chain_id``) or the node that
    ``zkvct chain up`` recorded in ``home``. Returns the client and the home (None for explicit)."""
    if grpc_url:
        if not chain_id:
            raise ZkvctError("--grpc needs --chain-id")
        cfg = NetworkConfig(chain_id=chain_id, url=grpc_url, fee_minimum_gas_price=0,
                            fee_denomination=denom, staking_denomination=denom)
        return ChainClient(cfg, rpc_url=rpc_url), None
    home_path = Path(home) if home else default_home()
    info: LocalnetInfo = load_info(home_path)
    return ChainClient.from_localnet(info), home_path


def resolve_addresses(home: Path | None, registry: str | None = None, verifier: str | None = None) -> tuple[str | None, str | None]:
    """Contract addresses from flags, else from the recorded deployment."""
    if registry and verifier:
        return registry, verifier
    if home is None:
        return registry, verifier
    try:
        dep = Deployment.load(home)
    except ZkvctError:
        if registry or verifier:
            return registry, verifier
        raise
    return registry or dep.registry, verifier or dep.verifier


def summary(dep: Deployment) -> dict[str, Any]:
    return asdict(dep)
