"""The holder's wallet: ``Wallet`` (Python API), ``zkvct wallet ...`` (CLI), a local HTTP API.

See :mod:`.holder` (keys, issuance, sync, proofs, consent), :mod:`.store` (the encrypted store),
:mod:`.sync` (private Merkle path sync), :mod:`.api` (the local HTTP API).
"""
from .holder import ConsentDeclined, ConsentRequest, Wallet
from .store import WalletError

__all__ = ["ConsentDeclined", "ConsentRequest", "Wallet", "WalletError"]
