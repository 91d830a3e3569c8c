"""Deterministic, public test keys for the local node.

The local chain funds a few well-known accounts at genesis so tests and the CLI can sign without a
keyring. Their mnemonics are derived from a fixed label (BIP-39 over ``sha256(label)``), so they
are reproducible everywhere and obviously worthless: never use them on a real network.
"""
from __future__ import annotations

import hashlib

from cosmpy.aerial.wallet import LocalWallet
from cosmpy.mnemonic import entropy_to_mnemonic

#: Bech32 human-readable prefix of ShareLedger accounts.
BECH32_PREFIX = "shareledger"

#: Accounts funded at genesis by :class:`zkvct.chain.localnet.Localnet`, in this order.
TEST_KEY_NAMES = ("alice", "bob", "carol", "dave", "eve")

_LABEL = b"zkvct localnet public test key v1:"


def localnet_mnemonic(name: str) -> str:
    """The 24-word mnemonic of the public test key ``name`` (any name works; the funded ones are
    :data:`TEST_KEY_NAMES`)."""
    if not name:
        raise ValueError("test key name must be non-empty")
    return entropy_to_mnemonic(hashlib.sha256(_LABEL + name.encode()).digest())


def localnet_wallet(name: str, prefix: str = BECH32_PREFIX) -> LocalWallet:
    """A cosmpy wallet for the public test key ``name`` (path m/44'/118'/0'/0/0, like wasmd's keyring)."""
    return LocalWallet.from_mnemonic(localnet_mnemonic(name), prefix=prefix)
