"""The credential protocol's Python half (docs/protocol.md, version 2).

Sits above circuits, chain and did, below the services and the CLI: the encodings and derivations
the contract recomputes (:mod:`.encoding`, :mod:`.derive`), the reason codes (:mod:`.reasons`),
the credential twin wallets and issuers use (:mod:`.credential`), a derived sample presentation
(:mod:`.sample`) and the off-chain verifier with its chain-backed view (:mod:`.verify`,
:mod:`.chain_view`).
"""
from __future__ import annotations

from circuits.statements.credential import PROTOCOL_VERSION

from .reasons import Reason

__all__ = ["PROTOCOL_VERSION", "Reason"]
