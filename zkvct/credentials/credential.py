"""The credential twin wallets and issuers use.

One definition: the plain-integer twin lives next to the circuit it mirrors
(``circuits/statements/credential.py``, which cannot import this package); this module re-exports
it and adds the protocol-side pieces (the holder commitment a wallet sends, the leaf an issuer
inserts from that commitment alone).
"""
from __future__ import annotations

from circuits.gadgets.poseidon import poseidon_hash
from circuits.statements.credential import (DATE_BITS, PROTOCOL_VERSION, REGISTRY_DEPTH, SCHEMA_V2, Credential,
                                            Registry, country_code, cutoff_days, days, leaf_hash)


def holder_commit(holder_secret: int) -> int:
    """``Poseidon(holder_secret)``: what the wallet sends the issuer (never the secret)."""
    return poseidon_hash([holder_secret])


__all__ = ["DATE_BITS", "PROTOCOL_VERSION", "REGISTRY_DEPTH", "SCHEMA_V2", "Credential", "Registry", "country_code",
           "cutoff_days", "days", "leaf_hash", "holder_commit"]
