"""The vocabulary of public-input roles a verifier (contract or off-chain) understands.

A role tells the verifier which check applies to a public signal (docs/protocol.md, "Public
inputs"): ``issuer_root`` (an anchored, unretired root within the window), ``revocation_root``
(the issuer's *current* root), ``cutoff_days`` (today minus N years), ``today_days`` (the block or
server date within the tolerance), ``scope`` and ``challenge`` (re-derived and compared),
``nullifier`` (unused so far), ``holder_did_hash`` (the hash of the named holder DID) and
``param`` (a value registered with the statement).
"""
from __future__ import annotations

ROLES = ("issuer_root", "revocation_root", "cutoff_days", "today_days", "scope", "nullifier", "challenge",
         "holder_did_hash", "param")

#: Roles of which a registered statement has exactly one root.
ROOT_ROLES = ("issuer_root", "revocation_root")

#: The vocabulary CredentialStatement declares to the DSL (``Circuit.roles``).
CREDENTIAL_ROLES = ROLES

__all__ = ["ROLES", "ROOT_ROLES", "CREDENTIAL_ROLES"]
